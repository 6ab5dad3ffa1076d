/* Gemm, MatMul (numpy semantics: batched, broadcast, 1-D operands) and
 * MatMulInteger.
 *
 * float32 (and float16/bfloat16, computed in float32) run on the SGEMM of
 * gemm_kernel.c; float64 runs the reference loops in double; integer types
 * use modular (wrapping) arithmetic in uint64, the result truncated to the
 * output type as two's-complement hardware would. MatMulInteger is computed
 * in double, which is exact for 8-bit operands (sums stay below 2^53). */
#include <string.h>

#include "ops/gemm_kernel.h"
#include "ops/nn.h"

static const enum ir_dtype gemm_types[] = {IR_F32, IR_F16, IR_BF16, IR_F64,
                                           IR_I32, IR_I64, IR_U32, IR_U64};

static bool is_int_type(enum ir_dtype t)
{
    return t == IR_I32 || t == IR_I64 || t == IR_U32 || t == IR_U64;
}

/* True when input i is a constant ONNX Runtime pre-packs when it loads the
 * model (an initializer that is not also a graph input, or a Constant node's
 * output): its GEMM then runs on the packed matrix, whose summation order
 * differs (gemm_kernel.h, b_prepacked). ORT packs a MatMul's or Gemm's B when
 * it is 2-D. */
static bool prepacked_by_ort(const struct op_ctx *c, int i)
{
    const struct ir_tensor *t = i < c->node->n_inputs ? c->node->inputs[i] : NULL;
    if (!t || t->rank != 2) return false;
    if (t->producer) return t->producer->op == IR_OP_CONSTANT;
    if (t->kind != IR_TENSOR_CONST) return false;
    const struct ir_graph *g = c->node->graph;
    for (int k = 0; g && k < g->n_inputs; k++)
        if (g->inputs[k] == t) return false; /* overridable: ORT does not pack it */
    return true;
}

/* ---- Gemm ----
 * Y = alpha * A' B' + beta * C, A' = transA ? A^T : A (M x K), B' likewise
 * (K x N), C broadcast one way to M x N. */

fy_status nn_gemm_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err)
{
    (void)opset;
    struct nn_gemm_params *p = params;
    int64_t ta, tb;
    fy_status st = op_attr_float(n, "alpha", 1.0f, &p->alpha, err);
    if (!st) st = op_attr_float(n, "beta", 1.0f, &p->beta, err);
    if (!st) st = op_attr_int(n, "transA", 0, &ta, err);
    if (!st) st = op_attr_int(n, "transB", 0, &tb, err);
    if (st) return st;
    p->trans_a = ta != 0;
    p->trans_b = tb != 0;
    return FY_OK;
}

struct gemm_shape {
    int64_t m, n, k;
    int64_t c_rs, c_cs; /* C's strides over Y's rows / columns (0 where broadcast) */
};

static fy_status gemm_shape(struct op_ctx *c, struct gemm_shape *s)
{
    const struct nn_gemm_params *p = c->params;
    const struct op_tensor *a = c->in[0], *b = c->in[1], *ct = nn_in(c, 2);
    char b1[96], b2[96];
    if (a->rank != 2 || b->rank != 2)
        return op_fail(c, FY_EINVALID, "A has shape %s and B %s; Gemm needs two matrices",
                       nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2));
    s->m = p->trans_a ? a->dims[1] : a->dims[0];
    s->k = p->trans_a ? a->dims[0] : a->dims[1];
    int64_t kb = p->trans_b ? b->dims[1] : b->dims[0];
    s->n = p->trans_b ? b->dims[0] : b->dims[1];
    if (kb != s->k)
        return op_fail(c, FY_EINVALID,
                       "A%s is %s and B%s is %s: inner dims %lld and %lld differ",
                       p->trans_a ? " (transposed)" : "", nn_shape_str(a, b1, sizeof b1),
                       p->trans_b ? " (transposed)" : "", nn_shape_str(b, b2, sizeof b2),
                       (long long)s->k, (long long)kb);
    s->c_rs = s->c_cs = 0;
    if (ct) {
        int64_t rows = ct->rank == 2 ? ct->dims[0] : 1;
        int64_t cols = ct->rank >= 1 ? ct->dims[ct->rank - 1] : 1;
        if (ct->rank > 2 || (rows != 1 && rows != s->m) || (cols != 1 && cols != s->n))
            return op_fail(c, FY_EINVALID, "C has shape %s, which does not broadcast to [%lld,%lld]",
                           nn_shape_str(ct, b1, sizeof b1), (long long)s->m, (long long)s->n);
        s->c_cs = cols == 1 ? 0 : 1;
        s->c_rs = rows == 1 ? 0 : cols;
    }
    return FY_OK;
}

