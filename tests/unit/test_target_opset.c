/* The onnx-opsetN target (src/targets/onnx_opset.c): what happens to a node
 * when its model moves from its opset M to ONNX opset N.
 *
 * Known answers come from onnx/onnx docs/Changelog.md @f754691 (2026-08-22)
 * and, for the version table up to opset 17, from the schemas of the
 * installed python onnx (tests/tools/onnx_versions_check.py prints them; the
 * test compares them with the C table):
 *  - LayerNormalization is defined from opset 17 (a function op); at opset
 *    13 it is decomposed (the known answer);
 *  - Squeeze-13 takes axes as an input (an attribute before);
 *  - ReduceMean-18 takes axes as an input;
 *  - Abs-13 only adds bfloat16;
 *  - Softmax-13 works along one axis, Softmax-11 coerces to 2-D at axis;
 *  - Resize-10 has no coordinate_transformation_mode, Resize-19 adds
 *    half_pixel_symmetric;
 *  - Upsample is deprecated at 10 (Resize), Scatter at 11 (ScatterElements);
 *  - Split-18 adds num_outputs; Clip-11 moves min/max to inputs;
 *  - negative axes are accepted from opset 11 (Concat-11, ...);
 *  - Einsum is defined from 12, Gelu from 20, HardSwish from 14. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "ir/ir.h"
#include "t.h"
#include "tb.h"
#include "targets/target.h"

extern const struct target target_onnx_opset;
/* defined in src/targets/onnx_opset.c for this test */
int onnx_opset_history(enum ir_op op, int *since, uint32_t *dtypes, int cap);

/* ---- one node in a fresh model of opset M (tb.h) ---- */

/* The node's answer when the model moves to opset N. */
static struct check_verdict to_opset(struct tb *b, const struct ir_node *n, int64_t target)
{
    struct check_verdict v;
    memset(&v, 0, sizeof v);
    if (!T_CHECK(!b->bad && n, "building the node: %s", b->err.message)) return v;
    b->target_opset = target;
    return tb_judge(&target_onnx_opset, b, n);
}

/* A one-input node x (dtype dt, dims) -> y of the same shape. */
static struct ir_node *unary(struct tb *b, enum ir_op op, enum ir_dtype dt, int rank,
                             const int64_t *dims)
{
    struct ir_tensor *x = tb_tensor(b, "x", dt, rank, dims);
    struct ir_tensor *y = tb_tensor(b, "y", dt, rank, dims);
    return tb_node(b, op, NULL, "", "n0", 1, TB_TS(x), 1, TB_TS(y));
}

static const int64_t d2x3[2] = {2, 3}, d1x3x8x8[4] = {1, 3, 8, 8}, d2x6x4[3] = {2, 6, 4},
                     d2x5x4[3] = {2, 5, 4};

/* ---- the tables ---- */

TEST(opset_rows_every_onnx_op_has_a_rule_and_a_reason)
{
    const struct target *t = &target_onnx_opset;
    int onnx = 0;
    for (int i = 0; i < IR_OP_COUNT; i++) {
        const struct target_row *r = &t->rows[i];
        T_CHECK((int)r->op == i, "row %d holds op %d", i, (int)r->op);
        T_CHECK(r->status != CHECK_UNSET && r->status != CHECK_VIA_CONVERTER, "op %s answers %s",
                i ? ir_op_name((enum ir_op)i) : "OPAQUE", check_status_name(r->status));
        T_CHECK(r->why && r->why[0], "op %s gives no reason",
                i ? ir_op_name((enum ir_op)i) : "OPAQUE");
        if (i && strncmp(ir_op_name((enum ir_op)i), "tfl.", 4)) {
            onnx++;
            T_CHECK(r->rule != NULL, "ONNX op %s has no version rule", ir_op_name((enum ir_op)i));
            T_CHECK(tb_has(r->why, ir_op_name((enum ir_op)i)), "why of %s names another op: %s",
                    ir_op_name((enum ir_op)i), r->why);
        } else if (i) {
            T_CHECK(r->status == CHECK_UNSUPPORTED, "%s answers %s", ir_op_name((enum ir_op)i),
                    check_status_name(r->status));
        }
    }
    T_CHECK(t->rows[IR_OP_OPAQUE].rule != NULL, "the OPAQUE row decides by domain and name");
    T_CHECK(onnx > 150, "%d ONNX rows", onnx);
    T_CHECK(t->version && t->version[0] && t->source && tb_has(t->source, "Changelog.md"),
            "version %s, source %s", t->version, t->source);
    T_CHECK(t->unknown && t->unknown[0], "gaps are listed");
}

