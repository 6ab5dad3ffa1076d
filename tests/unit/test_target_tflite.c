/* Targets tflite (LiteRT CPU interpreter) and tflite-gpu (its GPU delegate).
 *
 * Known answers come from google-ai-edge/LiteRT@f674577 (2026-08-21):
 * - tflite/core/kernels/register.cc: CONV_2D registered for versions 1-8,
 *   BROADCAST_TO for 2-4, LSTM 1-4, WHILE 1; custom ops NumericVerify, Mfcc,
 *   AudioSpectrogram, TFLite_Detection_PostProcess, aeq.hadamard_rotation;
 *   no kernel for STABLEHLO_CLAMP, CALL, CONCAT_EMBEDDINGS;
 * - tflite/util.cc: Flex ops are custom codes starting with "Flex";
 * - tflite/delegates/gpu/common/model_builder.cc: the convolution parser
 *   takes versions <= 6, the elementwise ones <= 2 (MUL 3); no parser for
 *   SQUEEZE; comparisons only feeding one CAST/SELECT with a float result;
 *   GetOpsToReplace: float32/float16 (int8/uint8 with quantized models)
 *   computed tensors, rank 5 refused;
 * - tflite/tools/versioning/gpu_compatibility.cc: dilation > 0, softmax beta
 *   1, standard ADD/MUL broadcasting, no shrink_axis_mask, MIRROR_PAD
 *   REFLECT only, constant int32 reduce axes, FULLY_CONNECTED input 0 not
 *   constant. */
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "ir/ir.h"
#include "t.h"
#include "tb.h"
#include "targets/target.h"

extern const struct target target_tflite, target_tflite_gpu;

/* ---- TFLite-style tensors (named t0, t1, ...) and nodes (tb.h) ---- */

#define F32(...) tb_tensor(b, NULL, IR_F32, TB_SHAPE(__VA_ARGS__))
/* constants whose values are left out */
#define CF32(...) tb_const(b, NULL, IR_F32, TB_SHAPE(__VA_ARGS__), NULL, 0)
#define CI32(...) tb_const(b, NULL, IR_I32, TB_SHAPE(__VA_ARGS__), NULL, 0)

/* A TFLite node as the reader makes it: op_type the schema name (the node's
 * name too), version, TFLite rounding. ins/outs may hold NULL (an omitted
 * optional input). */
static struct ir_node *tfl_node(struct tb *b, enum ir_op op, const char *op_type, int version,
                                int n_in, struct ir_tensor *const *ins, int n_out,
                                struct ir_tensor *const *outs)
{
    if (!op_type) op_type = ir_op_name(op) + 4; /* "tfl.X" → "X" */
    struct ir_node *n = tb_node(b, op, op_type, NULL, op_type, n_in, ins, n_out, outs);
    if (n) {
        n->version = version;
        n->rounding = IR_ROUND_TFLITE;
    }
    return n;
}

#define NODE(op, ver, ins, outs) tfl_node(b, IR_OP_TFL_##op, NULL, ver, ins, outs)

/* A float CONV_2D [1,8,8,3] * [4,3,3,3] → [1,8,8,4] with its options. */
static struct ir_node *conv(struct tb *b, int version, int dilation)
{
    struct ir_tensor *x = F32(1, 8, 8, 3), *w = CF32(4, 3, 3, 3), *bias = CF32(4),
                     *y = F32(1, 8, 8, 4);
    struct ir_node *n = NODE(CONV_2D, version, TB_LIST(x, w, bias), TB_LIST(y));
    tb_str(b, n, "padding", "SAME");
    tb_int(b, n, "stride_w", 1);
    tb_int(b, n, "stride_h", 1);
    tb_int(b, n, "dilation_w_factor", dilation);
    tb_int(b, n, "dilation_h_factor", dilation);
    return n;
}

