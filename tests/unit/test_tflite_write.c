/* FlatBuffers builder and TFLite writer.
 *
 * References, none of them ours: FlatBuffers' binary format rules (the bytes
 * of two tiny buffers are worked out by hand below, field by field), and the
 * .tflite files in ../shared/models/tflite, which TensorFlow's converter
 * wrote: each is read, written, read back and compared. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/format.h"
#include "formats/tflite/flatbuf.h"
#include "formats/tflite/flatbuf_build.h"
#include "formats/tflite/tflite.h"
#include "formats/tflite/tflite_write.h"
#include "ir/ir.h"
#include "t.h"

/* ---- builder: bytes worked out by hand ---- */

static bool same_bytes(const uint8_t *got, size_t n_got, const uint8_t *want, size_t n_want)
{
    if (!T_CHECK(n_got == n_want, "%zu bytes; expected %zu", n_got, n_want)) return false;
    for (size_t i = 0; i < n_want; i++)
        if (!T_CHECK(got[i] == want[i], "byte %zu is 0x%02x; expected 0x%02x", i, got[i], want[i]))
            return false;
    return true;
}

/* table T { a:short (0); name:string (1); v:[int] (2); big:long (3); flag:bool (4) }
 * with a=5, name="hi", v=[1,2], big=7, flag=true, file identifier "TEST".
 *
 * Built back to front (sizes count from the end):
 *   "hi": 1 pad byte so the count lands 4-aligned, NUL, 'h' 'i', count 2  -> ref 8
 *   [1,2]: elements, count 2                                            -> ref 20
 *   T: 4 pad bytes to align the long (outside the table), big (8),
 *      v's offset, name's offset, a (2), flag (1), 1 pad, soffset       -> ref 48
 *      table size 48 - 24 = 24; vtable [14, 24, 6, 8, 12, 16, 5] before it
 *   finish: 2 pad bytes so the total is a multiple of 8 (the long's
 *      alignment), "TEST", the root offset                               -> 72 bytes */
static const uint8_t tiny_table[] = {
    0x18, 0x00, 0x00, 0x00, 'T',  'E',  'S',  'T',              /* root at 24; identifier */
    0x00, 0x00,                                                 /* pad */
    0x0e, 0x00, 0x18, 0x00,                                     /* vtable: 14 bytes, table 24 */
    0x06, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x10, 0x00, 0x05, 0x00, /* a name v big flag */
    0x0e, 0x00, 0x00, 0x00,                                     /* 24: soffset 14 -> vtable at 10 */
    0x00,                                                       /* pad */
    0x01,                                                       /* 29: flag */
    0x05, 0x00,                                                 /* 30: a */
    0x20, 0x00, 0x00, 0x00,                                     /* 32: name -> 64 */
    0x10, 0x00, 0x00, 0x00,                                     /* 36: v -> 52 */
    0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,             /* 40: big */
    0x00, 0x00, 0x00, 0x00,                                     /* pad */
    0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* 52: [1,2] */
    0x02, 0x00, 0x00, 0x00, 'h',  'i',  0x00, 0x00,                         /* 64: "hi", NUL, pad */
};

TEST(flatbuf_build_tiny_table_matches_hand_computed_bytes)
{
    struct fy_error err = {0};
    struct fbb_builder b;
    fbb_init(&b, FBB_MAX_SIZE, &err);
    fbb_ref name = fbb_cstring(&b, "hi");
    int32_t v[] = {1, 2};
    fbb_ref vec = fbb_vector_i32(&b, v, 2);
    fbb_table_start(&b);
    fbb_add_i16(&b, 0, 5, 0);
    fbb_add_ref(&b, 1, name);
    fbb_add_ref(&b, 2, vec);
    fbb_add_i64(&b, 3, 7, 0);
    fbb_add_bool(&b, 4, true, false);
    fbb_ref root = fbb_table_end(&b);
    fy_status st = fbb_finish(&b, root, "TEST");
    if (T_CHECK(st == FY_OK, "fbb_finish: %s", err.message)) {
        uint8_t out[128];
        size_t n = (size_t)fbb_size(&b);
        if (T_CHECK(fbb_copy(&b, out, sizeof out) == FY_OK, "fbb_copy: %s", err.message))
            same_bytes(out, n, tiny_table, sizeof tiny_table);
    }
    fbb_free(&b);
}

/* table U { x:int (0) }, table R { items:[U] (0) }: U{1}, U{2}, R{[both]}.
 * The second U and R have the vtable [6, 8, 4] of the first U, so they share
 * it (soffsets -10 and -30 point forward to it); no identifier.
 *   U{1}: x, soffset 6, vtable            -> table ref 8, vtable ref 14
 *   U{2}: 2 pad (outside), x, soffset     -> ref 24
 *   [U{1}, U{2}]: offsets 24 and 4, count -> ref 36
 *   R: items' offset, soffset             -> ref 44
 *   root offset                           -> 48 bytes */
static const uint8_t shared_vtables[] = {
    0x04, 0x00, 0x00, 0x00,                         /* root at 4 */
    0xe2, 0xff, 0xff, 0xff,                         /* R: soffset -30 -> vtable at 34 */
    0x04, 0x00, 0x00, 0x00,                         /* R.items -> 12 */
    0x02, 0x00, 0x00, 0x00,                         /* 12: count */
    0x18, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, /* 16: -> 40, 20: -> 24 */
    0xf6, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, /* 24: U{2}: soffset -10, x */
    0x00, 0x00,                                     /* pad */
    0x06, 0x00, 0x08, 0x00, 0x04, 0x00,             /* 34: the one vtable */
    0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* 40: U{1}: soffset 6, x */
};

