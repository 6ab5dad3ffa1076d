/* Validation: run a reference and a candidate model on the same inputs and
 * say whether they compute the same thing, and (per layer) where they stop
 * agreeing. docs/validate.md is the user's account of the rules.
 *
 * Tensors are matched across the two models by the conversion record the
 * converter stores in the candidate (tensor name -> source tensor name and
 * the permutation the layout pass applied), else by equal names, and for
 * inputs and outputs last by position. */
#ifndef FERRY_VALIDATE_VALIDATE_H
#define FERRY_VALIDATE_VALIDATE_H

#include <stdbool.h>

#include "core/arena.h"
#include "validate/inputs.h"
#include "validate/metrics.h"

enum validate_side { VALIDATE_REFERENCE = 0, VALIDATE_CANDIDATE = 1 };

enum validate_precision { VALIDATE_FP32 = 0, VALIDATE_FP16, VALIDATE_INT8 };

/* Called before each input set (for progress lines). */
typedef void (*validate_progress_fn)(void *user, int set, int n_sets);

struct validate_options {
    const char *model[2];       /* reference, candidate paths */
    const char *runner[2];      /* external command, NULL: the built-in interpreter */
    int n_sets;                 /* random sets; with inputs_path, 0 = all found */
    uint64_t seed;
    enum input_dist dist;
    const struct input_range *ranges;
    int n_ranges;
    const char *inputs_path;
    const char *reference_outputs;
    const struct ir_input_shape *shapes;
    int n_shapes;
    /* tolerances: NaN = the default for the candidate's precision */
    double atol, rtol, min_snr_db, min_top1;
    enum metric_rule rule;
    bool per_layer;
    int threads;
    enum op_tflite_arith tflite_arith;
    validate_progress_fn progress;
    void *progress_user;
};

struct validate_output {
    const char *name;           /* the reference's output name */
    const char *candidate_name;
    int rank;                   /* the reference output's shape (first set) */
    int64_t dims[OP_MAX_RANK];
    struct metric_result m;
    bool class_scores;
    bool passed;
};

struct validate_layer {
    /* The reference nodes between the previous compared values and this
     * one: usually one node; several when the candidate computes them as one
     * (Conv + Relu fused into CONV_2D, a GELU pattern as GELU). node is the
     * first of them (where a fault in any of them shows), tensor the output
     * of the last. */
    const char *node;
    const char *op;
    const char **region;        /* every reference node of the region, in order */
    int n_region;
    const char *tensor;         /* the reference tensor compared */
    const char *candidate_node;
    const char *candidate_op;
    double local_max_abs;       /* NaN: the local error could not be computed */
    double local_snr_db;
    double accumulated_max_abs;
    double snr_db;              /* accumulated */
    uint64_t local_mismatches;
    bool diverged;              /* local error outside the tolerance */
};

struct validate_report {
    struct arena arena;         /* owns every string and array below */
    bool passed;
    enum validate_precision precision;
    int inputs_used;
    struct metric_config tol;   /* atol, rtol, rule */
    double min_snr_db, min_top1;
    bool element_rule;          /* judged element-wise (float, or int8 with --atol/--rtol) */
    struct validate_output *outputs;
    int n_outputs;
    bool per_layer;
    struct validate_layer *layers; /* in reference order */
    int n_layers;
    int first_divergence;       /* index into layers, -1 when none */
    const char **notes;         /* what the user should know (symbolic dims fixed, ...) */
    int n_notes, cap_notes;
};

const char *validate_precision_name(enum validate_precision p);

/* Runs the validation. FY_OK means it ran (report->passed says the verdict);
 * errors are bad input (INVALID/FORMAT/UNSUPPORTED/IO), USAGE or internal.
 * The report is valid until validate_report_free. */
fy_status validate_run(const struct validate_options *o, struct validate_report *report,
                       struct fy_error *err);
void validate_report_free(struct validate_report *report);

#endif
