/* The interpreter's step-wise API: interp_begin / interp_step / interp_finish
 * give what interp_run gives, bit for bit, with the same taps; and
 * interp_run_nodes runs a few main-graph nodes on given values, even between
 * two steps of an open run, without disturbing it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"
#include "ir/ir.h"
#include "t.h"
#include "tb.h"

/* ---- the model (tb.h) ---- */

static const float c1_vals[3] = {0.5f, -1.25f, 2.0f};
static const float c2_vals[6] = {3.0f, -0.5f, 1.5f, 7.0f, 0.25f, -2.0f};
static const int64_t d23[2] = {2, 3}, d3[1] = {3};

/* x → Add(x, c1) → a → Relu → b → Mul(b, c2) → y. x's shape is declared
 * [2,3], or left unknown (rank < 0) so that a run can be made to fail in a
 * step rather than at begin. */
static bool chain_model(struct tb *b, int x_rank)
{
    tb_init(b, IR_FORMAT_NONE, 13);
    struct ir_tensor *x = tb_input(b, "x", IR_F32, x_rank, d23);
    struct ir_tensor *c1 = tb_const(b, "c1", IR_F32, 1, d3, c1_vals, sizeof c1_vals);
    struct ir_tensor *c2 = tb_const(b, "c2", IR_F32, 2, d23, c2_vals, sizeof c2_vals);
    struct ir_tensor *a = tb_tensor(b, "a", IR_UNDEFINED, -1, NULL);
    tb_node(b, IR_OP_ADD, NULL, NULL, "add", TB_LIST(x, c1), TB_LIST(a));
    struct ir_tensor *r = tb_tensor(b, "b", IR_UNDEFINED, -1, NULL);
    tb_node(b, IR_OP_RELU, NULL, NULL, "relu", TB_LIST(a), TB_LIST(r));
    struct ir_tensor *y = tb_tensor(b, "y", IR_UNDEFINED, -1, NULL);
    tb_node(b, IR_OP_MUL, NULL, NULL, "mul", TB_LIST(r, c2), TB_LIST(y));
    tb_output(b, y);
    return !b->bad;
}

static struct op_tensor f32_value(int rank, const int64_t *dims, const float *v)
{
    struct op_tensor t = {0};
    struct fy_error e = {0};
    if (op_tensor_alloc(&t, IR_F32, rank, dims, &e) == FY_OK)
        memcpy(t.data, v, (size_t)t.nbytes);
    return t;
}

static bool same_bits(const struct op_tensor *a, const struct op_tensor *b)
{
    if (a->dtype != b->dtype || a->rank != b->rank || a->nbytes != b->nbytes) return false;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d]) return false;
    return !a->nbytes || !memcmp(a->data, b->data, (size_t)a->nbytes);
}

/* Exactly the values computed from the op's definition (the same float
 * operations, so no tolerance); -0 equals 0, as max(0, -0) may be either. */
static bool equals_f32(const struct op_tensor *t, const float *want, int n, const char *what)
{
    if (!T_CHECK(t->dtype == IR_F32 && t->numel == (uint64_t)n && t->data, "%s: %s x %llu",
                 what, ir_dtype_name(t->dtype), (unsigned long long)t->numel))
        return false;
    const float *v = t->data;
    for (int i = 0; i < n; i++)
        if (!T_CHECK(v[i] == want[i], "%s: [%d] = %.9g, expected %.9g",
                     what, i, (double)v[i], (double)want[i]))
            return false;
    return true;
}

/* ---- the tap: which nodes it saw, in order ---- */

struct tap_log {
    const struct ir_node *seen[32];
    int n;
};

static void tap_record(void *user, const struct ir_node *n, const struct op_tensor *const *outputs,
                       int n_outputs)
{
    struct tap_log *log = user;
    (void)outputs;
    (void)n_outputs;
    if (log->n < 32) log->seen[log->n] = n;
    log->n++;
}

static const float x_vals[6] = {-1.0f, 2.0f, -3.5f, 0.25f, 1.25f, -0.75f};

