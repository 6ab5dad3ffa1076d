/* validate/metrics: element rules, NaN/Inf, each statistic against values
 * worked out by hand in the comments or computed with numpy (the expression
 * is in the comment next to each literal), accumulation across sets and the
 * minimality of min_atol_to_pass. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "validate/metrics.h"

#define N_OF(a) (uint64_t)(sizeof(a) / sizeof((a)[0]))

static struct metric_config config(double atol, double rtol, enum metric_rule rule)
{
    struct metric_config cfg = {.atol = atol, .rtol = rtol, .rule = rule};
    return cfg;
}

/* One set, result out. */
static void run1(const struct metric_config *cfg, const double *r, const double *c, uint64_t n,
                 struct metric_result *out)
{
    struct metric_acc a;
    metric_init(&a, cfg);
    metric_add(&a, 0, r, c, n);
    metric_result(&a, out);
}

static bool near(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fabs(want);
}

/* Deterministic values in [-1, 1) from a 64-bit LCG (no libc rand). */
static double lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) * 0x1p-52 - 1.0;
}

TEST(metrics_rules_differ_on_element_within_sum_but_over_each)
{
    /* r = 100, c = 100.15, atol 0.1, rtol 1e-3: |d| = 0.15 <= 0.1 + 0.1 (NUMPY passes:
     * np.isclose(100.15, 100, rtol=1e-3, atol=0.1) -> True) but 0.15 > 0.1 and
     * 0.15 > 1e-3 * 100 (EITHER fails). 0.05 passes both, 0.25 fails both. */
    struct metric_config np_ = config(0.1, 1e-3, METRIC_RULE_NUMPY);
    struct metric_config ei = config(0.1, 1e-3, METRIC_RULE_EITHER);
    T_CHECK(metric_element_passes(&np_, 100, 100.15), "NUMPY should pass 100.15");
    T_CHECK(!metric_element_passes(&ei, 100, 100.15), "EITHER should fail 100.15");
    T_CHECK(metric_element_passes(&ei, 100, 100.05) && metric_element_passes(&np_, 100, 100.05),
            "0.05 passes both");
    T_CHECK(!metric_element_passes(&ei, 100, 100.25) && !metric_element_passes(&np_, 100, 100.25),
            "0.25 fails both");
    /* EITHER passes on rtol alone: |d| = 0.5 > atol 0.1 but <= 1e-3 * 1000 */
    T_CHECK(metric_element_passes(&ei, 1000, 1000.5), "EITHER passes by rtol");
    T_CHECK(metric_element_passes(&ei, 0, 0.1), "EITHER passes by atol");

    double r[] = {100, 100, 100}, c[] = {100.15, 100.05, 100.25};
    struct metric_result a, b;
    run1(&np_, r, c, 3, &a);
    run1(&ei, r, c, 3, &b);
    T_CHECK(a.mismatches == 1, "NUMPY mismatches %llu", (unsigned long long)a.mismatches);
    T_CHECK(b.mismatches == 2, "EITHER mismatches %llu", (unsigned long long)b.mismatches);
    T_CHECK(near(b.mismatch_fraction, 2.0 / 3.0, 1e-15), "fraction %g", b.mismatch_fraction);
}

TEST(metrics_nan_on_both_sides_is_equal)
{
    double r[] = {NAN, 1, -2}, c[] = {NAN, 1, -2};
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, 3, &m);
    T_CHECK(m.identical, "identical");
    T_CHECK(m.mismatches == 0, "mismatches %llu", (unsigned long long)m.mismatches);
    T_CHECK(m.nan == 1, "nan %llu", (unsigned long long)m.nan);
    T_CHECK(m.max_abs == 0 && m.min_atol_to_pass == 0, "max_abs %g min_atol %g", m.max_abs,
            m.min_atol_to_pass);
    T_CHECK(isinf(m.snr_db) && m.snr_db > 0, "snr %g", m.snr_db);
    T_CHECK(m.cosine == 1, "cosine %g", m.cosine);
    T_CHECK(metric_element_passes(&cfg, NAN, NAN), "NaN/NaN passes");
}