TEST(flatbuf_build_equal_vtables_are_written_once)
{
    struct fy_error err = {0};
    struct fbb_builder b;
    fbb_init(&b, FBB_MAX_SIZE, &err);
    fbb_ref u[2];
    for (int i = 0; i < 2; i++) {
        fbb_table_start(&b);
        fbb_add_i32(&b, 0, i + 1, 0);
        u[i] = fbb_table_end(&b);
    }
    fbb_ref items = fbb_vector_refs(&b, u, 2);
    fbb_table_start(&b);
    fbb_add_ref(&b, 0, items);
    fbb_ref root = fbb_table_end(&b);
    if (T_CHECK(fbb_finish(&b, root, NULL) == FY_OK, "fbb_finish: %s", err.message)) {
        uint8_t out[64];
        if (T_CHECK(fbb_copy(&b, out, sizeof out) == FY_OK, "fbb_copy: %s", err.message))
            same_bytes(out, (size_t)fbb_size(&b), shared_vtables, sizeof shared_vtables);
    }
    fbb_free(&b);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

TEST(flatbuf_build_defaults_are_left_out_and_negative_zero_is_kept)
{
    struct fy_error err = {0};
    struct fbb_builder b;
    fbb_init(&b, FBB_MAX_SIZE, &err);
    fbb_table_start(&b);
    fbb_add_i32(&b, 0, 1, 1);       /* default: absent */
    fbb_add_f32(&b, 1, 0.0f, 0.0f); /* default: absent */
    fbb_add_f32(&b, 2, -0.0f, 0.0f);
    fbb_add_u8(&b, 3, 0, 0); /* default: absent */
    fbb_ref root = fbb_table_end(&b);
    if (T_CHECK(fbb_finish(&b, root, NULL) == FY_OK, "fbb_finish: %s", err.message)) {
        uint8_t out[64];
        fbb_copy(&b, out, sizeof out);
        uint32_t t = rd32(out);
        uint32_t vt = (uint32_t)((int64_t)t - (int32_t)rd32(out + t));
        /* The vtable stops at the last present id (2): 4 + 3*2 bytes. */
        T_CHECK(rd16(out + vt) == 10, "vtable of %u bytes; expected 10", rd16(out + vt));
        T_CHECK(rd16(out + vt + 4) == 0 && rd16(out + vt + 6) == 0, "defaults were written");
        uint16_t f2 = rd16(out + vt + 8);
        T_CHECK(f2 && rd32(out + t + f2) == 0x80000000u, "-0.0 not kept (offset %u)", f2);
    }
    fbb_free(&b);
}

TEST(flatbuf_build_blob_vector_is_force_aligned_and_streamed)
{
    struct fy_error err = {0};
    struct fbb_builder b;
    fbb_init(&b, FBB_MAX_SIZE, &err);
    uint8_t data[37];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    fbb_ref s = fbb_cstring(&b, "abc");
    fbb_ref blob = fbb_blob_vector(&b, data, sizeof data, 16);
    fbb_ref s2 = fbb_cstring(&b, "defgh");
    fbb_table_start(&b);
    fbb_add_ref(&b, 0, blob);
    fbb_add_ref(&b, 1, s);
    fbb_add_ref(&b, 2, s2);
    fbb_ref root = fbb_table_end(&b);
    if (T_CHECK(fbb_finish(&b, root, "TFL3") == FY_OK, "fbb_finish: %s", err.message)) {
        size_t n = (size_t)fbb_size(&b);
        T_CHECK(n % 16 == 0, "size %zu is not a multiple of 16", n);
        uint8_t *out = calloc(1, n);
        fbb_copy(&b, out, n);
        T_CHECK(!memcmp(out + 4, "TFL3", 4), "no identifier");
        uint32_t t = rd32(out);
        uint32_t vt = (uint32_t)((int64_t)t - (int32_t)rd32(out + t));
        uint32_t f0 = t + rd16(out + vt + 4), f1 = t + rd16(out + vt + 6),
                 f2 = t + rd16(out + vt + 8);
        uint32_t vec = f0 + rd32(out + f0);
        T_CHECK(rd32(out + vec) == sizeof data, "blob count %u", rd32(out + vec));
        T_CHECK((vec + 4) % 16 == 0, "blob bytes at %u, not 16-aligned", vec + 4);
        T_CHECK(!memcmp(out + vec + 4, data, sizeof data), "blob bytes differ");
        uint32_t str = f1 + rd32(out + f1), str2 = f2 + rd32(out + f2);
        T_CHECK(rd32(out + str) == 3 && !memcmp(out + str + 4, "abc", 4), "string 'abc' wrong");
        T_CHECK(rd32(out + str2) == 5 && !memcmp(out + str2 + 4, "defgh", 6),
                "string 'defgh' wrong");
        free(out);
    }
    fbb_free(&b);
}

TEST(flatbuf_build_refuses_a_buffer_over_its_limit_and_misuse)
{
    struct fy_error err = {0};
    struct fbb_builder b;
    fbb_init(&b, 64, &err);
    uint8_t data[100] = {0};
    fbb_ref blob = fbb_blob_vector(&b, data, sizeof data, 16);
    fbb_table_start(&b);
    fbb_add_ref(&b, 0, blob);
    fbb_ref root = fbb_table_end(&b);
    fy_status st = fbb_finish(&b, root, NULL);
    T_CHECK(st == FY_EUNSUPPORTED && strstr(err.message, "over the limit of 64"),
            "over the limit: status %d, '%s'", st, err.message);
    fbb_free(&b);

    struct fy_error err2 = {0};
    fbb_init(&b, FBB_MAX_SIZE, &err2);
    fbb_table_start(&b);
    fbb_cstring(&b, "nested"); /* objects cannot be built inside a table */
    T_CHECK(fbb_status(&b) == FY_EINTERNAL && strstr(err2.message, "table is open"),
            "nested object: status %d, '%s'", fbb_status(&b), err2.message);
    fbb_free(&b);
}

/* ---- writer ---- */

/* The whole file, malloc'd (the caller frees); NULL when unreadable. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    *size = n;
    return buf;
}

static bool same_file_bytes(const char *a, const char *b, char *why, size_t cap)
{
    size_t na = 0, nb = 0;
    uint8_t *da = slurp(a, &na), *db = slurp(b, &nb);
    bool same = da && db && na == nb && memcmp(da, db, na) == 0;
    if (!same) {
        size_t i = 0;
        while (da && db && i < na && i < nb && da[i] == db[i])
            i++;
        snprintf(why, cap, "%zu bytes vs %zu, first difference at byte %zu", na, nb, i);
    }
    free(da);
    free(db);
    return same;
}

static bool tmpdir_new(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/ferry-tflw-XXXXXX");
    return mkdtemp(buf) != NULL;
}

/* Entries of a flat folder other than . and .. */
static int dir_count(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

struct paths {
    char **p;
    int n, cap;
};

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.tflite below dir, recursively. */
static void find_tflite(const char *dir, struct paths *out)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            find_tflite(p, out);
            continue;
        }
        size_t len = strlen(p);
        if (len < 7 || strcmp(p + len - 7, ".tflite")) continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 64;
            out->p = realloc(out->p, (size_t)out->cap * sizeof *out->p);
        }
        out->p[out->n++] = strdup(p);
    }
    closedir(d);
}

