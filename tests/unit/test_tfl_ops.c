/* The tfl.* ops (src/ops/tfl_*.c) on one-node models, fed without
 * quantization on the input tensors (as the CLI feeds them: the family's
 * wrapper must take it from the model).
 *
 * Expected values come from:
 *  - TFLite Micro's kernel tests (tensorflow/lite/micro/kernels/<op>_test.cc at
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
    for (uint64_t k = 0; k < t->in[i].numel; k++)
        op_set_f64(&t->in[i], k, vals[k]);
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
    for (int d = 0; d < rank; d++)
        n *= (uint64_t)dims[d];
    uint64_t nb = 0;
    ir_dtype_nbytes(dt, n, &nb);
    v.data = arena_alloc(&t->m->arena, (size_t)(nb ? nb : 1), 64);
    v.numel = n;
    for (uint64_t k = 0; k < n; k++)
        op_set_f64(&v, k, vals[k]);
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
    for (int i = 0; i < MAX_IN; i++)
        op_tensor_release(&t->in[i]);
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
    for (int i = 0; i < 16; i++)
        xq[i] = 2 * conv_x[i];
    for (int i = 0; i < 12; i++)
        wq[i] = conv_w[i] / ws[i / 4];
    for (int i = 0; i < 3; i++)
        bq[i] = conv_b[i] / (0.5 * ws[i]);
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

TEST(tfl_conv2d_int8_zero_points_and_relu6)
{
    /* the same case with zero points: x zp 3 (q = 2x + 3), y scale 1 zp -5;
     * RELU6 clamps to [q(0), q(6)] = [-5, 1] */
    struct tm t;
    double xq[16], bq[3];
    const float ws[3] = {1, 1, 1};
    for (int i = 0; i < 16; i++)
        xq[i] = 2 * conv_x[i] + 3;
    for (int i = 0; i < 3; i++)
        bq[i] = conv_b[i] / 0.5;
    tm_new(&t, IR_OP_TFL_CONV_2D, 3, 1);
    const int64_t xd[] = {2, 2, 4, 1}, wd[] = {3, 2, 2, 1}, bd[] = {3}, yd[] = {2, 1, 2, 3};
    tm_input(&t, 0, IR_I8, 4, xd, xq, q1(&t, 0.5f, 3));
    tm_const(&t, 1, IR_I8, 4, wd, conv_w, qaxis(&t, 0, 3, ws));
    tm_const(&t, 2, IR_I32, 1, bd, bq, NULL);
    tm_string(&t, "padding", "VALID");
    tm_int(&t, "stride_w", 2);
    tm_int(&t, "stride_h", 2);
    t.n->activation = IR_ACT_RELU6;
    tm_out(&t, 0, IR_I8, q1(&t, 1.0f, -5));
    double want[12];
    for (int i = 0; i < 12; i++)
        want[i] = fmin(conv_y[i], 6) - 5;
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, want, 0, "conv int8 relu6");
    tm_free(&t);
}

TEST(tfl_conv2d_same_padding_and_dilation)
{
    /* 1x3x3x1 input 1..9, 2x2 all-ones filter, SAME, stride 1: TFLite pads
     * (out-1)*stride + k - in = 1 cell at the end only; dilation 2 with a
     * 2x2 filter reads x[y][x] + x[y][x+2] + x[y+2][x] + x[y+2][x+2] */
    struct tm t;
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w[] = {1, 1, 1, 1};
    const int64_t xd[] = {1, 3, 3, 1}, wd[] = {1, 2, 2, 1}, yd[] = {1, 3, 3, 1};
    tm_new(&t, IR_OP_TFL_CONV_2D, 2, 1);
    tm_input(&t, 0, IR_F32, 4, xd, x, NULL);
    tm_const(&t, 1, IR_F32, 4, wd, w, NULL);
    tm_string(&t, "padding", "SAME");
    const double want[] = {12, 16, 9, 24, 28, 15, 15, 17, 9};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, want, 0, "conv SAME");
    tm_free(&t);

    tm_new(&t, IR_OP_TFL_CONV_2D, 2, 1);
    tm_input(&t, 0, IR_F32, 4, xd, x, NULL);
    tm_const(&t, 1, IR_F32, 4, wd, w, NULL);
    tm_string(&t, "padding", "VALID");
    tm_int(&t, "dilation_w_factor", 2);
    tm_int(&t, "dilation_h_factor", 2);
    const int64_t yd1[] = {1, 1, 1, 1};
    const double want1[] = {1 + 3 + 7 + 9};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd1, want1, 0, "conv dilation");
    tm_free(&t);
}