TEST(metrics_nan_on_one_side_is_infinite_error)
{
    /* element 2: NaN candidate, element 3: NaN reference; both mismatches */
    double r[] = {1, NAN, 2, NAN, 0}, c[] = {1, NAN, NAN, 3, NAN};
    struct metric_config cfg = config(1e9, 1e9, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, 5, &m);
    T_CHECK(m.mismatches == 3, "mismatches %llu", (unsigned long long)m.mismatches);
    T_CHECK(m.nan == 3, "candidate NaNs %llu", (unsigned long long)m.nan);
    T_CHECK(isinf(m.max_abs) && m.max_abs_index == 2, "max_abs %g at %llu", m.max_abs,
            (unsigned long long)m.max_abs_index);
    T_CHECK(isinf(m.mean_abs), "mean_abs %g", m.mean_abs);
    T_CHECK(isinf(m.min_atol_to_pass), "min_atol %g", m.min_atol_to_pass);
    T_CHECK(isnan(m.cosine), "cosine %g", m.cosine);
    T_CHECK(isinf(m.snr_db) && m.snr_db < 0, "snr %g", m.snr_db);
    T_CHECK(isinf(m.max_rel), "max_rel %g", m.max_rel);
    T_CHECK(isinf(m.p99_abs), "p99 %g", m.p99_abs);
    T_CHECK(!m.identical, "not identical");
    T_CHECK(!metric_element_passes(&cfg, 1, NAN) && !metric_element_passes(&cfg, NAN, 1),
            "one-sided NaN fails");
}

TEST(metrics_equal_infinities_equal_others_infinite_error)
{
    /* np.isclose(inf, inf, rtol=0, atol=0) -> True; np.isclose(1e308, inf, rtol=10,
     * atol=1e300) -> False */
    double r[] = {INFINITY, -INFINITY, INFINITY, 1, 5},
           c[] = {INFINITY, -INFINITY, -INFINITY, INFINITY, 5};
    struct metric_config cfg = config(0, 0, METRIC_RULE_EITHER);
    struct metric_result m;
    run1(&cfg, r, c, 5, &m);
    T_CHECK(m.inf == 4, "candidate infinities %llu", (unsigned long long)m.inf);
    T_CHECK(m.mismatches == 2, "mismatches %llu", (unsigned long long)m.mismatches);
    T_CHECK(isinf(m.max_abs) && m.max_abs_index == 2, "max_abs at %llu",
            (unsigned long long)m.max_abs_index);
    T_CHECK(isinf(m.min_atol_to_pass), "min_atol %g", m.min_atol_to_pass);
    struct metric_config big = config(1e300, 10, METRIC_RULE_NUMPY);
    T_CHECK(metric_element_passes(&cfg, INFINITY, INFINITY), "Inf == Inf");
    T_CHECK(!metric_element_passes(&big, INFINITY, 1e308), "Inf vs finite fails");
    T_CHECK(!metric_element_passes(&big, INFINITY, -INFINITY), "Inf vs -Inf fails");

    /* only equal infinities: identical */
    run1(&cfg, r, c, 2, &m);
    T_CHECK(m.identical && m.mismatches == 0 && m.max_abs == 0, "equal infinities identical");
    T_CHECK(isinf(m.snr_db) && m.snr_db > 0, "snr %g", m.snr_db);
}

TEST(metrics_max_rel_leaves_out_zero_reference)
{
    /* |d| = [5, 1, 0.5]; over r != 0: 1/2, 0.5/4 -> max_rel 0.5; max_abs 5 at index 0 */
    double r[] = {0, 2, -4}, c[] = {5, 3, -3.5};
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, 3, &m);
    T_CHECK(m.max_rel == 0.5, "max_rel %g", m.max_rel);
    T_CHECK(m.max_abs == 5 && m.max_abs_index == 0 && m.max_abs_set == 0, "max_abs %g at %llu",
            m.max_abs, (unsigned long long)m.max_abs_index);
}

