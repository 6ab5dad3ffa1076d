/* Input sets for validate: seeded random tensors, and sets read from .npy/.npz
 * files in the folder layouts of inputs.h. */
#include "validate/inputs.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/half.h"
#include "formats/npy/npy.h"
#include "validate/tensor_io.h"

enum src_kind { SRC_RANDOM = 0, SRC_SUBDIRS, SRC_NPY, SRC_NPZ };

/* How the values of one declared tensor are drawn. */
struct gen {
    bool is_float;
    bool normal;      /* floats: N(mean, std) instead of uniform [lo, hi) */
    double lo, hi;    /* floats, uniform */
    double mean, std; /* floats, normal */
    uint64_t ilo;     /* integers: the low bound's two's-complement bits */
    uint64_t span;    /* integers: hi - lo (values are ilo + [0, span]) */
};

struct input_source {
    enum src_kind kind;
    const struct input_decl *decls;
    int n_decls;
    int n_sets;
    const char *noun; /* "input" or "output", for messages */
    /* files: where set i comes from (a folder ending in '/', or a file) */
    char **paths;
    /* random */
    uint64_t seed;
    struct gen *gens;
    char desc[96];
};

/* ---- random numbers: PCG32 (O'Neill, pcg-random.org, XSH-RR 64/32) ---- */

struct rng {
    uint64_t state, inc;
    bool has_spare;
    double spare;
};

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint32_t rng_next(struct rng *r)
{
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ull + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

/* The stream of tensor k in set i: a function of (seed, i, k) only. */
static void rng_seed(struct rng *r, uint64_t seed, int set, int tensor)
{
    uint64_t h = splitmix64(seed);
    h = splitmix64(h ^ (uint64_t)(uint32_t)set);
    h = splitmix64(h ^ ((uint64_t)(uint32_t)tensor << 32));
    uint64_t seq = splitmix64(h ^ 0x5851f42d4c957f2dull);
    r->state = 0;
    r->inc = (seq << 1) | 1u;
    r->has_spare = false;
    rng_next(r);
    r->state += h;
    rng_next(r);
}

static uint64_t rng_next64(struct rng *r)
{
    uint64_t hi = rng_next(r);
    return (hi << 32) | rng_next(r);
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_unit(struct rng *r)
{
    return (double)(rng_next64(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, span], without modulo bias (rejection). */
static uint64_t rng_below_or_eq(struct rng *r, uint64_t span)
{
    if (span == UINT64_MAX) return rng_next64(r);
    uint64_t n = span + 1;
    if (n <= UINT32_MAX) {
        uint32_t n32 = (uint32_t)n;
        uint32_t threshold = (uint32_t)(0u - n32) % n32;
        for (;;) {
            uint32_t x = rng_next(r);
            if (x >= threshold) return x % n32;
        }
    }
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = rng_next64(r);
        if (x >= threshold) return x % n;
    }
}

/* Standard normal by Box-Muller (both values of a pair are used). */
static double rng_normal(struct rng *r)
{
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    double u1 = 1.0 - rng_unit(r); /* (0, 1]: log is finite */
    double u2 = rng_unit(r);
    double rad = sqrt(-2.0 * log(u1));
    double a = 2.0 * 3.14159265358979323846 * u2;
    r->spare = rad * sin(a);
    r->has_spare = true;
    return rad * cos(a);
}

/* ---- helpers ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* dir + ('/' unless dir ends with one) + name + suffix, malloc'd. */
static char *join(const char *dir, const char *name, const char *suffix)
{
    size_t a = strlen(dir), b = strlen(name), c = strlen(suffix);
    bool slash = a && dir[a - 1] != '/';
    char *p = malloc(a + slash + b + c + 1);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a] = '/';
    memcpy(p + a + slash, name, b);
    memcpy(p + a + slash + b, suffix, c + 1);
    return p;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static bool all_digits(const char *s, size_t n)
{
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* Compares two digit strings by value (any length), then by spelling. */
static int cmp_numeric(const char *a, size_t na, const char *b, size_t nb)
{
    const char *a0 = a, *b0 = b;
    size_t na0 = na, nb0 = nb;
    while (na > 1 && *a == '0')
        a++, na--;
    while (nb > 1 && *b == '0')
        b++, nb--;
    if (na != nb) return na < nb ? -1 : 1;
    int c = memcmp(a, b, na);
    if (c) return c;
    size_t m = na0 < nb0 ? na0 : nb0;
    c = memcmp(a0, b0, m);
    return c ? c : (na0 < nb0 ? -1 : na0 > nb0);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int cmp_num_str(const void *x, const void *y)
{
    const char *a = *(char *const *)x, *b = *(char *const *)y;
    return cmp_numeric(a, strlen(a), b, strlen(b));
}

/* "[1,3,?,224]": dims < 0 (any size) as '?' */
static void shape_str(int rank, const int64_t *dims, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < rank && k + 24 < cap; d++) {
        if (dims[d] < 0)
            k += (size_t)snprintf(buf + k, cap - k, "%s?", d ? "," : "");
        else
            k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)dims[d]);
    }
    if (k + 2 <= cap) snprintf(buf + k, cap - k, "]");
}

/* A growable list of malloc'd strings. */
struct strvec {
    char **v;
    int n, cap;
};

static bool strvec_push(struct strvec *s, const char *str)
{
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, sizeof *v * (size_t)cap);
        if (!v) return false;
        s->v = v;
        s->cap = cap;
    }
    char *d = dup_str(str);
    if (!d) return false;
    s->v[s->n++] = d;
    return true;
}

