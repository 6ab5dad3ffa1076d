/* validate's input sources: seeded random sets (reproducibility, ranges,
 * distributions) and sets read from the folder layouts of inputs.h, with
 * fixtures written into a temporary folder. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/half.h"
#include "formats/npy/npy.h"
#include "t.h"
#include "validate/inputs.h"

/* ---- fixtures ---- */

static char tmp_root[64];

static const char *tmp_dir(void)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/ferry-inputs-XXXXXX");
    return mkdtemp(tmp_root);
}

/* Removes a fixture folder and what the tests put in it. */
static void tmp_cleanup(const char *dir)
{
    if (!dir) return;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
            tmp_cleanup(sub);
        else
            remove(sub);
    }
    if (d) closedir(d);
    rmdir(dir);
}

static const char *path_in(const char *dir, const char *rel)
{
    static char buf[8][512];
    static int k;
    char *b = buf[k++ & 7];
    snprintf(b, sizeof buf[0], "%s/%s", dir, rel);
    return b;
}

static void make_dir(const char *dir, const char *rel)
{
    mkdir(path_in(dir, rel), 0755);
}

/* A float32 tensor of the given shape holding base, base+1, ... */
static struct op_tensor ramp(enum ir_dtype dt, int rank, const int64_t *dims, double base)
{
    struct op_tensor t;
    struct fy_error err = {0};
    op_tensor_alloc(&t, dt, rank, dims, &err);
    for (uint64_t i = 0; i < t.numel; i++)
        op_set_f64(&t, i, base + (double)i);
    return t;
}

static bool write_npy(const char *path, enum ir_dtype dt, int rank, const int64_t *dims,
                      double base)
{
    struct op_tensor t = ramp(dt, rank, dims, base);
    struct fy_error err = {0};
    fy_status st = npy_write_file(path, &t, NULL, 0, &err);
    op_tensor_release(&t);
    return T_CHECK(st == FY_OK, "writing %s: %s", path, err.message);
}

static void put16(FILE *f, unsigned v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
}

static void put32(FILE *f, uint32_t v)
{
    put16(f, v & 0xffff);
    put16(f, v >> 16);
}

/* A STORED ZIP of .npy entries, as numpy.savez writes (without ZIP64). */
static bool write_npz(const char *path, const char *const *keys, const struct op_tensor *ts, int n)
{
    FILE *f = fopen(path, "wb");
    if (!T_CHECK(f != NULL, "cannot create %s", path)) return false;
    uint32_t offsets[8], crcs[8], sizes[8];
    uint8_t *bufs[8];
    for (int i = 0; i < n; i++) {
        size_t size = 0;
        struct fy_error err = {0};
        npy_encode(&ts[i], &bufs[i], &size, &err);
        sizes[i] = (uint32_t)size;
        crcs[i] = npy_crc32(bufs[i], size);
        offsets[i] = (uint32_t)ftell(f);
        char name[128];
        snprintf(name, sizeof name, "%s.npy", keys[i]);
        put32(f, 0x04034b50);
        put16(f, 20), put16(f, 0), put16(f, 0), put16(f, 0), put16(f, 0);
        put32(f, crcs[i]), put32(f, sizes[i]), put32(f, sizes[i]);
        put16(f, (unsigned)strlen(name)), put16(f, 0);
        fwrite(name, 1, strlen(name), f);
        fwrite(bufs[i], 1, size, f);
    }
    uint32_t cd = (uint32_t)ftell(f);
    for (int i = 0; i < n; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s.npy", keys[i]);
        put32(f, 0x02014b50);
        put16(f, 20), put16(f, 20), put16(f, 0), put16(f, 0), put16(f, 0), put16(f, 0);
        put32(f, crcs[i]), put32(f, sizes[i]), put32(f, sizes[i]);
        put16(f, (unsigned)strlen(name)), put16(f, 0), put16(f, 0), put16(f, 0), put16(f, 0);
        put32(f, 0), put32(f, offsets[i]);
        fwrite(name, 1, strlen(name), f);
        free(bufs[i]);
    }
    uint32_t cd_size = (uint32_t)ftell(f) - cd;
    put32(f, 0x06054b50);
    put16(f, 0), put16(f, 0), put16(f, (unsigned)n), put16(f, (unsigned)n);
    put32(f, cd_size), put32(f, cd), put16(f, 0);
    return T_CHECK(fclose(f) == 0, "writing %s", path);
}

