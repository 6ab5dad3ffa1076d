/* The tfl.* ops (src/ops/tfl_*.c) on one-node models, fed without
 * quantization on the input tensors (as the CLI feeds them: the family's
 * wrapper must take it from the model).
 *
 * Expected values come from:
 *  - TFLite Micro's kernel tests (tensorflow/lite/micro/kernels/*_test.cc at
 *    tflite-micro 90b983c2b3): the float CONV_2D, DEPTHWISE_CONV_2D and
 *    TRANSPOSE_CONV examples; their integer variants here use scales chosen
 *    so that every multiplier is a power of two and the quantized result is
 *    the float golden exactly;
 *  - TensorFlow's documentation of tf.strided_slice (its three examples);
 *  - hand computation with TFLite's reference formulas, written out next to
 *    each case (ADD's rounding, average pooling's rounding, QUANTIZE's
 *    round-half-away-from-zero, MEAN's folded multiplier, ...). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"
#include "ir/ir.h"
#include "t.h"

#define MAX_IN 8

struct tm {
    struct ir_model *m;
    struct ir_node *n;
    struct interp *ip;
    struct op_tensor in[MAX_IN];
    const struct op_tensor *feed[MAX_IN];
    int n_feed;
    struct op_tensor *out[2];
    int n_out;
    struct fy_error err;
};

static bool tm_new(struct tm *t, enum ir_op op, int n_in, int n_out)
{
    memset(t, 0, sizeof *t);
    t->m = ir_model_new(&t->err);
    if (!t->m) return false;
    t->m->format = IR_FORMAT_TFLITE;
    struct ir_graph *g = t->m->graph;
    t->n = ir_graph_add_node(g, op, ir_op_name(op) + 4, "", "node0", n_in, n_out, &t->err);
    if (!t->n) return false;
    t->n->rounding = IR_ROUND_TFLITE;
    static const char *const names[2] = {"y0", "y1"};
    for (int i = 0; i < n_out; i++) {
        struct ir_tensor *y = ir_graph_add_tensor(g, names[i], &t->err);
        if (!y || ir_node_set_output(t->n, i, y, &t->err) || ir_graph_add_output(g, y, &t->err))
            return false;
    }
    t->n_out = n_out;
    return true;
}

static struct ir_quant *q1(struct tm *t, float scale, int64_t zp)
{
    struct ir_quant *q = ARENA_NEW(&t->m->arena, struct ir_quant);
    float *s = ARENA_ARRAY(&t->m->arena, 1, float);
    int64_t *z = ARENA_ARRAY(&t->m->arena, 1, int64_t);
    s[0] = scale;
    z[0] = zp;
    q->axis = -1;
    q->count = 1;
    q->scale = s;
    q->zero_point = z;
    return q;
}

static struct ir_quant *qaxis(struct tm *t, int axis, int count, const float *scales)
{
    struct ir_quant *q = ARENA_NEW(&t->m->arena, struct ir_quant);
    float *s = ARENA_ARRAY(&t->m->arena, count, float);
    int64_t *z = ARENA_ARRAY(&t->m->arena, count, int64_t);
    memcpy(s, scales, sizeof(float) * (size_t)count);
    q->axis = axis;
    q->count = count;
    q->scale = s;
    q->zero_point = z;
    return q;
}

static const char *const in_names[MAX_IN] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"};

/* A graph input: the fed op_tensor carries no quantization. */
static void tm_input(struct tm *t, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                     const double *vals, struct ir_quant *q)
{
    struct ir_tensor *x = ir_graph_add_tensor(t->m->graph, in_names[i], &t->err);
    if (!x || ir_graph_add_input(t->m->graph, x, &t->err)) return;
    x->dtype = dt;
    x->quant = q;
    t->n->inputs[i] = x;
    op_tensor_alloc(&t->in[i], dt, rank, dims, &t->err);
    for (uint64_t k = 0; k < t->in[i].numel; k++) op_set_f64(&t->in[i], k, vals[k]);
    t->feed[t->n_feed++] = &t->in[i];
}

static void tm_const(struct tm *t, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                     const double *vals, struct ir_quant *q)
{
    struct ir_tensor *x = ir_graph_add_tensor(t->m->graph, in_names[i], &t->err);
    if (!x || ir_tensor_set_shape(t->m->graph, x, rank, dims, &t->err)) return;
    x->dtype = dt;
    x->quant = q;
    x->kind = IR_TENSOR_CONST;
    struct op_tensor v = {.dtype = dt, .rank = rank};
    uint64_t n = 1;
    for (int d = 0; d < rank; d++) n *= (uint64_t)dims[d];
    uint64_t nb = 0;
    ir_dtype_nbytes(dt, n, &nb);
    v.data = arena_alloc(&t->m->arena, (size_t)(nb ? nb : 1), 64);
    v.numel = n;
    for (uint64_t k = 0; k < n; k++) op_set_f64(&v, k, vals[k]);
    x->data = v.data;
    x->nbytes = nb;
    ir_graph_add_initializer(t->m->graph, x, &t->err);
    t->n->inputs[i] = x;
}

static void tm_out(struct tm *t, int k, enum ir_dtype dt, struct ir_quant *q)
{
    t->n->outputs[k]->dtype = dt;
    t->n->outputs[k]->quant = q;
}

