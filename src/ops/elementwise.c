/* Family 'elementwise': unary math and activations, Clip, binary arithmetic,
 * comparison and logic with numpy broadcasting, the variadic Max/Min/Sum/
 * Mean, Where, Cast and CastLike.
 *
 * This file holds what the family shares: the dtypes each op accepts at each
 * opset, the broadcast iterator, and the descriptor table. The kernels live
 * in elementwise_unary.c, elementwise_binary.c and elementwise_cast.c. */
#include <stdio.h>
#include <string.h>

#include "core/half.h"
#include "ops/elementwise_impl.h"

/* ---- dtypes per opset ----
 * One row per version of an op whose accepted types changed, from the ONNX
 * operator definitions (onnx.defs schemas of ONNX 1.12 for opsets up to 17;
 * the onnx.ai operator pages for later versions). A model's opset picks the
 * row with the highest version not above it. */
struct ew_type_row {
    enum ir_op op;
    int since;
    uint32_t in0, in1;
};

static const struct ew_type_row type_rows[] = {
    {IR_OP_ABS, 1, T_FLT3, 0},
    {IR_OP_ABS, 6, T_NUM3, 0},
    {IR_OP_ABS, 13, T_NUM4, 0},
    {IR_OP_NEG, 1, T_FLT3, 0},
    {IR_OP_NEG, 6, T_FLT3 | T_SINT, 0},
    {IR_OP_NEG, 13, T_FLT4 | T_SINT, 0},
    {IR_OP_SQRT, 1, T_FLT3, 0},
    {IR_OP_SQRT, 13, T_FLT4, 0},
    {IR_OP_EXP, 1, T_FLT3, 0},
    {IR_OP_EXP, 13, T_FLT4, 0},
    {IR_OP_LOG, 1, T_FLT3, 0},
    {IR_OP_LOG, 13, T_FLT4, 0},
    {IR_OP_RECIPROCAL, 1, T_FLT3, 0},
    {IR_OP_RECIPROCAL, 13, T_FLT4, 0},
    {IR_OP_FLOOR, 1, T_FLT3, 0},
    {IR_OP_FLOOR, 13, T_FLT4, 0},
    {IR_OP_CEIL, 1, T_FLT3, 0},
    {IR_OP_CEIL, 13, T_FLT4, 0},
    {IR_OP_ROUND, 11, T_FLT3, 0},
    {IR_OP_ROUND, 22, T_FLT4, 0},
    {IR_OP_SIGN, 9, T_NUM3, 0},
    {IR_OP_SIGN, 13, T_NUM4, 0},
    {IR_OP_SIN, 7, T_FLT3, 0},
    {IR_OP_SIN, 22, T_FLT4, 0},
    {IR_OP_COS, 7, T_FLT3, 0},
    {IR_OP_COS, 22, T_FLT4, 0},
    {IR_OP_TAN, 7, T_FLT3, 0},
    {IR_OP_TAN, 22, T_FLT4, 0},
    {IR_OP_ASIN, 7, T_FLT3, 0},
    {IR_OP_ASIN, 22, T_FLT4, 0},
    {IR_OP_ACOS, 7, T_FLT3, 0},
    {IR_OP_ACOS, 22, T_FLT4, 0},
    {IR_OP_ATAN, 7, T_FLT3, 0},
    {IR_OP_ATAN, 22, T_FLT4, 0},
    {IR_OP_SINH, 9, T_FLT3, 0},
    {IR_OP_SINH, 22, T_FLT4, 0},
    {IR_OP_COSH, 9, T_FLT3, 0},
    {IR_OP_COSH, 22, T_FLT4, 0},
    {IR_OP_ASINH, 9, T_FLT3, 0},
    {IR_OP_ASINH, 22, T_FLT4, 0},
    {IR_OP_ACOSH, 9, T_FLT3, 0},
    {IR_OP_ACOSH, 22, T_FLT4, 0},
    {IR_OP_ATANH, 9, T_FLT3, 0},
    {IR_OP_ATANH, 22, T_FLT4, 0},
    {IR_OP_ERF, 9, T_NUM3, 0},
    {IR_OP_ERF, 13, T_NUM4, 0},
    {IR_OP_IS_NA_N, 9, T_FLT3, 0},
    {IR_OP_IS_NA_N, 13, T_FLT4, 0},
    {IR_OP_IS_INF, 10, T_F32 | T_F64, 0},
    {IR_OP_IS_INF, 20, T_FLT4, 0},
    {IR_OP_NOT, 1, T_BOOL, 0},
    {IR_OP_BITWISE_NOT, 18, T_INT, 0},
    {IR_OP_RELU, 1, T_FLT3, 0},
    {IR_OP_RELU, 13, T_FLT4, 0},
    {IR_OP_RELU, 14, T_FLT4 | T_SINT, 0},
    {IR_OP_LEAKY_RELU, 1, T_FLT3, 0},
    {IR_OP_LEAKY_RELU, 16, T_FLT4, 0},
    {IR_OP_P_RELU, 1, T_FLT3, 0},
    {IR_OP_P_RELU, 9, T_FLT3 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_P_RELU, 16, T_FLT4 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_ELU, 1, T_FLT3, 0},
    {IR_OP_ELU, 22, T_FLT4, 0},
    {IR_OP_SELU, 1, T_FLT3, 0},
    {IR_OP_SELU, 22, T_FLT4, 0},
    {IR_OP_CELU, 12, T_F32, 0},
    {IR_OP_GELU, 20, T_FLT4, 0},
    {IR_OP_HARD_SIGMOID, 1, T_FLT3, 0},
    {IR_OP_HARD_SIGMOID, 22, T_FLT4, 0},
    {IR_OP_HARD_SWISH, 14, T_FLT3, 0},
    {IR_OP_HARD_SWISH, 22, T_FLT4, 0},
    {IR_OP_MISH, 18, T_FLT3, 0},
    {IR_OP_MISH, 22, T_FLT4, 0},
    {IR_OP_SOFTPLUS, 1, T_FLT3, 0},
    {IR_OP_SOFTPLUS, 22, T_FLT4, 0},
    {IR_OP_SOFTSIGN, 1, T_FLT3, 0},
    {IR_OP_SOFTSIGN, 22, T_FLT4, 0},
    {IR_OP_THRESHOLDED_RELU, 10, T_FLT3, 0},
    {IR_OP_THRESHOLDED_RELU, 22, T_FLT4, 0},
    {IR_OP_SIGMOID, 1, T_FLT3, 0},
    {IR_OP_SIGMOID, 13, T_FLT4, 0},
    {IR_OP_TANH, 1, T_FLT3, 0},
    {IR_OP_TANH, 13, T_FLT4, 0},
    {IR_OP_SHRINK, 9, T_NUM3, 0},
    {IR_OP_SWISH, 24, T_FLT4, 0},
    {IR_OP_CLIP, 1, T_FLT3, 0},
    {IR_OP_CLIP, 12, T_NUM3, 0},
    {IR_OP_CLIP, 13, T_NUM4, 0},
    {IR_OP_ADD, 1, T_FLT3, 0},
    {IR_OP_ADD, 6, T_FLT3 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_ADD, 13, T_FLT4 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_ADD, 14, T_NUM4, 0},
    {IR_OP_SUB, 1, T_FLT3, 0},
    {IR_OP_SUB, 6, T_FLT3 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_SUB, 13, T_FLT4 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_SUB, 14, T_NUM4, 0},
    {IR_OP_MUL, 1, T_FLT3, 0},
    {IR_OP_MUL, 6, T_FLT3 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_MUL, 13, T_FLT4 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_MUL, 14, T_NUM4, 0},
    {IR_OP_DIV, 1, T_FLT3, 0},
    {IR_OP_DIV, 6, T_FLT3 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_DIV, 13, T_FLT4 | T_I32 | T_U32 | T_I64 | T_U64, 0},
    {IR_OP_DIV, 14, T_NUM4, 0},
    {IR_OP_POW, 1, T_FLT3, 0},
    {IR_OP_POW, 12, T_FLT3 | T_I32 | T_I64, T_NUM3},
    {IR_OP_POW, 13, T_FLT4 | T_I32 | T_I64, T_NUM3},
    {IR_OP_POW, 15, T_FLT4 | T_I32 | T_I64, T_NUM4},
    {IR_OP_MOD, 10, T_NUM3, 0},
    {IR_OP_MOD, 13, T_NUM4, 0},
    {IR_OP_BIT_SHIFT, 11, T_UINT, 0},
    {IR_OP_AND, 1, T_BOOL, 0},
    {IR_OP_OR, 1, T_BOOL, 0},
    {IR_OP_XOR, 1, T_BOOL, 0},
    {IR_OP_BITWISE_AND, 18, T_INT, 0},
    {IR_OP_BITWISE_OR, 18, T_INT, 0},
    {IR_OP_BITWISE_XOR, 18, T_INT, 0},
    {IR_OP_EQUAL, 1, T_I32 | T_I64 | T_BOOL, 0},
    {IR_OP_EQUAL, 11, T_NUM3 | T_BOOL, 0},
    {IR_OP_EQUAL, 13, T_NUM4 | T_BOOL, 0},
    {IR_OP_EQUAL, 19, T_NUM4 | T_BOOL | T_STRING, 0},
    {IR_OP_GREATER, 1, T_FLT3, 0},
    {IR_OP_GREATER, 9, T_NUM3, 0},
    {IR_OP_GREATER, 13, T_NUM4, 0},
    {IR_OP_GREATER_OR_EQUAL, 12, T_NUM3, 0},
    {IR_OP_GREATER_OR_EQUAL, 16, T_NUM4, 0},
    {IR_OP_LESS, 1, T_FLT3, 0},
    {IR_OP_LESS, 9, T_NUM3, 0},
    {IR_OP_LESS, 13, T_NUM4, 0},
    {IR_OP_LESS_OR_EQUAL, 12, T_NUM3, 0},
    {IR_OP_LESS_OR_EQUAL, 16, T_NUM4, 0},
    {IR_OP_MAX, 1, T_FLT3, 0},
    {IR_OP_MAX, 12, T_NUM3, 0},
    {IR_OP_MAX, 13, T_NUM4, 0},
    {IR_OP_MIN, 1, T_FLT3, 0},
    {IR_OP_MIN, 12, T_NUM3, 0},
    {IR_OP_MIN, 13, T_NUM4, 0},
    {IR_OP_MEAN, 1, T_FLT3, 0},
    {IR_OP_MEAN, 13, T_FLT4, 0},
    {IR_OP_SUM, 1, T_FLT3, 0},
    {IR_OP_SUM, 13, T_FLT4, 0},
    /* complex values are only moved, never computed, so Where can take them */
    {IR_OP_WHERE, 9, T_NUM3 | T_BOOL | T_STRING | T_C64 | T_C128, 0},
    {IR_OP_WHERE, 16, T_NUM4 | T_BOOL | T_STRING | T_C64 | T_C128, 0},
    {IR_OP_CAST, 1, T_NUM3 | T_BOOL, 0},
    {IR_OP_CAST, 9, T_NUM3 | T_BOOL | T_STRING, 0},
    {IR_OP_CAST, 13, T_NUM4 | T_BOOL | T_STRING, 0},
    {IR_OP_CAST_LIKE, 15, T_NUM4 | T_BOOL | T_STRING, 0},
};

