/* Einsum: sums of products over the index space an equation names.
 *
 *   "ij,jk->ik"   explicit output;  "ij,jk"  implicit output: the letters
 *   seen exactly once, in alphabetical (ASCII) order, after the '...' dims;
 *   "...ij,...jk->...ik"  '...' stands for the leading dims, broadcast across
 *   operands the numpy way (right-aligned, size 1 stretches);
 *   "ii->i"  a letter repeated in one operand walks its diagonal;
 *   letters absent from the output are summed over.
 *
 * Evaluation is the direct loop: for every output element, the sum over
 * the summed labels of the product of the operands' elements. Each label
 * has, per operand, the stride it advances that operand by (the sum of the
 * strides of its dims for a diagonal, 0 for a broadcast dim). Float types
 * accumulate in double, integers in int64 (wrapping, as numpy). */
#include <string.h>

#include "ops/gemm_kernel.h"
#include "ops/reduce.h"

static int letter_index(char ch)
{
    if (ch >= 'a' && ch <= 'z') return ch - 'a';
    if (ch >= 'A' && ch <= 'Z') return 26 + ch - 'A';
    return -1;
}

/* Parses one term of the equation, [s, e), into t, numbering new letters. */
static fy_status parse_term(const struct ir_node *n, const char *s, const char *e,
                            struct einsum_params *p, int16_t *label_of, struct einsum_term *t,
                            struct fy_error *err)
{
    t->n = 0;
    bool ell = false;
    while (s < e) {
        if (*s == ' ') {
            s++;
            continue;
        }
        if (*s == '.' && (e - s < 3 || s[1] != '.' || s[2] != '.' || ell))
            return op_fail_node(n, err, FY_EINVALID,
                                "equation has a misplaced '.'; a term holds at most one '...'");
        if (t->n > OP_MAX_RANK)
            return op_fail_node(n, err, FY_EUNSUPPORTED,
                                "equation has a term of more than %d subscripts", OP_MAX_RANK);
        if (*s == '.') {
            ell = true;
            s += 3;
            t->sub[t->n++] = -1;
            continue;
        }
        int li = letter_index(*s);
        if (li < 0)
            return op_fail_node(n, err, FY_EINVALID, "equation has character '%c'; expected "
                                "letters, ',', '...' and '->'", *s);
        if (label_of[li] < 0) {
            label_of[li] = (int16_t)p->n_letters;
            p->letter[p->n_letters++] = *s;
        }
        t->sub[t->n++] = label_of[li];
        s++;
    }
    return FY_OK;
}

