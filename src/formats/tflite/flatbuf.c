#include "formats/tflite/flatbuf.h"

#include <inttypes.h>
#include <string.h>

/* FlatBuffers' own limit: offsets are unsigned 32-bit but must be positive
 * as signed ones (the reference verifier rejects the rest). */
#define FB_MAX_OFFSET 0x7fffffffu

uint16_t fb_load_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t fb_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t fb_load_u64(const uint8_t *p)
{
    return (uint64_t)fb_load_u32(p) | (uint64_t)fb_load_u32(p + 4) << 32;
}

void fb_init(struct fb_buf *b, const uint8_t *data, size_t size, struct fy_error *err)
{
    b->data = data;
    b->size = size;
    b->err = err;
    uint64_t per = (uint64_t)FB_WORK_PER_BYTE;
    b->work = size > (UINT64_MAX - FB_WORK_FLOOR) / per ? UINT64_MAX
                                                        : (uint64_t)size * per + FB_WORK_FLOOR;
}

static fy_status spend(struct fb_buf *b, uint64_t units, size_t at, const char *what)
{
    if (units <= b->work) {
        b->work -= units;
        return FY_OK;
    }
    return err_at(b->err, FY_EFORMAT, (int64_t)at,
                  "%s: the buffer's offsets lead to the same objects so often that reading it "
                  "would visit more than %d elements per byte; expected each object to be "
                  "reached about once",
                  what, FB_WORK_PER_BYTE);
}

/* Follows the uoffset stored at byte at to the object it names. */
static fy_status follow(struct fb_buf *b, size_t at, const char *what, size_t *target)
{
    /* callers checked that 4 bytes at `at` are inside the buffer */
    uint32_t v = fb_load_u32(b->data + at);
    if (v == 0 || v > FB_MAX_OFFSET)
        return err_at(b->err, FY_EFORMAT, (int64_t)at,
                      "%s: offset %" PRIu32 "; expected 1 to %u (an offset forward to another "
                      "object)",
                      what, v, FB_MAX_OFFSET);
    if ((uint64_t)v >= (uint64_t)b->size - at)
        return err_at(b->err, FY_EFORMAT, (int64_t)at,
                      "%s: offset %" PRIu32 " leads to byte %" PRIu64
                      ", past the end of the %zu-byte buffer",
                      what, v, (uint64_t)at + v, b->size);
    *target = at + v;
    return FY_OK;
}

static fy_status open_table(struct fb_buf *b, size_t pos, int depth, const char *what,
                            const char *type, struct fb_table *out)
{
    if (depth > FB_MAX_DEPTH)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: table nested %d deep; expected at most %d", what, depth,
                      FB_MAX_DEPTH);
    if (pos % 4)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: table not 4-byte aligned; expected its vtable offset at a multiple "
                      "of 4",
                      what);
    if (pos > b->size || b->size - pos < 4)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: table runs past the end of the %zu-byte buffer", what, b->size);
    fy_status st = spend(b, 1, pos, what);
    if (st) return st;
    int32_t soff = (int32_t)fb_load_u32(b->data + pos);
    int64_t vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || (uint64_t)vt > (uint64_t)b->size || b->size - (size_t)vt < 4)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: the table's vtable would be at byte %" PRId64
                      ", outside the %zu-byte buffer",
                      what, vt, b->size);
    if (vt % 2)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: the table's vtable is at odd byte %" PRId64
                      "; expected 2-byte alignment",
                      what, vt);
    uint16_t vt_size = fb_load_u16(b->data + vt);
    uint16_t size = fb_load_u16(b->data + vt + 2);
    if (vt_size < 4 || vt_size % 2 || b->size - (size_t)vt < vt_size)
        return err_at(b->err, FY_EFORMAT, vt,
                      "%s: vtable claims %u bytes; expected an even size of at least 4 inside "
                      "the %zu-byte buffer",
                      what, vt_size, b->size);
    if (size < 4 || b->size - pos < size)
        return err_at(b->err, FY_EFORMAT, vt + 2,
                      "%s: table at byte %zu claims %u inline bytes; expected at least 4 and "
                      "no more than the %zu bytes left in the buffer",
                      what, pos, size, b->size - pos);
    out->b = b;
    out->pos = pos;
    out->vt = (size_t)vt;
    out->vt_size = vt_size;
    out->size = size;
    out->depth = depth;
    out->what = type;
    return FY_OK;
}