struct ew_types ew_types_for(enum ir_op op, int64_t opset)
{
    /* An opset older than the op's first version is not valid ONNX; the
     * first version's types are the closest reading of such a model. */
    const struct ew_type_row *best = NULL, *first = NULL;
    for (size_t i = 0; i < sizeof type_rows / sizeof type_rows[0]; i++) {
        const struct ew_type_row *r = &type_rows[i];
        if (r->op != op) continue;
        if (!first) first = r;
        if (r->since <= opset) best = r;
    }
    if (!best) best = first;
    struct ew_types t = {0, 0};
    if (best) {
        t.in0 = best->in0;
        t.in1 = best->in1;
    }
    return t;
}

fy_status ew_check_dtype(const struct op_ctx *c, int input, uint32_t allowed)
{
    const struct op_tensor *t = input < c->n_inputs ? c->in[input] : NULL;
    if (!t) return FY_OK;
    if ((unsigned)t->dtype < 32 && (allowed >> t->dtype) & 1u) return FY_OK;
    char list[320] = "";
    size_t k = 0;
    for (int d = 0; d < IR_DTYPE_COUNT && d < 32 && k < sizeof list - 16; d++)
        if ((allowed >> d) & 1u)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "",
                                  ir_dtype_name((enum ir_dtype)d));
    return op_fail(c, FY_EUNSUPPORTED, "input %d has type %s; %s at opset %lld takes %s", input,
                   ir_dtype_name(t->dtype), c->node->op_type, (long long)c->opset, list);
}

