/* Comparison metrics for validate: one accumulator per compared tensor (a
 * model output, or a layer's values), fed with reference and candidate
 * values in the same layout, one input set after another (one metric_add
 * call per set); statistics are kept, never the tensors.
 *
 * Rules (docs/validate.md repeats them for users):
 * - element passes: rule NUMPY  |c - r| <= atol + rtol * |r|
 *                   rule EITHER |c - r| <= atol  or  |c - r| <= rtol * |r|
 *                   (Polygraphy's: an element fails only if it exceeds both)
 * - NaN: a NaN in both at the same place is equal; a NaN on one side only is a
 *   mismatch with infinite error. Inf: equal infinities are equal; an infinity
 *   against anything else is a mismatch with infinite error whatever atol and
 *   rtol (as numpy.isclose); so is a difference of finite values that
 *   overflows (numpy.isclose would pass it when rtol*|r| overflows too).
 *   nan and inf count the candidate's NaN and +-Inf elements.
 * - max_abs: max |c - r| (INFINITY with an infinite error); max_abs_set and
 *   max_abs_index locate the first element (in feeding order) that reaches it.
 *   mean_abs: sum |c - r| / count.
 * - max_rel: max |c - r| / |r| over elements whose reference is not 0 (a NaN
 *   reference counts as not 0); the elements with r == 0 are left out (their
 *   error shows in max_abs); NaN (printed null) when every reference element
 *   is 0. An infinite error gives INFINITY.
 * - cosine: sum(c*r) / sqrt(sum(c*c) * sum(r*r)) over all sets; 1 when both
 *   are all zeros, 0 when only one is. snr_db: 10 log10(sum(r*r) /
 *   sum((c-r)^2)); INFINITY when identical, -INFINITY when the reference is
 *   all zeros and the candidate is not. Both sums skip pairs that are not both
 *   finite; with any infinite error cosine is NaN and snr_db is -INFINITY.
 * - p99_abs: from a histogram of |c - r| with 256 bins per decade between
 *   1e-12 and 1e12, one bin for exact zeros (reported as 0) and one for
 *   >= 1e12 and infinite errors (reported as max_abs); non-zero differences
 *   below 1e-12 share the first decade bin. The element of rank
 *   ceil(0.99 * count) (1-based, ascending) is located in its bin and the
 *   bin's upper edge is reported, capped at max_abs: never below the exact
 *   value (numpy's percentile method 'inverted_cdf') and at most
 *   10^(1/256) - 1 = 0.904% above it (for differences >= 1e-12).
 * - min_atol_to_pass: the smallest atol with which every element passes at
 *   the given rtol and rule (0 when all are equal): NUMPY max over elements of
 *   max(0, |d| - rtol*|r|) (rounded up by ulps where floating point needs it
 *   so that the element really passes); EITHER max of |d| over the elements
 *   with |d| > rtol*|r|. INFINITY when some element has an infinite error.
 * - top1/top5 agreement (classes > 0): the values are rows of `classes`
 *   contiguous scores; top1 = fraction of rows whose arg-max agree (ties go
 *   to the lowest index, NaN ranks below every number); top5 = mean over rows
 *   of |top5(r) & top5(c)| / k with k = min(5, classes). A metric_add call
 *   whose n is not a multiple of classes is not class scores: it adds no rows
 *   (top1/top5 stay NaN if no call added any).
 * - max_steps (step > 0): max |c - r| / step, the error in quantization steps
 *   of the candidate's output; for integer outputs (step 1) the largest
 *   integer difference.
 * Sums are kept in long double (each call adds them in blocks of 256 in
 * double first), so results hardly depend on how elements are split into sets. */
#ifndef FERRY_VALIDATE_METRICS_H
#define FERRY_VALIDATE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

enum metric_rule { METRIC_RULE_NUMPY = 0, METRIC_RULE_EITHER };

struct metric_config {
    double atol, rtol;
    enum metric_rule rule;
    int64_t classes; /* > 0: rows of class scores, for top-1/top-5 */
    double step;     /* > 0: quantization step (or 1 for integers), for max_steps */
};

/* bin 0: exact zeros; 1 .. 24*256: [1e-12 * 10^((i-1)/256), 1e-12 * 10^(i/256))
 * (bin 1 also holds the non-zero differences below 1e-12); last: >= 1e12 */
#define METRIC_HIST_BINS (24 * 256 + 2)

struct metric_acc {
    struct metric_config cfg;
    uint64_t count, nan, inf, mismatches;
    uint64_t inf_err; /* elements with an infinite error */
    double max_abs;
    int max_abs_set;        /* input set of max_abs, -1 before any element */
    uint64_t max_abs_index; /* flat index (C order) within that set's tensor */
    long double sum_abs;
    double max_rel;
    bool any_rel;
    long double dot, cc, rr, err2; /* for cosine and SNR (finite pairs only) */
    double min_atol;
    uint64_t rows, top1_hits;
    double top5_sum;
    double max_steps;
    uint64_t hist[METRIC_HIST_BINS];
};

struct metric_result {
    uint64_t count;
    double max_abs;
    int max_abs_set; /* -1: no element */
    uint64_t max_abs_index;
    double mean_abs, p99_abs;
    double max_rel;    /* NaN: no reference element is non-zero */
    double cosine;     /* NaN: some element has an infinite error */
    double snr_db;     /* INFINITY: identical */
    uint64_t nan, inf; /* in the candidate */
    uint64_t mismatches;
    double mismatch_fraction; /* 0 when count is 0 */
    double min_atol_to_pass;
    double top1, top5; /* NaN: not class scores */
    double max_steps;  /* NaN: no step */
    bool identical;    /* every element equal (also when count is 0) */
};

void metric_init(struct metric_acc *a, const struct metric_config *cfg);
/* Adds one input set's values (n elements, same layout on both sides). */
void metric_add(struct metric_acc *a, int set, const double *ref, const double *cand, uint64_t n);
void metric_result(const struct metric_acc *a, struct metric_result *out);

/* Does one element pass the rule? (for callers that judge single values) */
bool metric_element_passes(const struct metric_config *cfg, double ref, double cand);

#endif
