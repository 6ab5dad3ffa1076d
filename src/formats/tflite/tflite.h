/* TFLite: reader and writer between .tflite (a FlatBuffer of schema
 * tflite.Model, identifier "TFL3") and the IR, and the translation table
 * both share.
 *
 * The reader is zero-copy (tensor names, constant buffers and custom options
 * point into the mapping) and trusts nothing: every offset, vtable, vector
 * and string is checked against the buffer before use (flatbuf.h), and every
 * index (tensor, buffer, opcode, subgraph) against its table. The IR
 * conventions it produces are written at the top of tflite_ops.c; the
 * writer follows the same ones. */
#ifndef FERRY_FORMATS_TFLITE_H
#define FERRY_FORMATS_TFLITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

/* Reads path. On failure *out is NULL and err names the file, the node
 * (operator) where known, and the byte offset of structural faults. */
fy_status tflite_read_model(const char *path, struct ir_model **out, struct fy_error *err);
/* Reads from memory; the buffer must outlive the model. Buffers stored
 * outside the FlatBuffer (the offset/size form of models past 2 GB) are
 * looked up in this same buffer: it is the whole file. */
fy_status tflite_read_buffer(const uint8_t *data, size_t size, struct ir_model **out,
                             struct fy_error *err);

/* Writes the model atomically (tflite_write.c). inputs: files that must not
 * be overwritten. */
fy_status tflite_write_model(const struct ir_model *m, const char *path,
                             const char *const *inputs, int n_inputs, struct fy_error *err);

/* ---- schema facts (tflite_ops.c) ---- */

/* File identifier and the one schema version TFLite and TFLite Micro load. */
#define TFL_IDENTIFIER "TFL3"
#define TFL_SCHEMA_VERSION 3

/* TensorType codes (schema.fbs). */
struct tfl_dtype_row {
    int code;
    const char *name;  /* schema spelling: "FLOAT32" */
    enum ir_dtype ir;  /* IR_UNDEFINED: the IR cannot hold this type */
};
extern const struct tfl_dtype_row tfl_dtypes[];
extern const int tfl_n_dtypes; /* row i is code i */
/* NULL when code is not a TensorType. */
const struct tfl_dtype_row *tfl_dtype(int code);
/* The TensorType of an IR dtype; -1 when TFLite has none. */
int tfl_dtype_from_ir(enum ir_dtype t);

/* Names of an enum's values, value i at names[i] (NULL: no such value). */
struct tfl_enum {
    const char *type; /* schema name: "Padding" */
    const char *const *names;
    int count;
};
extern const struct tfl_enum tfl_enum_padding;
extern const struct tfl_enum tfl_enum_activation; /* ActivationFunctionType */
extern const struct tfl_enum tfl_enum_tensor_type;

/* How one options field becomes an attribute (and back). */
enum tfl_kind {
    TFL_BOOL,     /* bool            → INT 0/1 */
    TFL_I8,       /* byte            → INT */
    TFL_I16,      /* short           → INT */
    TFL_I32,      /* int             → INT */
    TFL_U32,      /* uint            → INT */
    TFL_I64,      /* long            → INT */
    TFL_F32,      /* float           → FLOAT */
    TFL_ENUM8,    /* byte enum       → STRING, the value's schema name */
    TFL_ENUM32,   /* int/uint enum   → STRING, the value's schema name */
    TFL_ACT,      /* ActivationFunctionType → node->activation, never an attribute */
    TFL_INTS,     /* [int]           → INTS */
    TFL_LONGS,    /* [long]          → INTS */
    TFL_BOOLS,    /* [bool]          → INTS 0/1 */
    TFL_FLOATS,   /* [float]         → FLOATS */
    TFL_ENUMS32,  /* [uint enum]     → STRINGS */
    TFL_BYTES,    /* [ubyte]         → STRING (the bytes) */
    TFL_STRING,   /* string          → STRING */
};

