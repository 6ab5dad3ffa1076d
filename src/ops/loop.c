/* Loop and Scan: run a body graph repeatedly, carrying state values from one
 * iteration to the next and stacking per-iteration "scan outputs".
 *
 * Loop (M, cond, v...): the body takes (iteration number int64, cond, v...)
 * and gives (cond, v..., scan elements...). It runs while i < M (when M is
 * given) and the condition holds. The condition is the cond input at first,
 * then the body's: ONNX's table says the body's is ignored when cond is left
 * out, but ONNX Runtime and ONNX's reference implementation stop on it
 * anyway, and so do we. Scan outputs stack the elements along a new first
 * axis; each iteration must give the same type and shape.
 *
 * Scan, opset 9 on: states then scan inputs; every scan input is sliced along
 * its scan axis (scan_input_axes, read backwards when scan_input_directions
 * says 1), and scan outputs are stacked along scan_output_axes (prepended
 * when scan_output_directions says 1).
 * Scan, opset 8: an optional sequence_lens input first, and every input has a
 * batch axis 0; scan inputs are scanned along axis 1, each batch entry for
 * its own length, and scan outputs are [batch, seq, ...], zero past each
 * entry's length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

 /* op_tensor_alloc/op_tensor_release: subgraph results are interpreter tensors */
#include "ops/control.h"

/* ---- stacking per-iteration values ---- */

struct ctl_acc {
    bool started;
    enum ir_dtype dtype;
    int rank;
    int64_t dims[OP_MAX_RANK];
    size_t item;     /* bytes per iteration */
    int64_t count;
    int64_t cap;
    unsigned char *buf;
};

/* Element size in bytes. 0: a type that cannot be sliced or stacked
 * element-wise here: packed sub-byte types, and strings (their bytes belong
 * to each iteration's value, which is released after the iteration). */
static size_t elem_size(enum ir_dtype t)
{
    if (t == IR_STRING) return 0;
    int bits = ir_dtype_table[t].bits;
    return bits >= 8 ? (size_t)bits / 8 : 0;
}

static const char *shape_str(int rank, const int64_t *dims, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < rank && k + 24 < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)dims[d]);
    snprintf(buf + k, cap - k, "]");
    return buf;
}

static fy_status acc_append(struct op_ctx *c, struct ctl_acc *a, const struct op_tensor *v,
                            int which, int64_t iter)
{
    char b1[96], b2[96];
    if (!v) return op_fail(c, FY_EINVALID, "scan output %d was not computed", which);
    if (!a->started) {
        size_t es = elem_size(v->dtype);
        if (!es)
            return op_fail(c, FY_EUNSUPPORTED, "scan output %d has type %s, which cannot be "
                           "stacked", which, ir_dtype_name(v->dtype));
        if (v->rank + 1 > OP_MAX_RANK)
            return op_fail(c, FY_EUNSUPPORTED, "scan output %d has rank %d; at most %d", which,
                           v->rank, OP_MAX_RANK - 1);
        a->started = true;
        a->dtype = v->dtype;
        a->rank = v->rank;
        memcpy(a->dims, v->dims, sizeof(int64_t) * (size_t)v->rank);
        a->item = (size_t)v->numel * es;
    }
    bool same = v->dtype == a->dtype && v->rank == a->rank;
    for (int d = 0; same && d < v->rank; d++) same = v->dims[d] == a->dims[d];
    if (!same)
        return op_fail(c, FY_EINVALID,
                       "scan output %d is %s %s in iteration %lld but was %s %s before", which,
                       ir_dtype_name(v->dtype), shape_str(v->rank, v->dims, b1, sizeof b1),
                       (long long)iter, ir_dtype_name(a->dtype),
                       shape_str(a->rank, a->dims, b2, sizeof b2));
    if (a->count == a->cap) {
        int64_t cap = a->cap ? 2 * a->cap : 16;
        unsigned char *nb = realloc(a->buf, a->item * (size_t)cap + 1);
        if (!nb) return op_fail(c, FY_ENOMEM, "out of memory stacking scan output %d", which);
        a->buf = nb;
        a->cap = cap;
    }
    if (a->item) memcpy(a->buf + a->item * (size_t)a->count, v->data, a->item);
    a->count++;
    return FY_OK;
}