static struct input_decl decl(const char *name, enum ir_dtype dt, int rank, const int64_t *dims)
{
    struct input_decl d;
    memset(&d, 0, sizeof d);
    d.name = name;
    d.dtype = dt;
    d.rank = rank;
    for (int i = 0; i < rank; i++)
        d.dims[i] = dims[i];
    return d;
}

static void release_all(struct op_tensor *ts, int n)
{
    for (int i = 0; i < n; i++)
        op_tensor_release(&ts[i]);
}

/* One tensor of set i of a random source over the given decls. */
static bool random_get(const struct input_decl *decls, int n_decls, int n_sets,
                       const struct input_random_options *opt, int set, struct op_tensor *out)
{
    struct input_source *s = NULL;
    struct fy_error err = {0};
    fy_status st = input_source_random(decls, n_decls, n_sets, opt, &s, &err);
    if (!T_CHECK(st == FY_OK, "random source: %s", err.message)) return false;
    st = input_source_get(s, set, out, &err);
    input_source_free(s);
    return T_CHECK(st == FY_OK, "get set %d: %s", set, err.message);
}

static bool same_data(const struct op_tensor *a, const struct op_tensor *b)
{
    return a->dtype == b->dtype && a->nbytes == b->nbytes &&
           !memcmp(a->data, b->data, (size_t)a->nbytes);
}

/* ---- random sets ---- */

TEST(inputs_random_same_seed_same_data)
{
    int64_t dims[] = {2, 3, 17};
    struct input_decl d[2] = {decl("x", IR_F32, 3, dims), decl("ids", IR_I64, 1, dims)};
    struct input_random_options opt = {.seed = 42};
    struct op_tensor a[2], b[2];
    if (!random_get(d, 2, 4, &opt, 3, a)) return;
    if (!random_get(d, 2, 4, &opt, 3, b)) {
        release_all(a, 2);
        return;
    }
    T_CHECK(same_data(&a[0], &b[0]) && same_data(&a[1], &b[1]), "same seed, same set: same data");
    release_all(b, 2);
    opt.seed = 43;
    if (random_get(d, 2, 4, &opt, 3, b)) {
        T_CHECK(!same_data(&a[0], &b[0]), "another seed gives other data");
        release_all(b, 2);
    }
    release_all(a, 2);
}

TEST(inputs_random_sets_differ)
{
    int64_t dims[] = {64};
    struct input_decl d[2] = {decl("a", IR_F32, 1, dims), decl("b", IR_F32, 1, dims)};
    struct input_random_options opt = {.seed = 0};
    struct op_tensor s0[2], s1[2];
    if (!random_get(d, 2, 2, &opt, 0, s0)) return;
    if (random_get(d, 2, 2, &opt, 1, s1)) {
        T_CHECK(!same_data(&s0[0], &s1[0]), "set 0 and set 1 differ");
        T_CHECK(!same_data(&s0[0], &s0[1]), "two inputs of one set differ (same shape and dtype)");
        release_all(s1, 2);
    }
    release_all(s0, 2);
}

TEST(inputs_random_set_independent_of_count)
{
    int64_t dims[] = {5, 7};
    struct input_decl d[2] = {decl("a", IR_F16, 2, dims), decl("b", IR_I8, 2, dims)};
    struct input_random_options opt = {.seed = 7};
    struct op_tensor few[2], many[2], more_inputs[2];
    if (!random_get(d, 2, 3, &opt, 2, few)) return;
    if (random_get(d, 2, 100, &opt, 2, many)) {
        T_CHECK(same_data(&few[0], &many[0]) && same_data(&few[1], &many[1]),
                "set 2 of 3 equals set 2 of 100");
        release_all(many, 2);
    }
    /* adding a later input does not change the earlier ones */
    if (random_get(d, 1, 3, &opt, 2, more_inputs)) {
        T_CHECK(same_data(&few[0], &more_inputs[0]), "input 0 does not depend on input 1");
        release_all(more_inputs, 1);
    }
    release_all(few, 2);
}