TEST(interp_step_gives_interp_run_outputs_and_taps_node_by_node)
{
    struct tb b;
    if (!T_CHECK(chain_model(&b, 2), "model: %s", b.err.message)) return;
    struct tap_log log = {0};
    struct interp_options opt = {.threads = 1, .tap = tap_record, .tap_user = &log};
    struct interp *ip = NULL;
    struct op_tensor x = f32_value(2, d23, x_vals);
    const struct op_tensor *feed[1] = {&x};
    struct op_tensor *out = NULL, want = {0};
    if (!T_CHECK(interp_create(b.m, &opt, &ip, &b.err) == FY_OK, "create: %s", b.err.message))
        goto done;
    int nn = interp_node_count(ip);
    T_CHECK(nn == 3, "3 nodes, not %d", nn);
    if (!T_CHECK(interp_run(ip, feed, 1, &out, 1, &b.err) == FY_OK, "run: %s", b.err.message))
        goto done;
    /* interp_run's outputs live until the next run: keep a copy */
    want = f32_value(out->rank, out->dims, out->data);
    T_CHECK(log.n == nn, "run: the tap fired %d times for %d nodes", log.n, nn);
    for (int i = 0; i < nn && i < log.n; i++)
        T_CHECK(log.seen[i] == interp_node(ip, i), "run: tap %d saw '%s'", i, log.seen[i]->name);

    log.n = 0;
    if (!T_CHECK(interp_begin(ip, feed, 1, &b.err) == FY_OK, "begin: %s", b.err.message))
        goto done;
    T_CHECK(log.n == 0, "begin runs no node");
    for (int i = 0; i <= nn; i++) {
        const struct ir_node *n = interp_node(ip, 0); /* not NULL: step must set it */
        if (!T_CHECK(interp_step(ip, &n, &b.err) == FY_OK, "step %d: %s", i, b.err.message))
            goto done;
        if (i < nn) {
            T_CHECK(n == interp_node(ip, i), "step %d ran '%s', not '%s'", i, n ? n->name : "-",
                    interp_node(ip, i)->name);
            T_CHECK(log.n == i + 1 && log.seen[i] == n, "step %d: tap fired %d times", i, log.n);
        } else {
            T_CHECK(n == NULL, "a step past the last node gives NULL");
        }
    }
    const struct ir_node *again = NULL;
    T_CHECK(interp_step(ip, &again, &b.err) == FY_OK && !again, "stepping at the end stays NULL");
    out = NULL;
    if (!T_CHECK(interp_finish(ip, &out, 1, &b.err) == FY_OK, "finish: %s", b.err.message))
        goto done;
    T_CHECK(log.n == nn, "steps: the tap fired %d times for %d nodes", log.n, nn);
    T_CHECK(out && same_bits(out, &want), "stepped outputs equal interp_run's bit for bit");
    /* the session is over: a plain run works again */
    T_CHECK(interp_run(ip, feed, 1, &out, 1, &b.err) == FY_OK && same_bits(out, &want),
            "run after finish: %s", b.err.message);
done:
    interp_destroy(ip);
    op_tensor_release(&x);
    op_tensor_release(&want);
    tb_free(&b);
}

