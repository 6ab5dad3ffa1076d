/* inspect: findings rules on small graphs built here with the IR API, the
 * report's counts, and the JSON writer every command prints with. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"
#include "t.h"
#include "tb.h"

#include "core/json.h"

/* ---- building graphs (tb.h): float32 tensors, initializers of zeros ---- */

static bool fx_init(struct tb *f)
{
    tb_init(f, IR_FORMAT_ONNX, 0);
    return !f->bad;
}

static int count_kind(const struct inspect_report *r, const char *kind)
{
    int n = 0;
    for (int i = 0; i < r->n_findings; i++) n += !strcmp(r->findings[i].kind, kind);
    return n;
}

static const struct inspect_finding *find_kind(const struct inspect_report *r, const char *kind)
{
    for (int i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].kind, kind)) return &r->findings[i];
    return NULL;
}

/* x -> Conv(W, B) -> y -> BatchNormalization(s, b, mean, var) -> z */
static bool build_conv_bn(struct tb *f, bool y_is_output)
{
    int64_t xd[] = {1, 3, 8, 8}, wd[] = {4, 3, 3, 3}, cd[] = {4}, yd[] = {1, 4, 6, 6};
    struct ir_tensor *x = tb_tensor(f, "x", IR_F32, 4, xd), *w = tb_zeros(f, "W", IR_F32, 4, wd),
                     *b = tb_zeros(f, "B", IR_F32, 1, cd), *y = tb_tensor(f, "y", IR_F32, 4, yd),
                     *s = tb_zeros(f, "scale", IR_F32, 1, cd),
                     *bb = tb_zeros(f, "bias", IR_F32, 1, cd),
                     *mu = tb_zeros(f, "mean", IR_F32, 1, cd),
                     *var = tb_zeros(f, "var", IR_F32, 1, cd),
                     *z = tb_tensor(f, "z", IR_F32, 4, yd);
    tb_add_input(f, x);
    tb_output(f, z);
    if (y_is_output) tb_output(f, y);
    tb_node(f, IR_OP_CONV, NULL, NULL, "conv", TB_LIST(x, w, b), TB_LIST(y));
    tb_node(f, IR_OP_BATCH_NORMALIZATION, NULL, NULL, "bn", TB_LIST(y, s, bb, mu, var), TB_LIST(z));
    return !f->bad;
}

TEST(inspect_conv_bn_pair_is_batchnorm_not_folded)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f) && build_conv_bn(&f, false), "build: %s", f.err.message)) return;
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, &f.err) == FY_OK, "inspect: %s", f.err.message);
    const struct inspect_finding *bn = find_kind(&r, "batchnorm_not_folded");
    if (T_CHECK(bn != NULL, "no batchnorm_not_folded finding")) {
        T_CHECK(bn->node && !strcmp(bn->node, "bn"), "finding names node '%s'", bn->node);
        T_CHECK(strstr(bn->message, "'conv'") != NULL, "message names the Conv: %s",
                bn->message);
    }
    /* W 108 + B 4 + four BN vectors of 4 */
    T_CHECK(r.param_count == 128, "param_count %llu", (unsigned long long)r.param_count);
    T_CHECK(r.weight_bytes == 512, "weight_bytes %llu", (unsigned long long)r.weight_bytes);
    T_CHECK(r.node_count == 2 && r.subgraph_node_count == 0, "node counts");
    T_CHECK(r.n_inputs == 1 && !strcmp(r.inputs[0].name, "x"), "inputs");
    T_CHECK(count_kind(&r, "foldable_constants") == 0, "nothing to fold");
    T_CHECK(count_kind(&r, "unused_initializers") == 0, "every weight is read");
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_conv_output_read_elsewhere_blocks_bn_folding)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f) && build_conv_bn(&f, true), "build: %s", f.err.message)) return;
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, &f.err) == FY_OK, "inspect: %s", f.err.message);
    T_CHECK(count_kind(&r, "batchnorm_not_folded") == 0,
            "the Conv output is a graph output too, so folding would change it");
    inspect_report_free(&r);
    tb_free(&f);
}

