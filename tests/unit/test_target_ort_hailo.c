/* The onnxruntime and hailo8 target tables (src/targets/onnxruntime.c,
 * src/targets/hailo8.c).
 *
 * Known answers for onnxruntime come from microsoft/onnxruntime@001d12d
 * docs/OperatorKernels.md (CPUExecutionProvider): Conv is registered for
 * float32 only, Upsample for opsets 7-9 only, Scatter for 9-10 only, Where's
 * X/Y have no bool kernel, Resize has no float64 kernel, HardSwish has no
 * kernel (ORT inlines its function body, onnxruntime#21699), DeformConv has no
 * kernel; ai.onnx.ml TreeEnsembleClassifier and com.microsoft FusedConv have
 * kernels; float16 nodes without a float16 kernel get Casts
 * (InsertCastTransformer).
 * Known answers for hailo8 come from ../shared/reference/targets.md §7 and
 * the Hailo Model Zoo: the DFC compiles fixed shapes (a model with a symbolic
 * batch dim is unsupported until --shape pins it), NMS is HailoRT host
 * post-processing, Conv/MaxPool/Relu compile (every Hailo-8 classifier). */
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "ir/ir.h"
#include "t.h"
#include "tb.h"
#include "targets/target.h"

extern const struct target target_onnxruntime, target_hailo8;

/* ---- one node of interest in a fresh ONNX model (tb.h) ---- */

static const int64_t d1x3x8x8[4] = {1, 3, 8, 8}, d4x3x3x3[4] = {4, 3, 3, 3},
                     d1x4x6x6[4] = {1, 4, 6, 6}, dn1[2] = {-1, 1}, d2x3[2] = {2, 3}, d1[1] = {1},
                     d4[1] = {4};

/* A Conv of x (dtype dt) with constant weights w in a model of opset 13. */
static struct ir_node *conv_model(struct tb *b, enum ir_dtype dt, bool const_w)
{
    tb_init(b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_input(b, "x", dt, 4, d1x3x8x8);
    struct ir_tensor *w =
        const_w ? tb_zeros(b, "w", dt, 4, d4x3x3x3) : tb_input(b, "w", dt, 4, d4x3x3x3);
    struct ir_tensor *y = tb_tensor(b, "y", dt, 4, d1x4x6x6);
    return tb_node(b, IR_OP_CONV, NULL, NULL, "n0", TB_LIST(x, w), 1, &y);
}

/* A one-input op on a [2,3] tensor of dtype dt at the given opset. */
static struct ir_node *unary_model(struct tb *b, enum ir_op op, enum ir_dtype dt, int64_t opset)
{
    tb_init(b, IR_FORMAT_ONNX, opset);
    struct ir_tensor *x = tb_input(b, "x", dt, 2, d2x3);
    struct ir_tensor *y = tb_tensor(b, "y", dt, 2, d2x3);
    return tb_node(b, op, NULL, NULL, "n0", TB_LIST(x), 1, &y);
}

/* An op ferry does not know, in `domain`. */
static struct ir_node *opaque_model(struct tb *b, const char *domain, const char *name)
{
    tb_init(b, IR_FORMAT_ONNX, 13);
    if (domain && *domain) tb_opset(b, domain, 1);
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 2, d2x3);
    struct ir_tensor *y = tb_tensor(b, "y", IR_F32, 2, d2x3);
    return tb_node(b, IR_OP_OPAQUE, name, domain, "n0", TB_LIST(x), 1, &y);
}

/* ---- both tables ---- */