TEST(metrics_all_zero_reference_max_rel_nan_cosine_zero_snr_minus_inf)
{
    double r[] = {0, 0}, c[] = {1, 0};
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, 2, &m);
    T_CHECK(isnan(m.max_rel), "max_rel %g", m.max_rel);
    T_CHECK(m.cosine == 0, "cosine %g", m.cosine);
    T_CHECK(isinf(m.snr_db) && m.snr_db < 0, "snr %g", m.snr_db);
    double z[] = {0, 0};
    run1(&cfg, z, z, 2, &m);
    T_CHECK(m.cosine == 1 && m.identical && isinf(m.snr_db) && m.snr_db > 0,
            "all zeros: cosine %g snr %g", m.cosine, m.snr_db);
}

TEST(metrics_identical_snr_inf_min_atol_zero)
{
    double r[] = {1, -2, 3.5, 0, 1e-20, 7e12};
    for (int rule = 0; rule < 2; rule++) {
        struct metric_config cfg = config(0, 0, (enum metric_rule)rule);
        struct metric_acc a;
        struct metric_result m;
        metric_init(&a, &cfg);
        metric_add(&a, 3, r, r, N_OF(r));
        metric_result(&a, &m);
        T_CHECK(m.identical, "rule %d identical", rule);
        T_CHECK(isinf(m.snr_db) && m.snr_db > 0, "snr %g", m.snr_db);
        T_CHECK(m.min_atol_to_pass == 0, "min_atol %g", m.min_atol_to_pass);
        T_CHECK(m.max_abs == 0 && m.mean_abs == 0 && m.p99_abs == 0 && m.max_rel == 0,
                "max %g mean %g p99 %g rel %g", m.max_abs, m.mean_abs, m.p99_abs, m.max_rel);
        T_CHECK(near(m.cosine, 1, 1e-15), "cosine %.17g", m.cosine);
        T_CHECK(m.max_abs_set == 3 && m.max_abs_index == 0, "first maximum at set %d index %llu",
                m.max_abs_set, (unsigned long long)m.max_abs_index);
        T_CHECK(m.mismatches == 0 && m.count == N_OF(r), "count");
    }
}

TEST(metrics_empty_accumulator)
{
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    cfg.classes = 10;
    struct metric_acc a;
    struct metric_result m;
    metric_init(&a, &cfg);
    metric_result(&a, &m);
    T_CHECK(m.count == 0 && m.max_abs_set == -1 && m.identical && m.mismatch_fraction == 0,
            "empty");
    T_CHECK(isnan(m.top1) && isnan(m.top5) && isnan(m.max_steps) && isnan(m.max_rel), "NaN fields");
}

TEST(metrics_statistics_match_numpy)
{
    /* r = np.array([0.5, -1.25, 2, 3.75, -0.125]); c = np.array([0.55, -1.2, 2.1, 3.5, 0]) */
    double r[] = {0.5, -1.25, 2, 3.75, -0.125}, c[] = {0.55, -1.2, 2.1, 3.5, 0};
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, 5, &m);
    /* np.dot(c,r)/np.sqrt(np.dot(c,c)*np.dot(r,r)) */
    T_CHECK(near(m.cosine, 0.9983222240207321, 1e-14), "cosine %.17g", m.cosine);
    /* 10*np.log10(np.sum(r*r)/np.sum((c-r)**2)) */
    T_CHECK(near(m.snr_db, 23.295821439134187, 1e-13), "snr %.17g", m.snr_db);
    /* np.mean(np.abs(c-r)) */
    T_CHECK(near(m.mean_abs, 0.11500000000000003, 1e-14), "mean %.17g", m.mean_abs);
    /* np.max(np.abs(c-r)/np.abs(r)), np.max(np.abs(c-r)) (index 3) */
    T_CHECK(m.max_rel == 1.0, "max_rel %.17g", m.max_rel);
    T_CHECK(m.max_abs == 0.25 && m.max_abs_index == 3, "max_abs %.17g at %llu", m.max_abs,
            (unsigned long long)m.max_abs_index);
}