fy_status einsum_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err)
{
    (void)opset;
    struct einsum_params *p = params;
    struct ir_bytes eq;
    fy_status st = op_attr_string(n, "equation", NULL, &eq, err);
    if (st) return st;
    if (!ir_node_attr(n, "equation"))
        return op_fail_node(n, err, FY_EINVALID, "attribute 'equation' is missing");
    const char *s = (const char *)eq.data, *end = s + eq.size;
    const char *arrow = NULL;
    for (const char *q = s; q + 1 < end; q++)
        if (q[0] == '-' && q[1] == '>') {
            arrow = q;
            break;
        }
    const char *lhs_end = arrow ? arrow : end;
    int16_t label_of[52];
    for (int i = 0; i < 52; i++) label_of[i] = -1;
    p->n_letters = 0;
    p->n_operands = 0;
    const char *t0 = s;
    for (const char *q = s;; q++) {
        if (q == lhs_end || *q == ',') {
            if (p->n_operands == EINSUM_MAX_OPERANDS)
                return op_fail_node(n, err, FY_EUNSUPPORTED,
                                    "equation has more than %d operands", EINSUM_MAX_OPERANDS);
            st = parse_term(n, t0, q, p, label_of, &p->in[p->n_operands++], err);
            if (st) return st;
            t0 = q + 1;
            if (q == lhs_end) break;
        }
    }
    if (p->n_operands != n->n_inputs)
        return op_fail_node(n, err, FY_EINVALID, "equation has %d operands but the node %d inputs",
                            p->n_operands, n->n_inputs);
    bool any_ell = false;
    int uses[EINSUM_MAX_LABELS] = {0};
    for (int k = 0; k < p->n_operands; k++)
        for (int i = 0; i < p->in[k].n; i++) {
            if (p->in[k].sub[i] < 0) any_ell = true;
            else uses[p->in[k].sub[i]]++;
        }
    if (arrow) {
        int16_t out_label_of[52];
        memcpy(out_label_of, label_of, sizeof out_label_of);
        int before = p->n_letters;
        st = parse_term(n, arrow + 2, end, p, out_label_of, &p->out, err);
        if (st) return st;
        if (p->n_letters != before)
            return op_fail_node(n, err, FY_EINVALID,
                                "equation's output has a letter no operand has");
        bool seen[EINSUM_MAX_LABELS] = {false};
        p->out_ellipsis = false;
        for (int i = 0; i < p->out.n; i++) {
            int l = p->out.sub[i];
            if (l < 0) {
                p->out_ellipsis = true;
                continue;
            }
            if (seen[l])
                return op_fail_node(n, err, FY_EINVALID,
                                    "equation's output repeats letter '%c'", p->letter[l]);
            seen[l] = true;
        }
    } else {
        /* implicit: '...' first, then the letters used once, by ASCII code */
        p->out.n = 0;
        p->out_ellipsis = any_ell;
        if (any_ell) p->out.sub[p->out.n++] = -1;
        for (int code = 0; code < 128; code++) {
            int li = letter_index((char)code);
            if (li < 0 || label_of[li] < 0 || uses[label_of[li]] != 1) continue;
            if (p->out.n > OP_MAX_RANK)
                return op_fail_node(n, err, FY_EUNSUPPORTED,
                                    "equation's output has more than %d subscripts",
                                    OP_MAX_RANK);
            p->out.sub[p->out.n++] = label_of[li];
        }
    }
    return FY_OK;
}

/* The labels of every dim of every operand and of the output, and the
 * dims of the labels, resolved against actual shapes. */
struct einsum_bind {
    int n_labels, ell_rank;
    int64_t dim[EINSUM_MAX_LABELS];
    int op_label[EINSUM_MAX_OPERANDS][OP_MAX_RANK]; /* label of each dim */
    int out_rank;
    int out_label[OP_MAX_RANK];
};