static void paths_free(struct paths *ps)
{
    for (int i = 0; i < ps->n; i++)
        free(ps->p[i]);
    free(ps->p);
}

static const char *shared_name(const char *path)
{
    const char *s = strstr(path, "models/");
    return s ? s : path;
}

TEST(tflite_write_every_shared_model_round_trips_to_an_equal_ir_and_the_same_bytes)
{
    const char *root = t_shared_path("models");
    if (!root) {
        printf("    (skipped: ../shared/models is not here)\n");
        return;
    }
    struct paths ps = {0};
    find_tflite(root, &ps);
    qsort(ps.p, (size_t)ps.n, sizeof *ps.p, path_cmp);
    T_CHECK(ps.n >= 144, "found %d .tflite files under %s; the corpus has 144", ps.n, root);
    char dir[64];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    char out1[128], out2[128], out3[128];
    snprintf(out1, sizeof out1, "%s/a.tflite", dir);
    snprintf(out2, sizeof out2, "%s/b.tflite", dir);
    snprintf(out3, sizeof out3, "%s/c.tflite", dir);
    int good = 0;
    for (int i = 0; i < ps.n; i++) {
        const char *path = ps.p[i], *name = shared_name(path);
        struct fy_error err = {0};
        struct ir_model *a = NULL, *b = NULL;
        const char *inputs[1] = {path};
        bool ok =
            T_CHECK(tflite_read_model(path, &a, &err) == FY_OK, "%s: read: %s", name, err.message);
        /* write, read back, compare */
        ok = ok && T_CHECK(tflite_write_model(a, out1, inputs, 1, &err) == FY_OK, "%s: write: %s",
                           name, err.message);
        ok = ok && T_CHECK(tflite_read_model(out1, &b, &err) == FY_OK, "%s: reading back: %s", name,
                           err.message);
        char why[2048] = "";
        ok = ok && T_CHECK(ir_model_equal(a, b, why, sizeof why), "%s: %s", name, why);
        /* the same IR twice, and the re-read IR, give the same bytes */
        ok = ok && T_CHECK(tflite_write_model(a, out2, inputs, 1, &err) == FY_OK,
                           "%s: second write: %s", name, err.message);
        ok = ok && T_CHECK(same_file_bytes(out1, out2, why, sizeof why),
                           "%s: writing one IR twice: %s", name, why);
        ok = ok && T_CHECK(tflite_write_model(b, out3, inputs, 1, &err) == FY_OK,
                           "%s: writing the re-read model: %s", name, err.message);
        ok = ok && T_CHECK(same_file_bytes(out1, out3, why, sizeof why),
                           "%s: write(read(write(x))) != write(x): %s", name, why);
        good += ok;
        ir_model_free(b);
        ir_model_free(a);
        unlink(out1);
        unlink(out2);
        unlink(out3);
    }
    T_CHECK(good == ps.n, "%d of %d models round-tripped", good, ps.n);
    T_CHECK(dir_count(dir) == 0, "the writer left %d files behind", dir_count(dir));
    tmpdir_remove(dir);
    paths_free(&ps);
}

/* A shared model to work on (the smallest with signatures and metadata). */
static const char *shared_model(const char *rel)
{
    const char *p = t_shared_path(rel);
    if (!p) printf("    (skipped: ../shared/%s is not here)\n", rel);
    return p;
}

static const char *hello_world(void)
{
    return shared_model("models/tflite/tflm/hello_world/hello_world_int8.tflite");
}

static bool copy_file(const char *from, const char *to)
{
    size_t n = 0;
    uint8_t *d = slurp(from, &n);
    if (!d) return false;
    FILE *f = fopen(to, "wb");
    bool ok = f && fwrite(d, 1, n, f) == n;
    if (f) ok = fclose(f) == 0 && ok;
    free(d);
    return ok;
}

TEST(tflite_write_refuses_to_write_over_its_input_and_leaves_it_whole)
{
    const char *src = hello_world();
    if (!src) return;
    char dir[64], path[128], why[256];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    snprintf(path, sizeof path, "%s/model.tflite", dir);
    T_CHECK(copy_file(src, path), "cannot copy %s", src);
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (T_CHECK(tflite_read_model(path, &m, &err) == FY_OK, "read: %s", err.message)) {
        /* Named as an input, and not named: the model's own file counts. */
        const char *inputs[1] = {path};
        fy_status st = tflite_write_model(m, path, inputs, 1, &err);
        T_CHECK(st != FY_OK && strstr(err.message, "over the input"),
                "writing over the named input: status %d, '%s'", st, err.message);
        struct fy_error err2 = {0};
        st = tflite_write_model(m, path, NULL, 0, &err2);
        T_CHECK(st != FY_OK && strstr(err2.message, "over the input"),
                "writing over the model's own file: status %d, '%s'", st, err2.message);
    }
    ir_model_free(m);
    T_CHECK(same_file_bytes(src, path, why, sizeof why), "the input changed: %s", why);
    T_CHECK(dir_count(dir) == 1, "%d files in the folder; only the input should be there",
            dir_count(dir));
    tmpdir_remove(dir);
}

/* ---- reading our own output with the reader's FlatBuffers layer ---- */

struct fbfile {
    uint8_t *data;
    size_t size;
    struct fy_error err;
    struct fb_buf buf;
    struct fb_table model;
};

static bool fbfile_open(struct fbfile *f, const char *path)
{
    memset(f, 0, sizeof *f);
    f->data = slurp(path, &f->size);
    if (!T_CHECK(f->data != NULL, "cannot read %s", path)) return false;
    fb_init(&f->buf, f->data, f->size, &f->err);
    bool ident = false;
    return T_CHECK(fb_root(&f->buf, "Model", "TFL3", &ident, &f->model) == FY_OK && ident,
                   "%s: not a TFL3 FlatBuffer: %s", path, f->err.message);
}

/* Element i of a table's vector-of-tables field. */
static bool vec_table(const struct fb_table *t, int id, uint32_t i, struct fb_table *out,
                      uint32_t *len)
{
    struct fb_vec v;
    bool present = false;
    if (fb_vector(t, id, 4, "vector", &v, &present) || !present) return false;
    if (len) *len = v.len;
    return i < v.len && fb_vec_table(&v, i, "element", "table", out) == FY_OK;
}