/* C (initializer) -> Shape -> Gather(idx) -> Unsqueeze(Constant axes); and
 * x -> Reshape(x, that) -> Transpose -> Cast -> out */
TEST(inspect_shape_gather_on_constant_is_foldable)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f), "model")) return;
    struct fy_error *e = &f.err;
    int64_t cd[] = {2, 3}, one[] = {1}, xd[] = {6};
    struct ir_tensor *c = tb_zeros(&f, "C", IR_F32, 2, cd),
                     *idx = tb_zeros(&f, "idx", IR_F32, 0, NULL),
                     *s = tb_tensor(&f, "s", IR_F32, 1, one),
                     *gi = tb_tensor(&f, "g", IR_F32, 0, NULL),
                     *axes = tb_tensor(&f, "axes", IR_F32, 1, one),
                     *u = tb_tensor(&f, "u", IR_F32, 1, one),
                     *x = tb_tensor(&f, "x", IR_F32, 1, xd),
                     *rs = tb_tensor(&f, "rs", IR_F32, -1, NULL),
                     *tr = tb_tensor(&f, "tr", IR_F32, -1, NULL),
                     *out = tb_tensor(&f, "out", IR_F32, -1, NULL);
    if (!T_CHECK(c && idx && s && gi && axes && u && x && rs && tr && out, "tensors")) return;
    tb_add_input(&f, x);
    tb_output(&f, out);
    struct ir_tensor *in_shape[] = {c}, *in_gather[] = {s, idx}, *in_unsq[] = {gi, axes},
                     *in_reshape[] = {x, u}, *in_tr[] = {rs}, *in_cast[] = {tr};
    bool ok = tb_node(&f, IR_OP_CAST, NULL, NULL, "cast", 1, in_cast, 1,
                      &out) && /* file order need not be */
              tb_node(&f, IR_OP_CONSTANT, NULL, NULL, "axes_const", 0, NULL, 1, &axes) &&
              tb_node(&f, IR_OP_SHAPE, NULL, NULL, "shape", 1, in_shape, 1, &s) &&
              tb_node(&f, IR_OP_GATHER, NULL, NULL, "gather", 2, in_gather, 1, &gi) &&
              tb_node(&f, IR_OP_UNSQUEEZE, NULL, NULL, "unsqueeze", 2, in_unsq, 1, &u) &&
              tb_node(&f, IR_OP_RESHAPE, NULL, NULL, "reshape", 2, in_reshape, 1, &rs) &&
              tb_node(&f, IR_OP_TRANSPOSE, NULL, NULL, "transpose", 1, in_tr, 1, &tr);
    if (!T_CHECK(ok, "nodes: %s", e->message)) return;
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect: %s", e->message);
    const struct inspect_finding *fc = find_kind(&r, "foldable_constants");
    if (T_CHECK(fc != NULL, "no foldable_constants finding")) {
        T_CHECK(!strncmp(fc->message, "3 nodes", 7), "three nodes (not the Constant): %s",
                fc->message);
        T_CHECK(strstr(fc->message, "'shape', 'gather', 'unsqueeze'") != NULL,
                "names in producer order: %s", fc->message);
        T_CHECK(!strstr(fc->message, "reshape"), "Reshape reads an input: %s", fc->message);
    }
    const char *kinds[] = {"transposes", "casts", "reshapes"};
    for (int i = 0; i < 3; i++) {
        const struct inspect_finding *k = find_kind(&r, kinds[i]);
        if (T_CHECK(k != NULL && count_kind(&r, kinds[i]) == 1, "one %s finding", kinds[i]))
            T_CHECK(!strncmp(k->message, "1 ", 2) && k->node == NULL, "%s: %s", kinds[i],
                    k->message);
    }
    /* Constant-node values are not parameters: C has 6, idx 1 */
    T_CHECK(r.param_count == 7, "param_count %llu", (unsigned long long)r.param_count);
    /* op histogram: by count, then name (all 1 here) */
    T_CHECK(r.n_op_counts == 7 && !strcmp(r.op_counts[0].op_type, "Cast") &&
                !strcmp(r.op_counts[6].op_type, "Unsqueeze"),
            "op_counts sorted by name among equals");
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_shape_of_static_tensor_is_constant)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f), "model")) return;
    struct fy_error *e = &f.err;
    int64_t xd[] = {1, 3}, one[] = {2};
    struct ir_tensor *x = tb_tensor(&f, "x", IR_F32, 2, xd),
                     *s = tb_tensor(&f, "s", IR_F32, 1, one),
                     *y = tb_tensor(&f, "y", IR_F32, -1, NULL);
    tb_add_input(&f, x);
    tb_output(&f, y);
    struct ir_tensor *in_shape[] = {x}, *in_rs[] = {x, s};
    tb_node(&f, IR_OP_SHAPE, NULL, NULL, "shape", 1, in_shape, 1, &s);
    tb_node(&f, IR_OP_RESHAPE, NULL, NULL, "reshape", 2, in_rs, 1, &y);
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect");
    const struct inspect_finding *fc = find_kind(&r, "foldable_constants");
    T_CHECK(fc && strstr(fc->message, "'shape'"), "Shape of a static [1,3] folds");
    /* and not when the dim is symbolic */
    inspect_report_free(&r);
    x->dims[0].value = -1;
    x->dims[0].param = "N";
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect");
    T_CHECK(count_kind(&r, "foldable_constants") == 0, "Shape of [N,3] does not fold");
    const struct inspect_finding *dd = find_kind(&r, "dynamic_dims");
    if (T_CHECK(dd != NULL, "dynamic_dims for x")) {
        T_CHECK(dd->node && !strcmp(dd->node, "x"), "names the input");
        T_CHECK(strstr(dd->message, "dim 0 ('N')") != NULL, "names the dim: %s", dd->message);
    }
    const struct inspect_finding *out = NULL;
    for (int i = 0; i < r.n_findings; i++)
        if (!strcmp(r.findings[i].kind, "dynamic_dims") && !strcmp(r.findings[i].node, "y"))
            out = &r.findings[i];
    T_CHECK(out && strstr(out->message, "no shape"), "output y has no shape");
    /* with x = [N,3], an output is dynamic through the inputs */
    inspect_report_free(&r);
    int64_t yd[] = {1, 3};
    ir_tensor_set_shape(f.g, y, 2, yd, e);
    y->dims[1].value = -1;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect");
    out = find_kind(&r, "dynamic_dims") + 1;
    T_CHECK(r.n_findings >= 2 && !strcmp(out->node, "y") &&
                strstr(out->message, "dim 1 (unknown)") && strstr(out->message, "from the inputs"),
            "output: %s", out->message);
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_if_is_control_flow_and_subgraph_nodes_counted)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f), "model")) return;
    struct fy_error *e = &f.err;
    struct ir_tensor *cond = tb_input(&f, "cond", IR_BOOL, 0, NULL),
                     *y = tb_tensor(&f, "y", IR_F32, -1, NULL);
    tb_output(&f, y);
    struct ir_node *n = tb_node(&f, IR_OP_IF, NULL, NULL, "if", 1, &cond, 1, &y);
    const char *names[] = {"then_branch", "else_branch"};
    for (int b = 0; b < 2; b++) {
        struct ir_graph *sub = tb_subgraph(&f, n, names[b]);
        if (!T_CHECK(sub, "subgraph")) return;
        f.g = sub;
        struct ir_tensor *k = tb_tensor(&f, "k", IR_F32, 0, NULL);
        tb_output(&f, k);
        tb_node(&f, IR_OP_CONSTANT, NULL, NULL, "k_const", 0, NULL, 1, &k);
        f.g = f.m->graph;
    }
    /* an op ferry does not know, inside a branch */
    f.g = n ? n->attrs[0].v.g : f.g;
    struct ir_node *op = tb_node(&f, IR_OP_OPAQUE, "MyOp", "com.example", "mine", 0, NULL, 0, NULL);
    f.g = f.m->graph;
    T_CHECK(op != NULL, "opaque node");
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect: %s", e->message);
    T_CHECK(r.node_count == 1 && r.subgraph_node_count == 3, "counts %lld + %lld",
            (long long)r.node_count, (long long)r.subgraph_node_count);
    const struct inspect_finding *cf = find_kind(&r, "control_flow");
    if (T_CHECK(cf != NULL, "control_flow finding")) {
        T_CHECK(cf->node && !strcmp(cf->node, "if"), "names the If");
        T_CHECK(strstr(cf->message, "If with 2 subgraphs (3 nodes)") != NULL, "%s", cf->message);
    }
    const struct inspect_finding *oo = find_kind(&r, "opaque_ops");
    T_CHECK(oo && strstr(oo->message, "MyOp") && strstr(oo->message, "com.example"),
            "opaque op inside a subgraph reported");
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_opaque_ops_grouped_by_domain_and_type)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f), "model")) return;
    struct fy_error *e = &f.err;
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "t%d", i);
        tb_node(&f, IR_OP_OPAQUE, i < 2 ? "TreeEnsembleClassifier" : "ZipMap", "ai.onnx.ml", name,
                0, NULL, 0, NULL);
    }
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect");
    T_CHECK(count_kind(&r, "opaque_ops") == 2, "one finding per op type");
    const struct inspect_finding *oo = find_kind(&r, "opaque_ops");
    T_CHECK(oo && !strcmp(oo->node, "t0") && strstr(oo->message, "(2 nodes"),
            "first group: %s", oo ? oo->message : "");
    T_CHECK(r.n_op_counts == 2 && r.op_counts[0].count == 2 &&
                !strcmp(r.op_counts[0].op_type, "TreeEnsembleClassifier"),
            "op_counts keyed by op_type, largest first");
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_kept_extras_named_by_field)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f), "model")) return;
    struct fy_error *e = &f.err;
    /* ModelProto.functions (25, length-delimited: key 0xCA 0x01) twice, and
     * an unknown field 99 (key 0x9A 0x06) */
    static const uint8_t fn[] = {0xCA, 0x01, 0x00}, unk[] = {0x9A, 0x06, 0x01, 0x00};
    ir_extras_add(&f.m->arena, &f.m->extras, fn, sizeof fn, e);
    ir_extras_add(&f.m->arena, &f.m->extras, fn, sizeof fn, e);
    ir_extras_add(&f.m->arena, &f.m->extras, unk, sizeof unk, e);
    /* GraphProto.sparse_initializer (15): values {name "sp"}, dims [3, 4] packed */
    static const uint8_t sparse[] = {0x7A, 0x0A, 0x0A, 0x04, 0x42, 0x02, 's', 'p',
                                     0x1A, 0x02, 0x03, 0x04};
    ir_extras_add(&f.m->arena, &f.g->extras, sparse, sizeof sparse, e);
    struct ir_tensor *sp = tb_tensor(&f, "sp", IR_F32, -1, NULL),
                     *x = tb_tensor(&f, "x", IR_F32, -1, NULL);
    tb_add_input(&f, sp); /* old files list initializers as inputs */
    tb_add_input(&f, x);
    tb_opset(&f, "ai.onnx", 13);
    tb_opset(&f, "ai.onnx.ml", 3);

    const char *name, *what;
    struct ir_bytes item = {fn, sizeof fn};
    T_CHECK(inspect_extras_field(&item, "ModelProto", &name, &what) == 25 && name &&
                !strcmp(name, "functions"),
            "field 25 of ModelProto is functions");
    T_CHECK(inspect_extras_field(&item, "GraphProto", &name, &what) == 25 && !name,
            "field 25 of GraphProto has no name");

    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect");
    T_CHECK(count_kind(&r, "kept_opaque") == 3, "functions, field 99, sparse initializers");
    const struct inspect_finding *k = find_kind(&r, "kept_opaque");
    T_CHECK(k && strstr(k->message, "ModelProto.functions (field 25, 2 items), model-local "
                                    "functions"),
            "%s", k ? k->message : "");
    bool unknown = false;
    for (int i = 0; i < r.n_findings; i++)
        unknown |= strstr(r.findings[i].message, "ModelProto field 99 (1 item), unknown") != NULL;
    T_CHECK(unknown, "unknown field reported by number");
    T_CHECK(r.param_count == 12, "sparse initializer counts its dense 3x4: %llu",
            (unsigned long long)r.param_count);
    T_CHECK(r.n_inputs == 1 && !strcmp(r.inputs[0].name, "x"),
            "the sparse initializer is not an input");
    T_CHECK(r.has_opsets && r.n_opsets == 2 && !strcmp(r.opsets[0].domain, "") &&
                r.opsets[0].version == 13 && !strcmp(r.opsets[1].domain, "ai.onnx.ml"),
            "ai.onnx is the default domain \"\"");
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_unused_initializer_and_initializer_inputs)
{
    struct tb f;
    if (!T_CHECK(fx_init(&f), "model")) return;
    struct fy_error *e = &f.err;
    int64_t d[] = {2};
    struct ir_tensor *x = tb_tensor(&f, "x", IR_F32, 1, d), *w = tb_zeros(&f, "w", IR_F32, 1, d),
                     *dead = tb_zeros(&f, "dead", IR_F32, 1, d),
                     *y = tb_tensor(&f, "y", IR_F32, 1, d);
    if (!T_CHECK(x && w && dead && y, "tensors")) return;
    tb_add_input(&f, x);
    tb_add_input(&f, w); /* an initializer listed as input: not a user input */
    tb_output(&f, y);
    struct ir_tensor *in[] = {x, w};
    tb_node(&f, IR_OP_ADD, NULL, NULL, "", 2, in, 1, &y); /* unnamed: labelled by its output */
    struct inspect_report r;
    T_CHECK(inspect_model(f.m, &r, e) == FY_OK, "inspect");
    T_CHECK(r.n_inputs == 1 && !strcmp(r.inputs[0].name, "x"), "initializer not an input");
    const struct inspect_finding *u = find_kind(&r, "unused_initializers");
    T_CHECK(u && strstr(u->message, "'dead'") && !strstr(u->message, "'w'"), "%s",
            u ? u->message : "no finding");
    T_CHECK(count_kind(&r, "dynamic_dims") == 0, "static io");
    T_CHECK(!strcmp(inspect_node_label(f.g->nodes[0]), "y"), "unnamed node labelled 'y'");
    inspect_report_free(&r);
    tb_free(&f);
}

