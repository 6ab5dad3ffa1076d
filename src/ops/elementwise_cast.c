/* Cast and CastLike: between every numeric type ferry holds, bool, and
 * strings (decimal text, as numpy writes and reads it, which is what the
 * ONNX reference and its test data use).
 *
 * Numeric rules (C's conversions, made defined where C leaves them
 * undefined): float to integer truncates toward zero, NaN becomes 0 and
 * values outside int64/uint64 clamp; integer to narrower integer wraps;
 * anything to bool is "not zero" (NaN is true); float16/bfloat16 go through
 * float32. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/half.h"
#include "ops/elementwise_impl.h"

/* ONNX TensorProto.DataType codes, as `to` holds them, to ferry's dtypes.
 * (ops sits below formats/onnx, so it keeps this small copy.) Types ferry
 * does not hold are named so the error can say which. */
struct cast_code {
    enum ir_dtype dt; /* IR_UNDEFINED: not held by ferry */
    const char *name;
};
static const struct cast_code cast_codes[] = {
    {IR_UNDEFINED, "undefined"},
    {IR_F32, "float"},
    {IR_U8, "uint8"},
    {IR_I8, "int8"},
    {IR_U16, "uint16"},
    {IR_I16, "int16"},
    {IR_I32, "int32"},
    {IR_I64, "int64"},
    {IR_STRING, "string"},
    {IR_BOOL, "bool"},
    {IR_F16, "float16"},
    {IR_F64, "double"},
    {IR_U32, "uint32"},
    {IR_U64, "uint64"},
    {IR_C64, "complex64"},
    {IR_C128, "complex128"},
    {IR_BF16, "bfloat16"},
    {IR_UNDEFINED, "float8e4m3fn"},
    {IR_UNDEFINED, "float8e4m3fnuz"},
    {IR_UNDEFINED, "float8e5m2"},
    {IR_UNDEFINED, "float8e5m2fnuz"},
    {IR_U4, "uint4"},
    {IR_I4, "int4"},
    {IR_UNDEFINED, "float4e2m1"},
    {IR_UNDEFINED, "float8e8m0"},
};

fy_status ew_cast_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct ew_cast_params *p = params;
    int64_t to;
    fy_status st = op_attr_int(n, "to", -1, &to, err);
    if (st) return st;
    if (to < 0) return op_fail_node(n, err, FY_EINVALID, "attribute 'to' is missing");
    if (to == 0 || to >= (int64_t)(sizeof cast_codes / sizeof cast_codes[0]))
        return op_fail_node(n, err, FY_EINVALID, "'to' is %lld, which is not an ONNX data type",
                            (long long)to);
    p->to = cast_codes[to].dt;
    if (p->to == IR_UNDEFINED)
        return op_fail_node(n, err, FY_EUNSUPPORTED, "'to' is %s, a type ferry does not hold",
                            cast_codes[to].name);
    return FY_OK;
}

static fy_status cast_check_target(struct op_ctx *c, enum ir_dtype to)
{
    uint32_t allowed = ew_types_for(c->node->op, c->opset).in0;
    if ((allowed >> to) & 1u) return FY_OK;
    return op_fail(c, FY_EUNSUPPORTED, "casting to %s is not supported at opset %lld",
                   ir_dtype_name(to), (long long)c->opset);
}

fy_status ew_cast_infer(struct op_ctx *c)
{
    const struct ew_cast_params *p = c->params;
    fy_status st = ew_check_inputs(c, 0, 0);
    if (!st) st = cast_check_target(c, p->to);
    if (st) return st;
    return op_set_output(c, 0, p->to, c->in[0]->rank, c->in[0]->dims);
}

fy_status ew_cast_like_infer(struct op_ctx *c)
{
    if (!c->in[1]) return op_fail(c, FY_EINVALID, "input 1 (target_type) is missing");
    fy_status st = ew_check_inputs(c, 0, 0);
    if (!st) st = cast_check_target(c, c->in[1]->dtype);
    if (st) return st;
    return op_set_output(c, 0, c->in[1]->dtype, c->in[0]->rank, c->in[0]->dims);
}

/* ---- numbers to numbers ---- */

/* A source element, read in the widest form that holds it exactly. */
enum num_kind { NUM_FLOAT, NUM_SINT, NUM_UINT };
struct num {
    enum num_kind kind;
    double f;
    int64_t s;
    uint64_t u;
};

static struct num num_get(const struct op_tensor *t, uint64_t i)
{
    struct num v = {NUM_FLOAT, 0, 0, 0};
    if (ir_dtype_table[t->dtype].is_float) {
        v.f = op_get_f64(t, i);
    } else if (ew_is_unsigned(t->dtype)) {
        v.kind = NUM_UINT;
        v.u = (uint64_t)op_get_i64(t, i);
    } else {
        v.kind = NUM_SINT;
        v.s = op_get_i64(t, i);
    }
    return v;
}

/* Float to integer bits: truncation toward zero; NaN is 0; beyond the
 * 64-bit range, the nearest end (C leaves these undefined). */