TEST(inputs_uniform_float_range)
{
    int64_t dims[] = {20000};
    struct input_decl d[4] = {decl("f32", IR_F32, 1, dims), decl("f16", IR_F16, 1, dims),
                              decl("bf16", IR_BF16, 1, dims), decl("f64", IR_F64, 1, dims)};
    /* default [0, 1): fp16/bf16 round most values near 1 up to 1.0 unless kept below */
    struct op_tensor t[4];
    struct input_random_options opt = {.seed = 1};
    if (!random_get(d, 4, 1, &opt, 0, t)) return;
    for (int k = 0; k < 4; k++) {
        double mn = INFINITY, mx = -INFINITY;
        for (uint64_t i = 0; i < t[k].numel; i++) {
            double v = op_get_f64(&t[k], i);
            mn = fmin(mn, v);
            mx = fmax(mx, v);
        }
        T_CHECK(mn >= 0 && mx < 1, "%s default: [%g, %g] within [0, 1)", d[k].name, mn, mx);
        T_CHECK(mn < 0.01 && mx > 0.99, "%s default: [%g, %g] spans [0, 1)", d[k].name, mn, mx);
    }
    release_all(t, 4);
    /* a range: [-2, 3) */
    struct input_range r = {NULL, -2.0, 3.0};
    opt.ranges = &r;
    opt.n_ranges = 1;
    if (!random_get(d, 4, 1, &opt, 0, t)) return;
    for (int k = 0; k < 4; k++) {
        double mn = INFINITY, mx = -INFINITY;
        for (uint64_t i = 0; i < t[k].numel; i++) {
            double v = op_get_f64(&t[k], i);
            mn = fmin(mn, v);
            mx = fmax(mx, v);
        }
        T_CHECK(mn >= -2 && mx < 3, "%s: [%g, %g] within [-2, 3)", d[k].name, mn, mx);
        T_CHECK(mn < -1.95 && mx > 2.95, "%s: [%g, %g] spans [-2, 3)", d[k].name, mn, mx);
    }
    release_all(t, 4);
}

TEST(inputs_uniform_int_range_inclusive)
{
    int64_t dims[] = {10000};
    struct input_decl d[4] = {decl("i32", IR_I32, 1, dims), decl("u8", IR_U8, 1, dims),
                              decl("i64", IR_I64, 1, dims), decl("u64", IR_U64, 1, dims)};
    /* [-3, 4] for all; uint8 and uint64 clamp it to [0, 4] */
    struct input_range r = {"", -3.0, 4.0};
    struct input_random_options opt = {.seed = 5, .ranges = &r, .n_ranges = 1};
    struct op_tensor t[4];
    if (!random_get(d, 4, 1, &opt, 0, t)) return;
    const int64_t lo[4] = {-3, 0, -3, 0};
    for (int k = 0; k < 4; k++) {
        int64_t mn = INT64_MAX, mx = INT64_MIN;
        int hits[8] = {0};
        for (uint64_t i = 0; i < t[k].numel; i++) {
            int64_t v = op_get_i64(&t[k], i);
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
            if (v >= -3 && v <= 4) hits[v + 3]++;
        }
        T_CHECK(mn == lo[k] && mx == 4, "%s: [%lld, %lld], want [%lld, 4] with both ends drawn",
                d[k].name, (long long)mn, (long long)mx, (long long)lo[k]);
        for (int64_t v = lo[k]; v <= 4; v++)
            T_CHECK(hits[v + 3] > 10000 / 8 / 2, "%s: value %lld drawn %d times", d[k].name,
                    (long long)v, hits[v + 3]);
    }
    release_all(t, 4);
    /* defaults: int32/int64 [0, 2) i.e. 0 and 1; bool false/true */
    struct input_decl d2[3] = {decl("i32", IR_I32, 1, dims), decl("i64", IR_I64, 1, dims),
                               decl("flag", IR_BOOL, 1, dims)};
    struct input_random_options def = {.seed = 5};
    if (!random_get(d2, 3, 1, &def, 0, t)) return;
    for (int k = 0; k < 3; k++) {
        int count[2] = {0, 0}, bad = 0;
        for (uint64_t i = 0; i < t[k].numel; i++) {
            int64_t v = op_get_i64(&t[k], i);
            if (v == 0 || v == 1)
                count[v]++;
            else
                bad++;
        }
        T_CHECK(!bad && count[0] > 4000 && count[1] > 4000,
                "%s default: %d zeros, %d ones, %d "
                "others",
                d2[k].name, count[0], count[1], bad);
    }
    release_all(t, 3);
}

TEST(inputs_normal_mean_and_std)
{
    int64_t dims[] = {100000};
    struct input_decl d[2] = {decl("x", IR_F32, 1, dims), decl("y", IR_F64, 1, dims)};
    struct input_range r = {"y", 2.0, 6.0}; /* mean 4, std 2 */
    struct input_random_options opt = {
        .seed = 3, .dist = INPUT_DIST_NORMAL, .ranges = &r, .n_ranges = 1};
    struct op_tensor t[2];
    if (!random_get(d, 2, 1, &opt, 0, t)) return;
    const double want_mean[2] = {0, 4}, want_std[2] = {1, 2};
    for (int k = 0; k < 2; k++) {
        double sum = 0, sum2 = 0;
        for (uint64_t i = 0; i < t[k].numel; i++) {
            double v = op_get_f64(&t[k], i);
            sum += v;
            sum2 += v * v;
        }
        double n = (double)t[k].numel, mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
        T_CHECK(fabs(mean - want_mean[k]) < 0.02 * want_std[k], "%s: mean %g, want %g", d[k].name,
                mean, want_mean[k]);
        T_CHECK(fabs(sd - want_std[k]) < 0.02 * want_std[k], "%s: std %g, want %g", d[k].name, sd,
                want_std[k]);
    }
    release_all(t, 2);
}

