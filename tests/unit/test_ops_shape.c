/* Family 'shape': each test builds a one-node model, runs it with the
 * interpreter and compares with values from the ONNX operator pages'
 * examples or computed with numpy (/usr/bin/python3, numpy 1.24; the
 * expression is given in a comment where numpy made the values). */
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"
#include "ops/shape.h"
#include "t.h"

/* ---- one-node models ---- */

#define MAX_IO 8

struct run {
    struct ir_model *m;
    struct ir_node *n;
    struct interp *ip;
    struct op_tensor *in[MAX_IO];
    int n_in;
    struct op_tensor *out[MAX_IO];
    struct fy_error err;
    fy_status st;
};

static const char *const in_names[MAX_IO] = {"i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7"};
static const char *const out_names[MAX_IO] = {"o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7"};

static void begin(struct run *r, enum ir_op op, int64_t opset, int n_in, int n_out)
{
    memset(r, 0, sizeof *r);
    r->m = ir_model_new(&r->err);
    ir_model_add_opset(r->m, "", opset, &r->err);
    r->n = ir_graph_add_node(r->m->graph, op, NULL, "", "the_node", n_in, n_out, &r->err);
    r->n_in = n_in;
}

static void attr_i(struct run *r, const char *name, int64_t v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_INT, &r->err);
    a->v.i = v;
}

static void attr_f(struct run *r, const char *name, float v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_FLOAT, &r->err);
    a->v.f = v;
}

static void attr_s(struct run *r, const char *name, const char *s)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_STRING, &r->err);
    a->v.s.data = (const uint8_t *)s;
    a->v.s.size = strlen(s);
}

static void attr_ints(struct run *r, const char *name, int n, const int64_t *v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_INTS, &r->err);
    a->count = n;
    a->v.ints = arena_alloc(&r->m->arena, sizeof(int64_t) * (size_t)(n ? n : 1), 8);
    memcpy(a->v.ints, v, sizeof(int64_t) * (size_t)n);
}

/* A tensor attribute with one element (ConstantOfShape's value). */
static void attr_scalar_tensor(struct run *r, const char *name, enum ir_dtype dt, const void *v,
                               size_t size)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_TENSOR, &r->err);
    struct ir_tensor *t = ARENA_NEW(&r->m->arena, struct ir_tensor);
    t->dtype = dt;
    t->rank = 1;
    t->dims = ARENA_NEW(&r->m->arena, struct ir_dim);
    t->dims[0].value = 1;
    t->data = v;
    t->nbytes = size;
    t->kind = IR_TENSOR_CONST;
    a->v.t = t;
}

/* Sets input i (NULL: the optional input is left out). */
static struct op_tensor *input(struct run *r, int i, enum ir_dtype dt, int rank,
                               const int64_t *dims, const void *vals)
{
    struct op_tensor *t = calloc(1, sizeof *t);
    op_tensor_alloc(t, dt, rank, dims, &r->err);
    if (dt == IR_STRING)
        memcpy(t->strings, vals, sizeof(struct ir_bytes) * (size_t)t->numel);
    else if (t->nbytes)
        memcpy(t->data, vals, (size_t)t->nbytes);
    r->in[i] = t;
    return t;
}

/* Wires the inputs that were set, creates the outputs, runs. */
static fy_status go(struct run *r)
{
    struct ir_graph *g = r->m->graph;
    const struct op_tensor *feed[MAX_IO];
    int nf = 0;
    for (int i = 0; i < r->n_in; i++) {
        if (!r->in[i]) continue;
        struct ir_tensor *t = ir_graph_add_tensor(g, in_names[i], &r->err);
        ir_graph_add_input(g, t, &r->err);
        r->n->inputs[i] = t;
        feed[nf++] = r->in[i];
    }
    for (int i = 0; i < r->n->n_outputs; i++) {
        struct ir_tensor *t = ir_graph_add_tensor(g, out_names[i], &r->err);
        ir_node_set_output(r->n, i, t, &r->err);
        ir_graph_add_output(g, t, &r->err);
    }
    r->st = interp_create(r->m, NULL, &r->ip, &r->err);
    if (!r->st) r->st = interp_run(r->ip, feed, nf, r->out, r->n->n_outputs, &r->err);
    return r->st;
}

static void end(struct run *r)
{
    for (int i = 0; i < MAX_IO; i++)
        if (r->in[i]) {
            op_tensor_release(r->in[i]);
            free(r->in[i]);
        }
    if (r->ip) interp_destroy(r->ip);
    ir_model_free(r->m);
}

/* Output i has this dtype, shape and these element bytes. */
static bool out_is(struct run *r, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                   const void *vals, const char *what)
{
    if (!T_CHECK(r->st == FY_OK, "%s: run failed: %s", what, r->err.message)) return false;
    const struct op_tensor *o = r->out[i];
    if (!T_CHECK(o != NULL, "%s: output %d missing", what, i)) return false;
    if (!T_CHECK(o->dtype == dt, "%s: dtype %s, expected %s", what, ir_dtype_name(o->dtype),
                 ir_dtype_name(dt)))
        return false;
    if (!T_CHECK(o->rank == rank, "%s: rank %d, expected %d", what, o->rank, rank)) return false;
    for (int d = 0; d < rank; d++)
        if (!T_CHECK(o->dims[d] == dims[d], "%s: dim %d is %lld, expected %lld", what, d,
                     (long long)o->dims[d], (long long)dims[d]))
            return false;
    if (dt == IR_STRING) {
        const struct ir_bytes *e = vals;
        for (uint64_t k = 0; k < o->numel; k++)
            if (!T_CHECK(o->strings[k].size == e[k].size &&
                             !memcmp(o->strings[k].data, e[k].data, e[k].size),
                         "%s: string %llu differs", what, (unsigned long long)k))
                return false;
        return true;
    }
    size_t es = shp_esize(dt);
    for (uint64_t k = 0; k < o->numel; k++)
        if (!T_CHECK(
                !memcmp((const char *)o->data + k * es, (const char *)vals + k * es, es),
                "%s: element %llu is %g, expected %g", what, (unsigned long long)k,
                op_get_f64(o, k),
                op_get_f64(&(struct op_tensor){.dtype = dt, .data = (void *)(uintptr_t)vals}, k)))
            return false;
    return true;
}

