/* After the ONNX-to-TFLite pipeline: the model becomes a TFLite model for
 * the writer (formats/tflite): dead values swept, nodes in topological order,
 * constant graph inputs dropped (old ONNX lists initializers as inputs),
 * tensor names made unique with each tensor named after the source tensor
 * it holds where that name is free, the SignatureDef "serving_default" over
 * the model's inputs and outputs (names and order as in the source), and the
 * metadata "ferry.conversion": the conversion record as a small JSON
 *
 *   {"format": "ferry.conversion", "version": 1, "source": "<file>",
 *    "source_format": "onnx", "io_layout": "nchw" | "nhwc",
 *    "tensors": [{"name": "<tensor in this model>", "source": "<tensor in
 *                 the source>", "perm": [0, 2, 3, 1]}, ...]}
 *
 * where tensor = numpy.transpose(source, perm) (perm left out when the
 * layouts are the same), so validation can compare the two files' tensors
 * without re-running the conversion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "passes/pass.h"
#include "passes/util.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

fy_status pass_finish_tflite(struct ir_model *m, struct pass_report *r, const char *source_path,
                             struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    struct arena *a = &m->arena;
    int k = 0;
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i]->kind != IR_TENSOR_CONST) g->inputs[k++] = g->inputs[i];
    g->n_inputs = k;
    fy_status st = pu_sweep(g, err);
    if (st) return st;
    /* subgraphs lower_tflite made (tfl.IF's branches): kept, after the main graph */
    struct ir_graph **subs = m->tflite ? m->tflite->subgraphs : NULL;
    int n_subs = m->tflite ? m->tflite->n_subgraphs : 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (!pu_is_tfl(g->nodes[i]->op))
            return err_node(err, FY_EINTERNAL, pu_node_label(g->nodes[i]), g->nodes[i]->op_type,
                            "is not a TFLite builtin after conversion");

    /* names: graph inputs and outputs keep theirs; others take their
     * source's name where it is free */
    struct strmap taken;
    strmap_init(&taken, a);
    const char **written = ARENA_ARRAY(a, g->n_tensors + 1, const char *);
    if (!written) return nomem(err);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < (pass ? g->n_outputs : g->n_inputs); i++) {
            struct ir_tensor *t = pass ? g->outputs[i] : g->inputs[i];
            if (written[t->id]) continue;
            const char *nm = t->origin ? t->origin : t->name;
            if (strmap_get(&taken, nm, strlen(nm))) nm = t->name;
            written[t->id] = nm;
            if (strmap_put(&taken, nm, strlen(nm), t)) return nomem(err);
        }
    for (int i = 0; i < g->n_tensors; i++) {
        struct ir_tensor *t = g->tensors[i];
        if (written[t->id]) continue;
        const struct pass_map *pm = pass_map_get(r, t->name);
        const char *cand = pm && pm->source && pm->source[0] ? pm->source : t->name;
        if (strmap_get(&taken, cand, strlen(cand))) cand = t->name;
        if (strmap_get(&taken, cand, strlen(cand))) {
            char buf[512];
            for (int q = 1;; q++) {
                snprintf(buf, sizeof buf, "%s#%d", t->name, q);
                if (!strmap_get(&taken, buf, strlen(buf))) break;
            }
            cand = arena_strdup(a, buf);
            if (!cand) return nomem(err);
        }
        written[t->id] = cand;
        if (strmap_put(&taken, cand, strlen(cand), t)) return nomem(err);
    }

    /* the record, before origins change */
    char *json = NULL;
    size_t json_len = 0;
    FILE *f = open_memstream(&json, &json_len);
    if (!f) return nomem(err);
    struct json j;
    json_init(&j, f, false);
    json_object(&j);
    json_key_string(&j, "format", "ferry.conversion");
    json_key_int(&j, "version", 1);
    json_key_string(&j, "source", base_name(source_path ? source_path : ""));
    json_key_string(&j, "source_format", "onnx");
    json_key_string(&j, "io_layout", r->opt.io_nhwc ? "nhwc" : "nchw");
    json_key(&j, "tensors");
    json_array(&j);
    for (int i = 0; i < g->n_tensors; i++) {
        struct ir_tensor *t = g->tensors[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        const struct pass_map *pm = pass_map_get(r, t->name);
        if (!pm || !pm->source || !pm->source[0]) continue;
        json_object(&j);
        json_key_string(&j, "name", written[t->id]);
        json_key_string(&j, "source", pm->source);
        if (pm->rank) {
            json_key(&j, "perm");
            json_array(&j);
            for (int q = 0; q < pm->rank; q++) json_int(&j, pm->perm[q]);
            json_end(&j);
        }
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    int jbad = json_finish(&j);
    fclose(f);
    if (jbad || !json) {
        free(json);
        return err_fmt(err, FY_EINTERNAL, "cannot write the conversion record");
    }
    /* json_finish ends the document with a newline */
    while (json_len && (json[json_len - 1] == '\n')) json_len--;
    uint8_t *rec = arena_alloc(a, json_len + 1, 1);
    if (!rec) {
        free(json);
        return nomem(err);
    }
    memcpy(rec, json, json_len);
    free(json);

    for (int i = 0; i < g->n_tensors; i++) {
        struct ir_tensor *t = g->tensors[i];
        t->origin = written[t->id];
        t->has_shape_signature = false;
        t->in_value_info = false;
        t->doc = "";
    }
    g->name = "main";

    struct ir_tflite_info *info = ARENA_NEW(a, struct ir_tflite_info);
    struct ir_tflite_signature *sig = ARENA_NEW(a, struct ir_tflite_signature);
    struct ir_tflite_metadata *md = ARENA_NEW(a, struct ir_tflite_metadata);
    if (!info || !sig || !md) return nomem(err);
    sig->key = "serving_default";
    sig->subgraph_index = 0;
    sig->n_inputs = g->n_inputs;
    sig->n_outputs = g->n_outputs;
    sig->inputs = ARENA_ARRAY(a, g->n_inputs + 1, struct ir_tflite_tensor_ref);
    sig->outputs = ARENA_ARRAY(a, g->n_outputs + 1, struct ir_tflite_tensor_ref);
    if (!sig->inputs || !sig->outputs) return nomem(err);
    for (int i = 0; i < g->n_inputs; i++) {
        sig->inputs[i].name = g->inputs[i]->origin;
        sig->inputs[i].tensor = g->inputs[i];
        sig->inputs[i].tensor_index = g->inputs[i]->id;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        sig->outputs[i].name = g->outputs[i]->origin;
        sig->outputs[i].tensor = g->outputs[i];
        sig->outputs[i].tensor_index = g->outputs[i]->id;
    }
    md->name = "ferry.conversion";
    md->data.data = rec;
    md->data.size = json_len;
    if (n_subs > 1) {
        if (subs[0] != g) return err_fmt(err, FY_EINTERNAL, "subgraph 0 is not the main graph");
        for (int s = 1; s < n_subs; s++)
            for (int i = 0; i < subs[s]->n_tensors; i++) {
                struct ir_tensor *t = subs[s]->tensors[i];
                if (!t->origin) t->origin = t->name;
                t->has_shape_signature = false;
                t->in_value_info = false;
                t->doc = "";
            }
        info->subgraphs = subs;
        info->n_subgraphs = n_subs;
    }
    info->version = 3;
    info->description = "ferry " FY_VERSION;
    info->signatures = sig;
    info->n_signatures = 1;
    info->metadata = md;
    info->n_metadata = 1;
    m->tflite = info;
    m->format = IR_FORMAT_TFLITE;
    m->producer_name = info->description;
    return FY_OK;
}