/* A node of no IR op: a custom op ("CUSTOM:<code>") or an opaque builtin. */
static struct ir_node *opaque(struct tb *b, const char *op_type, int version, int n_in, int n_out)
{
    struct ir_tensor *ins[8] = {0}, *outs[4] = {0};
    for (int i = 0; i < n_in && i < 8; i++)
        ins[i] = F32(1, 4);
    for (int i = 0; i < n_out && i < 4; i++)
        outs[i] = F32(1, 4);
    return tfl_node(b, IR_OP_OPAQUE, op_type, version, n_in, ins, n_out, outs);
}

/* ---- tables ---- */

static void table_complete(const struct target *t)
{
    int counts[CHECK_VIA_CONVERTER + 1] = {0};
    for (int i = 0; i < IR_OP_COUNT; i++) {
        const struct target_row *r = &t->rows[i];
        const char *nm = i ? ir_op_name((enum ir_op)i) : "OPAQUE";
        bool tfl = i == IR_OP_OPAQUE || !strncmp(nm, "tfl.", 4);
        T_CHECK((int)r->op == i, "%s: row %d holds op %d", t->name, i, (int)r->op);
        T_CHECK(r->status != CHECK_UNSET, "%s: row %s unset", t->name, nm);
        T_CHECK(r->why && r->why[0], "%s: row %s has no why", t->name, nm);
        if (tfl)
            T_CHECK(r->status != CHECK_VIA_CONVERTER, "%s: TFLite row %s via converter", t->name,
                    nm);
        else
            T_CHECK(r->status == CHECK_VIA_CONVERTER, "%s: ONNX row %s not via converter", t->name,
                    nm);
        if (r->status == CHECK_SUBSTITUTED)
            T_CHECK(r->substitute && r->substitute[0], "%s: row %s names no substitute", t->name,
                    nm);
        if (r->status >= 0 && r->status <= CHECK_VIA_CONVERTER) counts[r->status]++;
    }
    T_CHECK(t->version && t->version[0] && t->source && t->source[0], "%s: version and source",
            t->name);
    T_CHECK(counts[CHECK_NATIVE] > 0, "%s has native rows", t->name);
}

TEST(target_tflite_table_complete)
{
    table_complete(&target_tflite);
}

TEST(target_tflite_gpu_table_complete)
{
    table_complete(&target_tflite_gpu);
    T_CHECK(target_tflite_gpu.partition == TARGET_PARTITION_DELEGATE,
            "the GPU delegate partitions the graph");
}

/* ---- tflite (CPU) ---- */

/* register.cc: CONV_2D versions 1 to 8 */
TEST(target_tflite_conv_registered_version_native)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite, b, conv(b, 8, 1));
    T_CHECK(v.status == CHECK_NATIVE, "CONV_2D v8: %s (%s)", check_status_name(v.status), v.detail);
    tb_free(b);
}

TEST(target_tflite_conv_newer_version_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite, b, conv(b, 9, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED, "CONV_2D v9: %s", check_status_name(v.status));
    T_CHECK(v.rule && !strcmp(v.rule, "tflite.builtin.version"), "rule %s", v.rule);
    T_CHECK(tb_has(v.detail, "version 9") && tb_has(v.detail, "1 to 8"),
            "detail names the versions: %s", v.detail);
    tb_free(b);
}

/* register.cc: BROADCAST_TO registers 2 to 4 (version 1 was rolled back) */
TEST(target_tflite_broadcast_to_version1_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_node *n = NODE(BROADCAST_TO, 1, TB_LIST(F32(1, 4), CI32(2)), TB_LIST(F32(3, 4)));
    struct check_verdict v = tb_judge(&target_tflite, b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "version 1") &&
                tb_has(v.detail, "2 to 4"),
            "BROADCAST_TO v1: %s %s", check_status_name(v.status), v.detail);
    n->version = 2;
    v = tb_judge(&target_tflite, b, n);
    T_CHECK(v.status == CHECK_NATIVE, "BROADCAST_TO v2: %s", check_status_name(v.status));
    tb_free(b);
}

TEST(target_tflite_ones_like_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v =
        tb_judge(&target_tflite, b, NODE(ONES_LIKE, 1, TB_LIST(F32(2)), TB_LIST(F32(2))));
    T_CHECK(v.status == CHECK_UNSUPPORTED, "ONES_LIKE: %s", check_status_name(v.status));
    tb_free(b);
}