TEST(metrics_p99_within_one_bin_above_exact)
{
    enum { N = 1000 };
    static double r[N], c[N];
    for (int i = 0; i < N; i++) {
        r[i] = 0;
        c[i] = ldexp((double)((i * 7919) % 1000 + 1), -(i % 20));
    }
    /* i = np.arange(1000); d = ((i*7919)%1000+1)*np.ldexp(1.0,-(i%20));
     * np.percentile(d, 99, method='inverted_cdf') -> 781.0; d.max() -> 981.0 */
    const double exact = 781.0;
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, N, &m);
    T_CHECK(m.p99_abs >= exact && m.p99_abs <= exact * 1.00904, "p99 %.17g, exact %g", m.p99_abs,
            exact);
    T_CHECK(m.max_abs == 981.0, "max_abs %g", m.max_abs);

    /* 995 zeros and 5 ones: element of rank ceil(0.99*1000) = 990 is 0 */
    for (int i = 0; i < N; i++)
        c[i] = i < 995 ? 0 : 1;
    run1(&cfg, r, c, N, &m);
    T_CHECK(m.p99_abs == 0, "p99 over zeros %g", m.p99_abs);
    /* 989 zeros: rank 990 is a 1 */
    for (int i = 0; i < N; i++)
        c[i] = i < 989 ? 0 : 1;
    run1(&cfg, r, c, N, &m);
    T_CHECK(m.p99_abs == 1, "p99 capped at max_abs %g", m.p99_abs);
    /* below 1e-12 and above 1e12: capped at max_abs */
    for (int i = 0; i < N; i++)
        c[i] = 1e-15;
    run1(&cfg, r, c, N, &m);
    T_CHECK(m.p99_abs == 1e-15, "tiny p99 %g", m.p99_abs);
    for (int i = 0; i < N; i++)
        c[i] = 3e13;
    run1(&cfg, r, c, N, &m);
    T_CHECK(m.p99_abs == 3e13, "huge p99 %g", m.p99_abs);
}

TEST(metrics_p99_matches_sorted_rank_on_random_data)
{
    /* p99 from the histogram against the exact value (the element of rank ceil(0.99 n) of the
     * sorted differences, numpy's inverted_cdf), over differences spanning 20 decades */
    enum { N = 4321 };
    static double r[N], c[N], d[N];
    uint64_t s = 7;
    for (int i = 0; i < N; i++) {
        r[i] = lcg_next(&s);
        c[i] = r[i] + pow(10.0, 10 * lcg_next(&s));
        d[i] = fabs(c[i] - r[i]);
    }
    /* insertion sort of d (independent of the histogram) */
    for (int i = 1; i < N; i++) {
        double x = d[i];
        int j = i;
        while (j > 0 && d[j - 1] > x) {
            d[j] = d[j - 1];
            j--;
        }
        d[j] = x;
    }
    double exact = d[(99 * N + 99) / 100 - 1];
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    struct metric_result m;
    run1(&cfg, r, c, N, &m);
    T_CHECK(m.p99_abs >= exact && m.p99_abs <= exact * 1.00904, "p99 %.17g exact %.17g", m.p99_abs,
            exact);
}