/* depthwise_conv_test.cc SimpleTest: input [1,3,2,2], filter [1,2,2,4]
 * (depth multiplier 2), bias {1,2,3,4}, VALID, stride 1 */
static const double dw_x[] = {1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12};
static const double dw_w[] = {1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16};
static const double dw_b[] = {1, 2, 3, 4};
static const double dw_y[] = {71, -34, 99, -20, 91, -26, 127, -4};

TEST(tfl_depthwise_float_matches_tflm_example)
{
    struct tm t;
    const int64_t xd[] = {1, 3, 2, 2}, wd[] = {1, 2, 2, 4}, bd[] = {4}, yd[] = {1, 2, 1, 4};
    tm_new(&t, IR_OP_TFL_DEPTHWISE_CONV_2D, 3, 1);
    tm_input(&t, 0, IR_F32, 4, xd, dw_x, NULL);
    tm_const(&t, 1, IR_F32, 4, wd, dw_w, NULL);
    tm_const(&t, 2, IR_F32, 1, bd, dw_b, NULL);
    tm_string(&t, "padding", "VALID");
    tm_int(&t, "depth_multiplier", 2);
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, dw_y, 0, "depthwise float");
    tm_free(&t);
}

TEST(tfl_depthwise_int16_int64_bias_is_exact)
{
    /* 16x8: x scale 0.25 (q = 4x), filter scale 1, int64 bias q = 4b, y
     * scale 1: the int64 requantization (multiplier 2^30, shift -1, reduced
     * to 16 bits) divides by 4 exactly */
    struct tm t;
    double xq[12], bq[4];
    for (int i = 0; i < 12; i++)
        xq[i] = 4 * dw_x[i];
    for (int i = 0; i < 4; i++)
        bq[i] = 4 * dw_b[i];
    const float ws[4] = {1, 1, 1, 1};
    const int64_t xd[] = {1, 3, 2, 2}, wd[] = {1, 2, 2, 4}, bd[] = {4}, yd[] = {1, 2, 1, 4};
    tm_new(&t, IR_OP_TFL_DEPTHWISE_CONV_2D, 3, 1);
    tm_input(&t, 0, IR_I16, 4, xd, xq, q1(&t, 0.25f, 0));
    tm_const(&t, 1, IR_I8, 4, wd, dw_w, qaxis(&t, 3, 4, ws));
    tm_const(&t, 2, IR_I64, 1, bd, bq, NULL);
    tm_string(&t, "padding", "VALID");
    tm_int(&t, "depth_multiplier", 2);
    tm_out(&t, 0, IR_I16, q1(&t, 1.0f, 0));
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, dw_y, 0, "depthwise int16");
    tm_free(&t);
}