TEST(target_tflite_opaque_registered_custom_native)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v =
        tb_judge(&target_tflite, b, opaque(b, "CUSTOM:TFLite_Detection_PostProcess", 1, 3, 4));
    T_CHECK(v.status == CHECK_NATIVE, "detection postprocess: %s %s", check_status_name(v.status),
            v.detail);
    tb_free(b);
}

TEST(target_tflite_opaque_flex_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite, b, opaque(b, "CUSTOM:FlexAddV2", 1, 2, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED, "FlexAddV2: %s", check_status_name(v.status));
    T_CHECK(tb_has(v.detail, "needs the Flex delegate (SELECT_TF_OPS) linked into the app") &&
                tb_has(v.detail, "FlexAddV2"),
            "detail: %s", v.detail);
    tb_free(b);
}

TEST(target_tflite_opaque_unregistered_custom_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite, b, opaque(b, "CUSTOM:MyOp", 1, 1, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED, "MyOp: %s", check_status_name(v.status));
    T_CHECK(tb_has(v.detail, "custom op 'MyOp': the application must register a kernel for it"),
            "detail: %s", v.detail);
    tb_free(b);
}

/* Builtins ferry holds opaquely: a kernel (LSTM 1-4, CALL_ONCE 1) or none;
 * IF and WHILE are IR ops of their own (version 1 only). */
TEST(target_tflite_opaque_builtins)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite, b, opaque(b, "LSTM", 4, 2, 1));
    T_CHECK(v.status == CHECK_NATIVE, "LSTM v4: %s", check_status_name(v.status));
    v = tb_judge(&target_tflite, b, opaque(b, "LSTM", 5, 2, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "version 5"), "LSTM v5: %s %s",
            check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite, b, opaque(b, "CALL_ONCE", 1, 0, 0));
    T_CHECK(v.status == CHECK_NATIVE, "CALL_ONCE: %s", check_status_name(v.status));
    struct ir_tensor *x = F32(1, 4), *y = F32(1, 4);
    v = tb_judge(&target_tflite, b, tfl_node(b, IR_OP_TFL_WHILE, NULL, 1, 1, &x, 1, &y));
    T_CHECK(v.status == CHECK_NATIVE, "tfl.WHILE v1: %s %s", check_status_name(v.status),
            v.detail);
    struct ir_tensor *c = tb_tensor(b, NULL, IR_BOOL, TB_SHAPE(1)), *z = F32(1, 4);
    v = tb_judge(&target_tflite, b, tfl_node(b, IR_OP_TFL_IF, NULL, 2, 1, &c, 1, &z));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "IF version 2"), "tfl.IF v2: %s %s",
            check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite, b, opaque(b, "STABLEHLO_CLAMP", 1, 3, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "STABLEHLO_CLAMP"),
            "STABLEHLO_CLAMP: %s %s", check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite, b, opaque(b, "BUILTIN_250", 1, 1, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "250"), "BUILTIN_250: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

/* An ONNX op of another domain (kept opaque) has no TFLite lowering. */
TEST(target_tflite_opaque_onnx_unsupported)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 0);
    struct ir_node *n =
        tb_node(&b, IR_OP_OPAQUE, "TreeEnsembleClassifier", "ai.onnx.ml", "t", 0, NULL, 0, NULL);
    if (T_CHECK(n != NULL, "node: %s", b.err.message)) {
        struct check_verdict v = tb_judge(&target_tflite, &b, n);
        T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "TreeEnsembleClassifier") &&
                    tb_has(v.detail, "ai.onnx.ml"),
                "%s %s", check_status_name(v.status), v.detail);
    }
    tb_free(&b);
}

/* Real files: the Vela-compiled person detector is one 'ethos-u' custom op
 * (needs the Ethos-U delegate), the int8 MobileNet v2 is all builtins. */