/* The run failed cleanly with an error naming the node. */
static bool failed_naming_node(struct run *r, const char *what)
{
    return T_CHECK(r->st != FY_OK && !strcmp(r->err.node, "the_node"),
                   "%s: expected a failure naming the node (status %d, node '%s', '%s')", what,
                   r->st, r->err.node, r->err.message);
}

#define DIMS(...)                                                                                  \
    (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[])                         \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define F32(...)                                                                                   \
    (float[])                                                                                      \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define I32(...)                                                                                   \
    (int32_t[])                                                                                    \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define I64(...)                                                                                   \
    (int64_t[])                                                                                    \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

static const float iota_f[64] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
                                 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
                                 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
static float big_f[120];
static const int64_t iota_i64[24] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                     12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};

/* ---- Reshape, Flatten, Squeeze, Unsqueeze ---- */

TEST(reshape_copies_zero_dims_and_infers_minus_one)
{
    struct run r;
    begin(&r, IR_OP_RESHAPE, 14, 2, 1);
    input(&r, 0, IR_F32, DIMS(2, 3, 4), iota_f);
    input(&r, 1, IR_I64, DIMS(2), I64(0, -1));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(2, 12), iota_f, "reshape [0,-1]");
    end(&r);

    /* allowzero=1 keeps a literal 0: [0,3] -> [3,0] */
    begin(&r, IR_OP_RESHAPE, 14, 2, 1);
    attr_i(&r, "allowzero", 1);
    input(&r, 0, IR_F32, DIMS(0, 3), iota_f);
    input(&r, 1, IR_I64, DIMS(2), I64(3, 0));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(3, 0), iota_f, "allowzero");
    end(&r);

    begin(&r, IR_OP_RESHAPE, 14, 2, 1);
    input(&r, 0, IR_F32, DIMS(2, 3), iota_f);
    input(&r, 1, IR_I64, DIMS(2), I64(4, -1));
    go(&r);
    failed_naming_node(&r, "6 elements into [4,-1]");
    end(&r);
}

TEST(flatten_and_squeeze_unsqueeze_across_opsets)
{
    struct run r;
    begin(&r, IR_OP_FLATTEN, 13, 1, 1);
    attr_i(&r, "axis", -1);
    input(&r, 0, IR_F32, DIMS(2, 3, 4), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(6, 4), iota_f, "flatten axis -1");
    end(&r);

    /* opset 11: axes attribute */
    begin(&r, IR_OP_SQUEEZE, 11, 1, 1);
    attr_ints(&r, "axes", 1, I64(0));
    input(&r, 0, IR_F32, DIMS(1, 3, 1), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(3, 1), iota_f, "squeeze-11 axes [0]");
    end(&r);

    /* opset 13 without axes: every dim of 1 */
    begin(&r, IR_OP_SQUEEZE, 13, 1, 1);
    input(&r, 0, IR_F32, DIMS(1, 3, 1), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(3), iota_f, "squeeze-13 no axes");
    end(&r);

    begin(&r, IR_OP_SQUEEZE, 13, 2, 1);
    input(&r, 0, IR_F32, DIMS(1, 3, 1), iota_f);
    input(&r, 1, IR_I64, DIMS(1), I64(1));
    go(&r);
    failed_naming_node(&r, "squeezing a dim of 3");
    end(&r);

    /* opset 13: axes input, counted against the output rank */
    begin(&r, IR_OP_UNSQUEEZE, 13, 2, 1);
    input(&r, 0, IR_F32, DIMS(3), iota_f);
    input(&r, 1, IR_I64, DIMS(2), I64(-1, 0));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(1, 3, 1), iota_f, "unsqueeze-13 [-1,0]");
    end(&r);

    begin(&r, IR_OP_UNSQUEEZE, 11, 1, 1);
    attr_ints(&r, "axes", 2, I64(1, 1));
    input(&r, 0, IR_F32, DIMS(3), iota_f);
    go(&r);
    failed_naming_node(&r, "unsqueeze duplicate axes");
    end(&r);
}

/* ---- Transpose ---- */

