/* .npy/.npz against files NumPy wrote (tests/data/npy, made by make_fixtures.py
 * there): values, refusals, byte-identical writing, and corrupt input. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/half.h"
#include "formats/npy/npy.h"
#include "interp/interp.h"
#include "t.h"

static const char *const dtypes[] = {"float16", "float32", "float64",   "int8",      "int16",
                                     "int32",   "int64",   "uint8",     "uint16",    "uint32",
                                     "uint64",  "bool",    "complex64", "complex128"};
#define N_DTYPES (int)(sizeof dtypes / sizeof dtypes[0])

static const char *fixture(const char *name)
{
    static char buf[4][512];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "tests/data/npy/%s", name);
    return t_repo_path(b);
}

/* make_fixtures.py: V = [[0,1,2],[3,4,5]]; floats V*0.5-1, ints V-2, uints V*40,
 * bool V%2==1, complex (V*0.5-1) + 1j*V. */
static bool check_formula(const char *what, const struct op_tensor *t)
{
    enum ir_dtype want = ir_dtype_from_name(what);
    if (!T_CHECK(t->dtype == want, "%s: dtype %s", what, ir_dtype_name(t->dtype))) return false;
    if (!T_CHECK(t->rank == 2 && t->dims[0] == 2 && t->dims[1] == 3 && t->numel == 6, "%s: shape",
                 what))
        return false;
    bool ok = true;
    for (int v = 0; v < 6; v++) {
        double re = v * 0.5 - 1, im = v;
        switch (t->dtype) {
        case IR_F16:
            ok &= half_to_float(((uint16_t *)t->data)[v]) == (float)re;
            break;
        case IR_F32:
            ok &= ((float *)t->data)[v] == (float)re;
            break;
        case IR_F64:
            ok &= ((double *)t->data)[v] == re;
            break;
        case IR_I8:
            ok &= ((int8_t *)t->data)[v] == v - 2;
            break;
        case IR_I16:
            ok &= ((int16_t *)t->data)[v] == v - 2;
            break;
        case IR_I32:
            ok &= ((int32_t *)t->data)[v] == v - 2;
            break;
        case IR_I64:
            ok &= ((int64_t *)t->data)[v] == v - 2;
            break;
        case IR_U8:
            ok &= ((uint8_t *)t->data)[v] == v * 40;
            break;
        case IR_U16:
            ok &= ((uint16_t *)t->data)[v] == v * 40;
            break;
        case IR_U32:
            ok &= ((uint32_t *)t->data)[v] == (uint32_t)v * 40;
            break;
        case IR_U64:
            ok &= ((uint64_t *)t->data)[v] == (uint64_t)v * 40;
            break;
        case IR_BOOL:
            ok &= ((uint8_t *)t->data)[v] == (v % 2 == 1);
            break;
        case IR_C64: {
            float *p = (float *)t->data + 2 * v;
            ok &= p[0] == (float)re && p[1] == (float)im;
            break;
        }
        case IR_C128: {
            double *p = (double *)t->data + 2 * v;
            ok &= p[0] == re && p[1] == im;
            break;
        }
        default:
            ok = false;
        }
    }
    return T_CHECK(ok, "%s: values differ from what NumPy wrote", what);
}

TEST(npy_reads_every_dtype_numpy_writes)
{
    for (int i = 0; i < N_DTYPES; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.npy", dtypes[i]);
        struct fy_error err = {0};
        struct op_tensor t;
        fy_status st = npy_read_file(fixture(name), &t, &err);
        if (!T_CHECK(st == FY_OK, "%s: %s", name, err.message)) continue;
        check_formula(dtypes[i], &t);
        op_tensor_release(&t);
    }
}

TEST(npy_writes_the_bytes_numpy_writes)
{
    /* version 1.0, header padded to 64 bytes: the exact file np.save made */
    for (int i = 0; i < N_DTYPES; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.npy", dtypes[i]);
        struct fy_error err = {0};
        struct file_map m;
        if (!T_CHECK(file_map_read(fixture(name), &m, &err) == FY_OK, "%s", name)) continue;
        struct op_tensor t;
        uint8_t *buf = NULL;
        size_t n = 0;
        if (T_CHECK(npy_read_buffer(m.data, m.size, &t, &err) == FY_OK, "%s", err.message)) {
            T_CHECK(npy_encode(&t, &buf, &n, &err) == FY_OK, "%s", err.message);
            T_CHECK(buf && n == m.size && memcmp(buf, m.data, n) == 0,
                    "%s: written bytes differ from NumPy's", name);
            op_tensor_release(&t);
        }
        free(buf);
        file_map_release(&m);
    }
    const char *more[] = {"scalar_i64.npy", "empty_u8.npy", "f16_special.npy", "noise.npy"};
    for (int i = 0; i < 4; i++) {
        struct fy_error err = {0};
        struct file_map m;
        if (!T_CHECK(file_map_read(fixture(more[i]), &m, &err) == FY_OK, "%s", more[i])) continue;
        struct op_tensor t;
        uint8_t *buf = NULL;
        size_t n = 0;
        if (T_CHECK(npy_read_buffer(m.data, m.size, &t, &err) == FY_OK, "%s", err.message)) {
            T_CHECK(npy_encode(&t, &buf, &n, &err) == FY_OK, "%s", err.message);
            T_CHECK(buf && n == m.size && memcmp(buf, m.data, n) == 0,
                    "%s: written bytes differ from NumPy's", more[i]);
            op_tensor_release(&t);
        }
        free(buf);
        file_map_release(&m);
    }
}