TEST(metrics_top1_top5_ties_to_lowest_index)
{
    /* argmax and top-5 by np.argsort(-x, kind='stable')[:5] (ties to the lower index):
     * row 0: r top1 1, top5 {1,2,4,0,3}; c top1 0, top5 {0,1,4,2,3} -> miss, 5/5
     * row 1: r top1 0, top5 {0,1,2,3,4}; c top1 5, top5 {5,0,1,2,3} -> miss, 4/5
     * row 2: r top1 0, top5 {0,1,2,3,4}; c top1 0, top5 {0,5,4,3,2} -> hit,  4/5 */
    double r[] = {1, 3, 3, 0, 2, -1, 0, 0, 0, 0, 0, 0, 5, 4, 3, 2, 1, 0};
    double c[] = {3, 3, 1, 0, 2, -1, 0, 0, 0, 0, 0, 1, 5, 0, 1, 2, 3, 4};
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    cfg.classes = 6;
    struct metric_result m;
    run1(&cfg, r, c, N_OF(r), &m);
    T_CHECK(near(m.top1, 1.0 / 3.0, 1e-15), "top1 %.17g", m.top1);
    T_CHECK(near(m.top5, (1.0 + 0.8 + 0.8) / 3.0, 1e-15), "top5 %.17g", m.top5);

    /* fewer than 5 classes: k = 3, the sets are equal */
    double r3[] = {1, 2, 3}, c3[] = {3, 2, 1};
    cfg.classes = 3;
    run1(&cfg, r3, c3, 3, &m);
    T_CHECK(m.top1 == 0 && m.top5 == 1, "k=3: top1 %g top5 %g", m.top1, m.top5);

    /* NaN ranks below every number */
    double rn[] = {NAN, 1, 0}, cn[] = {0, 1, NAN};
    run1(&cfg, rn, cn, 3, &m);
    T_CHECK(m.top1 == 1, "NaN never arg-max: top1 %g", m.top1);

    /* n not a multiple of classes: not class scores */
    cfg.classes = 4;
    run1(&cfg, r3, c3, 3, &m);
    T_CHECK(isnan(m.top1) && isnan(m.top5), "not rows: top1 %g", m.top1);
}

TEST(metrics_max_steps_in_quantization_steps)
{
    /* step 0.5: max |d| = |0.5 - 2| = 1.5 -> 3 steps */
    double r[] = {0, 1, 2}, c[] = {0.5, 1, 0.5};
    struct metric_config cfg = config(0, 0, METRIC_RULE_NUMPY);
    cfg.step = 0.5;
    struct metric_result m;
    run1(&cfg, r, c, 3, &m);
    T_CHECK(m.max_steps == 3, "max_steps %g", m.max_steps);
    /* integers: step 1, largest difference 2 */
    double ri[] = {3, -2, 7}, ci[] = {5, -2, 6};
    cfg.step = 1;
    run1(&cfg, ri, ci, 3, &m);
    T_CHECK(m.max_steps == 2, "integer max_steps %g", m.max_steps);
    cfg.step = 0;
    run1(&cfg, ri, ci, 3, &m);
    T_CHECK(isnan(m.max_steps), "no step: %g", m.max_steps);
}

static bool same_result(const struct metric_result *a, const struct metric_result *b, double rel)
{
    bool ok = true;
    ok &= T_CHECK(a->count == b->count, "count %llu %llu", (unsigned long long)a->count,
                  (unsigned long long)b->count);
    ok &= T_CHECK(a->max_abs == b->max_abs, "max_abs %.17g %.17g", a->max_abs, b->max_abs);
    ok &= T_CHECK(near(a->mean_abs, b->mean_abs, rel), "mean_abs %.17g %.17g", a->mean_abs,
                  b->mean_abs);
    ok &= T_CHECK(a->p99_abs == b->p99_abs, "p99 %.17g %.17g", a->p99_abs, b->p99_abs);
    ok &= T_CHECK(a->max_rel == b->max_rel, "max_rel %.17g %.17g", a->max_rel, b->max_rel);
    ok &= T_CHECK(near(a->cosine, b->cosine, rel), "cosine %.17g %.17g", a->cosine, b->cosine);
    ok &= T_CHECK(near(a->snr_db, b->snr_db, rel), "snr %.17g %.17g", a->snr_db, b->snr_db);
    ok &= T_CHECK(a->mismatches == b->mismatches && a->nan == b->nan && a->inf == b->inf, "counts");
    ok &= T_CHECK(a->min_atol_to_pass == b->min_atol_to_pass, "min_atol %.17g %.17g",
                  a->min_atol_to_pass, b->min_atol_to_pass);
    ok &= T_CHECK((isnan(a->top1) && isnan(b->top1)) || a->top1 == b->top1, "top1 %g %g", a->top1,
                  b->top1);
    ok &= T_CHECK((isnan(a->top5) && isnan(b->top5)) || near(a->top5, b->top5, 1e-15), "top5 %g %g",
                  a->top5, b->top5);
    ok &= T_CHECK(a->identical == b->identical, "identical");
    return ok;
}