/* Every ONNX op has a history: versions ascending, within opsets 1..28. */
TEST(opset_history_versions_ascend_within_the_changelog)
{
    for (int i = 1; i < IR_OP_COUNT; i++) {
        int since[16];
        uint32_t dt[16];
        int k = onnx_opset_history((enum ir_op)i, since, dt, 16);
        if (!strncmp(ir_op_name((enum ir_op)i), "tfl.", 4)) {
            T_CHECK(k == -1, "%s is not an ONNX op", ir_op_name((enum ir_op)i));
            continue;
        }
        if (!T_CHECK(k >= 1 && k <= 16, "%s has %d versions", ir_op_name((enum ir_op)i), k))
            continue;
        for (int j = 0; j < k; j++) {
            T_CHECK(since[j] >= 1 && since[j] <= 28, "%s version %d", ir_op_name((enum ir_op)i),
                    since[j]);
            T_CHECK(j == 0 || since[j] > since[j - 1], "%s versions out of order",
                    ir_op_name((enum ir_op)i));
        }
    }
}

/* Schemas ONNX edited in place after python3-onnx 1.12 (no new version):
 * the table follows the Changelog snapshot. Erf-13 was narrowed to float
 * types by onnx/onnx#7398 (2025-10-16, "Clarify supported dtypes for Erf
 * operator"); onnx 1.12 still lists the integer types. */
static bool edited_later(const char *op, int v, uint32_t ours, uint32_t onnx)
{
    uint32_t floats = (1u << IR_F32) | (1u << IR_F16) | (1u << IR_BF16) | (1u << IR_F64);
    return !strcmp(op, "Erf") && v == 13 && ours == floats && (onnx & floats) == floats;
}

/* The table against python onnx's own schemas (opsets <= 17 with Debian's
 * python3-onnx 1.12): each op's since_versions and each version's types. The
 * expected lines come from onnx.defs, never from ferry's table. */
TEST(opset_history_matches_python_onnx_schemas)
{
    if (system("/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1") != 0) {
        printf("    (skipped: /usr/bin/python3 with onnx is not installed)\n");
        return;
    }
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s'",
             t_repo_path("tests/tools/onnx_versions_check.py"));
    FILE *p = popen(cmd, "r");
    if (!T_CHECK(p != NULL, "run %s", cmd)) return;
    static char line[8192];
    int max_opset = 0, compared = 0;
    bool seen[IR_OP_COUNT] = {false};
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#') {
            const char *o = strstr(line, " opset ");
            if (o) max_opset = atoi(o + 7);
            continue;
        }
        char *save = NULL;
        char *name = strtok_r(line, " ", &save);
        if (!name) continue;
        enum ir_op op = ir_op_from_name(name);
        if ((int)op >= (int)IR_OP_TFL_ABS) continue;
        if (op == IR_OP_OPAQUE) continue; /* an op ferry does not model */
        seen[op] = true;
        int since[16];
        uint32_t dt[16];
        int k = onnx_opset_history(op, since, dt, 16);
        int j = 0;
        for (char *item = strtok_r(NULL, " ", &save); item;
             item = strtok_r(NULL, " ", &save), j++) {
            int v = atoi(item);
            const char *types = strchr(item, ':');
            if (!T_CHECK(j < k && since[j] == v, "%s: onnx has version %d, ferry's table has %d",
                         name, v, j < k ? since[j] : -1))
                break;
            if (!types || !strcmp(types + 1, "-")) {
                T_CHECK(dt[j] == 0, "%s-%d is deprecated in onnx", name, v);
                continue;
            }
            uint32_t want = 0;
            char buf[512];
            snprintf(buf, sizeof buf, "%s", types + 1);
            char *s2 = NULL;
            for (char *t = strtok_r(buf, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) {
                enum ir_dtype d = ir_dtype_from_name(t);
                if (T_CHECK(d != IR_UNDEFINED, "%s: dtype %s", name, t)) want |= 1u << d;
            }
            T_CHECK(dt[j] == want || edited_later(name, v, dt[j], want),
                    "%s-%d: types 0x%x in ferry's table, onnx says 0x%x (%s)", name, v, dt[j], want,
                    types + 1);
            compared++;
        }
        /* versions after onnx's last opset are the Changelog's, not onnx 1.12's */
        T_CHECK(j == k || (j < k && since[j] > max_opset),
                "%s: ferry's table has version %d that onnx (to opset %d) does not", name,
                j < k ? since[j] : -1, max_opset);
    }
    int rc = pclose(p);
    T_CHECK(rc == 0, "%s exited with %d", cmd, rc);
    T_CHECK(max_opset >= 13 && compared > 300, "onnx to opset %d, %d versions compared", max_opset,
            compared);
    /* every IR op onnx knows was compared; the others start after its opset */
    for (int i = 1; i < IR_OP_COUNT; i++) {
        int since[16];
        uint32_t dt[16];
        if (onnx_opset_history((enum ir_op)i, since, dt, 16) < 1 || seen[i]) continue;
        T_CHECK(since[0] > max_opset, "%s (from opset %d) missing from onnx's schemas",
                ir_op_name((enum ir_op)i), since[0]);
    }
}

