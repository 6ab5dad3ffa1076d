/* The unit tests' IR model builder (tb.h). No tests of its own: t_main.c
 * runs what the test files register. */
#include "tb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tb_init(struct tb *b, enum ir_format format, int64_t opset)
{
    memset(b, 0, sizeof *b);
    b->seed = 0x9e3779b97f4a7c15ull;
    b->m = ir_model_new(&b->err);
    if (!b->m || (opset > 0 && ir_model_add_opset(b->m, "", opset, &b->err))) {
        b->bad = true;
        return;
    }
    b->m->format = format;
    b->g = b->m->graph;
}

void tb_opset(struct tb *b, const char *domain, int64_t version)
{
    if (!b->bad && ir_model_add_opset(b->m, domain ? domain : "", version, &b->err)) b->bad = true;
}

void tb_free(struct tb *b)
{
    ir_model_free(b->m);
    b->m = NULL;
    b->g = NULL;
}

/* A copy of s in the model's arena (the IR keeps name pointers). */
static const char *keep(struct tb *b, const char *s)
{
    const char *c = arena_strdup(&b->m->arena, s ? s : "");
    if (!c) b->bad = true;
    return c;
}

/* ---- tensors ---- */

struct ir_tensor *tb_tensor(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                            const int64_t *dims)
{
    if (b->bad) return NULL;
    char gen[32];
    if (!name) {
        snprintf(gen, sizeof gen, "t%d", b->k++);
        name = gen;
    }
    const char *nm = keep(b, name);
    struct ir_tensor *t = nm ? ir_graph_add_tensor(b->g, nm, &b->err) : NULL;
    if (!t || (rank >= 0 && ir_tensor_set_shape(b->g, t, rank, dims, &b->err))) {
        b->bad = true;
        return NULL;
    }
    t->dtype = dt;
    t->has_type = true;
    return t;
}

void tb_add_input(struct tb *b, struct ir_tensor *t)
{
    if (b->bad) return;
    if (!t || ir_graph_add_input(b->g, t, &b->err)) b->bad = true;
}

void tb_output(struct tb *b, struct ir_tensor *t)
{
    if (b->bad) return;
    if (!t || ir_graph_add_output(b->g, t, &b->err)) b->bad = true;
}

struct ir_tensor *tb_input(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                           const int64_t *dims)
{
    struct ir_tensor *t = tb_tensor(b, name, dt, rank, dims);
    tb_add_input(b, t);
    return b->bad ? NULL : t;
}

struct ir_tensor *tb_symbolic(struct ir_tensor *t, const char *param)
{
    for (int i = 0; t && i < t->rank; i++)
        if (t->dims[i].value < 0) t->dims[i].param = param;
    return t;
}

struct ir_tensor *tb_quant(struct tb *b, struct ir_tensor *t, float scale, int64_t zero_point)
{
    if (b->bad || !t) return NULL;
    struct ir_quant *q = ARENA_NEW(&b->m->arena, struct ir_quant);
    float *s = ARENA_ARRAY(&b->m->arena, 1, float);
    int64_t *z = ARENA_ARRAY(&b->m->arena, 1, int64_t);
    if (!q || !s || !z) {
        b->bad = true;
        return NULL;
    }
    s[0] = scale;
    z[0] = zero_point;
    q->axis = -1;
    q->count = 1;
    q->scale = s;
    q->zero_point = z;
    t->quant = q;
    return t;
}

/* ---- constants ---- */

struct ir_tensor *tb_const(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                           const int64_t *dims, const void *data, size_t nbytes)
{
    struct ir_tensor *t = tb_tensor(b, name, dt, rank, dims);
    if (!t) return NULL;
    if (nbytes) {
        void *p = arena_alloc(&b->m->arena, nbytes, 64);
        if (!p) {
            b->bad = true;
            return NULL;
        }
        if (data)
            memcpy(p, data, nbytes);
        else
            memset(p, 0, nbytes);
        t->data = p;
        t->nbytes = nbytes;
    }
    if (ir_graph_add_initializer(b->g, t, &b->err)) {
        b->bad = true;
        return NULL;
    }
    return t;
}

struct ir_tensor *tb_zeros(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                           const int64_t *dims)
{
    uint64_t n = 1, bytes = 0;
    for (int i = 0; i < rank; i++)
        n *= (uint64_t)dims[i];
    if (!ir_dtype_nbytes(dt, n, &bytes) || !bytes) {
        if (!b->bad) err_fmt(&b->err, FY_EINVALID, "tb_zeros: no size for %s", ir_dtype_name(dt));
        b->bad = true;
        return NULL;
    }
    return tb_const(b, name, dt, rank, dims, NULL, (size_t)bytes);
}

struct ir_tensor *tb_i64s(struct tb *b, const char *name, int n, const int64_t *v)
{
    return tb_const(b, name, IR_I64, 1, TB_DIMS(n), v, sizeof(int64_t) * (size_t)n);
}

struct ir_tensor *tb_i32s(struct tb *b, const char *name, int n, const int32_t *v)
{
    return tb_const(b, name, IR_I32, 1, TB_DIMS(n), v, sizeof(int32_t) * (size_t)n);
}

struct ir_tensor *tb_f32(struct tb *b, const char *name, float v)
{
    return tb_const(b, name, IR_F32, 0, NULL, &v, sizeof v);
}