static void acc_free(struct ctl_acc *a)
{
    free(a->buf);
    memset(a, 0, sizeof *a);
}

/* Without any iteration the element shape comes from the body's declaration
 * of the output: unknown dims become 0 (the result has no element anyway). */
static fy_status acc_default(struct op_ctx *c, struct ctl_acc *a, const struct ir_tensor *decl,
                             int which)
{
    if (a->started) return FY_OK;
    a->started = true;
    a->dtype = decl->dtype != IR_UNDEFINED ? decl->dtype : IR_F32;
    if (!elem_size(a->dtype))
        return op_fail(c, FY_EUNSUPPORTED, "scan output %d has type %s, which cannot be stacked",
                       which, ir_dtype_name(a->dtype));
    a->rank = decl->rank > 0 && decl->rank < OP_MAX_RANK ? decl->rank : 0;
    for (int d = 0; d < a->rank; d++) a->dims[d] = decl->dims[d].value >= 0 ? decl->dims[d].value : 0;
    a->item = 0;
    return FY_OK;
}

/* The stacked values as a tensor with the iterations along `axis` of the
 * result (reversed when rev). */
static fy_status acc_tensor(struct op_ctx *c, const struct ctl_acc *a, int axis, bool rev,
                            struct op_tensor **out)
{
    int64_t dims[OP_MAX_RANK];
    int r = a->rank + 1, k = 0;
    for (int d = 0; d < r; d++) dims[d] = d == axis ? a->count : a->dims[k++];
    struct op_tensor *t = calloc(1, sizeof *t);
    if (!t || op_tensor_alloc(t, a->dtype, r, dims, c->err)) {
        free(t);
        return op_fail(c, FY_ENOMEM, "out of memory for a scan output");
    }
    size_t es = elem_size(a->dtype);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++) outer *= a->dims[d];
    for (int d = axis; d < a->rank; d++) inner *= a->dims[d];
    unsigned char *dst = t->data;
    for (int64_t it = 0; it < a->count; it++) {
        int64_t pos = rev ? a->count - 1 - it : it;
        for (int64_t o = 0; o < outer; o++)
            memcpy(dst + ((size_t)(o * a->count + pos) * (size_t)inner) * es,
                   a->buf + a->item * (size_t)it + (size_t)(o * inner) * es, (size_t)inner * es);
    }
    *out = t;
    return FY_OK;
}

/* ---- Loop ---- */

fy_status ctl_loop_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err)
{
    (void)opset;
    struct ctl_loop_params *p = params;
    fy_status st = ctl_graph_attr(n, "body", &p->body, err);
    if (st) return st;
    int nc = n->n_inputs - 2;
    if (p->body->n_inputs != nc + 2 || p->body->n_outputs < nc + 1)
        return op_fail_node(n, err, FY_EINVALID,
                            "carries %d values, so its body needs %d inputs and at least %d "
                            "outputs; it has %d and %d",
                            nc, nc + 2, nc + 1, p->body->n_inputs, p->body->n_outputs);
    if (n->n_outputs > p->body->n_outputs - 1)
        return op_fail_node(n, err, FY_EINVALID, "has %d outputs; its body gives only %d",
                            n->n_outputs, p->body->n_outputs - 1);
    return FY_OK;
}

static fy_status one_value(struct op_ctx *c, const struct op_tensor *t, const char *what,
                           bool want_bool, int64_t *v)
{
    bool ok = t->numel == 1 && (want_bool ? t->dtype == IR_BOOL
                                          : t->dtype == IR_I64 || t->dtype == IR_I32);
    if (!ok)
        return op_fail(c, FY_EINVALID, "%s is %s with %llu elements; expected one %s", what,
                       ir_dtype_name(t->dtype), (unsigned long long)t->numel,
                       want_bool ? "bool" : "int64");
    *v = op_get_i64(t, 0);
    return FY_OK;
}