fy_status nn_gemm_infer(struct op_ctx *c)
{
    fy_status st = op_expect_dtype(c, 0, gemm_types, 8);
    if (!st) st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    struct gemm_shape s;
    st = gemm_shape(c, &s);
    if (st) return st;
    int64_t dims[2] = {s.m, s.n};
    return op_set_output(c, 0, c->in[0]->dtype, 2, dims);
}

/* Reference: every output element as one dot product, in double. */
static void gemm_reference(const struct nn_gemm_params *p, const struct gemm_shape *s,
                           const double *a, const double *b, const double *cv, double *y)
{
    for (int64_t i = 0; i < s->m; i++)
        for (int64_t j = 0; j < s->n; j++) {
            double acc = 0;
            for (int64_t k = 0; k < s->k; k++) {
                double av = p->trans_a ? a[k * s->m + i] : a[i * s->k + k];
                double bv = p->trans_b ? b[j * s->k + k] : b[k * s->n + j];
                acc += av * bv;
            }
            double cterm = cv ? (double)p->beta * cv[i * s->c_rs + j * s->c_cs] : 0;
            y[i * s->n + j] = (double)p->alpha * acc + cterm;
        }
}

/* Integers: modular arithmetic; alpha and beta are truncated to integers. */
static void gemm_integer(const struct nn_gemm_params *p, const struct gemm_shape *s,
                         const struct op_tensor *a, const struct op_tensor *b,
                         const struct op_tensor *cv, struct op_tensor *y)
{
    uint64_t alpha = (uint64_t)(int64_t)p->alpha, beta = (uint64_t)(int64_t)p->beta;
    for (int64_t i = 0; i < s->m; i++)
        for (int64_t j = 0; j < s->n; j++) {
            uint64_t acc = 0;
            for (int64_t k = 0; k < s->k; k++) {
                uint64_t av = (uint64_t)op_get_i64(a, (uint64_t)(p->trans_a ? k * s->m + i
                                                                            : i * s->k + k));
                uint64_t bv = (uint64_t)op_get_i64(b, (uint64_t)(p->trans_b ? j * s->k + k
                                                                            : k * s->n + j));
                acc += av * bv;
            }
            acc *= alpha;
            if (cv) acc += beta * (uint64_t)op_get_i64(cv, (uint64_t)(i * s->c_rs + j * s->c_cs));
            op_set_i64(y, (uint64_t)(i * s->n + j), (int64_t)acc);
        }
}

fy_status nn_gemm_eval(struct op_ctx *c)
{
    const struct nn_gemm_params *p = c->params;
    struct gemm_shape s;
    fy_status st = gemm_shape(c, &s);
    if (st) return st;
    const struct op_tensor *at = c->in[0], *bt = c->in[1], *ct = nn_in(c, 2);
    struct op_tensor *yt = c->out[0];
    if (yt->numel == 0) return FY_OK;
    if (is_int_type(yt->dtype)) {
        gemm_integer(p, &s, at, bt, ct, yt);
        return FY_OK;
    }
    if (yt->dtype == IR_F64) {
        gemm_reference(p, &s, at->data, bt->data, ct ? ct->data : NULL, yt->data);
        return FY_OK;
    }
    const float *a = nn_load_f32(c, at), *b = nn_load_f32(c, bt);
    const float *cv = ct ? nn_load_f32(c, ct) : NULL;
    float *y = nn_out_f32(c, yt);
    if (!a || !b || (ct && !cv) || !y) return FY_ENOMEM;
    bool with_c = cv && p->beta != 0;
    /* C goes into Y first and SGEMM computes alpha A B + beta Y, as ONNX
     * Runtime does (GemmBroadcastBias, then MlasGemm with beta) */
    if (with_c)
        for (int64_t i = 0; i < s.m; i++)
            for (int64_t j = 0; j < s.n; j++) y[i * s.n + j] = cv[i * s.c_rs + j * s.c_cs];
    struct sgemm_args ga = {
        .trans_a = p->trans_a, .trans_b = p->trans_b, .m = s.m, .n = s.n, .k = s.k,
        .alpha = p->alpha, .a = a, .lda = at->dims[1], .b = b, .ldb = bt->dims[1],
        .beta = with_c ? p->beta : 0.0f, .c = y, .ldc = s.n,
        .b_prepacked = prepacked_by_ort(c, 1),
    };
    st = sgemm(c, &ga);
    if (st) return st;
    nn_store_f32(yt, y);
    return FY_OK;
}