fy_status ew_check_inputs(const struct op_ctx *c, int first, int last)
{
    for (int i = first; i <= last && i < c->n_inputs; i++)
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    fy_status st = op_expect_same_dtype(c, first, last);
    if (st) return st;
    return ew_check_dtype(c, first, ew_types_for(c->node->op, c->opset).in0);
}

/* ---- broadcast iteration ---- */

void ew_iter_init(struct ew_iter *it, int rank, const int64_t *dims,
                  const struct op_tensor *const *in, int k)
{
    int64_t full[EW_MAX_IN][OP_MAX_RANK];
    memset(it, 0, sizeof *it);
    it->k = k;
    it->total = 1;
    for (int d = 0; d < rank; d++)
        it->total *= dims[d];
    for (int i = 0; i < k; i++)
        op_broadcast_strides(in[i], rank, dims, full[i]);
    int r = 0;
    for (int d = 0; d < rank; d++) {
        if (dims[d] == 1) continue; /* contributes nothing to any offset */
        bool merge = r > 0;
        /* dim r-1 (outer) and d (inner) read as one dim of size outer*inner
         * when every input's outer stride is its inner stride times inner */
        for (int i = 0; i < k && merge; i++)
            if (it->st[i][r - 1] != full[i][d] * dims[d]) merge = false;
        if (merge) {
            it->dims[r - 1] *= dims[d];
            for (int i = 0; i < k; i++)
                it->st[i][r - 1] = full[i][d];
            continue;
        }
        it->dims[r] = dims[d];
        for (int i = 0; i < k; i++)
            it->st[i][r] = full[i][d];
        r++;
    }
    if (r == 0) { /* a scalar, or all dims 1: one row of one element */
        it->dims[0] = 1;
        for (int i = 0; i < k; i++)
            it->st[i][0] = 0;
        r = 1;
    }
    it->rank = r;
}

