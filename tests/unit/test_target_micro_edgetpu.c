/* Targets tflite-micro (TensorFlow Lite for Microcontrollers) and edgetpu
 * (Coral Edge TPU compiler).
 *
 * Known answers for tflite-micro come from tensorflow/tflite-micro@90b983c
 * (2026-08-20):
 * - micro_mutable_op_resolver.h: Add* methods exist for CONV_2D, NEG,
 *   CONCATENATION, STRIDED_SLICE, QUANTIZE, WHILE, ...; none for TILE, POW,
 *   SELECT (SELECT_V2 only); custom codes Signal* (AddWindow -> "SignalWindow",
 *   ...), TFLite_Detection_PostProcess; "ethos-u" only from the Ethos-U build
 *   (kernels/ethosu.cc, the plain build's stub, registers nothing);
 * - kernels/neg.cc: float32 only; kernels/conv_common.cc: float32 input with
 *   float32 filter, int8 with int8/int4, int16 with int8, else "Hybrid models
 *   are not supported on TFLite Micro"; kernels/concatenation.cc:
 *   kMaxInputNum 10; kernels/strided_slice_common.cc: "input dim should not
 *   exceed 4", constant begin/end/strides; kernels/quantize_common.cc:
 *   float32 goes to int8 or int16 only; kernels/arg_min_max.cc: int32 output;
 *   runtime_shape.h: kMaxSmallSize 6;
 * - the models under ../shared/models/tflite/tflm are TFLM's own examples:
 *   they all run on TFLM (hello_world_int8 carries -1 batch signatures).
 *
 * Known answers for edgetpu come from coral.ai/docs/edgetpu/models-intro
 * (supported operations, as reproduced by Axis for ARTPEC-7) and
 * google-coral/edgetpu issues: fully 8-bit quantized models only; the same
 * dilation in x and y for Conv2d; FullyConnected with a one-dimensional
 * output; Softmax on at most 16,000 elements; StridedSlice with strides 1;
 * no fused activation on pools; ABS is not in the list (runs on the CPU);
 * static tensor sizes ("Attempting to use a delegate that only supports
 * static-sized tensors", #829); QUANTIZE of a float input and DEQUANTIZE are
 * left to the CPU. */
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "ir/ir.h"
#include "t.h"
#include "tb.h"
#include "targets/target.h"

extern const struct target target_tflite_micro, target_edgetpu;

/* ---- TFLite-style tensors (named t0, t1, ...) and nodes (tb.h) ---- */