TEST(metrics_two_sets_equal_one_concatenated_set)
{
    /* set 0 |d| = .25 0 0 .5; set 1 |d| = 0 .75 .75 0 .75 0: first maximum set 1 index 1,
     * in the concatenation index 4 + 1 = 5. Dyadic values: every sum is exact. */
    double r0[] = {1, -2, 0.5, 4}, c0[] = {1.25, -2, 0.5, 3.5};
    double r1[] = {3, 0, -1, 2, 8, 0.25}, c1[] = {3, 0.75, -1.75, 2, 8.75, 0.25};
    double r[10], c[10];
    memcpy(r, r0, sizeof r0);
    memcpy(r + 4, r1, sizeof r1);
    memcpy(c, c0, sizeof c0);
    memcpy(c + 4, c1, sizeof c1);
    struct metric_config cfg = config(0.1, 0.01, METRIC_RULE_NUMPY);
    cfg.classes = 2;
    struct metric_acc a, b;
    struct metric_result ma, mb;
    metric_init(&a, &cfg);
    metric_add(&a, 0, r0, c0, 4);
    metric_add(&a, 1, r1, c1, 6);
    metric_result(&a, &ma);
    metric_init(&b, &cfg);
    metric_add(&b, 0, r, c, 10);
    metric_result(&b, &mb);
    same_result(&ma, &mb, 0);
    T_CHECK(ma.max_abs == 0.75 && ma.max_abs_set == 1 && ma.max_abs_index == 1,
            "two sets: max %g at set %d index %llu", ma.max_abs, ma.max_abs_set,
            (unsigned long long)ma.max_abs_index);
    T_CHECK(mb.max_abs_set == 0 && mb.max_abs_index == 5, "one set: max at set %d index %llu",
            mb.max_abs_set, (unsigned long long)mb.max_abs_index);
    /* mean |d| = (.25+.5+.75*3)/10 = 0.3 */
    T_CHECK(ma.mean_abs == 0.3, "mean %.17g", ma.mean_abs);
}

TEST(metrics_two_sets_equal_one_set_on_random_data)
{
    enum { N = 3000, SPLIT = 1001 };
    static double r[N], c[N];
    uint64_t s = 42;
    for (int i = 0; i < N; i++) {
        r[i] = 10 * lcg_next(&s);
        c[i] = r[i] + 0.01 * lcg_next(&s);
    }
    struct metric_config cfg = config(0.003, 1e-3, METRIC_RULE_EITHER);
    struct metric_acc a, b;
    struct metric_result ma, mb;
    metric_init(&a, &cfg);
    metric_add(&a, 0, r, c, SPLIT);
    metric_add(&a, 1, r + SPLIT, c + SPLIT, N - SPLIT);
    metric_result(&a, &ma);
    metric_init(&b, &cfg);
    metric_add(&b, 0, r, c, N);
    metric_result(&b, &mb);
    same_result(&ma, &mb, 1e-13);
    uint64_t flat = ma.max_abs_set == 0 ? ma.max_abs_index : SPLIT + ma.max_abs_index;
    T_CHECK(flat == mb.max_abs_index, "max_abs index %llu vs %llu", (unsigned long long)flat,
            (unsigned long long)mb.max_abs_index);
    T_CHECK(fabs(c[flat] - r[flat]) == mb.max_abs, "max_abs value");
}