static fy_status einsum_bind(struct op_ctx *c, struct einsum_bind *b, bool check)
{
    const struct einsum_params *p = c->params;
    b->ell_rank = 0;
    for (int k = 0; k < p->n_operands; k++) {
        const struct op_tensor *t = c->in[k];
        const struct einsum_term *tm = &p->in[k];
        bool ell = false;
        for (int i = 0; i < tm->n; i++) ell |= tm->sub[i] < 0;
        int letters = tm->n - (ell ? 1 : 0);
        if (check && (ell ? t->rank < letters : t->rank != letters))
            return op_fail(c, FY_EINVALID, "input %d has rank %d; its term has %d subscripts%s",
                           k, t->rank, letters, ell ? " and '...'" : "");
        if (ell && t->rank - letters > b->ell_rank) b->ell_rank = t->rank - letters;
    }
    b->n_labels = p->n_letters + b->ell_rank;
    if (b->n_labels > EINSUM_MAX_LABELS)
        return op_fail(c, FY_EUNSUPPORTED, "equation needs more than %d labels",
                       EINSUM_MAX_LABELS);
    for (int l = 0; l < b->n_labels; l++) b->dim[l] = -1;
    for (int k = 0; k < p->n_operands; k++) {
        const struct op_tensor *t = c->in[k];
        const struct einsum_term *tm = &p->in[k];
        int d = 0;
        for (int i = 0; i < tm->n; i++) {
            if (tm->sub[i] >= 0) {
                b->op_label[k][d++] = tm->sub[i];
                continue;
            }
            int e = t->rank - (tm->n - 1); /* dims this operand's '...' covers */
            for (int j = 0; j < e; j++) b->op_label[k][d++] = p->n_letters + b->ell_rank - e + j;
        }
        for (d = 0; d < t->rank; d++) {
            int l = b->op_label[k][d];
            int64_t v = t->dims[d];
            if (b->dim[l] < 0 || b->dim[l] == v) {
                b->dim[l] = v;
            } else if (l >= p->n_letters && (v == 1 || b->dim[l] == 1)) {
                if (v != 1) b->dim[l] = v; /* '...' dims broadcast */
            } else if (check) {
                if (l < p->n_letters)
                    return op_fail(c, FY_EINVALID,
                                   "letter '%c' has length %lld in input %d but %lld elsewhere",
                                   p->letter[l], (long long)v, k, (long long)b->dim[l]);
                return op_fail(c, FY_EINVALID,
                               "the '...' dims of input %d cannot be broadcast with the others",
                               k);
            }
        }
    }
    for (int l = 0; l < b->n_labels; l++)
        if (b->dim[l] < 0) b->dim[l] = 1; /* an ellipsis dim no operand covers */
    int need = p->out.n + (p->out_ellipsis ? b->ell_rank - 1 : 0);
    if (need > OP_MAX_RANK)
        return op_fail(c, FY_EUNSUPPORTED, "output would have rank %d; at most %d is supported",
                       need, OP_MAX_RANK);
    b->out_rank = 0;
    for (int i = 0; i < p->out.n; i++) {
        if (p->out.sub[i] >= 0) {
            b->out_label[b->out_rank++] = p->out.sub[i];
            continue;
        }
        for (int j = 0; j < b->ell_rank; j++) b->out_label[b->out_rank++] = p->n_letters + j;
    }
    return FY_OK;
}

fy_status einsum_infer(struct op_ctx *c)
{
    static const enum ir_dtype numeric[] = {IR_F32, IR_F64, IR_F16, IR_BF16, IR_I8,  IR_U8,
                                            IR_I16, IR_U16, IR_I32, IR_U32,  IR_I64, IR_U64};
    const struct einsum_params *p = c->params;
    for (int k = 0; k < p->n_operands; k++) {
        if (!c->in[k]) return op_fail(c, FY_EINVALID, "input %d is missing", k);
        fy_status st = op_expect_dtype(c, k, numeric, 12);
        if (st) return st;
    }
    fy_status st = op_expect_same_dtype(c, 0, p->n_operands - 1);
    if (st) return st;
    struct einsum_bind b;
    st = einsum_bind(c, &b, true);
    if (st) return st;
    /* the loop runs over every label's range at once; keep its count exact */
    double work = 1;
    for (int l = 0; l < b.n_labels; l++) work *= (double)b.dim[l];
    if (work > 4.0e18)
        return op_fail(c, FY_EUNSUPPORTED, "equation spans %g index combinations", work);
    int64_t dims[OP_MAX_RANK];
    for (int i = 0; i < b.out_rank; i++) dims[i] = b.dim[b.out_label[i]];
    return op_set_output(c, 0, c->in[0]->dtype, b.out_rank, dims);
}

struct einsum_job {
    int n_ops;
    bool is_int;
    const double *vf[EINSUM_MAX_OPERANDS];
    const int64_t *vi[EINSUM_MAX_OPERANDS];
    int out_rank;
    int64_t out_dim[OP_MAX_RANK];
    int64_t out_stride[EINSUM_MAX_OPERANDS][OP_MAX_RANK]; /* per operand, per output dim */
    int n_sum;
    int64_t sum_dim[EINSUM_MAX_LABELS];
    int64_t sum_stride[EINSUM_MAX_OPERANDS][EINSUM_MAX_LABELS];
    double *yf;
    int64_t *yi;
};