#define T(DT, ...) tb_tensor(b, NULL, IR_##DT, TB_SHAPE(__VA_ARGS__))
#define F32(...) T(F32, __VA_ARGS__)
#define Q8(...) tb_quant(b, T(I8, __VA_ARGS__), 0.05f, 0)
#define CI32V(n, ...) tb_i32s(b, NULL, n, (const int32_t[]){__VA_ARGS__})
/* A node of IR op tfl.OP, one output. */
#define N1(OP, NAME, Y, ...)                                                                       \
    tb_node(b, IR_OP_TFL_##OP, NULL, NULL, NAME, TB_LIST(__VA_ARGS__), 1, &(Y))

/* ---- both tables ---- */

static void table_complete(const struct target *t, int *counts)
{
    for (int i = 0; i < IR_OP_COUNT; i++) {
        const struct target_row *r = &t->rows[i];
        const char *name = i ? ir_op_name((enum ir_op)i) : "OPAQUE";
        bool tfl = i == 0 || !strncmp(name, "tfl.", 4);
        T_CHECK((int)r->op == i, "%s: row %d holds op %d", t->name, i, (int)r->op);
        T_CHECK(r->status != CHECK_UNSET, "%s: %s has no answer", t->name, name);
        T_CHECK(r->why && r->why[0], "%s: %s gives no reason", t->name, name);
        T_CHECK(!tfl || r->status != CHECK_VIA_CONVERTER, "%s: %s goes through the converter",
                t->name, name);
        T_CHECK(tfl || r->status == CHECK_VIA_CONVERTER, "%s: ONNX op %s answers %s", t->name, name,
                check_status_name(r->status));
        T_CHECK(r->status != CHECK_SUBSTITUTED || (r->substitute && r->substitute[0]),
                "%s: %s substituted by nothing", t->name, name);
        if (tfl && i) counts[r->status]++;
    }
    T_CHECK(t->version && t->version[0] && t->source && t->source[0] && t->unknown && t->unknown[0],
            "%s names its version, source and gaps", t->name);
}

TEST(tmicro_table_answers_every_builtin)
{
    int c[CHECK_VIA_CONVERTER + 1] = {0};
    table_complete(&target_tflite_micro, c);
    /* 15 builtins of the IR have no Add* method (TILE, POW, SELECT, ...) */
    T_CHECK(c[CHECK_UNSUPPORTED] == 15 && c[CHECK_NATIVE] == 92 && !c[CHECK_FALLBACK],
            "native %d, fallback %d, unsupported %d", c[CHECK_NATIVE], c[CHECK_FALLBACK],
            c[CHECK_UNSUPPORTED]);
    T_CHECK(target_tflite_micro.model_rule != NULL, "tflite-micro has a model rule");
}

TEST(edgetpu_table_answers_every_builtin)
{
    int c[CHECK_VIA_CONVERTER + 1] = {0};
    table_complete(&target_edgetpu, c);
    /* Coral's list maps 37 of the IR's builtins; ONES_LIKE is no builtin */
    T_CHECK(c[CHECK_NATIVE] == 37 && c[CHECK_UNSUPPORTED] == 1 && c[CHECK_FALLBACK] == 69,
            "native %d, fallback %d, unsupported %d", c[CHECK_NATIVE], c[CHECK_FALLBACK],
            c[CHECK_UNSUPPORTED]);
    T_CHECK(target_edgetpu.partition == TARGET_PARTITION_PREFIX && target_edgetpu.model_rule,
            "edgetpu partitions by prefix and has a model rule");
}

/* ---- tflite-micro ---- */

/* An int8 CONV_2D: x [1,8,8,4], weights [8,3,3,4], bias int32. */
static struct ir_node *int8_conv(struct tb *b, struct ir_tensor *x, enum ir_dtype wdt)
{
    struct ir_tensor *w = tb_quant(
        b,
        tb_const(b, NULL, wdt, TB_SHAPE(8, 3, 3, 4), NULL, (wdt == IR_F32 ? 4 : 1) * 8 * 3 * 3 * 4),
        0.01f, 0);
    struct ir_tensor *bias =
        tb_quant(b, tb_const(b, NULL, IR_I32, TB_SHAPE(8), NULL, 32), 0.0005f, 0);
    struct ir_tensor *y = x && x->dtype == IR_F32 ? F32(1, 8, 8, 8) : Q8(1, 8, 8, 8);
    struct ir_node *n = N1(CONV_2D, "conv", y, x, w, bias);
    tb_str(b, n, "padding", "SAME");
    tb_int(b, n, "stride_w", 1);
    tb_int(b, n, "stride_h", 1);
    tb_int(b, n, "dilation_w_factor", 1);
    tb_int(b, n, "dilation_h_factor", 1);
    return n;
}

TEST(tmicro_int8_conv_is_native)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 8, 8, 4);
    tb_add_input(b, x);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, int8_conv(b, x, IR_I8));
    T_CHECK(v.status == CHECK_NATIVE, "int8 conv: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

/* conv_common.cc: a float32 input with int8 filters is a hybrid model. */
TEST(tmicro_hybrid_conv_is_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = F32(1, 8, 8, 4);
    tb_add_input(b, x);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, int8_conv(b, x, IR_I8));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.conv_2d.weights") &&
                tb_has(v.detail, "hybrid") && tb_has(v.detail, "int8 weights"),
            "hybrid conv: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

/* neg.cc handles float32 only. */
TEST(tmicro_int8_neg_is_unsupported_naming_the_dtype)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 16), *y = Q8(1, 16);
    tb_add_input(b, x);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, N1(NEG, "neg", y, x));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.neg.dtype") &&
                tb_has(v.detail, "is int8") && tb_has(v.detail, "takes float32"),
            "int8 NEG: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    struct ir_tensor *xf = F32(1, 16), *yf = F32(1, 16);
    v = tb_judge(&target_tflite_micro, b, N1(NEG, "negf", yf, xf));
    T_CHECK(v.status == CHECK_NATIVE, "float32 NEG: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

/* No AddTile / AddPow / AddSelect in micro_mutable_op_resolver.h. */
TEST(tmicro_builtins_without_kernel_are_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(2, 3), *y = Q8(4, 3);
    struct ir_tensor *mult = CI32V(2, 2, 1);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, N1(TILE, "tile", y, x, mult));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "no kernel"), "TILE: %s %s",
            check_status_name(v.status), v.detail);
    T_CHECK(target_tflite_micro.rows[IR_OP_TFL_SELECT].status == CHECK_UNSUPPORTED &&
                target_tflite_micro.rows[IR_OP_TFL_SELECT_V2].status == CHECK_NATIVE &&
                target_tflite_micro.rows[IR_OP_TFL_POW].status == CHECK_UNSUPPORTED,
            "SELECT unsupported, SELECT_V2 native, POW unsupported");
    tb_free(b);
}