TEST(tfl_transpose_conv_float_matches_tflm_example)
{
    /* transpose_conv_test.cc: input [1,4,4,2] 1..32, filter [1,3,3,2] 1..18,
     * bias 0, SAME, stride 1, output [1,4,4,1] */
    struct tm t;
    double x[32], w[18];
    for (int i = 0; i < 32; i++)
        x[i] = i + 1;
    for (int i = 0; i < 18; i++)
        w[i] = i + 1;
    const double shape[] = {1, 4, 4, 1}, b[] = {0};
    const double want[] = {184,  412,  568,  528,  678,  1347, 1689, 1434,
                           1494, 2715, 3057, 2442, 1968, 3352, 3652, 2760};
    const int64_t sd[] = {4}, wd[] = {1, 3, 3, 2}, xd[] = {1, 4, 4, 2}, bd[] = {1},
                  yd[] = {1, 4, 4, 1};
    tm_new(&t, IR_OP_TFL_TRANSPOSE_CONV, 4, 1);
    tm_const(&t, 0, IR_I32, 1, sd, shape, NULL);
    tm_const(&t, 1, IR_F32, 4, wd, w, NULL);
    tm_input(&t, 2, IR_F32, 4, xd, x, NULL);
    tm_const(&t, 3, IR_F32, 1, bd, b, NULL);
    tm_string(&t, "padding", "SAME");
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, want, 0, "transpose conv float");
    tm_free(&t);
}

/* ---- FULLY_CONNECTED ---- */

TEST(tfl_fully_connected_int8_per_tensor)
{
    /* x {1,2,3} with scale 1, zp -1 (q {0,1,2}); w {{1,0,-1},{2,1,0}} scale 1;
     * bias {1,-1}; y scale 0.5, zp 10: y0 = 1 - 3 + 1 = -1 -> -2 + 10 = 8,
     * y1 = 2 + 2 - 1 = 3 -> 6 + 10 = 16 */
    struct tm t;
    const double xq[] = {0, 1, 2}, w[] = {1, 0, -1, 2, 1, 0}, b[] = {1, -1};
    const int64_t xd[] = {1, 3}, wd[] = {2, 3}, bd[] = {2}, yd[] = {1, 2};
    tm_new(&t, IR_OP_TFL_FULLY_CONNECTED, 3, 1);
    tm_input(&t, 0, IR_I8, 2, xd, xq, q1(&t, 1.0f, -1));
    tm_const(&t, 1, IR_I8, 2, wd, w, q1(&t, 1.0f, 0));
    tm_const(&t, 2, IR_I32, 1, bd, b, NULL);
    tm_out(&t, 0, IR_I8, q1(&t, 0.5f, 10));
    const double want[] = {8, 16};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, yd, want, 0, "fc int8");
    tm_free(&t);
}

TEST(tfl_fully_connected_keep_num_dims)
{
    struct tm t;
    const double x[] = {1, 2, 3, 4, 5, 6}, w[] = {1, 1, 1, 0, 0, 1};
    const int64_t xd[] = {1, 2, 3}, wd[] = {2, 3}, yd[] = {1, 2, 2};
    tm_new(&t, IR_OP_TFL_FULLY_CONNECTED, 3, 1);
    tm_input(&t, 0, IR_F32, 3, xd, x, NULL);
    tm_const(&t, 1, IR_F32, 2, wd, w, NULL);
    t.n->inputs[2] = NULL; /* no bias */
    tm_int(&t, "keep_num_dims", 1);
    const double want[] = {6, 3, 15, 6};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 3, yd, want, 0, "fc keep_num_dims");
    tm_free(&t);
}

/* ---- element-wise ---- */

TEST(tfl_add_int8_rescales_and_rounds_away_from_zero)
{
    /* a scale 0.5, b scale 0.25, y scale 1 (zp 0): left shift 20, a * 0.5,
     * b * 0.25 via 2^30 multipliers; 5 + 2 = 7; -2 + 0.5 = -1.5 -> the final
     * rounding right shift takes -1.5 to -2 */
    struct tm t;
    const double a[] = {10, -4}, b[] = {8, 2};
    const int64_t d[] = {2};
    tm_new(&t, IR_OP_TFL_ADD, 2, 1);
    tm_input(&t, 0, IR_I8, 1, d, a, q1(&t, 0.5f, 0));
    tm_input(&t, 1, IR_I8, 1, d, b, q1(&t, 0.25f, 0));
    tm_out(&t, 0, IR_I8, q1(&t, 1.0f, 0));
    const double want[] = {7, -2};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, want, 0, "add int8");
    tm_free(&t);
}