static uint64_t float_to_bits(double f, bool to_unsigned)
{
    if (isnan(f)) return 0;
    if (to_unsigned && f >= 9.2233720368547758e18)
        return f >= 1.8446744073709552e19 ? UINT64_MAX : (uint64_t)f;
    if (f >= 9.2233720368547758e18) return (uint64_t)INT64_MAX;
    if (f < -9.2233720368547758e18) return (uint64_t)INT64_MIN;
    return (uint64_t)(int64_t)f;
}

/* The 1.12 ONNX reference, whose outputs the test data holds, makes
 * bfloat16 from float32 by dropping the low 16 bits (NaN stays a quiet NaN
 * that way); later ONNX versions round to nearest even instead. Both land
 * within one bfloat16 step of the value. */
static uint16_t bf16_truncate(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    return (uint16_t)(u >> 16);
}

static void num_set(struct op_tensor *t, uint64_t i, struct num v)
{
    void *p = t->data;
    enum ir_dtype dt = t->dtype;
    if (ir_dtype_table[dt].is_float) {
        /* int64/uint64 to float32 converts directly (one rounding) */
        float f = v.kind == NUM_FLOAT ? (float)v.f : (v.kind == NUM_SINT ? (float)v.s : (float)v.u);
        switch (dt) {
        case IR_F32:
            ((float *)p)[i] = f;
            break;
        case IR_F64:
            ((double *)p)[i] =
                v.kind == NUM_FLOAT ? v.f : (v.kind == NUM_SINT ? (double)v.s : (double)v.u);
            break;
        case IR_F16:
            ((uint16_t *)p)[i] = half_from_float(f);
            break;
        default:
            ((uint16_t *)p)[i] = bf16_truncate(f);
            break;
        }
        return;
    }
    if (dt == IR_BOOL) {
        bool b = v.kind == NUM_FLOAT ? v.f != 0 : (v.kind == NUM_SINT ? v.s != 0 : v.u != 0);
        ((uint8_t *)p)[i] = b;
        return;
    }
    uint64_t bits = v.kind == NUM_FLOAT ? float_to_bits(v.f, ew_is_unsigned(dt))
                                        : (v.kind == NUM_SINT ? (uint64_t)v.s : v.u);
    op_set_i64(t, i, (int64_t)bits); /* truncates to the element width */
}

struct cast_job {
    const struct op_tensor *x;
    struct op_tensor *y;
};

static void cast_range(void *arg, int64_t b, int64_t e)
{
    const struct cast_job *j = arg;
    const struct op_tensor *x = j->x;
    struct op_tensor *y = j->y;
    /* the two conversions models are full of, as plain loops */
    if (x->dtype == IR_F32 && y->dtype == IR_F16) {
        const float *s = x->data;
        uint16_t *d = y->data;
        for (int64_t i = b; i < e; i++)
            d[i] = half_from_float(s[i]);
        return;
    }
    if (x->dtype == IR_F16 && y->dtype == IR_F32) {
        const uint16_t *s = x->data;
        float *d = y->data;
        for (int64_t i = b; i < e; i++)
            d[i] = half_to_float(s[i]);
        return;
    }
    for (int64_t i = b; i < e; i++)
        num_set(y, (uint64_t)i, num_get(x, (uint64_t)i));
}

/* ---- numbers to strings ---- */

/* Whether text s reads back as v in the precision of dt. */
static bool reads_back(const char *s, double v, enum ir_dtype dt)
{
    switch (dt) {
    case IR_F64:
        return strtod(s, NULL) == v;
    case IR_F16:
        return half_from_float(strtof(s, NULL)) == half_from_float((float)v);
    case IR_BF16:
        return bf16_from_float(strtof(s, NULL)) == bf16_from_float((float)v);
    default:
        return strtof(s, NULL) == (float)v;
    }
}

/* The shortest decimal that reads back as v in dt's precision, laid out as
 * numpy's str() lays it out: positional for 1e-4 <= |v| < 1e16 (with ".0"
 * on whole numbers), scientific otherwise ("1e-05", "1.5e+16"). */
static int format_float(double v, enum ir_dtype dt, char *buf, size_t cap)
{
    if (isnan(v)) return snprintf(buf, cap, "nan");
    if (isinf(v)) return snprintf(buf, cap, v < 0 ? "-inf" : "inf");
    if (v == 0) return snprintf(buf, cap, signbit(v) ? "-0.0" : "0.0");
    char e[48];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (reads_back(e, v, dt)) break;
    }
    /* e is [-]d[.ddd]e(+|-)xx: collect the digits and the exponent */
    char dig[24];
    int nd = 0;
    const char *q = e;
    for (; *q && *q != 'e'; q++)
        if (isdigit((unsigned char)*q) && nd < (int)sizeof dig - 1) dig[nd++] = *q;
    int x10 = *q == 'e' ? atoi(q + 1) : 0;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = 0;
    const char *sign = v < 0 ? "-" : "";
    double av = fabs(v);
    if (av >= 1e-4 && av < 1e16) {
        char out[64];
        size_t k = 0;
        if (x10 < 0) {
            k += (size_t)snprintf(out + k, sizeof out - k, "0.");
            for (int z = 0; z < -x10 - 1; z++)
                out[k++] = '0';
            k += (size_t)snprintf(out + k, sizeof out - k, "%s", dig);
        } else {
            for (int d = 0; d <= x10; d++)
                out[k++] = d < nd ? dig[d] : '0';
            out[k++] = '.';
            if (nd > x10 + 1)
                k += (size_t)snprintf(out + k, sizeof out - k, "%s", dig + x10 + 1);
            else
                out[k++] = '0';
            out[k] = 0;
        }
        return snprintf(buf, cap, "%s%s", sign, out);
    }
    return snprintf(buf, cap, "%s%c%s%se%c%02d", sign, dig[0], nd > 1 ? "." : "", dig + 1,
                    x10 < 0 ? '-' : '+', abs(x10));
}

