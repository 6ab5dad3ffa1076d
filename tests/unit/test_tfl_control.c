/* tfl.IF and tfl.WHILE (ops/tfl_control.c): TFLite's control flow, whose
 * subgraphs are other subgraphs of the model named by index. Every expected
 * value here is computed by hand from TFLite's semantics (kernels/if.cc,
 * kernels/while.cc): IF runs then_subgraph_index when its one-bool condition
 * is true, else else_subgraph_index, on inputs 1..; WHILE runs body on the
 * state while cond says true. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/tflite/tflite.h"
#include "inspect/inspect.h"
#include "interp/interp.h"
#include "t.h"
#include "tb.h"

/* Makes b's model a TFLite model with n subgraphs: [0] the main graph, the
 * others new graphs named "sg<i>" (parent NULL, as the reader makes them). */
static struct ir_graph **tfl_subgraphs(struct tb *b, int n)
{
    if (b->bad) return NULL;
    struct ir_model *m = b->m;
    struct ir_tflite_info *ti = ARENA_NEW(&m->arena, struct ir_tflite_info);
    struct ir_graph **g = ARENA_ARRAY(&m->arena, n, struct ir_graph *);
    if (!ti || !g) {
        b->bad = true;
        return NULL;
    }
    ti->version = 3;
    g[0] = m->graph;
    g[0]->name = "main";
    for (int i = 1; i < n; i++) {
        g[i] = ir_graph_new(m, NULL);
        if (!g[i]) {
            b->bad = true;
            return NULL;
        }
        char nm[16];
        snprintf(nm, sizeof nm, "sg%d", i);
        g[i]->name = arena_strdup(&m->arena, nm);
    }
    ti->subgraphs = g;
    ti->n_subgraphs = n;
    m->tflite = ti;
    return g;
}

/* Runs m on the inputs; *out points at the interpreter's outputs. */
struct run {
    struct interp *ip;
    struct op_tensor *out[4];
    struct fy_error err;
};

static fy_status run(const struct ir_model *m, const struct op_tensor *const *in, int n_in,
                     int n_out, struct run *r)
{
    memset(r, 0, sizeof *r);
    struct interp_options opt = {.threads = 1};
    fy_status st = interp_create(m, &opt, &r->ip, &r->err);
    if (!st) st = interp_run(r->ip, in, n_in, r->out, n_out, &r->err);
    return st;
}

static void run_free(struct run *r)
{
    interp_destroy(r->ip);
    r->ip = NULL;
}

static struct op_tensor f32_value(int rank, const int64_t *dims, const float *v)
{
    struct op_tensor t;
    struct fy_error err = {0};
    memset(&t, 0, sizeof t);
    if (!op_tensor_alloc(&t, IR_F32, rank, dims, &err) && t.nbytes)
        memcpy(t.data, v, (size_t)t.nbytes);
    return t;
}

static struct op_tensor bool_value(bool v)
{
    struct op_tensor t;
    struct fy_error err = {0};
    memset(&t, 0, sizeof t);
    if (!op_tensor_alloc(&t, IR_BOOL, 1, TB_DIMS(1), &err)) ((uint8_t *)t.data)[0] = v;
    return t;
}

/* out is float32 [n] holding want exactly. */
static bool is_f32(const struct op_tensor *out, int n, const float *want, const char *what)
{
    if (!T_CHECK(out && out->dtype == IR_F32 && out->rank == 1 && out->dims[0] == n,
                 "%s: got %s rank %d dim %lld, want float32 [%d]", what,
                 out ? ir_dtype_name(out->dtype) : "nothing", out ? out->rank : -1,
                 out && out->rank ? (long long)out->dims[0] : -1LL, n))
        return false;
    const float *v = out->data;
    for (int i = 0; i < n; i++)
        if (!T_CHECK(v[i] == want[i], "%s: [%d] is %g, want %g", what, i, (double)v[i],
                     (double)want[i]))
            return false;
    return true;
}

/* ---- IF ----
 * main: y = IF(c, x), x float32 [2]
 * then (subgraph 1): o = MUL(a, three)          -> x * 3, shape [2]
 * else (subgraph 2): o = CONCATENATION(a, a)    -> x twice, shape [4]
 * The branches give different shapes: y is float32 [?]. */