TEST(interp_run_nodes_computes_the_node_and_leaves_an_open_run_alone)
{
    struct tb b;
    if (!T_CHECK(chain_model(&b, 2), "model: %s", b.err.message)) return;
    struct tap_log log = {0};
    struct interp_options opt = {.threads = 1, .tap = tap_record, .tap_user = &log,
                                 .stats = true};
    struct interp *ip = NULL;
    struct op_tensor x = f32_value(2, d23, x_vals), want = {0}, got[2] = {{0}};
    const struct op_tensor *feed[1] = {&x};
    struct op_tensor *out = NULL;
    const struct ir_graph *g = b.m->graph;
    const struct ir_node *add = NULL, *relu = NULL, *mul = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!strcmp(g->nodes[i]->name, "add")) add = g->nodes[i];
        if (!strcmp(g->nodes[i]->name, "relu")) relu = g->nodes[i];
        if (!strcmp(g->nodes[i]->name, "mul")) mul = g->nodes[i];
    }
    const struct ir_tensor *tx = ir_graph_find_tensor(g, "x"), *ta = ir_graph_find_tensor(g, "a"),
                           *tb = ir_graph_find_tensor(g, "b"), *ty = ir_graph_find_tensor(g, "y");
    if (!T_CHECK(interp_create(b.m, &opt, &ip, &b.err) == FY_OK, "create: %s", b.err.message))
        goto done;
    /* the reference: a plain run (which also builds the activation plan, so
     * the session below keeps a and b in the slab) */
    if (!T_CHECK(interp_run(ip, feed, 1, &out, 1, &b.err) == FY_OK, "run: %s", b.err.message))
        goto done;
    want = f32_value(out->rank, out->dims, out->data);
    const struct interp_stats *stats = interp_get_stats(ip);
    T_CHECK(stats->planned_activation_bytes > 0, "the first run planned the slab");

    /* Relu on its own, on a value that is no run's: max(a, 0) by definition */
    static const float a_given[6] = {-2.0f, 0.0f, 3.5f, -0.0f, 1e-3f, -7.25f};
    float relu_want[6], y_want[6];
    for (int i = 0; i < 6; i++) {
        relu_want[i] = a_given[i] > 0 ? a_given[i] : 0.0f;
        y_want[i] = relu_want[i] * c2_vals[i];
    }
    struct op_tensor a_val = f32_value(2, d23, a_given);
    const struct op_tensor *gv[1] = {&a_val};
    const struct ir_node *one[1] = {relu};
    const struct ir_tensor *wb[1] = {tb};
    if (T_CHECK(interp_run_nodes(ip, one, 1, &ta, gv, 1, wb, got, 1, &b.err) == FY_OK,
                "run_nodes relu: %s", b.err.message))
        equals_f32(&got[0], relu_want, 6, "Relu of the given a");
    op_tensor_release(&got[0]);
    /* two nodes in a row, wanting the intermediate and the last */
    const struct ir_node *two[2] = {relu, mul};
    const struct ir_tensor *wby[2] = {tb, ty};
    if (T_CHECK(interp_run_nodes(ip, two, 2, &ta, gv, 1, wby, got, 2, &b.err) == FY_OK,
                "run_nodes relu, mul: %s", b.err.message)) {
        equals_f32(&got[0], relu_want, 6, "b through relu, mul");
        equals_f32(&got[1], y_want, 6, "y = relu(a) * c2");
    }
    op_tensor_release(&got[0]);
    op_tensor_release(&got[1]);

    /* between two steps: Add on a different x writes its own a, not the
     * slab's a that the open run reads next */
    struct interp_stats before;
    if (!T_CHECK(interp_begin(ip, feed, 1, &b.err) == FY_OK, "begin: %s", b.err.message))
        goto released;
    const struct ir_node *n = NULL;
    T_CHECK(interp_step(ip, &n, &b.err) == FY_OK && n == add, "step 1 runs add");
    before = *interp_get_stats(ip);
    int taps = log.n;
    static const float x2[6] = {10.0f, -20.0f, 30.0f, -40.0f, 50.0f, -60.0f};
    struct op_tensor x2_val = f32_value(2, d23, x2);
    const struct op_tensor *gx[1] = {&x2_val};
    const struct ir_node *addn[1] = {add};
    const struct ir_tensor *wa[1] = {ta};
    float add_want[6];
    for (int i = 0; i < 6; i++) add_want[i] = x2[i] + c1_vals[i % 3];
    if (T_CHECK(interp_run_nodes(ip, addn, 1, &tx, gx, 1, wa, got, 1, &b.err) == FY_OK,
                "run_nodes between steps: %s", b.err.message))
        equals_f32(&got[0], add_want, 6, "Add of the given x");
    op_tensor_release(&got[0]);
    op_tensor_release(&x2_val);
    T_CHECK(log.n == taps, "run_nodes fires no tap");
    const struct interp_stats *after = interp_get_stats(ip);
    T_CHECK(after->peak_activation_bytes == before.peak_activation_bytes &&
                after->ops[IR_OP_ADD].calls == before.ops[IR_OP_ADD].calls,
            "run_nodes leaves the stats alone");
    while (interp_step(ip, &n, &b.err) == FY_OK && n) continue;
    out = NULL; /* a failed step ended the run: finish says so */
    if (T_CHECK(interp_finish(ip, &out, 1, &b.err) == FY_OK, "finish: %s", b.err.message))
        T_CHECK(out && same_bits(out, &want), "the run's outputs equal a plain run's");
    T_CHECK(log.n == taps + 2, "the steps after run_nodes tapped 2 nodes, not %d", log.n - taps);
