#include "formats/tflite/flatbuf_build.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A field of the open table, kept until fbb_table_end places it. */
struct fbb_field {
    int id;
    uint8_t size; /* 1, 2, 4 or 8 */
    bool is_ref;
    uint64_t bits; /* the scalar's bits, or the target's fbb_ref */
};

/* A vtable written earlier: where it lies among the small bytes, and its size. */
struct fbb_vtable {
    size_t small_end; /* b->small right after it was written */
    uint64_t ref;
    uint16_t len;
};

/* Bytes written by reference: pushed when `small` small bytes were written. */
struct fbb_blob {
    const void *data;
    uint64_t size;
    size_t small_at;
};

/* A vtable has a u16 per field id, so ids stop where its size would overflow. */
#define FBB_MAX_FIELD_ID 32000

void fbb_init(struct fbb_builder *b, uint64_t limit, struct fy_error *err)
{
    memset(b, 0, sizeof *b);
    b->err = err;
    b->limit = limit;
    b->minalign = 1;
}

void fbb_free(struct fbb_builder *b)
{
    free(b->buf);
    free(b->blobs);
    free(b->fields);
    free(b->vtables);
    b->buf = NULL;
    b->blobs = NULL;
    b->fields = NULL;
    b->vtables = NULL;
    b->cap = b->small = 0;
    b->cap_blobs = b->n_blobs = 0;
    b->cap_fields = b->n_fields = 0;
    b->cap_vtables = b->n_vtables = 0;
}

void fbb_reset(struct fbb_builder *b)
{
    b->st = FY_OK;
    b->small = 0;
    b->size = 0;
    b->minalign = 1;
    b->n_blobs = 0;
    b->blob_bytes = 0;
    b->in_table = false;
    b->n_fields = 0;
    b->n_vtables = 0;
    b->finished = false;
}

static fy_status fail(struct fbb_builder *b, fy_status st)
{
    if (!b->st) b->st = st;
    return b->st;
}

static void nomem(struct fbb_builder *b)
{
    err_fmt(b->err, FY_ENOMEM, "out of memory while building a FlatBuffer");
    fail(b, FY_ENOMEM);
}

/* Misuse of the builder is a bug in the caller: reported, never written. */
static bool misuse(struct fbb_builder *b, const char *what)
{
    err_fmt(b->err, FY_EINTERNAL, "FlatBuffer builder: %s", what);
    fail(b, FY_EINTERNAL);
    return false;
}

static bool usable(struct fbb_builder *b, bool want_table)
{
    if (b->st) return false;
    if (b->finished) return misuse(b, "the buffer is already finished");
    if (b->in_table != want_table)
        return misuse(b, want_table ? "a field added outside a table"
                                    : "an object started while a table is open");
    return true;
}

/* Room for n more small bytes in front of those written. */
static bool reserve(struct fbb_builder *b, size_t n)
{
    if (b->st) return false;
    if (n <= b->cap - b->small) return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->small < n) {
        if (cap > SIZE_MAX / 2) {
            nomem(b);
            return false;
        }
        cap *= 2;
    }
    uint8_t *nb = malloc(cap);
    if (!nb) {
        nomem(b);
        return false;
    }
    /* Bytes are kept at the end: their distance from it is what refs name. */
    if (b->small) memcpy(nb + cap - b->small, b->buf + b->cap - b->small, b->small);
    free(b->buf);
    b->buf = nb;
    b->cap = cap;
    return true;
}

static uint8_t *head(struct fbb_builder *b)
{
    return b->buf + b->cap - b->small;
}

/* Claims n small bytes in front and returns where they start. */
static uint8_t *claim(struct fbb_builder *b, size_t n)
{
    if (!reserve(b, n)) return NULL;
    b->small += n;
    b->size += n;
    return head(b);
}

static void pad(struct fbb_builder *b, size_t n)
{
    uint8_t *p = claim(b, n);
    if (p) memset(p, 0, n);
}

static void note_align(struct fbb_builder *b, size_t align)
{
    if (align > b->minalign) b->minalign = align;
}

