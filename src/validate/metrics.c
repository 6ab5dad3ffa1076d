/* Comparison metrics for validate (rules in metrics.h).
 *
 * metric_add is one pass over the values: a fast path for pairs whose
 * difference is finite (both values finite), a cold path for NaN and
 * infinities. Sums go into double partial sums over blocks of 256 elements,
 * then into the long double totals. The histogram bin of a difference comes
 * from its bits: the exponent and top 7 mantissa bits index a table giving
 * the decade bin of that cell's lowest value, and one comparison with the
 * next bin edge finishes it (a cell spans a ratio of at most 1 + 1/128, less
 * than one bin's 10^(1/256)). */
#include "validate/metrics.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#define DEC_BINS (24 * 256)     /* decade bins: hist[1 .. DEC_BINS] */
#define OVER_BIN (DEC_BINS + 1) /* >= 1e12, infinite errors */
#define CELL_SHIFT 45           /* 52 mantissa bits - 7 kept */
#define CELL_LO_EXP (-40)       /* 2^-40 < 1e-12 */
#define CELL_HI_EXP 40          /* 1e12 < 2^40 */
#define N_CELLS ((CELL_HI_EXP - CELL_LO_EXP) << 7)
#define BLOCK 256

static double edge[DEC_BINS + 1]; /* edge[j] = 1e-12 * 10^(j/256); edge[DEC_BINS] = 1e12 */
static uint16_t cell_bin[N_CELLS];
static uint64_t cell_base;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static void tables_build(void)
{
    for (int j = 0; j <= DEC_BINS; j++)
        edge[j] = pow(10.0, (double)(j - 12 * 256) / 256.0);
    edge[0] = 1e-12;
    edge[DEC_BINS] = 1e12;
    cell_base = bits_of(ldexp(1.0, CELL_LO_EXP)) >> CELL_SHIFT;
    int j = 0;
    for (int cell = 0; cell < N_CELLS; cell++) {
        double lo = double_of((cell_base + (uint64_t)cell) << CELL_SHIFT);
        while (j + 1 < DEC_BINS && edge[j + 1] <= lo)
            j++;
        cell_bin[cell] = (uint16_t)j;
    }
}

/* Histogram bin of a difference d >= 0 (not NaN). */
static inline int hist_bin(double d)
{
    if (d == 0) return 0;
    if (d < edge[0]) return 1;
    if (d >= edge[DEC_BINS]) return OVER_BIN;
    int j = cell_bin[(bits_of(d) >> CELL_SHIFT) - cell_base];
    j += d >= edge[j + 1];
    return 1 + j;
}

/* Smallest atol (to a few ulps) with d <= atol + t in floating point, for d > t >= 0. */
static double numpy_atol_for(double d, double t)
{
    double a = d - t;
    for (int k = 0; k < 64 && a + t < d; k++)
        a = nextafter(a, INFINITY);
    return a + t < d ? d : a;
}

void metric_init(struct metric_acc *a, const struct metric_config *cfg)
{
    pthread_once(&tables_once, tables_build);
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    a->max_abs_set = -1;
}

/* a > b where NaN ranks below every number */
static inline bool score_greater(double x, double y)
{
    return x > y || (isnan(y) && !isnan(x));
}

/* Indices of the k largest of v[0..n) in descending order, ties to the lower index. */
static void top_k(const double *v, int64_t n, int k, int64_t *idx)
{
    int m = 0;
    for (int64_t j = 0; j < n; j++) {
        double x = v[j];
        if (m == k && !score_greater(x, v[idx[k - 1]])) continue;
        int p = m < k ? m++ : k - 1;
        while (p > 0 && score_greater(x, v[idx[p - 1]])) {
            idx[p] = idx[p - 1];
            p--;
        }
        idx[p] = j;
    }
}

static void add_rows(struct metric_acc *a, const double *ref, const double *cand, uint64_t n)
{
    int64_t classes = a->cfg.classes;
    if (classes <= 0 || n % (uint64_t)classes != 0) return;
    int k = classes < 5 ? (int)classes : 5;
    uint64_t rows = n / (uint64_t)classes;
    for (uint64_t row = 0; row < rows; row++) {
        int64_t ir[5], ic[5];
        top_k(ref + row * (uint64_t)classes, classes, k, ir);
        top_k(cand + row * (uint64_t)classes, classes, k, ic);
        a->top1_hits += ir[0] == ic[0];
        int common = 0;
        for (int x = 0; x < k; x++)
            for (int y = 0; y < k; y++)
                common += ir[x] == ic[y];
        a->top5_sum += (double)common / k;
    }
    a->rows += rows;
}

