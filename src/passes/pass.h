/* Passes: rewrites of a model's IR, each its own file, run in a list by the
 * pass manager (pass.c).
 *
 * A pass is `struct pass { name, run }`. run changes the model in place,
 * counts what it changed in report->changes and adds what the user should
 * hear about (BatchNorms folded, activations fused, transposes kept and
 * why, decompositions, nodes that cannot be converted) to the report. The
 * manager times each pass, records its change count and, in sanitizer
 * builds (or with report->opt.verify), checks the IR after each pass: the
 * graph verifier, and that every static shape still matches what the op
 * descriptors infer.
 *
 * The report also holds the conversion record: for every tensor that stands
 * for a tensor of the source model, the source's name and the permutation
 * the layout pass applied (tensor = transpose(source, perm)), so that
 * validation can compare an NHWC tensor in a .tflite with the NCHW tensor it
 * came from. tflite_finish.c writes it into the model's metadata. */
#ifndef FERRY_PASSES_PASS_H
#define FERRY_PASSES_PASS_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "ir/ir.h"

#define PASS_MAX_RANK 8

struct pass_report;

struct pass {
    const char *name;
    fy_status (*run)(struct ir_model *m, struct pass_report *r, struct fy_error *err);
};

/* One line of a report list. For transposes: node + text (the reason); for
 * decompositions: node + op + text (what it became); for unsupported
 * nodes: node + op + text (what blocks it). */
struct pass_note {
    const char *node;
    const char *op;
    const char *text;
};

struct pass_note_list {
    struct pass_note *items;
    int count, cap;
};

struct pass_stat {
    const char *name;
    int changes;
    double seconds;
};

/* A tensor of the converted model and the source tensor it holds. */
struct pass_map {
    const char *source;        /* name in the source model */
    int rank;                  /* of perm; 0 when the layout is the source's */
    int perm[PASS_MAX_RANK];   /* tensor = transpose(source, perm) */
};

struct pass_options {
    bool io_nhwc;  /* --io-layout nhwc: image-like inputs and outputs become NHWC */
    bool verify;   /* check the IR after each pass (always on in sanitizer builds) */
    const struct ir_input_shape *shapes; /* --shape NAME=DIMS */
    int n_shapes;
    /* check: lower_tflite keeps the nodes it cannot map (listed in
     * unsupported) instead of failing, and lowers the rest */
    bool keep_unsupported;
};

struct pass_report {
    struct arena arena; /* strings and lists of the report */
    struct pass_options opt;
    struct pass_stat *stats;
    int n_stats, cap_stats;
    int changes; /* the running pass adds to this */
    int batchnorms_folded;
    int activations_fused;
    int constants_folded;
    struct pass_note_list transposes;
    struct pass_note_list decompositions;
    struct pass_note_list unsupported;
    struct pass_note_list warnings; /* text only */
    struct strmap map;  /* tensor name -> struct pass_map * (the conversion record) */
};

void pass_report_init(struct pass_report *r);
void pass_report_free(struct pass_report *r);
fy_status pass_note(struct pass_report *r, struct pass_note_list *l, const char *node,
                    const char *op, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Conversion record. pass_map_set records that tensor `name` holds source
 * tensor `source` transposed by perm (rank 0: unpermuted). */
fy_status pass_map_set(struct pass_report *r, const char *name, const char *source, int rank,
                       const int *perm, struct fy_error *err);
const struct pass_map *pass_map_get(const struct pass_report *r, const char *name);

/* Runs the passes in order; stops at the first failure. */
fy_status pass_run_list(struct ir_model *m, const struct pass *const *passes, int n,
                        struct pass_report *r, struct fy_error *err);

/* Checks the main graph: ir_graph_verify, and each node's static output
 * shapes against what its descriptor infers from its inputs. */
fy_status pass_verify(const struct ir_model *m, struct fy_error *err);

/* ---- the passes ---- */
extern const struct pass pass_static_shapes;   /* --shape, symbolic dims, shape inference */
extern const struct pass pass_fold_constants;
extern const struct pass pass_fold_batchnorm;
extern const struct pass pass_fuse_activation;
extern const struct pass pass_lower_tflite;
extern const struct pass pass_layout_nhwc;

/* The ONNX-to-TFLite pipeline, in order. */
extern const struct pass *const pass_tflite_pipeline[];
extern const int pass_tflite_pipeline_len;

/* After the pipeline: makes the model a TFLite model the writer takes
 * (tflite_finish.c): dead values removed, nodes in topological order, each
 * tensor named after its source where that name is free, the SignatureDef
 * "serving_default" over the model's inputs and outputs, and the metadata
 * "ferry.conversion" (the conversion record as JSON). source_path names the
 * source file in the record. */
fy_status pass_finish_tflite(struct ir_model *m, struct pass_report *r, const char *source_path,
                             struct fy_error *err);

#endif