static void strvec_free(struct strvec *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* "a, b, c" (the first few, then "... (N in all)") */
static void name_list(char *const *names, int n, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < n && k < cap; i++) {
        if (i == 8) {
            snprintf(buf + k, cap - k, ", ... (%d in all)", n);
            return;
        }
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", names[i]);
    }
}

static void decl_names(const struct input_decl *decls, int n, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < n && k < cap; i++) {
        if (i == 8) {
            snprintf(buf + k, cap - k, ", ... (%d in all)", n);
            return;
        }
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", decls[i].name);
    }
}

static struct input_source *source_new(enum src_kind kind, const struct input_decl *decls,
                                       int n_decls, const char *noun)
{
    struct input_source *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->kind = kind;
    s->decls = decls;
    s->n_decls = n_decls;
    s->noun = noun && !strcmp(noun, "output") ? "output" : "input";
    return s;
}

void input_source_free(struct input_source *s)
{
    if (!s) return;
    if (s->paths)
        for (int i = 0; i < s->n_sets; i++)
            free(s->paths[i]);
    free(s->paths);
    free(s->gens);
    free(s);
}

int input_source_count(const struct input_source *s)
{
    return s ? s->n_sets : 0;
}

const char *input_source_describe(struct input_source *s, int i)
{
    if (!s) return "";
    if (i < 0 || i >= s->n_sets) {
        snprintf(s->desc, sizeof s->desc, "set %d (there are %d)", i, s->n_sets);
        return s->desc;
    }
    if (s->kind == SRC_RANDOM) {
        snprintf(s->desc, sizeof s->desc, "random set %d (seed %llu)", i,
                 (unsigned long long)s->seed);
        return s->desc;
    }
    return s->paths[i];
}

/* ---- random sets ---- */

static bool dtype_is_int(enum ir_dtype t)
{
    switch (t) {
    case IR_I8:
    case IR_U8:
    case IR_I16:
    case IR_U16:
    case IR_I32:
    case IR_U32:
    case IR_I64:
    case IR_U64:
    case IR_BOOL:
    case IR_I4:
    case IR_U4:
        return true;
    default:
        return false;
    }
}

static bool dtype_is_float(enum ir_dtype t)
{
    return t == IR_F32 || t == IR_F16 || t == IR_BF16 || t == IR_F64;
}

/* The dtype's whole range as [mn, mx] (signed types) or [0, umx]. */
static void int_limits(enum ir_dtype t, int64_t *mn, int64_t *mx, uint64_t *umx)
{
    *mn = 0;
    *mx = 0;
    *umx = 0;
    switch (t) {
    case IR_I4:
        *mn = -8;
        *mx = 7;
        break;
    case IR_I8:
        *mn = INT8_MIN;
        *mx = INT8_MAX;
        break;
    case IR_I16:
        *mn = INT16_MIN;
        *mx = INT16_MAX;
        break;
    case IR_I32:
        *mn = INT32_MIN;
        *mx = INT32_MAX;
        break;
    case IR_I64:
        *mn = INT64_MIN;
        *mx = INT64_MAX;
        break;
    case IR_U4:
        *umx = 15;
        break;
    case IR_U8:
        *umx = UINT8_MAX;
        break;
    case IR_U16:
        *umx = UINT16_MAX;
        break;
    case IR_U32:
        *umx = UINT32_MAX;
        break;
    case IR_U64:
        *umx = UINT64_MAX;
        break;
    case IR_BOOL:
        *umx = 1;
        break;
    default:
        break;
    }
}