fy_status ctl_loop_infer(struct op_ctx *c)
{
    const struct ctl_loop_params *p = c->params;
    const struct ir_graph *body = p->body;
    int N = c->n_inputs - 2, K = body->n_outputs - 1 - N, nb = 1 + N + K;
    int64_t max_trip = INT64_MAX, keep = 1;
    fy_status st = FY_OK;
    if (c->in[0]) st = one_value(c, c->in[0], "M", false, &max_trip);
    if (!st && c->in[1]) st = one_value(c, c->in[1], "cond", true, &keep);
    for (int j = 0; !st && j < N; j++)
        if (!c->in[2 + j]) st = op_fail(c, FY_EINVALID, "loop-carried input %d is missing", j);
    if (st) return st;
    struct op_tensor iter, cond;
    memset(&iter, 0, sizeof iter);
    memset(&cond, 0, sizeof cond);
    const struct op_tensor **feed = calloc((size_t)N + 2, sizeof *feed);
    struct op_tensor **outs = calloc((size_t)nb, sizeof *outs);
    struct op_tensor **carried = calloc((size_t)N + 1, sizeof *carried);
    struct op_tensor **vals = calloc((size_t)(N + K + 1), sizeof *vals);
    struct ctl_acc *acc = calloc((size_t)K + 1, sizeof *acc);
    if (!feed || !outs || !carried || !vals || !acc) {
        st = op_fail(c, FY_ENOMEM, "out of memory");
        goto done;
    }
    st = op_tensor_alloc(&iter, IR_I64, 0, NULL, c->err);
    if (!st) st = op_tensor_alloc(&cond, IR_BOOL, 0, NULL, c->err);
    if (st) goto done;
    int64_t it = 0;
    while (it < max_trip && keep) {
        *(int64_t *)iter.data = it;
        *(uint8_t *)cond.data = 1;
        feed[0] = &iter;
        feed[1] = &cond;
        for (int j = 0; j < N; j++) feed[2 + j] = carried[j] ? carried[j] : c->in[2 + j];
        st = op_run_subgraph(c, body, feed, N + 2, outs, nb);
        if (st) goto done;
        if (!outs[0]) {
            st = op_fail(c, FY_EINVALID, "the body gave no condition");
            goto done;
        }
        st = one_value(c, outs[0], "the body's condition", true, &keep);
        if (st) goto done;
        ctl_values_free(carried, N);
        for (int j = 0; j < N; j++) {
            carried[j] = outs[1 + j];
            outs[1 + j] = NULL;
        }
        for (int k = 0; k < K && !st; k++) st = acc_append(c, &acc[k], outs[1 + N + k], k, it);
        ctl_values_free(outs, nb);
        if (st) goto done;
        it++;
    }
    for (int j = 0; j < N; j++) {
        if (carried[j]) {
            vals[j] = carried[j];
            carried[j] = NULL;
        } else if (!(vals[j] = ctl_value_copy(c, c->in[2 + j]))) {
            st = FY_ENOMEM;
            goto done;
        }
    }
    for (int k = 0; k < K; k++) {
        st = acc_default(c, &acc[k], body->outputs[1 + N + k], k);
        if (!st) st = acc_tensor(c, &acc[k], 0, false, &vals[N + k]);
        if (st) goto done;
    }
    st = ctl_results_put(c, vals, N + K);
    memset(vals, 0, sizeof *vals * (size_t)(N + K)); /* c->state owns them now, or they were freed */
done:
    if (outs) ctl_values_free(outs, nb);
    if (carried) ctl_values_free(carried, N);
    if (vals) ctl_values_free(vals, N + K);
    for (int k = 0; acc && k < K; k++) acc_free(&acc[k]);
    op_tensor_release(&iter);
    op_tensor_release(&cond);
    free(feed);
    free(outs);
    free(carried);
    free(vals);
    free(acc);
    return st;
}