TEST(metrics_min_atol_matches_formula_both_rules)
{
    /* r = np.array([1000.0, 1.0, -3.0, 0.0]); c = np.array([1000.5, 1.2, -3.001, 0.0]); rtol 1e-3
     * NUMPY:  np.max(np.maximum(0, np.abs(c-r) - 1e-3*np.abs(r)))      -> 0.19899999999999995
     * EITHER: np.max(np.abs(c-r)[np.abs(c-r) > 1e-3*np.abs(r)])         -> 0.19999999999999996
     * (element 0 passes EITHER by rtol: 0.5 <= 1) */
    double r[] = {1000.0, 1.0, -3.0, 0.0}, c[] = {1000.5, 1.2, -3.001, 0.0};
    struct metric_config np_ = config(0, 1e-3, METRIC_RULE_NUMPY);
    struct metric_config ei = config(0, 1e-3, METRIC_RULE_EITHER);
    struct metric_result m;
    run1(&np_, r, c, 4, &m);
    T_CHECK(near(m.min_atol_to_pass, 0.19899999999999995, 1e-15), "NUMPY %.17g",
            m.min_atol_to_pass);
    run1(&ei, r, c, 4, &m);
    T_CHECK(m.min_atol_to_pass == 0.19999999999999996, "EITHER %.17g", m.min_atol_to_pass);
}

/* With atol = min_atol every element passes; with 0.99 * min_atol some element fails. */
static void check_min_atol_minimal(enum metric_rule rule, const double *r, const double *c,
                                   uint64_t n, double rtol)
{
    struct metric_config cfg = config(0, rtol, rule);
    struct metric_result m;
    run1(&cfg, r, c, n, &m);
    double min_atol = m.min_atol_to_pass;
    if (!T_CHECK(min_atol > 0 && isfinite(min_atol), "rule %d min_atol %g", rule, min_atol)) return;
    cfg.atol = min_atol;
    run1(&cfg, r, c, n, &m);
    T_CHECK(m.mismatches == 0, "rule %d: %llu mismatches at min_atol", rule,
            (unsigned long long)m.mismatches);
    uint64_t fails = 0;
    for (uint64_t i = 0; i < n; i++)
        fails += !metric_element_passes(&cfg, r[i], c[i]);
    T_CHECK(fails == 0, "rule %d: %llu single elements fail", rule, (unsigned long long)fails);
    cfg.atol = 0.99 * min_atol;
    run1(&cfg, r, c, n, &m);
    T_CHECK(m.mismatches > 0, "rule %d: passes at 0.99 * min_atol", rule);
}

TEST(metrics_min_atol_is_minimal_both_rules)
{
    double r[] = {1000.0, 1.0, -3.0, 0.0}, c[] = {1000.5, 1.2, -3.001, 0.0};
    check_min_atol_minimal(METRIC_RULE_NUMPY, r, c, 4, 1e-3);
    check_min_atol_minimal(METRIC_RULE_EITHER, r, c, 4, 1e-3);
    /* a pair where d - t rounds so that (d - t) + t < d in double: d = 0x1.ffffffffffffdp-1,
     * t = 0.5 * r = 0x1.db74769db9aa2p-3; min_atol must be rounded up to pass */
    double rf[] = {0x1.db74769db9aa2p-2}, cf[] = {0x1.76dd1da76e6a7p+0};
    double d = cf[0] - rf[0], t = 0.5 * rf[0];
    T_CHECK((d - t) + t < d, "the crafted pair rounds down");
    check_min_atol_minimal(METRIC_RULE_NUMPY, rf, cf, 1, 0.5);
    enum { N = 20000 };
    static double rr[N], cc[N];
    uint64_t s = 1234;
    for (int i = 0; i < N; i++) {
        rr[i] = 100 * lcg_next(&s);
        cc[i] = rr[i] * (1 + 0.02 * lcg_next(&s)) + 0.001 * lcg_next(&s);
    }
    for (int k = 0; k < 3; k++) {
        double rtol = k == 0 ? 0 : k == 1 ? 1e-3 : 1e-2;
        check_min_atol_minimal(METRIC_RULE_NUMPY, rr, cc, N, rtol);
        check_min_atol_minimal(METRIC_RULE_EITHER, rr, cc, N, rtol);
    }
}