/* concatenation.cc: kMaxInputNum = 10. */
TEST(tmicro_concatenation_of_11_inputs_is_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *ins[11];
    for (int i = 0; i < 11; i++)
        ins[i] = Q8(1, 4);
    struct ir_tensor *y = Q8(1, 44);
    struct ir_node *n = tb_node(b, IR_OP_TFL_CONCATENATION, NULL, NULL, "cat", 11, ins, 1, &y);
    tb_int(b, n, "axis", 1);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.concatenation.inputs") &&
                tb_has(v.detail, "11 inputs") && tb_has(v.detail, "at most 10"),
            "11-way concat: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    struct ir_tensor *y10 = Q8(1, 40);
    n = tb_node(b, IR_OP_TFL_CONCATENATION, NULL, NULL, "cat10", 10, ins, 1, &y10);
    v = tb_judge(&target_tflite_micro, b, n);
    T_CHECK(v.status == CHECK_NATIVE, "10-way concat: %s %s", check_status_name(v.status),
            v.detail);
    tb_free(b);
}

/* strided_slice_common.cc: rank <= 4, constant begin/end/strides. */
TEST(tmicro_strided_slice_limits)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 2, 3, 4, 5), *y = Q8(1, 2, 3, 4, 2);
    struct ir_tensor *be = CI32V(5, 0, 0, 0, 0, 0), *en = CI32V(5, 1, 2, 3, 4, 2),
                     *st = CI32V(5, 1, 1, 1, 1, 1);
    struct check_verdict v =
        tb_judge(&target_tflite_micro, b, N1(STRIDED_SLICE, "ss5", y, x, be, en, st));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.strided_slice.rank") &&
                tb_has(v.detail, "rank 5") && tb_has(v.detail, "rank <= 4"),
            "rank-5 strided slice: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    struct ir_tensor *x4 = Q8(2, 3, 4, 5), *y4 = Q8(1, 3, 4, 5);
    struct ir_tensor *be4 = T(I32, 4), *en4 = CI32V(4, 1, 3, 4, 5), *st4 = CI32V(4, 1, 1, 1, 1);
    v = tb_judge(&target_tflite_micro, b, N1(STRIDED_SLICE, "ssdyn", y4, x4, be4, en4, st4));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.strided_slice.const") &&
                tb_has(v.detail, "begin"),
            "non-constant begin: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