/* Sets g for an integer dtype from [lo, hi] (inclusive, clamped to the
 * dtype). False when no value of the dtype lies in it. */
static bool int_gen(enum ir_dtype t, bool has_range, double lo, double hi, struct gen *g)
{
    int64_t mn, mx;
    uint64_t umx;
    int_limits(t, &mn, &mx, &umx);
    bool is_signed = ir_dtype_table[t].is_signed_int;
    if (!has_range) {
        /* whole range for 4-, 8- and 16-bit types; [0, 1] for the wide ones */
        bool narrow = t == IR_I4 || t == IR_U4 || t == IR_I8 || t == IR_U8 || t == IR_I16 ||
                      t == IR_U16 || t == IR_BOOL;
        if (narrow) {
            g->ilo = is_signed ? (uint64_t)mn : 0;
            g->span = is_signed ? (uint64_t)mx - (uint64_t)mn : umx;
        } else {
            g->ilo = 0;
            g->span = 1;
        }
        return true;
    }
    double clo = ceil(lo), chi = floor(hi);
    if (clo > chi) return false;
    if (is_signed) {
        double dmn = (double)mn, dmx = (double)mx; /* (double)INT64_MAX is 2^63 */
        if (chi < dmn || clo > dmx) return false;
        int64_t a = clo <= dmn ? mn : (clo >= dmx ? mx : (int64_t)clo);
        int64_t b = chi <= dmn ? mn : (chi >= dmx ? mx : (int64_t)chi);
        g->ilo = (uint64_t)a;
        g->span = (uint64_t)b - (uint64_t)a;
    } else {
        double dmx = (double)umx;
        if (chi < 0 || clo > dmx) return false;
        uint64_t a = clo <= 0 ? 0 : (clo >= dmx ? umx : (uint64_t)clo);
        uint64_t b = chi <= 0 ? 0 : (chi >= dmx ? umx : (uint64_t)chi);
        g->ilo = a;
        g->span = b - a;
    }
    return true;
}

