/* Ops that only pass values through: Identity, Dropout (inference),
 * Constant. */
#include <string.h>

#include "ops/op.h"

static fy_status copy_value(const struct op_tensor *src, struct op_tensor *dst)
{
    if (src->dtype == IR_STRING) {
        for (uint64_t i = 0; i < src->numel; i++) dst->strings[i] = src->strings[i];
    } else if (src->nbytes) {
        memcpy(dst->data, src->data, (size_t)src->nbytes);
    }
    return FY_OK;
}

static fy_status identity_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

static fy_status identity_eval(struct op_ctx *c) { return copy_value(c->in[0], c->out[0]); }

/* Dropout at inference is the identity; the optional mask output is all true
 * (ONNX: "mask ... all true when training_mode is false"). A training_mode
 * input that is true asks for random dropping, which ferry does not do. */
static fy_status dropout_infer(struct op_ctx *c)
{
    if (c->n_inputs > 2 && c->in[2] && c->in[2]->numel && op_get_i64(c->in[2], 0))
        return op_fail(c, FY_EUNSUPPORTED, "training_mode is true; only inference is supported");
    fy_status st = identity_infer(c);
    if (st) return st;
    return op_set_output(c, 1, IR_BOOL, c->in[0]->rank, c->in[0]->dims);
}

static fy_status dropout_eval(struct op_ctx *c)
{
    copy_value(c->in[0], c->out[0]);
    if (c->n_outputs > 1 && c->out[1]) memset(c->out[1]->data, 1, (size_t)c->out[1]->nbytes);
    return FY_OK;
}

/* Constant: exactly one of value, value_float(s), value_int(s),
 * value_string(s) (sparse_value is not supported). */
struct constant_params {
    const struct ir_attr *attr;
};

static fy_status constant_parse(const struct ir_node *n, int64_t opset, void *params,
                                struct fy_error *err)
{
    (void)opset;
    struct constant_params *p = params;
    static const char *const names[] = {"value",      "value_float",  "value_floats",
                                        "value_int",  "value_ints",   "value_string",
                                        "value_strings", "sparse_value"};
    int found = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct ir_attr *a = ir_node_attr(n, names[i]);
        if (!a) continue;
        found++;
        p->attr = a;
    }
    if (found != 1)
        return op_fail_node(n, err, FY_EINVALID,
                            "has %d value attributes; Constant needs exactly one", found);
    if (!strcmp(p->attr->name, "sparse_value"))
        return op_fail_node(n, err, FY_EUNSUPPORTED, "sparse_value is not supported");
    if (p->attr->type == IR_ATTR_TENSOR) {
        const struct ir_tensor *t = p->attr->v.t;
        if (!ir_tensor_is_static(t) || t->rank > OP_MAX_RANK)
            return op_fail_node(n, err, FY_EUNSUPPORTED, "value has rank %d", t->rank);
    }
    return FY_OK;
}

static fy_status constant_infer(struct op_ctx *c)
{
    const struct constant_params *p = c->params;
    const struct ir_attr *a = p->attr;
    int64_t one = a->count;
    switch (a->type) {
    case IR_ATTR_TENSOR: {
        const struct ir_tensor *t = a->v.t;
        int64_t dims[OP_MAX_RANK];
        for (int d = 0; d < t->rank; d++) dims[d] = t->dims[d].value;
        return op_set_output(c, 0, t->dtype, t->rank, dims);
    }
    case IR_ATTR_FLOAT: return op_set_output(c, 0, IR_F32, 0, NULL);
    case IR_ATTR_INT: return op_set_output(c, 0, IR_I64, 0, NULL);
    case IR_ATTR_STRING: return op_set_output(c, 0, IR_STRING, 0, NULL);
    case IR_ATTR_FLOATS: return op_set_output(c, 0, IR_F32, 1, &one);
    case IR_ATTR_INTS: return op_set_output(c, 0, IR_I64, 1, &one);
    case IR_ATTR_STRINGS: return op_set_output(c, 0, IR_STRING, 1, &one);
    default:
        return op_fail(c, FY_EINVALID, "attribute '%s' has type %s", a->name,
                       ir_attr_type_name(a->type));
    }
}

static fy_status constant_eval(struct op_ctx *c)
{
    const struct constant_params *p = c->params;
    const struct ir_attr *a = p->attr;
    struct op_tensor *o = c->out[0];
    switch (a->type) {
    case IR_ATTR_TENSOR:
        if (a->v.t->dtype == IR_STRING)
            for (uint64_t i = 0; i < o->numel; i++) o->strings[i] = a->v.t->strings[i];
        else if (o->nbytes)
            memcpy(o->data, a->v.t->data, (size_t)o->nbytes);
        break;
    case IR_ATTR_FLOAT: memcpy(o->data, &a->v.f, 4); break;
    case IR_ATTR_INT: memcpy(o->data, &a->v.i, 8); break;
    case IR_ATTR_STRING: o->strings[0] = a->v.s; break;
    case IR_ATTR_FLOATS: memcpy(o->data, a->v.floats, (size_t)o->nbytes); break;
    case IR_ATTR_INTS: memcpy(o->data, a->v.ints, (size_t)o->nbytes); break;
    case IR_ATTR_STRINGS:
        for (int64_t i = 0; i < a->count; i++) o->strings[i] = a->v.strings[i];
        break;
    default: break;
    }
    return FY_OK;
}

const struct op_desc op_family_basic[] = {
    {IR_OP_IDENTITY, 1, 1, 1, 1, 0, NULL, identity_infer, identity_eval},
    {IR_OP_DROPOUT, 1, 3, 1, 2, 0, NULL, dropout_infer, dropout_eval},
    {IR_OP_CONSTANT, 0, 0, 1, 1, sizeof(struct constant_params), constant_parse, constant_infer,
     constant_eval},
};
const int op_family_basic_count = sizeof op_family_basic / sizeof op_family_basic[0];