static void tm_int(struct tm *t, const char *name, int64_t v)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_INT, &t->err);
    if (a) a->v.i = v;
}

static void tm_float(struct tm *t, const char *name, float v)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_FLOAT, &t->err);
    if (a) a->v.f = v;
}

static void tm_string(struct tm *t, const char *name, const char *v)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_STRING, &t->err);
    if (a) {
        a->v.s.data = (const uint8_t *)v;
        a->v.s.size = strlen(v);
    }
}

static fy_status tm_run(struct tm *t)
{
    struct interp_options opt = {.threads = 2};
    memset(&t->err, 0, sizeof t->err);
    fy_status st = interp_create(t->m, &opt, &t->ip, &t->err);
    if (st) return st;
    return interp_run(t->ip, t->feed, t->n_feed, t->out, t->n_out, &t->err);
}

static void tm_free(struct tm *t)
{
    interp_destroy(t->ip);
    for (int i = 0; i < MAX_IN; i++) op_tensor_release(&t->in[i]);
    ir_model_free(t->m);
}

static bool expect(struct tm *t, int k, int rank, const int64_t *dims, const double *want,
                   double tol, const char *what)
{
    const struct op_tensor *y = t->out[k];
    if (!T_CHECK(y != NULL, "%s: no output (%s)", what, t->err.message)) return false;
    if (!T_CHECK(y->rank == rank, "%s: rank %d, want %d", what, y->rank, rank)) return false;
    for (int d = 0; d < rank; d++)
        if (!T_CHECK(y->dims[d] == dims[d], "%s: dim %d is %lld, want %lld", what, d,
                     (long long)y->dims[d], (long long)dims[d]))
            return false;
    for (uint64_t i = 0; i < y->numel; i++)
        if (!T_CHECK(fabs(op_get_f64(y, i) - want[i]) <= tol, "%s: [%llu] = %g, want %g", what,
                     (unsigned long long)i, op_get_f64(y, i), want[i]))
            return false;
    return true;
}

/* ---- convolutions: TFLM's float examples, and exact integer variants ---- */

/* conv_test.cc: input [1,2,4,1], filter [3,2,2,1], bias {1,2,3}, VALID, stride 2 */
static const double conv_x[] = {1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4};
static const double conv_w[] = {1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1};
static const double conv_b[] = {1, 2, 3};
static const double conv_y[] = {18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3};

static void conv_setup(struct tm *t, enum ir_dtype xt, struct ir_quant *xq, enum ir_dtype wt,
                       struct ir_quant *wq, const double *w, enum ir_dtype bt, const double *b)
{
    const int64_t xd[] = {2, 2, 4, 1}, wd[] = {3, 2, 2, 1}, bd[] = {3};
    tm_new(t, IR_OP_TFL_CONV_2D, 3, 1);
    tm_input(t, 0, xt, 4, xd, conv_x, xq);
    tm_const(t, 1, wt, 4, wd, w, wq);
    tm_const(t, 2, bt, 1, bd, b, NULL);
    tm_string(t, "padding", "VALID");
    tm_int(t, "stride_w", 2);
    tm_int(t, "stride_h", 2);
}

TEST(tfl_conv2d_float_matches_tflm_example)
{
    struct tm t;
    conv_setup(&t, IR_F32, NULL, IR_F32, NULL, conv_w, IR_F32, conv_b);
    tm_out(&t, 0, IR_F32, NULL);
    const int64_t yd[] = {2, 1, 2, 3};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, conv_y, 0, "conv float");
    tm_free(&t);
}

TEST(tfl_conv2d_int8_per_channel_is_exact)
{
    /* x scale 0.5 (q = 2x); filter scales {1, 0.5, 0.25} per output channel
     * (q = w / s); bias q = b / (0.5 s); y scale 1: every multiplier
     * 0.5 s / 1 is a power of two and the result is the golden exactly */
    struct tm t;
    double xq[16], wq[12], bq[3];
    const float ws[3] = {1, 0.5f, 0.25f};
    for (int i = 0; i < 16; i++) xq[i] = 2 * conv_x[i];
    for (int i = 0; i < 12; i++) wq[i] = conv_w[i] / ws[i / 4];
    for (int i = 0; i < 3; i++) bq[i] = conv_b[i] / (0.5 * ws[i]);
    memcpy(conv_x_buf_unused(), NULL, 0);
    tm_new(&t, IR_OP_TFL_CONV_2D, 3, 1);
    const int64_t xd[] = {2, 2, 4, 1}, wd[] = {3, 2, 2, 1}, bd[] = {3}, yd[] = {2, 1, 2, 3};
    tm_input(&t, 0, IR_I8, 4, xd, xq, q1(&t, 0.5f, 0));
    tm_const(&t, 1, IR_I8, 4, wd, wq, qaxis(&t, 0, 3, ws));
    tm_const(&t, 2, IR_I32, 1, bd, bq, NULL);
    tm_string(&t, "padding", "VALID");
    tm_int(&t, "stride_w", 2);
    tm_int(&t, "stride_h", 2);
    tm_out(&t, 0, IR_I8, q1(&t, 1.0f, 0));
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, conv_y, 0, "conv int8");
    tm_free(&t);
}
