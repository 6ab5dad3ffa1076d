/* The parts of validate that talk to each other: tensor links between the
 * two models (link.c), runners (runner.c) and the per-layer driver
 * (layers.c). Not a public interface. */
#ifndef FERRY_VALIDATE_INTERNAL_H
#define FERRY_VALIDATE_INTERNAL_H

#include "interp/interp.h"
#include "validate/validate.h"

/* ---- links (link.c) ---- */

/* A candidate tensor holds a reference tensor's values, possibly in another
 * layout: candidate = numpy.transpose(reference, perm). */
struct vlink {
    const struct ir_tensor *ref; /* NULL: no reference tensor */
    int rank;                    /* of perm; 0: same layout */
    int perm[OP_MAX_RANK];
};

struct vmap {
    const struct ir_model *ref, *cand;
    struct vlink *by_cand; /* by candidate main-graph tensor id */
    int n_cand;
    bool from_record;      /* the candidate carries a conversion record */
    int n_linked;
};

/* Links the candidate's main-graph tensors to the reference's: through the
 * conversion record ("ferry.conversion" in TFLite metadata or ONNX
 * metadata_props) when the candidate has one, else by equal names. A
 * malformed record is FORMAT, naming the candidate file. */
fy_status vmap_build(struct vmap *m, const struct ir_model *ref, const struct ir_model *cand,
                     struct arena *a, struct fy_error *err);

/* The candidate's dims for a reference value's dims under the link. */
void vlink_cand_dims(const struct vlink *l, int rank, const int64_t *ref_dims, int64_t *out);

/* Element values as doubles: quantized integers dequantized with their
 * scale and zero point (per tensor or per axis), others converted. */
void value_to_double(const struct op_tensor *v, double *out);

/* A candidate value as doubles in the reference tensor's layout; ref_dims
 * are the reference value's dims. The candidate's dims must be ref_dims
 * permuted (else INVALID naming the tensor). */
fy_status vlink_cand_to_ref(const struct vlink *l, const struct op_tensor *cand, int ref_rank,
                            const int64_t *ref_dims, double *out, const char *what,
                            struct fy_error *err);

/* A reference value as a new tensor in the candidate tensor's layout, dtype
 * and quantization (floats quantized with the candidate's scale and zero
 * point, rounding half away from zero as TFLite's QUANTIZE does; quantized
 * values dequantized; others converted). The caller releases out. */
fy_status vlink_ref_to_cand(const struct vlink *l, const struct ir_tensor *cand_decl,
                            const struct op_tensor *ref, struct op_tensor *out,
                            struct fy_error *err);

/* ---- runners (runner.c) ---- */

struct runner;

/* The built-in interpreter over m, or (cmd != NULL) an external command
 * (validate.h): m still names and shapes the inputs and outputs. */
fy_status runner_create(const struct ir_model *m, const char *model_path, const char *cmd,
                        const struct interp_options *opt, struct runner **out,
                        struct fy_error *err);
/* The interpreter of a built-in runner (NULL for an external one). */
struct interp *runner_interp(struct runner *r);
/* Runs once; outputs[i] (the model's output order) stay valid until the
 * next run or runner_free. */
fy_status runner_run(struct runner *r, const struct op_tensor *const *inputs, int n_inputs,
                     const struct op_tensor **outputs, struct fy_error *err);
void runner_free(struct runner *r);

/* ---- per layer (layers.c) ---- */

struct layer_cmp;

/* Prepares the per-layer comparison of two built-in interpreters whose
 * models are linked by map; tol judges the local errors. */
fy_status layers_create(struct interp *ref, struct interp *cand, const char *const paths[2],
                        const struct vmap *map, const struct metric_config *tol,
                        enum validate_precision precision, double min_snr_db,
                        struct layer_cmp **out, struct fy_error *err);
/* Runs one input set through both models side by side, node by node,
 * comparing as it goes; then the outputs are as interp_run gives them. */
fy_status layers_run(struct layer_cmp *lc, int set, const struct op_tensor *const *ref_inputs,
                     int n_ref_inputs, const struct op_tensor *const *cand_inputs,
                     int n_cand_inputs, struct op_tensor **ref_outputs,
                     struct op_tensor **cand_outputs, struct fy_error *err);
/* The rows, in reference order, into the report's arena. */
fy_status layers_report(struct layer_cmp *lc, struct validate_report *r, struct fy_error *err);
void layers_free(struct layer_cmp *lc);

#endif