/* ---- verdicts ---- */

/* The known answer: LayerNormalization (opset 17) at opset 13 is
 * decomposed into ops opset 13 has. */
TEST(opset_layernorm_at_13_is_decomposed)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 17);
    struct ir_node *n = unary(&b, IR_OP_LAYER_NORMALIZATION, IR_F32, 3, d2x5x4);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED, "%s: %s", check_status_name(v.status), v.detail);
    T_CHECK(tb_has(v.substitute, "ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add"),
            "substitute %s", v.substitute ? v.substitute : "(none)");
    T_CHECK(tb_has(v.detail, "from opset 17") && tb_has(v.detail, "opset 13"), "detail: %s",
            v.detail);
    v = to_opset(&b, n, 18);
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "LayerNormalization-17 is the same"),
            "at 18: %s %s", check_status_name(v.status), v.detail);
    v = to_opset(&b, n, 6); /* the decomposition needs broadcasting (opset 7) */
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "needs opset 7"), "at 6: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* A real opset-17 export (onnx2tf's LayerNormalization1D_17.onnx): its one
 * LayerNormalization node is decomposed at 13; at 17 every node is native. */
TEST(opset_real_layernorm_model_at_13)
{
    const char *path = t_shared_path("models/onnx/onnx2tf_ops/LayerNormalization1D_17.onnx");
    if (!path) return;
    struct ir_model *m = NULL;
    struct fy_error err;
    if (!T_CHECK(format_read_model(path, &m, &err) == FY_OK, "read %s: %s", path, err.message))
        return;
    int ln = 0;
    for (int i = 0; i < m->graph->n_nodes; i++) {
        const struct ir_node *n = m->graph->nodes[i];
        struct check_verdict v;
        struct check_node c = {
            .m = m, .n = n, .opset = ir_model_opset(m, n->domain), .target_opset = 13};
        target_check_node(&target_onnx_opset, &c, &v);
        if (n->op == IR_OP_LAYER_NORMALIZATION) {
            ln++;
            T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "ReduceMean"),
                    "LayerNormalization at 13: %s %s", check_status_name(v.status), v.detail);
        }
        c.target_opset = 17;
        target_check_node(&target_onnx_opset, &c, &v);
        T_CHECK(v.status == CHECK_NATIVE, "%s at its own opset: %s", n->op_type, v.detail);
    }
    T_CHECK(ln == 1, "%d LayerNormalization nodes", ln);
    ir_model_free(m);
}