TEST(inputs_int8_covers_whole_range)
{
    int64_t dims[] = {1, 96, 96, 1};
    struct input_decl d = decl("img", IR_I8, 4, dims);
    struct input_random_options opt = {.seed = 0};
    struct op_tensor t;
    if (!random_get(&d, 1, 1, &opt, 0, &t)) return;
    int seen[256] = {0}, distinct = 0;
    for (uint64_t i = 0; i < t.numel; i++) {
        int v = ((int8_t *)t.data)[i];
        if (!seen[v + 128]++) distinct++;
    }
    T_CHECK(distinct == 256 && seen[0] && seen[255],
            "int8: %d of 256 values drawn (-128: %d, "
            "127: %d)",
            distinct, seen[0], seen[255]);
    op_tensor_release(&t);
}

TEST(inputs_int4_packed_whole_range)
{
    int64_t dims[] = {999}; /* odd: the last byte holds one element */
    struct input_decl d = decl("w", IR_I4, 1, dims);
    struct op_tensor t;
    if (!random_get(&d, 1, 1, NULL, 0, &t)) return;
    int seen[16] = {0}, distinct = 0;
    for (uint64_t i = 0; i < t.numel; i++) {
        uint8_t b = ((uint8_t *)t.data)[i / 2];
        int v = (i & 1) ? b >> 4 : b & 15;
        if (!seen[v]++) distinct++;
    }
    T_CHECK(t.nbytes == 500 && distinct == 16, "int4: %llu bytes, %d of 16 values",
            (unsigned long long)t.nbytes, distinct);
    T_CHECK((((uint8_t *)t.data)[499] >> 4) == 0, "the unused high nibble stays 0");
    op_tensor_release(&t);
}

TEST(inputs_named_range_applies_only_to_its_input)
{
    int64_t dims[] = {5000};
    struct input_decl d[2] = {decl("a", IR_F32, 1, dims), decl("b", IR_F32, 1, dims)};
    struct input_range r = {"b", 10.0, 20.0};
    struct input_random_options opt = {.seed = 9, .ranges = &r, .n_ranges = 1};
    struct op_tensor t[2];
    if (!random_get(d, 2, 1, &opt, 0, t)) return;
    double amax = 0, bmin = INFINITY;
    for (uint64_t i = 0; i < t[0].numel; i++) {
        amax = fmax(amax, ((float *)t[0].data)[i]);
        bmin = fmin(bmin, ((float *)t[1].data)[i]);
    }
    T_CHECK(amax < 1, "a keeps the default [0, 1): max %g", amax);
    T_CHECK(bmin >= 10, "b takes its range [10, 20): min %g", bmin);
    release_all(t, 2);
    /* the named range wins over one for all, whatever the order */
    struct input_range rs[2] = {{"b", 10.0, 20.0}, {NULL, -5.0, -4.0}};
    opt.ranges = rs;
    opt.n_ranges = 2;
    if (!random_get(d, 2, 1, &opt, 0, t)) return;
    T_CHECK(((float *)t[0].data)[0] < -4 && ((float *)t[1].data)[0] >= 10,
            "a from the range for all (%g), b from its own (%g)", ((float *)t[0].data)[0],
            ((float *)t[1].data)[0]);
    release_all(t, 2);
}

TEST(inputs_unknown_range_name_is_usage)
{
    int64_t dims[] = {3};
    struct input_decl d[2] = {decl("a", IR_F32, 1, dims), decl("b", IR_F32, 1, dims)};
    struct input_range r = {"x", 0.0, 1.0};
    struct input_random_options opt = {.seed = 0, .ranges = &r, .n_ranges = 1};
    struct input_source *s = NULL;
    struct fy_error err = {0};
    fy_status st = input_source_random(d, 2, 1, &opt, &s, &err);
    T_CHECK(st == FY_EUSAGE && !s, "status %d", st);
    T_CHECK(strstr(err.message, "--range names 'x', which is not an input of the model") &&
                strstr(err.message, "inputs: a, b"),
            "message: %s", err.message);
    input_source_free(s);
}