static int32_t field_i32(const struct fb_table *t, int id, int32_t def)
{
    int32_t v = def;
    fb_i32(t, id, def, "field", &v, NULL);
    return v;
}

static bool has_field(const struct fb_table *t, int id)
{
    return fb_field_offset(t, id) != 0;
}

/* Schema field ids the checks below read. */
enum {
    T_MODEL_VERSION = 0,
    T_MODEL_CODES = 1,
    T_MODEL_SUBGRAPHS = 2,
    T_MODEL_BUFFERS = 4,
    T_MODEL_METADATA = 6,
    T_SG_TENSORS = 0,
    T_SG_OPERATORS = 3,
    T_TENSOR_BUFFER = 2,
    T_OP_OPCODE = 0,
    T_OP_INPUTS = 1,
    T_OP_OPTIONS_TYPE = 3,
    T_OP_OPTIONS = 4,
    T_OP_CUSTOM = 5,
    T_CODE_DEPRECATED = 0,
    T_CODE_CUSTOM = 1,
    T_CODE_VERSION = 2,
    T_CODE_BUILTIN = 3,
    T_BUFFER_DATA = 0,
    T_BUFFER_OFFSET = 1,
    T_BUFFER_SIZE = 2,
    T_META_NAME = 0,
    T_META_BUFFER = 1,
};

TEST(tflite_write_past_the_limit_stores_buffers_after_the_flatbuffer)
{
    /* 3.9 MB, 3.4 MB of it weights in 66 buffers: past a 1 MB limit inline */
    const char *src = shared_model(
        "models/tflite/tflm/mobilenet_v2_quantized/mobilenet_v2_quantized_1x3x224x224.tflite");
    if (!src) return;
    char dir[64], out[128], out2[128], why[2048];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    snprintf(out, sizeof out, "%s/offsets.tflite", dir);
    snprintf(out2, sizeof out2, "%s/again.tflite", dir);
    struct fy_error err = {0};
    struct ir_model *a = NULL, *b = NULL;
    const char *inputs[1] = {src};
    if (!T_CHECK(tflite_read_model(src, &a, &err) == FY_OK, "read: %s", err.message)) goto done;
    if (!T_CHECK(tflite_write_model_limit(a, out, 1 << 20, inputs, 1, &err) == FY_OK, "write: %s",
                 err.message))
        goto done;

    struct fbfile f;
    if (fbfile_open(&f, out)) {
        uint32_t n_bufs = 0, outside = 0;
        struct fb_table bt;
        for (uint32_t i = 0; vec_table(&f.model, T_MODEL_BUFFERS, i, &bt, &n_bufs); i++) {
            uint64_t off = 0, size = 0;
            fb_u64(&bt, T_BUFFER_OFFSET, 0, "offset", &off, NULL);
            fb_u64(&bt, T_BUFFER_SIZE, 0, "size", &size, NULL);
            if (!off) continue;
            outside++;
            T_CHECK(!has_field(&bt, T_BUFFER_DATA), "buffer %u has data and an offset", i);
            T_CHECK(off % 16 == 0 && off > 1 && off + size <= f.size,
                    "buffer %u at %llu (+%llu) in a file of %zu bytes", i, (unsigned long long)off,
                    (unsigned long long)size, f.size);
        }
        T_CHECK(outside >= 60, "%u of %u buffers are outside the FlatBuffer", outside, n_bufs);
        /* the converter's marker, so tools know */
        bool marked = false;
        struct fb_table mt;
        for (uint32_t i = 0; vec_table(&f.model, T_MODEL_METADATA, i, &mt, NULL); i++) {
            const char *name = NULL;
            uint32_t len = 0;
            fb_string(&mt, T_META_NAME, "name", &name, &len);
            marked |= name && !strcmp(name, "buffer_location");
        }
        T_CHECK(marked, "no buffer_location metadata");
    }
    free(f.data);

    /* Read back: the same model (plus the marker); written again, it keeps
     * the form without being told, byte for byte. */
    if (!T_CHECK(tflite_read_model(out, &b, &err) == FY_OK, "reading back: %s", err.message))
        goto done;
    if (T_CHECK(tflite_write_model(b, out2, inputs, 1, &err) == FY_OK, "rewrite: %s", err.message))
        T_CHECK(same_file_bytes(out, out2, why, sizeof why), "rewrite differs: %s", why);
    struct ir_tflite_info *ti = b->tflite;
    if (T_CHECK(ti && ti->n_metadata == a->tflite->n_metadata + 1 &&
                    !strcmp(ti->metadata[ti->n_metadata - 1].name, "buffer_location"),
                "the marker is not the one metadata entry added"))
        ti->n_metadata--;
    T_CHECK(ir_model_equal(a, b, why, sizeof why), "%s", why);

    /* A FlatBuffer that passes the limit even without its buffers. */
    struct fy_error err2 = {0};
    fy_status st = tflite_write_model_limit(a, out2, 4096, inputs, 1, &err2);
    T_CHECK(st == FY_EUNSUPPORTED && strstr(err2.message, "even with its constant buffers"),
            "limit 4096: status %d, '%s'", st, err2.message);
done:
    ir_model_free(b);
    ir_model_free(a);
    unlink(out);
    unlink(out2);
    T_CHECK(dir_count(dir) == 0, "%d files left behind", dir_count(dir));
    tmpdir_remove(dir);
}

TEST(tflite_write_refuses_onnx_ops_naming_the_node)
{
    char dir[64], out[128];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    snprintf(out, sizeof out, "%s/mnist.tflite", dir);
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (T_CHECK(format_read_model(t_repo_path("fixtures/mnist-8.onnx"), &m, &err) == FY_OK,
                "read: %s", err.message)) {
        fy_status st = tflite_write_model(m, out, NULL, 0, &err);
        T_CHECK(st == FY_EUNSUPPORTED, "status %d; expected UNSUPPORTED", st);
        T_CHECK(err.node[0] && err.op[0], "the error names no node: node '%s', op '%s'", err.node,
                err.op);
        T_CHECK(strstr(err.message, "not a TFLite builtin") && strstr(err.message, "more nodes") &&
                    strstr(err.message, "converter"),
                "message: %s", err.message);
    }
    ir_model_free(m);
    T_CHECK(dir_count(dir) == 0, "%d files left behind", dir_count(dir));
    tmpdir_remove(dir);
}