static struct ir_node *if_model(struct tb *b)
{
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_graph **g = tfl_subgraphs(b, 3);
    if (!g) return NULL;
    struct ir_tensor *c = tb_input(b, "c", IR_BOOL, TB_SHAPE(1));
    struct ir_tensor *x = tb_input(b, "x", IR_F32, TB_SHAPE(2));
    struct ir_tensor *y = tb_tensor(b, "y", IR_F32, TB_SHAPE(-1));
    struct ir_node *n = tb_node(b, IR_OP_TFL_IF, NULL, NULL, "if", TB_LIST(c, x), TB_LIST(y));
    tb_int(b, n, "then_subgraph_index", 1);
    tb_int(b, n, "else_subgraph_index", 2);
    tb_output(b, y);

    b->g = g[1];
    struct ir_tensor *a = tb_input(b, "a", IR_F32, TB_SHAPE(2));
    struct ir_tensor *three = tb_f32(b, "three", 3.0f);
    struct ir_tensor *o = tb_tensor(b, "o", IR_F32, TB_SHAPE(2));
    tb_node(b, IR_OP_TFL_MUL, NULL, NULL, "mul", TB_LIST(a, three), TB_LIST(o));
    tb_output(b, o);

    b->g = g[2];
    a = tb_input(b, "a", IR_F32, TB_SHAPE(2));
    o = tb_tensor(b, "o", IR_F32, TB_SHAPE(4));
    struct ir_node *cat =
        tb_node(b, IR_OP_TFL_CONCATENATION, NULL, NULL, "cat", TB_LIST(a, a), TB_LIST(o));
    tb_int(b, cat, "axis", 0);
    tb_output(b, o);
    b->g = g[0];
    return b->bad ? NULL : n;
}

static void check_if_branches(const struct ir_model *m, const char *how)
{
    static const float xv[2] = {1.5f, -2.0f};
    static const float want_then[2] = {4.5f, -6.0f};
    static const float want_else[4] = {1.5f, -2.0f, 1.5f, -2.0f};
    struct op_tensor x = f32_value(1, TB_DIMS(2), xv);
    for (int branch = 0; branch < 2; branch++) {
        struct op_tensor c = bool_value(branch == 0);
        const struct op_tensor *in[2] = {&c, &x};
        struct run r;
        char what[96];
        snprintf(what, sizeof what, "%s, %s branch", how, branch ? "else" : "then");
        if (T_CHECK(run(m, in, 2, 1, &r) == FY_OK, "%s: %s", what, r.err.message))
            is_f32(r.out[0], branch ? 4 : 2, branch ? want_else : want_then, what);
        run_free(&r);
        op_tensor_release(&c);
    }
    op_tensor_release(&x);
}

TEST(tfl_if_runs_the_branch_its_condition_picks)
{
    struct tb b;
    struct ir_node *n = if_model(&b);
    if (T_CHECK(n != NULL, "build: %s", b.err.message)) check_if_branches(b.m, "in memory");
    tb_free(&b);
}

/* Written and read back: the reader makes IF tfl.IF with its two indices,
 * and the model runs the same. */