/* quantize_common.cc: float32 goes to int8 or int16, not uint8. */
TEST(tmicro_quantize_float_to_uint8_is_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = F32(1, 8), *y = tb_quant(b, T(U8, 8), 0.1f, 128);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, N1(QUANTIZE, "q", y, x));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.quantize.types") &&
                tb_has(v.detail, "float32 to uint8"),
            "f32->u8: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    struct ir_tensor *y8 = Q8(1, 8);
    v = tb_judge(&target_tflite_micro, b, N1(QUANTIZE, "q8", y8, x));
    T_CHECK(v.status == CHECK_NATIVE, "f32->i8: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

/* A symbolic dim or a rank above 6 refuses the node (model rule). */
TEST(tmicro_dynamic_and_rank7_tensors_are_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = F32(-1, 16), *y = F32(-1, 16);
    tb_symbolic(x, "batch");
    tb_add_input(b, x);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, N1(RELU, "relu", y, x));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.static_shapes") &&
                tb_has(v.detail, "[batch,16]") && tb_has(v.detail, "--shape"),
            "dynamic: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    /* --shape fixes it (what the check engine does to the input) */
    if (x) x->dims[0].value = 1, y->dims[0].value = 1;
    v = tb_judge(&target_tflite_micro, b, b->g->nodes[0]);
    T_CHECK(v.status == CHECK_NATIVE, "fixed: %s %s", check_status_name(v.status), v.detail);
    struct ir_tensor *x7 = F32(1, 1, 2, 2, 2, 2, 2), *y7 = F32(1, 1, 2, 2, 2, 2, 2);
    v = tb_judge(&target_tflite_micro, b, N1(RELU, "relu7", y7, x7));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "tflite-micro.rank") &&
                tb_has(v.detail, "rank 7") && tb_has(v.detail, "at most 6"),
            "rank 7: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

/* ARG_MAX's reference kernel writes int32 only (ONNX ArgMax gives int64). */
TEST(tmicro_arg_max_int64_output_is_unsupported)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = F32(1, 10), *ax = CI32V(1, 1), *y = T(I64, 1);
    struct check_verdict v = tb_judge(&target_tflite_micro, b, N1(ARG_MAX, "am", y, x, ax));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "output 0") &&
                tb_has(v.detail, "is int64") && tb_has(v.detail, "takes int32"),
            "int64 ARG_MAX: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

static struct check_verdict opaque(const struct target *t, struct tb *b, const char *op_type,
                                   struct ir_tensor *x, struct ir_tensor *y)
{
    struct ir_node *n = tb_node(b, IR_OP_OPAQUE, op_type, NULL, op_type, 1, &x, 1, &y);
    return tb_judge(t, b, n);
}

TEST(tmicro_custom_ops_by_code)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct check_verdict v =
        opaque(&target_tflite_micro, b, "CUSTOM:SignalRfft", T(I16, 480), T(I16, 514));
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "signal"), "SignalRfft: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_tflite_micro, b, "CUSTOM:ethos-u", Q8(1, 96, 96, 1), Q8(1, 2));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "Ethos-U"), "ethos-u: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_tflite_micro, b, "CUSTOM:FlexRFFT", F32(8), F32(8));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "Flex"), "Flex: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_tflite_micro, b, "CUSTOM:MyOp", F32(8), F32(8));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "'MyOp'"), "unknown custom: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_tflite_micro, b, "READ_VARIABLE", F32(8), F32(8));
    T_CHECK(v.status == CHECK_NATIVE, "READ_VARIABLE: %s %s", check_status_name(v.status),
            v.detail);
    struct ir_tensor *x = F32(8), *y = F32(8);
    v = tb_judge(&target_tflite_micro, b,
                 tb_node(b, IR_OP_TFL_WHILE, NULL, NULL, "while", 1, &x, 1, &y));
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "AddWhile"), "tfl.WHILE: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_tflite_micro, b, "HASHTABLE_LOOKUP", F32(8), F32(8));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "HASHTABLE_LOOKUP"),
            "HASHTABLE_LOOKUP: %s %s", check_status_name(v.status), v.detail);
    tb_free(b);
}

/* Every node of a shared model, one target: the worst status and a node
 * with it. */