/* ---- Scan ---- */

fy_status ctl_scan_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err)
{
    struct ctl_scan_params *p = params;
    fy_status st = ctl_graph_attr(n, "body", &p->body, err);
    if (!st) st = op_attr_int(n, "num_scan_inputs", -1, &p->n_scan_in, err);
    if (st) return st;
    if (p->n_scan_in < 1 || p->n_scan_in > CTL_MAX_SCAN)
        return op_fail_node(n, err, p->n_scan_in < 1 ? FY_EINVALID : FY_EUNSUPPORTED,
                            "num_scan_inputs is %lld; expected 1 to %d",
                            (long long)p->n_scan_in, CTL_MAX_SCAN);
    if (opset < 9) {
        st = op_attr_ints(n, "directions", p->in_dirs, CTL_MAX_SCAN, &p->n_in_dirs, err);
        p->n_in_axes = p->n_out_axes = p->n_out_dirs = -1;
    } else {
        st = op_attr_ints(n, "scan_input_axes", p->in_axes, CTL_MAX_SCAN, &p->n_in_axes, err);
        if (!st)
            st = op_attr_ints(n, "scan_input_directions", p->in_dirs, CTL_MAX_SCAN,
                              &p->n_in_dirs, err);
        if (!st)
            st = op_attr_ints(n, "scan_output_axes", p->out_axes, CTL_MAX_SCAN, &p->n_out_axes,
                              err);
        if (!st)
            st = op_attr_ints(n, "scan_output_directions", p->out_dirs, CTL_MAX_SCAN,
                              &p->n_out_dirs, err);
    }
    if (st) return st;
    int M = (int)p->n_scan_in, extra = opset < 9 ? 1 : 0;
    int N = n->n_inputs - extra - M, K = p->body->n_outputs - N;
    if (N < 0 || p->body->n_inputs != N + M || K < 0 || n->n_outputs > N + K)
        return op_fail_node(n, err, FY_EINVALID,
                            "has %d inputs with %d scan inputs; its body has %d inputs and %d "
                            "outputs, which do not match",
                            n->n_inputs, M, p->body->n_inputs, p->body->n_outputs);
    if ((p->n_in_axes >= 0 && p->n_in_axes != M) || (p->n_in_dirs >= 0 && p->n_in_dirs != M))
        return op_fail_node(n, err, FY_EINVALID, "the scan input axes/directions need %d values",
                            M);
    if (K > CTL_MAX_SCAN || (p->n_out_axes >= 0 && p->n_out_axes != K) ||
        (p->n_out_dirs >= 0 && p->n_out_dirs != K))
        return op_fail_node(n, err, FY_EINVALID,
                            "the scan output axes/directions need %d values", K);
    for (int i = 0; i < M; i++)
        if (p->n_in_dirs >= 0 && p->in_dirs[i] != 0 && p->in_dirs[i] != 1)
            return op_fail_node(n, err, FY_EINVALID, "scan input direction %d is %lld; expected "
                                "0 or 1", i, (long long)p->in_dirs[i]);
    for (int i = 0; i < K; i++)
        if (p->n_out_dirs >= 0 && p->out_dirs[i] != 0 && p->out_dirs[i] != 1)
            return op_fail_node(n, err, FY_EINVALID, "scan output direction %d is %lld; "
                                "expected 0 or 1", i, (long long)p->out_dirs[i]);
    return FY_OK;
}

/* dst = src[..., idx, ...] along axis (dst allocated with src's dims less that axis). */
static void take_slice(const struct op_tensor *src, int axis, int64_t idx, struct op_tensor *dst)
{
    size_t es = elem_size(src->dtype);
    int64_t outer = 1, inner = 1, len = src->dims[axis];
    for (int d = 0; d < axis; d++) outer *= src->dims[d];
    for (int d = axis + 1; d < src->rank; d++) inner *= src->dims[d];
    const unsigned char *s = src->data;
    unsigned char *o = dst->data;
    for (int64_t k = 0; k < outer; k++)
        memcpy(o + (size_t)(k * inner) * es, s + ((size_t)(k * len + idx) * (size_t)inner) * es,
               (size_t)inner * es);
}

