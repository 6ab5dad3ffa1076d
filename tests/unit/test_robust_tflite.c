/* The TFLite reader against hostile bytes: every truncation and seeded
 * random corruption of real models must end in FY_OK or a clean error with
 * a message — never a crash, an out-of-bounds read or a leak. The referee
 * is AddressSanitizer/UBSan (the asan tree runs this file); each input is
 * copied into a buffer of exactly its size, so reading one byte past it
 * trips ASan. A model that still reads is also inspected, so what the reader
 * lets through is safe for the next stage too. Inputs: three TFLite Micro
 * models from ../shared/models (files written by others). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/tflite/tflite.h"
#include "inspect/inspect.h"
#include "t.h"

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *d = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nd = realloc(d, cap);
            if (!nd) break;
            d = nd;
        }
        size_t got = fread(d + n, 1, cap - n, f);
        if (!got) break;
        n += got;
    }
    fclose(f);
    *size = n;
    return d;
}

/* Reads size bytes from an exact-size copy; checks the outcome's shape. */
static fy_status read_exact(const uint8_t *src, size_t size, const char *what, size_t at)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return FY_ENOMEM;
    if (size) memcpy(copy, src, size);
    struct fy_error err;
    memset(&err, 0, sizeof err);
    err.offset = -1;
    struct ir_model *m = NULL;
    fy_status st = tflite_read_buffer(copy, size, &m, &err);
    if (st == FY_OK) {
        if (T_CHECK(m != NULL, "%s @%zu: OK without a model", what, at)) {
            struct inspect_report r;
            struct fy_error ierr = {0};
            fy_status ist = inspect_model(m, &r, &ierr);
            T_CHECK(ist == FY_OK || ist == FY_ENOMEM, "%s @%zu: inspect: %s", what, at,
                    ierr.message);
            inspect_report_free(&r);
        }
        ir_model_free(m);
    } else {
        T_CHECK(m == NULL, "%s @%zu: a model despite status %d", what, at, (int)st);
        T_CHECK(err.status == st && err.message[0], "%s @%zu: status %d without a message", what,
                at, (int)st);
        T_CHECK(st != FY_EINTERNAL, "%s @%zu: internal error: %s", what, at, err.message);
        T_CHECK(st != FY_EFORMAT || err.offset >= 0, "%s @%zu: FORMAT without an offset: %s",
                what, at, err.message);
    }
    free(copy);
    return st;
}

struct corpus {
    const char *name;
    uint8_t *data;
    size_t size;
};

static const char *const models[] = {
    "models/tflite/tflm/hello_world/hello_world_int8.tflite",
    "models/tflite/tflm/network_tester/network_model.tflite",
    "models/tflite/tflm/magic_wand/magic_wand.tflite",
};
#define N_MODELS (int)(sizeof models / sizeof models[0])

static int load_corpus(struct corpus *c)
{
    int n = 0;
    for (int i = 0; i < N_MODELS; i++) {
        const char *path = t_shared_path(models[i]);
        if (!path) {
            printf("    (skipped %s: ../shared/models absent)\n", models[i]);
            continue;
        }
        c[n].name = strrchr(models[i], '/') + 1;
        c[n].data = slurp(path, &c[n].size);
        if (T_CHECK(c[n].data != NULL, "%s readable", path)) n++;
    }
    return n;
}

static void free_corpus(struct corpus *c, int n)
{
    for (int i = 0; i < n; i++) free(c[i].data);
}

/* Every prefix. FlatBuffers put the root table first and the big buffers
 * last, so a cut meets offsets leading past the end at every depth. */
TEST(robust_tflite_truncation_at_every_offset_fails_cleanly)
{
    struct corpus c[N_MODELS];
    int n = load_corpus(c);
    for (int i = 0; i < n; i++) {
        int refused = 0;
        for (size_t k = 0; k < c[i].size; k++)
            if (read_exact(c[i].data, k, c[i].name, k) != FY_OK) refused++;
        T_CHECK(read_exact(c[i].data, c[i].size, c[i].name, c[i].size) == FY_OK, "%s reads whole",
                c[i].name);
        /* a cut inside the last buffer's bytes only shortens its vector's
         * room: every cut must be refused */
        T_CHECK(refused == (int)c[i].size, "%s: %d of %zu cuts refused", c[i].name, refused,
                c[i].size);
    }
    free_corpus(c, n);
}

/* xorshift64*: a fixed sequence, so a failure names a reproducible case. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* 1000 corruptions per model (3000 in all): 1 to 4 bytes each changed to
 * random values, some to the values that matter most in FlatBuffers (0,
 * 0xff, small offsets). */
TEST(robust_tflite_seeded_byte_flips_fail_cleanly_or_read)
{
    struct corpus c[N_MODELS];
    int n = load_corpus(c);
    static const uint8_t special[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x04, 0x08, 0xfc};
    for (int i = 0; i < n; i++) {
        uint64_t seed = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(i + 1);
        uint8_t *buf = malloc(c[i].size);
        if (!buf) continue;
        int ok = 0;
        for (int round = 0; round < 1000; round++) {
            memcpy(buf, c[i].data, c[i].size);
            int flips = 1 + (int)(next_rand(&seed) % 4);
            size_t first = 0;
            for (int f = 0; f < flips; f++) {
                size_t at = (size_t)(next_rand(&seed) % c[i].size);
                uint64_t r = next_rand(&seed);
                buf[at] = r & 1 ? special[(r >> 1) % sizeof special] : (uint8_t)(r >> 8);
                if (!f) first = at;
            }
            if (read_exact(buf, c[i].size, c[i].name, first) == FY_OK) ok++;
        }
        /* most flips land in weights and names, which stay readable */
        T_CHECK(ok > 0 && ok < 1000, "%s: %d of 1000 corruptions still read", c[i].name, ok);
        free(buf);
    }
    free_corpus(c, n);
}

/* Every byte of each model changed in turn, twice: its top bit flipped
 * (offsets and lengths jump by 2^31, 2^23, ...) and set to 0xff. Each
 * offset, length, index and enum of the file meets a bad value once. */
TEST(robust_tflite_every_byte_changed_fails_cleanly_or_reads)
{
    struct corpus c[N_MODELS];
    int n = load_corpus(c);
    for (int i = 0; i < n; i++) {
        uint8_t *buf = malloc(c[i].size);
        if (!buf) continue;
        memcpy(buf, c[i].data, c[i].size);
        int refused = 0;
        for (size_t k = 0; k < c[i].size; k++) {
            uint8_t keep = buf[k];
            buf[k] = keep ^ 0x80;
            refused += read_exact(buf, c[i].size, c[i].name, k) != FY_OK;
            buf[k] = 0xff;
            refused += read_exact(buf, c[i].size, c[i].name, k) != FY_OK;
            buf[k] = keep;
        }
        T_CHECK(refused > 0, "%s: %d of %zu changes refused", c[i].name, refused, 2 * c[i].size);
        free(buf);
    }
    free_corpus(c, n);
}