TEST(inspect_shape_strings)
{
    struct ir_dim d[] = {{-1, "N"}, {3, NULL}, {-1, NULL}};
    char b[64];
    inspect_shape_str(3, d, b, sizeof b);
    T_CHECK(!strcmp(b, "['N',3,'?']"), "%s", b);
    inspect_shape_str(-1, NULL, b, sizeof b);
    T_CHECK(!strcmp(b, "?"), "unknown rank: %s", b);
    inspect_shape_str(0, NULL, b, sizeof b);
    T_CHECK(!strcmp(b, "[]"), "scalar: %s", b);
    inspect_shape_str(3, d, b, 5);
    T_CHECK(strlen(b) == 4, "cut to fit: %s", b);
    inspect_human_bytes(23.4 * 1024, b, sizeof b);
    T_CHECK(!strcmp(b, "23.4 KiB"), "%s", b);
    inspect_human_bytes(1000, b, sizeof b);
    T_CHECK(!strcmp(b, "1000 B"), "%s", b);
}

/* ---- JSON ---- */

static bool escapes_to(const char *in, size_t n, const char *want)
{
    char buf[256];
    size_t len = json_escape(in, n, buf, sizeof buf);
    bool ok = len == strlen(want) && !strcmp(buf, want);
    if (!ok) printf("    escape gave %s, want %s\n", buf, want);
    return ok;
}