TEST(tfl_if_read_from_a_file_runs_both_branches)
{
    struct tb b;
    struct ir_node *n = if_model(&b);
    char path[64];
    snprintf(path, sizeof path, "/tmp/ferry-tfl-if-XXXXXX");
    int fd = mkstemp(path);
    if (!T_CHECK(n != NULL && fd >= 0, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    close(fd);
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    if (T_CHECK(tflite_write_model(b.m, path, NULL, 0, &err) == FY_OK, "write: %s", err.message) &&
        T_CHECK(tflite_read_model(path, &m, &err) == FY_OK, "read: %s", err.message)) {
        const struct ir_node *k = m->graph->nodes[0];
        const struct ir_attr *t = ir_node_attr(k, "then_subgraph_index"),
                             *e = ir_node_attr(k, "else_subgraph_index");
        T_CHECK(k->op == IR_OP_TFL_IF && !strcmp(k->op_type, "IF") && t && t->type == IR_ATTR_INT &&
                    t->v.i == 1 && e && e->type == IR_ATTR_INT && e->v.i == 2,
                "IF read back as %s (%s)", ir_op_name(k->op), k->op_type);
        check_if_branches(m, "read back");
    }
    ir_model_free(m);
    unlink(path);
    tb_free(&b);
}

/* ---- WHILE ----
 * main: (i_out, acc_out) = WHILE(i, acc)
 * cond (subgraph 1): LESS(i, three)
 * body (subgraph 2): i + 1, CONCATENATION(acc, acc): the state's shape
 * doubles every iteration. */
static struct ir_node *while_model(struct tb *b)
{
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_graph **g = tfl_subgraphs(b, 3);
    if (!g) return NULL;
    struct ir_tensor *i = tb_input(b, "i", IR_F32, TB_SHAPE(1));
    struct ir_tensor *acc = tb_input(b, "acc", IR_F32, TB_SHAPE(2));
    struct ir_tensor *i_out = tb_tensor(b, "i_out", IR_F32, TB_SHAPE(1));
    struct ir_tensor *acc_out = tb_tensor(b, "acc_out", IR_F32, TB_SHAPE(-1));
    struct ir_node *n =
        tb_node(b, IR_OP_TFL_WHILE, NULL, NULL, "while", TB_LIST(i, acc), TB_LIST(i_out, acc_out));
    tb_int(b, n, "cond_subgraph_index", 1);
    tb_int(b, n, "body_subgraph_index", 2);
    tb_output(b, i_out);
    tb_output(b, acc_out);

    b->g = g[1];
    struct ir_tensor *ci = tb_input(b, "i", IR_F32, TB_SHAPE(1));
    tb_input(b, "acc", IR_F32, TB_SHAPE(-1));
    struct ir_tensor *lim = tb_f32(b, "three", 3.0f);
    struct ir_tensor *go = tb_tensor(b, "go", IR_BOOL, TB_SHAPE(1));
    tb_node(b, IR_OP_TFL_LESS, NULL, NULL, "less", TB_LIST(ci, lim), TB_LIST(go));
    tb_output(b, go);

    b->g = g[2];
    struct ir_tensor *bi = tb_input(b, "i", IR_F32, TB_SHAPE(1));
    struct ir_tensor *bacc = tb_input(b, "acc", IR_F32, TB_SHAPE(-1));
    struct ir_tensor *one = tb_f32(b, "one", 1.0f);
    struct ir_tensor *ni = tb_tensor(b, "i_next", IR_F32, TB_SHAPE(1));
    struct ir_tensor *nacc = tb_tensor(b, "acc_next", IR_F32, TB_SHAPE(-1));
    tb_node(b, IR_OP_TFL_ADD, NULL, NULL, "add", TB_LIST(bi, one), TB_LIST(ni));
    struct ir_node *cat =
        tb_node(b, IR_OP_TFL_CONCATENATION, NULL, NULL, "cat", TB_LIST(bacc, bacc), TB_LIST(nacc));
    tb_int(b, cat, "axis", 0);
    tb_output(b, ni);
    tb_output(b, nacc);
    b->g = g[0];
    return b->bad ? NULL : n;
}

TEST(tfl_while_runs_its_body_while_cond_holds)
{
    struct tb b;
    struct ir_node *n = while_model(&b);
    if (!T_CHECK(n != NULL, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    static const float accv[2] = {1, 2};
    struct op_tensor acc = f32_value(1, TB_DIMS(2), accv);
    /* from 0: three iterations (i 0, 1, 2 < 3), acc [1,2] doubled three times */
    float iv = 0;
    struct op_tensor i = f32_value(1, TB_DIMS(1), &iv);
    const struct op_tensor *in[2] = {&i, &acc};
    struct run r;
    float want16[16];
    for (int k = 0; k < 16; k++)
        want16[k] = (float)(1 + k % 2);
    static const float three = 3;
    if (T_CHECK(run(b.m, in, 2, 2, &r) == FY_OK, "from 0: %s", r.err.message)) {
        is_f32(r.out[0], 1, &three, "from 0: i");
        is_f32(r.out[1], 16, want16, "from 0: acc");
    }
    run_free(&r);
    op_tensor_release(&i);
    /* from 5: cond is false at once; the outputs are the inputs */
    iv = 5;
    i = f32_value(1, TB_DIMS(1), &iv);
    if (T_CHECK(run(b.m, in, 2, 2, &r) == FY_OK, "from 5: %s", r.err.message)) {
        is_f32(r.out[0], 1, &iv, "from 5: i");
        is_f32(r.out[1], 2, accv, "from 5: acc");
    }
    run_free(&r);
    op_tensor_release(&i);
    op_tensor_release(&acc);
    tb_free(&b);
}

/* ---- refusals, each naming the node and op ---- */

TEST(tfl_if_refuses_a_condition_that_is_not_one_bool)
{
    struct tb b;
    struct ir_node *n = if_model(&b);
    if (!T_CHECK(n != NULL, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    n->inputs[0]->dtype = IR_F32; /* the model's c is now float32 */
    static const float xv[2] = {1, 2}, one = 1;
    struct op_tensor c = f32_value(1, TB_DIMS(1), &one), x = f32_value(1, TB_DIMS(2), xv);
    const struct op_tensor *in[2] = {&c, &x};
    struct run r;
    T_CHECK(run(b.m, in, 2, 1, &r) == FY_EINVALID && !strcmp(r.err.node, "if") &&
                !strcmp(r.err.op, "IF") && tb_has(r.err.message, "one bool"),
            "float condition: %s", r.err.message);
    run_free(&r);
    op_tensor_release(&c);
    op_tensor_release(&x);
    tb_free(&b);
}

TEST(tfl_if_refuses_a_branch_of_the_wrong_arity_or_type)
{
    struct tb b;
    struct ir_node *n = if_model(&b);
    if (!T_CHECK(n != NULL, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    /* else takes 2 inputs, the IF passes 1 */
    struct ir_graph *els = b.m->tflite->subgraphs[2];
    b.g = els;
    tb_input(&b, "extra", IR_F32, TB_SHAPE(1));
    b.g = b.m->graph;
    struct run r;
    T_CHECK(run(b.m, NULL, 0, 0, &r) == FY_EINVALID && !strcmp(r.err.node, "if") &&
                !strcmp(r.err.op, "IF") && tb_has(r.err.message, "else subgraph 2") &&
                tb_has(r.err.message, "2 inputs"),
            "else arity: %s", r.err.message);
    run_free(&r);
    els->n_inputs = 1;

    /* then declares int32 at its input: a float32 x is refused, whichever
     * branch runs (TFLite checks both in Prepare) */
    b.m->tflite->subgraphs[1]->inputs[0]->dtype = IR_I32;
    static const float xv[2] = {1, 2};
    struct op_tensor c = bool_value(false), x = f32_value(1, TB_DIMS(2), xv);
    const struct op_tensor *in[2] = {&c, &x};
    T_CHECK(run(b.m, in, 2, 1, &r) == FY_EINVALID && !strcmp(r.err.op, "IF") &&
                tb_has(r.err.message, "then subgraph 1") && tb_has(r.err.message, "int32"),
            "then input type: %s", r.err.message);
    run_free(&r);
    op_tensor_release(&c);
    op_tensor_release(&x);
    tb_free(&b);
}

TEST(tfl_control_flow_refuses_recursion_and_bad_indices)
{
    struct tb b;
    struct ir_node *n = while_model(&b);
    if (!T_CHECK(n != NULL, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    struct run r;
    /* the body runs the main graph again */
    struct ir_graph *body = b.m->tflite->subgraphs[2];
    b.g = body;
    struct ir_tensor *bi = body->inputs[0], *bacc = body->inputs[1];
    struct ir_tensor *u = tb_tensor(&b, "u", IR_F32, TB_SHAPE(1)),
                     *v = tb_tensor(&b, "v", IR_F32, TB_SHAPE(-1));
    struct ir_node *again =
        tb_node(&b, IR_OP_TFL_WHILE, NULL, NULL, "again", TB_LIST(bi, bacc), TB_LIST(u, v));
    tb_int(&b, again, "cond_subgraph_index", 1);
    tb_int(&b, again, "body_subgraph_index", 0);
    b.g = b.m->graph;
    if (T_CHECK(!b.bad, "build: %s", b.err.message))
        T_CHECK(run(b.m, NULL, 0, 0, &r) == FY_EUNSUPPORTED && !strcmp(r.err.node, "again") &&
                    !strcmp(r.err.op, "WHILE") && tb_has(r.err.message, "recursive"),
                "recursion: %s", r.err.message);
    run_free(&r);
    /* an index past the model's subgraphs */
    for (int k = 0; k < again->n_attrs; k++)
        if (!strcmp(again->attrs[k].name, "body_subgraph_index")) again->attrs[k].v.i = 7;
    T_CHECK(run(b.m, NULL, 0, 0, &r) == FY_EINVALID && !strcmp(r.err.node, "again") &&
                tb_has(r.err.message, "body_subgraph_index is 7; the model has 3 subgraphs"),
            "index 7: %s", r.err.message);
    run_free(&r);
    tb_free(&b);
}

/* A node ferry cannot run inside a branch is named when the interpreter is
 * created, like one in the main graph. */
TEST(tfl_if_lists_unsupported_nodes_of_its_branches)
{
    struct tb b;
    struct ir_node *n = if_model(&b);
    if (!T_CHECK(n != NULL, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    struct ir_graph *then = b.m->tflite->subgraphs[1];
    then->nodes[0]->op = IR_OP_OPAQUE;
    then->nodes[0]->op_type = "CUSTOM:Mystery";
    struct run r;
    T_CHECK(run(b.m, NULL, 0, 0, &r) == FY_EUNSUPPORTED &&
                tb_has(r.err.message, "'mul' (CUSTOM:Mystery)"),
            "%s", r.err.message);
    run_free(&r);
    tb_free(&b);
}

/* inspect reports IF as control flow over the subgraphs it names, not as an
 * op ferry does not know. */
TEST(tfl_if_is_control_flow_for_inspect)
{
    struct tb b;
    struct ir_node *n = if_model(&b);
    if (!T_CHECK(n != NULL, "build: %s", b.err.message)) {
        tb_free(&b);
        return;
    }
    struct inspect_report r;
    if (T_CHECK(inspect_model(b.m, &r, &b.err) == FY_OK, "inspect: %s", b.err.message)) {
        const struct inspect_finding *cf = NULL;
        bool opaque = false;
        for (int i = 0; i < r.n_findings; i++) {
            if (!strcmp(r.findings[i].kind, "control_flow")) cf = &r.findings[i];
            opaque |= !strcmp(r.findings[i].kind, "opaque_ops");
        }
        T_CHECK(cf && cf->node && !strcmp(cf->node, "if") &&
                    tb_has(cf->message, "IF with 2 subgraphs (2 nodes)"),
                "control_flow: %s", cf ? cf->message : "none");
        T_CHECK(!opaque, "IF reported as an opaque op");
        inspect_report_free(&r);
    }
    tb_free(&b);
}

/* A chain of IFs, each subgraph's IF running the next one, ending in a
 * constant: n levels run; more than 64 are refused when the interpreter is
 * created (each level runs on the C stack), before any is prepared deeper. */
static struct ir_model *if_chain(struct tb *b, int levels)
{
    tb_init(b, IR_FORMAT_TFLITE, 0);
    struct ir_graph **g = tfl_subgraphs(b, levels + 1);
    if (!g) return NULL;
    static const uint8_t yes = 1;
    static const float seven = 7;
    for (int k = 0; k <= levels; k++) {
        b->g = g[k];
        struct ir_tensor *y;
        if (k < levels) {
            struct ir_tensor *c = tb_const(b, "c", IR_BOOL, TB_SHAPE(1), &yes, 1);
            y = tb_tensor(b, "y", IR_F32, TB_SHAPE(1));
            struct ir_node *n = tb_node(b, IR_OP_TFL_IF, NULL, NULL, "if", TB_LIST(c), TB_LIST(y));
            tb_int(b, n, "then_subgraph_index", k + 1);
            tb_int(b, n, "else_subgraph_index", k + 1);
        } else {
            y = tb_const(b, "y", IR_F32, TB_SHAPE(1), &seven, sizeof seven);
        }
        tb_output(b, y);
    }
    b->g = g[0];
    return b->bad ? NULL : b->m;
}

TEST(tfl_if_chains_run_up_to_64_deep)
{
    struct tb b;
    struct run r;
    static const float seven = 7;
    if (T_CHECK(if_chain(&b, 64) != NULL, "build: %s", b.err.message) &&
        T_CHECK(run(b.m, NULL, 0, 1, &r) == FY_OK, "64 levels: %s", r.err.message))
        is_f32(r.out[0], 1, &seven, "64 levels");
    run_free(&r);
    tb_free(&b);
    if (T_CHECK(if_chain(&b, 1000) != NULL, "build: %s", b.err.message))
        T_CHECK(run(b.m, NULL, 0, 1, &r) == FY_EUNSUPPORTED && !strcmp(r.err.op, "IF") &&
                    tb_has(r.err.message, "more than 64 deep"),
                "1000 levels: %s", r.err.message);
    run_free(&r);
    tb_free(&b);
}