TEST(tfl_mul_int16_and_broadcast_sub)
{
    /* MUL int16: (a * b) * sa sb / sy with sa = sb = 2^-7, sy = 2^-8:
     * 64 * 3 * 2^-14 / 2^-8 = 3 */
    struct tm t;
    const double a[] = {64, -64, 128}, b[] = {3};
    const int64_t da[] = {3}, db[] = {1};
    tm_new(&t, IR_OP_TFL_MUL, 2, 1);
    tm_input(&t, 0, IR_I16, 1, da, a, q1(&t, 0.0078125f, 0));
    tm_input(&t, 1, IR_I16, 1, db, b, q1(&t, 0.0078125f, 0));
    tm_out(&t, 0, IR_I16, q1(&t, 0.00390625f, 0));
    const double want[] = {3, -3, 6};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, da, want, 0, "mul int16");
    tm_free(&t);

    /* SUB float with broadcasting of a [2] row over [2,2] */
    const double x[] = {1, 2, 3, 4}, r[] = {10, 20};
    const int64_t dx[] = {2, 2}, dr[] = {2};
    tm_new(&t, IR_OP_TFL_SUB, 2, 1);
    tm_input(&t, 0, IR_F32, 2, dx, x, NULL);
    tm_input(&t, 1, IR_F32, 1, dr, r, NULL);
    const double want2[] = {-9, -18, -7, -16};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, dx, want2, 0, "sub broadcast");
    tm_free(&t);
}

TEST(tfl_fused_relu_on_float_add_is_applied_once)
{
    struct tm t;
    const double a[] = {-1, 2}, b[] = {-1, 3};
    const int64_t d[] = {2};
    tm_new(&t, IR_OP_TFL_ADD, 2, 1);
    tm_input(&t, 0, IR_F32, 1, d, a, NULL);
    tm_input(&t, 1, IR_F32, 1, d, b, NULL);
    t.n->activation = IR_ACT_RELU;
    const double want[] = {0, 5};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, want, 0, "add relu");
    tm_free(&t);
}

/* ---- activations and normalizations ---- */

TEST(tfl_softmax_int8_and_int16_uniform_rows)
{
    /* equal inputs give 1/n: int8 out (scale 1/256, zp -128) 0.25 -> -64;
     * int16 out (scale 2^-15) 0.5 -> 16384 */
    struct tm t;
    const double x8[] = {5, 5, 5, 5};
    const int64_t d4[] = {1, 4};
    tm_new(&t, IR_OP_TFL_SOFTMAX, 1, 1);
    tm_input(&t, 0, IR_I8, 2, d4, x8, q1(&t, 0.1f, 0));
    tm_float(&t, "beta", 1.0f);
    tm_out(&t, 0, IR_I8, q1(&t, 1.0f / 256, -128));
    const double w8[] = {-64, -64, -64, -64};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, d4, w8, 0, "softmax int8");
    tm_free(&t);

    const double x16[] = {100, 100};
    const int64_t d2[] = {1, 2};
    tm_new(&t, IR_OP_TFL_SOFTMAX, 1, 1);
    tm_input(&t, 0, IR_I16, 2, d2, x16, q1(&t, 0.001f, 0));
    tm_float(&t, "beta", 1.0f);
    tm_out(&t, 0, IR_I16, q1(&t, 1.0f / 32768, 0));
    const double w16[] = {16384, 16384};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, d2, w16, 1, "softmax int16");
    tm_free(&t);
}