static void einsum_range(void *arg, int64_t b, int64_t e)
{
    const struct einsum_job *j = arg;
    int n_ops = j->n_ops, ns = j->n_sum;
    int64_t total = 1;
    for (int s = 0; s < ns; s++) total *= j->sum_dim[s];
    /* the innermost summed label runs in the inner loop */
    int64_t inner = ns ? j->sum_dim[ns - 1] : 1;
    int64_t outer_steps = inner ? total / inner : 0;
    for (int64_t o = b; o < e; o++) {
        int64_t off[EINSUM_MAX_OPERANDS] = {0};
        int64_t rem = o;
        for (int d = j->out_rank - 1; d >= 0; d--) {
            int64_t cd = rem % j->out_dim[d];
            rem /= j->out_dim[d];
            for (int k = 0; k < n_ops; k++) off[k] += cd * j->out_stride[k][d];
        }
        int64_t idx[EINSUM_MAX_LABELS] = {0};
        int64_t cur[EINSUM_MAX_OPERANDS];
        int64_t inc[EINSUM_MAX_OPERANDS];
        for (int k = 0; k < n_ops; k++) {
            cur[k] = off[k];
            inc[k] = ns ? j->sum_stride[k][ns - 1] : 0;
        }
        double accf = 0;
        int64_t acci = 0;
        for (int64_t step = 0; step < outer_steps; step++) {
            if (j->is_int) {
                for (int64_t t = 0; t < inner; t++) {
                    uint64_t prod = 1;
                    for (int k = 0; k < n_ops; k++)
                        prod *= (uint64_t)j->vi[k][cur[k] + t * inc[k]];
                    acci = (int64_t)((uint64_t)acci + prod);
                }
            } else if (n_ops == 1) {
                const double *a = j->vf[0] + cur[0];
                for (int64_t t = 0; t < inner; t++) accf += a[t * inc[0]];
            } else if (n_ops == 2) {
                const double *a = j->vf[0] + cur[0], *bb = j->vf[1] + cur[1];
                for (int64_t t = 0; t < inner; t++) accf += a[t * inc[0]] * bb[t * inc[1]];
            } else {
                for (int64_t t = 0; t < inner; t++) {
                    double prod = 1;
                    for (int k = 0; k < n_ops; k++) prod *= j->vf[k][cur[k] + t * inc[k]];
                    accf += prod;
                }
            }
            /* advance the outer summed labels, odometer style */
            for (int s = ns - 2; s >= 0; s--) {
                idx[s]++;
                for (int k = 0; k < n_ops; k++) cur[k] += j->sum_stride[k][s];
                if (idx[s] < j->sum_dim[s]) break;
                for (int k = 0; k < n_ops; k++) cur[k] -= idx[s] * j->sum_stride[k][s];
                idx[s] = 0;
            }
        }
        if (j->is_int) j->yi[o] = acci;
        else j->yf[o] = accf;
    }
}

/* ---- fast path: two float32 operands as a batched matrix product ----
 * When every label is a batch label (both operands and the output), an M
 * label (first operand and output), an N label (second operand and output)
 * or a K label (both operands, summed), with no diagonal and no broadcast,
 * the operands are gathered into [batch, M, K] and [batch, K, N], multiplied
 * by sgemm and the product scattered into the output's order. */

enum { EG_BATCH, EG_M, EG_N, EG_K, EG_CLASSES };

/* Copies src, read through per-label strides, into dst in the row-major
 * order of labels[0..n). */
static void eg_gather(const float *src, const int *labels, int n, const int64_t *dim,
                      const int64_t *stride, float *dst, int64_t total)
{
    int64_t idx[EINSUM_MAX_LABELS] = {0}, off = 0;
    for (int64_t i = 0; i < total; i++) {
        dst[i] = src[off];
        for (int k = n - 1; k >= 0; k--) {
            int l = labels[k];
            off += stride[l];
            if (++idx[k] < dim[l]) break;
            off -= idx[k] * stride[l];
            idx[k] = 0;
        }
    }
}