static void check_table(const struct target *t)
{
    int counts[CHECK_VIA_CONVERTER + 1] = {0};
    for (int i = 0; i < IR_OP_COUNT; i++) {
        const struct target_row *r = &t->rows[i];
        T_CHECK(r->op == (enum ir_op)i, "%s row %d holds op %d", t->name, i, (int)r->op);
        T_CHECK(r->status != CHECK_UNSET, "%s row %s unset", t->name, ir_op_name((enum ir_op)i));
        T_CHECK(r->status != CHECK_VIA_CONVERTER, "%s row %s via converter (ONNX target)", t->name,
                ir_op_name((enum ir_op)i));
        T_CHECK(r->why && r->why[0], "%s row %s has no why", t->name, ir_op_name((enum ir_op)i));
        if (r->status == CHECK_SUBSTITUTED)
            T_CHECK(r->substitute && r->substitute[0], "%s row %s names no substitute", t->name,
                    ir_op_name((enum ir_op)i));
        if (r->status >= CHECK_UNSET && r->status <= CHECK_VIA_CONVERTER) counts[r->status]++;
    }
    T_CHECK(t->version && t->version[0] && t->source && t->source[0], "%s: version/source",
            t->name);
    T_CHECK(counts[CHECK_NATIVE] > 0 && counts[CHECK_UNSUPPORTED] > 0, "%s: counts", t->name);
}

TEST(ort_table_complete)
{
    check_table(&target_onnxruntime);
}

TEST(hailo_table_complete)
{
    check_table(&target_hailo8);
    T_CHECK(target_hailo8.unknown && strlen(target_hailo8.unknown) > 40,
            "hailo8 lists what the public sources leave out");
    T_CHECK(target_hailo8.model_rule != NULL, "hailo8 has the static-shape model rule");
}

/* ---- onnxruntime ---- */

/* OperatorKernels.md: Conv 11-21 and 22+, T = tensor(float). */
TEST(ort_conv_float32_native)
{
    struct tb b;
    struct ir_node *n = conv_model(&b, IR_F32, true);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(!b.bad && v.status == CHECK_NATIVE, "Conv float32: %s (%s)",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

TEST(ort_conv_float64_unsupported)
{
    struct tb b;
    struct ir_node *n = conv_model(&b, IR_F64, true);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED, "Conv float64: %s", check_status_name(v.status));
    T_CHECK(v.rule && !strcmp(v.rule, "onnxruntime.kernel.dtype"), "rule %s", v.rule);
    T_CHECK(tb_has(v.detail, "float64") && tb_has(v.detail, "float32") &&
                tb_has(v.detail, "opset 13"),
            "detail names the dtype, the kernel's types and the opset: %s", v.detail);
    tb_free(&b);
}

/* InsertCastTransformer: float16 CPU nodes without a float16 kernel run in
 * float32 between Casts. */
TEST(ort_conv_float16_substituted)
{
    struct tb b;
    struct ir_node *n = conv_model(&b, IR_F16, true);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_SUBSTITUTED && v.substitute && tb_has(v.substitute, "Cast"),
            "Conv float16: %s, substitute %s", check_status_name(v.status),
            v.substitute ? v.substitute : "(none)");
    T_CHECK(tb_has(v.detail, "float16"), "detail: %s", v.detail);
    tb_free(&b);
}

/* bfloat16 gets no Casts: Exp (float32, float64 kernels) refuses it. */
TEST(ort_exp_bfloat16_unsupported)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_EXP, IR_BF16, 13);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "bfloat16"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Upsample: kernels for opsets 7-8 and 9 only (deprecated at 10). */
TEST(ort_upsample_opset_range)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_UPSAMPLE, IR_F32, 9);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Upsample at 9: %s", check_status_name(v.status));
    tb_free(&b);
    n = unary_model(&b, IR_OP_UPSAMPLE, IR_F32, 10);
    v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && v.rule && !strcmp(v.rule, "onnxruntime.kernel.opset"),
            "Upsample at 10: %s %s", check_status_name(v.status), v.rule);
    T_CHECK(tb_has(v.detail, "opset 10") && tb_has(v.detail, "7-9"), "detail: %s", v.detail);
    tb_free(&b);
}

/* Scatter: [9, 10] only; ScatterElements replaces it at 11. */
TEST(ort_scatter_opset11_unsupported)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_SCATTER, IR_F32, 11);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "9-10"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Where 16+: T = double, float, int32, int64, string, uint8 — no bool. The
 * constraint binds X (input 1), not the condition. */