float tb_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (float)((double)(*s >> 11) / (double)(1ull << 53) * 2.0 - 1.0);
}

struct ir_tensor *tb_rand(struct tb *b, const char *name, int rank, const int64_t *dims,
                          float scale, float offset)
{
    if (b->bad) return NULL;
    uint64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (uint64_t)dims[i];
    float *v = malloc(sizeof(float) * (size_t)(n ? n : 1));
    if (!v) {
        b->bad = true;
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        v[i] = offset + scale * tb_random(&b->seed);
    struct ir_tensor *t = tb_const(b, name, IR_F32, rank, dims, v, sizeof(float) * (size_t)n);
    free(v);
    return t;
}

/* ---- nodes and attributes ---- */

struct ir_node *tb_node(struct tb *b, enum ir_op op, const char *op_type, const char *domain,
                        const char *name, int n_in, struct ir_tensor *const *ins, int n_out,
                        struct ir_tensor *const *outs)
{
    if (b->bad) return NULL;
    if (!op_type) {
        op_type = ir_op_name(op);
        if (!strncmp(op_type, "tfl.", 4)) op_type += 4;
    }
    const char *nm = keep(b, name);
    struct ir_node *n =
        nm ? ir_graph_add_node(b->g, op, op_type, domain ? domain : "", nm, n_in, n_out, &b->err)
           : NULL;
    if (!n) {
        b->bad = true;
        return NULL;
    }
    for (int i = 0; i < n_in; i++)
        n->inputs[i] = ins[i];
    for (int i = 0; i < n_out; i++)
        if (outs[i] && ir_node_set_output(n, i, outs[i], &b->err)) b->bad = true;
    return b->bad ? NULL : n;
}

static struct ir_attr *attr(struct tb *b, struct ir_node *n, const char *name,
                            enum ir_attr_type type)
{
    if (b->bad) return NULL;
    const char *nm = n ? keep(b, name) : NULL;
    struct ir_attr *a = nm ? ir_node_add_attr(n, nm, type, &b->err) : NULL;
    if (!a) b->bad = true;
    return a;
}

void tb_int(struct tb *b, struct ir_node *n, const char *name, int64_t v)
{
    struct ir_attr *a = attr(b, n, name, IR_ATTR_INT);
    if (a) a->v.i = v;
}

void tb_float(struct tb *b, struct ir_node *n, const char *name, float v)
{
    struct ir_attr *a = attr(b, n, name, IR_ATTR_FLOAT);
    if (a) a->v.f = v;
}

void tb_str(struct tb *b, struct ir_node *n, const char *name, const char *s)
{
    struct ir_attr *a = attr(b, n, name, IR_ATTR_STRING);
    const char *c = a ? keep(b, s) : NULL;
    if (!c) return;
    a->v.s.data = (const uint8_t *)c;
    a->v.s.size = strlen(c);
}

void tb_ints(struct tb *b, struct ir_node *n, const char *name, int count, const int64_t *v)
{
    struct ir_attr *a = attr(b, n, name, IR_ATTR_INTS);
    int64_t *c = a ? ARENA_ARRAY(&b->m->arena, count ? count : 1, int64_t) : NULL;
    if (!c) {
        b->bad = true;
        return;
    }
    memcpy(c, v, sizeof(int64_t) * (size_t)count);
    a->v.ints = c;
    a->count = count;
}

void tb_strs(struct tb *b, struct ir_node *n, const char *name, int count, const char *const *s)
{
    struct ir_attr *a = attr(b, n, name, IR_ATTR_STRINGS);
    struct ir_bytes *c = a ? ARENA_ARRAY(&b->m->arena, count ? count : 1, struct ir_bytes) : NULL;
    if (!c) {
        b->bad = true;
        return;
    }
    for (int i = 0; i < count; i++) {
        const char *k = keep(b, s[i]);
        if (!k) return;
        c[i].data = (const uint8_t *)k;
        c[i].size = strlen(k);
    }
    a->v.strings = c;
    a->count = count;
}

struct ir_graph *tb_subgraph(struct tb *b, struct ir_node *n, const char *attr_name)
{
    if (b->bad) return NULL;
    struct ir_graph *sub = n ? ir_graph_new(b->m, b->g) : NULL;
    struct ir_attr *a = sub ? attr(b, n, attr_name, IR_ATTR_GRAPH) : NULL;
    if (!a) {
        b->bad = true;
        return NULL;
    }
    a->v.g = sub;
    return sub;
}

/* ---- targets ---- */

struct check_verdict tb_judge(const struct target *t, struct tb *b, const struct ir_node *n)
{
    struct check_verdict v;
    memset(&v, 0, sizeof v);
    if (!n || b->bad) return v; /* CHECK_UNSET */
    int64_t opset = b->opset > 0 ? b->opset : ir_model_opset(b->m, n->domain ? n->domain : "");
    target_check_node(
        t, &(struct check_node){.m = b->m, .n = n, .opset = opset, .target_opset = b->target_opset},
        &v);
    return v;
}

bool tb_has(const char *s, const char *sub)
{
    return s && sub && strstr(s, sub);
}

bool tb_rule_is(const struct check_verdict *v, const char *rule)
{
    return v->rule && rule && !strcmp(v->rule, rule);
}