/* Pads so that after `len` more bytes the size is a multiple of align: the
 * object then written starts aligned (counted from the end, and from the
 * start once fbb_finish has aligned the total). */
static void prealign(struct fbb_builder *b, uint64_t len, size_t align)
{
    note_align(b, align);
    pad(b, (size_t)((~(b->size + len) + 1) & (align - 1)));
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void push_scalar(struct fbb_builder *b, uint64_t v, int n)
{
    prealign(b, 0, (size_t)n);
    uint8_t *p = claim(b, (size_t)n);
    if (p) put_le(p, v, n);
}

/* A uoffset to target, written at the current head (4-aligned). */
static void push_uoffset(struct fbb_builder *b, fbb_ref target)
{
    prealign(b, 0, 4);
    if (b->st) return;
    if (target == 0 || target > b->size) {
        misuse(b, "an offset to an object not yet built");
        return;
    }
    /* The offset's own ref is size + 4; the target lies that much nearer the end. */
    uint64_t v = b->size + 4 - target;
    if (v > UINT32_MAX) v = 0; /* too far: fbb_finish refuses the size anyway */
    push_scalar(b, v, 4);
}

/* ---- vectors and strings ---- */

/* Alignment before a vector of `bytes` payload bytes: the count (u32) and the
 * elements each land aligned. */
static void vector_prealign(struct fbb_builder *b, uint64_t bytes, size_t align)
{
    prealign(b, bytes, 4);
    prealign(b, bytes, align);
}

static fbb_ref end_vector(struct fbb_builder *b, uint64_t count)
{
    if (count > UINT32_MAX) {
        err_fmt(b->err, FY_EUNSUPPORTED,
                "a FlatBuffer vector of %" PRIu64 " elements is over the format's limit", count);
        fail(b, FY_EUNSUPPORTED);
        return 0;
    }
    push_scalar(b, count, 4);
    return b->st ? 0 : b->size;
}

fbb_ref fbb_string(struct fbb_builder *b, const char *s, size_t n)
{
    if (!usable(b, false)) return 0;
    vector_prealign(b, (uint64_t)n + 1, 1);
    pad(b, 1); /* the NUL after the bytes */
    uint8_t *p = claim(b, n);
    if (p && n) memcpy(p, s, n);
    return end_vector(b, n);
}

fbb_ref fbb_cstring(struct fbb_builder *b, const char *s)
{
    if (!s) s = "";
    return fbb_string(b, s, strlen(s));
}

/* Elements of `size` bytes each, read from v as host integers of that size. */
static fbb_ref scalar_vector(struct fbb_builder *b, const void *v, size_t n, int size)
{
    if (!usable(b, false)) return 0;
    if (n > SIZE_MAX / (size_t)size) {
        nomem(b);
        return 0;
    }
    vector_prealign(b, (uint64_t)n * (uint64_t)size, (size_t)size);
    uint8_t *p = claim(b, n * (size_t)size);
    if (!p) return 0;
    const uint8_t *src = v;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = 0;
        switch (size) {
        case 1:
            x = src[i];
            break;
        case 4: {
            uint32_t t;
            memcpy(&t, src + 4 * i, 4);
            x = t;
            break;
        }
        default:
            memcpy(&x, src + 8 * i, 8);
            break;
        }
        put_le(p + i * (size_t)size, x, size);
    }
    return end_vector(b, n);
}

fbb_ref fbb_vector_u8(struct fbb_builder *b, const uint8_t *v, size_t n)
{
    return scalar_vector(b, v, n, 1);
}

fbb_ref fbb_vector_i32(struct fbb_builder *b, const int32_t *v, size_t n)
{
    return scalar_vector(b, v, n, 4);
}

fbb_ref fbb_vector_i64(struct fbb_builder *b, const int64_t *v, size_t n)
{
    return scalar_vector(b, v, n, 8);
}

fbb_ref fbb_vector_f32(struct fbb_builder *b, const float *v, size_t n)
{
    _Static_assert(sizeof(float) == 4, "IEEE binary32 floats");
    return scalar_vector(b, v, n, 4);
}