static void iter_range(const struct ew_iter *it, int64_t begin, int64_t end, ew_row_fn fn,
                       void *arg)
{
    const int r = it->rank, k = it->k;
    const int64_t inner = it->dims[r - 1];
    int64_t idx[OP_MAX_RANK], off[EW_MAX_IN] = {0}, step[EW_MAX_IN];
    int64_t rest = begin;
    for (int d = r - 1; d >= 0; d--) {
        idx[d] = rest % it->dims[d];
        rest /= it->dims[d];
        for (int i = 0; i < k; i++)
            off[i] += idx[d] * it->st[i][d];
    }
    for (int i = 0; i < k; i++)
        step[i] = it->st[i][r - 1];
    int64_t pos = begin;
    while (pos < end) {
        int64_t n = inner - idx[r - 1];
        if (n > end - pos) n = end - pos;
        fn(arg, off, step, pos, n);
        pos += n;
        idx[r - 1] += n;
        for (int i = 0; i < k; i++)
            off[i] += n * step[i];
        if (idx[r - 1] < inner) continue;
        /* end of a row: carry into the outer dims */
        idx[r - 1] = 0;
        for (int i = 0; i < k; i++)
            off[i] -= inner * step[i];
        for (int d = r - 2; d >= 0; d--) {
            idx[d]++;
            for (int i = 0; i < k; i++)
                off[i] += it->st[i][d];
            if (idx[d] < it->dims[d]) break;
            idx[d] = 0;
            for (int i = 0; i < k; i++)
                off[i] -= it->dims[d] * it->st[i][d];
        }
    }
}

struct iter_job {
    const struct ew_iter *it;
    ew_row_fn fn;
    void *arg;
};

static void iter_job_range(void *p, int64_t begin, int64_t end)
{
    const struct iter_job *j = p;
    iter_range(j->it, begin, end, j->fn, j->arg);
}

void ew_iter_run(struct op_ctx *c, const struct ew_iter *it, ew_row_fn fn, void *arg)
{
    struct iter_job j = {it, fn, arg};
    op_parallel_for(c, it->total, EW_MIN_CHUNK, iter_job_range, &j);
}

void ew_run_flat(struct op_ctx *c, int64_t n, op_range_fn fn, void *arg)
{
    op_parallel_for(c, n, EW_MIN_CHUNK, fn, arg);
}

void ew_load_f32(const struct op_tensor *t, int64_t off, int64_t st, float *dst, int64_t n)
{
    switch (t->dtype) {
    case IR_F16: {
        const uint16_t *p = (const uint16_t *)t->data + off;
        for (int64_t i = 0; i < n; i++)
            dst[i] = half_to_float(p[i * st]);
        break;
    }
    case IR_BF16: {
        const uint16_t *p = (const uint16_t *)t->data + off;
        for (int64_t i = 0; i < n; i++)
            dst[i] = bf16_to_float(p[i * st]);
        break;
    }
    default: {
        const float *p = (const float *)t->data + off;
        for (int64_t i = 0; i < n; i++)
            dst[i] = p[i * st];
        break;
    }
    }
}

