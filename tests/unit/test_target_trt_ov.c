/* The tensorrt and openvino targets: their tables are complete, and known
 * answers from the public sources come out with the value that decided them.
 *
 * TensorRT answers are from onnx/onnx-tensorrt docs/operators.md (TensorRT
 * 10.15 matrix) and the parser source it describes; OpenVINO answers are from
 * openvinotoolkit/openvino src/frontends/onnx/docs/supported_ops.md @0ae60f0
 * and the frontend's resize.cpp / pad.cpp. */
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "ir/ir.h"
#include "t.h"
#include "tb.h"
#include "targets/target.h"

extern const struct target target_tensorrt, target_openvino;

/* Test hooks of the two files: their name tables. */
int tensorrt_named_count(void);
const char *tensorrt_named_name(int i);
int openvino_named_count(void);
const char *openvino_named_domain(int i);
const char *openvino_named_name(int i);

/* ---- one model per test (tb.h) ---- */

/* A model of ONNX opset `opset`, whose nodes (any domain) are judged at it. */
static bool bld_new(struct tb *b, int64_t opset)
{
    tb_init(b, IR_FORMAT_ONNX, opset);
    b->opset = opset;
    return !b->bad;
}

static const int64_t d_nchw[4] = {1, 3, 8, 8}, d_w[4] = {4, 3, 3, 3}, d_out[4] = {1, 4, 6, 6};
static const int64_t d_4[1] = {4}, d_1[1] = {1}, d_scalar[1] = {0};

/* A float Conv x[1,3,8,8] * w[4,3,3,3] -> y[1,4,6,6]. */
static struct ir_node *conv_f32(struct tb *b, enum ir_dtype dt)
{
    float w[108] = {0};
    struct ir_tensor *x = tb_tensor(b, "x", dt, 4, d_nchw);
    struct ir_tensor *wt = tb_const(b, "w", dt, 4, d_w, w, sizeof w);
    struct ir_tensor *y = tb_tensor(b, "y", dt, 4, d_out);
    return tb_node(b, IR_OP_CONV, NULL, NULL, "n", 2, TB_TS(x, wt), 1, TB_TS(y));
}

/* Resize of x [1,3,8,8] by constant scales [1,1,2,2] (no roi) into y. */
static struct ir_node *resize(struct tb *b)
{
    static const float sc[4] = {1, 1, 2, 2};
    struct ir_tensor *x = tb_tensor(b, "x", IR_F32, 4, d_nchw);
    struct ir_tensor *s = tb_const(b, "scales", IR_F32, 1, d_4, sc, sizeof sc);
    struct ir_tensor *y = tb_tensor(b, "y", IR_F32, -1, NULL);
    return tb_node(b, IR_OP_RESIZE, NULL, NULL, "n", TB_LIST(x, NULL, s), TB_LIST(y));
}

/* ---- both targets: complete tables ---- */

static void table_complete(const struct target *t)
{
    int bad = 0;
    for (int i = 0; i < IR_OP_COUNT; i++) {
        const struct target_row *r = &t->rows[i];
        bool tfl = !strncmp(ir_op_name((enum ir_op)i), "tfl.", 4);
        bool ok = (int)r->op == i && r->status != CHECK_UNSET && r->status != CHECK_VIA_CONVERTER &&
                  r->why && r->why[0] &&
                  (r->status != CHECK_SUBSTITUTED || (r->substitute && r->substitute[0])) &&
                  (!tfl || r->status == CHECK_UNSUPPORTED);
        if (!T_CHECK(ok, "%s: row %d (%s) incomplete", t->name, i, ir_op_name((enum ir_op)i)))
            if (++bad > 5) return;
    }
    T_CHECK(t->rows[IR_OP_OPAQUE].rule != NULL, "%s: the OPAQUE row decides by name", t->name);
    T_CHECK(t->version && t->version[0] && t->source && t->source[0], "%s: version and source",
            t->name);
    T_CHECK(t->takes == TARGET_TAKES_ONNX, "%s takes ONNX", t->name);
}

TEST(trt_table_complete)
{
    table_complete(&target_tensorrt);
    int k = tensorrt_named_count();
    for (int i = 1; i < k; i++)
        T_CHECK(strcmp(tensorrt_named_name(i - 1), tensorrt_named_name(i)) < 0,
                "tensorrt name table out of order at %s", tensorrt_named_name(i));
}