TEST(target_tflite_real_models)
{
    const char *vela =
        t_shared_path("models/tflite/tflm/person_detection/person_detect_vela.tflite");
    const char *mnv2 = t_shared_path(
        "models/tflite/tflm/mobilenet_v2_quantized/mobilenet_v2_quantized_1x3x224x224.tflite");
    if (!vela || !mnv2) {
        printf("    (skipped: ../shared/models absent)\n");
        return;
    }
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (T_CHECK(format_read_model(vela, &m, &err) == FY_OK, "%s", err.message)) {
        int unsup = 0;
        for (int i = 0; i < m->graph->n_nodes; i++) {
            struct check_verdict v;
            target_check_node(&target_tflite, &(struct check_node){.m = m, .n = m->graph->nodes[i]},
                              &v);
            if (v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "'ethos-u'")) unsup++;
        }
        T_CHECK(unsup == 1, "ethos-u nodes unsupported: %d", unsup);
    }
    ir_model_free(m);
    m = NULL;
    if (T_CHECK(format_read_model(mnv2, &m, &err) == FY_OK, "%s", err.message)) {
        for (int i = 0; i < m->graph->n_nodes; i++) {
            struct check_verdict v;
            const struct ir_node *n = m->graph->nodes[i];
            target_check_node(&target_tflite, &(struct check_node){.m = m, .n = n}, &v);
            T_CHECK(v.status == CHECK_NATIVE, "%s v%d on tflite: %s", n->op_type, n->version,
                    v.detail);
            target_check_node(&target_tflite_gpu, &(struct check_node){.m = m, .n = n}, &v);
            T_CHECK(v.status == CHECK_NATIVE, "%s v%d on tflite-gpu (int8): %s", n->op_type,
                    n->version, v.detail);
        }
    }
    ir_model_free(m);
}

/* ---- tflite-gpu ---- */

TEST(target_tflite_gpu_conv_native)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, conv(b, 1, 1));
    T_CHECK(v.status == CHECK_NATIVE, "float CONV_2D: %s %s", check_status_name(v.status),
            v.detail);
    tb_free(b);
}

/* the convolution parser takes versions up to 6; the CPU up to 8; 9 neither */
TEST(target_tflite_gpu_conv_version)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, conv(b, 7, 1));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "version 7") &&
                tb_has(v.detail, "up to 6"),
            "CONV_2D v7: %s %s", check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite_gpu, b, conv(b, 9, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED, "CONV_2D v9 (CPU refuses too): %s",
            check_status_name(v.status));
    tb_free(b);
}

TEST(target_tflite_gpu_conv_dilation_zero)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, conv(b, 1, 0));
    T_CHECK(v.status == CHECK_FALLBACK && v.rule && !strcmp(v.rule, "tflite-gpu.conv.dilation") &&
                tb_has(v.detail, "dilation_h_factor 0"),
            "%s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

TEST(target_tflite_gpu_softmax_beta)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_node *n = NODE(SOFTMAX, 1, TB_LIST(F32(1, 10)), TB_LIST(F32(1, 10)));
    tb_float(b, n, "beta", 2.0f);
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "beta 2"), "%s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

/* standard broadcasting: 3D to 4D with batch 1 works, [8,3] to [1,8,8,3] does not */
TEST(target_tflite_gpu_add_broadcast)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v =
        tb_judge(&target_tflite_gpu, b,
                 NODE(ADD, 1, TB_LIST(F32(1, 8, 8, 3), F32(8, 8, 3)), TB_LIST(F32(1, 8, 8, 3))));
    T_CHECK(v.status == CHECK_NATIVE, "[1,8,8,3]+[8,8,3]: %s %s", check_status_name(v.status),
            v.detail);
    v = tb_judge(&target_tflite_gpu, b,
                 NODE(ADD, 1, TB_LIST(F32(1, 8, 8, 3), F32(8, 3)), TB_LIST(F32(1, 8, 8, 3))));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "[1,8,8,3]") &&
                tb_has(v.detail, "[8,3]"),
            "[1,8,8,3]+[8,3]: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