fbb_ref fbb_blob_vector(struct fbb_builder *b, const void *data, uint64_t n, size_t align)
{
    if (!usable(b, false)) return 0;
    if (align == 0 || (align & (align - 1))) {
        misuse(b, "a vector alignment that is not a power of two");
        return 0;
    }
    vector_prealign(b, n, align);
    if (b->st) return 0;
    if (n) {
        if (b->n_blobs == b->cap_blobs) {
            size_t cap = b->cap_blobs ? 2 * b->cap_blobs : 64;
            struct fbb_blob *nb = realloc(b->blobs, cap * sizeof *nb);
            if (!nb) {
                nomem(b);
                return 0;
            }
            b->blobs = nb;
            b->cap_blobs = cap;
        }
        b->blobs[b->n_blobs++] = (struct fbb_blob){data, n, b->small};
        b->size += n;
        b->blob_bytes += n;
    }
    return end_vector(b, n);
}

fbb_ref fbb_vector_refs(struct fbb_builder *b, const fbb_ref *refs, size_t n)
{
    if (!usable(b, false)) return 0;
    vector_prealign(b, (uint64_t)n * 4, 4);
    /* Back to front: the last element is written first. */
    for (size_t i = n; i-- > 0 && !b->st;)
        push_uoffset(b, refs[i]);
    return end_vector(b, n);
}

/* ---- tables ---- */

void fbb_table_start(struct fbb_builder *b)
{
    if (!usable(b, false)) return;
    b->in_table = true;
    b->n_fields = 0;
}

static void add_field(struct fbb_builder *b, int id, int size, bool is_ref, uint64_t bits)
{
    if (!usable(b, true)) return;
    if (id < 0 || id > FBB_MAX_FIELD_ID) {
        misuse(b, "a field id out of range");
        return;
    }
    for (int i = 0; i < b->n_fields; i++)
        if (b->fields[i].id == id) {
            misuse(b, "a field added twice");
            return;
        }
    if (b->n_fields == b->cap_fields) {
        int cap = b->cap_fields ? 2 * b->cap_fields : 16;
        struct fbb_field *nf = realloc(b->fields, (size_t)cap * sizeof *nf);
        if (!nf) {
            nomem(b);
            return;
        }
        b->fields = nf;
        b->cap_fields = cap;
    }
    b->fields[b->n_fields++] = (struct fbb_field){id, (uint8_t)size, is_ref, bits};
}

void fbb_add_u8(struct fbb_builder *b, int id, uint8_t v, uint8_t def)
{
    if (v != def) add_field(b, id, 1, false, v);
}

void fbb_add_i8(struct fbb_builder *b, int id, int8_t v, int8_t def)
{
    if (v != def) add_field(b, id, 1, false, (uint8_t)v);
}

void fbb_add_bool(struct fbb_builder *b, int id, bool v, bool def)
{
    if (v != def) add_field(b, id, 1, false, v ? 1 : 0);
}

void fbb_add_i16(struct fbb_builder *b, int id, int16_t v, int16_t def)
{
    if (v != def) add_field(b, id, 2, false, (uint16_t)v);
}

void fbb_add_u16(struct fbb_builder *b, int id, uint16_t v, uint16_t def)
{
    if (v != def) add_field(b, id, 2, false, v);
}

void fbb_add_i32(struct fbb_builder *b, int id, int32_t v, int32_t def)
{
    if (v != def) add_field(b, id, 4, false, (uint32_t)v);
}

void fbb_add_u32(struct fbb_builder *b, int id, uint32_t v, uint32_t def)
{
    if (v != def) add_field(b, id, 4, false, v);
}

void fbb_add_i64(struct fbb_builder *b, int id, int64_t v, int64_t def)
{
    if (v != def) add_field(b, id, 8, false, (uint64_t)v);
}

void fbb_add_u64(struct fbb_builder *b, int id, uint64_t v, uint64_t def)
{
    if (v != def) add_field(b, id, 8, false, v);
}

void fbb_add_f32(struct fbb_builder *b, int id, float v, float def)
{
    uint32_t bv, bd;
    memcpy(&bv, &v, 4);
    memcpy(&bd, &def, 4);
    if (bv != bd) add_field(b, id, 4, false, bv);
}