TEST(inputs_string_input_refused)
{
    int64_t dims[] = {2};
    struct input_decl d = decl("text", IR_STRING, 1, dims);
    struct input_source *s = NULL;
    struct fy_error err = {0};
    fy_status st = input_source_random(&d, 1, 1, NULL, &s, &err);
    T_CHECK(st == FY_EUNSUPPORTED && !s, "status %d", st);
    T_CHECK(strstr(err.message, "'text'") && strstr(err.message, "string") &&
                strstr(err.message, "--inputs"),
            "message: %s", err.message);
    input_source_free(s);
}

TEST(inputs_random_describe)
{
    int64_t dims[] = {1};
    struct input_decl d = decl("a", IR_U16, 1, dims);
    struct input_random_options opt = {.seed = 12};
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (!T_CHECK(input_source_random(&d, 1, 4, &opt, &s, &err) == FY_OK, "%s", err.message)) return;
    T_CHECK(input_source_count(s) == 4, "count %d", input_source_count(s));
    T_CHECK(!strcmp(input_source_describe(s, 3), "random set 3 (seed 12)"), "describe: %s",
            input_source_describe(s, 3));
    input_source_free(s);
}

/* ---- sets from files ---- */

/* Reads every set and checks tensor k of set i starts at base(i, k). */
static void check_sets(struct input_source *s, const struct input_decl *d, int n_decls, int n_sets,
                       const double *first_values)
{
    T_CHECK(input_source_count(s) == n_sets, "count %d, want %d", input_source_count(s), n_sets);
    for (int i = 0; i < input_source_count(s) && i < n_sets; i++) {
        struct op_tensor t[4];
        struct fy_error err = {0};
        if (!T_CHECK(input_source_get(s, i, t, &err) == FY_OK, "set %d: %s", i, err.message))
            continue;
        for (int k = 0; k < n_decls; k++) {
            T_CHECK(t[k].dtype == d[k].dtype && t[k].rank == d[k].rank, "set %d tensor %d type", i,
                    k);
            double want = first_values[i * n_decls + k];
            T_CHECK(op_get_f64(&t[k], 0) == want, "set %d (%s) tensor %s: first value %g, want %g",
                    i, input_source_describe(s, i), d[k].name, op_get_f64(&t[k], 0), want);
        }
        release_all(t, n_decls);
    }
}