/* Longest text one element can need: a float64 in scientific form or an
 * int64 with sign. */
#define CAST_TEXT_MAX 40

/* The output's strings need bytes that live as long as the output: they go
 * in the same block as its array of string records (the interpreter frees
 * that array, and with it the text, when it frees the value). */
static fy_status to_strings(struct op_ctx *c, const struct op_tensor *x, struct op_tensor *y)
{
    size_t n = (size_t)y->numel;
    size_t head = (n ? n : 1) * sizeof(struct ir_bytes);
    struct ir_bytes *blk = realloc(y->strings, head + n * CAST_TEXT_MAX);
    if (!blk) return op_fail(c, FY_ENOMEM, "out of memory for %zu strings", n);
    y->strings = blk;
    char *text = (char *)blk + head;
    for (size_t i = 0; i < n; i++) {
        char *s = text + i * CAST_TEXT_MAX;
        int len;
        if (x->dtype == IR_STRING) {
            blk[i] = x->strings[i];
            continue;
        }
        if (ir_dtype_table[x->dtype].is_float)
            len = format_float(op_get_f64(x, i), x->dtype, s, CAST_TEXT_MAX);
        else if (x->dtype == IR_BOOL)
            len = snprintf(s, CAST_TEXT_MAX, "%s", op_get_i64(x, i) ? "True" : "False");
        else if (ew_is_unsigned(x->dtype))
            len = snprintf(s, CAST_TEXT_MAX, "%llu", (unsigned long long)op_get_i64(x, i));
        else
            len = snprintf(s, CAST_TEXT_MAX, "%lld", (long long)op_get_i64(x, i));
        if (len < 0) len = 0;
        if (len >= CAST_TEXT_MAX) len = CAST_TEXT_MAX - 1;
        blk[i].data = (const uint8_t *)s;
        blk[i].size = (size_t)len;
    }
    return FY_OK;
}

/* ---- strings to numbers ---- */

static bool all_space(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == 0;
}

/* Reads one element's text as a number: integers exactly (so int64 values
 * survive), anything else through strtod, which also takes "inf", "+INF",
 * "NaN". "True"/"False" read as 1/0 for bool. */
static bool parse_number(struct ir_bytes b, struct num *v)
{
    char s[128];
    if (b.size == 0 || b.size >= sizeof s) return false;
    memcpy(s, b.data, b.size);
    s[b.size] = 0;
    if (!strcmp(s, "True") || !strcmp(s, "true")) {
        *v = (struct num){NUM_SINT, 0, 1, 0};
        return true;
    }
    if (!strcmp(s, "False") || !strcmp(s, "false")) {
        *v = (struct num){NUM_SINT, 0, 0, 0};
        return true;
    }
    char *end;
    errno = 0;
    if (s[0] != '-') {
        unsigned long long u = strtoull(s, &end, 10);
        if (end != s && all_space(end) && !errno) {
            *v = (struct num){NUM_UINT, 0, 0, (uint64_t)u};
            return true;
        }
    } else {
        long long i = strtoll(s, &end, 10);
        if (end != s && all_space(end) && !errno) {
            *v = (struct num){NUM_SINT, 0, (int64_t)i, 0};
            return true;
        }
    }
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || !all_space(end)) return false;
    *v = (struct num){NUM_FLOAT, d, 0, 0};
    return true;
}

static fy_status from_strings(struct op_ctx *c, const struct op_tensor *x, struct op_tensor *y)
{
    for (uint64_t i = 0; i < x->numel; i++) {
        struct num v;
        struct ir_bytes b = x->strings[i];
        if (!parse_number(b, &v))
            return op_fail(c, FY_EINVALID,
                           "element %llu is \"%.*s\", which does not read as a "
                           "number",
                           (unsigned long long)i, (int)(b.size > 64 ? 64 : b.size),
                           (const char *)b.data);
        num_set(y, i, v);
    }
    return FY_OK;
}

fy_status ew_cast_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    if (y->dtype == IR_STRING) return to_strings(c, x, y);
    if (x->dtype == IR_STRING) return from_strings(c, x, y);
    if (x->dtype == y->dtype) {
        if (y->nbytes) memcpy(y->data, x->data, (size_t)y->nbytes);
        return FY_OK;
    }
    struct cast_job j = {x, y};
    ew_run_flat(c, (int64_t)y->numel, cast_range, &j);
    return FY_OK;
}