released:
    op_tensor_release(&a_val);
done:
    interp_destroy(ip);
    op_tensor_release(&x);
    op_tensor_release(&want);
    tb_free(&b);
}

TEST(interp_run_nodes_and_steps_name_what_is_missing)
{
    struct tb b;
    if (!T_CHECK(chain_model(&b, -1), "model: %s", b.err.message)) return;
    struct interp *ip = NULL;
    struct interp_options opt = {.threads = 1};
    static const int64_t d45[2] = {4, 5};
    static const float zeros[20] = {0};
    struct op_tensor x = f32_value(2, d23, x_vals), bad = f32_value(2, d45, zeros);
    struct op_tensor got[1] = {{0}}, want = {0};
    struct op_tensor *out = NULL;
    const struct ir_graph *g = b.m->graph;
    const struct ir_node *relu = NULL, *mul = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!strcmp(g->nodes[i]->name, "relu")) relu = g->nodes[i];
        if (!strcmp(g->nodes[i]->name, "mul")) mul = g->nodes[i];
    }
    const struct ir_tensor *ta = ir_graph_find_tensor(g, "a"), *ty = ir_graph_find_tensor(g, "y"),
                           *tc1 = ir_graph_find_tensor(g, "c1");
    if (!T_CHECK(interp_create(b.m, &opt, &ip, &b.err) == FY_OK, "create: %s", b.err.message))
        goto done;
    const struct op_tensor *feed[1] = {&x};
    if (!T_CHECK(interp_run(ip, feed, 1, &out, 1, &b.err) == FY_OK, "run: %s", b.err.message))
        goto done;
    want = f32_value(out->rank, out->dims, out->data);

    /* Relu's input not given: the error names the node, its op and the tensor */
    const struct ir_node *one[1] = {relu};
    struct fy_error e = {0};
    fy_status st = interp_run_nodes(ip, one, 1, NULL, NULL, 0, &ty, got, 1, &e);
    T_CHECK(st == FY_EINVALID && !strcmp(e.node, "relu") && !strcmp(e.op, "Relu") &&
                strstr(e.message, "'a'"),
            "missing input: %d node '%s' op '%s': %s", st, e.node, e.op, e.message);
    T_CHECK(got[0].data == NULL, "nothing handed out on error");
    /* a wanted tensor that no node computes */
    const struct op_tensor *gv[1] = {&x};
    memset(&e, 0, sizeof e);
    st = interp_run_nodes(ip, one, 1, &ta, gv, 1, &ty, got, 1, &e);
    T_CHECK(st == FY_EINVALID && strstr(e.message, "'y'"), "want not computed: %s", e.message);
    T_CHECK(got[0].data == NULL, "nothing handed out on error");
    /* a constant's value cannot be given */
    const struct ir_node *muln[1] = {mul};
    memset(&e, 0, sizeof e);
    st = interp_run_nodes(ip, muln, 1, &tc1, gv, 1, &ty, got, 1, &e);
    T_CHECK(st == FY_EINVALID && strstr(e.message, "'c1'"), "constant given: %s", e.message);

    /* misuse of the session */
    const struct ir_node *n = NULL;
    memset(&e, 0, sizeof e);
    T_CHECK(interp_step(ip, &n, &e) == FY_EINTERNAL && !n, "step with no run open");
    interp_abort(ip); /* no run open: nothing to do */
    T_CHECK(interp_begin(ip, feed, 1, &b.err) == FY_OK, "begin: %s", b.err.message);
    memset(&e, 0, sizeof e);
    T_CHECK(interp_begin(ip, feed, 1, &e) == FY_EINTERNAL && strstr(e.message, "in progress"),
            "begin with a run open: %s", e.message);
    T_CHECK(interp_step(ip, &n, &b.err) == FY_OK && n, "the open run goes on: %s",
            b.err.message);
    memset(&e, 0, sizeof e);
    T_CHECK(interp_finish(ip, &out, 1, &e) == FY_EINTERNAL && strstr(e.message, "not run"),
            "finish before the last step: %s", e.message);
    memset(&e, 0, sizeof e);
    T_CHECK(interp_step(ip, &n, &e) == FY_EINTERNAL, "finish ended the run");

    /* an error in a step: x of shape [4,5] cannot be added to c1 of [3] */
    const struct op_tensor *feed_bad[1] = {&bad};
    T_CHECK(interp_begin(ip, feed_bad, 1, &b.err) == FY_OK, "begin: %s", b.err.message);
    memset(&e, 0, sizeof e);
    st = interp_step(ip, &n, &e);
    T_CHECK(st != FY_OK && !strcmp(e.node, "add"), "step fails in add: %d '%s': %s", st, e.node,
            e.message);
    interp_abort(ip);
    interp_abort(ip);
    /* and the interpreter runs again */
    out = NULL;
    T_CHECK(interp_run(ip, feed, 1, &out, 1, &b.err) == FY_OK && out && same_bits(out, &want),
            "a fresh run after the abort: %s", b.err.message);
    /* an interp_run that fails in a node leaves no run open either */
    memset(&e, 0, sizeof e);
    T_CHECK(interp_run(ip, feed_bad, 1, &out, 1, &e) != FY_OK, "bad run fails");
    T_CHECK(interp_run(ip, feed, 1, &out, 1, &b.err) == FY_OK && same_bits(out, &want),
            "run after a failed run: %s", b.err.message);
    /* an error with a run left open: destroy releases it (ASan checks) */
    T_CHECK(interp_begin(ip, feed, 1, &b.err) == FY_OK && interp_step(ip, &n, &b.err) == FY_OK,
            "begin and step: %s", b.err.message);
