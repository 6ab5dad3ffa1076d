/* Targets: what each runtime does with each node, as data.
 *
 * A target is one runtime (TFLite CPU, its GPU delegate, TFLite Micro, the
 * Edge TPU compiler, TensorRT's ONNX parser, OpenVINO, Hailo-8, ONNX
 * Runtime, an ONNX opset). Its table has one row per IR op — row i is op i,
 * every op answered explicitly (a test keeps it so) — giving the base answer
 * and its reason, and optionally a rule function that looks at the node
 * (attributes, dtypes, shapes) and may give a worse answer with the value
 * that broke it ("dilation 2: Edge TPU supports dilation 1 only").
 *
 * A target takes one format. A node of the other family is answered by its
 * row too: TFLite-format targets answer ONNX ops with CHECK_VIA_CONVERTER
 * (ferry's ONNX-to-TFLite converter decides, and the target's rows for the
 * builtins it maps to judge the result: one source of truth with `convert`);
 * ONNX-format targets answer tfl.* ops as unsupported (they read ONNX, and
 * ferry has no TFLite-to-ONNX converter yet).
 *
 * docs/targets.md is generated from these tables (tests/tools/targets_doc.c)
 * and a test keeps it equal to the generated text. */
#ifndef FERRY_TARGETS_TARGET_H
#define FERRY_TARGETS_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

/* Ordered from best to worst: the worst answer over nodes is the verdict. */
enum check_status {
    CHECK_UNSET = 0,      /* a row nobody wrote: the table test fails on it */
    CHECK_NATIVE,         /* runs on the target's own fast path */
    CHECK_FALLBACK,       /* runs, but on the host CPU or a slow path */
    CHECK_SUBSTITUTED,    /* replaced by an approximation or decomposition (named) */
    CHECK_UNSUPPORTED,    /* the target refuses it (load, compile or conversion fails) */
    CHECK_VIA_CONVERTER,  /* row only: decided by ferry's ONNX-to-TFLite converter */
};

const char *check_status_name(enum check_status s);

struct check_verdict {
    enum check_status status;
    const char *rule;        /* short rule id, e.g. "edgetpu.conv.dilation" */
    char detail[320];        /* what was found and what the target needs */
    const char *substitute;  /* SUBSTITUTED: what replaces the node */
};

/* What a rule may look at. */
struct check_node {
    const struct ir_model *m;
    const struct ir_node *n;
    int64_t opset;        /* the opset of the node's domain (ONNX); 0 for TFLite */
    int64_t target_opset; /* onnx-opsetN: N */
};

/* A rule refines a row's answer: it returns true when it applies to this
 * node and has written v (status, rule id, detail). Rules are pure. */
typedef bool (*check_rule_fn)(const struct check_node *c, struct check_verdict *v);

struct target_row {
    enum ir_op op;
    enum check_status status; /* the answer when the rule does not apply */
    const char *why;          /* the reason, citing the source's wording */
    const char *substitute;   /* SUBSTITUTED rows: what the node becomes */
    check_rule_fn rule;       /* NULL: the row's answer stands */
};

/* How a target splits a graph between accelerator and CPU. */
enum target_partition {
    TARGET_PARTITION_NONE = 0,  /* one device (or not modelled) */
    TARGET_PARTITION_DELEGATE,  /* runs of supported nodes go to the delegate,
                                 * the rest to the CPU (TFLite GPU delegate) */
    TARGET_PARTITION_PREFIX,    /* the first node the accelerator cannot run and
                                 * everything after it go to the CPU (Edge TPU) */
};

enum target_format { TARGET_TAKES_TFLITE = 0, TARGET_TAKES_ONNX };

struct target {
    const char *name;        /* as --target spells it */
    const char *title;
    const char *version;     /* the runtime version the rules describe */
    const char *source;      /* where the facts come from */
    enum target_format takes;
    const struct target_row *rows; /* IR_OP_COUNT rows, row i is op i */
    /* applied to every node before its row (whole-model requirements: full
     * int8, static shapes); NULL when none */
    check_rule_fn model_rule;
    enum target_partition partition;
    const char *accelerator; /* device name in partitions ("Edge TPU", "GPU") */
    const char *unknown;     /* rules the public sources do not give (hailo8) */
};

/* Row constructors for the tables (designated initializers: a missing op
 * leaves an all-zero row, which the table test catches). */
#define TARGET_ROW(OP, ST, WHY) [IR_OP_##OP] = {IR_OP_##OP, CHECK_##ST, WHY, NULL, NULL}
#define TARGET_RULE(OP, ST, WHY, FN) [IR_OP_##OP] = {IR_OP_##OP, CHECK_##ST, WHY, NULL, FN}
#define TARGET_SUBST(OP, WHY, INTO) [IR_OP_##OP] = {IR_OP_##OP, CHECK_SUBSTITUTED, WHY, INTO, NULL}
#define TARGET_SUBST_RULE(OP, WHY, INTO, FN)                                                    \
    [IR_OP_##OP] = {IR_OP_##OP, CHECK_SUBSTITUTED, WHY, INTO, FN}
/* Every ONNX op of a TFLite-format target: ferry's converter decides. */
#define TARGET_ROW_VIA_CONVERTER(e, name)                                                       \
    [IR_OP_##e] = {IR_OP_##e, CHECK_VIA_CONVERTER,                                              \
                   "ONNX op: decided by ferry's ONNX-to-TFLite conversion, then by this "       \
                   "target's rows for the builtins it becomes",                                 \
                   NULL, NULL},
/* Every TFLite builtin of an ONNX-format target. */
#define TARGET_ROW_TFLITE_NEEDS_ONNX(e, name)                                                   \
    [IR_OP_##e] = {IR_OP_##e, CHECK_UNSUPPORTED,                                                \
                   "TFLite builtin: this runtime reads ONNX, and ferry has no TFLite-to-ONNX "  \
                   "conversion yet",                                                            \
                   NULL, NULL},

/* The known targets, in the order --target lists them. onnx-opsetN is one
 * entry whose N comes from the name. */
extern const struct target *const target_list[];
extern const int target_count;

/* By name ("onnx-opset13" finds the opset target and sets *opset = 13);
 * NULL when unknown. */
const struct target *target_find(const char *name, int64_t *opset);

/* The answer of one target for one node: model rule, row, row rule. */
void target_check_node(const struct target *t, const struct check_node *c,
                       struct check_verdict *v);

/* Helpers for rule functions: a printf into v->detail, setting status and
 * rule; returns true (so a rule can `return check_set(...)`). */
bool check_set(struct check_verdict *v, enum check_status st, const char *rule, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

#endif