TEST(tfl_softmax_float)
{
    struct tm t;
    const double x[] = {1, 2, 3};
    const int64_t d[] = {1, 3};
    tm_new(&t, IR_OP_TFL_SOFTMAX, 1, 1);
    tm_input(&t, 0, IR_F32, 2, d, x, NULL);
    tm_float(&t, "beta", 1.0f);
    const double s = exp(-2.0) + exp(-1.0) + 1;
    const double want[] = {exp(-2.0) / s, exp(-1.0) / s, 1 / s};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, d, want, 1e-6, "softmax float");
    tm_free(&t);
}

TEST(tfl_logistic_and_tanh_quantized_at_zero)
{
    /* logistic(0) = 1/2: int8 (out zp -128, scale 1/256) -> 0; int16 -> 16384;
     * tanh(0) = 0 */
    struct tm t;
    const double z8[] = {3}, z16[] = {0};
    const int64_t d[] = {1};
    tm_new(&t, IR_OP_TFL_LOGISTIC, 1, 1);
    tm_input(&t, 0, IR_I8, 1, d, z8, q1(&t, 0.05f, 3));
    tm_out(&t, 0, IR_I8, q1(&t, 1.0f / 256, -128));
    const double w8[] = {0};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, w8, 0, "logistic int8");
    tm_free(&t);

    tm_new(&t, IR_OP_TFL_LOGISTIC, 1, 1);
    tm_input(&t, 0, IR_I16, 1, d, z16, q1(&t, 1.0f / 4096, 0));
    tm_out(&t, 0, IR_I16, q1(&t, 1.0f / 32768, 0));
    const double w16[] = {16384};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, w16, 0, "logistic int16");
    tm_free(&t);

    tm_new(&t, IR_OP_TFL_TANH, 1, 1);
    tm_input(&t, 0, IR_I16, 1, d, z16, q1(&t, 1.0f / 4096, 0));
    tm_out(&t, 0, IR_I16, q1(&t, 1.0f / 32768, 0));
    const double wt[] = {0};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, wt, 0, "tanh int16");
    tm_free(&t);
}

TEST(tfl_leaky_relu_int16)
{
    /* alpha 0.25, in scale = out scale = 2^-10: identity for x >= 0; for
     * x < 0, x * 0.5 (exact) then a rounding shift by 1: -6 -> -1.5 -> -2 */
    struct tm t;
    const double x[] = {100, -100, -6};
    const int64_t d[] = {3};
    tm_new(&t, IR_OP_TFL_LEAKY_RELU, 1, 1);
    tm_input(&t, 0, IR_I16, 1, d, x, q1(&t, 1.0f / 1024, 0));
    tm_float(&t, "alpha", 0.25f);
    tm_out(&t, 0, IR_I16, q1(&t, 1.0f / 1024, 0));
    const double want[] = {100, -25, -2};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, want, 0, "leaky relu");
    tm_free(&t);
}

/* ---- QUANTIZE, DEQUANTIZE ---- */

TEST(tfl_quantize_rounds_half_away_and_saturates)
{
    /* scale 0.5, zp 1: 0.25 / 0.5 = 0.5 -> 1 (+1 = 2); -0.25 -> -1 (0);
     * 1 -> 2 (3); 100 -> 201 -> 127 */
    struct tm t;
    const double x[] = {0.25, -0.25, 1, 100};
    const int64_t d[] = {4};
    tm_new(&t, IR_OP_TFL_QUANTIZE, 1, 1);
    tm_input(&t, 0, IR_F32, 1, d, x, NULL);
    tm_out(&t, 0, IR_I8, q1(&t, 0.5f, 1));
    const double want[] = {2, 0, 3, 127};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, want, 0, "quantize");
    tm_free(&t);
}