TEST(ov_table_complete)
{
    table_complete(&target_openvino);
    int k = openvino_named_count();
    for (int i = 1; i < k; i++) {
        int d = strcmp(openvino_named_domain(i - 1), openvino_named_domain(i));
        T_CHECK(d < 0 || (d == 0 && strcmp(openvino_named_name(i - 1), openvino_named_name(i)) < 0),
                "openvino name table out of order at %s.%s", openvino_named_domain(i),
                openvino_named_name(i));
    }
}

/* ---- tensorrt ---- */

/* operators.md: Conv | Y | FP32, FP16, BF16 (no restriction). */
TEST(trt_conv_float_native)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_node *n = conv_f32(&b, IR_F32);
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Conv float32: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_free(&b);
}

/* operators.md: Unique | N. */
TEST(trt_unique_unsupported_no_importer)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 1, d_4),
                     *y = tb_tensor(&b, "y", IR_F32, 1, d_4);
    struct ir_node *n = tb_node(&b, IR_OP_UNIQUE, NULL, NULL, "n", 1, TB_TS(x), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "no importer for Unique") &&
                tb_has(v.detail, "plugin"),
            "Unique: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md Resize: supported modes nearest, linear (cubic is not). */
TEST(trt_resize_cubic_unsupported)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_node *n = resize(&b);
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Resize nearest default: %s (%s)",
            check_status_name(v.status), v.detail);
    tb_str(&b, n, "mode", "cubic");
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && v.rule && !strcmp(v.rule, "tensorrt.resize.mode") &&
                tb_has(v.detail, "'cubic'"),
            "Resize cubic: %s %s (%s)", check_status_name(v.status), v.rule, v.detail);
    tb_free(&b);
}

/* operators.md Resize: tf_crop_and_resize is not among the coordinate
 * transformation modes. */
TEST(trt_resize_tf_crop_and_resize_unsupported)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_node *n = resize(&b);
    tb_str(&b, n, "coordinate_transformation_mode", "tf_crop_and_resize");
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "tf_crop_and_resize"),
            "Resize tf_crop_and_resize: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md TopK: `K` input must be less than 3840. */
TEST(trt_topk_k_limit)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    int64_t k = 4096;
    static const int64_t d_big[2] = {1, 8192};
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 2, d_big);
    struct ir_tensor *kt = tb_const(&b, "k", IR_I64, 1, d_1, &k, sizeof k);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, -1, NULL),
                     *i = tb_tensor(&b, "i", IR_I64, -1, NULL);
    struct ir_node *n = tb_node(&b, IR_OP_TOP_K, NULL, NULL, "n", 2, TB_TS(x, kt), 2, TB_TS(y, i));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "4096") && tb_has(v.detail, "3840"),
            "TopK K=4096: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md Reduce*: `axes` must be an initializer. */
TEST(trt_reduce_axes_must_be_initializer)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 18), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d_nchw);
    struct ir_tensor *ax = tb_tensor(&b, "axes_runtime", IR_I64, 1, d_1);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, -1, NULL);
    tb_add_input(&b, ax);
    struct ir_node *n =
        tb_node(&b, IR_OP_REDUCE_MEAN, NULL, NULL, "n", 2, TB_TS(x, ax), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && v.rule && !strcmp(v.rule, "tensorrt.reduce.axes") &&
                tb_has(v.detail, "axes_runtime"),
            "ReduceMean run-time axes: %s %s (%s)", check_status_name(v.status), v.rule, v.detail);
    int64_t one = 1;
    n->inputs[1] = tb_const(&b, "axes_const", IR_I64, 1, d_1, &one, sizeof one);
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "ReduceMean initializer axes: %s (%s)",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* The parser's types: int16 has no TensorRT type; And is BOOL only. */
TEST(trt_dtype_rules)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *a = tb_tensor(&b, "a", IR_I16, 1, d_4),
                     *c = tb_tensor(&b, "c", IR_I16, 1, d_4);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_I16, 1, d_4);
    struct ir_node *n = tb_node(&b, IR_OP_ADD, NULL, NULL, "n", 2, TB_TS(a, c), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "int16"), "Add int16: %s (%s)",
            check_status_name(v.status), v.detail);

    struct ir_tensor *f = tb_tensor(&b, "f", IR_F32, 1, d_4),
                     *g = tb_tensor(&b, "g", IR_F32, 1, d_4);
    struct ir_tensor *z = tb_tensor(&b, "z", IR_BOOL, 1, d_4);
    n = tb_node(&b, IR_OP_AND, NULL, NULL, "n", 2, TB_TS(f, g), 1, TB_TS(z));
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "float32") &&
                tb_has(v.detail, "BOOL"),
            "And float32: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md: DOUBLE is cast down to FLOAT: the node runs in float32. */
