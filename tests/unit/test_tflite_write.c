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

#include "formats/tflite/flatbuf_build.h"
#include "t.h"

/* ---- builder: bytes worked out by hand ---- */

static bool same_bytes(const uint8_t *got, size_t n_got, const uint8_t *want, size_t n_want)
{
    if (!T_CHECK(n_got == n_want, "%zu bytes; expected %zu", n_got, n_want)) return false;
    for (size_t i = 0; i < n_want; i++)
        if (!T_CHECK(got[i] == want[i], "byte %zu is 0x%02x; expected 0x%02x", i, got[i],
                     want[i]))
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
    0x18, 0x00, 0x00, 0x00, 'T',  'E',  'S',  'T',  /* root at 24; identifier */
    0x00, 0x00,                                     /* pad */
    0x0e, 0x00, 0x18, 0x00,                         /* vtable: 14 bytes, table 24 */
    0x06, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x10, 0x00, 0x05, 0x00, /* a name v big flag */
    0x0e, 0x00, 0x00, 0x00,                         /* 24: soffset 14 -> vtable at 10 */
    0x00,                                           /* pad */
    0x01,                                           /* 29: flag */
    0x05, 0x00,                                     /* 30: a */
    0x20, 0x00, 0x00, 0x00,                         /* 32: name -> 64 */
    0x10, 0x00, 0x00, 0x00,                         /* 36: v -> 52 */
    0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 40: big */
    0x00, 0x00, 0x00, 0x00,                         /* pad */
    0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* 52: [1,2] */
    0x02, 0x00, 0x00, 0x00, 'h',  'i',  0x00, 0x00, /* 64: "hi", NUL, pad */
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