void metric_add(struct metric_acc *a, int set, const double *ref, const double *cand, uint64_t n)
{
    const double atol = a->cfg.atol, rtol = a->cfg.rtol;
    const bool numpy = a->cfg.rule == METRIC_RULE_NUMPY;
    uint64_t *hist = a->hist;
    uint64_t n_nan = 0, n_inf = 0, mism = 0, inf_err = 0, zeros = 0;
    double lmax = -1, lrel = 0, lmin = a->min_atol;
    uint64_t lidx = 0;
    bool any_rel = false;

    for (uint64_t base = 0; base < n; base += BLOCK) {
        uint64_t end = n - base < BLOCK ? n : base + BLOCK;
        double s_abs = 0, s_dot = 0, s_cc = 0, s_rr = 0, s_err2 = 0;
        for (uint64_t i = base; i < end; i++) {
            double r = ref[i], c = cand[i];
            double d = fabs(c - r);
            if (__builtin_expect(!(d <= DBL_MAX), 0)) {
                /* NaN or an infinity on some side, or an overflowing difference */
                bool rn = isnan(r), cn = isnan(c);
                n_nan += cn;
                n_inf += isinf(c) != 0;
                if ((rn && cn) || (!rn && !cn && r == c)) {
                    /* equal: NaN/NaN or the same infinity */
                    zeros++;
                    if (0 > lmax) {
                        lmax = 0;
                        lidx = i;
                    }
                    if (!rn) any_rel = true; /* |r| = Inf: relative error 0 */
                    continue;
                }
                d = INFINITY;
                s_abs = INFINITY;
                inf_err++;
                mism++;
                lmin = INFINITY;
                hist[OVER_BIN]++;
                if (d > lmax) {
                    lmax = d;
                    lidx = i;
                }
                if (r != 0) {
                    any_rel = true;
                    lrel = INFINITY;
                }
                continue;
            }
            s_abs += d;
            s_dot += c * r;
            s_cc += c * c;
            s_rr += r * r;
            s_err2 += d * d;
            if (d > lmax) {
                lmax = d;
                lidx = i;
            }
            double t = rtol * fabs(r);
            if (numpy) {
                mism += !(d <= atol + t);
                if (!(d <= lmin + t)) lmin = numpy_atol_for(d, t);
            } else {
                mism += !(d <= atol || d <= t);
                if (d > t && d > lmin) lmin = d;
            }
            if (r != 0) {
                /* divide only when d / |r| may exceed lrel: d (1 + 2^-50) > lrel |r| holds
                 * whenever d > lrel |r| exactly, despite the roundings */
                any_rel = true;
                double ar = fabs(r);
                if (d * (1 + 0x1p-50) > lrel * ar) {
                    double rel = d / ar;
                    if (rel > lrel) lrel = rel;
                }
            }
            if (d == 0)
                zeros++; /* kept in a register: no store-to-load chain on hist[0] */
            else
                hist[hist_bin(d)]++;
        }
        a->sum_abs += s_abs;
        a->dot += s_dot;
        a->cc += s_cc;
        a->rr += s_rr;
        a->err2 += s_err2;
    }

    a->count += n;
    hist[0] += zeros;
    a->nan += n_nan;
    a->inf += n_inf;
    a->mismatches += mism;
    a->inf_err += inf_err;
    a->min_atol = lmin;
    if (n > 0 && (a->max_abs_set < 0 || lmax > a->max_abs)) {
        a->max_abs = lmax;
        a->max_abs_set = set;
        a->max_abs_index = lidx;
    }
    if (any_rel) {
        if (!a->any_rel || lrel > a->max_rel) a->max_rel = lrel;
        a->any_rel = true;
    }
    if (a->cfg.step > 0) a->max_steps = a->max_abs / a->cfg.step;
    add_rows(a, ref, cand, n);
}

static double p99_of(const struct metric_acc *a)
{
    if (a->count == 0) return 0;
    /* rank ceil(0.99 * count), 1-based, in integers */
    uint64_t rank = a->count / 100 * 99 + (a->count % 100 * 99 + 99) / 100;
    uint64_t cum = 0;
    for (int b = 0; b < METRIC_HIST_BINS; b++) {
        cum += a->hist[b];
        if (cum < rank) continue;
        if (b == 0) return 0;
        if (b == OVER_BIN) return a->max_abs;
        return fmin(edge[b], a->max_abs); /* bin b's upper edge is edge[b] */
    }
    return a->max_abs;
}

void metric_result(const struct metric_acc *a, struct metric_result *out)
{
    memset(out, 0, sizeof *out);
    out->count = a->count;
    out->max_abs = a->max_abs_set < 0 ? 0 : a->max_abs;
    out->max_abs_set = a->max_abs_set;
    out->max_abs_index = a->max_abs_index;
    out->mean_abs = a->count ? (double)(a->sum_abs / (long double)a->count) : 0;
    out->p99_abs = p99_of(a);
    out->max_rel = a->any_rel ? a->max_rel : NAN;

    if (a->inf_err) {
        out->cosine = NAN;
        out->snr_db = -INFINITY;
    } else {
        if (a->cc == 0 && a->rr == 0)
            out->cosine = 1;
        else if (a->cc == 0 || a->rr == 0)
            out->cosine = 0;
        else {
            double cs = (double)(a->dot / sqrtl(a->cc * a->rr));
            out->cosine = cs > 1 ? 1 : cs < -1 ? -1 : cs;
        }
        if (a->err2 == 0)
            out->snr_db = INFINITY;
        else if (a->rr == 0)
            out->snr_db = -INFINITY;
        else
            out->snr_db = (double)(10 * log10l(a->rr / a->err2));
    }

    out->nan = a->nan;
    out->inf = a->inf;
    out->mismatches = a->mismatches;
    out->mismatch_fraction = a->count ? (double)a->mismatches / (double)a->count : 0;
    out->min_atol_to_pass = a->min_atol;
    out->top1 = a->rows ? (double)a->top1_hits / (double)a->rows : NAN;
    out->top5 = a->rows ? a->top5_sum / (double)a->rows : NAN;
    out->max_steps = a->cfg.step > 0 ? out->max_abs / a->cfg.step : NAN;
    out->identical = out->max_abs == 0;
}

bool metric_element_passes(const struct metric_config *cfg, double ref, double cand)
{
    bool rn = isnan(ref), cn = isnan(cand);
    if (rn || cn) return rn && cn;
    if (ref == cand) return true; /* also the same infinity */
    double d = fabs(cand - ref);
    if (!(d <= DBL_MAX)) return false;
    double t = cfg->rtol * fabs(ref);
    if (cfg->rule == METRIC_RULE_NUMPY) return d <= cfg->atol + t;
    return d <= cfg->atol || d <= t;
}