void ew_store_f32(struct op_tensor *t, int64_t off, const float *src, int64_t n)
{
    switch (t->dtype) {
    case IR_F16: {
        uint16_t *p = (uint16_t *)t->data + off;
        for (int64_t i = 0; i < n; i++)
            p[i] = half_from_float(src[i]);
        break;
    }
    case IR_BF16: {
        uint16_t *p = (uint16_t *)t->data + off;
        for (int64_t i = 0; i < n; i++)
            p[i] = bf16_from_float(src[i]);
        break;
    }
    default:
        memcpy((float *)t->data + off, src, (size_t)n * sizeof(float));
        break;
    }
}

/* ---- the family's descriptors ---- */

#define UNARY(e)                                                                                   \
    {                                                                                              \
        IR_OP_##e, 1, 1, 1, 1, sizeof(struct ew_unary_params), ew_unary_parse, ew_unary_infer,     \
            ew_unary_eval                                                                          \
    }
#define BINARY(e)                                                                                  \
    {                                                                                              \
        IR_OP_##e, 2, 2, 1, 1, sizeof(struct ew_binary_params), ew_binary_parse, ew_binary_infer,  \
            ew_binary_eval                                                                         \
    }
#define VARIADIC(e)                                                                                \
    {                                                                                              \
        IR_OP_##e, 1, -1, 1, 1, sizeof(struct ew_variadic_params), ew_variadic_parse,              \
            ew_variadic_infer, ew_variadic_eval                                                    \
    }

const struct op_desc op_family_elementwise[] = {
    /* unary math */
    UNARY(ABS),
    UNARY(NEG),
    UNARY(SQRT),
    UNARY(EXP),
    UNARY(LOG),
    UNARY(RECIPROCAL),
    UNARY(FLOOR),
    UNARY(CEIL),
    UNARY(ROUND),
    UNARY(SIGN),
    UNARY(SIN),
    UNARY(COS),
    UNARY(TAN),
    UNARY(ASIN),
    UNARY(ACOS),
    UNARY(ATAN),
    UNARY(SINH),
    UNARY(COSH),
    UNARY(ASINH),
    UNARY(ACOSH),
    UNARY(ATANH),
    UNARY(ERF),
    UNARY(IS_NA_N),
    UNARY(IS_INF),
    UNARY(NOT),
    UNARY(BITWISE_NOT),
    /* activations */
    UNARY(RELU),
    UNARY(LEAKY_RELU),
    UNARY(ELU),
    UNARY(SELU),
    UNARY(CELU),
    UNARY(GELU),
    UNARY(HARD_SIGMOID),
    UNARY(HARD_SWISH),
    UNARY(MISH),
    UNARY(SOFTPLUS),
    UNARY(SOFTSIGN),
    UNARY(THRESHOLDED_RELU),
    UNARY(SIGMOID),
    UNARY(TANH),
    UNARY(SHRINK),
    UNARY(SWISH),
    {IR_OP_P_RELU, 2, 2, 1, 1, sizeof(struct ew_binary_params), ew_binary_parse, ew_prelu_infer,
     ew_prelu_eval},
    {IR_OP_CLIP, 1, 3, 1, 1, sizeof(struct ew_clip_params), ew_clip_parse, ew_clip_infer,
     ew_clip_eval},
    /* binary, numpy broadcasting */
    BINARY(ADD),
    BINARY(SUB),
    BINARY(MUL),
    BINARY(DIV),
    BINARY(POW),
    BINARY(MOD),
    BINARY(BIT_SHIFT),
    BINARY(AND),
    BINARY(OR),
    BINARY(XOR),
    BINARY(BITWISE_AND),
    BINARY(BITWISE_OR),
    BINARY(BITWISE_XOR),
    BINARY(EQUAL),
    BINARY(GREATER),
    BINARY(GREATER_OR_EQUAL),
    BINARY(LESS),
    BINARY(LESS_OR_EQUAL),
    /* variadic */
    VARIADIC(MAX),
    VARIADIC(MIN),
    VARIADIC(MEAN),
    VARIADIC(SUM),
    {IR_OP_WHERE, 3, 3, 1, 1, 0, NULL, ew_where_infer, ew_where_eval},
    /* conversion */
    {IR_OP_CAST, 1, 1, 1, 1, sizeof(struct ew_cast_params), ew_cast_parse, ew_cast_infer,
     ew_cast_eval},
    {IR_OP_CAST_LIKE, 2, 2, 1, 1, 0, NULL, ew_cast_like_infer, ew_cast_eval},
};
const int op_family_elementwise_count =
    sizeof op_family_elementwise / sizeof op_family_elementwise[0];