TEST(inputs_subfolder_layout)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t da[] = {2, 3}, db[] = {4};
    /* names needing the file-name spelling: "in:0" is in_0.npy */
    struct input_decl d[2] = {decl("in:0", IR_F32, 2, da), decl("ids", IR_I64, 1, db)};
    const char *sets[] = {"10", "2", "0"}; /* numeric order: 0, 2, 10 */
    for (int i = 0; i < 3; i++) {
        make_dir(dir, sets[i]);
        char rel[64];
        int n = atoi(sets[i]);
        snprintf(rel, sizeof rel, "%s/in_0.npy", sets[i]);
        write_npy(path_in(dir, rel), IR_F32, 2, da, 100.0 * n);
        snprintf(rel, sizeof rel, "%s/ids.npy", sets[i]);
        write_npy(path_in(dir, rel), IR_I64, 1, db, 100.0 * n + 50);
    }
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (T_CHECK(input_source_files(dir, "input", d, 2, 0, &s, &err) == FY_OK, "%s", err.message)) {
        const double first[] = {0, 50, 200, 250, 1000, 1050};
        check_sets(s, d, 2, 3, first);
        char want[600];
        snprintf(want, sizeof want, "%s/10/", dir);
        T_CHECK(!strcmp(input_source_describe(s, 2), want), "describe: %s",
                input_source_describe(s, 2));
    }
    input_source_free(s);
    /* max_sets keeps the first ones */
    s = NULL;
    if (T_CHECK(input_source_files(dir, "input", d, 2, 2, &s, &err) == FY_OK, "%s", err.message))
        T_CHECK(input_source_count(s) == 2, "max_sets 2: %d sets", input_source_count(s));
    input_source_free(s);
    /* a subfolder that is not a number: all are then taken by name */
    make_dir(dir, "b");
    s = NULL;
    if (T_CHECK(input_source_files(dir, "input", d, 2, 0, &s, &err) == FY_OK, "%s", err.message)) {
        char want[600];
        snprintf(want, sizeof want, "%s/2/", dir); /* "0" < "10" < "2" < "b" */
        T_CHECK(input_source_count(s) == 4 && !strcmp(input_source_describe(s, 2), want),
                "by name: %d sets, set 2 is %s", input_source_count(s),
                input_source_describe(s, 2));
    }
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_prefix_layout)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t dims[] = {1, 4};
    struct input_decl d = decl("logits", IR_F32, 2, dims);
    const int idx[] = {0, 1, 2, 10, 11};
    for (int i = 0; i < 5; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "output_%d.npy", idx[i]);
        write_npy(path_in(dir, rel), IR_F32, 2, dims, idx[i]);
    }
    /* what is not a set: the model, another prefix, a folder of other references */
    FILE *f = fopen(path_in(dir, "model.onnx"), "wb");
    if (f) fclose(f);
    write_npy(path_in(dir, "input_0.npy"), IR_F32, 2, dims, -1);
    make_dir(dir, "ref_other");
    write_npy(path_in(dir, "ref_other/output_0.npy"), IR_F32, 2, dims, -2);
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (T_CHECK(input_source_files(dir, "output", &d, 1, 0, &s, &err) == FY_OK, "%s",
                err.message)) {
        const double first[] = {0, 1, 2, 10, 11}; /* numeric order: 2 before 10 */
        check_sets(s, &d, 1, 5, first);
        char want[600];
        snprintf(want, sizeof want, "%s/output_10.npy", dir);
        T_CHECK(!strcmp(input_source_describe(s, 3), want), "describe: %s",
                input_source_describe(s, 3));
    }
    input_source_free(s);
    /* the same folder for a two-input model: the files hold one tensor each */
    struct input_decl two[2] = {decl("a", IR_F32, 2, dims), decl("b", IR_F32, 2, dims)};
    s = NULL;
    memset(&err, 0, sizeof err);
    fy_status st = input_source_files(dir, "output", two, 2, 0, &s, &err);
    if (T_CHECK(st == FY_OK && input_source_count(s) == 1, "two tensors: %s", err.message)) {
        /* then ref_other/ is the one set folder; reading it names what is missing */
        struct op_tensor t[2];
        st = input_source_get(s, 0, t, &err);
        T_CHECK(st != FY_OK && strstr(err.message, "'a'"), "set without a.npy: %s", err.message);
    }
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_prefix_only_for_one_tensor)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t dims[] = {3};
    write_npy(path_in(dir, "input_0.npy"), IR_F32, 1, dims, 0);
    struct input_decl two[2] = {decl("a", IR_F32, 1, dims), decl("b", IR_F32, 1, dims)};
    struct input_source *s = NULL;
    struct fy_error err = {0};
    fy_status st = input_source_files(dir, "input", two, 2, 0, &s, &err);
    T_CHECK(st == FY_EINVALID && !s, "status %d", st);
    T_CHECK(strstr(err.message, "input_<i>.npy") && strstr(err.message, "2 inputs (a, b)"),
            "message: %s", err.message);
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_npz_layout)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t da[] = {2, 2}, db[] = {3};
    struct input_decl d[2] = {decl("x", IR_F32, 2, da), decl("mask/0", IR_BOOL, 1, db)};
    const char *files[] = {"b.npz", "a.npz", "c.npz"}; /* sets by name: a, b, c */
    const double base[] = {20, 10, 30};
    for (int i = 0; i < 3; i++) {
        struct op_tensor ts[2] = {ramp(IR_F32, 2, da, base[i]), ramp(IR_BOOL, 1, db, i != 1)};
        /* one file keys the tensor by name, the others by its file-name spelling */
        const char *keys[2] = {"x", i == 0 ? "mask/0" : "mask_0"};
        write_npz(path_in(dir, files[i]), keys, ts, 2);
        release_all(ts, 2);
    }
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (T_CHECK(input_source_files(dir, "input", d, 2, 0, &s, &err) == FY_OK, "%s", err.message)) {
        const double first[] = {10, 0, 20, 1, 30, 1};
        check_sets(s, d, 2, 3, first);
    }
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_single_file)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t dims[] = {4};
    struct input_decl d[2] = {decl("p", IR_F64, 1, dims), decl("q", IR_I32, 1, dims)};
    write_npy(path_in(dir, "one.npy"), IR_F64, 1, dims, 7);
    struct op_tensor ts[2] = {ramp(IR_F64, 1, dims, 1), ramp(IR_I32, 1, dims, 2)};
    const char *keys[2] = {"q", "p"};
    write_npz(path_in(dir, "set.npz"), keys, (struct op_tensor[]){ts[1], ts[0]}, 2);
    release_all(ts, 2);
    struct input_source *s = NULL;
    struct fy_error err = {0};
    const char *npy = path_in(dir, "one.npy");
    if (T_CHECK(input_source_files(npy, "input", d, 1, 0, &s, &err) == FY_OK, "%s", err.message)) {
        const double first[] = {7};
        check_sets(s, d, 1, 1, first);
        T_CHECK(!strcmp(input_source_describe(s, 0), npy), "describe %s",
                input_source_describe(s, 0));
    }
    input_source_free(s);
    s = NULL;
    if (T_CHECK(input_source_files(path_in(dir, "set.npz"), "input", d, 2, 0, &s, &err) == FY_OK,
                "%s", err.message)) {
        const double first[] = {1, 2};
        check_sets(s, d, 2, 1, first);
    }
    input_source_free(s);
    /* a file that is neither */
    FILE *f = fopen(path_in(dir, "model.onnx"), "wb");
    if (f) {
        fputs("not a tensor file", f);
        fclose(f);
    }
    s = NULL;
    memset(&err, 0, sizeof err);
    T_CHECK(input_source_files(path_in(dir, "model.onnx"), "input", d, 1, 0, &s, &err) ==
                    FY_EFORMAT &&
                !s && strstr(err.message, "neither"),
            "not .npy/.npz: %s", err.message);
    /* one .npy for two inputs is refused */
    s = NULL;
    T_CHECK(input_source_files(npy, "input", d, 2, 0, &s, &err) == FY_EUSAGE && !s,
            "a .npy for two inputs");
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_missing_file_names_tensor)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t dims[] = {2};
    struct input_decl d[2] = {decl("image", IR_F32, 1, dims), decl("scale:0", IR_F32, 1, dims)};
    make_dir(dir, "0");
    write_npy(path_in(dir, "0/image.npy"), IR_F32, 1, dims, 0);
    write_npy(path_in(dir, "0/scale.npy"), IR_F32, 1, dims, 0); /* misspelt */
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (T_CHECK(input_source_files(dir, "input", d, 2, 0, &s, &err) == FY_OK, "%s", err.message)) {
        struct op_tensor t[2];
        fy_status st = input_source_get(s, 0, t, &err);
        char msg[2048];
        fy_error_format(&err, msg, sizeof msg);
        T_CHECK(st == FY_EINVALID, "status %d", st);
        T_CHECK(strstr(msg, "'scale:0'") && strstr(msg, "scale_0.npy") &&
                    strstr(msg, "scale.npy") && strstr(msg, "/0/"),
                "message names the set, the tensor and the file looked for: %s", msg);
        T_CHECK(t[0].data == NULL && t[1].data == NULL, "nothing handed out on failure");
    }
    input_source_free(s);
    /* an .npz without the key lists the keys it has */
    tmp_cleanup(dir);
    dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    struct op_tensor one = ramp(IR_F32, 1, dims, 0);
    const char *keys[1] = {"img"};
    write_npz(path_in(dir, "s.npz"), keys, &one, 1);
    op_tensor_release(&one);
    s = NULL;
    memset(&err, 0, sizeof err);
    if (T_CHECK(input_source_files(dir, "input", d, 1, 0, &s, &err) == FY_OK, "%s", err.message)) {
        struct op_tensor t[1];
        fy_status st = input_source_get(s, 0, t, &err);
        T_CHECK(st == FY_EINVALID && strstr(err.message, "'image'") && strstr(err.message, "img") &&
                    strstr(err.file, "s.npz"),
                "npz: %s: %s", err.file, err.message);
    }
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_wrong_shape_error)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t want[] = {1, 3, 8, 8}, have[] = {1, 3, 8, 9};
    write_npy(path_in(dir, "input_0.npy"), IR_F32, 4, have, 0);
    write_npy(path_in(dir, "input_1.npy"), IR_F64, 4, want, 0);
    struct input_decl d = decl("x", IR_F32, 4, want);
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (T_CHECK(input_source_files(dir, "input", &d, 1, 0, &s, &err) == FY_OK, "%s", err.message)) {
        struct op_tensor t;
        fy_status st = input_source_get(s, 0, &t, &err);
        T_CHECK(st == FY_EINVALID && strstr(err.message, "'x'") &&
                    strstr(err.message, "[1,3,8,9]") && strstr(err.message, "[1,3,8,8]") &&
                    strstr(err.file, "input_0.npy"),
                "shape: %s: %s", err.file, err.message);
        memset(&err, 0, sizeof err);
        st = input_source_get(s, 1, &t, &err);
        T_CHECK(st == FY_EINVALID && strstr(err.message, "float64") &&
                    strstr(err.message, "float32"),
                "dtype: %s", err.message);
    }
    input_source_free(s);
    /* a dim < 0 in the decl accepts any size */
    d.dims[3] = -1;
    s = NULL;
    memset(&err, 0, sizeof err);
    if (T_CHECK(input_source_files(dir, "input", &d, 1, 1, &s, &err) == FY_OK, "%s", err.message)) {
        struct op_tensor t;
        if (T_CHECK(input_source_get(s, 0, &t, &err) == FY_OK, "any size: %s", err.message))
            op_tensor_release(&t);
    }
    input_source_free(s);
    tmp_cleanup(dir);
}