fy_status input_source_random(const struct input_decl *decls, int n_decls, int n_sets,
                              const struct input_random_options *opt, struct input_source **out,
                              struct fy_error *err)
{
    *out = NULL;
    static const struct input_random_options defaults = {0};
    if (!opt) opt = &defaults;
    if (n_sets < 0 || n_decls < 0)
        return err_fmt(err, FY_EUSAGE, "%d random sets of %d inputs asked for", n_sets, n_decls);
    /* every range must name an input and be a real interval */
    for (int r = 0; r < opt->n_ranges; r++) {
        const struct input_range *rg = &opt->ranges[r];
        const char *who = rg->name && rg->name[0] ? rg->name : NULL;
        if (who) {
            int k = 0;
            while (k < n_decls && strcmp(decls[k].name, who))
                k++;
            if (k == n_decls) {
                char names[512];
                decl_names(decls, n_decls, names, sizeof names);
                return err_fmt(err, FY_EUSAGE,
                               "--range names '%s', which is not an input of the model; "
                               "inputs: %s",
                               who, n_decls ? names : "(none)");
            }
        }
        if (!isfinite(rg->lo) || !isfinite(rg->hi) || rg->lo > rg->hi || !isfinite(rg->hi - rg->lo))
            return err_fmt(err, FY_EUSAGE,
                           "--range %s%s%g..%g is not a range: it needs finite LO <= HI",
                           who ? who : "", who ? "=" : "", rg->lo, rg->hi);
    }
    struct input_source *s = source_new(SRC_RANDOM, decls, n_decls, "input");
    if (!s) return err_fmt(err, FY_ENOMEM, "out of memory");
    s->n_sets = n_sets;
    s->seed = opt->seed;
    s->gens = calloc(n_decls ? (size_t)n_decls : 1, sizeof *s->gens);
    if (!s->gens) {
        input_source_free(s);
        return err_fmt(err, FY_ENOMEM, "out of memory");
    }
    for (int k = 0; k < n_decls; k++) {
        const struct input_decl *d = &decls[k];
        struct gen *g = &s->gens[k];
        fy_status st = FY_OK;
        if (d->rank < 0 || d->rank > OP_MAX_RANK)
            st = err_fmt(err, FY_EUNSUPPORTED,
                         "input '%s' has rank %d; random inputs need a "
                         "known rank of at most %d",
                         d->name, d->rank, OP_MAX_RANK);
        for (int j = 0; !st && j < d->rank; j++)
            if (d->dims[j] < 0)
                st = err_fmt(err, FY_EUSAGE,
                             "input '%s' has no size for dim %d; give it with "
                             "--shape %s=DIMS",
                             d->name, j, d->name);
        if (st) {
            input_source_free(s);
            return st;
        }
        /* a range naming this input wins over one for all; the last one wins */
        const struct input_range *rg = NULL, *all = NULL;
        for (int r = 0; r < opt->n_ranges; r++) {
            const struct input_range *x = &opt->ranges[r];
            if (!x->name || !x->name[0])
                all = x;
            else if (!strcmp(x->name, d->name))
                rg = x;
        }
        if (!rg) rg = all;
        if (dtype_is_float(d->dtype)) {
            g->is_float = true;
            g->normal = opt->dist == INPUT_DIST_NORMAL;
            g->lo = rg ? rg->lo : 0.0;
            g->hi = rg ? rg->hi : 1.0;
            g->mean = rg ? (rg->lo + rg->hi) / 2 : 0.0;
            g->std = rg ? (rg->hi - rg->lo) / 2 : 1.0;
        } else if (dtype_is_int(d->dtype)) {
            if (!int_gen(d->dtype, rg != NULL, rg ? rg->lo : 0, rg ? rg->hi : 0, g)) {
                input_source_free(s);
                return err_fmt(err, FY_EUSAGE,
                               "--range %g..%g holds no %s value, the type of input '%s'", rg->lo,
                               rg->hi, ir_dtype_name(d->dtype), d->name);
            }
        } else {
            input_source_free(s);
            return err_fmt(err, FY_EUNSUPPORTED,
                           "input '%s' is %s; ferry draws random values only for float, integer "
                           "and bool inputs: give its values with --inputs",
                           d->name, ir_dtype_name(d->dtype));
        }
    }
    *out = s;
    return FY_OK;
}

/* Next 16-bit float (fp16 or bf16: sign-magnitude) towards -inf / +inf. */
static uint16_t h16_down(uint16_t h)
{
    if (h == 0x0000) return 0x8001;
    return (h & 0x8000) ? (uint16_t)(h + 1) : (uint16_t)(h - 1);
}

static uint16_t h16_up(uint16_t h)
{
    if (h == 0x0000 || h == 0x8000) return 0x0001;
    return (h & 0x8000) ? (uint16_t)(h - 1) : (uint16_t)(h + 1);
}

/* v rounded to a 16-bit float kept inside [lo, hi) when the format has a
 * value there (rounding to nearest can land on hi or just below lo). */
static uint16_t h16_in(double v, double lo, double hi, bool bf)
{
    uint16_t h = bf ? bf16_from_float((float)v) : half_from_float((float)v);
    for (int i = 0; i < 4; i++) {
        double f = bf ? bf16_to_float(h) : half_to_float(h);
        if (f >= hi)
            h = h16_down(h);
        else if (f < lo)
            h = h16_up(h);
        else
            break;
    }
    return h;
}

static float f32_in(double v, double lo, double hi)
{
    float f = (float)v;
    for (int i = 0; i < 4; i++) {
        if ((double)f >= hi)
            f = nextafterf(f, -INFINITY);
        else if ((double)f < lo)
            f = nextafterf(f, INFINITY);
        else
            break;
    }
    return f;
}

static void fill_float(const struct gen *g, struct rng *r, struct op_tensor *t)
{
    bool clamp = !g->normal && g->lo < g->hi; /* lo == hi: that one value */
    for (uint64_t e = 0; e < t->numel; e++) {
        double v =
            g->normal ? g->mean + g->std * rng_normal(r) : g->lo + (g->hi - g->lo) * rng_unit(r);
        if (clamp && v >= g->hi) v = nextafter(g->hi, -INFINITY);
        switch (t->dtype) {
        case IR_F64:
            ((double *)t->data)[e] = v;
            break;
        case IR_F32:
            ((float *)t->data)[e] = clamp ? f32_in(v, g->lo, g->hi) : (float)v;
            break;
        case IR_F16:
            ((uint16_t *)t->data)[e] =
                clamp ? h16_in(v, g->lo, g->hi, false) : half_from_float((float)v);
            break;
        case IR_BF16:
            ((uint16_t *)t->data)[e] =
                clamp ? h16_in(v, g->lo, g->hi, true) : bf16_from_float((float)v);
            break;
        default:
            break;
        }
    }
}