/* ---- MatMul ----
 * numpy.matmul: a 1-D A is a row [1, K] and a 1-D B a column [K, 1], the
 * added dim dropped from the result; dims before the last two broadcast. */

struct mm_shape {
    int64_t m, n, k;
    int brank;                       /* batch dims of the output */
    int64_t bdims[OP_MAX_RANK];
    int64_t a_str[OP_MAX_RANK];      /* in matrices; 0 where A is broadcast */
    int64_t b_str[OP_MAX_RANK];
    int64_t batches;
    int out_rank;
    int64_t out_dims[OP_MAX_RANK];
};

static fy_status mm_shape(struct op_ctx *c, struct mm_shape *s)
{
    const struct op_tensor *a = c->in[0], *b = c->in[1];
    char b1[96], b2[96];
    if (a->rank < 1 || b->rank < 1)
        return op_fail(c, FY_EINVALID, "A has shape %s and B %s; MatMul needs rank >= 1",
                       nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2));
    s->m = a->rank == 1 ? 1 : a->dims[a->rank - 2];
    s->k = a->dims[a->rank - 1];
    int64_t kb = b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2];
    s->n = b->rank == 1 ? 1 : b->dims[b->rank - 1];
    if (kb != s->k)
        return op_fail(c, FY_EINVALID, "A has shape %s and B %s: inner dims %lld and %lld differ",
                       nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2),
                       (long long)s->k, (long long)kb);
    int ab = a->rank > 2 ? a->rank - 2 : 0, bb = b->rank > 2 ? b->rank - 2 : 0;
    s->brank = ab > bb ? ab : bb;
    s->batches = 1;
    int64_t as = 1, bs = 1;
    for (int d = s->brank - 1; d >= 0; d--) {
        int da = d - (s->brank - ab), db = d - (s->brank - bb);
        int64_t x = da >= 0 ? a->dims[da] : 1, y = db >= 0 ? b->dims[db] : 1;
        if (x != y && x != 1 && y != 1)
            return op_fail(c, FY_EINVALID,
                           "A has shape %s and B %s: batch dims %lld and %lld do not broadcast",
                           nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2),
                           (long long)x, (long long)y);
        s->bdims[d] = x == 1 ? y : x;
        s->a_str[d] = x == 1 ? 0 : as;
        s->b_str[d] = y == 1 ? 0 : bs;
        as *= x;
        bs *= y;
        s->batches *= s->bdims[d];
    }
    s->out_rank = 0;
    for (int d = 0; d < s->brank; d++) s->out_dims[s->out_rank++] = s->bdims[d];
    if (a->rank > 1) s->out_dims[s->out_rank++] = s->m;
    if (b->rank > 1) s->out_dims[s->out_rank++] = s->n;
    return FY_OK;
}

/* Matrix offsets (in elements) of A and B for output batch i. */
static void mm_offsets(const struct mm_shape *s, int64_t i, int64_t *ao, int64_t *bo)
{
    int64_t a = 0, b = 0;
    for (int d = s->brank - 1; d >= 0; d--) {
        int64_t c = i % s->bdims[d];
        i /= s->bdims[d];
        a += c * s->a_str[d];
        b += c * s->b_str[d];
    }
    *ao = a * s->m * s->k;
    *bo = b * s->k * s->n;
}

static const enum ir_dtype matmul_types[] = {IR_F32, IR_F16, IR_BF16, IR_F64,
                                             IR_I32, IR_I64, IR_U32, IR_U64};

fy_status nn_matmul_infer(struct op_ctx *c)
{
    fy_status st = op_expect_dtype(c, 0, matmul_types, 8);
    if (!st) st = op_expect_same_dtype(c, 0, 1);
    if (st) return st;
    struct mm_shape s;
    st = mm_shape(c, &s);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, s.out_rank, s.out_dims);
}