/* Same version at both opsets: native, saying so. Relu-14 spans 14..28. */
TEST(opset_same_version_is_native)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 14);
    struct ir_node *n = unary(&b, IR_OP_RELU, IR_F32, 2, d2x3);
    struct check_verdict v = to_opset(&b, n, 21);
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "Relu-14 is the same at opset 14 and 21"),
            "%s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Abs-13 only adds bfloat16: a float32 Abs moves either way natively; a
 * bfloat16 Abs cannot go below 13. */
TEST(opset_types_only_change_is_native_unless_the_dtype_is_missing)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 12);
    struct ir_node *n = unary(&b, IR_OP_ABS, IR_F32, 2, d2x3);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "only adds types") &&
                tb_has(v.detail, "bfloat16") && tb_has(v.detail, "meaning is unchanged"),
            "%s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 13);
    n = unary(&b, IR_OP_ABS, IR_BF16, 2, d2x3);
    v = to_opset(&b, n, 12);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "bfloat16") &&
                tb_has(v.detail, "Abs-6") && tb_has(v.detail, "from Abs-13"),
            "%s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Squeeze-13 takes axes as an input: the attribute moves going up; going
 * down, a constant input becomes the attribute again and a computed one
 * cannot. */
TEST(opset_squeeze_axes_move_between_attribute_and_input_at_13)
{
    static const int64_t d1x3[2] = {1, 3}, d3[1] = {3}, zero[1] = {0};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 11);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 2, d1x3);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 1, d3);
    struct ir_node *n = tb_node(&b, IR_OP_SQUEEZE, NULL, "", "n0", 1, TB_TS(x), 1, TB_TS(y));
    tb_ints(&b, n, "axes", 1, zero);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "rewritten as Squeeze-13") &&
                tb_has(v.detail, "axes [0]") && tb_has(v.detail, "attribute to a constant input"),
            "%s %s | %s", check_status_name(v.status), v.detail, v.substitute ? v.substitute : "");
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 13);
    x = tb_tensor(&b, "x", IR_F32, 2, d1x3);
    y = tb_tensor(&b, "y", IR_F32, 1, d3);
    struct ir_tensor *axes = tb_i64s(&b, "axes", 1, zero);
    n = tb_node(&b, IR_OP_SQUEEZE, NULL, "", "n0", 2, TB_TS(x, axes), 1, TB_TS(y));
    v = to_opset(&b, n, 11);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Squeeze-11") &&
                tb_has(v.detail, "[0]"),
            "constant axes: %s %s", check_status_name(v.status), v.detail);
    axes->kind = IR_TENSOR_VALUE; /* now computed at run time */
    v = to_opset(&b, n, 11);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "computed at run time"),
            "computed axes: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* ReduceMean-18 takes axes as an input (ReduceSum did at 13). */
TEST(opset_reduce_mean_axes_become_an_input_at_18)
{
    static const int64_t d2x1[2] = {2, 1}, last[1] = {-1};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 2, d2x3);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 2, d2x1);
    struct ir_node *n = tb_node(&b, IR_OP_REDUCE_MEAN, NULL, "", "n0", 1, TB_TS(x), 1, TB_TS(y));
    tb_ints(&b, n, "axes", 1, last);
    struct check_verdict v = to_opset(&b, n, 17);
    T_CHECK(v.status == CHECK_NATIVE, "13 -> 17 is one version: %s", v.detail);
    v = to_opset(&b, n, 18);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "ReduceMean-18") &&
                tb_has(v.detail, "axes [-1]"),
            "%s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Ops introduced after N: decomposed when ops of N can express them, else
 * unsupported, naming the opset that introduced them. */