TEST(transpose_perm_matches_numpy)
{
    struct run r;
    begin(&r, IR_OP_TRANSPOSE, 13, 1, 1);
    attr_ints(&r, "perm", 3, I64(2, 0, 1));
    int32_t x[24];
    for (int i = 0; i < 24; i++)
        x[i] = i;
    input(&r, 0, IR_I32, DIMS(2, 3, 4), x);
    go(&r);
    /* numpy: np.arange(24).reshape(2,3,4).transpose(2,0,1) */
    out_is(
        &r, 0, IR_I32, DIMS(4, 2, 3),
        I32(0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23),
        "transpose (2,0,1)");
    end(&r);

    /* default perm reverses the axes; strings move like any element */
    struct ir_bytes s[6] = {{(const uint8_t *)"a", 1}, {(const uint8_t *)"bb", 2},
                            {(const uint8_t *)"c", 1}, {(const uint8_t *)"dd", 2},
                            {(const uint8_t *)"e", 1}, {(const uint8_t *)"", 0}};
    struct ir_bytes st[6] = {s[0], s[3], s[1], s[4], s[2], s[5]};
    begin(&r, IR_OP_TRANSPOSE, 13, 1, 1);
    input(&r, 0, IR_STRING, DIMS(2, 3), s);
    go(&r);
    out_is(&r, 0, IR_STRING, DIMS(3, 2), st, "transpose strings");
    end(&r);

    begin(&r, IR_OP_TRANSPOSE, 13, 1, 1);
    attr_ints(&r, "perm", 2, I64(0, 0));
    input(&r, 0, IR_F32, DIMS(2, 3), iota_f);
    go(&r);
    failed_naming_node(&r, "perm not a permutation");
    end(&r);
}

/* The fast path (tiled batched 2-D transpose) against the reference strided
 * copy, on the NCHW <-> NHWC permutations and a few others, for every
 * element size, with shapes that do not divide the tile. */
TEST(transpose_fast_path_matches_reference)
{
    static const int perms[][4] = {{0, 2, 3, 1}, {0, 3, 1, 2}, {1, 0, 2, 3},
                                   {3, 2, 1, 0}, {0, 1, 3, 2}, {2, 3, 0, 1}};
    static const int64_t shapes[][4] = {{2, 3, 5, 7}, {1, 67, 9, 40}, {3, 1, 33, 1}, {2, 16, 8, 8}};
    static const size_t sizes[] = {1, 2, 4, 8, 16};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int64_t n = shp_numel(4, shapes[s]);
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            size_t es = sizes[z];
            char *x = malloc((size_t)n * es), *a = malloc((size_t)n * es),
                 *b = malloc((size_t)n * es);
            for (size_t i = 0; i < (size_t)n * es; i++)
                x[i] = (char)(i * 131 + i / 7);
            for (size_t p = 0; p < sizeof perms / sizeof perms[0]; p++) {
                memset(a, 0x5a, (size_t)n * es);
                memset(b, 0xa5, (size_t)n * es);
                shp_transpose(NULL, x, a, 4, shapes[s], perms[p], es);
                shp_transpose_ref(x, b, 4, shapes[s], perms[p], es);
                T_CHECK(!memcmp(a, b, (size_t)n * es), "shape %zu size %zu perm %zu differs", s, es,
                        p);
            }
            free(x);
            free(a);
            free(b);
        }
    }
}

/* ---- Concat, Split ---- */

TEST(concat_and_split)
{
    struct run r;
    begin(&r, IR_OP_CONCAT, 13, 2, 1);
    attr_i(&r, "axis", -1);
    input(&r, 0, IR_F32, DIMS(2, 2), F32(1, 2, 3, 4));
    input(&r, 1, IR_F32, DIMS(2, 1), F32(5, 6));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(2, 3), F32(1, 2, 5, 3, 4, 6), "concat axis -1");
    end(&r);

    begin(&r, IR_OP_CONCAT, 13, 2, 1);
    attr_i(&r, "axis", 0);
    input(&r, 0, IR_F32, DIMS(2, 2), F32(1, 2, 3, 4));
    input(&r, 1, IR_F32, DIMS(2, 1), F32(5, 6));
    go(&r);
    failed_naming_node(&r, "concat mismatched dims");
    end(&r);

    /* opset 18 num_outputs: chunks of ceil(7/3) = 3, the last one smaller */
    begin(&r, IR_OP_SPLIT, 18, 1, 3);
    attr_i(&r, "num_outputs", 3);
    input(&r, 0, IR_F32, DIMS(7), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(3), F32(0, 1, 2), "split 18 part 0");
    out_is(&r, 1, IR_F32, DIMS(3), F32(3, 4, 5), "split 18 part 1");
    out_is(&r, 2, IR_F32, DIMS(1), F32(6), "split 18 part 2");
    end(&r);

    /* opset 13: split sizes as input, along axis 1 */
    begin(&r, IR_OP_SPLIT, 13, 2, 2);
    attr_i(&r, "axis", 1);
    input(&r, 0, IR_F32, DIMS(2, 3), iota_f);
    input(&r, 1, IR_I64, DIMS(2), I64(1, 2));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(2, 1), F32(0, 3), "split 13 part 0");
    out_is(&r, 1, IR_F32, DIMS(2, 2), F32(1, 2, 4, 5), "split 13 part 1");
    end(&r);

    /* opset 11: split attribute; and an uneven equal split is an error */
    begin(&r, IR_OP_SPLIT, 11, 1, 2);
    attr_ints(&r, "split", 2, I64(2, 1));
    input(&r, 0, IR_F32, DIMS(3), iota_f);
    go(&r);
    out_is(&r, 1, IR_F32, DIMS(1), F32(2), "split 11 attribute");
    end(&r);

    begin(&r, IR_OP_SPLIT, 13, 1, 2);
    input(&r, 0, IR_F32, DIMS(3), iota_f);
    go(&r);
    failed_naming_node(&r, "3 into 2 equal parts");
    end(&r);
}

/* ---- Slice ---- */