/* A field written only when the file has it (deprecated in the schema). */
#define TFL_F_DEPRECATED 1
/* An index (or indices) into the model's subgraphs: the reader checks range. */
#define TFL_F_SUBGRAPH 2

struct tfl_field {
    uint8_t id;               /* FlatBuffers field id (declaration order) */
    uint8_t kind;             /* enum tfl_kind */
    uint8_t flags;            /* TFL_F_* */
    const char *name;         /* schema field name = attribute name */
    const struct tfl_enum *e; /* ENUM8/ENUM32/ENUMS32 */
    double def;               /* schema default (value index for enums) */
};

/* One options table type. */
struct tfl_options {
    const char *name; /* schema name: "Conv2DOptions" */
    int type;         /* its code in union BuiltinOptions (or BuiltinOptions2) */
    bool second;      /* a member of BuiltinOptions2 (Operator.builtin_options_2) */
    const struct tfl_field *fields;
    int n_fields;
};
/* Type codes 1.. of each union; row i of each array is code i (row 0: NONE). */
extern const struct tfl_options tfl_builtin_options[];
extern const int tfl_n_builtin_options;
extern const struct tfl_options tfl_builtin_options2[];
extern const int tfl_n_builtin_options2;
/* NULL when type is not a member (0 is NONE: NULL too). */
const struct tfl_options *tfl_options_by_type(bool second, int type);
const struct tfl_options *tfl_options_by_name(const char *name);

/* One builtin operator. */
struct tfl_op {
    int code;          /* BuiltinOperator value */
    const char *name;  /* schema name: "CONV_2D"; node->op_type */
    enum ir_op op;     /* IR_OP_TFL_<name>, or IR_OP_OPAQUE when ferry has no such op */
    const struct tfl_options *options; /* the options type it takes; NULL: none */
    bool nhwc;         /* layout-sensitive: node->layout = IR_LAYOUT_NHWC */
};
extern const struct tfl_op tfl_ops[]; /* row i is code i */
extern const int tfl_n_ops;
/* Codes of tfl_ops sorted by name (byte order), for name lookup. */
extern const uint16_t tfl_ops_by_name[];

#define TFL_CODE_CUSTOM 32
/* The schema's split of the builtin code into two fields. */
#define TFL_CODE_PLACEHOLDER 127

const struct tfl_op *tfl_op_by_code(int code);
/* By builtin name ("CONV_2D"); NULL when unknown. */
const struct tfl_op *tfl_op_by_name(const char *name);
/* By IR op (IR_OP_TFL_CONV_2D → CONV_2D); NULL for ops that are no builtin. */
const struct tfl_op *tfl_op_by_ir(enum ir_op op);

/* Node attributes the reader sets beyond the options fields (names fixed:
 * the writer and kernels use them). */
#define TFL_ATTR_CUSTOM_OPTIONS "custom_options"             /* STRING bytes */
#define TFL_ATTR_CUSTOM_OPTIONS_FORMAT "custom_options_format" /* INT, when not 0 */
#define TFL_ATTR_CUSTOM_CODE "custom_code"                   /* STRING, builtins only */
#define TFL_ATTR_INTERMEDIATES "intermediates"               /* TENSORS of the graph */
#define TFL_ATTR_MUTATING "mutating_variable_inputs"          /* INTS 0/1 */
#define TFL_ATTR_DEBUG_METADATA "debug_metadata_index"        /* INT, when not -1 */
#define TFL_ATTR_OPTIONS_TYPE "builtin_options_type"          /* STRING, see tflite_ops.c */
#define TFL_ATTR_OPTIONS_RAW "builtin_options_raw"            /* STRING, see tflite_ops.c */
#define TFL_ATTR_OPTIONS2_TYPE "builtin_options_2_type"
#define TFL_ATTR_OPTIONS2_RAW "builtin_options_2_raw"

#endif