TEST(ort_where_bool_values_unsupported)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 16);
    struct ir_tensor *c = tb_input(&b, "c", IR_BOOL, 2, d2x3);
    struct ir_tensor *x = tb_input(&b, "x", IR_BOOL, 2, d2x3);
    struct ir_tensor *y = tb_input(&b, "y", IR_BOOL, 2, d2x3);
    struct ir_tensor *z = tb_tensor(&b, "z", IR_BOOL, 2, d2x3);
    struct ir_node *n = tb_node(&b, IR_OP_WHERE, NULL, NULL, "n0", TB_LIST(c, x, y), 1, &z);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "input 1 is bool"), "%s: %s",
            check_status_name(v.status), v.detail);
    x->dtype = IR_F32;
    y->dtype = IR_F32;
    z->dtype = IR_F32;
    v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Where float32 values: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_free(&b);
}

/* Resize: T1 = float, int32, int8, uint8. */
TEST(ort_resize_float64_unsupported)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_RESIZE, IR_F64, 13);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "float64"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

TEST(ort_function_ops_substituted)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_HARD_SWISH, IR_F32, 14);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "HardSigmoid"),
            "HardSwish: %s %s", check_status_name(v.status), v.substitute ? v.substitute : "");
    tb_free(&b);
    n = unary_model(&b, IR_OP_MISH, IR_F32, 18);
    v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Softplus"), "Mish: %s",
            check_status_name(v.status));
    tb_free(&b);
}

TEST(ort_deform_conv_unsupported)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_DEFORM_CONV, IR_F32, 19);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "no CPU kernel"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* NonMaxSuppression has a kernel (10, 11+) though the generated table omits
 * it (no type constraint). */
TEST(ort_nms_native)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_NON_MAX_SUPPRESSION, IR_F32, 11);
    struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "NMS: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