static void fill_int(const struct gen *g, struct rng *r, struct op_tensor *t)
{
    uint8_t *p = t->data;
    for (uint64_t e = 0; e < t->numel; e++) {
        uint64_t v = g->ilo + rng_below_or_eq(r, g->span); /* two's complement bits */
        switch (t->dtype) {
        case IR_I8:
        case IR_U8:
        case IR_BOOL:
            p[e] = (uint8_t)v;
            break;
        case IR_I16:
        case IR_U16:
            ((uint16_t *)t->data)[e] = (uint16_t)v;
            break;
        case IR_I32:
        case IR_U32:
            ((uint32_t *)t->data)[e] = (uint32_t)v;
            break;
        case IR_I64:
        case IR_U64:
            ((uint64_t *)t->data)[e] = v;
            break;
        case IR_I4:
        case IR_U4: /* two per byte, element 0 in the low nibble */
            p[e / 2] = (uint8_t)((e & 1) ? (p[e / 2] & 0x0F) | ((v & 0x0F) << 4)
                                         : (p[e / 2] & 0xF0) | (v & 0x0F));
            break;
        default:
            break;
        }
    }
}

static fy_status get_random(struct input_source *s, int i, struct op_tensor *out,
                            struct fy_error *err)
{
    for (int k = 0; k < s->n_decls; k++) {
        const struct input_decl *d = &s->decls[k];
        fy_status st = op_tensor_alloc(&out[k], d->dtype, d->rank, d->dims, err);
        if (st) return st;
        struct rng r;
        rng_seed(&r, s->seed, i, k);
        if (s->gens[k].is_float)
            fill_float(&s->gens[k], &r, &out[k]);
        else
            fill_int(&s->gens[k], &r, &out[k]);
    }
    return FY_OK;
}

/* ---- sets from files ---- */

/* "<prefix>_<digits>.npy": the digits, or NULL */
static const char *prefix_index(const char *name, const char *prefix, size_t *len)
{
    size_t p = strlen(prefix), n = strlen(name);
    if (n < p + 1 + 1 + 4 || strncmp(name, prefix, p) || name[p] != '_' || !ends_with(name, ".npy"))
        return NULL;
    const char *digits = name + p + 1;
    size_t k = n - p - 1 - 4;
    if (!all_digits(digits, k)) return NULL;
    *len = k;
    return digits;
}

/* Folder entries by kind. */
struct listing {
    struct strvec subdirs, prefixed, npz, other;
};

static void listing_free(struct listing *l)
{
    strvec_free(&l->subdirs);
    strvec_free(&l->prefixed);
    strvec_free(&l->npz);
    strvec_free(&l->other);
}