TEST(slice_negative_steps_clamping_and_attribute_form)
{
    struct run r;
    begin(&r, IR_OP_SLICE, 13, 5, 1);
    input(&r, 0, IR_I64, DIMS(4, 5), iota_i64);
    input(&r, 1, IR_I64, DIMS(2), I64(-1, 4));
    input(&r, 2, IR_I64, DIMS(2), I64(-1000, 0));
    input(&r, 3, IR_I64, DIMS(2), I64(0, 1));
    input(&r, 4, IR_I64, DIMS(2), I64(-2, -3));
    go(&r);
    /* numpy: np.arange(20).reshape(4,5)[-1:-1000:-2, 4:0:-3] */
    out_is(&r, 0, IR_I64, DIMS(2, 2), I64(19, 16, 9, 6), "negative steps");
    end(&r);

    /* ends far past the dim and INT64_MAX clamp; axes default to 0.. */
    begin(&r, IR_OP_SLICE, 13, 3, 1);
    input(&r, 0, IR_I64, DIMS(4, 5), iota_i64);
    input(&r, 1, IR_I64, DIMS(2), I64(0, 1));
    input(&r, 2, IR_I64, DIMS(2), I64(INT64_MAX, 1000));
    go(&r);
    /* numpy: np.arange(20).reshape(4,5)[:, 1:] */
    out_is(&r, 0, IR_I64, DIMS(4, 4), I64(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19),
           "clamped ends");
    end(&r);

    begin(&r, IR_OP_SLICE, 1, 1, 1);
    attr_ints(&r, "starts", 1, I64(1));
    attr_ints(&r, "ends", 1, I64(1000));
    attr_ints(&r, "axes", 1, I64(1));
    input(&r, 0, IR_I64, DIMS(4, 5), iota_i64);
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(4, 4), I64(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19),
           "opset 1 attributes");
    end(&r);

    begin(&r, IR_OP_SLICE, 13, 5, 1);
    input(&r, 0, IR_I64, DIMS(4, 5), iota_i64);
    input(&r, 1, IR_I64, DIMS(1), I64(0));
    input(&r, 2, IR_I64, DIMS(1), I64(3));
    input(&r, 4, IR_I64, DIMS(1), I64(0));
    go(&r);
    failed_naming_node(&r, "step 0");
    end(&r);
}

/* ---- Gather family ---- */

TEST(gather_gather_elements_gathernd)
{
    struct run r;
    /* ONNX Gather example (axis=1) */
    begin(&r, IR_OP_GATHER, 13, 2, 1);
    attr_i(&r, "axis", 1);
    input(&r, 0, IR_F32, DIMS(3, 3), F32(1.0f, 1.2f, 1.9f, 2.3f, 3.4f, 3.9f, 4.5f, 5.7f, 5.9f));
    input(&r, 1, IR_I64, DIMS(1, 2), I64(0, -1));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(3, 1, 2), F32(1.0f, 1.9f, 2.3f, 3.9f, 4.5f, 5.9f), "gather axis 1");
    end(&r);

    begin(&r, IR_OP_GATHER, 13, 2, 1);
    input(&r, 0, IR_F32, DIMS(3, 3), iota_f);
    input(&r, 1, IR_I32, DIMS(2), I32(0, 3));
    go(&r);
    failed_naming_node(&r, "gather index 3 of 3");
    T_CHECK(strstr(r.err.message, "index 3") != NULL, "message names the index: %s", r.err.message);
    end(&r);

    /* ONNX GatherElements example (axis=1) */
    begin(&r, IR_OP_GATHER_ELEMENTS, 13, 2, 1);
    attr_i(&r, "axis", 1);
    input(&r, 0, IR_I32, DIMS(2, 2), I32(1, 2, 3, 4));
    input(&r, 1, IR_I64, DIMS(2, 2), I64(0, 0, 1, 0));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2, 2), I32(1, 1, 4, 3), "gather elements");
    end(&r);

    /* ONNX GatherND example 5 (batch_dims=1) */
    begin(&r, IR_OP_GATHER_ND, 13, 2, 1);
    attr_i(&r, "batch_dims", 1);
    input(&r, 0, IR_I32, DIMS(2, 2, 2), I32(0, 1, 2, 3, 4, 5, 6, 7));
    input(&r, 1, IR_I64, DIMS(2, 1), I64(1, 0));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2, 2), I32(2, 3, 4, 5), "gathernd batch_dims 1");
    end(&r);

    /* ONNX GatherND example 2 */
    begin(&r, IR_OP_GATHER_ND, 13, 2, 1);
    input(&r, 0, IR_I32, DIMS(2, 2), I32(0, 1, 2, 3));
    input(&r, 1, IR_I64, DIMS(2, 1), I64(1, 0));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2, 2), I32(2, 3, 0, 1), "gathernd slices");
    end(&r);

    begin(&r, IR_OP_GATHER_ND, 13, 2, 1);
    input(&r, 0, IR_I32, DIMS(2, 2), I32(0, 1, 2, 3));
    input(&r, 1, IR_I64, DIMS(1, 2), I64(1, 2));
    go(&r);
    failed_naming_node(&r, "gathernd index out of range");
    end(&r);
}

TEST(compress_with_and_without_axis)
{
    struct run r;
    begin(&r, IR_OP_COMPRESS, 11, 2, 1);
    attr_i(&r, "axis", 0);
    input(&r, 0, IR_F32, DIMS(3, 2), F32(1, 2, 3, 4, 5, 6));
    input(&r, 1, IR_BOOL, DIMS(3), (uint8_t[]){0, 1, 1});
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(2, 2), F32(3, 4, 5, 6), "compress axis 0");
    end(&r);

    /* no axis: over the flattened input; a shorter condition drops the rest */
    begin(&r, IR_OP_COMPRESS, 11, 2, 1);
    input(&r, 0, IR_F32, DIMS(3, 2), F32(1, 2, 3, 4, 5, 6));
    input(&r, 1, IR_BOOL, DIMS(5), (uint8_t[]){0, 1, 0, 0, 1});
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(2), F32(2, 5), "compress flattened");
    end(&r);
}