/* ---- a model built by hand ---- */

static struct ir_tensor *tensor(struct ir_graph *g, const char *name, enum ir_dtype dt, int rank,
                                const int64_t *dims)
{
    struct fy_error err = {0};
    struct ir_tensor *t = ir_graph_add_tensor(g, name, &err);
    if (!t) return NULL;
    t->dtype = dt;
    t->has_type = true;
    ir_tensor_set_shape(g, t, rank, dims, &err);
    return t;
}

static struct ir_node *node(struct ir_graph *g, enum ir_op op, const char *type, const char *name,
                            int n_in, int n_out)
{
    struct fy_error err = {0};
    return ir_graph_add_node(g, op, type, "", name, n_in, n_out, &err);
}

/* x -> GELU (code 150, past the byte) -> y -> CUSTOM:MyOp(y, none) -> z
 *   -> ADD(z, c) with RELU6 -> out */
static struct ir_model *hand_model(void)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!m) return NULL;
    struct ir_graph *g = m->graph;
    g->name = "main";
    const int64_t d[] = {1, 4};
    struct ir_tensor *x = tensor(g, "x", IR_F32, 2, d), *y = tensor(g, "y", IR_F32, 2, d),
                     *z = tensor(g, "z", IR_F32, 2, d), *c = tensor(g, "c", IR_F32, 1, d + 1),
                     *out = tensor(g, "out", IR_F32, 2, d);
    static const float cv[4] = {1, 2, 3, 4};
    c->kind = IR_TENSOR_CONST;
    c->data = cv;
    c->nbytes = sizeof cv;
    ir_graph_add_initializer(g, c, &err);
    ir_graph_add_input(g, x, &err);
    ir_graph_add_output(g, out, &err);

    struct ir_node *gelu = node(g, IR_OP_TFL_GELU, "GELU", "gelu", 1, 1);
    gelu->inputs[0] = x;
    ir_node_set_output(gelu, 0, y, &err);
    struct ir_attr *at = ir_node_add_attr(gelu, "approximate", IR_ATTR_INT, &err);
    at->v.i = 1;

    struct ir_node *cu = node(g, IR_OP_OPAQUE, "CUSTOM:MyOp", "custom", 2, 1);
    cu->inputs[0] = y;
    cu->inputs[1] = NULL;
    cu->version = 2;
    ir_node_set_output(cu, 0, z, &err);
    at = ir_node_add_attr(cu, "custom_options", IR_ATTR_STRING, &err);
    at->v.s.data = (const uint8_t *)"\x01\x02\x03";
    at->v.s.size = 3;

    struct ir_node *add = node(g, IR_OP_TFL_ADD, "ADD", "add", 2, 1);
    add->inputs[0] = z;
    add->inputs[1] = c;
    add->activation = IR_ACT_RELU6;
    ir_node_set_output(add, 0, out, &err);
    return err.status ? (ir_model_free(m), NULL) : m;
}