fy_status fb_root(struct fb_buf *b, const char *what, const char *ident, bool *has_ident,
                  struct fb_table *root)
{
    if (b->size < 4)
        return err_at(b->err, FY_EFORMAT, 0,
                      "%zu bytes; expected a FlatBuffer (at least a 4-byte root offset)", b->size);
    *has_ident = ident && b->size >= 8 && memcmp(b->data + 4, ident, 4) == 0;
    size_t pos;
    fy_status st = follow(b, 0, "root offset", &pos);
    if (st) return st;
    return open_table(b, pos, 1, "root table", what, root);
}

int fb_field_count(const struct fb_table *t)
{
    return (t->vt_size - 4) / 2;
}

uint16_t fb_field_offset(const struct fb_table *t, int id)
{
    if (id < 0 || id >= fb_field_count(t)) return 0;
    return fb_load_u16(t->b->data + t->vt + 4 + 2 * (size_t)id);
}

fy_status fb_field(const struct fb_table *t, int id, size_t size, size_t align, const char *what,
                   size_t *pos)
{
    *pos = 0;
    uint16_t off = fb_field_offset(t, id);
    if (!off) return FY_OK;
    size_t slot = t->vt + 4 + 2 * (size_t)id;
    if (off < 4 || size > t->size || off > t->size - size)
        return err_at(t->b->err, FY_EFORMAT, (int64_t)slot,
                      "%s (field %d of the %s table at byte %zu) sits at table offset %u with "
                      "%zu bytes; expected it inside the table's %u inline bytes, after its "
                      "vtable offset",
                      what, id, t->what, t->pos, off, size, t->size);
    size_t at = t->pos + off;
    if (align > 1 && at % align)
        return err_at(t->b->err, FY_EFORMAT, (int64_t)at,
                      "%s (field %d of the %s table at byte %zu) is misaligned; expected "
                      "%zu-byte alignment",
                      what, id, t->what, t->pos, align);
    *pos = at;
    return FY_OK;
}

/* One reader per scalar width: find the field, load it, or give the default. */
#define SCALAR(fn, type, bytes, load)                                                          \
    fy_status fn(const struct fb_table *t, int id, type def, const char *what, type *v,         \
                 bool *present)                                                                \
    {                                                                                          \
        size_t at;                                                                             \
        fy_status st = fb_field(t, id, bytes, bytes, what, &at);                               \
        if (st) return st;                                                                     \
        if (present) *present = at != 0;                                                       \
        if (!at) {                                                                             \
            *v = def;                                                                          \
            return FY_OK;                                                                      \
        }                                                                                      \
        load;                                                                                  \
        return FY_OK;                                                                          \
    }

SCALAR(fb_u8, uint8_t, 1, *v = t->b->data[at])
SCALAR(fb_i8, int8_t, 1, *v = (int8_t)t->b->data[at])
SCALAR(fb_u16, uint16_t, 2, *v = fb_load_u16(t->b->data + at))
SCALAR(fb_i16, int16_t, 2, *v = (int16_t)fb_load_u16(t->b->data + at))
SCALAR(fb_u32, uint32_t, 4, *v = fb_load_u32(t->b->data + at))
SCALAR(fb_i32, int32_t, 4, *v = (int32_t)fb_load_u32(t->b->data + at))
SCALAR(fb_u64, uint64_t, 8, *v = fb_load_u64(t->b->data + at))
SCALAR(fb_i64, int64_t, 8, *v = (int64_t)fb_load_u64(t->b->data + at))
SCALAR(fb_f32, float, 4, {
    uint32_t u = fb_load_u32(t->b->data + at);
    memcpy(v, &u, sizeof *v);
})
SCALAR(fb_f64, double, 8, {
    uint64_t u = fb_load_u64(t->b->data + at);
    memcpy(v, &u, sizeof *v);
})
/* FlatBuffers bools are bytes; any non-zero byte reads as true, as the
 * generated accessors do (`!= 0`). */
SCALAR(fb_bool, bool, 1, *v = t->b->data[at] != 0)

#undef SCALAR

/* The object an offset field names; pos 0 when the field is absent. */
static fy_status offset_field(const struct fb_table *t, int id, const char *what, size_t *target)
{
    size_t at;
    *target = 0;
    fy_status st = fb_field(t, id, 4, 4, what, &at);
    if (st || !at) return st;
    return follow(t->b, at, what, target);
}

fy_status fb_table(const struct fb_table *t, int id, const char *what, const char *type,
                   struct fb_table *out, bool *present)
{
    size_t pos;
    *present = false;
    fy_status st = offset_field(t, id, what, &pos);
    if (st || !pos) return st;
    st = open_table(t->b, pos, t->depth + 1, what, type, out);
    if (!st) *present = true;
    return st;
}