TEST(opset_ops_introduced_later_are_decomposed_or_unsupported)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 20);
    struct ir_node *n = unary(&b, IR_OP_GELU, IR_F32, 2, d2x3);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Erf"), "Gelu: %s %s",
            check_status_name(v.status), v.detail);
    tb_str(&b, n, "approximate", "tanh");
    v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Tanh"), "Gelu tanh: %s",
            v.substitute ? v.substitute : v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 14);
    n = unary(&b, IR_OP_HARD_SWISH, IR_F32, 2, d2x3);
    v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "HardSigmoid, Mul"),
            "HardSwish: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 12);
    n = unary(&b, IR_OP_EINSUM, IR_F32, 2, d2x3);
    tb_str(&b, n, "equation", "ij->ji");
    v = to_opset(&b, n, 11);
    T_CHECK(v.status == CHECK_UNSUPPORTED &&
                tb_has(v.detail, "Einsum does not exist at opset 11") &&
                tb_has(v.detail, "first defined at 12"),
            "Einsum: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Deprecated ops: Upsample (10) becomes Resize, Scatter (11) ScatterElements. */
TEST(opset_deprecated_ops_get_their_replacement)
{
    static const int64_t d4[1] = {4}, d1x3x16x16[4] = {1, 3, 16, 16};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 9);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d1x3x8x8);
    struct ir_tensor *s = tb_tensor(&b, "scales", IR_F32, 1, d4);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 4, d1x3x16x16);
    struct ir_node *n = tb_node(&b, IR_OP_UPSAMPLE, NULL, "", "n0", 2, TB_TS(x, s), 1, TB_TS(y));
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Resize") &&
                tb_has(v.detail, "deprecated from opset 10") && tb_has(v.detail, "Resize-13"),
            "Upsample: %s %s", check_status_name(v.status), v.detail);
    v = to_opset(&b, n, 8); /* Upsample-7 takes scales as an attribute */
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "computed at run time"),
            "Upsample 9 -> 8, computed scales: %s %s", check_status_name(v.status), v.detail);
    static const float sc[4] = {1, 1, 2, 2};
    if (s) {
        s->kind = IR_TENSOR_CONST;
        s->data = sc;
        s->nbytes = sizeof sc;
    }
    v = to_opset(&b, n, 8);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "scales attribute") &&
                tb_has(v.substitute, "Upsample-7"),
            "Upsample 9 -> 8, constant scales: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 9);
    n = unary(&b, IR_OP_SCATTER, IR_F32, 2, d2x3);
    v = to_opset(&b, n, 11);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "ScatterElements"),
            "Scatter: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Softmax-13 works along one axis; Softmax-11 coerces to 2-D at axis. On rank
 * 2 (or axis = last) the two agree; axis 1 of a rank-4 input does not. */
TEST(opset_softmax_axis_semantics_change_at_13)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 11);
    struct ir_node *n = unary(&b, IR_OP_SOFTMAX, IR_F32, 2, d2x3);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_NATIVE, "rank 2, default axis: %s %s", check_status_name(v.status),
            v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 11);
    n = unary(&b, IR_OP_SOFTMAX, IR_F32, 4, d1x3x8x8);
    tb_int(&b, n, "axis", 1);
    v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Flatten, Softmax, Reshape") &&
                tb_has(v.detail, "axis 1 on rank 4") && tb_has(v.detail, "dims 1..3"),
            "rank 4, axis 1: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 13);
    n = unary(&b, IR_OP_SOFTMAX, IR_F32, 4, d1x3x8x8);
    tb_int(&b, n, "axis", 1);
    v = to_opset(&b, n, 12);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Transpose, Softmax, Transpose"),
            "13 -> 12, axis 1: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Resize coordinate modes: Resize-10 has none (Upsample's sampling only), so
 * half_pixel cannot go down to 10; half_pixel_symmetric is new at 19. */
TEST(opset_resize_coordinate_modes_by_version)
{
    static const int64_t d4[1] = {4}, d1x3x16x16[4] = {1, 3, 16, 16};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 4, d1x3x8x8);
    struct ir_tensor *s = tb_tensor(&b, "scales", IR_F32, 1, d4);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 4, d1x3x16x16);
    struct ir_node *n =
        tb_node(&b, IR_OP_RESIZE, NULL, "", "n0", 3, TB_TS(x, NULL, s), 1, TB_TS(y));
    tb_str(&b, n, "mode", "linear");
    struct check_verdict v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "half_pixel") &&
                tb_has(v.detail, "Resize-10"),
            "13 -> 10: %s %s", check_status_name(v.status), v.detail);
    v = to_opset(&b, n, 18); /* Resize-18 adds antialias/axes/keep_aspect_ratio_policy */
    T_CHECK(v.status == CHECK_NATIVE, "13 -> 18: %s %s", check_status_name(v.status), v.detail);
    v = to_opset(&b, n, 11); /* Resize-11 needs roi: an empty constant is supplied */
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "roi") &&
                tb_has(v.substitute, "Resize-11"),
            "13 -> 11: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 19);
    x = tb_tensor(&b, "x", IR_F32, 4, d1x3x8x8);
    s = tb_tensor(&b, "scales", IR_F32, 1, d4);
    y = tb_tensor(&b, "y", IR_F32, 4, d1x3x16x16);
    n = tb_node(&b, IR_OP_RESIZE, NULL, "", "n0", 3, TB_TS(x, NULL, s), 1, TB_TS(y));
    tb_str(&b, n, "coordinate_transformation_mode", "half_pixel_symmetric");
    v = to_opset(&b, n, 18);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "half_pixel_symmetric") &&
                tb_has(v.detail, "Resize-19"),
            "19 -> 18: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Negative axes are legal from 11: going below, a negative axis is made
 * non-negative with the rank, or refused when the rank is unknown. */