/* computed int32 tensors are refused; int8 ones run (quantized models on) */
TEST(target_tflite_gpu_tensor_dtype)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    int64_t d[] = {1, 4};
    struct ir_tensor *a = tb_tensor(b, NULL, IR_I32, 2, d), *c = tb_tensor(b, NULL, IR_I32, 2, d),
                     *y = tb_tensor(b, NULL, IR_I32, 2, d);
    struct check_verdict v =
        tb_judge(&target_tflite_gpu, b, NODE(ADD, 1, TB_LIST(a, c), TB_LIST(y)));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "int32"), "int32 ADD: %s %s",
            check_status_name(v.status), v.detail);
    a = tb_tensor(b, NULL, IR_I8, 2, d), c = tb_tensor(b, NULL, IR_I8, 2, d),
    y = tb_tensor(b, NULL, IR_I8, 2, d);
    v = tb_judge(&target_tflite_gpu, b, NODE(ADD, 2, TB_LIST(a, c), TB_LIST(y)));
    T_CHECK(v.status == CHECK_NATIVE, "int8 ADD v2: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

TEST(target_tflite_gpu_rank5_refused)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v =
        tb_judge(&target_tflite_gpu, b,
                 NODE(RELU, 1, TB_LIST(F32(1, 2, 3, 4, 5)), TB_LIST(F32(1, 2, 3, 4, 5))));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "rank 5"), "%s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

/* no parser → CPU */
TEST(target_tflite_gpu_no_parser_fallback)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v = tb_judge(&target_tflite_gpu, b,
                                      NODE(SQUEEZE, 1, TB_LIST(F32(1, 4, 1)), TB_LIST(F32(1, 4))));
    T_CHECK(v.status == CHECK_FALLBACK, "SQUEEZE: %s", check_status_name(v.status));
    v = tb_judge(&target_tflite_gpu, b, NODE(ONES_LIKE, 1, TB_LIST(F32(4)), TB_LIST(F32(4))));
    T_CHECK(v.status == CHECK_UNSUPPORTED, "ONES_LIKE: %s", check_status_name(v.status));
    tb_free(b);
}

/* a comparison runs only feeding one CAST / SELECT with a float result */
TEST(target_tflite_gpu_compare_needs_float_consumer)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    int64_t d[] = {1, 4};
    struct ir_tensor *mask = tb_tensor(b, NULL, IR_BOOL, 2, d);
    struct ir_node *gt = NODE(GREATER, 1, TB_LIST(F32(1, 4), CF32(1, 4)), TB_LIST(mask));
    struct ir_node *cast = NODE(CAST, 1, TB_LIST(mask), TB_LIST(F32(1, 4)));
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, gt);
    T_CHECK(v.status == CHECK_NATIVE, "GREATER → CAST float: %s %s", check_status_name(v.status),
            v.detail);
    (void)cast;
    NODE(LOGICAL_NOT, 1, TB_LIST(mask), TB_LIST(tb_tensor(b, NULL, IR_BOOL, 2, d)));
    v = tb_judge(&target_tflite_gpu, b, gt);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "read by 2 nodes"), "two readers: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

TEST(target_tflite_gpu_strided_slice_shrink_mask)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_node *n = NODE(STRIDED_SLICE, 1, TB_LIST(F32(1, 4, 4, 3), CI32(4), CI32(4), CI32(4)),
                             TB_LIST(F32(4, 4, 3)));
    tb_int(b, n, "shrink_axis_mask", 1);
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "shrink_axis_mask 1"), "%s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

TEST(target_tflite_gpu_mirror_pad_symmetric)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_node *n =
        NODE(MIRROR_PAD, 1, TB_LIST(F32(1, 4, 4, 3), CI32(4, 2)), TB_LIST(F32(1, 6, 6, 3)));
    tb_str(b, n, "mode", "SYMMETRIC");
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "SYMMETRIC"), "%s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