static void eg_scatter(const float *src, const int *labels, int n, const int64_t *dim,
                       const int64_t *stride, float *dst, int64_t total)
{
    int64_t idx[EINSUM_MAX_LABELS] = {0}, off = 0;
    for (int64_t i = 0; i < total; i++) {
        dst[off] = src[i];
        for (int k = n - 1; k >= 0; k--) {
            int l = labels[k];
            off += stride[l];
            if (++idx[k] < dim[l]) break;
            off -= idx[k] * stride[l];
            idx[k] = 0;
        }
    }
}

/* Returns FY_OK with *done set when the fast path applied. */
static fy_status einsum_gemm(struct op_ctx *c, const struct einsum_bind *b,
                             int64_t lstride[][EINSUM_MAX_LABELS], bool *done)
{
    const struct op_tensor *ta = c->in[0], *tb = c->in[1];
    struct op_tensor *y = c->out[0];
    *done = false;
    if (c->n_inputs != 2 || ta->dtype != IR_F32 || tb->dtype != IR_F32) return FY_OK;
    int count[2][EINSUM_MAX_LABELS] = {{0}};
    const struct op_tensor *t[2] = {ta, tb};
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < t[k]->rank; d++) {
            int l = b->op_label[k][d];
            /* a diagonal or a broadcast dim takes the general loop */
            if (++count[k][l] > 1 || t[k]->dims[d] != b->dim[l]) return FY_OK;
        }
    bool in_out[EINSUM_MAX_LABELS] = {false};
    for (int i = 0; i < b->out_rank; i++) in_out[b->out_label[i]] = true;
    int lab[EG_CLASSES][EINSUM_MAX_LABELS], nl[EG_CLASSES] = {0};
    int64_t size[EG_CLASSES] = {1, 1, 1, 1};
    for (int l = 0; l < b->n_labels; l++) {
        bool a = count[0][l], bb = count[1][l];
        int cls;
        if (a && bb) cls = in_out[l] ? EG_BATCH : EG_K;
        else if (a && in_out[l]) cls = EG_M;
        else if (bb && in_out[l]) cls = EG_N;
        else if (b->dim[l] == 1) continue; /* a label of length 1 is no work */
        else return FY_OK;                 /* summed within one operand */
        lab[cls][nl[cls]++] = l;
        size[cls] *= b->dim[l];
    }
    int64_t B = size[EG_BATCH], M = size[EG_M], N = size[EG_N], K = size[EG_K];
    if (B * M * N * K == 0) return FY_OK;
    float *pa = op_scratch(c, (size_t)(B * M * K) * sizeof(float));
    float *pb = op_scratch(c, (size_t)(B * K * N) * sizeof(float));
    float *pc = op_scratch(c, (size_t)(B * M * N) * sizeof(float));
    if (!pa || !pb || !pc) return FY_ENOMEM;
    int order[EINSUM_MAX_LABELS], n = 0;
    for (int i = 0; i < nl[EG_BATCH]; i++) order[n++] = lab[EG_BATCH][i];
    for (int i = 0; i < nl[EG_M]; i++) order[n++] = lab[EG_M][i];
    for (int i = 0; i < nl[EG_K]; i++) order[n++] = lab[EG_K][i];
    eg_gather(ta->data, order, n, b->dim, lstride[0], pa, B * M * K);
    n = nl[EG_BATCH];
    for (int i = 0; i < nl[EG_K]; i++) order[n++] = lab[EG_K][i];
    for (int i = 0; i < nl[EG_N]; i++) order[n++] = lab[EG_N][i];
    eg_gather(tb->data, order, n, b->dim, lstride[1], pb, B * K * N);
    for (int64_t i = 0; i < B; i++) {
        struct sgemm_args g = {.m = M, .n = N, .k = K, .alpha = 1, .a = pa + i * M * K,
                               .lda = K, .b = pb + i * K * N, .ldb = N, .beta = 0,
                               .c = pc + i * M * N, .ldc = N};
        fy_status st = sgemm(c, &g);
        if (st) return st;
    }
    /* output strides per label: the output is contiguous in out_label order */
    int64_t ystride[EINSUM_MAX_LABELS] = {0}, s = 1;
    for (int i = b->out_rank - 1; i >= 0; i--) {
        ystride[b->out_label[i]] = s;
        s *= b->dim[b->out_label[i]];
    }
    n = nl[EG_BATCH];
    for (int i = 0; i < nl[EG_M]; i++) order[n++] = lab[EG_M][i];
    for (int i = 0; i < nl[EG_N]; i++) order[n++] = lab[EG_N][i];
    eg_scatter(pc, order, n, b->dim, ystride, y->data, B * M * N);
    *done = true;
    return FY_OK;
}