TEST(ort_opaque_by_domain)
{
    struct {
        const char *domain, *name;
        enum check_status want;
        const char *in_detail;
    } cases[] = {
        {"ai.onnx.ml", "TreeEnsembleClassifier", CHECK_NATIVE, "ai.onnx.ml"},
        {"ai.onnx.ml", "NoSuchMlOp", CHECK_UNSUPPORTED, "NoSuchMlOp"},
        {"com.microsoft", "FusedConv", CHECK_NATIVE, "contrib"},
        {"com.microsoft", "QLinearAveragePool", CHECK_NATIVE, "contrib"},
        {"com.microsoft", "NotAContribOp", CHECK_UNSUPPORTED, "no kernel"},
        {"", "STFT", CHECK_NATIVE, "STFT"},
        {"", "Bernoulli", CHECK_SUBSTITUTED, "function body"},
        {"", "SwiGLU", CHECK_UNSUPPORTED, "opset 25"},
        {"my.company", "Foo", CHECK_UNSUPPORTED, "custom op library"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tb b;
        struct ir_node *n = opaque_model(&b, cases[i].domain, cases[i].name);
        struct check_verdict v = tb_judge(&target_onnxruntime, &b, n);
        T_CHECK(!b.bad && v.status == cases[i].want && tb_has(v.detail, cases[i].in_detail),
                "%s::%s: %s (%s)", cases[i].domain, cases[i].name, check_status_name(v.status),
                v.detail);
        if (v.status == CHECK_SUBSTITUTED) T_CHECK(v.substitute != NULL, "substitute named");
        tb_free(&b);
    }
}

/* Whole real models, every node judged. */
static void judge_model(const struct target *t, const char *rel, int *counts, char *first_bad,
                        int cap)
{
    first_bad[0] = 0;
    const char *path = t_shared_path(rel);
    if (!path) return;
    struct ir_model *m = NULL;
    struct fy_error err;
    if (!T_CHECK(format_read_model(path, &m, &err) == FY_OK, "read %s", rel)) return;
    for (int i = 0; i < m->graph->n_nodes; i++) {
        const struct ir_node *n = m->graph->nodes[i];
        struct check_verdict v;
        target_check_node(
            t, &(struct check_node){.m = m, .n = n, .opset = ir_model_opset(m, n->domain)}, &v);
        if (v.status >= CHECK_UNSET && v.status <= CHECK_VIA_CONVERTER) counts[v.status]++;
        if (v.status != CHECK_NATIVE && !first_bad[0])
            snprintf(first_bad, (size_t)cap, "%s %s: %s", n->op_type, check_status_name(v.status),
                     v.detail);
    }
    ir_model_free(m);
}

/* mnist-8 (opset 8, float32 Conv/MatMul/MaxPool/Relu/Reshape/Add): ORT runs it
 * (the corpus has its ORT outputs). */
TEST(ort_mnist_all_native)
{
    int counts[CHECK_VIA_CONVERTER + 1] = {0};
    char bad[400];
    judge_model(&target_onnxruntime, "models/onnx/onnx2c/mnist/model.onnx", counts, bad,
                sizeof bad);
    T_CHECK(!bad[0], "first non-native node: %s", bad);
}

/* treeensembleclassifier.onnx: one ai.onnx.ml node, which ORT runs. */
TEST(ort_tree_ensemble_model_native)
{
    int counts[CHECK_VIA_CONVERTER + 1] = {0};
    char bad[400];
    judge_model(&target_onnxruntime,
                "models/onnx/onnx2c/simple_networks/treeensembleclassifier.onnx", counts, bad,
                sizeof bad);
    T_CHECK(!bad[0], "first non-native node: %s", bad);
}

/* ---- hailo8 ---- */

/* tfl_helloworld style: input [N, 1] → the DFC needs --shape. */
TEST(hailo_dynamic_dim_unsupported)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_symbolic(tb_input(&b, "dense_input", IR_F32, 2, dn1), "N");
    struct ir_tensor *w = tb_zeros(&b, "w", IR_F32, TB_SHAPE(1, 4));
    struct ir_tensor *y = tb_symbolic(tb_tensor(&b, "y", IR_F32, TB_SHAPE(-1, 4)), "N");
    struct ir_node *n = tb_node(&b, IR_OP_MAT_MUL, NULL, NULL, "n0", TB_LIST(x, w), 1, &y);
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && v.rule && !strcmp(v.rule, "hailo8.static_shapes"),
            "%s %s", check_status_name(v.status), v.rule ? v.rule : "");
    T_CHECK(tb_has(v.detail, "'dense_input'") && tb_has(v.detail, "dim 0") &&
                tb_has(v.detail, "'N'") && tb_has(v.detail, "--shape"),
            "detail names tensor, dim and the fix: %s", v.detail);
    /* pinned: the same node compiles */
    x->dims[0].value = 1;
    y->dims[0].value = 1;
    v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "with fixed shapes: %s (%s)", check_status_name(v.status),
            v.detail);
    tb_free(&b);
}

/* The corpus' keras MLP with a symbolic batch: every node is refused. */
TEST(hailo_helloworld_model_dynamic)
{
    int counts[CHECK_VIA_CONVERTER + 1] = {0};
    char bad[400];
    judge_model(&target_hailo8, "models/onnx/onnx2c/tfl_helloworld/model.onnx", counts, bad,
                sizeof bad);
    if (!t_shared_path("models/onnx/onnx2c/tfl_helloworld/model.onnx")) return;
    T_CHECK(counts[CHECK_UNSUPPORTED] > 0 && tb_has(bad, "dynamic"),
            "a dynamic dim is reported: %s", bad);
}

TEST(hailo_conv_native)
{
    struct tb b;
    struct ir_node *n = conv_model(&b, IR_F32, true);
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_NATIVE, "Conv: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(&b);
}

TEST(hailo_conv_runtime_weights_unsupported)
{
    struct tb b;
    struct ir_node *n = conv_model(&b, IR_F32, false);
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && v.rule && !strcmp(v.rule, "hailo8.conv.weights") &&
                tb_has(v.detail, "'w'"),
            "%s %s: %s", check_status_name(v.status), v.rule ? v.rule : "", v.detail);
    tb_free(&b);
}

