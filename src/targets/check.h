/* `ferry check`: every node of a model against each target's rules.
 *
 * A target that takes the model's own format judges its nodes directly. A
 * TFLite-format target given an ONNX model judges what ferry's converter
 * makes of it: the ONNX-to-TFLite pipeline runs on a copy of the model
 * (nodes it cannot map are kept and reported, the rest are lowered), and
 * each source node is answered by the worst of the target's answers for the
 * builtins made from it (ir_node.origin), at least "substituted" when the
 * converter decomposed it, and "unsupported" when it has no mapping. So
 * check and convert cannot disagree. */
#ifndef FERRY_TARGETS_CHECK_H
#define FERRY_TARGETS_CHECK_H

#include "core/arena.h"
#include "targets/target.h"

struct check_request {
    const struct target *target;
    int64_t opset;               /* onnx-opsetN */
};

struct check_partition {
    const char *device;          /* the accelerator's name, or "CPU" */
    const char *first, *last;    /* node names */
    int nodes;
};

struct check_target_report {
    const struct target *target;
    const char *name;            /* "onnx-opset13" for the opset target */
    enum check_status verdict;   /* worst over the nodes */
    int counts[CHECK_UNSUPPORTED + 1]; /* by status */
    struct check_partition *partitions;
    int n_partitions;
    const char *note;            /* e.g. "judged on ferry's TFLite conversion" */
};

struct check_node_report {
    const char *name;
    const char *op;              /* the file's op name (op_type, TFLite builtin) */
    struct check_verdict *results; /* one per target */
};

struct check_report {
    struct arena arena;
    const char *format;          /* "onnx" | "tflite" */
    enum check_status verdict;   /* worst over all nodes and targets */
    struct check_target_report *targets;
    int n_targets;
    struct check_node_report *nodes; /* in topological order */
    int n_nodes;
    const char **notes;
    int n_notes, cap_notes;
};

fy_status check_model(const char *path, const struct check_request *targets, int n_targets,
                      const struct ir_input_shape *shapes, int n_shapes, struct check_report *r,
                      struct fy_error *err);
void check_report_free(struct check_report *r);

#endif