static fy_status list_folder(const char *path, const char *prefix, struct listing *l,
                             struct fy_error *err)
{
    DIR *dir = opendir(path);
    if (!dir) {
        err_set_file(err, path);
        return err_fmt(err, FY_EIO, "cannot list the folder: %s", strerror(errno));
    }
    fy_status st = FY_OK;
    struct dirent *de;
    while (!st && (de = readdir(dir)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.') continue; /* ".", "..", hidden files */
        char *full = join(path, name, "");
        if (!full) {
            st = err_fmt(err, FY_ENOMEM, "out of memory");
            break;
        }
        struct stat sb;
        bool is_dir = false, is_file = false;
        if (stat(full, &sb) == 0) {
            is_dir = S_ISDIR(sb.st_mode);
            is_file = S_ISREG(sb.st_mode);
        }
        free(full);
        size_t len;
        bool ok;
        if (is_dir)
            ok = strvec_push(&l->subdirs, name);
        else if (is_file && prefix_index(name, prefix, &len))
            ok = strvec_push(&l->prefixed, name);
        else if (is_file && ends_with(name, ".npz"))
            ok = strvec_push(&l->npz, name);
        else
            ok = strvec_push(&l->other, name);
        if (!ok) st = err_fmt(err, FY_ENOMEM, "out of memory");
    }
    closedir(dir);
    return st;
}

static int cmp_prefixed(const void *x, const void *y)
{
    const char *a = *(char *const *)x, *b = *(char *const *)y;
    /* both are "<prefix>_<digits>.npy" with the same prefix */
    const char *da = strrchr(a, '_') + 1, *db = strrchr(b, '_') + 1;
    int c = cmp_numeric(da, strlen(da) - 4, db, strlen(db) - 4);
    return c ? c : strcmp(a, b);
}

/* Takes the first n names of v as the sets' paths (dir/name + suffix). */
static fy_status take_paths(struct input_source *s, const char *dir, struct strvec *v,
                            const char *suffix, int max_sets, struct fy_error *err)
{
    int n = v->n;
    if (max_sets > 0 && n > max_sets) n = max_sets;
    s->paths = calloc(n ? (size_t)n : 1, sizeof *s->paths);
    if (!s->paths) return err_fmt(err, FY_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        s->paths[i] = join(dir, v->v[i], suffix);
        if (!s->paths[i]) {
            s->n_sets = i;
            return err_fmt(err, FY_ENOMEM, "out of memory");
        }
    }
    s->n_sets = n;
    return FY_OK;
}

static fy_status open_folder(struct input_source *s, const char *path, const char *prefix,
                             int max_sets, struct fy_error *err)
{
    struct listing l;
    memset(&l, 0, sizeof l);
    fy_status st = list_folder(path, prefix, &l, err);
    if (st) {
        listing_free(&l);
        return st;
    }
    const char *noun = s->noun;
    if (s->n_decls == 1 && l.prefixed.n) {
        /* the one-tensor layout; other entries (model.onnx, meta.json, a
         * folder of other references) are not sets */
        qsort(l.prefixed.v, (size_t)l.prefixed.n, sizeof *l.prefixed.v, cmp_prefixed);
        s->kind = SRC_NPY;
        st = take_paths(s, path, &l.prefixed, "", max_sets, err);
    } else if (l.subdirs.n && l.npz.n) {
        err_set_file(err, path);
        st = err_fmt(err, FY_EINVALID,
                     "holds both subfolders (%s, ...) and .npz files (%s, ...), so the input "
                     "sets are ambiguous; keep one layout: DIR/<i>/<name>.npy or DIR/*.npz",
                     l.subdirs.v[0], l.npz.v[0]);
    } else if (l.subdirs.n) {
        bool numeric = true;
        for (int i = 0; i < l.subdirs.n && numeric; i++)
            numeric = all_digits(l.subdirs.v[i], strlen(l.subdirs.v[i]));
        qsort(l.subdirs.v, (size_t)l.subdirs.n, sizeof *l.subdirs.v,
              numeric ? cmp_num_str : cmp_str);
        s->kind = SRC_SUBDIRS;
        st = take_paths(s, path, &l.subdirs, "/", max_sets, err);
    } else if (l.npz.n) {
        qsort(l.npz.v, (size_t)l.npz.n, sizeof *l.npz.v, cmp_str);
        s->kind = SRC_NPZ;
        st = take_paths(s, path, &l.npz, "", max_sets, err);
    } else if (l.prefixed.n) {
        char names[512];
        decl_names(s->decls, s->n_decls, names, sizeof names);
        err_set_file(err, path);
        st = err_fmt(err, FY_EINVALID,
                     "holds %s_<i>.npy files, one tensor each, but the model has %d %ss (%s); "
                     "use subfolders DIR/<i>/<name>.npy or .npz files with one key per %s",
                     prefix, s->n_decls, noun, s->n_decls ? names : "none", noun);
    } else {
        char found[512];
        if (l.other.n) {
            qsort(l.other.v, (size_t)l.other.n, sizeof *l.other.v, cmp_str);
            char names[400];
            name_list(l.other.v, l.other.n, names, sizeof names);
            snprintf(found, sizeof found, "it holds only %s", names);
        } else {
            snprintf(found, sizeof found, "the folder is empty");
        }
        err_set_file(err, path);
        st = err_fmt(err, FY_EINVALID,
                     "no %s sets found: looked for subfolders <i>/<name>.npy, files %s_<i>.npy "
                     "(for a model with one %s) and .npz files; %s",
                     noun, prefix, noun, found);
    }
    listing_free(&l);
    return st;
}

fy_status input_source_files(const char *path, const char *prefix, const struct input_decl *decls,
                             int n_decls, int max_sets, struct input_source **out,
                             struct fy_error *err)
{
    *out = NULL;
    if (!prefix || !prefix[0]) prefix = "input";
    struct input_source *s = source_new(SRC_NPY, decls, n_decls, prefix);
    if (!s) return err_fmt(err, FY_ENOMEM, "out of memory");
    struct stat sb;
    fy_status st = FY_OK;
    if (stat(path, &sb) != 0) {
        err_set_file(err, path);
        st = err_fmt(err, FY_EIO, "cannot open %s sets: %s", s->noun, strerror(errno));
    } else if (S_ISDIR(sb.st_mode)) {
        st = open_folder(s, path, prefix, max_sets, err);
    } else {
        /* one file, one set: .npz by name or by its ZIP signature, else .npy */
        bool npz = ends_with(path, ".npz"), npy = ends_with(path, ".npy");
        if (!npz && !npy) {
            uint8_t head[8] = {0};
            size_t got = 0;
            FILE *f = fopen(path, "rb");
            if (f) {
                got = fread(head, 1, sizeof head, f);
                fclose(f);
            }
            npz = npy_is_zip(head, got);
            npy = npy_is_npy(head, got);
        }
        if (!npz && !npy) {
            err_set_file(err, path);
            st = err_fmt(err, FY_EFORMAT,
                         "is neither a .npy nor a .npz file; %s sets come from a folder, an .npz "
                         "file or (for a model with one %s) a .npy file",
                         s->noun, s->noun);
        } else if (!npz && n_decls != 1) {
            char names[512];
            decl_names(decls, n_decls, names, sizeof names);
            err_set_file(err, path);
            st = err_fmt(err, FY_EUSAGE,
                         "a .npy file holds one tensor, but the model has %d %ss (%s); give a "
                         "folder of subfolders <i>/<name>.npy or an .npz file with one key per %s",
                         n_decls, s->noun, n_decls ? names : "none", s->noun);
        } else {
            s->kind = npz ? SRC_NPZ : SRC_NPY;
            s->paths = calloc(1, sizeof *s->paths);
            if (s->paths) s->paths[0] = dup_str(path);
            if (!s->paths || !s->paths[0])
                st = err_fmt(err, FY_ENOMEM, "out of memory");
            else
                s->n_sets = 1;
        }
    }
    if (st) {
        input_source_free(s);
        return st;
    }
    *out = s;
    return FY_OK;
}

/* The tensor read for decl d must have its dtype and shape. */
static fy_status check_tensor(const struct input_source *s, const struct input_decl *d,
                              const struct op_tensor *t, const char *file, struct fy_error *err)
{
    /* an undefined dtype or a rank < 0 accepts any (stored reference
     * outputs: a framework may keep them in another float type) */
    bool ok = (d->dtype == IR_UNDEFINED || t->dtype == d->dtype) && (d->rank < 0 || t->rank == d->rank);
    for (int j = 0; ok && j < d->rank; j++)
        if (d->dims[j] >= 0 && t->dims[j] != d->dims[j]) ok = false;
    if (ok) return FY_OK;
    char got[160], want[160];
    shape_str(t->rank, t->dims, got, sizeof got);
    shape_str(d->rank, d->dims, want, sizeof want);
    err_set_file(err, file);
    return err_fmt(err, FY_EINVALID, "%s '%s' is %s %s here; the model's is %s %s", s->noun,
                   d->name, ir_dtype_name(t->dtype), got, ir_dtype_name(d->dtype), want);
}

static fy_status get_subdir(struct input_source *s, int i, struct op_tensor *out,
                            struct fy_error *err)
{
    const char *dir = s->paths[i];
    for (int k = 0; k < s->n_decls; k++) {
        const struct input_decl *d = &s->decls[k];
        char stem[TENSOR_IO_NAME_MAX + 64];
        tensor_io_file_name(d->name, stem, sizeof stem);
        char *file = join(dir, stem, ".npy");
        if (!file) return err_fmt(err, FY_ENOMEM, "out of memory");
        struct stat sb;
        fy_status st;
        if (stat(file, &sb) != 0 && errno == ENOENT) {
            /* say what the folder does hold, for a misspelt name */
            struct strvec have;
            memset(&have, 0, sizeof have);
            DIR *dd = opendir(dir);
            struct dirent *de;
            while (dd && (de = readdir(dd)) != NULL)
                if (de->d_name[0] != '.' && !strvec_push(&have, de->d_name)) break;
            if (dd) closedir(dd);
            char names[400] = "nothing";
            if (have.n) {
                qsort(have.v, (size_t)have.n, sizeof *have.v, cmp_str);
                name_list(have.v, have.n, names, sizeof names);
            }
            strvec_free(&have);
            err_set_file(err, dir);
            st = err_fmt(err, FY_EINVALID,
                         "no file for %s '%s': looked for %s.npy; the folder "
                         "holds %s",
                         s->noun, d->name, stem, names);
        } else {
            st = npy_read_file(file, &out[k], err);
            if (!st) st = check_tensor(s, d, &out[k], file, err);
        }
        free(file);
        if (st) return st;
    }
    return FY_OK;
}

static fy_status get_npy(struct input_source *s, int i, struct op_tensor *out, struct fy_error *err)
{
    /* the one-tensor layouts (checked when the source was made) */
    if (s->n_decls != 1)
        return err_fmt(err, FY_EINTERNAL, "a .npy set for %d %ss", s->n_decls, s->noun);
    fy_status st = npy_read_file(s->paths[i], &out[0], err);
    return st ? st : check_tensor(s, &s->decls[0], &out[0], s->paths[i], err);
}

static fy_status get_npz(struct input_source *s, int i, struct op_tensor *out, struct fy_error *err)
{
    const char *file = s->paths[i];
    struct npz z;
    fy_status st = npz_read_file(file, &z, err);
    if (st) return st;
    for (int k = 0; k < s->n_decls && !st; k++) {
        const struct input_decl *d = &s->decls[k];
        char stem[TENSOR_IO_NAME_MAX + 64];
        tensor_io_file_name(d->name, stem, sizeof stem);
        /* the key is the tensor's name, or its file-name spelling */
        int at = -1;
        for (int e = 0; e < z.count && at < 0; e++)
            if (!strcmp(z.entries[e].name, d->name)) at = e;
        for (int e = 0; e < z.count && at < 0; e++)
            if (!strcmp(z.entries[e].name, stem)) at = e;
        if (at < 0) {
            char names[400] = "none";
            size_t nk = z.count > 0 ? (size_t)z.count : 1;
            char **keys = malloc(sizeof *keys * nk);
            if (keys) {
                for (int e = 0; e < z.count; e++)
                    keys[e] = z.entries[e].name;
                qsort(keys, (size_t)z.count, sizeof *keys, cmp_str);
                if (z.count) name_list(keys, z.count, names, sizeof names);
                free(keys);
            }
            err_set_file(err, file);
            st =
                err_fmt(err, FY_EINVALID,
                        "no array for %s '%s': looked for the key '%s'%s%s%s; "
                        "its keys: %s",
                        s->noun, d->name, d->name, strcmp(stem, d->name) ? " or '" : "",
                        strcmp(stem, d->name) ? stem : "", strcmp(stem, d->name) ? "'" : "", names);
            break;
        }
        out[k] = z.entries[at].t;
        memset(&z.entries[at].t, 0, sizeof z.entries[at].t);
        st = check_tensor(s, d, &out[k], file, err);
    }
    npz_free(&z);
    return st;
}

fy_status input_source_get(struct input_source *s, int i, struct op_tensor *out,
                           struct fy_error *err)
{
    for (int k = 0; k < s->n_decls; k++)
        memset(&out[k], 0, sizeof out[k]);
    if (i < 0 || i >= s->n_sets)
        return err_fmt(err, FY_EINTERNAL, "%s set %d asked for; there are %d", s->noun, i,
                       s->n_sets);
    /* the readers name each file they open; on success the caller's file stays */
    char saved[sizeof err->file];
    if (err) memcpy(saved, err->file, sizeof saved);
    fy_status st;
    switch (s->kind) {
    case SRC_RANDOM:
        st = get_random(s, i, out, err);
        break;
    case SRC_SUBDIRS:
        st = get_subdir(s, i, out, err);
        break;
    case SRC_NPZ:
        st = get_npz(s, i, out, err);
        break;
    default:
        st = get_npy(s, i, out, err);
        break;
    }
    if (st) {
        for (int k = 0; k < s->n_decls; k++) {
            op_tensor_release(&out[k]);
            memset(&out[k], 0, sizeof out[k]);
        }
        return st;
    }
    if (err && err->status == FY_OK) memcpy(err->file, saved, sizeof saved);
    for (int k = 0; k < s->n_decls; k++)
        out[k].quant = s->decls[k].quant;
    return FY_OK;
}