done:
    interp_destroy(ip);
    op_tensor_release(&x);
    op_tensor_release(&bad);
    op_tensor_release(&want);
    tb_free(&b);
}

TEST(interp_run_nodes_reads_the_models_constants)
{
    struct tb b;
    if (!T_CHECK(chain_model(&b, 2), "model: %s", b.err.message)) return;
    struct interp *ip = NULL;
    struct interp_options opt = {.threads = 1};
    const struct ir_graph *g = b.m->graph;
    const struct ir_node *add = NULL;
    for (int i = 0; i < g->n_nodes; i++)
        if (!strcmp(g->nodes[i]->name, "add")) add = g->nodes[i];
    const struct ir_tensor *tx = ir_graph_find_tensor(g, "x"), *ta = ir_graph_find_tensor(g, "a");
    static const float xs[6] = {1.0f, 2.0f, 3.0f, -4.0f, -5.0f, -6.0f};
    struct op_tensor x = f32_value(2, d23, xs), got[1] = {{0}};
    if (!T_CHECK(interp_create(b.m, &opt, &ip, &b.err) == FY_OK, "create: %s", b.err.message))
        goto done;
    /* with no run before it: nothing of a run is needed */
    const struct op_tensor *gv[1] = {&x};
    const struct ir_node *one[1] = {add};
    float want[6];
    for (int i = 0; i < 6; i++) want[i] = xs[i] + c1_vals[i % 3];
    if (T_CHECK(interp_run_nodes(ip, one, 1, &tx, gv, 1, &ta, got, 1, &b.err) == FY_OK,
                "run_nodes add: %s", b.err.message))
        equals_f32(&got[0], want, 6, "x + c1 (the initializer)");
    op_tensor_release(&got[0]);
    /* a given tensor that is also wanted is copied back as given */
    if (T_CHECK(interp_run_nodes(ip, one, 1, &tx, gv, 1, &tx, got, 1, &b.err) == FY_OK,
                "run_nodes want x: %s", b.err.message))
        equals_f32(&got[0], xs, 6, "x as given");
    op_tensor_release(&got[0]);
done:
    interp_destroy(ip);
    op_tensor_release(&x);
    tb_free(&b);
}