/* NMS: HailoRT post-processing on the host (nms_postprocess engine=cpu). */
TEST(hailo_nms_fallback)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_NON_MAX_SUPPRESSION, IR_F32, 11);
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "host"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

TEST(hailo_unknown_op_unsupported)
{
    struct tb b;
    struct ir_node *n = unary_model(&b, IR_OP_EINSUM, IR_F32, 13);
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED &&
                tb_has(v.detail, "not in Hailo's public supported-layer list"),
            "%s: %s", check_status_name(v.status), v.detail);
    tb_free(&b);
    n = opaque_model(&b, "com.microsoft", "FusedConv");
    v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "com.microsoft::FusedConv"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Shape arithmetic on fixed shapes folds away: Shape(x) → Gather → native. */
TEST(hailo_shape_arithmetic_folds)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_input(&b, "x", IR_F32, 4, d1x3x8x8);
    struct ir_tensor *s = tb_tensor(&b, "s", IR_I64, 1, d4);
    struct ir_node *shape = tb_node(&b, IR_OP_SHAPE, NULL, NULL, "n0", TB_LIST(x), 1, &s);
    struct ir_tensor *idx = tb_zeros(&b, "idx", IR_I64, 1, d1);
    struct ir_tensor *g = tb_tensor(&b, "g", IR_I64, 1, d1);
    struct ir_node *gather =
        tb_node(&b, IR_OP_GATHER, NULL, NULL, "gather", TB_LIST(s, idx), TB_LIST(g));
    struct check_verdict v = tb_judge(&target_hailo8, &b, shape);
    T_CHECK(v.status == CHECK_NATIVE && v.rule && !strcmp(v.rule, "hailo8.constant_fold"),
            "Shape of a static tensor: %s %s", check_status_name(v.status), v.detail);
    v = tb_judge(&target_hailo8, &b, gather);
    T_CHECK(v.status == CHECK_NATIVE, "Gather on the shape: %s (%s)", check_status_name(v.status),
            v.detail);
    /* the same Gather on run-time data is not in the public list */
    if (gather) gather->inputs[0] = x;
    v = tb_judge(&target_hailo8, &b, gather);
    T_CHECK(v.status == CHECK_UNSUPPORTED, "Gather on data: %s", check_status_name(v.status));
    tb_free(&b);
}

TEST(hailo_resize_cubic_unsupported)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_input(&b, "x", IR_F32, 4, d1x3x8x8);
    struct ir_tensor *sc = tb_zeros(&b, "scales", IR_F32, 1, d4);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, TB_SHAPE(1, 3, 16, 16));
    struct ir_node *n = tb_node(&b, IR_OP_RESIZE, NULL, NULL, "n0", TB_LIST(x, NULL, sc), 1, &y);
    tb_str(&b, n, "mode", "cubic");
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "'cubic'"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* A Transpose fed by the model's input is a host-side layout change. */
TEST(hailo_transpose_at_edge_fallback)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_input(&b, "image", IR_F32, TB_SHAPE(1, 8, 8, 3));
    struct ir_tensor *y = tb_tensor(&b, "nchw", IR_F32, 4, d1x3x8x8);
    struct ir_node *n = tb_node(&b, IR_OP_TRANSPOSE, NULL, NULL, "n0", TB_LIST(x), 1, &y);
    struct check_verdict v = tb_judge(&target_hailo8, &b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "'image'"), "%s: %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* mnist-8 (fixed 1x1x28x28 input): Conv, MaxPool, Relu, MatMul, Add compile. */
TEST(hailo_mnist_native)
{
    int counts[CHECK_VIA_CONVERTER + 1] = {0};
    char bad[400];
    judge_model(&target_hailo8, "models/onnx/onnx2c/mnist/model.onnx", counts, bad, sizeof bad);
    T_CHECK(counts[CHECK_UNSUPPORTED] == 0, "unsupported node: %s", bad);
}
