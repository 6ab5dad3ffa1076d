/* The target list, lookup, one node's answer, and the rule helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

extern const struct target target_tflite, target_tflite_gpu, target_tflite_micro,
    target_edgetpu, target_tensorrt, target_openvino, target_hailo8, target_onnxruntime,
    target_onnx_opset;

const struct target *const target_list[] = {
    &target_tflite,   &target_tflite_gpu,   &target_tflite_micro,
    &target_edgetpu,  &target_tensorrt,     &target_openvino,
    &target_hailo8,   &target_onnxruntime,  &target_onnx_opset,
};
const int target_count = (int)(sizeof target_list / sizeof target_list[0]);

const char *check_status_name(enum check_status s)
{
    static const char *const names[] = {
        [CHECK_UNSET] = "unset",           [CHECK_NATIVE] = "native",
        [CHECK_FALLBACK] = "fallback",     [CHECK_SUBSTITUTED] = "substituted",
        [CHECK_UNSUPPORTED] = "unsupported", [CHECK_VIA_CONVERTER] = "via converter",
    };
    return s >= 0 && s <= CHECK_VIA_CONVERTER ? names[s] : "?";
}

const struct target *target_find(const char *name, int64_t *opset)
{
    if (opset) *opset = 0;
    if (!strncmp(name, "onnx-opset", 10)) {
        char *end;
        long v = strtol(name + 10, &end, 10);
        if (end == name + 10 || *end || v < 1 || v > 1000) return NULL;
        if (opset) *opset = v;
        return &target_onnx_opset;
    }
    for (int i = 0; i < target_count; i++)
        if (target_list[i] != &target_onnx_opset && !strcmp(target_list[i]->name, name))
            return target_list[i];
    return NULL;
}

bool check_set(struct check_verdict *v, enum check_status st, const char *rule, const char *fmt,
               ...)
{
    v->status = st;
    v->rule = rule;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    return true;
}

void target_check_node(const struct target *t, const struct check_node *c,
                       struct check_verdict *v)
{
    memset(v, 0, sizeof *v);
    const struct target_row *row = &t->rows[c->n->op];
    /* a whole-model requirement decides first (a float model on the Edge TPU) */
    if (t->model_rule && t->model_rule(c, v)) return;
    memset(v, 0, sizeof *v);
    if (row->rule && row->rule(c, v)) {
        if (!v->substitute && v->status == CHECK_SUBSTITUTED) v->substitute = row->substitute;
        return;
    }
    memset(v, 0, sizeof *v);
    v->status = row->status;
    v->rule = t->name;
    v->substitute = row->substitute;
    snprintf(v->detail, sizeof v->detail, "%s", row->why ? row->why : "");
}

/* ---- rule helpers ---- */

static const struct ir_attr *attr(const struct ir_node *n, const char *name)
{
    return n ? ir_node_attr(n, name) : NULL;
}

int64_t rule_attr_int(const struct ir_node *n, const char *name, int64_t dflt)
{
    const struct ir_attr *a = attr(n, name);
    return a && a->type == IR_ATTR_INT ? a->v.i : dflt;
}

int rule_attr_ints(const struct ir_node *n, const char *name, const int64_t **vals)
{
    const struct ir_attr *a = attr(n, name);
    if (!a || a->type != IR_ATTR_INTS) return -1;
    if (vals) *vals = a->v.ints;
    return (int)a->count;
}

float rule_attr_float(const struct ir_node *n, const char *name, float dflt)
{
    const struct ir_attr *a = attr(n, name);
    return a && a->type == IR_ATTR_FLOAT ? a->v.f : dflt;
}

bool rule_attr_string_is(const struct ir_node *n, const char *name, const char *s, bool dflt_is)
{
    const struct ir_attr *a = attr(n, name);
    if (!a || a->type != IR_ATTR_STRING) return dflt_is;
    size_t k = strlen(s);
    return a->v.s.size == k && !memcmp(a->v.s.data, s, k);
}

const char *rule_attr_string(const struct ir_node *n, const char *name, char *buf, int cap)
{
    const struct ir_attr *a = attr(n, name);
    if (cap <= 0) return buf;
    buf[0] = 0;
    if (!a || a->type != IR_ATTR_STRING) return buf;
    size_t k = a->v.s.size < (size_t)cap - 1 ? a->v.s.size : (size_t)cap - 1;
    if (k) memcpy(buf, a->v.s.data, k);
    buf[k] = 0;
    return buf;
}

const struct ir_tensor *rule_input(const struct ir_node *n, int i)
{
    return n && i >= 0 && i < n->n_inputs ? n->inputs[i] : NULL;
}

const struct ir_tensor *rule_output(const struct ir_node *n, int i)
{
    return n && i >= 0 && i < n->n_outputs ? n->outputs[i] : NULL;
}

int rule_input_count(const struct ir_node *n)
{
    int k = n ? n->n_inputs : 0;
    while (k > 0 && !n->inputs[k - 1]) k--;
    return k;
}

bool rule_is_const(const struct ir_tensor *t) { return t && t->kind == IR_TENSOR_CONST; }

bool rule_is_static(const struct ir_tensor *t) { return t && ir_tensor_is_static(t); }

bool rule_node_static(const struct ir_node *n)
{
    if (!n) return false;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && !rule_is_static(n->inputs[i])) return false;
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i] && !rule_is_static(n->outputs[i])) return false;
    return true;
}

bool rule_is_quantized(const struct ir_tensor *t)
{
    return t && t->quant && t->quant->count > 0 && t->dtype != IR_UNDEFINED &&
           !ir_dtype_table[t->dtype].is_float;
}

const char *rule_dtype_name(const struct ir_tensor *t)
{
    return t ? ir_dtype_name(t->dtype) : "undefined";
}

int rule_rank(const struct ir_tensor *t) { return t ? t->rank : -1; }

const char *rule_shape(const struct ir_tensor *t, char *buf, int cap)
{
    if (cap <= 0) return buf;
    if (!t || t->rank < 0) {
        snprintf(buf, (size_t)cap, "?");
        return buf;
    }
    int k = snprintf(buf, (size_t)cap, "[");
    for (int d = 0; d < t->rank && k < cap; d++) {
        if (t->dims[d].value >= 0)
            k += snprintf(buf + k, (size_t)(cap - k), "%s%lld", d ? "," : "",
                          (long long)t->dims[d].value);
        else
            k += snprintf(buf + k, (size_t)(cap - k), "%s%s", d ? "," : "",
                          t->dims[d].param && t->dims[d].param[0] ? t->dims[d].param : "?");
    }
    if (k < cap) snprintf(buf + k, (size_t)(cap - k), "]");
    return buf;
}

static bool dtype_in(enum ir_dtype d, const enum ir_dtype *allowed, int n)
{
    if (d == IR_UNDEFINED) return true; /* unknown: no rule can say */
    for (int i = 0; i < n; i++)
        if (allowed[i] == d) return true;
    return false;
}

const struct ir_tensor *rule_first_dtype_outside(const struct ir_node *n,
                                                 const enum ir_dtype *allowed, int n_allowed,
                                                 int *which_input, bool *is_output)
{
    if (!n) return NULL;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && !dtype_in(n->inputs[i]->dtype, allowed, n_allowed)) {
            if (which_input) *which_input = i;
            if (is_output) *is_output = false;
            return n->inputs[i];
        }
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i] && !dtype_in(n->outputs[i]->dtype, allowed, n_allowed)) {
            if (which_input) *which_input = i;
            if (is_output) *is_output = true;
            return n->outputs[i];
        }
    return NULL;
}