void fbb_add_raw(struct fbb_builder *b, int id, const uint8_t *bytes, size_t n)
{
    if (n != 1 && n != 2 && n != 4 && n != 8) {
        misuse(b, "a raw field that is not 1, 2, 4 or 8 bytes");
        return;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)bytes[i] << (8 * i);
    add_field(b, id, (int)n, false, v);
}

void fbb_add_ref(struct fbb_builder *b, int id, fbb_ref ref)
{
    if (ref) add_field(b, id, 4, true, ref);
}

/* Placement order, back to front: largest fields first, and within a size
 * the highest id first, so that ids ascend front to back. */
static int field_cmp(const void *pa, const void *pb)
{
    const struct fbb_field *a = pa, *b = pb;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    return (a->id < b->id) - (a->id > b->id);
}

fbb_ref fbb_table_end(struct fbb_builder *b)
{
    if (!usable(b, true)) return 0;
    if (b->n_fields > 1) qsort(b->fields, (size_t)b->n_fields, sizeof *b->fields, field_cmp);
    /* Padding that aligns the largest field is put outside the table, so
     * that tables with the same fields have the same size, hence the same
     * vtable, wherever they fall. */
    prealign(b, 0, b->n_fields && b->fields[0].size > 4 ? b->fields[0].size : 4);
    uint64_t start = b->size;
    int n_ids = 0;
    /* Field refs go in `bits` once placed, reusing the array. */
    for (int i = 0; i < b->n_fields && !b->st; i++) {
        struct fbb_field *f = &b->fields[i];
        if (f->is_ref)
            push_uoffset(b, f->bits);
        else
            push_scalar(b, f->bits, f->size);
        f->bits = b->size;
        if (f->id + 1 > n_ids) n_ids = f->id + 1;
    }
    /* The soffset, patched below once the vtable's place is known. */
    push_scalar(b, 0, 4);
    if (b->st) return 0;
    fbb_ref table = b->size;
    size_t table_small = b->small;
    uint64_t table_size = table - start;
    size_t vt_len = 4 + 2 * (size_t)n_ids;
    if (table_size > UINT16_MAX || vt_len > UINT16_MAX) {
        err_fmt(b->err, FY_EUNSUPPORTED,
                "a FlatBuffer table of %" PRIu64 " bytes with %d field ids is over the "
                "format's limit of 65535 bytes",
                table_size, n_ids);
        fail(b, FY_EUNSUPPORTED);
        return 0;
    }

    /* The vtable, built in scratch first so that it can be compared. */
    uint16_t stack_vt[64];
    uint16_t *vt = vt_len / 2 <= 64 ? stack_vt : calloc(vt_len / 2, sizeof *vt);
    if (!vt) {
        nomem(b);
        return 0;
    }
    memset(vt, 0, vt_len);
    vt[0] = (uint16_t)vt_len;
    vt[1] = (uint16_t)table_size;
    for (int i = 0; i < b->n_fields; i++)
        vt[2 + b->fields[i].id] = (uint16_t)(table - b->fields[i].bits);
    uint8_t vt_bytes[2 * 64];
    uint8_t *vb = vt_len <= sizeof vt_bytes ? vt_bytes : malloc(vt_len);
    if (!vb) {
        if (vt != stack_vt) free(vt);
        nomem(b);
        return 0;
    }
    for (size_t i = 0; i < vt_len / 2; i++)
        put_le(vb + 2 * i, vt[i], 2);
    if (vt != stack_vt) free(vt);

    fbb_ref vt_ref = 0;
    for (size_t i = 0; i < b->n_vtables; i++) {
        const struct fbb_vtable *o = &b->vtables[i];
        if (o->len == vt_len && !memcmp(b->buf + b->cap - o->small_end, vb, vt_len)) {
            vt_ref = o->ref;
            break;
        }
    }
    if (!vt_ref) {
        /* A new vtable, written right before its table (the soffset is
         * 4-aligned, so the u16s are aligned too). */
        uint8_t *p = claim(b, vt_len);
        if (p) memcpy(p, vb, vt_len);
        if (!b->st && b->n_vtables == b->cap_vtables) {
            size_t cap = b->cap_vtables ? 2 * b->cap_vtables : 32;
            struct fbb_vtable *nv = realloc(b->vtables, cap * sizeof *nv);
            if (!nv)
                nomem(b);
            else {
                b->vtables = nv;
                b->cap_vtables = cap;
            }
        }
        if (!b->st) {
            vt_ref = b->size;
            b->vtables[b->n_vtables++] = (struct fbb_vtable){b->small, vt_ref, (uint16_t)vt_len};
        }
    }
    if (vb != vt_bytes) free(vb);
    b->in_table = false;
    b->n_fields = 0;
    if (b->st) return 0;
    /* vtable address = table address - soffset; addresses are total - ref. */
    int64_t soff = (int64_t)vt_ref - (int64_t)table;
    put_le(b->buf + b->cap - table_small, (uint64_t)soff, 4);
    return table;
}

