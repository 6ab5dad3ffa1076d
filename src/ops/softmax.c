/* Softmax, LogSoftmax, Hardmax.
 *
 * Opsets 1-12 coerce the input to 2-D: rows are dims[0:axis] (axis default
 * 1), and each row, dims[axis:] flattened, is normalized as a whole. From
 * opset 13 the op works along the single dim `axis` (default -1).
 *
 * With m = max and s = sum(exp(x - m)) over a line, softmax is
 * exp(x - m) / s and logsoftmax x - m - log(s); hardmax puts 1 at the first
 * maximum of each line and 0 elsewhere. The reference path computes in
 * double; float32 has a fast path (expf, the sum in double). */
#include <math.h>

#include "ops/reduce.h"

enum sm_kind { SM_SOFTMAX, SM_LOG, SM_HARD };

fy_status softmax_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err)
{
    struct softmax_params *p = params;
    p->coerce_2d = opset < 13;
    return op_attr_int(n, "axis", p->coerce_2d ? 1 : -1, &p->axis, err);
}

fy_status softmax_infer(struct op_ctx *c)
{
    const struct softmax_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
    fy_status st = op_expect_dtype(c, 0, floats, c->opset >= 13 ? 4 : 3);
    if (st) return st;
    int ax;
    if (p->coerce_2d && x->rank == 0) {
        /* a scalar is one row of one element */
        if (p->axis != 0 && p->axis != -1)
            return op_fail(c, FY_EINVALID, "axis %lld is out of range for rank 0",
                           (long long)p->axis);
    } else {
        st = op_axis(c, p->axis, x->rank, "axis", &ax);
        if (st) return st;
    }
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

/* lines = outer * inner; line (o, i) has n elements at stride inner. */
struct sm_job {
    enum sm_kind kind;
    const struct op_tensor *x;
    struct op_tensor *y;
    int64_t outer, n, inner;
};

#define SM_CHUNK 512 /* contiguous elements converted per step */
#define SM_COLS 64   /* lines processed side by side when inner > 1 */

/* float32 fast path of softmax / logsoftmax over one contiguous line:
 * exp in float (expf is within an ulp; the sum is kept in double), and the
 * exponentials stored once and scaled instead of computed twice. */
static void sm_row_f32(enum sm_kind kind, const float *x, float *y, int64_t n)
{
    float m = x[0];
    for (int64_t i = 1; i < n; i++)
        if (x[i] > m) m = x[i];
    double sum = 0;
    if (kind == SM_LOG) {
        for (int64_t i = 0; i < n; i++) sum += expf(x[i] - m);
        float ls = (float)log(sum);
        for (int64_t i = 0; i < n; i++) y[i] = x[i] - m - ls;
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        float ev = expf(x[i] - m);
        y[i] = ev;
        sum += ev;
    }
    float inv = (float)(1.0 / sum);
    for (int64_t i = 0; i < n; i++) y[i] *= inv;
}

/* The same for SM_COLS lines side by side: rows of w contiguous values,
 * line i at column i, n rows `stride` apart. */
static void sm_cols_f32(enum sm_kind kind, const float *x, float *y, int64_t n, int64_t stride,
                        int64_t w)
{
    float m[SM_COLS];
    double sum[SM_COLS];
    for (int64_t i = 0; i < w; i++) {
        m[i] = x[i];
        sum[i] = 0;
    }
    for (int64_t k = 1; k < n; k++)
        for (int64_t i = 0; i < w; i++)
            if (x[k * stride + i] > m[i]) m[i] = x[k * stride + i];
    if (kind == SM_LOG) {
        for (int64_t k = 0; k < n; k++)
            for (int64_t i = 0; i < w; i++) sum[i] += expf(x[k * stride + i] - m[i]);
        float ls[SM_COLS];
        for (int64_t i = 0; i < w; i++) ls[i] = (float)log(sum[i]);
        for (int64_t k = 0; k < n; k++)
            for (int64_t i = 0; i < w; i++) y[k * stride + i] = x[k * stride + i] - m[i] - ls[i];
        return;
    }
    for (int64_t k = 0; k < n; k++)
        for (int64_t i = 0; i < w; i++) {
            float ev = expf(x[k * stride + i] - m[i]);
            y[k * stride + i] = ev;
            sum[i] += ev;
        }
    float inv[SM_COLS];
    for (int64_t i = 0; i < w; i++) inv[i] = (float)(1.0 / sum[i]);
    for (int64_t k = 0; k < n; k++)
        for (int64_t i = 0; i < w; i++) y[k * stride + i] *= inv[i];
}

/* inner == 1: each line is contiguous. */
static void sm_range_rows(void *arg, int64_t b, int64_t e)
{
    const struct sm_job *j = arg;
    double buf[SM_CHUNK];
    int64_t n = j->n;
    for (int64_t o = b; o < e; o++) {
        if (j->kind != SM_HARD && j->x->dtype == IR_F32) {
            sm_row_f32(j->kind, (const float *)j->x->data + o * n, (float *)j->y->data + o * n,
                       n);
            continue;
        }
        uint64_t base = (uint64_t)(o * n);
        double m = -INFINITY;
        int64_t arg_m = 0;
        for (int64_t s = 0; s < n; s += SM_CHUNK) {
            int64_t len = n - s < SM_CHUNK ? n - s : SM_CHUNK;
            rx_read_f64(j->x, base + (uint64_t)s, len, buf);
            for (int64_t i = 0; i < len; i++)
                if (s + i == 0 || buf[i] > m) {
                    m = buf[i];
                    arg_m = s + i;
                }
        }
        if (j->kind == SM_HARD) {
            for (int64_t s = 0; s < n; s += SM_CHUNK) {
                int64_t len = n - s < SM_CHUNK ? n - s : SM_CHUNK;
                for (int64_t i = 0; i < len; i++) buf[i] = s + i == arg_m ? 1.0 : 0.0;
                rx_write_f64(j->y, base + (uint64_t)s, len, buf);
            }
            continue;
        }
        /* an infinite maximum gives NaN (inf - inf), as numpy's and ONNX
         * Runtime's exp(x - max) do */
        double shift = m;
        double sum = 0;
        for (int64_t s = 0; s < n; s += SM_CHUNK) {
            int64_t len = n - s < SM_CHUNK ? n - s : SM_CHUNK;
            rx_read_f64(j->x, base + (uint64_t)s, len, buf);
            for (int64_t i = 0; i < len; i++) sum += exp(buf[i] - shift);
        }
        double ls = log(sum), inv = 1.0 / sum;
        for (int64_t s = 0; s < n; s += SM_CHUNK) {
            int64_t len = n - s < SM_CHUNK ? n - s : SM_CHUNK;
            rx_read_f64(j->x, base + (uint64_t)s, len, buf);
            if (j->kind == SM_LOG)
                for (int64_t i = 0; i < len; i++) buf[i] = buf[i] - shift - ls;
            else
                for (int64_t i = 0; i < len; i++) buf[i] = exp(buf[i] - shift) * inv;
            rx_write_f64(j->y, base + (uint64_t)s, len, buf);
        }
    }
}

/* inner > 1: item = (outer o, block of SM_COLS lines); rows of the block are
 * contiguous runs, so the lines advance together. */
static void sm_range_cols(void *arg, int64_t b, int64_t e)
{
    const struct sm_job *j = arg;
    int64_t blocks = (j->inner + SM_COLS - 1) / SM_COLS;
    double m[SM_COLS], sum[SM_COLS], buf[SM_COLS];
    int64_t am[SM_COLS];
    for (int64_t it = b; it < e; it++) {
        int64_t o = it / blocks, i0 = (it % blocks) * SM_COLS;
        int64_t w = j->inner - i0 < SM_COLS ? j->inner - i0 : SM_COLS;
        uint64_t base = (uint64_t)(o * j->n * j->inner + i0);
        if (j->kind != SM_HARD && j->x->dtype == IR_F32) {
            sm_cols_f32(j->kind, (const float *)j->x->data + base, (float *)j->y->data + base,
                        j->n, j->inner, w);
            continue;
        }
        for (int64_t k = 0; k < j->n; k++) {
            rx_read_f64(j->x, base + (uint64_t)(k * j->inner), w, buf);
            for (int64_t i = 0; i < w; i++)
                if (k == 0 || buf[i] > m[i]) {
                    m[i] = buf[i];
                    am[i] = k;
                }
        }
        if (j->kind == SM_HARD) {
            for (int64_t k = 0; k < j->n; k++) {
                for (int64_t i = 0; i < w; i++) buf[i] = am[i] == k ? 1.0 : 0.0;
                rx_write_f64(j->y, base + (uint64_t)(k * j->inner), w, buf);
            }
            continue;
        }
        for (int64_t i = 0; i < w; i++) sum[i] = 0;
        for (int64_t k = 0; k < j->n; k++) {
            rx_read_f64(j->x, base + (uint64_t)(k * j->inner), w, buf);
            for (int64_t i = 0; i < w; i++) sum[i] += exp(buf[i] - m[i]);
        }
        for (int64_t k = 0; k < j->n; k++) {
            rx_read_f64(j->x, base + (uint64_t)(k * j->inner), w, buf);
            if (j->kind == SM_LOG)
                for (int64_t i = 0; i < w; i++) buf[i] = buf[i] - m[i] - log(sum[i]);
            else
                for (int64_t i = 0; i < w; i++) buf[i] = exp(buf[i] - m[i]) / sum[i];
            rx_write_f64(j->y, base + (uint64_t)(k * j->inner), w, buf);
        }
    }
}

static fy_status sm_run(struct op_ctx *c, enum sm_kind kind)
{
    const struct softmax_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct sm_job j = {.kind = kind, .x = x, .y = c->out[0], .outer = 1, .n = 1, .inner = 1};
    int ax = x->rank == 0 ? 0 : (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    for (int d = 0; d < ax; d++) j.outer *= x->dims[d];
    if (p->coerce_2d) {
        for (int d = ax; d < x->rank; d++) j.n *= x->dims[d];
    } else {
        j.n = x->rank ? x->dims[ax] : 1;
        for (int d = ax + 1; d < x->rank; d++) j.inner *= x->dims[d];
    }
    if (x->numel == 0) return FY_OK;
    if (j.inner == 1) {
        op_parallel_for(c, j.outer, 16384 / j.n + 1, sm_range_rows, &j);
    } else {
        int64_t blocks = (j.inner + SM_COLS - 1) / SM_COLS;
        op_parallel_for(c, j.outer * blocks, 16384 / (j.n * SM_COLS) + 1, sm_range_cols, &j);
    }
    return FY_OK;
}

fy_status softmax_eval(struct op_ctx *c) { return sm_run(c, SM_SOFTMAX); }
fy_status logsoftmax_eval(struct op_ctx *c) { return sm_run(c, SM_LOG); }
fy_status hardmax_eval(struct op_ctx *c) { return sm_run(c, SM_HARD); }