/* Reference: y[b, i, j] = sum_k a[b, i, k] * b[b, k, j], in double. */
static void matmul_reference(const struct mm_shape *s, const double *a, const double *b,
                             double *y)
{
    for (int64_t t = 0; t < s->batches; t++) {
        int64_t ao, bo;
        mm_offsets(s, t, &ao, &bo);
        const double *am = a + ao, *bm = b + bo;
        double *ym = y + t * s->m * s->n;
        for (int64_t i = 0; i < s->m; i++)
            for (int64_t j = 0; j < s->n; j++) {
                double acc = 0;
                for (int64_t k = 0; k < s->k; k++) acc += am[i * s->k + k] * bm[k * s->n + j];
                ym[i * s->n + j] = acc;
            }
    }
}

static void matmul_integer_types(const struct mm_shape *s, const struct op_tensor *a,
                                 const struct op_tensor *b, struct op_tensor *y)
{
    for (int64_t t = 0; t < s->batches; t++) {
        int64_t ao, bo;
        mm_offsets(s, t, &ao, &bo);
        for (int64_t i = 0; i < s->m; i++)
            for (int64_t j = 0; j < s->n; j++) {
                uint64_t acc = 0;
                for (int64_t k = 0; k < s->k; k++)
                    acc += (uint64_t)op_get_i64(a, (uint64_t)(ao + i * s->k + k)) *
                           (uint64_t)op_get_i64(b, (uint64_t)(bo + k * s->n + j));
                op_set_i64(y, (uint64_t)((t * s->m + i) * s->n + j), (int64_t)acc);
            }
    }
}

static fy_status matmul_f32(struct op_ctx *c, const struct mm_shape *s, const float *a,
                            const float *b, float *y)
{
    bool packed = prepacked_by_ort(c, 1);
    /* B shared by every batch and A not broadcast: one product with the
     * batches stacked as rows ([batches * M, K] x [K, N]) */
    bool b_shared = true, a_full = true;
    for (int d = 0; d < s->brank; d++) {
        if (s->b_str[d]) b_shared = false;
        if (!s->a_str[d] && s->bdims[d] != 1) a_full = false;
    }
    if (b_shared && a_full) {
        struct sgemm_args ga = {.m = s->batches * s->m, .n = s->n, .k = s->k, .alpha = 1,
                                .a = a, .lda = s->k, .b = b, .ldb = s->n,
                                .beta = 0, .c = y, .ldc = s->n, .b_prepacked = packed};
        return sgemm(c, &ga);
    }
    for (int64_t t = 0; t < s->batches; t++) {
        int64_t ao, bo;
        mm_offsets(s, t, &ao, &bo);
        struct sgemm_args ga = {.m = s->m, .n = s->n, .k = s->k, .alpha = 1,
                                .a = a + ao, .lda = s->k, .b = b + bo, .ldb = s->n,
                                .beta = 0, .c = y + t * s->m * s->n, .ldc = s->n,
                                .b_prepacked = packed};
        fy_status st = sgemm(c, &ga);
        if (st) return st;
    }
    return FY_OK;
}

fy_status nn_matmul_eval(struct op_ctx *c)
{
    struct mm_shape s;
    fy_status st = mm_shape(c, &s);
    if (st) return st;
    const struct op_tensor *at = c->in[0], *bt = c->in[1];
    struct op_tensor *yt = c->out[0];
    if (yt->numel == 0) return FY_OK;
    if (is_int_type(yt->dtype)) {
        matmul_integer_types(&s, at, bt, yt);
        return FY_OK;
    }
    if (yt->dtype == IR_F64) {
        matmul_reference(&s, at->data, bt->data, yt->data);
        return FY_OK;
    }
    const float *a = nn_load_f32(c, at), *b = nn_load_f32(c, bt);
    float *y = nn_out_f32(c, yt);
    if (!a || !b || !y) return FY_ENOMEM;
    st = matmul_f32(c, &s, a, b, y);
    if (st) return st;
    nn_store_f32(yt, y);
    return FY_OK;
}