TEST(opset_negative_axis_needs_the_rank_below_11)
{
    static const int64_t d2x6[2] = {2, 6};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *a = tb_tensor(&b, "a", IR_F32, 2, d2x3);
    struct ir_tensor *c = tb_tensor(&b, "c", IR_F32, 2, d2x3);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 2, d2x6);
    struct ir_node *n = tb_node(&b, IR_OP_CONCAT, NULL, "", "n0", 2, TB_TS(a, c), 1, TB_TS(y));
    tb_int(&b, n, "axis", -1);
    struct check_verdict v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "axis -1:") &&
                tb_has(v.detail, "rank 2"),
            "rank known: %s %s", check_status_name(v.status), v.detail);
    a->rank = -1;
    v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "rank unknown"),
            "rank unknown: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Split-18's num_outputs: an even split drops it going down; an uneven one
 * on an unknown dim cannot be expressed. Going up, a Split without the split
 * input gets num_outputs. */
TEST(opset_split_num_outputs_at_18)
{
    static const int64_t d2x3x4[3] = {2, 3, 4};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 18);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 3, d2x6x4);
    struct ir_tensor *y0 = tb_tensor(&b, "y0", IR_F32, 3, d2x3x4);
    struct ir_tensor *y1 = tb_tensor(&b, "y1", IR_F32, 3, d2x3x4);
    struct ir_node *n = tb_node(&b, IR_OP_SPLIT, NULL, "", "n0", 1, TB_TS(x), 2, TB_TS(y0, y1));
    tb_int(&b, n, "axis", 1);
    tb_int(&b, n, "num_outputs", 2);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "num_outputs=2 on a dim of 6"),
            "even: %s %s", check_status_name(v.status), v.detail);
    x->rank = -1;
    v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "unknown size"), "unknown dim: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 13);
    x = tb_tensor(&b, "x", IR_F32, 3, d2x6x4);
    y0 = tb_tensor(&b, "y0", IR_F32, 3, d2x3x4);
    y1 = tb_tensor(&b, "y1", IR_F32, 3, d2x3x4);
    n = tb_node(&b, IR_OP_SPLIT, NULL, "", "n0", 1, TB_TS(x), 2, TB_TS(y0, y1));
    v = to_opset(&b, n, 18);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "num_outputs") &&
                tb_has(v.substitute, "Split-18"),
            "13 -> 18: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* Clip-11 moves min/max from attributes to inputs. */
TEST(opset_clip_min_max_become_inputs_at_11)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 6);
    struct ir_node *n = unary(&b, IR_OP_CLIP, IR_F32, 2, d2x3);
    tb_float(&b, n, "min", 0.0f);
    struct check_verdict v = to_opset(&b, n, 13);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "min 0") &&
                tb_has(v.substitute, "Clip-13"),
            "%s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* OPAQUE: other domains are not versioned by the ai.onnx opset; ai.onnx ops
 * ferry does not model are looked up by name (RandomNormal: 1, 22). */