TEST(tfl_requantize_int16_to_int32_and_back)
{
    /* int16 scale 0.5 -> int32 scale 0.25: x 2 (MBQM with 2^30, shift 2);
     * int32 scale 0.25 -> int16 scale 1: x * 0.5 then a rounding shift by 1
     * (ties away from zero): 6 -> 2, -6 -> -2, saturating at 32767 */
    struct tm t;
    const double x[] = {3, -7, 32767};
    const int64_t d[] = {3};
    tm_new(&t, IR_OP_TFL_QUANTIZE, 1, 1);
    tm_input(&t, 0, IR_I16, 1, d, x, q1(&t, 0.5f, 0));
    tm_out(&t, 0, IR_I32, q1(&t, 0.25f, 0));
    const double want[] = {6, -14, 65534};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, want, 0, "int16->int32");
    tm_free(&t);

    const double y[] = {6, -6, 1000000};
    tm_new(&t, IR_OP_TFL_QUANTIZE, 1, 1);
    tm_input(&t, 0, IR_I32, 1, d, y, q1(&t, 0.25f, 0));
    tm_out(&t, 0, IR_I16, q1(&t, 1.0f, 0));
    const double want2[] = {2, -2, 32767};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 1, d, want2, 0, "int32->int16");
    tm_free(&t);
}

TEST(tfl_dequantize_per_axis)
{
    struct tm t;
    const double x[] = {2, 2, -4, -4};
    const float s[] = {0.5f, 0.25f};
    const int64_t d[] = {2, 2};
    tm_new(&t, IR_OP_TFL_DEQUANTIZE, 1, 1);
    tm_input(&t, 0, IR_I8, 2, d, x, qaxis(&t, 1, 2, s));
    tm_out(&t, 0, IR_F32, NULL);
    const double want[] = {1, 0.5, -2, -1};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, d, want, 0, "dequantize");
    tm_free(&t);
}

/* ---- pooling, reductions ---- */

TEST(tfl_average_pool_int8_rounds_half_away)
{
    /* windows of two: (1 + 2) / 2 = 1.5 -> 2, (-1 - 2) / 2 -> -2 */
    struct tm t;
    const double x[] = {1, 2, -1, -2};
    const int64_t xd[] = {1, 2, 2, 1}, yd[] = {1, 2, 1, 1};
    tm_new(&t, IR_OP_TFL_AVERAGE_POOL_2D, 1, 1);
    tm_input(&t, 0, IR_I8, 4, xd, x, q1(&t, 1.0f, 0));
    tm_string(&t, "padding", "VALID");
    tm_int(&t, "filter_width", 2);
    tm_int(&t, "filter_height", 1);
    tm_int(&t, "stride_w", 2);
    tm_int(&t, "stride_h", 1);
    tm_out(&t, 0, IR_I8, q1(&t, 1.0f, 0));
    const double want[] = {2, -2};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, want, 0, "avgpool");
    tm_free(&t);
}

TEST(tfl_mean_int8_over_spatial_axes)
{
    /* mean of {1..4} (zp 1: real 0..3) = 1.5 with in scale 1, out scale 0.5,
     * zp -3: 1.5 / 0.5 = 3 -> 3 - 3 = 0; the division by 4 folds into the
     * multiplier (2^30 << 2) / 4 */
    struct tm t;
    const double x[] = {1, 2, 3, 4}, axes[] = {1, 2};
    const int64_t xd[] = {1, 2, 2, 1}, ad[] = {2}, yd[] = {1, 1, 1, 1};
    tm_new(&t, IR_OP_TFL_MEAN, 2, 1);
    tm_input(&t, 0, IR_I8, 4, xd, x, q1(&t, 1.0f, 1));
    tm_const(&t, 1, IR_I32, 1, ad, axes, NULL);
    tm_int(&t, "keep_dims", 1);
    tm_out(&t, 0, IR_I8, q1(&t, 0.5f, -3));
    const double want[] = {0};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 4, yd, want, 0, "mean int8");
    tm_free(&t);
}

/* ---- data movement ---- */