TEST(tflite_write_codes_past_127_custom_ops_and_options_follow_the_schema)
{
    char dir[64], out[128];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    snprintf(out, sizeof out, "%s/hand.tflite", dir);
    struct fy_error err = {0};
    struct ir_model *m = hand_model(), *b = NULL;
    if (!T_CHECK(m != NULL, "cannot build the model")) goto done;
    /* a string constant: TFLite's count, offsets, bytes layout */
    const int64_t two[] = {2};
    struct ir_tensor *words = tensor(m->graph, "words", IR_STRING, 1, two);
    static struct ir_bytes strs[2] = {{(const uint8_t *)"ab", 2}, {(const uint8_t *)"", 0}};
    words->kind = IR_TENSOR_CONST;
    words->strings = strs;
    words->n_strings = 2;
    ir_graph_add_initializer(m->graph, words, &err);
    if (!T_CHECK(tflite_write_model(m, out, NULL, 0, &err) == FY_OK, "write: %s", err.message))
        goto done;

    struct fbfile f;
    if (fbfile_open(&f, out)) {
        T_CHECK(field_i32(&f.model, T_MODEL_VERSION, 0) == 3, "Model.version is not 3");
        /* OperatorCode: GELU puts the placeholder 127 in the byte field. */
        struct fb_table oc;
        uint32_t n_codes = 0;
        if (T_CHECK(vec_table(&f.model, T_MODEL_CODES, 0, &oc, &n_codes), "no operator codes")) {
            int8_t dep = 0;
            fb_i8(&oc, T_CODE_DEPRECATED, 0, "d", &dep, NULL);
            T_CHECK(dep == 127 && field_i32(&oc, T_CODE_BUILTIN, 0) == 150 &&
                        !has_field(&oc, T_CODE_VERSION),
                    "GELU: deprecated %d, builtin %d, version %s", dep,
                    field_i32(&oc, T_CODE_BUILTIN, 0),
                    has_field(&oc, T_CODE_VERSION) ? "set" : "1");
        }
        T_CHECK(n_codes == 3, "%u operator codes; expected 3", n_codes);
        if (vec_table(&f.model, T_MODEL_CODES, 1, &oc, NULL)) {
            int8_t dep = 0;
            const char *cc = NULL;
            uint32_t len = 0;
            fb_i8(&oc, T_CODE_DEPRECATED, 0, "d", &dep, NULL);
            fb_string(&oc, T_CODE_CUSTOM, "c", &cc, &len);
            T_CHECK(dep == 32 && field_i32(&oc, T_CODE_BUILTIN, 0) == 32 && cc &&
                        !strcmp(cc, "MyOp") && field_i32(&oc, T_CODE_VERSION, 1) == 2,
                    "custom op code: deprecated %d, builtin %d, custom '%s', version %d", dep,
                    field_i32(&oc, T_CODE_BUILTIN, 0), cc ? cc : "(none)",
                    field_i32(&oc, T_CODE_VERSION, 1));
        }
        if (vec_table(&f.model, T_MODEL_CODES, 2, &oc, NULL))
            T_CHECK(!has_field(&oc, T_CODE_DEPRECATED) && !has_field(&oc, T_CODE_BUILTIN),
                    "ADD (code 0, the default) has its code fields written");

        struct fb_table sg, op, opt, t;
        if (T_CHECK(vec_table(&f.model, T_MODEL_SUBGRAPHS, 0, &sg, NULL), "no subgraph")) {
            /* the custom op: a left-out input is -1, its options as given */
            if (vec_table(&sg, T_SG_OPERATORS, 1, &op, NULL)) {
                struct fb_vec in, co;
                fb_vector(&op, T_OP_INPUTS, 4, "inputs", &in, NULL);
                T_CHECK(in.len == 2 && fb_vec_i32(&in, 0) == 1 && fb_vec_i32(&in, 1) == -1,
                        "custom op inputs: %u of them, [%d, %d]", in.len,
                        in.len ? fb_vec_i32(&in, 0) : 0, in.len > 1 ? fb_vec_i32(&in, 1) : 0);
                fb_vector(&op, T_OP_CUSTOM, 1, "custom", &co, NULL);
                T_CHECK(co.len == 3 && !memcmp(fb_vec_data(&co), "\x01\x02\x03", 3),
                        "custom_options are %u bytes", co.len);
                T_CHECK(field_i32(&op, T_OP_OPCODE, 0) == 1, "custom op's opcode_index");
            }
            /* ADD: AddOptions (type 11) with RELU6 (3) */
            if (vec_table(&sg, T_SG_OPERATORS, 2, &op, NULL)) {
                uint8_t type = 0;
                bool present = false;
                fb_u8(&op, T_OP_OPTIONS_TYPE, 0, "type", &type, NULL);
                fb_table(&op, T_OP_OPTIONS, "options", "AddOptions", &opt, &present);
                int8_t act = 0;
                if (present) fb_i8(&opt, 0, 0, "act", &act, NULL);
                T_CHECK(type == 11 && present && act == 3,
                        "ADD options: type %u, table %s, activation %d", type,
                        present ? "present" : "absent", act);
            }
            /* the constant: buffer 1 of [empty, c], its bytes 16-aligned */
            if (vec_table(&sg, T_SG_TENSORS, 3, &t, NULL))
                T_CHECK(field_i32(&t, T_TENSOR_BUFFER, 0) == 1, "constant 'c' has buffer %d",
                        field_i32(&t, T_TENSOR_BUFFER, 0));
            struct fb_table b0, b1;
            uint32_t n_bufs = 0;
            if (vec_table(&f.model, T_MODEL_BUFFERS, 0, &b0, &n_bufs) &&
                vec_table(&f.model, T_MODEL_BUFFERS, 1, &b1, NULL)) {
                struct fb_vec data;
                fb_vector(&b1, T_BUFFER_DATA, 1, "data", &data, NULL);
                T_CHECK(n_bufs == 3 && !has_field(&b0, T_BUFFER_DATA),
                        "%u buffers; buffer 0 must be the empty one", n_bufs);
                T_CHECK(data.len == 16 && data.pos % 16 == 0 &&
                            !memcmp(fb_vec_data(&data), (const float[]){1, 2, 3, 4}, 16),
                        "buffer 1: %u bytes at %zu", data.len, data.pos);
            }
            /* [2] "ab" "" : count 2, offsets 16 18 18, then the bytes */
            struct fb_table b2;
            static const uint8_t want[] = {2, 0, 0, 0,  16, 0, 0, 0,   18,
                                           0, 0, 0, 18, 0,  0, 0, 'a', 'b'};
            if (T_CHECK(vec_table(&f.model, T_MODEL_BUFFERS, 2, &b2, NULL), "no buffer 2")) {
                struct fb_vec data;
                fb_vector(&b2, T_BUFFER_DATA, 1, "data", &data, NULL);
                T_CHECK(data.len == sizeof want && !memcmp(fb_vec_data(&data), want, sizeof want),
                        "string buffer: %u bytes", data.len);
            }
        }
    }
    free(f.data);

    /* and the reader sees the same ops */
    if (T_CHECK(tflite_read_model(out, &b, &err) == FY_OK, "reading back: %s", err.message) &&
        T_CHECK(b->graph->n_nodes == 3, "%d nodes read back", b->graph->n_nodes)) {
        const struct ir_node *g0 = b->graph->nodes[0], *c1 = b->graph->nodes[1],
                             *a2 = b->graph->nodes[2];
        const struct ir_attr *ap = ir_node_attr(g0, "approximate");
        T_CHECK(g0->op == IR_OP_TFL_GELU && ap && ap->v.i == 1, "GELU read back as %s",
                ir_op_name(g0->op));
        T_CHECK(c1->op == IR_OP_OPAQUE && !strcmp(c1->op_type, "CUSTOM:MyOp") && c1->version == 2 &&
                    c1->n_inputs == 2 && c1->inputs[1] == NULL,
                "custom op read back as '%s' v%d", c1->op_type, c1->version);
        T_CHECK(a2->op == IR_OP_TFL_ADD && a2->activation == IR_ACT_RELU6,
                "ADD read back with activation %d", a2->activation);
        const struct ir_tensor *wb = ir_graph_find_tensor(b->graph, "words");
        T_CHECK(wb && wb->n_strings == 2 && wb->strings[0].size == 2 &&
                    !memcmp(wb->strings[0].data, "ab", 2) && wb->strings[1].size == 0,
                "string constant read back wrong");
    }
done:
    ir_model_free(b);
    ir_model_free(m);
    unlink(out);
    tmpdir_remove(dir);
}

/* Writes m to a scratch file expecting INVALID, with the message holding
 * every one of the NULL-terminated words. */
static void expect_invalid(struct ir_model *m, const char *what, const char *const *words)
{
    char dir[64], out[128];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    snprintf(out, sizeof out, "%s/bad.tflite", dir);
    struct fy_error err = {0};
    fy_status st = tflite_write_model(m, out, NULL, 0, &err);
    T_CHECK(st == FY_EINVALID, "%s: status %d; expected INVALID (%s)", what, st, err.message);
    for (int i = 0; words[i]; i++)
        T_CHECK(strstr(err.message, words[i]) || strstr(err.node, words[i]),
                "%s: '%s' is not in: node '%s': %s", what, words[i], err.node, err.message);
    T_CHECK(dir_count(dir) == 0, "%s: %d files left behind", what, dir_count(dir));
    tmpdir_remove(dir);
}

