/* Tensors from files, for the commands that feed models (run, later
 * validate): .npy, .npz and TensorProto .pb files, bound to a model's inputs
 * by name or order; and the file names outputs are written under. */
#ifndef FERRY_VALIDATE_TENSOR_IO_H
#define FERRY_VALIDATE_TENSOR_IO_H

#include <stddef.h>

#include "interp/interp.h"

/* One tensor read from a file. name is the key (.npz), the TensorProto's
 * name field (.pb), or NULL (.npy, or a .pb without a name). */
struct named_tensor {
    char *name;
    struct op_tensor t;
};

enum tensor_file_kind { TENSOR_FILE_NPY = 0, TENSOR_FILE_NPZ, TENSOR_FILE_PB };

struct tensor_set {
    enum tensor_file_kind kind;
    struct named_tensor *items;
    int count;
    struct ir_model *holder; /* keeps the strings of .pb STRING tensors alive */
};

/* Reads every tensor of one file. The kind is told by content (NumPy magic,
 * ZIP signature), else the extension (.pb). Errors name the file. */
fy_status tensor_io_read_file(const char *path, struct tensor_set *out, struct fy_error *err);
void tensor_set_free(struct tensor_set *s);

/* An IR tensor with constant data (a .pb input, a test's expected output)
 * copied into a newly allocated runtime tensor. STRING elements keep
 * pointing at the IR tensor's bytes. */
fy_status tensor_io_from_ir(const struct ir_tensor *src, struct op_tensor *dst,
                            struct fy_error *err);

/* `-i [NAME=]FILE` */
struct input_spec {
    const char *name; /* NULL when NAME= was left out */
    const char *path;
};

/* Splits "NAME=FILE" (the first '=' separates, unless the whole argument
 * names an existing file). */
void tensor_io_parse_spec(const char *arg, struct input_spec *spec);

/* Reads the files and binds them to the interpreter's inputs:
 * NAME=FILE binds to NAME; an .npz binds each key to the input it names; a
 * .pb binds by its name field; a .npy without NAME binds to the only input
 * of a one-input model; what remains (.pb files without a usable name)
 * fills the unbound inputs in model order. bound[i] (interp_input_count
 * entries) points into *sets (n_specs entries, the caller frees each).
 * Errors (INVALID, exit 3) name the input and say what the model expects. */
fy_status tensor_io_bind(const struct interp *ip, const struct input_spec *specs, int n_specs,
                         struct tensor_set *sets, const struct op_tensor **bound,
                         struct fy_error *err);

/* "float32 [1,3,224,224]" for a declared input (symbolic dims by name). */
void tensor_io_describe_decl(const struct ir_tensor *t, char *buf, size_t cap);
void tensor_io_describe(const struct op_tensor *t, char *buf, size_t cap);

/* DESIGN.md's names on disk: every char outside [A-Za-z0-9._-] becomes '_'. */
/* Longest file-name stem tensor_io_file_name gives (before ".npy"). */
#define TENSOR_IO_NAME_MAX 200
void tensor_io_file_name(const char *tensor_name, char *buf, size_t cap);

#endif