/* ---- Scatter family ---- */

TEST(scatternd_reductions_and_scatter_elements)
{
    static const char *const modes[] = {"none", "add", "mul", "max", "min"};
    /* ONNX ScatterND example 1 for none/add; mul, max, min worked by hand */
    static const float want[5][8] = {{1, 11, 3, 10, 9, 6, 7, 12},
                                     {1, 13, 3, 14, 14, 6, 7, 20},
                                     {1, 22, 3, 40, 45, 6, 7, 96},
                                     {1, 11, 3, 10, 9, 6, 7, 12},
                                     {1, 2, 3, 4, 5, 6, 7, 8}};
    for (int m = 0; m < 5; m++) {
        struct run r;
        begin(&r, IR_OP_SCATTER_ND, 18, 3, 1);
        attr_s(&r, "reduction", modes[m]);
        input(&r, 0, IR_F32, DIMS(8), F32(1, 2, 3, 4, 5, 6, 7, 8));
        input(&r, 1, IR_I64, DIMS(4, 1), I64(4, 3, 1, 7));
        input(&r, 2, IR_F32, DIMS(4), F32(9, 10, 11, 12));
        go(&r);
        out_is(&r, 0, IR_F32, DIMS(8), want[m], modes[m]);
        end(&r);
    }
    /* integer max/min with a repeated index */
    struct run r;
    begin(&r, IR_OP_SCATTER_ND, 18, 3, 1);
    attr_s(&r, "reduction", "min");
    input(&r, 0, IR_I32, DIMS(4), I32(1, 2, 3, 4));
    input(&r, 1, IR_I64, DIMS(3, 1), I64(0, 0, -1));
    input(&r, 2, IR_I32, DIMS(3), I32(5, -1, 2));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(4), I32(-1, 2, 3, 2), "int min, negative index");
    end(&r);

    /* ONNX ScatterElements example with duplicate indices and reduction add */
    begin(&r, IR_OP_SCATTER_ELEMENTS, 18, 3, 1);
    attr_i(&r, "axis", 1);
    attr_s(&r, "reduction", "add");
    input(&r, 0, IR_F32, DIMS(1, 5), F32(1, 2, 3, 4, 5));
    input(&r, 1, IR_I64, DIMS(1, 2), I64(1, 1));
    input(&r, 2, IR_F32, DIMS(1, 2), F32(1.1f, 2.1f));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(1, 5), F32(1, 2 + 1.1f + 2.1f, 3, 4, 5), "scatter elements add");
    end(&r);

    /* ONNX Scatter (deprecated) example, axis 0 */
    begin(&r, IR_OP_SCATTER, 10, 3, 1);
    input(&r, 0, IR_F32, DIMS(3, 3), F32(0, 0, 0, 0, 0, 0, 0, 0, 0));
    input(&r, 1, IR_I64, DIMS(2, 3), I64(1, 0, 2, 0, 2, 1));
    input(&r, 2, IR_F32, DIMS(2, 3), F32(1.0f, 1.1f, 1.2f, 2.0f, 2.1f, 2.2f));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(3, 3), F32(2.0f, 1.1f, 0, 1.0f, 0, 2.2f, 0, 2.1f, 1.2f), "scatter");
    end(&r);

    begin(&r, IR_OP_SCATTER_ELEMENTS, 13, 3, 1);
    input(&r, 0, IR_F32, DIMS(3), F32(0, 0, 0));
    input(&r, 1, IR_I64, DIMS(1), I64(-4));
    input(&r, 2, IR_F32, DIMS(1), F32(1));
    go(&r);
    failed_naming_node(&r, "scatter index out of range");
    end(&r);
}

/* ---- Expand, Tile ---- */

TEST(expand_and_tile)
{
    struct run r;
    begin(&r, IR_OP_EXPAND, 13, 2, 1);
    input(&r, 0, IR_F32, DIMS(3, 1), F32(1, 2, 3));
    input(&r, 1, IR_I64, DIMS(3), I64(2, 1, 6));
    go(&r);
    /* numpy: np.array([[1],[2],[3]]) * np.ones((2,1,6)) */
    float want[36];
    for (int i = 0; i < 36; i++)
        want[i] = (float)((i / 6) % 3 + 1);
    out_is(&r, 0, IR_F32, DIMS(2, 3, 6), want, "expand");
    end(&r);

    begin(&r, IR_OP_EXPAND, 13, 2, 1);
    input(&r, 0, IR_F32, DIMS(3, 2), iota_f);
    input(&r, 1, IR_I64, DIMS(2), I64(3, 4));
    go(&r);
    failed_naming_node(&r, "expand 2 to 4");
    end(&r);

    begin(&r, IR_OP_TILE, 13, 2, 1);
    input(&r, 0, IR_I64, DIMS(2, 2), I64(1, 2, 3, 4));
    input(&r, 1, IR_I64, DIMS(2), I64(2, 3));
    go(&r);
    /* numpy: np.tile([[1,2],[3,4]], (2,3)) */
    out_is(&r, 0, IR_I64, DIMS(4, 6),
           I64(1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4), "tile");
    end(&r);

    /* Tile-1: tiles=2 along axis 1; numpy: np.tile([[1,2],[3,4]], (1,2)) */
    begin(&r, IR_OP_TILE, 1, 3, 1);
    input(&r, 0, IR_I64, DIMS(2, 2), I64(1, 2, 3, 4));
    input(&r, 1, IR_I64, 0, NULL, I64(2));
    input(&r, 2, IR_I64, 0, NULL, I64(1));
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(2, 4), I64(1, 2, 1, 2, 3, 4, 3, 4), "tile-1");
    end(&r);
}

