/* inspect: what a model is, in the terms a user looks for in Netron — format,
 * producer, opsets, inputs and outputs with dtypes and shapes, node and op
 * counts, parameters — plus findings: things a converter or a runtime will
 * care about (unfolded BatchNorms, constant subgraphs, control flow, dynamic
 * dims, ops ferry does not know, fields kept without being understood).
 *
 * The report is plain data; `ferry inspect` prints it as text or JSON
 * (DESIGN.md fixes the JSON field names). It owns its memory in its own arena
 * and only borrows strings from the model, so the model must outlive it. */
#ifndef FERRY_INSPECT_INSPECT_H
#define FERRY_INSPECT_INSPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"

/* A graph input or output as the file declares it. */
struct inspect_value {
    const char *name;
    const char *dtype;         /* NumPy spelling; NULL when undefined or not a tensor */
    int rank;                  /* -1: the file gives no shape */
    const struct ir_dim *dims; /* static (value >= 0), symbolic (param) or unknown;
                                  a TFLite shape_signature's -1 is unknown */
    const struct ir_quant *quant; /* NULL: not quantized */
};

struct inspect_opset {
    const char *domain; /* "" for the default domain (also when the file says "ai.onnx") */
    int64_t version;
};

struct inspect_op_count {
    const char *op_type; /* the file's own op name */
    int64_t count;
    uint64_t versions; /* bit v: some node has op version v (TFLite; 1..63) */
};

struct inspect_finding {
    const char *kind;    /* rule name: "batchnorm_not_folded", ... */
    const char *node;    /* the node (or tensor) it is about; NULL for the whole model */
    const char *message; /* one sentence: what, and why it matters */
};

struct inspect_report {
    struct arena arena;
    const char *path;
    const char *format; /* "onnx" | "tflite" */
    const char *producer_name;
    const char *producer_version;
    int64_t ir_version; /* ONNX IR version; 0 when the format has none */
    bool has_opsets;    /* false for formats without opsets (TFLite): JSON null */
    struct inspect_opset *opsets;
    int n_opsets;
    struct inspect_value *inputs; /* graph inputs that are not initializers */
    int n_inputs;
    struct inspect_value *outputs;
    int n_outputs;
    int64_t node_count;          /* top-level nodes */
    int64_t subgraph_node_count; /* nodes inside If/Loop/Scan bodies, any depth */
    struct inspect_op_count *op_counts; /* top-level; by count descending, then name */
    int n_op_counts;
    uint64_t param_count;  /* elements of the main graph's initializers */
    uint64_t weight_bytes; /* their bytes */
    struct inspect_finding *findings; /* grouped by rule, in rule-table order */
    int n_findings, cap_findings;
    /* TFLite: signature_defs (borrowed from the model), and what the reader
     * accepted but warned about (any format). */
    const struct ir_tflite_signature *signatures;
    int n_signatures;
    const char *const *warnings;
    int n_warnings;
};

/* Fills r (which the caller later releases with inspect_report_free, also
 * after a failure). Fails only on NOMEM or a model the IR cannot hold. */
fy_status inspect_model(const struct ir_model *m, struct inspect_report *r,
                        struct fy_error *err);
void inspect_report_free(struct inspect_report *r);

/* "[1,3,224,224]", "['N',3,'?']" (symbolic dims quoted, unknown ones '?'),
 * or "?" when the rank is unknown. Always NUL-terminated; cut short to fit. */
void inspect_shape_str(int rank, const struct ir_dim *dims, char *buf, size_t cap);
/* "23.4 KiB": bytes in binary units, for people. */
void inspect_human_bytes(uint64_t bytes, char *buf, size_t cap);
/* The name a user can find a node by: its own, or for an unnamed node (ONNX
 * allows them) its first output's. */
const char *inspect_node_label(const struct ir_node *n);

/* Graphviz of the main graph, written atomically to path (never over one of
 * inputs). Initializers are folded into the label of the node that reads
 * them, as Netron does, so the picture shows the computation. */
fy_status inspect_write_dot(const struct ir_model *m, const char *path,
                            const char *const *inputs, int n_inputs, struct fy_error *err);

/* ---- findings (findings.c) ---- */

/* What the rules share: the graph and facts computed once. */
struct inspect_ctx {
    const struct ir_model *model;
    const struct ir_graph *graph; /* the main graph */
    struct inspect_report *report;
    int *uses;        /* per tensor id: how many node inputs read it (subgraphs included) */
    bool *is_output;  /* per tensor id: a graph output */
    bool *is_const;   /* per tensor id: its value is known without running the model */
    struct ir_node **order; /* nodes, producers first */
};

struct inspect_rule {
    const char *kind;
    fy_status (*run)(struct inspect_ctx *c, const struct inspect_rule *rule,
                     struct fy_error *err);
    enum ir_op op;    /* for rules that count one op */
    const char *what; /* for rules that count one op: why it matters */
};

extern const struct inspect_rule inspect_rules[];
extern const int inspect_n_rules;

/* Appends a finding; message is printf-formatted into the report's arena. */
fy_status inspect_add_finding(struct inspect_report *r, const char *kind, const char *node,
                              struct fy_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Names an extras item of an ONNX message ("ModelProto", "GraphProto",
 * "NodeProto") by the protobuf field it holds: *name is the onnx.proto field
 * name ("functions") and *what a phrase for people ("model-local
 * functions"), both NULL for a field ferry has no name for. Returns the field
 * number, or -1 when the item does not start with a valid key. */
int inspect_extras_field(const struct ir_bytes *item, const char *message, const char **name,
                         const char **what);

#endif