#define ESC(lit, want) escapes_to(lit, sizeof lit - 1, want)

/* RFC 8259 §7: '"', '\' and U+0000..U+001F must be escaped; the two-character
 * forms exist for \b \f \n \r \t (and \" \\); other control characters use
 * \u00XX. Anything else may appear literally, UTF-8 included (§8.1). */
TEST(json_escaping_follows_rfc8259)
{
    T_CHECK(ESC("plain", "\"plain\""), "plain");
    T_CHECK(ESC("a\"b\\c/d", "\"a\\\"b\\\\c/d\""), "quote, backslash; solidus as is");
    T_CHECK(ESC("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""), "short escapes");
    T_CHECK(ESC("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""), "\\u00XX; DEL needs none");
    T_CHECK(ESC("a\0b", "\"a\\u0000b\""), "NUL inside a counted string");
    /* §7's example character U+1D11E (G clef), here as UTF-8 */
    T_CHECK(ESC("\xF0\x9D\x84\x9E", "\"\xF0\x9D\x84\x9E\""), "valid 4-byte UTF-8 kept");
    T_CHECK(ESC("\xC3\xA9t\xC3\xA9", "\"\xC3\xA9t\xC3\xA9\""), "valid 2-byte UTF-8 kept");
}

#define FFFD "\xEF\xBF\xBD"

/* Ill-formed UTF-8: one U+FFFD per maximal subpart (Unicode §3.9, U+FFFD
 * substitution of maximal subparts; the WHATWG decoder does the same). */
TEST(json_invalid_utf8_becomes_replacement_characters)
{
    T_CHECK(ESC("a\x80z", "\"a" FFFD "z\""), "lone continuation byte");
    T_CHECK(ESC("\xC0\xAF", "\"" FFFD FFFD "\""), "overlong '/': C0 never starts a sequence");
    T_CHECK(ESC("\xE0\x80\xAF", "\"" FFFD FFFD FFFD "\""), "overlong 3-byte");
    T_CHECK(ESC("\xED\xA0\x80", "\"" FFFD FFFD FFFD "\""), "UTF-16 surrogate D800");
    T_CHECK(ESC("\xF4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""), "above U+10FFFF");
    T_CHECK(ESC("\xE2\x82", "\"" FFFD "\""), "truncated at the end: one subpart");
    T_CHECK(ESC("\xE2\x82" "A", "\"" FFFD "A\""), "truncated before ASCII");
    T_CHECK(ESC("\xF0\x9D\x84", "\"" FFFD "\""), "truncated 4-byte");
    T_CHECK(ESC("\xFF\xFE", "\"" FFFD FFFD "\""), "FF FE never valid");
    char small[6];
    size_t need = json_escape("abcdefgh", 8, small, sizeof small);
    T_CHECK(need == 10 && !strcmp(small, "\"abcd"), "cut short, full length returned");
}

/* Writes with fn into a memory stream and compares with want. */
static bool writes(void (*fn)(struct json *), bool pretty, const char *want, int want_rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return false;
    struct json j;
    json_init(&j, f, pretty);
    fn(&j);
    int rc = json_finish(&j);
    fclose(f);
    bool ok = rc == want_rc && (!want || !strcmp(buf, want));
    if (!ok) printf("    wrote (rc %d): %s    want: %s\n", rc, buf, want ? want : "(any)");
    free(buf);
    return ok;
}

static void doc_nested(struct json *j)
{
    json_object(j);
    json_key(j, "a");
    json_array(j);
    json_int(j, 1);
    json_uint(j, UINT64_MAX);
    json_object(j);
    json_key_null(j, "b");
    json_end(j);
    json_end(j);
    json_key_string(j, "c", "x");
    json_key(j, "");
    json_object(j);
    json_end(j);
    json_key_bool(j, "d", false);
    json_end(j);
}

static void doc_pretty(struct json *j)
{
    json_object(j);
    json_key(j, "shape");
    json_array_inline(j);
    json_int(j, 1);
    json_string(j, "N");
    json_null(j);
    json_end(j);
    json_key(j, "list");
    json_array(j);
    json_object_inline(j);
    json_key_int(j, "k", -3);
    json_key(j, "v");
    json_array(j); /* inside an inline container: stays on the line */
    json_end(j);
    json_end(j);
    json_end(j);
    json_key(j, "empty");
    json_array(j);
    json_end(j);
    json_end(j);
}

static void doc_value_for_key(struct json *j)
{
    json_object(j);
    json_int(j, 1); /* a key is due */
    json_end(j);
}

static void doc_unclosed(struct json *j)
{
    json_array(j);
    json_int(j, 1);
}

static void doc_two_values(struct json *j)
{
    json_int(j, 1);
    json_int(j, 2);
}

static void doc_key_without_value(struct json *j)
{
    json_object(j);
    json_key(j, "k");
    json_end(j);
}

TEST(json_writer_structure_and_misuse)
{
    T_CHECK(writes(doc_nested, false,
                   "{\"a\":[1,18446744073709551615,{\"b\":null}],\"c\":\"x\",\"\":{},\"d\":false}"
                   "\n",
                   0),
            "compact document");
    T_CHECK(writes(doc_pretty, true,
                   "{\n"
                   "  \"shape\": [1, \"N\", null],\n"
                   "  \"list\": [\n"
                   "    {\"k\": -3, \"v\": []}\n"
                   "  ],\n"
                   "  \"empty\": []\n"
                   "}\n",
                   0),
            "pretty document with inline containers");
    T_CHECK(writes(doc_value_for_key, false, NULL, -1), "value where a key is due");
    T_CHECK(writes(doc_unclosed, false, NULL, -1), "unclosed array");
    T_CHECK(writes(doc_two_values, false, NULL, -1), "two top-level values");
    T_CHECK(writes(doc_key_without_value, false, NULL, -1), "key without value");
}

static double g_double;
static float g_float;
static void doc_double(struct json *j) { json_double(j, g_double); }
static void doc_float(struct json *j) { json_float(j, g_float); }

static bool double_is(double v, const char *want)
{
    g_double = v;
    return writes(doc_double, false, want, 0);
}

static bool float_is(float v, const char *want)
{
    g_float = v;
    return writes(doc_float, false, want, 0);
}

/* Numbers are the shortest text that reads back to the same value. */
TEST(json_numbers_round_trip)
{
    T_CHECK(double_is(0.1, "0.1\n"), "0.1");
    T_CHECK(double_is(1.0 / 3, "0.3333333333333333\n"), "1/3 needs 16 digits");
    T_CHECK(double_is(-0.0, "-0\n"), "negative zero");
    T_CHECK(double_is(1e300, "1e+300\n"), "large");
    T_CHECK(double_is(5e-324, "5e-324\n"), "smallest subnormal");
    T_CHECK(double_is(NAN, "null\n") && double_is(INFINITY, "null\n"), "NaN, inf: null");
    T_CHECK(float_is(0.1f, "0.1\n"), "0.1f is 0.1 as a float");
    T_CHECK(float_is(16777216.0f, "16777216\n"), "2^24");
    T_CHECK(float_is(3.4028235e38f, "3.4028235e+38\n"), "FLT_MAX");
    /* every printed double reads back exactly */
    double vals[] = {1e-7, 123456.789, 2.5e-8, 0.30000000000000004, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct json j;
        json_init(&j, f, false);
        json_double(&j, vals[i]);
        json_finish(&j);
        fclose(f);
        T_CHECK(strtod(buf, NULL) == vals[i], "%.17g printed as %s", vals[i], buf);
        free(buf);
    }
}