/* ---- Pad ---- */

TEST(pad_modes_match_numpy)
{
    static const char *const modes[] = {"reflect", "edge", "wrap", "constant"};
    /* numpy: np.pad([[1,2,3],[4,5,6]], ((1,1),(2,2)), mode=m) (constant_values=9) */
    static const int32_t want[4][28] = {
        {6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1},
        {1, 1, 1, 2, 3, 3, 3, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 4, 4, 4, 5, 6, 6, 6},
        {5, 6, 4, 5, 6, 4, 5, 2, 3, 1, 2, 3, 1, 2, 5, 6, 4, 5, 6, 4, 5, 2, 3, 1, 2, 3, 1, 2},
        {9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 9, 4, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9, 9}};
    for (int m = 0; m < 4; m++) {
        struct run r;
        begin(&r, IR_OP_PAD, 19, 3, 1);
        attr_s(&r, "mode", modes[m]);
        input(&r, 0, IR_I32, DIMS(2, 3), I32(1, 2, 3, 4, 5, 6));
        input(&r, 1, IR_I64, DIMS(4), I64(1, 2, 1, 2));
        if (m == 3) input(&r, 2, IR_I32, 0, NULL, I32(9));
        go(&r);
        out_is(&r, 0, IR_I32, DIMS(4, 7), want[m], modes[m]);
        end(&r);
    }
    /* pads longer than the axis: reflect keeps mirroring (numpy:
     * np.pad([1,2,3], (5,4), 'reflect')); wrap keeps the torus of the ONNX
     * definition (numpy is not periodic when both sides exceed the axis) */
    struct run r;
    begin(&r, IR_OP_PAD, 19, 2, 1);
    attr_s(&r, "mode", "reflect");
    input(&r, 0, IR_I32, DIMS(3), I32(1, 2, 3));
    input(&r, 1, IR_I64, DIMS(2), I64(5, 4));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(12), I32(2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3), "long reflect");
    end(&r);

    begin(&r, IR_OP_PAD, 19, 2, 1);
    attr_s(&r, "mode", "wrap");
    input(&r, 0, IR_I32, DIMS(3), I32(1, 2, 3));
    input(&r, 1, IR_I64, DIMS(2), I64(4, 5));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(12), I32(3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2), "long wrap");
    end(&r);

    /* negative pads crop: numpy np.pad(x[:, 1:], ((0,0),(0,1))) */
    begin(&r, IR_OP_PAD, 13, 2, 1);
    input(&r, 0, IR_I32, DIMS(2, 3), I32(1, 2, 3, 4, 5, 6));
    input(&r, 1, IR_I64, DIMS(4), I64(0, -1, 0, 1));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2, 3), I32(2, 3, 0, 5, 6, 0), "negative pads");
    end(&r);

    /* opset 18 axes: numpy np.pad(x, ((0,0),(2,1)), mode='reflect') */
    begin(&r, IR_OP_PAD, 18, 4, 1);
    attr_s(&r, "mode", "reflect");
    input(&r, 0, IR_I32, DIMS(2, 3), I32(1, 2, 3, 4, 5, 6));
    input(&r, 1, IR_I64, DIMS(2), I64(2, 1));
    input(&r, 3, IR_I64, DIMS(1), I64(-1));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2, 6), I32(3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5), "axes");
    end(&r);

    /* opset 2: pads and value as attributes */
    begin(&r, IR_OP_PAD, 2, 1, 1);
    attr_ints(&r, "pads", 4, I64(0, 1, 0, 0));
    attr_f(&r, "value", 1.5f);
    input(&r, 0, IR_F32, DIMS(2, 2), F32(1, 2, 3, 4));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(2, 3), F32(1.5f, 1, 2, 1.5f, 3, 4), "opset 2");
    end(&r);

    begin(&r, IR_OP_PAD, 13, 2, 1);
    attr_s(&r, "mode", "edge");
    input(&r, 0, IR_F32, DIMS(2, 0), iota_f);
    input(&r, 1, IR_I64, DIMS(4), I64(0, 1, 0, 0));
    go(&r);
    failed_naming_node(&r, "edge pad of an empty axis");
    end(&r);
}

/* ---- Shape, Size, ConstantOfShape, Range, EyeLike ---- */