/* ---- the whole buffer ---- */

fy_status fbb_finish(struct fbb_builder *b, fbb_ref root, const char *ident)
{
    if (!usable(b, false)) return b->st;
    size_t extra = 4 + (ident ? 4 : 0);
    /* Aligning the total to the largest alignment used makes every position
     * aligned from the end also aligned from the start. */
    note_align(b, 4);
    prealign(b, extra, b->minalign);
    if (ident) {
        uint8_t *p = claim(b, 4);
        if (p) memcpy(p, ident, 4);
    }
    push_uoffset(b, root);
    if (b->st) return b->st;
    b->finished = true;
    if (b->size > b->limit) {
        err_fmt(b->err, FY_EUNSUPPORTED,
                "the FlatBuffer would be %" PRIu64 " bytes, over the limit of %" PRIu64, b->size,
                b->limit);
        return fail(b, FY_EUNSUPPORTED);
    }
    return FY_OK;
}

/* Calls out(ctx, p, n) for each run of the finished buffer, front to back. */
static fy_status walk(struct fbb_builder *b, fy_status (*out)(void *, const void *, uint64_t),
                      void *ctx)
{
    if (b->st) return b->st;
    if (!b->finished) {
        misuse(b, "output asked for before fbb_finish");
        return b->st;
    }
    /* Small bytes between blobs, then each blob, from the front: the front
     * is the last thing written. */
    size_t from = b->small;
    fy_status st = FY_OK;
    for (size_t i = b->n_blobs; i-- > 0 && !st;) {
        const struct fbb_blob *bl = &b->blobs[i];
        st = out(ctx, b->buf + b->cap - from, from - bl->small_at);
        if (!st) st = out(ctx, bl->data, bl->size);
        from = bl->small_at;
    }
    if (!st) st = out(ctx, b->buf + b->cap - from, from);
    return st;
}

struct file_out {
    FILE *f;
    struct fy_error *err;
};

static fy_status to_file(void *ctx, const void *p, uint64_t n)
{
    struct file_out *o = ctx;
    if (n && fwrite(p, 1, (size_t)n, o->f) != n)
        return err_fmt(o->err, FY_EIO, "cannot write: %s", strerror(errno));
    return FY_OK;
}

fy_status fbb_write(struct fbb_builder *b, FILE *f)
{
    struct file_out o = {f, b->err};
    fy_status st = walk(b, to_file, &o);
    return st ? fail(b, st) : FY_OK;
}

struct mem_out {
    uint8_t *dst;
    size_t pos;
};

static fy_status to_mem(void *ctx, const void *p, uint64_t n)
{
    struct mem_out *o = ctx;
    if (n) memcpy(o->dst + o->pos, p, (size_t)n);
    o->pos += (size_t)n;
    return FY_OK;
}

fy_status fbb_copy(struct fbb_builder *b, uint8_t *dst, size_t cap)
{
    if (b->st) return b->st;
    if (b->size > cap) {
        misuse(b, "fbb_copy into a buffer smaller than the FlatBuffer");
        return b->st;
    }
    struct mem_out o = {dst, 0};
    return walk(b, to_mem, &o);
}