TEST(trt_float64_substituted)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F64, 1, d_4),
                     *y = tb_tensor(&b, "y", IR_F64, 1, d_4);
    struct ir_node *n = tb_node(&b, IR_OP_RELU, NULL, NULL, "n", 1, TB_TS(x), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_SUBSTITUTED && v.substitute && tb_has(v.detail, "float64"),
            "Relu float64: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md DequantizeLinear: `x_zero_point` must be zero; the parser
 * refuses UINT8 data. */
TEST(trt_dequantize_zero_point_and_uint8)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    int8_t q[4] = {1, 2, 3, 4}, zp = 3;
    float sc = 0.5f;
    struct ir_tensor *x = tb_const(&b, "xq", IR_I8, 1, d_4, q, sizeof q);
    struct ir_tensor *s = tb_const(&b, "s", IR_F32, 0, d_scalar, &sc, sizeof sc);
    struct ir_tensor *z = tb_const(&b, "zp", IR_I8, 0, d_scalar, &zp, sizeof zp);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 1, d_4);
    struct ir_node *n =
        tb_node(&b, IR_OP_DEQUANTIZE_LINEAR, NULL, NULL, "n", 3, TB_TS(x, s, z), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && v.rule && !strcmp(v.rule, "tensorrt.qdq.zero_point") &&
                tb_has(v.detail, "first value 3"),
            "DQ zero point 3: %s %s (%s)", check_status_name(v.status), v.rule, v.detail);
    int8_t zero = 0;
    n->inputs[2] = tb_const(&b, "zp0", IR_I8, 0, d_scalar, &zero, sizeof zero);
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "DQ int8 zero point 0: %s (%s)", check_status_name(v.status),
            v.detail);
    uint8_t qu[4] = {1, 2, 3, 4};
    n->inputs[0] = tb_const(&b, "xu", IR_U8, 1, d_4, qu, sizeof qu);
    n->inputs[2] = NULL;
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "uint8"), "DQ uint8: %s (%s)",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md MaxPool: dilations must be empty or all ones; 2D or 3D only. */
TEST(trt_maxpool_dilation_and_rank)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d_nchw),
                     *y = tb_tensor(&b, "y", IR_F32, -1, NULL);
    struct ir_node *n = tb_node(&b, IR_OP_MAX_POOL, NULL, NULL, "n", 1, TB_TS(x), 1, TB_TS(y));
    static const int64_t k2[2] = {2, 2}, dil[2] = {2, 1}, k1[1] = {2};
    tb_ints(&b, n, "kernel_shape", 2, k2);
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "MaxPool 2x2: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_ints(&b, n, "dilations", 2, dil);
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "dilations[0] is 2"),
            "MaxPool dilation 2: %s (%s)", check_status_name(v.status), v.detail);

    static const int64_t d3[3] = {1, 3, 8};
    struct ir_tensor *x1 = tb_tensor(&b, "x1", IR_F32, 3, d3),
                     *y1 = tb_tensor(&b, "y1", IR_F32, -1, NULL);
    n = tb_node(&b, IR_OP_AVERAGE_POOL, NULL, NULL, "n", 1, TB_TS(x1), 1, TB_TS(y1));
    tb_ints(&b, n, "kernel_shape", 1, k1);
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "1D pooling"),
            "AveragePool 1D: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md LSTM: bidirectional needs the same activations both ways;
 * input_forget must be 0. */
TEST(trt_lstm_restrictions)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, -1, NULL),
                     *w = tb_tensor(&b, "w", IR_F32, -1, NULL);
    struct ir_tensor *r = tb_tensor(&b, "r", IR_F32, -1, NULL),
                     *y = tb_tensor(&b, "y", IR_F32, -1, NULL);
    struct ir_node *n = tb_node(&b, IR_OP_LSTM, NULL, NULL, "n", 3, TB_TS(x, w, r), 1, TB_TS(y));
    tb_str(&b, n, "direction", "bidirectional");
    static const char *const acts[6] = {"Sigmoid", "Tanh", "Tanh", "Sigmoid", "Relu", "Tanh"};
    tb_strs(&b, n, "activations", 6, acts);
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "'Tanh' forward and 'Relu' reverse"),
            "LSTM mixed activations: %s (%s)", check_status_name(v.status), v.detail);
    tb_int(&b, n, "input_forget", 1);
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "input_forget is 1"),
            "LSTM input_forget: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Parser: an op without an importer is tried as a plugin of its name. */