/* An If run on its own: its branches read the main graph's 'a' through the
 * temporary frame (the subgraph's parent frame). */
TEST(interp_run_nodes_runs_an_if_whose_branches_read_outer_values)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_NONE, 13);
    struct ir_graph *g = b.g;
    if (!T_CHECK(g != NULL, "model")) return;
    struct ir_tensor *x = tb_input(&b, "x", IR_F32, 1, d3);
    struct ir_tensor *cnd = tb_input(&b, "cond", IR_BOOL, 0, NULL);
    struct ir_tensor *ta = tb_tensor(&b, "a", IR_UNDEFINED, -1, NULL);
    tb_node(&b, IR_OP_NEG, NULL, NULL, "neg", TB_LIST(x), TB_LIST(ta));
    struct ir_tensor *y = tb_tensor(&b, "y", IR_UNDEFINED, -1, NULL);
    struct ir_node *iff = tb_node(&b, IR_OP_IF, NULL, NULL, "if", TB_LIST(cnd), TB_LIST(y));
    const char *branch[2] = {"then_branch", "else_branch"};
    for (int k = 0; k < 2; k++) {
        struct ir_graph *sub = tb_subgraph(&b, iff, branch[k]);
        if (!T_CHECK(sub, "branch")) goto free_model;
        sub->name = branch[k];
        b.g = sub;
        struct ir_tensor *o = tb_tensor(&b, "a", IR_UNDEFINED, -1, NULL);
        struct ir_tensor *r = tb_tensor(&b, "r", IR_UNDEFINED, -1, NULL);
        if (o) o->kind = IR_TENSOR_OUTER;
        tb_node(&b, k ? IR_OP_RELU : IR_OP_ADD, NULL, NULL, k ? "relu" : "twice", k ? 1 : 2,
                TB_TS(o, o), TB_LIST(r));
        tb_output(&b, r);
        b.g = g;
    }
    tb_output(&b, y);
    if (!T_CHECK(!b.bad, "model: %s", b.err.message)) goto free_model;
    struct interp *ip = NULL;
    struct interp_options opt = {.threads = 1};
    if (!T_CHECK(interp_create(b.m, &opt, &ip, &b.err) == FY_OK, "create: %s", b.err.message))
        goto free_model;
    static const float as[3] = {-1.5f, 0.0f, 4.0f};
    struct op_tensor a = f32_value(1, d3, as), cond = {0}, got[1] = {{0}};
    op_tensor_alloc(&cond, IR_BOOL, 0, NULL, &b.err);
    const struct ir_tensor *given[2] = {ir_graph_find_tensor(g, "cond"),
                                        ir_graph_find_tensor(g, "a")};
    const struct op_tensor *vals[2] = {&cond, &a};
    const struct ir_tensor *ty = ir_graph_find_tensor(g, "y");
    const struct ir_node *one[1] = {iff};
    for (int c = 0; c < 2; c++) {
        *(uint8_t *)cond.data = (uint8_t)c;
        float want[3];
        for (int i = 0; i < 3; i++) want[i] = c ? as[i] + as[i] : (as[i] > 0 ? as[i] : 0.0f);
        if (T_CHECK(interp_run_nodes(ip, one, 1, given, vals, 2, &ty, got, 1, &b.err) == FY_OK,
                    "run_nodes if (%d): %s", c, b.err.message))
            equals_f32(&got[0], want, 3, c ? "then: a + a" : "else: relu(a)");
        op_tensor_release(&got[0]);
    }
    /* 'a' is read only inside the branches, and still must be given */
    struct fy_error e = {0};
    fy_status st = interp_run_nodes(ip, one, 1, given, vals, 1, &ty, got, 1, &e);
    T_CHECK(st == FY_EINVALID && !strcmp(e.node, "if") && strstr(e.message, "'a'"),
            "outer read not given: '%s': %s", e.node, e.message);
    interp_destroy(ip);
    op_tensor_release(&a);
    op_tensor_release(&cond);
free_model:
    tb_free(&b);
}