static enum check_status worst_of(const struct target *t, const char *rel, char *why, int cap)
{
    const char *p = t_shared_path(rel);
    if (!p) return CHECK_UNSET;
    struct ir_model *m = NULL;
    struct fy_error err = {0};
    if (!T_CHECK(format_read_model(p, &m, &err) == FY_OK, "%s: %s", rel, err.message))
        return CHECK_UNSET;
    enum check_status worst = CHECK_NATIVE;
    why[0] = 0;
    for (int i = 0; i < m->graph->n_nodes; i++) {
        struct check_verdict v;
        target_check_node(t, &(struct check_node){.m = m, .n = m->graph->nodes[i]}, &v);
        if (v.status > worst || (v.status == worst && !why[0] && v.status != CHECK_NATIVE)) {
            worst = v.status;
            snprintf(why, (size_t)cap, "%s: %s", m->graph->nodes[i]->op_type, v.detail);
        }
    }
    ir_model_free(m);
    return worst;
}

/* The known answers: the audio preprocessors (signal custom ops)
 * are native; the Vela model needs the Ethos-U build; TFLM's own examples
 * run (hello_world_int8 despite its -1 batch signatures). */
TEST(tmicro_shared_models_known_answers)
{
    static const char *const native[] = {
        "models/tflite/tflm/micro_speech/audio_preprocessor_int8.tflite",
        "models/tflite/tflm/micro_speech/audio_preprocessor_float.tflite",
        "models/tflite/tflm/micro_speech/micro_speech_quantized.tflite",
        "models/tflite/tflm/person_detection/person_detect.tflite",
        "models/tflite/tflm/hello_world/hello_world_int8.tflite",
        "models/tflite/tflm/hello_world/hello_world_float.tflite",
        "models/tflite/tflm/keyword_scrambled/keyword_scrambled.tflite",
        "models/tflite/tflm/mnist_lstm/trained_lstm_int8.tflite",
        "models/tflite/tflm/dtln/dtln_noise_suppression.tflite",
        "models/tflite/tflm/magic_wand/magic_wand.tflite",
    };
    char why[400];
    for (size_t i = 0; i < sizeof native / sizeof native[0]; i++) {
        enum check_status s = worst_of(&target_tflite_micro, native[i], why, sizeof why);
        if (s == CHECK_UNSET) continue; /* ../shared absent */
        T_CHECK(s == CHECK_NATIVE, "%s on tflite-micro: %s (%s)", native[i], check_status_name(s),
                why);
    }
    enum check_status s =
        worst_of(&target_tflite_micro,
                 "models/tflite/tflm/person_detection/person_detect_vela.tflite", why, sizeof why);
    T_CHECK(s == CHECK_UNSET || (s == CHECK_UNSUPPORTED && tb_has(why, "CUSTOM:ethos-u") &&
                                 tb_has(why, "built for Ethos-U")),
            "vela model on tflite-micro: %s (%s)", check_status_name(s), why);
}

/* ---- edgetpu ---- */

/* A float model maps nothing: every node is refused (full int8 needed). */
TEST(edgetpu_float_model_is_unsupported_everywhere)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = F32(1, 8, 8, 4);
    tb_add_input(b, x);
    struct ir_node *conv = int8_conv(b, x, IR_F32);
    struct ir_tensor *y = F32(1, 8, 8, 8);
    struct ir_node *relu = conv ? N1(RELU, "relu", y, conv->outputs[0]) : NULL;
    struct ir_node *nodes[2] = {conv, relu};
    for (int i = 0; i < 2; i++) {
        struct check_verdict v = tb_judge(&target_edgetpu, b, nodes[i]);
        T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "edgetpu.full_int8") &&
                    tb_has(v.detail, "not fully int8-quantized") &&
                    tb_has(v.detail, "'t0' is float32") && tb_has(v.detail, "quantize it first"),
                "node %d of a float model: %s [%s] %s", i, check_status_name(v.status), v.rule,
                v.detail);
    }
    char why[400];
    enum check_status s =
        worst_of(&target_edgetpu, "models/tflite/tflm/hello_world/hello_world_float.tflite", why,
                 sizeof why);
    T_CHECK(s == CHECK_UNSET || (s == CHECK_UNSUPPORTED && tb_has(why, "not fully int8")),
            "hello_world_float on edgetpu: %s (%s)", check_status_name(s), why);
    s = worst_of(&target_edgetpu, "models/tflite/tflm/person_detection/person_detect.tflite", why,
                 sizeof why);
    T_CHECK(s == CHECK_UNSET || s == CHECK_NATIVE, "person_detect (int8) on edgetpu: %s (%s)",
            check_status_name(s), why);
    tb_free(b);
}