TEST(shape_size_constantofshape_range_eyelike)
{
    struct run r;
    begin(&r, IR_OP_SHAPE, 15, 1, 1);
    attr_i(&r, "start", 1);
    attr_i(&r, "end", -1);
    input(&r, 0, IR_F32, DIMS(2, 3, 4, 5), big_f);
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(2), I64(3, 4), "shape start 1 end -1");
    end(&r);

    begin(&r, IR_OP_SHAPE, 15, 1, 1);
    attr_i(&r, "start", -10);
    input(&r, 0, IR_F32, DIMS(2, 3), iota_f);
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(2), I64(2, 3), "shape start clamped");
    end(&r);

    begin(&r, IR_OP_SIZE, 13, 1, 1);
    input(&r, 0, IR_F32, DIMS(2, 3, 4), iota_f);
    go(&r);
    out_is(&r, 0, IR_I64, 0, NULL, I64(24), "size");
    end(&r);

    static const int32_t seven = 7;
    begin(&r, IR_OP_CONSTANT_OF_SHAPE, 13, 1, 1);
    attr_scalar_tensor(&r, "value", IR_I32, &seven, 4);
    input(&r, 0, IR_I64, DIMS(2), I64(2, 3));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2, 3), I32(7, 7, 7, 7, 7, 7), "constant of shape");
    end(&r);

    begin(&r, IR_OP_CONSTANT_OF_SHAPE, 13, 1, 1);
    input(&r, 0, IR_I64, DIMS(0), I64(0));
    go(&r);
    out_is(&r, 0, IR_F32, 0, NULL, F32(0), "empty shape gives a float scalar 0");
    end(&r);

    /* ONNX Range example 2 (int32, negative delta) */
    begin(&r, IR_OP_RANGE, 11, 3, 1);
    input(&r, 0, IR_I32, 0, NULL, I32(10));
    input(&r, 1, IR_I32, 0, NULL, I32(6));
    input(&r, 2, IR_I32, 0, NULL, I32(-3));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(2), I32(10, 7), "range int");
    end(&r);

    /* numpy: np.arange(1, 5, 0.5, dtype=np.float32) */
    begin(&r, IR_OP_RANGE, 11, 3, 1);
    input(&r, 0, IR_F32, 0, NULL, F32(1));
    input(&r, 1, IR_F32, 0, NULL, F32(5));
    input(&r, 2, IR_F32, 0, NULL, F32(0.5f));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(8), F32(1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f), "range float");
    end(&r);

    begin(&r, IR_OP_RANGE, 11, 3, 1);
    input(&r, 0, IR_I64, 0, NULL, I64(1));
    input(&r, 1, IR_I64, 0, NULL, I64(5));
    input(&r, 2, IR_I64, 0, NULL, I64(0));
    go(&r);
    failed_naming_node(&r, "range delta 0");
    end(&r);

    /* numpy: np.eye(3, 4, k=1, dtype=np.int32); dtype 6 is int32 */
    begin(&r, IR_OP_EYE_LIKE, 9, 1, 1);
    attr_i(&r, "k", 1);
    attr_i(&r, "dtype", 6);
    input(&r, 0, IR_F32, DIMS(3, 4), iota_f);
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(3, 4), I32(0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1), "eyelike");
    end(&r);
}

/* ---- NonZero, OneHot, Trilu ---- */

TEST(nonzero_onehot_trilu)
{
    struct run r;
    /* ONNX NonZero example */
    begin(&r, IR_OP_NON_ZERO, 13, 1, 1);
    input(&r, 0, IR_BOOL, DIMS(2, 2), (uint8_t[]){1, 0, 1, 1});
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(2, 3), I64(0, 1, 1, 0, 0, 1), "nonzero");
    end(&r);

    /* indices 0, -1 (= 2), 2 and 7 (out of range: all off) */
    begin(&r, IR_OP_ONE_HOT, 11, 3, 1);
    input(&r, 0, IR_I64, DIMS(4), I64(0, -1, 2, 7));
    input(&r, 1, IR_F32, 0, NULL, F32(3));
    input(&r, 2, IR_I32, DIMS(2), I32(0, 5));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(4, 3), I32(5, 0, 0, 0, 0, 5, 0, 0, 5, 0, 0, 0), "onehot axis -1");
    end(&r);

    begin(&r, IR_OP_ONE_HOT, 11, 3, 1);
    attr_i(&r, "axis", 0);
    input(&r, 0, IR_I64, DIMS(4), I64(0, -1, 2, 7));
    input(&r, 1, IR_I64, 0, NULL, I64(3));
    input(&r, 2, IR_I32, DIMS(2), I32(0, 5));
    go(&r);
    out_is(&r, 0, IR_I32, DIMS(3, 4), I32(5, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 0), "onehot axis 0");
    end(&r);

    /* numpy: np.triu(np.arange(12).reshape(3,4), 1) and np.tril(..., -1) */
    begin(&r, IR_OP_TRILU, 14, 2, 1);
    input(&r, 0, IR_I64, DIMS(3, 4), iota_i64);
    input(&r, 1, IR_I64, 0, NULL, I64(1));
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(3, 4), I64(0, 1, 2, 3, 0, 0, 6, 7, 0, 0, 0, 11), "triu k=1");
    end(&r);

    begin(&r, IR_OP_TRILU, 14, 2, 1);
    attr_i(&r, "upper", 0);
    input(&r, 0, IR_I64, DIMS(3, 4), iota_i64);
    input(&r, 1, IR_I64, 0, NULL, I64(-1));
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(3, 4), I64(0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0), "tril k=-1");
    end(&r);

    begin(&r, IR_OP_TRILU, 14, 2, 1);
    input(&r, 0, IR_I64, DIMS(3, 4), iota_i64);
    input(&r, 1, IR_I64, 0, NULL, I64(INT64_MIN));
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(3, 4), iota_i64, "triu with k = INT64_MIN keeps all");
    end(&r);
}

/* ---- DepthToSpace, SpaceToDepth, ReverseSequence ---- */