static void ss_case(const double *b, const double *e, const double *s, int n, int begin_mask,
                    int end_mask, int shrink, int ellipsis, int new_axis, int rank,
                    const int64_t *yd, const double *want, const char *what)
{
    /* tf.strided_slice's documentation tensor: [[[1,1,1],[2,2,2]],
     * [[3,3,3],[4,4,4]], [[5,5,5],[6,6,6]]] */
    static const double x[] = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6};
    const int64_t xd[] = {3, 2, 3}, nd[] = {n};
    struct tm t;
    tm_new(&t, IR_OP_TFL_STRIDED_SLICE, 4, 1);
    tm_input(&t, 0, IR_F32, 3, xd, x, NULL);
    tm_const(&t, 1, IR_I32, 1, nd, b, NULL);
    tm_const(&t, 2, IR_I32, 1, nd, e, NULL);
    tm_const(&t, 3, IR_I32, 1, nd, s, NULL);
    tm_int(&t, "begin_mask", begin_mask);
    tm_int(&t, "end_mask", end_mask);
    tm_int(&t, "shrink_axis_mask", shrink);
    tm_int(&t, "ellipsis_mask", ellipsis);
    tm_int(&t, "new_axis_mask", new_axis);
    if (T_CHECK(tm_run(&t) == FY_OK, "%s: %s", what, t.err.message))
        expect(&t, 0, rank, yd, want, 0, what);
    tm_free(&t);
}

TEST(tfl_strided_slice_tensorflow_doc_examples)
{
    const double b1[] = {1, 0, 0}, e1[] = {2, 1, 3}, s1[] = {1, 1, 1};
    const int64_t y1[] = {1, 1, 3};
    const double w1[] = {3, 3, 3};
    ss_case(b1, e1, s1, 3, 0, 0, 0, 0, 0, 3, y1, w1, "[1:2, 0:1, 0:3]");
    const double e2[] = {2, 2, 3};
    const int64_t y2[] = {1, 2, 3};
    const double w2[] = {3, 3, 3, 4, 4, 4};
    ss_case(b1, e2, s1, 3, 0, 0, 0, 0, 0, 3, y2, w2, "[1:2, 0:2, 0:3]");
    const double b3[] = {1, -1, 0}, e3[] = {2, -3, 3}, s3[] = {1, -1, 1};
    const double w3[] = {4, 4, 4, 3, 3, 3};
    ss_case(b3, e3, s3, 3, 0, 0, 0, 0, 0, 3, y2, w3, "[1:2, -1:-3:-1, 0:3]");
    /* masks: x[1, :, 2] (shrink axes 0 and 2, begin/end masks on axis 1) */
    const double b4[] = {1, 0, 2}, e4[] = {2, 0, 3};
    const int64_t y4[] = {2};
    const double w4[] = {3, 4};
    ss_case(b4, e4, s1, 3, 2, 2, 5, 0, 0, 1, y4, w4, "x[1, :, 2]");
    /* ellipsis and new axis: x[..., 0, tf.newaxis] -> [3, 2, 1] */
    const double b5[] = {0, 0, 0}, e5[] = {0, 1, 0};
    const int64_t y5[] = {3, 2, 1};
    const double w5[] = {1, 2, 3, 4, 5, 6};
    ss_case(b5, e5, s1, 3, 0, 0, 2, 1, 4, 3, y5, w5, "x[..., 0, newaxis]");
}

TEST(tfl_pad_quantized_pads_with_zero_point)
{
    struct tm t;
    const double x[] = {1, 2}, p[] = {1, 0, 0, 1};
    const int64_t xd[] = {1, 2}, pd[] = {2, 2}, yd[] = {2, 3};
    tm_new(&t, IR_OP_TFL_PAD, 2, 1);
    tm_input(&t, 0, IR_I8, 2, xd, x, q1(&t, 0.1f, -5));
    tm_const(&t, 1, IR_I32, 2, pd, p, NULL);
    tm_out(&t, 0, IR_I8, q1(&t, 0.1f, -5));
    const double want[] = {-5, -5, -5, 1, 2, -5};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, yd, want, 0, "pad");
    tm_free(&t);
}