TEST(opset_opaque_other_domain_native_and_default_domain_by_name)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    tb_opset(&b, "com.microsoft", 1);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 2, d2x3);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 2, d2x3);
    struct ir_node *n =
        tb_node(&b, IR_OP_OPAQUE, "FusedGemm", "com.microsoft", "n0", 1, TB_TS(x), 1, TB_TS(y));
    struct check_verdict v = to_opset(&b, n, 11);
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "default domain only") &&
                tb_has(v.detail, "com.microsoft"),
            "%s %s", check_status_name(v.status), v.detail);

    struct ir_tensor *z = tb_tensor(&b, "z", IR_F32, 2, d2x3);
    struct ir_node *r = tb_node(&b, IR_OP_OPAQUE, NULL, "", "n0", 0, NULL, 1, TB_TS(z));
    if (r) r->op_type = "RandomNormal";
    v = to_opset(&b, r, 21);
    T_CHECK(v.status == CHECK_NATIVE && tb_has(v.detail, "RandomNormal-1 is the same"),
            "RandomNormal 13 -> 21: %s %s", check_status_name(v.status), v.detail);
    v = to_opset(&b, r, 22);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "RandomNormal-22") && v.substitute,
            "RandomNormal 13 -> 22: %s %s", check_status_name(v.status), v.detail);
    if (r) r->op_type = "NoSuchOp";
    v = to_opset(&b, r, 13);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "NoSuchOp"), "unknown: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* A whole real opset-17 transformer (torch export: LayerNormalization x5,
 * Softmax, Erf-based GELU, ...) checked at 13 and at 11: nothing crashes,
 * every answer has a detail, substituted answers name their substitute. */
TEST(opset_real_transformer_every_node_answered)
{
    const char *path = t_shared_path("models/torch/tiny_transformer_op17/model.onnx");
    if (!path) return;
    struct ir_model *m = NULL;
    struct fy_error err;
    if (!T_CHECK(format_read_model(path, &m, &err) == FY_OK, "read %s: %s", path, err.message))
        return;
    static const int64_t targets[] = {9, 11, 13, 17, 18, 21, 28, 40};
    int ln = 0;
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++)
        for (int i = 0; i < m->graph->n_nodes; i++) {
            const struct ir_node *n = m->graph->nodes[i];
            struct check_verdict v;
            target_check_node(&target_onnx_opset,
                              &(struct check_node){.m = m,
                                                   .n = n,
                                                   .opset = ir_model_opset(m, n->domain),
                                                   .target_opset = targets[k]},
                              &v);
            T_CHECK(v.status >= CHECK_NATIVE && v.status <= CHECK_UNSUPPORTED && v.detail[0],
                    "%s at %lld: %s", n->op_type, (long long)targets[k], v.detail);
            T_CHECK(v.status != CHECK_SUBSTITUTED || (v.substitute && v.substitute[0]),
                    "%s at %lld: substituted by nothing", n->op_type, (long long)targets[k]);
            if (n->op == IR_OP_LAYER_NORMALIZATION && targets[k] == 13)
                ln += v.status == CHECK_SUBSTITUTED;
        }
    T_CHECK(ln == 5, "%d LayerNormalization nodes decomposed at 13", ln);
    ir_model_free(m);
}

/* Attributes added with a default that keeps the old meaning: a node using
 * another value cannot go below the version that added it, unless a rewrite
 * exists (Changelog: ArgMax-12 select_last_index, DepthToSpace-11 mode CRD,
 * Shape-15 start/end, RoiAlign-16 coordinate_transformation_mode whose default
 * half_pixel is not RoiAlign-10's mapping output_half_pixel). */