TEST(tflite_write_refuses_options_the_file_cannot_hold_naming_node_and_attribute)
{
    struct fy_error err = {0};
    struct ir_model *m = hand_model();
    if (!T_CHECK(m != NULL, "cannot build the model")) return;
    struct ir_node *add = m->graph->nodes[2], *gelu = m->graph->nodes[0];

    /* an attribute no field of AddOptions holds */
    struct ir_attr *at = ir_node_add_attr(add, "padding", IR_ATTR_STRING, &err);
    at->v.s.data = (const uint8_t *)"SAME";
    at->v.s.size = 4;
    expect_invalid(m, "stray attribute",
                   (const char *const[]){"add", "padding", "AddOptions", NULL});
    add->n_attrs = 0;

    /* a value outside the field's type */
    at = ir_node_add_attr(add, "pot_scale_int16", IR_ATTR_INT, &err);
    at->v.i = 2;
    expect_invalid(m, "bool of 2", (const char *const[]){"pot_scale_int16", "is 2", NULL});
    at->v.i = 0;

    /* operators out of execution order */
    struct ir_node *first = m->graph->nodes[0];
    m->graph->nodes[0] = m->graph->nodes[1];
    m->graph->nodes[1] = first;
    expect_invalid(m, "order", (const char *const[]){"custom", "before node 'gelu'", NULL});
    m->graph->nodes[1] = m->graph->nodes[0];
    m->graph->nodes[0] = first;

    /* an activation GELU's options cannot carry */
    gelu->activation = IR_ACT_TANH;
    expect_invalid(m, "fused activation", (const char *const[]){"gelu", "TANH", NULL});
    gelu->activation = IR_ACT_NONE;

    /* an enum value the schema does not name */
    const int64_t d4[] = {1, 2, 2, 1};
    struct ir_tensor *pi = tensor(m->graph, "pool_in", IR_F32, 4, d4),
                     *po = tensor(m->graph, "pool_out", IR_F32, 4, d4);
    struct ir_node *pool = node(m->graph, IR_OP_TFL_MAX_POOL_2D, "MAX_POOL_2D", "pool", 1, 1);
    pool->inputs[0] = pi;
    ir_node_set_output(pool, 0, po, &err);
    at = ir_node_add_attr(pool, "padding", IR_ATTR_STRING, &err);
    at->v.s.data = (const uint8_t *)"SAMEISH";
    at->v.s.size = 7;
    expect_invalid(m, "enum", (const char *const[]){"pool", "SAMEISH", "SAME, VALID", NULL});
    at->v.s.size = 4; /* "SAME" */
    at = ir_node_add_attr(pool, "stride_w", IR_ATTR_INT, &err);
    at->v.i = (int64_t)1 << 40;
    expect_invalid(m, "int32 range", (const char *const[]){"stride_w", "int32", NULL});
    at->v.i = 1;

    /* and with every value right, it writes */
    char dir[64], out[128];
    if (T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) {
        snprintf(out, sizeof out, "%s/ok.tflite", dir);
        struct fy_error e2 = {0};
        T_CHECK(tflite_write_model(m, out, NULL, 0, &e2) == FY_OK, "fixed model: %s", e2.message);
        unlink(out);
        tmpdir_remove(dir);
    }
    ir_model_free(m);
}

TEST(ir_model_equal_compares_tflite_fields)
{
    const char *src = hello_world();
    if (!src) return;
    struct fy_error err = {0};
    struct ir_model *a = NULL, *b = NULL;
    if (!T_CHECK(tflite_read_model(src, &a, &err) == FY_OK &&
                     tflite_read_model(src, &b, &err) == FY_OK,
                 "read: %s", err.message))
        goto done;
    char why[1024];
    T_CHECK(ir_model_equal(a, b, why, sizeof why), "the same file twice: %s", why);

    struct ir_tensor *in = b->graph->inputs[0];
    bool had = in->has_rank;
    in->has_rank = !had;
    T_CHECK(!ir_model_equal(a, b, why, sizeof why) && strstr(why, "has_rank"), "has_rank: %s", why);
    in->has_rank = had;
    if (in->has_shape_signature && in->signature_rank > 0) {
        int64_t keep = in->shape_signature[0];
        in->shape_signature[0] = keep == -1 ? 7 : -1;
        T_CHECK(!ir_model_equal(a, b, why, sizeof why) && strstr(why, "shape_signature"),
                "shape_signature: %s", why);
        in->shape_signature[0] = keep;
    }
    struct ir_tflite_info *ti = b->tflite;
    if (T_CHECK(ti && ti->n_metadata > 0 && ti->n_signatures > 0, "no metadata or signature")) {
        struct ir_bytes keep = ti->metadata[0].data;
        ti->metadata[0].data.size = keep.size ? keep.size - 1 : 1;
        T_CHECK(!ir_model_equal(a, b, why, sizeof why) && strstr(why, "metadata"),
                "metadata bytes: %s", why);
        ti->metadata[0].data = keep;
        const char *alias = ti->signatures[0].inputs[0].name;
        ti->signatures[0].inputs[0].name = "renamed";
        T_CHECK(!ir_model_equal(a, b, why, sizeof why) && strstr(why, "alias"),
                "signature alias: %s", why);
        ti->signatures[0].inputs[0].name = alias;
    }
    for (int i = 0; i < b->graph->n_tensors; i++) {
        struct ir_quant *q = b->graph->tensors[i]->quant;
        if (!q) continue;
        q->has_file_axis = true;
        q->file_axis = 5;
        T_CHECK(!ir_model_equal(a, b, why, sizeof why) && strstr(why, "quantized_dimension"),
                "file axis: %s", why);
        q->has_file_axis = false;
        break;
    }
    T_CHECK(ir_model_equal(a, b, why, sizeof why), "after undoing every change: %s", why);
done:
    ir_model_free(b);
    ir_model_free(a);
}

/* main: y = WHILE(x) with cond (subgraph 1: c = LESS(i, 10)) and body
 * (subgraph 2: o = ADD(i, 1)); a signature, and metadata whose bytes
 * metadata_buffer lists too. */