TEST(depth_space_and_reverse_sequence)
{
    struct run r;
    /* numpy, per the ONNX definition: x = np.arange(48).reshape(1,8,2,3);
     * DCR: x.reshape(1,2,2,2,2,3).transpose(0,3,4,1,5,2).reshape(1,2,4,6) */
    begin(&r, IR_OP_DEPTH_TO_SPACE, 13, 1, 1);
    attr_i(&r, "blocksize", 2);
    input(&r, 0, IR_F32, DIMS(1, 8, 2, 3), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(1, 2, 4, 6),
           F32(0, 12, 1, 13, 2, 14, 24, 36, 25, 37, 26, 38, 3, 15, 4, 16, 5, 17, 27, 39, 28, 40, 29,
               41, 6, 18, 7, 19, 8, 20, 30, 42, 31, 43, 32, 44, 9, 21, 10, 22, 11, 23, 33, 45, 34,
               46, 35, 47),
           "depth to space DCR");
    end(&r);

    /* CRD: x.reshape(1,2,2,2,2,3).transpose(0,1,4,2,5,3).reshape(1,2,4,6) */
    begin(&r, IR_OP_DEPTH_TO_SPACE, 13, 1, 1);
    attr_i(&r, "blocksize", 2);
    attr_s(&r, "mode", "CRD");
    input(&r, 0, IR_F32, DIMS(1, 8, 2, 3), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(1, 2, 4, 6),
           F32(0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20, 3, 9, 4, 10, 5, 11, 15, 21, 16, 22, 17, 23,
               24, 30, 25, 31, 26, 32, 36, 42, 37, 43, 38, 44, 27, 33, 28, 34, 29, 35, 39, 45, 40,
               46, 41, 47),
           "depth to space CRD");
    end(&r);

    /* x = np.arange(32).reshape(1,2,4,4):
     * x.reshape(1,2,2,2,2,2).transpose(0,3,5,1,2,4).reshape(1,8,2,2) */
    begin(&r, IR_OP_SPACE_TO_DEPTH, 13, 1, 1);
    attr_i(&r, "blocksize", 2);
    input(&r, 0, IR_F32, DIMS(1, 2, 4, 4), iota_f);
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(1, 8, 2, 2),
           F32(0, 2, 8, 10, 16, 18, 24, 26, 1, 3, 9, 11, 17, 19, 25, 27, 4, 6, 12, 14, 20, 22, 28,
               30, 5, 7, 13, 15, 21, 23, 29, 31),
           "space to depth");
    end(&r);

    /* ONNX ReverseSequence example (time_axis 0, batch_axis 1) */
    begin(&r, IR_OP_REVERSE_SEQUENCE, 10, 2, 1);
    input(&r, 0, IR_F32, DIMS(4, 4), iota_f);
    input(&r, 1, IR_I64, DIMS(4), I64(4, 3, 2, 1));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(4, 4), F32(12, 9, 6, 3, 8, 5, 2, 7, 4, 1, 10, 11, 0, 13, 14, 15),
           "reverse sequence");
    end(&r);

    begin(&r, IR_OP_REVERSE_SEQUENCE, 10, 2, 1);
    input(&r, 0, IR_F32, DIMS(4, 4), iota_f);
    input(&r, 1, IR_I64, DIMS(4), I64(4, 5, 2, 1));
    go(&r);
    failed_naming_node(&r, "sequence length above the time dim");
    end(&r);
}

/* ---- Unique ---- */

TEST(unique_sorted_unsorted_and_with_axis)
{
    struct run r;
    /* numpy: np.unique([2,1,1,3,4,3], return_index, return_inverse, return_counts) */
    begin(&r, IR_OP_UNIQUE, 11, 1, 4);
    input(&r, 0, IR_F32, DIMS(6), F32(2, 1, 1, 3, 4, 3));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(4), F32(1, 2, 3, 4), "sorted Y");
    out_is(&r, 1, IR_I64, DIMS(4), I64(1, 0, 3, 4), "sorted indices");
    out_is(&r, 2, IR_I64, DIMS(6), I64(1, 0, 0, 2, 3, 2), "sorted inverse");
    out_is(&r, 3, IR_I64, DIMS(4), I64(2, 1, 2, 1), "sorted counts");
    end(&r);

    /* ONNX Unique example 1 (sorted=0): order of first occurrence */
    begin(&r, IR_OP_UNIQUE, 11, 1, 4);
    attr_i(&r, "sorted", 0);
    input(&r, 0, IR_F32, DIMS(6), F32(2, 1, 1, 3, 4, 3));
    go(&r);
    out_is(&r, 0, IR_F32, DIMS(4), F32(2, 1, 3, 4), "unsorted Y");
    out_is(&r, 1, IR_I64, DIMS(4), I64(0, 1, 3, 4), "unsorted indices");
    out_is(&r, 2, IR_I64, DIMS(6), I64(0, 1, 1, 2, 3, 2), "unsorted inverse");
    out_is(&r, 3, IR_I64, DIMS(4), I64(1, 2, 2, 1), "unsorted counts");
    end(&r);

    /* numpy: np.unique(x, axis=1, ...) with
     * x = [[[1,1],[0,1],[2,1],[0,1]],[[1,1],[0,1],[2,1],[0,1]]] (ONNX example 4) */
    begin(&r, IR_OP_UNIQUE, 11, 1, 4);
    attr_i(&r, "axis", 1);
    input(&r, 0, IR_I64, DIMS(2, 4, 2), I64(1, 1, 0, 1, 2, 1, 0, 1, 1, 1, 0, 1, 2, 1, 0, 1));
    go(&r);
    out_is(&r, 0, IR_I64, DIMS(2, 3, 2), I64(0, 1, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1), "axis Y");
    out_is(&r, 1, IR_I64, DIMS(3), I64(1, 0, 2), "axis indices");
    out_is(&r, 2, IR_I64, DIMS(4), I64(1, 0, 2, 0), "axis inverse");
    out_is(&r, 3, IR_I64, DIMS(3), I64(2, 1, 1), "axis counts");
    end(&r);
}