TEST(opset_new_attributes_going_down)
{
    static const int64_t d2[1] = {2}, d1x12x2x2[4] = {1, 12, 2, 2}, d1x3x4x4[4] = {1, 3, 4, 4};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_F32, 2, d2x3);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_I64, 1, d2);
    struct ir_node *n = tb_node(&b, IR_OP_ARG_MAX, NULL, "", "n0", 1, TB_TS(x), 1, TB_TS(y));
    tb_int(&b, n, "select_last_index", 1);
    struct check_verdict v = to_opset(&b, n, 11);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "select_last_index=1") &&
                tb_has(v.detail, "ArgMax-11") && tb_has(v.detail, "ArgMax-12"),
            "ArgMax: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 13);
    x = tb_tensor(&b, "x", IR_F32, 4, d1x12x2x2);
    y = tb_tensor(&b, "y", IR_F32, 4, d1x3x4x4);
    n = tb_node(&b, IR_OP_DEPTH_TO_SPACE, NULL, "", "n0", 1, TB_TS(x), 1, TB_TS(y));
    tb_int(&b, n, "blocksize", 2);
    tb_str(&b, n, "mode", "CRD");
    v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Reshape, Transpose, Reshape") &&
                tb_has(v.detail, "mode=CRD"),
            "DepthToSpace CRD: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 10);
    n = unary(&b, IR_OP_ROI_ALIGN, IR_F32, 2, d2x3);
    v = to_opset(&b, n, 16);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "output_half_pixel"),
            "RoiAlign 10 -> 16: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
    tb_init(&b, IR_FORMAT_ONNX, 16);
    n = unary(&b, IR_OP_ROI_ALIGN, IR_F32, 2, d2x3);
    v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "=half_pixel"),
            "RoiAlign 16 -> 10, default half_pixel: %s %s", check_status_name(v.status), v.detail);
    tb_str(&b, n, "coordinate_transformation_mode", "output_half_pixel");
    v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_SUBSTITUTED, "RoiAlign 16 -> 10, output_half_pixel: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* QuantizeLinear/DequantizeLinear-13 add per-axis scales: a per-axis node
 * cannot go below 13; a per-tensor one can. */
TEST(opset_dequantize_per_axis_needs_13)
{
    static const int64_t d4[1] = {4}, d4x3[2] = {4, 3};
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 13);
    struct ir_tensor *x = tb_tensor(&b, "x", IR_I8, 2, d4x3);
    struct ir_tensor *sc = tb_tensor(&b, "scale", IR_F32, 1, d4);
    struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, 2, d4x3);
    struct ir_node *n =
        tb_node(&b, IR_OP_DEQUANTIZE_LINEAR, NULL, "", "n0", 2, TB_TS(x, sc), 1, TB_TS(y));
    tb_int(&b, n, "axis", 0);
    struct check_verdict v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_UNSUPPORTED && tb_has(v.detail, "per tensor") &&
                tb_has(v.detail, "DequantizeLinear-13"),
            "per-axis: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 13);
    x = tb_tensor(&b, "x", IR_I8, 2, d4x3);
    sc = tb_tensor(&b, "scale", IR_F32, 0, NULL);
    y = tb_tensor(&b, "y", IR_F32, 2, d4x3);
    n = tb_node(&b, IR_OP_DEQUANTIZE_LINEAR, NULL, "", "n0", 2, TB_TS(x, sc), 1, TB_TS(y));
    v = to_opset(&b, n, 10);
    T_CHECK(v.status == CHECK_NATIVE, "per-tensor: %s %s", check_status_name(v.status), v.detail);
    v = to_opset(&b, n, 9); /* before 10: Cast, Sub, Mul */
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.substitute, "Cast, Sub, Mul"), "at 9: %s %s",
            check_status_name(v.status), v.detail);
    tb_free(&b);
}

/* GroupNormalization-18 (scale/bias per group) is deprecated; -21 takes them
 * per channel: 19 -> 21 is a rewrite; at 19 itself the op is decomposed. */
TEST(opset_group_normalization_18_to_21)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 19);
    struct ir_node *n = unary(&b, IR_OP_GROUP_NORMALIZATION, IR_F32, 4, d1x3x8x8);
    tb_int(&b, n, "num_groups", 3);
    struct check_verdict v = to_opset(&b, n, 21);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "per channel") &&
                tb_has(v.substitute, "GroupNormalization-21"),
            "19 -> 21: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);

    tb_init(&b, IR_FORMAT_ONNX, 21);
    n = unary(&b, IR_OP_GROUP_NORMALIZATION, IR_F32, 4, d1x3x8x8);
    tb_int(&b, n, "num_groups", 3);
    v = to_opset(&b, n, 19);
    T_CHECK(v.status == CHECK_SUBSTITUTED && tb_has(v.detail, "deprecated") &&
                tb_has(v.substitute, "ReduceMean"),
            "21 -> 19: %s %s", check_status_name(v.status), v.detail);
    tb_free(&b);
}