static struct ir_model *while_model(void)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!m) return NULL;
    struct arena *a = &m->arena;
    const int64_t one[] = {1};
    static const float ten = 10, unit = 1;
    struct ir_graph *g[3] = {m->graph, ir_graph_new(m, NULL), ir_graph_new(m, NULL)};
    g[0]->name = "main";
    g[1]->name = "cond";
    g[2]->name = "body";

    struct ir_tensor *x = tensor(g[0], "x", IR_F32, 1, one), *y = tensor(g[0], "y", IR_F32, 1, one);
    ir_graph_add_input(g[0], x, &err);
    ir_graph_add_output(g[0], y, &err);
    struct ir_node *wh = node(g[0], IR_OP_TFL_WHILE, "WHILE", "while", 1, 1);
    wh->inputs[0] = x;
    ir_node_set_output(wh, 0, y, &err);
    struct ir_attr *at = ir_node_add_attr(wh, "cond_subgraph_index", IR_ATTR_INT, &err);
    at->v.i = 1;
    at = ir_node_add_attr(wh, "body_subgraph_index", IR_ATTR_INT, &err);
    at->v.i = 2;

    for (int k = 1; k <= 2; k++) {
        struct ir_tensor *i = tensor(g[k], "i", IR_F32, 1, one),
                         *c = tensor(g[k], k == 1 ? "limit" : "one", IR_F32, 1, one),
                         *o = tensor(g[k], "o", k == 1 ? IR_BOOL : IR_F32, 1, one);
        c->kind = IR_TENSOR_CONST;
        c->data = k == 1 ? &ten : &unit;
        c->nbytes = 4;
        ir_graph_add_initializer(g[k], c, &err);
        ir_graph_add_input(g[k], i, &err);
        ir_graph_add_output(g[k], o, &err);
        struct ir_node *n = node(g[k], k == 1 ? IR_OP_TFL_LESS : IR_OP_TFL_ADD,
                                 k == 1 ? "LESS" : "ADD", k == 1 ? "less" : "add", 2, 1);
        n->inputs[0] = i;
        n->inputs[1] = c;
        ir_node_set_output(n, 0, o, &err);
    }

    struct ir_tflite_info *ti = ARENA_NEW(a, struct ir_tflite_info);
    ti->version = 3;
    ti->description = "hand made";
    ti->subgraphs = ARENA_ARRAY(a, 3, struct ir_graph *);
    memcpy(ti->subgraphs, g, sizeof g);
    ti->n_subgraphs = 3;
    static const uint8_t version[] = "1.5.0";
    ti->metadata = ARENA_ARRAY(a, 1, struct ir_tflite_metadata);
    ti->metadata[0] = (struct ir_tflite_metadata){"min_runtime_version", {version, 5}};
    ti->n_metadata = 1;
    ti->metadata_buffers = ARENA_ARRAY(a, 1, struct ir_bytes);
    ti->metadata_buffers[0] = (struct ir_bytes){version, 5};
    ti->n_metadata_buffers = 1;
    ti->signatures = ARENA_ARRAY(a, 1, struct ir_tflite_signature);
    struct ir_tflite_tensor_ref *refs = ARENA_ARRAY(a, 2, struct ir_tflite_tensor_ref);
    refs[0] = (struct ir_tflite_tensor_ref){"x_alias", 0, x};
    refs[1] = (struct ir_tflite_tensor_ref){"y_alias", 1, y};
    ti->signatures[0] = (struct ir_tflite_signature){"serving_default", 0, refs, 1, refs + 1, 1};
    ti->n_signatures = 1;
    m->tflite = ti;
    return err.status ? (ir_model_free(m), NULL) : m;
}

TEST(tflite_write_subgraphs_signatures_and_metadata_survive_a_round_trip)
{
    char dir[64], out[128], out2[128], why[2048];
    if (!T_CHECK(tmpdir_new(dir, sizeof dir), "mkdtemp failed")) return;
    snprintf(out, sizeof out, "%s/while.tflite", dir);
    snprintf(out2, sizeof out2, "%s/again.tflite", dir);
    struct fy_error err = {0};
    struct ir_model *m = while_model(), *b = NULL, *c = NULL;
    if (!T_CHECK(m != NULL, "cannot build the model")) goto done;
    if (!T_CHECK(tflite_write_model(m, out, NULL, 0, &err) == FY_OK, "write: %s", err.message) ||
        !T_CHECK(tflite_read_model(out, &b, &err) == FY_OK, "read: %s", err.message))
        goto done;
    const struct ir_tflite_info *ti = b->tflite;
    if (T_CHECK(ti && ti->n_subgraphs == 3, "%d subgraphs read back", ti ? ti->n_subgraphs : 0)) {
        T_CHECK(!strcmp(ti->subgraphs[1]->name, "cond") && ti->subgraphs[1]->n_nodes == 1 &&
                    ti->subgraphs[1]->nodes[0]->op == IR_OP_TFL_LESS &&
                    ti->subgraphs[2]->nodes[0]->op == IR_OP_TFL_ADD,
                "cond/body subgraphs read back wrong");
        const struct ir_node *wh = b->graph->nodes[0];
        const struct ir_attr *cs = ir_node_attr(wh, "cond_subgraph_index"),
                             *bs = ir_node_attr(wh, "body_subgraph_index");
        T_CHECK(wh->op == IR_OP_TFL_WHILE && !strcmp(wh->op_type, "WHILE") && cs && cs->v.i == 1 &&
                    bs && bs->v.i == 2,
                "WHILE read back as '%s'", wh->op_type);
        T_CHECK(ti->n_signatures == 1 && !strcmp(ti->signatures[0].key, "serving_default") &&
                    !strcmp(ti->signatures[0].inputs[0].name, "x_alias") &&
                    !strcmp(ti->signatures[0].inputs[0].tensor->name, "x") &&
                    !strcmp(ti->signatures[0].outputs[0].tensor->name, "y"),
                "signature read back wrong");
        T_CHECK(ti->n_metadata == 1 && ti->metadata[0].data.size == 5 &&
                    !memcmp(ti->metadata[0].data.data, "1.5.0", 5) && ti->n_metadata_buffers == 1 &&
                    ti->metadata_buffers[0].data == ti->metadata[0].data.data,
                "metadata read back wrong, or not one shared buffer");
        T_CHECK(ti->description && !strcmp(ti->description, "hand made"), "description");
    }
    /* once read, the model is a fixpoint: same IR, same bytes */
    if (T_CHECK(tflite_write_model(b, out2, NULL, 0, &err) == FY_OK, "rewrite: %s", err.message) &&
        T_CHECK(tflite_read_model(out2, &c, &err) == FY_OK, "read: %s", err.message)) {
        T_CHECK(ir_model_equal(b, c, why, sizeof why), "%s", why);
        T_CHECK(same_file_bytes(out, out2, why, sizeof why), "rewrite differs: %s", why);
    }
done:
    ir_model_free(c);
    ir_model_free(b);
    ir_model_free(m);
    unlink(out);
    unlink(out2);
    tmpdir_remove(dir);
}