static fy_status slice_tensor(struct op_ctx *c, const struct op_tensor *src, int axis,
                              struct op_tensor *dst)
{
    int64_t dims[OP_MAX_RANK];
    int k = 0;
    for (int d = 0; d < src->rank; d++)
        if (d != axis) dims[k++] = src->dims[d];
    if (!elem_size(src->dtype))
        return op_fail(c, FY_EUNSUPPORTED, "a scan input has type %s, which cannot be sliced",
                       ir_dtype_name(src->dtype));
    if (op_tensor_alloc(dst, src->dtype, k, dims, c->err))
        return op_fail(c, FY_ENOMEM, "out of memory for a scan input slice");
    dst->quant = src->quant;
    return FY_OK;
}

/* One scan: len iterations over the scan inputs (each along axis[i], read
 * backwards when rev[i]). states_out receives the final states (owned);
 * acc[k] the stacked scan outputs. */
struct scan_job {
    const struct ir_graph *body;
    int n_state, n_in, n_out;
    const struct op_tensor *const *state_in;
    const struct op_tensor *const *scan_in;
    const int *axis;
    const bool *rev;
    int64_t len;
    struct op_tensor **state_out;
    struct ctl_acc *acc;
};

static fy_status scan_run(struct op_ctx *c, const struct scan_job *j)
{
    int N = j->n_state, M = j->n_in, K = j->n_out, nb = N + K;
    fy_status st = FY_OK;
    struct op_tensor *slices = calloc((size_t)M + 1, sizeof *slices);
    const struct op_tensor **feed = calloc((size_t)(N + M + 1), sizeof *feed);
    struct op_tensor **outs = calloc((size_t)nb + 1, sizeof *outs);
    struct op_tensor **states = j->state_out;
    if (!slices || !feed || !outs) {
        st = op_fail(c, FY_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < M && !st; i++) st = slice_tensor(c, j->scan_in[i], j->axis[i], &slices[i]);
    if (st) goto done;
    for (int64_t t = 0; t < j->len; t++) {
        for (int i = 0; i < N; i++) feed[i] = states[i] ? states[i] : j->state_in[i];
        for (int i = 0; i < M; i++) {
            take_slice(j->scan_in[i], j->axis[i], j->rev[i] ? j->len - 1 - t : t, &slices[i]);
            feed[N + i] = &slices[i];
        }
        st = op_run_subgraph(c, j->body, feed, N + M, outs, nb);
        if (st) goto done;
        ctl_values_free(states, N);
        for (int i = 0; i < N; i++) {
            states[i] = outs[i];
            outs[i] = NULL;
            if (!states[i]) {
                st = op_fail(c, FY_EINVALID, "the body gave no state %d", i);
                goto done;
            }
        }
        for (int k = 0; k < K && !st; k++) st = acc_append(c, &j->acc[k], outs[N + k], k, t);
        ctl_values_free(outs, nb);
        if (st) goto done;
    }
    for (int i = 0; i < N; i++)
        if (!states[i] && !(states[i] = ctl_value_copy(c, j->state_in[i]))) {
            st = FY_ENOMEM;
            goto done;
        }
done:
    if (outs) ctl_values_free(outs, nb);
    for (int i = 0; slices && i < M; i++) op_tensor_release(&slices[i]);
    free(slices);
    free(feed);
    free(outs);
    return st;
}

/* Scan of opset 9 and later. */
static fy_status scan9(struct op_ctx *c)
{
    const struct ctl_scan_params *p = c->params;
    const struct ir_graph *body = p->body;
    int M = (int)p->n_scan_in, N = c->n_inputs - M, K = body->n_outputs - N;
    int axis[CTL_MAX_SCAN];
    bool rev[CTL_MAX_SCAN];
    int64_t len = -1;
    fy_status st = FY_OK;
    for (int i = 0; i < N + M; i++)
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    for (int i = 0; i < M; i++) {
        const struct op_tensor *x = c->in[N + i];
        st = op_axis(c, p->n_in_axes >= 0 ? p->in_axes[i] : 0, x->rank, "scan input axis",
                     &axis[i]);
        if (st) return st;
        rev[i] = p->n_in_dirs >= 0 && p->in_dirs[i] == 1;
        if (len >= 0 && x->dims[axis[i]] != len)
            return op_fail(c, FY_EINVALID, "scan input %d has %lld steps; scan input 0 has %lld",
                           i, (long long)x->dims[axis[i]], (long long)len);
        len = x->dims[axis[i]];
    }
    struct op_tensor **vals = calloc((size_t)(N + K + 1), sizeof *vals);
    struct ctl_acc *acc = calloc((size_t)K + 1, sizeof *acc);
    if (!vals || !acc) {
        st = op_fail(c, FY_ENOMEM, "out of memory");
        goto done;
    }
    struct scan_job j = {
        .body = body, .n_state = N, .n_in = M, .n_out = K,
        .state_in = c->in, .scan_in = c->in + N, .axis = axis, .rev = rev, .len = len,
        .state_out = vals, .acc = acc,
    };
    st = scan_run(c, &j);
    for (int k = 0; !st && k < K; k++) {
        st = acc_default(c, &acc[k], body->outputs[N + k], k);
        int ax = 0;
        if (!st)
            st = op_axis(c, p->n_out_axes >= 0 ? p->out_axes[k] : 0, acc[k].rank + 1,
                         "scan output axis", &ax);
        if (!st) st = acc_tensor(c, &acc[k], ax, p->n_out_dirs >= 0 && p->out_dirs[k] == 1,
                                 &vals[N + k]);
    }
    if (!st) {
        st = ctl_results_put(c, vals, N + K);
        memset(vals, 0, sizeof *vals * (size_t)(N + K));
    }
done:
    if (vals) ctl_values_free(vals, N + K);
    for (int k = 0; acc && k < K; k++) acc_free(&acc[k]);
    free(vals);
    free(acc);
    return st;
}

/* Scan of opset 8: batch axis 0, sequence axis 1, optional sequence_lens. */
static fy_status scan8(struct op_ctx *c)
{
    const struct ctl_scan_params *p = c->params;
    const struct ir_graph *body = p->body;
    int M = (int)p->n_scan_in, N = c->n_inputs - 1 - M, K = body->n_outputs - N;
    const struct op_tensor *const *states = c->in + 1;
    const struct op_tensor *lens = c->in[0];
    int64_t batch = -1, seq = -1;
    for (int i = 0; i < N + M; i++) {
        const struct op_tensor *x = c->in[1 + i];
        if (!x) return op_fail(c, FY_EINVALID, "input %d is missing", 1 + i);
        if (x->rank < (i < N ? 1 : 2))
            return op_fail(c, FY_EINVALID, "input %d has rank %d; Scan-8 needs a batch axis%s",
                           1 + i, x->rank, i < N ? "" : " and a sequence axis");
        if (batch >= 0 && x->dims[0] != batch)
            return op_fail(c, FY_EINVALID, "input %d has batch size %lld; expected %lld", 1 + i,
                           (long long)x->dims[0], (long long)batch);
        batch = x->dims[0];
        if (i >= N) {
            if (seq >= 0 && x->dims[1] != seq)
                return op_fail(c, FY_EINVALID, "scan input %d has %lld steps; expected %lld",
                               i - N, (long long)x->dims[1], (long long)seq);
            seq = x->dims[1];
        }
    }
    if (lens) {
        if ((lens->dtype != IR_I64 && lens->dtype != IR_I32) || lens->rank != 1 ||
            lens->dims[0] != batch)
            return op_fail(c, FY_EINVALID, "sequence_lens must be int64 [%lld]",
                           (long long)batch);
        for (int64_t b = 0; b < batch; b++) {
            int64_t l = op_get_i64(lens, (uint64_t)b);
            if (l < 0 || l > seq)
                return op_fail(c, FY_EINVALID, "sequence_lens[%lld] is %lld; it must be in "
                               "[0, %lld]", (long long)b, (long long)l, (long long)seq);
        }
    }
    int axis[CTL_MAX_SCAN];
    bool rev[CTL_MAX_SCAN];
    for (int i = 0; i < M; i++) {
        axis[i] = 0; /* of the per-batch slice [seq, ...] */
        rev[i] = p->n_in_dirs >= 0 && p->in_dirs[i] == 1;
    }
    fy_status st = FY_OK;
    size_t nt = (size_t)(N + M + 1);
    struct op_tensor *bin = calloc(nt, sizeof *bin);         /* per-batch inputs */
    const struct op_tensor **bptr = calloc(nt, sizeof *bptr);
    struct op_tensor **bstate = calloc((size_t)N + 1, sizeof *bstate);
    struct op_tensor **vals = calloc((size_t)(N + K + 1), sizeof *vals);
    struct ctl_acc *acc = calloc((size_t)K + 1, sizeof *acc);
    if (!bin || !bptr || !bstate || !vals || !acc) {
        st = op_fail(c, FY_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < N + M && !st; i++) {
        st = slice_tensor(c, c->in[1 + i], 0, &bin[i]);
        bptr[i] = &bin[i];
    }
    char b1[96], b2[96];
    for (int64_t b = 0; b < batch && !st; b++) {
        for (int i = 0; i < N + M; i++) take_slice(c->in[1 + i], 0, b, &bin[i]);
        struct ctl_acc *one = calloc((size_t)K + 1, sizeof *one);
        if (!one) {
            st = op_fail(c, FY_ENOMEM, "out of memory");
            break;
        }
        struct scan_job j = {
            .body = body, .n_state = N, .n_in = M, .n_out = K,
            .state_in = bptr, .scan_in = bptr + N, .axis = axis, .rev = rev,
            .len = lens ? op_get_i64(lens, (uint64_t)b) : seq, .state_out = bstate, .acc = one,
        };
        st = scan_run(c, &j);
        /* the first batch entry decides the result shapes; later ones must agree */
        for (int i = 0; !st && i < N; i++) {
            const struct op_tensor *s = bstate[i];
            if (!vals[i]) {
                int64_t dims[OP_MAX_RANK] = {batch};
                memcpy(dims + 1, s->dims, sizeof(int64_t) * (size_t)s->rank);
                if (s->rank + 1 > OP_MAX_RANK) {
                    st = op_fail(c, FY_EUNSUPPORTED, "state %d has rank %d", i, s->rank);
                    break;
                }
                vals[i] = calloc(1, sizeof *vals[i]);
                if (!vals[i] || op_tensor_alloc(vals[i], s->dtype, s->rank + 1, dims, c->err)) {
                    st = op_fail(c, FY_ENOMEM, "out of memory");
                    break;
                }
            }
            bool same = s->dtype == vals[i]->dtype && s->rank + 1 == vals[i]->rank;
            for (int d = 0; same && d < s->rank; d++) same = s->dims[d] == vals[i]->dims[d + 1];
            if (!same || !elem_size(s->dtype)) {
                st = op_fail(c, FY_EINVALID, "final state %d is %s for batch entry %lld but %s "
                             "before", i, shape_str(s->rank, s->dims, b1, sizeof b1),
                             (long long)b, shape_str(vals[i]->rank - 1, vals[i]->dims + 1, b2,
                                                     sizeof b2));
                break;
            }
            size_t bytes = (size_t)s->numel * elem_size(s->dtype);
            memcpy((unsigned char *)vals[i]->data + bytes * (size_t)b, s->data, bytes);
        }
        ctl_values_free(bstate, N);
        for (int k = 0; !st && k < K; k++) {
            if (!one[k].started) continue; /* no step for this entry: zeros */
            if (!acc[k].started) {
                acc[k] = one[k];
                acc[k].buf = NULL;
                acc[k].count = acc[k].cap = 0;
                /* all of [batch, seq] zeroed, filled per entry */
                acc[k].buf = calloc((size_t)(batch * seq) * acc[k].item + 1, 1);
                if (!acc[k].buf) {
                    st = op_fail(c, FY_ENOMEM, "out of memory");
                    break;
                }
            }
            bool same = one[k].dtype == acc[k].dtype && one[k].rank == acc[k].rank;
            for (int d = 0; same && d < one[k].rank; d++) same = one[k].dims[d] == acc[k].dims[d];
            if (!same) {
                st = op_fail(c, FY_EINVALID, "scan output %d is %s for batch entry %lld but %s "
                             "before", k, shape_str(one[k].rank, one[k].dims, b1, sizeof b1),
                             (long long)b, shape_str(acc[k].rank, acc[k].dims, b2, sizeof b2));
                break;
            }
            memcpy(acc[k].buf + acc[k].item * (size_t)(b * seq), one[k].buf,
                   acc[k].item * (size_t)one[k].count);
        }
        for (int k = 0; k < K; k++) acc_free(&one[k]);
        free(one);
    }
    for (int i = 0; !st && i < N; i++) {
        if (vals[i]) continue;
        /* no batch entry: [0, state dims] */
        int64_t dims[OP_MAX_RANK] = {0};
        const struct op_tensor *s = states[i];
        memcpy(dims + 1, s->dims + 1, sizeof(int64_t) * (size_t)(s->rank - 1));
        vals[i] = calloc(1, sizeof *vals[i]);
        if (!vals[i] || op_tensor_alloc(vals[i], s->dtype, s->rank, dims, c->err))
            st = op_fail(c, FY_ENOMEM, "out of memory");
    }
    for (int k = 0; !st && k < K; k++) {
        st = acc_default(c, &acc[k], body->outputs[N + k], k);
        if (st) break;
        /* [batch, seq, element...]: the stack of batch*seq items, batch outermost */
        struct ctl_acc whole = acc[k];
        whole.count = batch * seq;
        int64_t dims[OP_MAX_RANK] = {batch, seq};
        if (whole.rank + 2 > OP_MAX_RANK) {
            st = op_fail(c, FY_EUNSUPPORTED, "scan output %d has rank %d", k, whole.rank);
            break;
        }
        memcpy(dims + 2, whole.dims, sizeof(int64_t) * (size_t)whole.rank);
        vals[N + k] = calloc(1, sizeof *vals[N + k]);
        if (!vals[N + k] ||
            op_tensor_alloc(vals[N + k], whole.dtype, whole.rank + 2, dims, c->err)) {
            st = op_fail(c, FY_ENOMEM, "out of memory");
            break;
        }
        if (whole.buf && whole.item)
            memcpy(vals[N + k]->data, whole.buf, whole.item * (size_t)(batch * seq));
    }
    if (!st) {
        st = ctl_results_put(c, vals, N + K);
        memset(vals, 0, sizeof *vals * (size_t)(N + K));
    }
done:
    for (int i = 0; bin && i < N + M; i++) op_tensor_release(&bin[i]);
    if (bstate) ctl_values_free(bstate, N);
    if (vals) ctl_values_free(vals, N + K);
    for (int k = 0; acc && k < K; k++) acc_free(&acc[k]);
    free(bin);
    free(bptr);
    free(bstate);
    free(vals);
    free(acc);
    return st;
}

fy_status ctl_scan_infer(struct op_ctx *c)
{
    fy_status st = c->opset < 9 ? scan8(c) : scan9(c);
    return st;
}