TEST(inputs_empty_folder_error)
{
    const char *dir = tmp_dir();
    if (!T_CHECK(dir != NULL, "mkdtemp")) return;
    int64_t dims[] = {2};
    struct input_decl d = decl("x", IR_F32, 1, dims);
    struct input_source *s = NULL;
    struct fy_error err = {0};
    fy_status st = input_source_files(dir, "input", &d, 1, 0, &s, &err);
    T_CHECK(st == FY_EINVALID && !s && strstr(err.message, "<i>/<name>.npy") &&
                strstr(err.message, "input_<i>.npy") && strstr(err.message, ".npz") &&
                strstr(err.message, "empty"),
            "empty: %s", err.message);
    FILE *f = fopen(path_in(dir, "notes.txt"), "wb");
    if (f) fclose(f);
    memset(&err, 0, sizeof err);
    st = input_source_files(dir, "input", &d, 1, 0, &s, &err);
    T_CHECK(st == FY_EINVALID && strstr(err.message, "notes.txt"), "other files: %s", err.message);
    memset(&err, 0, sizeof err);
    st = input_source_files(path_in(dir, "absent"), "input", &d, 1, 0, &s, &err);
    T_CHECK(st == FY_EIO && strstr(err.file, "absent"), "absent: %s: %s", err.file, err.message);
    tmp_cleanup(dir);
}