/* MEAN needs constant int32 axes; FULLY_CONNECTED a computed input 0 */
TEST(target_tflite_gpu_constant_input_rules)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    int64_t two = 2;
    struct ir_tensor *axes = tb_tensor(b, NULL, IR_I32, 1, &two);
    struct check_verdict v = tb_judge(
        &target_tflite_gpu, b, NODE(MEAN, 1, TB_LIST(F32(1, 4, 4, 3), axes), TB_LIST(F32(1, 3))));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "constant"), "MEAN computed axes: %s %s",
            check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite_gpu, b,
                 NODE(MEAN, 1, TB_LIST(F32(1, 4, 4, 3), CI32(2)), TB_LIST(F32(1, 3))));
    T_CHECK(v.status == CHECK_NATIVE, "MEAN constant axes: %s %s", check_status_name(v.status),
            v.detail);
    v = tb_judge(
        &target_tflite_gpu, b,
        NODE(FULLY_CONNECTED, 1, TB_LIST(CF32(1, 8), F32(4, 8), CF32(4)), TB_LIST(F32(1, 4))));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "input 0 is a constant"),
            "FC const input: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

/* OPAQUE: custom ops the delegate parses run on the GPU even though the CPU
 * resolver lacks them; other customs stay unsupported; opaque builtins with
 * no parser fall back when the CPU has a kernel. */
TEST(target_tflite_gpu_opaque)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *src = F32(1, 8, 8, 3), *warp = F32(1, 8, 8, 2), *y = F32(1, 8, 8, 3);
    struct ir_node *rs =
        tfl_node(b, IR_OP_OPAQUE, "CUSTOM:Resampler", 1, TB_LIST(src, warp), TB_LIST(y));
    struct check_verdict v = tb_judge(&target_tflite_gpu, b, rs);
    T_CHECK(v.status == CHECK_NATIVE, "Resampler: %s %s", check_status_name(v.status), v.detail);
    struct ir_tensor *warp1 = F32(1, 8, 8, 1);
    rs = tfl_node(b, IR_OP_OPAQUE, "CUSTOM:Resampler", 1, TB_LIST(F32(1, 8, 8, 3), warp1),
                  TB_LIST(F32(1, 8, 8, 3)));
    v = tb_judge(&target_tflite_gpu, b, rs);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "1 channels"),
            "Resampler 1-channel warp (GPU refuses, CPU has no kernel): %s %s",
            check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite_gpu, b, opaque(b, "CUSTOM:FlexAddV2", 1, 2, 1));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "Flex delegate"), "Flex: %s %s",
            check_status_name(v.status), v.detail);
    v = tb_judge(&target_tflite_gpu, b, opaque(b, "CALL_ONCE", 1, 0, 0));
    T_CHECK(v.status == CHECK_FALLBACK, "CALL_ONCE: %s %s", check_status_name(v.status),
            v.detail);
    struct ir_tensor *c = tb_tensor(b, NULL, IR_BOOL, TB_SHAPE(1)), *z = F32(1, 4);
    v = tb_judge(&target_tflite_gpu, b, tfl_node(b, IR_OP_TFL_IF, NULL, 1, 1, &c, 1, &z));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "no parser"), "tfl.IF: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

/* dtln: the two UNIDIRECTIONAL_SEQUENCE_LSTM nodes have no GPU parser */
TEST(target_tflite_gpu_real_lstm_model)
{
    const char *p = t_shared_path("models/tflite/tflm/dtln/dtln_noise_suppression.tflite");
    if (!p) {
        printf("    (skipped: ../shared/models absent)\n");
        return;
    }
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (T_CHECK(format_read_model(p, &m, &err) == FY_OK, "%s", err.message)) {
        int lstm_fallback = 0, lstm = 0;
        for (int i = 0; i < m->graph->n_nodes; i++) {
            const struct ir_node *n = m->graph->nodes[i];
            struct check_verdict v;
            target_check_node(&target_tflite_gpu, &(struct check_node){.m = m, .n = n}, &v);
            if (n->op == IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM) {
                lstm++;
                if (v.status == CHECK_FALLBACK) lstm_fallback++;
            }
        }
        T_CHECK(lstm > 0 && lstm_fallback == lstm, "LSTM nodes %d, fallback %d", lstm,
                lstm_fallback);
    }
    ir_model_free(m);
}