TEST(trt_opaque_custom_domain_needs_plugin)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 1, d_4),
                     *y = tb_tensor(&b, "y", IR_F32, 1, d_4);
    struct ir_node *n =
        tb_node(&b, IR_OP_OPAQUE, "MyFancyOp", "com.example", "n", 1, TB_TS(x), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "com.example.MyFancyOp") &&
                tb_has(v.detail, "TensorRT plugin"),
            "custom op: %s (%s)", check_status_name(v.status), v.detail);

    /* plugin/README.md: EfficientNMS_TRT ships with TensorRT */
    n = tb_node(&b, IR_OP_OPAQUE, "EfficientNMS_TRT", "", "n", 1, TB_TS(x), 1,
                TB_TS(tb_tensor(&b, "y2", IR_F32, -1, NULL)));
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "plugin"), "EfficientNMS_TRT: %s (%s)",
            check_status_name(v.status), v.detail);

    /* importers are looked up by op_type alone: com.microsoft Gelu gets the
     * ai.onnx Gelu importer */
    n = tb_node(&b, IR_OP_OPAQUE, "Gelu", "com.microsoft", "n", 1, TB_TS(x), 1,
                TB_TS(tb_tensor(&b, "y3", IR_F32, -1, NULL)));
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_SUBSTITUTED && v.substitute && tb_has(v.detail, "com.microsoft.Gelu"),
            "com.microsoft Gelu: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* operators.md STFT: Y, `frame_step` and `window` must be initializers (an
 * ai.onnx op ferry does not model, so it is OPAQUE). */
TEST(trt_opaque_stft)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 17), "model")) return;
    static const int64_t d_sig[3] = {1, 64, 1};
    struct ir_tensor *s = tb_tensor(&b, "signal", IR_F32, 3, d_sig);
    struct ir_tensor *step = tb_tensor(&b, "step", IR_I64, 0, d_scalar);
    tb_add_input(&b, step);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, -1, NULL);
    struct ir_node *n = tb_node(&b, IR_OP_OPAQUE, "STFT", "", "n", 2, TB_TS(s, step), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "frame_step"),
            "STFT run-time frame_step: %s (%s)", check_status_name(v.status), v.detail);
    int64_t st = 16;
    n->inputs[1] = tb_const(&b, "step_c", IR_I64, 0, d_scalar, &st, sizeof st);
    v = tb_judge(&target_tensorrt, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "STFT const frame_step: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_free(&b);
}

/* ---- openvino ---- */

/* supported_ops.md: Conv | 1 (translator for opset 1 onwards). */
TEST(ov_conv_native)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_node *n = conv_f32(&b, IR_F32);
    struct check_verdict v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Conv: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* supported_ops.md: Det and LpPool have no Supported Version; Swish is
 * not listed for ai.onnx. */
TEST(ov_no_translator_unsupported)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 22), "model")) return;
    static const int64_t d22[2] = {2, 2};
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 2, d22),
                     *y = tb_tensor(&b, "y", IR_F32, 0, d_scalar);
    struct ir_node *n = tb_node(&b, IR_OP_DET, NULL, NULL, "n", 1, TB_TS(x), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "no translator for Det"),
            "Det: %s (%s)", check_status_name(v.status), v.detail);
    T_CHECK(target_openvino.rows[IR_OP_LP_POOL].status == CHECK_UNSUPPORTED &&
                target_openvino.rows[IR_OP_SWISH].status == CHECK_UNSUPPORTED,
            "LpPool and Swish have no ai.onnx translator");
    tb_free(&b);
}

/* supported_ops.md: Trilu | 14; a node at opset 13 has no translator. */
TEST(ov_opset_below_first_translator)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 13), "model")) return;
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d_nchw),
                     *y = tb_tensor(&b, "y", IR_F32, 4, d_nchw);
    struct ir_node *n = tb_node(&b, IR_OP_TRILU, NULL, NULL, "n", 1, TB_TS(x), 1, TB_TS(y));
    struct check_verdict v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "opset 13") &&
                tb_has(v.detail, "opset 14"),
            "Trilu at 13: %s (%s)", check_status_name(v.status), v.detail);
    b.opset = 14;
    v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Trilu at 14: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_free(&b);
}

/* resize.cpp: cubic is translated; tf_crop_and_resize and
 * half_pixel_symmetric are refused; keep_aspect_ratio_policy is not read. */