TEST(npy_write_file_round_trips_atomically)
{
    char dir[] = "/tmp/ferry-npy-XXXXXX";
    if (!T_CHECK(mkdtemp(dir) != NULL, "mkdtemp")) return;
    char path[256];
    snprintf(path, sizeof path, "%s/out.npy", dir);
    struct fy_error err = {0};
    struct op_tensor t, back;
    int64_t dims[3] = {2, 1, 3};
    if (!T_CHECK(op_tensor_alloc(&t, IR_I16, 3, dims, &err) == FY_OK, "alloc")) return;
    for (int i = 0; i < 6; i++)
        ((int16_t *)t.data)[i] = (int16_t)(i * 1000 - 2500);
    T_CHECK(npy_write_file(path, &t, NULL, 0, &err) == FY_OK, "write: %s", err.message);
    if (T_CHECK(npy_read_file(path, &back, &err) == FY_OK, "read back: %s", err.message)) {
        T_CHECK(back.dtype == IR_I16 && back.rank == 3 && back.dims[1] == 1 &&
                    memcmp(back.data, t.data, 12) == 0,
                "round trip changed the tensor");
        op_tensor_release(&back);
    }
    /* writing over an input is refused, and leaves it as it was */
    const char *inputs[1] = {path};
    err_clear(&err);
    T_CHECK(npy_write_file(path, &t, inputs, 1, &err) == FY_EUSAGE, "overwrite refused");
    op_tensor_release(&t);
    unlink(path);
    rmdir(dir);
}

TEST(npy_reads_scalars_empty_arrays_and_half_specials)
{
    struct fy_error err = {0};
    struct op_tensor t;
    if (T_CHECK(npy_read_file(fixture("scalar_i64.npy"), &t, &err) == FY_OK, "%s", err.message)) {
        T_CHECK(t.dtype == IR_I64 && t.rank == 0 && t.numel == 1 && *(int64_t *)t.data == -7,
                "np.int64(-7) reads as a rank-0 int64");
        op_tensor_release(&t);
    }
    if (T_CHECK(npy_read_file(fixture("empty_u8.npy"), &t, &err) == FY_OK, "%s", err.message)) {
        T_CHECK(t.dtype == IR_U8 && t.rank == 2 && t.dims[0] == 0 && t.dims[1] == 3 && t.numel == 0,
                "zeros((0,3)) reads as an empty 0x3 array");
        op_tensor_release(&t);
    }
    if (T_CHECK(npy_read_file(fixture("f16_special.npy"), &t, &err) == FY_OK, "%s", err.message)) {
        const uint16_t *h = t.data;
        /* 65504, -0.0, inf, -inf, nan, 6e-8 (the smallest subnormal) */
        T_CHECK(h[0] == 0x7bff && h[1] == 0x8000 && h[2] == 0x7c00 && h[3] == 0xfc00 &&
                    (h[4] & 0x7c00) == 0x7c00 && (h[4] & 0x3ff) && h[5] == 0x0001,
                "float16 bit patterns as NumPy wrote them");
        op_tensor_release(&t);
    }
}

TEST(npy_reads_format_versions_2_and_3)
{
    const char *names[] = {"v2_f32.npy", "v3_f32.npy"};
    for (int i = 0; i < 2; i++) {
        struct fy_error err = {0};
        struct op_tensor t;
        if (!T_CHECK(npy_read_file(fixture(names[i]), &t, &err) == FY_OK, "%s: %s", names[i],
                     err.message))
            continue;
        check_formula("float32", &t);
        op_tensor_release(&t);
    }
}

static void expect_refusal(const char *name, fy_status want, const char *words)
{
    struct fy_error err = {0};
    struct op_tensor t;
    fy_status st = npy_read_file(fixture(name), &t, &err);
    T_CHECK(st == want, "%s: status %s, want %s (%s)", name, fy_status_name(st),
            fy_status_name(want), err.message);
    T_CHECK(strstr(err.message, words) != NULL, "%s: message '%s' lacks '%s'", name, err.message,
            words);
    T_CHECK(strstr(err.file, name) != NULL, "%s: error names the file", name);
    if (st == FY_OK) op_tensor_release(&t);
}

