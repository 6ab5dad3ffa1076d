/* Input sets for validate, and reference outputs read from disk.
 *
 * A source hands out set i on demand (nothing is generated or read ahead),
 * so ten sets of a large input never sit in memory together.
 *
 * Random sets (seeded, reproducible on every machine: our own PCG32 and
 * Box-Muller, no libc rand; uniform values are bit-exact everywhere, normal
 * ones as exact as libm's log/sin/cos): the value stream of tensor k in set
 * i depends only on (seed, i, k), so adding an input or a set does not
 * change the others. Default ranges by dtype:
 *   float16/32/64, bfloat16   uniform [0, 1)   (--dist normal: N(0, 1))
 *   int8 / uint8 / int16 ...  the dtype's whole range (quantized inputs too;
 *                             int4/uint4 too, packed two per byte)
 *   int32 / int64 / uint32... [0, 2)  (indices and ids: a small safe range)
 *   bool                      false / true
 * A range (lo, hi) overrides: uniform over [lo, hi) for floats (for normal:
 * mean (lo+hi)/2, standard deviation (hi-lo)/2), integers uniform over
 * [lo, hi] inclusive, clamped to the dtype. Uniform floats stay inside
 * [lo, hi) after rounding to the dtype (when the dtype has a value there);
 * lo == hi gives that one value. --dist normal applies to float inputs only;
 * integers are always uniform. A range naming an input wins over one for
 * all inputs; among ranges for the same input, the last wins. Other dtypes
 * (string, complex) are refused (UNSUPPORTED): their values must come from
 * files.
 *
 * Folders (DESIGN.md): either one subfolder per set, DIR/<i>/<name>.npy
 * (subfolders taken in numeric order when all are numbers, else by name;
 * <name> as validate/tensor_io.h's tensor_io_file_name spells it), or, for a
 * one-tensor model, files DIR/<prefix>_<i>.npy (prefix "input" or "output",
 * numeric order of i), or .npz files DIR/<any>.npz (one set each, keys are
 * tensor names or their file-name spelling, sets in file-name order). A path
 * to one .npz (or, for one tensor, one .npy) is a single set.
 * Which layout a folder has: for a one-tensor model, <prefix>_<i>.npy files
 * win and other entries are ignored (../shared/models/torch/<model>/ holds
 * output_<i>.npy beside model.onnx and a folder of other references); else
 * subfolders, else .npz files; subfolders and .npz files together are
 * refused as ambiguous. Names starting with '.' are skipped. */
#ifndef FERRY_VALIDATE_INPUTS_H
#define FERRY_VALIDATE_INPUTS_H

#include <stdint.h>

#include "ops/op.h"

/* One tensor a set holds: name, dtype and a concrete shape (the caller has
 * resolved symbolic dims). quant, when set, is the tensor's quantization
 * (random values then cover the integer range as usual). For sets read from
 * files, dtype IR_UNDEFINED or rank < 0 accepts any (stored framework
 * outputs), as does a dim < 0. */
struct input_decl {
    const char *name;
    enum ir_dtype dtype;
    int rank;
    int64_t dims[OP_MAX_RANK];
    const struct ir_quant *quant;
};

enum input_dist { INPUT_DIST_UNIFORM = 0, INPUT_DIST_NORMAL };

struct input_range {
    const char *name; /* the tensor it applies to; NULL or "" applies to all */
    double lo, hi;
};

struct input_random_options {
    uint64_t seed;
    enum input_dist dist;
    const struct input_range *ranges;
    int n_ranges;
};

struct input_source;

/* n_sets random sets for decls (the decls array and names must outlive the
 * source; opt NULL: seed 0, uniform, default ranges). Checked here, not at
 * get: a range naming no declared tensor (USAGE: "--range names 'x', which
 * is not an input of the model; inputs: a, b"), a range that is not finite
 * LO <= HI or holds no value of an integer input's dtype (USAGE), a dim < 0
 * (USAGE: give it with --shape), a dtype with no random values (UNSUPPORTED,
 * naming the input and dtype and pointing to --inputs). */
fy_status input_source_random(const struct input_decl *decls, int n_decls, int n_sets,
                              const struct input_random_options *opt, struct input_source **out,
                              struct fy_error *err);

/* Sets read from a folder or file (layouts above); prefix is "input" or
 * "output" (the one-tensor file naming, and the noun in messages). max_sets
 * > 0 keeps only the first max_sets. Counting the sets reads only the folder
 * listing: a missing path is IO; a folder with none of the layouts (the
 * error says which were looked for and what the folder holds), input_<i>.npy
 * files for a model with several tensors, or subfolders beside .npz files
 * are INVALID; a single .npy for several tensors is USAGE. Every set is
 * checked when it is read (INVALID): each decl must be present (the error
 * names the set's path, the tensor and the file or key looked for), with the
 * decl's dtype and shape (dims < 0 in a decl accept any size; the error
 * gives found and expected). */
fy_status input_source_files(const char *path, const char *prefix, const struct input_decl *decls,
                             int n_decls, int max_sets, struct input_source **out,
                             struct fy_error *err);

int input_source_count(const struct input_source *s);
/* Where set i comes from, for messages ("random set 3 (seed 0)",
 * "dir/3/", "dir/input_3.npy", "dir/a.npz"). The string is owned by the
 * source, valid until the next call or input_source_free. */
const char *input_source_describe(struct input_source *s, int i);

/* Fills out[0..n_decls) with set i, in decl order; each tensor is newly
 * allocated (op_tensor_alloc), carries its decl's quant, and the caller
 * releases it. On failure nothing is left allocated in out, and the error's
 * file is the file or folder at fault; on success err->file is left as the
 * caller had it. */
fy_status input_source_get(struct input_source *s, int i, struct op_tensor *out,
                           struct fy_error *err);

void input_source_free(struct input_source *s);

#endif