/* Conv2d: the same dilation in x and y. */
TEST(edgetpu_conv_dilation_must_match)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 8, 8, 4);
    tb_add_input(b, x);
    struct ir_node *n = int8_conv(b, x, IR_I8);
    struct check_verdict v = tb_judge(&target_edgetpu, b, n);
    T_CHECK(v.status == CHECK_NATIVE, "int8 conv: %s %s", check_status_name(v.status), v.detail);
    struct ir_attr *a = n ? (struct ir_attr *)ir_node_attr(n, "dilation_w_factor") : NULL;
    if (a) a->v.i = 2;
    v = tb_judge(&target_edgetpu, b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.conv.dilation") &&
                tb_has(v.detail, "dilation 1 x 2") && tb_has(v.detail, "same dilation"),
            "dilation 1x2: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

/* ABS is not in Coral's list: the CPU runs it and everything after it. */
TEST(edgetpu_op_not_in_the_list_falls_back)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 16), *y = Q8(1, 16);
    tb_add_input(b, x);
    struct check_verdict v = tb_judge(&target_edgetpu, b, N1(ABS, "abs", y, x));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "every op after it"), "ABS: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(b);
}

/* Fused activations on pools, FullyConnected's 1-D output, Softmax's
 * 16,000 elements, StridedSlice's strides. */
TEST(edgetpu_documented_limitations_fall_back_naming_the_value)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 8, 8, 4), *y = Q8(1, 4, 4, 4);
    tb_add_input(b, x);
    struct ir_node *n = N1(MAX_POOL_2D, "pool", y, x);
    if (n) n->activation = IR_ACT_RELU6;
    struct check_verdict v = tb_judge(&target_edgetpu, b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.pool.activation") &&
                tb_has(v.detail, "RELU6"),
            "pool+relu6: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);

    struct ir_tensor *fx = Q8(4, 16), *fy = Q8(4, 10);
    struct ir_tensor *w =
        tb_quant(b, tb_const(b, NULL, IR_I8, TB_SHAPE(10, 16), NULL, 160), 0.01f, 0);
    n = N1(FULLY_CONNECTED, "fc", fy, fx, w);
    tb_str(b, n, "weights_format", "DEFAULT");
    v = tb_judge(&target_edgetpu, b, n);
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.fully_connected.output") &&
                tb_has(v.detail, "[4,10]"),
            "fc [4,10]: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);

    struct ir_tensor *sx = Q8(1, 20000), *sy = tb_quant(b, T(I8, 1, 20000), 1.f / 256, -128);
    v = tb_judge(&target_edgetpu, b, N1(SOFTMAX, "sm", sy, sx));
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.softmax.size") &&
                tb_has(v.detail, "20000 elements") && tb_has(v.detail, "16,000"),
            "softmax 20000: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);

    struct ir_tensor *tx = Q8(1, 8, 8, 4), *ty = Q8(1, 4, 8, 4);
    struct ir_tensor *be = CI32V(4, 0, 0, 0, 0), *en = CI32V(4, 1, 8, 8, 4),
                     *st = CI32V(4, 1, 2, 1, 1);
    v = tb_judge(&target_edgetpu, b, N1(STRIDED_SLICE, "ss", ty, tx, be, en, st));
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.strided_slice.stride") &&
                tb_has(v.detail, "stride 2 on axis 1"),
            "strided slice stride 2: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

/* A dynamic dim refuses the whole model until --shape fixes it; a RESHAPE
 * sized at run time makes a dynamic tensor too. */
TEST(edgetpu_dynamic_shapes_are_unsupported_until_fixed)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(-1, 16), *y = Q8(-1, 16);
    tb_symbolic(x, "batch");
    tb_add_input(b, x);
    struct ir_node *n = N1(RELU, "relu", y, x);
    struct check_verdict v = tb_judge(&target_edgetpu, b, n);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "edgetpu.static_shapes") &&
                tb_has(v.detail, "'t0'") && tb_has(v.detail, "[batch,16]") &&
                tb_has(v.detail, "--shape"),
            "dynamic batch: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    if (x) x->dims[0].value = 1, y->dims[0].value = 1;
    v = tb_judge(&target_edgetpu, b, n);
    T_CHECK(v.status == CHECK_NATIVE, "after --shape: %s %s", check_status_name(v.status),
            v.detail);
    struct ir_tensor *shp = T(I32, 2), *r = Q8(4, 4);
    struct ir_node *rs = N1(RESHAPE, "reshape", r, y, shp);
    v = tb_judge(&target_edgetpu, b, rs);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_rule_is(&v, "edgetpu.static_shapes") &&
                tb_has(v.detail, "'reshape' (RESHAPE)") && tb_has(v.detail, "not a constant"),
            "run-time reshape: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}