TEST(inputs_shared_torch_folders)
{
    const char *in_dir = t_shared_path("models/torch/inputs_1x3x224x224");
    const char *out_dir = t_shared_path("models/torch/resnet18_op13");
    if (!in_dir || !out_dir) return; /* ../shared absent: skip */
    int64_t in_dims[] = {1, 3, 224, 224}, out_dims[] = {1, 1000};
    struct input_decl in = decl("input", IR_F32, 4, in_dims);
    struct input_decl outd = decl("output", IR_F32, 2, out_dims);
    struct input_source *s = NULL;
    struct fy_error err = {0};
    if (T_CHECK(input_source_files(in_dir, "input", &in, 1, 0, &s, &err) == FY_OK, "%s",
                err.message)) {
        T_CHECK(input_source_count(s) == 10, "inputs: %d sets", input_source_count(s));
        struct op_tensor t;
        if (T_CHECK(input_source_get(s, 0, &t, &err) == FY_OK, "%s", err.message)) {
            /* /usr/bin/python3 -c "import numpy; print(numpy.load('.../inputs_1x3x224x224/
             * input_0.npy').flat[0].item())" prints -0.3213302195072174 */
            T_CHECK(((float *)t.data)[0] == (float)-0.3213302195072174, "input_0[0] = %.9g",
                    ((float *)t.data)[0]);
            op_tensor_release(&t);
        }
        if (T_CHECK(input_source_get(s, 9, &t, &err) == FY_OK, "%s", err.message)) {
            /* numpy: input_9.npy .flat[0] is 0.4029847 (float32 repr) */
            T_CHECK(((float *)t.data)[0] == 0.4029847f, "input_9[0] = %.9g", ((float *)t.data)[0]);
            op_tensor_release(&t);
        }
    }
    input_source_free(s);
    s = NULL;
    if (T_CHECK(input_source_files(out_dir, "output", &outd, 1, 0, &s, &err) == FY_OK, "%s",
                err.message)) {
        T_CHECK(input_source_count(s) == 10, "outputs: %d sets", input_source_count(s));
        struct op_tensor t;
        if (T_CHECK(input_source_get(s, 0, &t, &err) == FY_OK, "%s", err.message)) {
            /* numpy: resnet18_op13/output_0.npy .flat[0].item() is 0.24844607710838318 */
            T_CHECK(((float *)t.data)[0] == (float)0.24844607710838318, "output_0[0] = %.9g",
                    ((float *)t.data)[0]);
            op_tensor_release(&t);
        }
    }
    input_source_free(s);
}