/* ---- MatMulInteger ----
 * (A - a_zero_point) x (B - b_zero_point) in int32. a_zero_point is a
 * scalar, one value per row of A ([M]), or shaped to broadcast to A ([...,
 * M, 1]); b_zero_point a scalar, one per column ([N]) or broadcast to B. */

static const enum ir_dtype int8_types[] = {IR_U8, IR_I8};

static fy_status zero_point_shape(struct op_ctx *c, int zi, int xi, bool per_row)
{
    const struct op_tensor *z = nn_in(c, zi), *x = c->in[xi];
    if (!z) return FY_OK;
    char b1[96], b2[96];
    if (z->dtype != x->dtype)
        return op_fail(c, FY_EINVALID, "input %d has type %s; input %d has type %s", zi,
                       ir_dtype_name(z->dtype), xi, ir_dtype_name(x->dtype));
    if (z->numel == 1) return FY_OK;
    int64_t rows = x->rank >= 2 ? x->dims[x->rank - 2] : 1;
    if (per_row && z->rank == 1 && z->dims[0] == rows) return FY_OK;
    bool ok = z->rank <= x->rank;
    for (int d = 0; ok && d < z->rank; d++) {
        int64_t zd = z->dims[d], xd = x->dims[x->rank - z->rank + d];
        ok = zd == 1 || zd == xd;
    }
    if (!ok)
        return op_fail(c, FY_EINVALID, "zero point %d has shape %s, which does not fit %s", zi,
                       nn_shape_str(z, b1, sizeof b1), nn_shape_str(x, b2, sizeof b2));
    return FY_OK;
}

fy_status nn_matmul_integer_infer(struct op_ctx *c)
{
    fy_status st = op_expect_dtype(c, 0, int8_types, 2);
    if (!st) st = op_expect_dtype(c, 1, int8_types, 2);
    if (!st) st = zero_point_shape(c, 2, 0, true);
    if (!st) st = zero_point_shape(c, 3, 1, false);
    if (st) return st;
    struct mm_shape s;
    st = mm_shape(c, &s);
    if (st) return st;
    return op_set_output(c, 0, IR_I32, s.out_rank, s.out_dims);
}

/* x - z as doubles, z broadcast to x's shape (per_row: a [M] z is [M, 1]). */
static double *minus_zero_point(struct op_ctx *c, const struct op_tensor *x,
                                const struct op_tensor *z, bool per_row)
{
    double *v = op_scratch(c, (size_t)x->numel * sizeof(double) + 8);
    if (!v) return NULL;
    int64_t strides[OP_MAX_RANK] = {0};
    bool scalar = !z || z->numel == 1;
    int64_t rows = x->rank >= 2 ? x->dims[x->rank - 2] : 1;
    bool row_vector = !scalar && per_row && z->rank == 1 && z->dims[0] == rows && x->rank >= 2;
    if (!scalar && !row_vector) op_broadcast_strides(z, x->rank, x->dims, strides);
    int64_t coord[OP_MAX_RANK] = {0};
    for (uint64_t e = 0; e < x->numel; e++) {
        int64_t zi = 0;
        if (row_vector) {
            zi = coord[x->rank - 2];
        } else if (!scalar) {
            for (int d = 0; d < x->rank; d++) zi += coord[d] * strides[d];
        }
        double zp = z ? (double)op_get_i64(z, (uint64_t)zi) : 0;
        v[e] = (double)op_get_i64(x, e) - zp;
        for (int d = x->rank - 1; d >= 0; d--) {
            if (++coord[d] < x->dims[d]) break;
            coord[d] = 0;
        }
    }
    return v;
}

fy_status nn_matmul_integer_eval(struct op_ctx *c)
{
    struct mm_shape s;
    fy_status st = mm_shape(c, &s);
    if (st) return st;
    struct op_tensor *yt = c->out[0];
    double *a = minus_zero_point(c, c->in[0], nn_in(c, 2), true);
    double *b = minus_zero_point(c, c->in[1], nn_in(c, 3), false);
    double *y = op_scratch(c, (size_t)yt->numel * sizeof(double) + 8);
    if (!a || !b || !y) return FY_ENOMEM;
    matmul_reference(&s, a, b, y);
    int32_t *out = yt->data;
    for (uint64_t i = 0; i < yt->numel; i++) out[i] = (int32_t)(int64_t)y[i];
    return FY_OK;
}