TEST(tfl_reshape_transpose_concat)
{
    struct tm t;
    const double x[] = {1, 2, 3, 4, 5, 6}, shape[] = {3, -1};
    const int64_t xd[] = {2, 3}, sd[] = {2}, yd[] = {3, 2};
    tm_new(&t, IR_OP_TFL_RESHAPE, 2, 1);
    tm_input(&t, 0, IR_F32, 2, xd, x, NULL);
    tm_const(&t, 1, IR_I32, 1, sd, shape, NULL);
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, yd, x, 0, "reshape");
    tm_free(&t);

    const double perm[] = {1, 0};
    tm_new(&t, IR_OP_TFL_TRANSPOSE, 2, 1);
    tm_input(&t, 0, IR_F32, 2, xd, x, NULL);
    tm_const(&t, 1, IR_I32, 1, sd, perm, NULL);
    const double wt[] = {1, 4, 2, 5, 3, 6};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, yd, wt, 0, "transpose");
    tm_free(&t);

    const double a[] = {1, 2}, b[] = {3, 4, 5, 6};
    const int64_t ad[] = {2, 1}, bd[] = {2, 2}, cd[] = {2, 3};
    tm_new(&t, IR_OP_TFL_CONCATENATION, 2, 1);
    tm_input(&t, 0, IR_F32, 2, ad, a, NULL);
    tm_input(&t, 1, IR_F32, 2, bd, b, NULL);
    tm_int(&t, "axis", -1);
    const double wc[] = {1, 3, 4, 2, 5, 6};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, cd, wc, 0, "concat");
    tm_free(&t);
}

/* ---- SVDF ---- */

TEST(tfl_svdf_float_first_step)
{
    /* from a zero state, one step leaves only the newest column: with
     * memory 2, weights_time {a0, a1} per filter, the output of unit u is
     * bias + sum over its rank filters of a1 * (weights_feature . x) */
    struct tm t;
    const double x[] = {1, 2}, wf[] = {1, 1, 2, -1}, wt[] = {5, 10, 7, 3}, b[] = {0.5},
                 st[] = {0, 0, 0, 0};
    const int64_t xd[] = {1, 2}, wfd[] = {2, 2}, wtd[] = {2, 2}, bd[] = {1}, sd[] = {1, 4},
                  yd[] = {1, 1};
    tm_new(&t, IR_OP_TFL_SVDF, 5, 1);
    tm_input(&t, 0, IR_F32, 2, xd, x, NULL);
    tm_const(&t, 1, IR_F32, 2, wfd, wf, NULL);
    tm_const(&t, 2, IR_F32, 2, wtd, wt, NULL);
    tm_const(&t, 3, IR_F32, 1, bd, b, NULL);
    tm_const(&t, 4, IR_F32, 2, sd, st, NULL);
    tm_int(&t, "rank", 2);
    /* filter 0: 1 + 2 = 3 -> 10 * 3 = 30; filter 1: 2 - 2 = 0 -> 0; + 0.5 */
    const double want[] = {30.5};
    if (T_CHECK(tm_run(&t) == FY_OK, "run: %s", t.err.message))
        expect(&t, 0, 2, yd, want, 1e-6, "svdf");
    tm_free(&t);
}

TEST(tfl_unsupported_types_are_refused_by_name)
{
    struct tm t;
    const double x[] = {1};
    const int64_t d[] = {1};
    tm_new(&t, IR_OP_TFL_EXP, 1, 1);
    tm_input(&t, 0, IR_I8, 1, d, x, q1(&t, 1.0f, 0));
    T_CHECK(tm_run(&t) == FY_EUNSUPPORTED && strstr(t.err.message, "int8"), "got '%s'",
            t.err.message);
    tm_free(&t);
}