fy_status einsum_eval(struct op_ctx *c)
{
    const struct einsum_params *p = c->params;
    struct op_tensor *y = c->out[0];
    struct einsum_bind b;
    fy_status st = einsum_bind(c, &b, false);
    if (st) return st;
    if (y->numel == 0) return FY_OK;
    struct einsum_job *j = op_scratch(c, sizeof *j);
    if (!j) return FY_ENOMEM;
    memset(j, 0, sizeof *j);
    j->n_ops = p->n_operands;
    j->is_int = !rx_is_float(c->in[0]->dtype);
    /* per operand: the stride each label advances it by */
    int64_t lstride[EINSUM_MAX_OPERANDS][EINSUM_MAX_LABELS];
    for (int k = 0; k < j->n_ops; k++) {
        const struct op_tensor *t = c->in[k];
        for (int l = 0; l < b.n_labels; l++) lstride[k][l] = 0;
        int64_t s = 1;
        for (int d = t->rank - 1; d >= 0; d--) {
            /* a broadcast dim (length 1 against a longer label) does not move */
            if (t->dims[d] == b.dim[b.op_label[k][d]]) lstride[k][b.op_label[k][d]] += s;
            s *= t->dims[d];
        }
    }
    bool done;
    st = einsum_gemm(c, &b, lstride, &done);
    if (st || done) return st;
    for (int k = 0; k < j->n_ops; k++) {
        const struct op_tensor *t = c->in[k];
        if (j->is_int) {
            int64_t *v = op_scratch(c, (size_t)t->numel * sizeof(int64_t));
            if (!v) return FY_ENOMEM;
            rx_read_i64(t, 0, (int64_t)t->numel, v);
            j->vi[k] = v;
        } else {
            j->vf[k] = rx_load_f64(c, t);
            if (!j->vf[k]) return FY_ENOMEM;
        }
    }
    bool in_out[EINSUM_MAX_LABELS] = {false};
    j->out_rank = b.out_rank;
    for (int d = 0; d < b.out_rank; d++) {
        int l = b.out_label[d];
        in_out[l] = true;
        j->out_dim[d] = b.dim[l];
        for (int k = 0; k < j->n_ops; k++) j->out_stride[k][d] = lstride[k][l];
    }
    j->n_sum = 0;
    for (int l = 0; l < b.n_labels; l++) {
        if (in_out[l]) continue;
        j->sum_dim[j->n_sum] = b.dim[l];
        for (int k = 0; k < j->n_ops; k++) j->sum_stride[k][j->n_sum] = lstride[k][l];
        j->n_sum++;
    }
    if (j->is_int) j->yi = op_scratch(c, (size_t)y->numel * sizeof(int64_t));
    else j->yf = op_scratch(c, (size_t)y->numel * sizeof(double));
    if (!j->yi && !j->yf) return FY_ENOMEM;
    int64_t per = 1;
    for (int s = 0; s < j->n_sum; s++) per *= j->sum_dim[s];
    op_parallel_for(c, (int64_t)y->numel, 16384 / (per ? per : 1) + 1, einsum_range, j);
    if (j->is_int)
        for (uint64_t i = 0; i < y->numel; i++) op_set_i64(y, i, j->yi[i]);
    else
        rx_write_f64(y, 0, (int64_t)y->numel, j->yf);
    return FY_OK;
}