/* float input -> QUANTIZE -> int8 ops -> DEQUANTIZE: the two ends stay on
 * the CPU, the middle maps; a shape_signature of -1 alone is no dynamic
 * tensor (hello_world_int8 compiles). */
TEST(edgetpu_quantize_dequantize_at_the_edges)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = F32(1, 16), *q = Q8(1, 16), *r = Q8(1, 16), *o = F32(1, 16);
    tb_add_input(b, x);
    struct ir_node *nq = N1(QUANTIZE, "q", q, x);
    struct ir_node *nr = N1(RELU, "relu", r, q);
    struct ir_node *nd = N1(DEQUANTIZE, "dq", o, r);
    struct check_verdict v = tb_judge(&target_edgetpu, b, nq);
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.quantize.float_input"),
            "input QUANTIZE: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    v = tb_judge(&target_edgetpu, b, nr);
    T_CHECK(v.status == CHECK_NATIVE, "int8 RELU: %s %s", check_status_name(v.status), v.detail);
    v = tb_judge(&target_edgetpu, b, nd);
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "DEQUANTIZE"), "DEQUANTIZE: %s %s",
            check_status_name(v.status), v.detail);
    char why[400];
    enum check_status s = worst_of(
        &target_edgetpu, "models/tflite/tflm/hello_world/hello_world_int8.tflite", why, sizeof why);
    T_CHECK(s == CHECK_UNSET || s == CHECK_NATIVE, "hello_world_int8 on edgetpu: %s (%s)",
            check_status_name(s), why);
    tb_free(b);
}

TEST(edgetpu_custom_ops_by_code)
{
    struct tb bb, *b = &bb;
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_tensor *x = Q8(1, 16);
    tb_add_input(b, x);
    struct check_verdict v = opaque(&target_edgetpu, b, "CUSTOM:edgetpu-custom-op", x, Q8(1, 16));
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "already compiled"),
            "edgetpu-custom-op: %s %s", check_status_name(v.status), v.detail);
    v = opaque(&target_edgetpu, b, "CUSTOM:TFLite_Detection_PostProcess", x, F32(1, 10, 4));
    T_CHECK(v.status == CHECK_FALLBACK && tb_has(v.detail, "CPU"), "detection postprocess: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_edgetpu, b, "CUSTOM:ethos-u", x, Q8(1, 2));
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "Ethos-U"), "ethos-u: %s %s",
            check_status_name(v.status), v.detail);
    v = opaque(&target_edgetpu, b, "BIDIRECTIONAL_SEQUENCE_LSTM", x, Q8(1, 16));
    T_CHECK(v.status == CHECK_FALLBACK && tb_rule_is(&v, "edgetpu.lstm.bidirectional"),
            "bidirectional LSTM: %s [%s] %s", check_status_name(v.status), v.rule, v.detail);
    tb_free(b);
}