TEST(ov_resize_modes)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 19), "model")) return;
    struct ir_node *n = resize(&b);
    tb_str(&b, n, "mode", "cubic");
    struct check_verdict v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Resize cubic: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_str(&b, n, "coordinate_transformation_mode", "half_pixel_symmetric");
    v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "half_pixel_symmetric"),
            "Resize half_pixel_symmetric: %s (%s)", check_status_name(v.status), v.detail);

    struct ir_tensor *x = n ? n->inputs[0] : NULL, *s = n ? n->inputs[2] : NULL;
    struct ir_tensor *y2 = tb_tensor(&b, "y2", IR_F32, -1, NULL);
    n = tb_node(&b, IR_OP_RESIZE, NULL, NULL, "n", TB_LIST(x, NULL, s), TB_LIST(y2));
    tb_str(&b, n, "keep_aspect_ratio_policy", "not_larger");
    v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "not_larger"),
            "Resize not_larger: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* pad.cpp: modes constant, reflect, edge; wrap (ONNX 19) is refused. */
TEST(ov_pad_wrap_unsupported)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 19), "model")) return;
    int64_t pads[8] = {0, 0, 1, 1, 0, 0, 1, 1};
    static const int64_t d8[1] = {8};
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d_nchw);
    struct ir_tensor *p = tb_const(&b, "pads", IR_I64, 1, d8, pads, sizeof pads);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, -1, NULL);
    struct ir_node *n = tb_node(&b, IR_OP_PAD, NULL, NULL, "n", 2, TB_TS(x, p), 1, TB_TS(y));
    tb_str(&b, n, "mode", "reflect");
    struct check_verdict v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Pad reflect: %s (%s)", check_status_name(v.status),
            v.detail);
    n->attrs[0].v.s.data = (const uint8_t *)"wrap";
    n->attrs[0].v.s.size = 4;
    v = tb_judge(&target_openvino, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "'wrap'"), "Pad wrap: %s (%s)",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* supported_ops.md other domains: com.microsoft FusedConv | 1 and
 * org.openvinotoolkit Swish | 1 are translated; com.microsoft BeamSearch has
 * no Supported Version; an unknown domain has no translator; the Sequence
 * ops are "Supported only in certain patterns". */
TEST(ov_opaque_by_domain_and_name)
{
    struct tb b;
    if (!T_CHECK(bld_new(&b, 17), "model")) return;
    tb_opset(&b, "com.microsoft", 1);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d_nchw);
    static const struct {
        const char *domain, *name;
        enum check_status want;
        const char *needle;
    } cases[] = {
        {"com.microsoft", "FusedConv", CHECK_NATIVE, "com.microsoft.FusedConv"},
        {"org.openvinotoolkit", "Swish", CHECK_NATIVE, "translator"},
        {"com.microsoft", "BeamSearch", CHECK_UNSUPPORTED, "no translator"},
        {"com.example", "MyFancyOp", CHECK_UNSUPPORTED, "com.example.MyFancyOp"},
        {"", "SequenceConstruct", CHECK_UNSUPPORTED, "certain patterns"},
        {"", "HannWindow", CHECK_NATIVE, "ai.onnx.HannWindow"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[16];
        snprintf(out, sizeof out, "y%zu", i);
        struct ir_node *n = tb_node(&b, IR_OP_OPAQUE, cases[i].name, cases[i].domain, "n", 1,
                                    TB_TS(x), 1, TB_TS(tb_tensor(&b, out, IR_F32, -1, NULL)));
        struct check_verdict v = tb_judge(&target_openvino, &b, n);
        T_CHECK(v.status == cases[i].want && tb_has(v.detail, cases[i].needle), "%s.%s: %s (%s)",
                cases[i].domain, cases[i].name, check_status_name(v.status), v.detail);
    }
    tb_free(&b);
}

/* ---- a real model: torchvision resnet18 exported at opset 13 uses only
 * ops both matrices support for float32 (Conv, Relu, MaxPool, Add,
 * GlobalAveragePool, Flatten, Gemm). ---- */
TEST(trt_ov_resnet18_all_native)
{
    const char *path = t_shared_path("models/torch/resnet18_op13/model.onnx");
    if (!path) return;
    struct ir_model *m = NULL;
    struct fy_error err = {0};
    if (!T_CHECK(format_read_model(path, &m, &err) == FY_OK, "read %s", path)) return;
    const struct target *ts[2] = {&target_tensorrt, &target_openvino};
    int64_t opset = ir_model_opset(m, "");
    for (int k = 0; k < 2; k++) {
        int bad = 0;
        for (int i = 0; i < m->graph->n_nodes && bad < 3; i++) {
            struct check_verdict v;
            const struct ir_node *n = m->graph->nodes[i];
            target_check_node(ts[k], &(struct check_node){.m = m, .n = n, .opset = opset}, &v);
            if (!T_CHECK(v.status == CHECK_NATIVE, "%s: %s %s: %s (%s)", ts[k]->name, n->op_type,
                         n->name, check_status_name(v.status), v.detail))
                bad++;
        }
    }
    ir_model_free(m);
}
