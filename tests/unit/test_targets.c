/* The target tables (src/targets): every table answers every IR op
 * explicitly, row i is op i, and the two families are answered the way
 * target.h says (TFLite targets send ONNX ops through the converter; ONNX
 * targets refuse tfl.* builtins). */
#include <string.h>

#include "t.h"
#include "targets/target.h"

static bool is_tfl(enum ir_op op) { return !strncmp(ir_op_name(op), "tfl.", 4); }

TEST(targets_every_row_is_its_op_and_answered)
{
    for (int t = 0; t < target_count; t++) {
        const struct target *tg = target_list[t];
        for (int i = 0; i < IR_OP_COUNT; i++) {
            const struct target_row *r = &tg->rows[i];
            if (!T_CHECK((int)r->op == i, "%s: row %d holds op %d", tg->name, i, (int)r->op))
                continue;
            T_CHECK(r->status != CHECK_UNSET, "%s: op %s has no answer", tg->name,
                    i ? ir_op_name((enum ir_op)i) : "OPAQUE");
            T_CHECK(r->why && r->why[0], "%s: op %s gives no reason", tg->name,
                    i ? ir_op_name((enum ir_op)i) : "OPAQUE");
            T_CHECK(r->status != CHECK_SUBSTITUTED || (r->substitute && r->substitute[0]),
                    "%s: op %s is substituted without saying by what", tg->name,
                    ir_op_name((enum ir_op)i));
        }
    }
}

TEST(targets_tflite_targets_send_onnx_ops_through_the_converter)
{
    for (int t = 0; t < target_count; t++) {
        const struct target *tg = target_list[t];
        for (int i = 1; i < IR_OP_COUNT; i++) {
            enum check_status s = tg->rows[i].status;
            if (tg->takes == TARGET_TAKES_TFLITE)
                T_CHECK(is_tfl((enum ir_op)i) ? s != CHECK_VIA_CONVERTER : s == CHECK_VIA_CONVERTER,
                        "%s: op %s answers %s", tg->name, ir_op_name((enum ir_op)i),
                        check_status_name(s));
            else
                T_CHECK(is_tfl((enum ir_op)i) ? s == CHECK_UNSUPPORTED : s != CHECK_VIA_CONVERTER,
                        "%s: op %s answers %s", tg->name, ir_op_name((enum ir_op)i),
                        check_status_name(s));
        }
    }
}

TEST(targets_each_names_version_and_source)
{
    for (int t = 0; t < target_count; t++) {
        const struct target *tg = target_list[t];
        T_CHECK(tg->version && tg->version[0], "%s has no runtime version", tg->name);
        T_CHECK(tg->source && tg->source[0], "%s cites no source", tg->name);
        T_CHECK(tg->partition == TARGET_PARTITION_NONE || (tg->accelerator && tg->accelerator[0]),
                "%s partitions without naming the accelerator", tg->name);
    }
}

TEST(targets_find_parses_opset_names)
{
    int64_t opset = -1;
    const struct target *t = target_find("onnx-opset13", &opset);
    T_CHECK(t && opset == 13, "onnx-opset13 -> %p, %lld", (const void *)t, (long long)opset);
    T_CHECK(!target_find("onnx-opset", &opset), "onnx-opset without N is not a target");
    T_CHECK(!target_find("onnx-opset1x", &opset), "onnx-opset1x is not a target");
    T_CHECK(target_find("edgetpu", &opset) && opset == 0, "edgetpu is a target");
    T_CHECK(!target_find("gpu", &opset), "gpu is not a target");
}