TEST(npy_refuses_big_endian_fortran_and_object_arrays)
{
    expect_refusal("big_endian.npy", FY_EUNSUPPORTED, "big-endian");
    expect_refusal("fortran.npy", FY_EUNSUPPORTED, "Fortran order");
    expect_refusal("object.npy", FY_EUNSUPPORTED, "Python objects");
}

static const struct op_tensor *npz_get(const struct npz *z, const char *name)
{
    for (int i = 0; i < z->count; i++)
        if (!strcmp(z->entries[i].name, name)) return &z->entries[i].t;
    return NULL;
}

TEST(npz_stored_archive_from_savez)
{
    struct fy_error err = {0};
    struct npz z;
    if (!T_CHECK(npz_read_file(fixture("dtypes.npz"), &z, &err) == FY_OK, "%s", err.message))
        return;
    T_CHECK(z.count == N_DTYPES, "%d entries", z.count);
    for (int i = 0; i < N_DTYPES; i++) {
        const struct op_tensor *t = npz_get(&z, dtypes[i]);
        if (T_CHECK(t != NULL, "key '%s' (the .npy suffix stripped)", dtypes[i]))
            check_formula(dtypes[i], t);
    }
    npz_free(&z);
}

static void check_ramp_noise(const char *file, bool has_noise)
{
    struct fy_error err = {0};
    struct npz z;
    if (!T_CHECK(npz_read_file(fixture(file), &z, &err) == FY_OK, "%s: %s", file, err.message))
        return;
    const struct op_tensor *ramp = npz_get(&z, "ramp");
    if (T_CHECK(ramp && ramp->dtype == IR_I32 && ramp->numel == 2000, "%s: ramp", file)) {
        bool ok = true;
        for (int i = 0; i < 2000; i++)
            ok &= ((int32_t *)ramp->data)[i] == i % 13;
        T_CHECK(ok, "%s: ramp values are arange(2000) %% 13", file);
    }
    const struct op_tensor *x = npz_get(&z, "input:0");
    if (T_CHECK(x != NULL, "%s: key 'input:0' kept as written", file)) check_formula("float32", x);
    if (has_noise) {
        struct op_tensor ref;
        const struct op_tensor *noise = npz_get(&z, "noise");
        if (T_CHECK(noise && npy_read_file(fixture("noise.npy"), &ref, &err) == FY_OK, "%s: noise",
                    file)) {
            T_CHECK(noise->nbytes == ref.nbytes && !memcmp(noise->data, ref.data, ref.nbytes),
                    "%s: inflated noise equals noise.npy", file);
            op_tensor_release(&ref);
        }
    }
    npz_free(&z);
}

TEST(npz_deflated_archive_from_savez_compressed)
{
    check_ramp_noise("compressed.npz", true); /* dynamic and fixed Huffman blocks */
    check_ramp_noise("stored.npz", false);
}

TEST(inflate_stored_blocks_and_bad_streams)
{
    struct fy_error err = {0};
    uint8_t out[8];
    size_t used = 0;
    /* two stored blocks: "abc" then (final) "de" */
    const uint8_t stored[] = {0x00, 3, 0, 0xfc, 0xff, 'a', 'b', 'c',
                              0x01, 2, 0, 0xfd, 0xff, 'd', 'e'};
    T_CHECK(npy_inflate(stored, sizeof stored, out, 5, &used, &err) == FY_OK &&
                !memcmp(out, "abcde", 5) && used == sizeof stored,
            "stored blocks: %s", err.message);
    err_clear(&err);
    T_CHECK(npy_inflate(stored, sizeof stored, out, 4, &used, &err) == FY_EFORMAT,
            "output larger than stated is refused");
    err_clear(&err);
    T_CHECK(npy_inflate(stored, sizeof stored, out, 6, &used, &err) == FY_EFORMAT,
            "output shorter than stated is refused");
    err_clear(&err);
    const uint8_t bad_len[] = {0x01, 3, 0, 0xfc, 0xfe, 'a', 'b', 'c'};
    T_CHECK(npy_inflate(bad_len, sizeof bad_len, out, 3, &used, &err) == FY_EFORMAT &&
                strstr(err.message, "complement"),
            "LEN/NLEN mismatch: %s", err.message);
    err_clear(&err);
    const uint8_t reserved[] = {0x07};
    T_CHECK(npy_inflate(reserved, 1, out, 1, &used, &err) == FY_EFORMAT &&
                strstr(err.message, "reserved"),
            "block type 3: %s", err.message);
    err_clear(&err);
    /* fixed block: a match (length 3, distance 1) with nothing before it */
    const uint8_t far[] = {0x03, 0x02, 0x00};
    T_CHECK(npy_inflate(far, sizeof far, out, 3, &used, &err) == FY_EFORMAT,
            "distance before the start: %s", err.message);
    T_CHECK(npy_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u, "CRC-32 check value");
}