/* A vector or string starting at pos: aligned length prefix, elements
 * inside the buffer. */
static fy_status reach_vector(struct fb_buf *b, size_t pos, uint32_t elem, const char *what,
                              uint32_t *len)
{
    if (pos % 4)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: vector not 4-byte aligned; expected its length prefix at a multiple "
                      "of 4",
                      what);
    if (b->size - pos < 4)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: vector length runs past the end of the %zu-byte buffer", what,
                      b->size);
    *len = fb_load_u32(b->data + pos);
    uint64_t bytes = (uint64_t)*len * elem;
    if (bytes > (uint64_t)(b->size - pos - 4))
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: vector of %" PRIu32 " elements of %" PRIu32
                      " bytes runs past the end of the %zu-byte buffer",
                      what, *len, elem, b->size);
    /* a 4-byte element is one unit of work */
    return spend(b, 1 + bytes / 4, pos, what);
}

fy_status fb_vector(const struct fb_table *t, int id, uint32_t elem, const char *what,
                    struct fb_vec *out, bool *present)
{
    size_t pos;
    memset(out, 0, sizeof *out);
    out->b = t->b;
    out->elem = elem;
    out->depth = t->depth;
    if (present) *present = false;
    fy_status st = offset_field(t, id, what, &pos);
    if (st || !pos) return st;
    uint32_t len;
    st = reach_vector(t->b, pos, elem, what, &len);
    if (st) return st;
    out->pos = pos + 4;
    out->len = len;
    if (present) *present = true;
    return FY_OK;
}

static fy_status reach_string(struct fb_buf *b, size_t pos, const char *what, const char **s,
                              uint32_t *len)
{
    fy_status st = reach_vector(b, pos, 1, what, len);
    if (st) return st;
    size_t end = pos + 4 + *len;
    if (end >= b->size || b->data[end] != 0)
        return err_at(b->err, FY_EFORMAT, (int64_t)pos,
                      "%s: string of %" PRIu32 " bytes is not NUL-terminated inside the buffer; "
                      "expected a 0 byte at byte %zu",
                      what, *len, end);
    *s = (const char *)b->data + pos + 4;
    return FY_OK;
}

fy_status fb_string(const struct fb_table *t, int id, const char *what, const char **s,
                    uint32_t *len)
{
    size_t pos;
    *s = NULL;
    *len = 0;
    fy_status st = offset_field(t, id, what, &pos);
    if (st || !pos) return st;
    return reach_string(t->b, pos, what, s, len);
}

fy_status fb_vec_table(const struct fb_vec *v, uint32_t i, const char *what, const char *type,
                       struct fb_table *out)
{
    size_t pos;
    fy_status st = follow(v->b, v->pos + 4 * (size_t)i, what, &pos);
    if (st) return st;
    return open_table(v->b, pos, v->depth + 1, what, type, out);
}

fy_status fb_vec_string(const struct fb_vec *v, uint32_t i, const char *what, const char **s,
                        uint32_t *len)
{
    size_t pos;
    fy_status st = follow(v->b, v->pos + 4 * (size_t)i, what, &pos);
    if (st) return st;
    return reach_string(v->b, pos, what, s, len);
}

uint8_t fb_vec_u8(const struct fb_vec *v, uint32_t i)
{
    return v->b->data[v->pos + i];
}

uint16_t fb_vec_u16(const struct fb_vec *v, uint32_t i)
{
    return fb_load_u16(v->b->data + v->pos + 2 * (size_t)i);
}

uint32_t fb_vec_u32(const struct fb_vec *v, uint32_t i)
{
    return fb_load_u32(v->b->data + v->pos + 4 * (size_t)i);
}

uint64_t fb_vec_u64(const struct fb_vec *v, uint32_t i)
{
    return fb_load_u64(v->b->data + v->pos + 8 * (size_t)i);
}

int32_t fb_vec_i32(const struct fb_vec *v, uint32_t i)
{
    return (int32_t)fb_vec_u32(v, i);
}

int64_t fb_vec_i64(const struct fb_vec *v, uint32_t i)
{
    return (int64_t)fb_vec_u64(v, i);
}

float fb_vec_f32(const struct fb_vec *v, uint32_t i)
{
    uint32_t u = fb_vec_u32(v, i);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

const uint8_t *fb_vec_data(const struct fb_vec *v)
{
    return v->b->data + v->pos;
}