TEST(npy_corrupt_headers_give_errors)
{
    struct {
        const char *header;
        const char *words;
    } cases[] = {
        {"{'descr': '<f4', 'fortran_order': False}", "needs"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,3}", "expected"},
        {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", "True or False"},
        {"{'descr': '<q9', 'fortran_order': False, 'shape': (2,)}", "does not read"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "large"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", "too many"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "unexpected key"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk", "after"},
        {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", "structured"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", "truncated"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "after the array data"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[256];
        size_t hl = strlen(cases[i].header);
        memcpy(buf, "\x93NUMPY\x01\x00", 8);
        buf[8] = (uint8_t)hl;
        buf[9] = 0;
        memcpy(buf + 10, cases[i].header, hl);
        memset(buf + 10 + hl, 0, 8); /* two float32 */
        struct fy_error err = {0};
        struct op_tensor t;
        fy_status st = npy_read_buffer(buf, 10 + hl + 8, &t, &err);
        T_CHECK(st != FY_OK && strstr(err.message, cases[i].words),
                "header %zu: status %s, message '%s' (want '%s')", i, fy_status_name(st),
                err.message, cases[i].words);
        if (st == FY_OK) op_tensor_release(&t);
    }
}

/* Every truncation fails cleanly and every single-byte corruption either
 * reads or fails cleanly (ASan/UBSan watch the rest). */
static fy_status try_read(const uint8_t *data, size_t n, bool zip, struct fy_error *err)
{
    /* a copy of exactly n bytes, so ASan sees any read past the end */
    uint8_t *exact = malloc(n ? n : 1);
    if (n) memcpy(exact, data, n);
    err_clear(err);
    fy_status st;
    if (zip) {
        struct npz z;
        st = npz_read_buffer(exact, n, &z, err);
        if (!st) npz_free(&z);
    } else {
        struct op_tensor t;
        st = npy_read_buffer(exact, n, &t, err);
        if (!st) op_tensor_release(&t);
    }
    free(exact);
    return st;
}

static void mangle(const char *name, bool zip)
{
    struct fy_error err = {0};
    struct file_map m;
    if (!T_CHECK(file_map_read(fixture(name), &m, &err) == FY_OK, "%s", name)) return;
    int truncations_read = 0, flips_noticed = 0, silent_errors = 0;
    for (size_t cut = 0; cut < m.size; cut++) {
        if (try_read(m.data, cut, zip, &err) == FY_OK)
            truncations_read++;
        else if (!err.message[0])
            silent_errors++;
    }
    uint8_t *buf = malloc(m.size);
    for (size_t i = 0; i < m.size; i++) {
        memcpy(buf, m.data, m.size);
        buf[i] ^= (uint8_t)(0x5a + i);
        if (try_read(buf, m.size, zip, &err) != FY_OK) {
            flips_noticed++;
            if (!err.message[0]) silent_errors++;
        }
    }
    T_CHECK(truncations_read == 0, "%s: %d truncated copies read without error", name,
            truncations_read);
    T_CHECK(flips_noticed > 0, "%s: corruption never noticed", name);
    T_CHECK(silent_errors == 0, "%s: %d errors without a message", name, silent_errors);
    free(buf);
    file_map_release(&m);
}

TEST(npy_and_npz_survive_truncation_and_corruption)
{
    mangle("float32.npy", false);
    mangle("complex128.npy", false);
    mangle("compressed.npz", true);
    mangle("stored.npz", true);
}

/* Random bytes as DEFLATE data: never a crash, never a write past the output. */
TEST(inflate_survives_random_streams)
{
    uint32_t seed = 12345;
    uint8_t in[512], out[1024];
    int ok = 0;
    for (int round = 0; round < 4000; round++) {
        size_t n = 1 + round % (int)sizeof in;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            in[i] = (uint8_t)(seed >> 24);
        }
        /* a few rounds start like a valid fixed or dynamic block */
        if (round % 3 == 0) in[0] = (uint8_t)((in[0] & ~7) | 3);
        if (round % 3 == 1) in[0] = (uint8_t)((in[0] & ~7) | 5);
        struct fy_error err = {0};
        size_t used;
        size_t want = (size_t)(seed % sizeof out);
        uint8_t *exact_in = malloc(n), *exact_out = malloc(want ? want : 1);
        memcpy(exact_in, in, n);
        if (npy_inflate(exact_in, n, exact_out, want, &used, &err) == FY_OK)
            ok++;
        else
            T_CHECK(err.message[0] != 0, "round %d: error without a message", round);
        free(exact_in);
        free(exact_out);
    }
    (void)out;
    T_CHECK(ok < 4000, "random data cannot all be valid");
}
