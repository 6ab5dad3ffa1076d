/* The graph IR every reader, pass, writer and the interpreter speak.
 *
 * A model owns one arena; every tensor, node, graph and string of the model
 * lives in it or in a read-only file mapping the model keeps open. Nothing is
 * freed piecemeal: ir_model_free releases everything at once.
 *
 * Nodes refer to tensors by pointer. A tensor belongs to exactly one graph;
 * a subgraph (If/Loop/Scan body) that reads a value of an enclosing graph has
 * its own tensor for it, marked IR_TENSOR_OUTER, which names the outer one. */
#ifndef FERRY_IR_IR_H
#define FERRY_IR_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/file.h"
#include "core/status.h"
#include "core/strmap.h"
#include "ir/dtype.h"
#include "ir/op_list.h"

enum ir_op {
    IR_OP_OPAQUE = 0, /* not known to ferry: name/domain kept on the node */
#define X(e, name) IR_OP_##e,
    IR_OP_LIST(X)
#undef X
        IR_OP_COUNT
};

const char *ir_op_name(enum ir_op op);
/* IR_OP_OPAQUE when the name is not an IR op. */
enum ir_op ir_op_from_name(const char *name);

/* An input's shape as a user gives it (--shape NAME=DIMS): the commands
 * that need static shapes share it. */
#define IR_SHAPE_MAX_RANK 12
struct ir_input_shape {
    const char *name;
    int rank;
    int64_t dims[IR_SHAPE_MAX_RANK];
};

/* Bytes kept verbatim: unknown protobuf fields, opaque type descriptions. */
struct ir_bytes {
    const uint8_t *data;
    size_t size;
};

/* Fields of a source message that ferry does not interpret, kept so that a
 * rewrite loses nothing. Each item is one whole field: key and payload. */
struct ir_extras {
    struct ir_bytes *items;
    int count;
    int cap;
};

/* A dim is static (value >= 0), symbolic (value < 0, param set) or unknown
 * (value < 0, param NULL). */
struct ir_dim {
    int64_t value;
    const char *param;
};

/* Quantization parameters: per tensor (axis < 0, count 1) or per axis. */
struct ir_quant {
    int axis;
    int count;
    float *scale;
    int64_t *zero_point;
    float min, max; /* TFLite keeps calibration ranges; NaN when absent */
    bool has_range;
    /* TFLite: quantized_dimension as the file wrote it, where the IR reads
     * it differently (a single scale with a non-zero dimension, or a
     * dimension outside the rank that TFLite Micro tolerates); writers put
     * it back. */
    bool has_file_axis;
    int file_axis;
    /* TFLite: min/max as the file lists them, one per scale when the
     * calibration range is per axis (range_count > 1); when range_count is
     * 1, min and max above hold it too. */
    int range_count;
    float *range_min, *range_max;
};

enum ir_tensor_kind {
    IR_TENSOR_VALUE = 0,   /* computed by a node or fed as a graph input */
    IR_TENSOR_CONST,       /* initializer / constant buffer: data is set */
    IR_TENSOR_OUTER,       /* a subgraph's reference to an enclosing graph's value */
};

struct ir_node;
struct ir_graph;

struct ir_tensor {
    int id;              /* index in graph->tensors */
    const char *name;    /* unique within its graph */
    const char *origin;  /* name in the source file */
    enum ir_tensor_kind kind;
    enum ir_dtype dtype; /* IR_UNDEFINED when the file does not say */
    int rank;            /* -1: rank (shape) unknown */
    struct ir_dim *dims;
    struct ir_quant *quant;

    /* Constant data, little-endian, C order; sub-byte types packed low
     * nibble first. Borrowed from the model's mapping or owned by the arena. */
    const void *data;
    uint64_t nbytes;
    /* STRING tensors: one byte string per element. */
    struct ir_bytes *strings;
    uint64_t n_strings;

    /* A type the IR does not model (sequence, map, optional, sparse): the
     * source's encoded type, kept verbatim. dtype is then IR_UNDEFINED. */
    struct ir_bytes opaque_type;
    bool has_type;       /* the file described its type (value_info/input/output) */
    bool in_value_info;  /* listed in the graph's value_info */
    bool is_variable;    /* TFLite variable tensor */
    /* TFLite: Tensor.shape_signature (-1: a dim that may vary at run time;
     * dims hold Tensor.shape), and Tensor.has_rank as the file set it. */
    bool has_shape_signature;
    int signature_rank;
    int64_t *shape_signature;
    bool has_rank;

    const char *doc;
    struct ir_extras extras;      /* unknown fields of the tensor itself */
    struct ir_extras type_extras; /* of its value_info entry */

    struct ir_node *producer;     /* NULL for inputs, constants, outer values */
    struct ir_graph *graph;
};

enum ir_attr_type {
    IR_ATTR_UNDEFINED = 0,
    IR_ATTR_FLOAT,
    IR_ATTR_INT,
    IR_ATTR_STRING,
    IR_ATTR_TENSOR,
    IR_ATTR_GRAPH,
    IR_ATTR_SPARSE_TENSOR, /* kept as encoded bytes */
    IR_ATTR_TYPE_PROTO,    /* kept as encoded bytes */
    IR_ATTR_FLOATS,
    IR_ATTR_INTS,
    IR_ATTR_STRINGS,
    IR_ATTR_TENSORS,
    IR_ATTR_GRAPHS,
    IR_ATTR_SPARSE_TENSORS,
    IR_ATTR_TYPE_PROTOS,
    IR_ATTR_TYPE_COUNT
};

const char *ir_attr_type_name(enum ir_attr_type t);

struct ir_attr {
    const char *name;
    enum ir_attr_type type;
    int64_t count; /* elements of a list type; 1 for scalars */
    union {
        float f;
        int64_t i;
        struct ir_bytes s;
        struct ir_tensor *t;
        struct ir_graph *g;
        struct ir_bytes raw; /* sparse tensor, type proto */
        float *floats;
        int64_t *ints;
        struct ir_bytes *strings;
        struct ir_tensor **tensors;
        struct ir_graph **graphs;
        struct ir_bytes *raws;
    } v;
    const char *ref_attr_name; /* inside a function body */
    const char *doc;
    struct ir_extras extras;
};

/* Data layout of a layout-sensitive op (Conv, pooling, Resize, ...). ONNX
 * nodes are NCHW; nodes read from TFLite are NHWC, with TFLite's weight
 * layouts (the op's descriptor says which). NONE: the op has no layout. */
enum ir_layout {
    IR_LAYOUT_NONE = 0,
    IR_LAYOUT_NCHW,
    IR_LAYOUT_NHWC,
};

/* An activation fused into the node's output (TFLite's fused_activation_function). */
enum ir_activation {
    IR_ACT_NONE = 0,
    IR_ACT_RELU,
    IR_ACT_RELU_N1_TO_1,
    IR_ACT_RELU6,
    IR_ACT_TANH,
    IR_ACT_SIGN_BIT,
    IR_ACT_COUNT
};

/* Integer arithmetic a quantized node follows. ONNX's QLinear ops and
 * QuantizeLinear requantize with a float scale and round half to even;
 * TFLite with a fixed-point multiplier and shift. The two differ by one step
 * on some values, so bit-exactness with either runtime needs the right one. */
enum ir_rounding {
    IR_ROUND_ONNX = 0,
    IR_ROUND_TFLITE,
};

struct ir_node {
    int id;              /* index in graph->nodes */
    const char *name;    /* may be empty in ONNX */
    enum ir_op op;
    const char *op_type; /* the source's own op name (ONNX op_type, TFLite builtin) */
    const char *domain;  /* ONNX domain; "" for the default */
    int n_inputs;
    struct ir_tensor **inputs; /* NULL entry: optional input left out */
    int n_outputs;
    struct ir_tensor **outputs; /* NULL entry: optional output left out */
    int n_attrs;
    int cap_attrs;
    struct ir_attr *attrs;
    const char *doc;
    const char *overload; /* ONNX NodeProto.overload */
    enum ir_layout layout;
    enum ir_activation activation;
    enum ir_rounding rounding;
    int version;          /* the source's op version (TFLite OperatorCode.version); 0 if none */
    /* Conversion passes: the label of the source node this node was made
     * from (check maps a converted model's builtins back to the user's
     * nodes); NULL for nodes read from a file. */
    const char *origin;
    struct ir_extras extras;
    struct ir_graph *graph;
};

struct ir_string_pair {
    const char *key;
    const char *value;
};

struct ir_graph {
    struct ir_model *model;
    struct ir_graph *parent; /* NULL for the main graph */
    const char *name;
    const char *doc;

    struct ir_tensor **tensors;
    int n_tensors, cap_tensors;
    struct ir_node **nodes; /* in file order; ir_graph_topo_order sorts */
    int n_nodes, cap_nodes;
    struct ir_tensor **inputs; /* as the file lists them (ONNX may list initializers) */
    int n_inputs, cap_inputs;
    struct ir_tensor **outputs;
    int n_outputs, cap_outputs;
    /* Order in which the file listed initializers (round trips keep it). */
    struct ir_tensor **initializers;
    int n_initializers, cap_initializers;

    struct ir_string_pair *metadata;
    int n_metadata, cap_metadata;
    struct ir_extras extras;
    struct strmap by_name;
};

enum ir_format {
    IR_FORMAT_NONE = 0,
    IR_FORMAT_ONNX,
    IR_FORMAT_TFLITE,
};

struct ir_opset {
    const char *domain;
    int64_t version;
};

/* ---- TFLite model fields beyond the graph (formats/tflite) ---- */

/* A SignatureDef entry: an alias for one tensor of the signature's subgraph. */
struct ir_tflite_tensor_ref {
    const char *name;          /* the alias ("input_1") */
    int tensor_index;          /* index in the subgraph's tensors, as in the file */
    struct ir_tensor *tensor;  /* that tensor */
};

struct ir_tflite_signature {
    const char *key;           /* signature_key ("serving_default") */
    int subgraph_index;
    struct ir_tflite_tensor_ref *inputs;
    int n_inputs;
    struct ir_tflite_tensor_ref *outputs;
    int n_outputs;
};

/* Model.metadata: a name and the bytes of the buffer it names. */
struct ir_tflite_metadata {
    const char *name;
    struct ir_bytes data;
};

struct ir_tflite_info {
    uint32_t version;          /* Model.version: the schema version (3) */
    const char *description;   /* Model.description; also model->producer_name */
    struct ir_tflite_metadata *metadata;
    int n_metadata;
    /* Model.metadata_buffer (deprecated): the bytes of each buffer it lists. */
    struct ir_bytes *metadata_buffers;
    int n_metadata_buffers;
    struct ir_tflite_signature *signatures;
    int n_signatures;
    /* Every SubGraph in file order; [0] is model->graph, the others have
     * parent NULL and are named by index from options (IF, WHILE, CALL_ONCE). */
    struct ir_graph **subgraphs;
    int n_subgraphs;
    /* SubGraph.debug_metadata_index per subgraph (-1: none). */
    int *subgraph_debug_metadata;
};

struct ir_model {
    struct arena arena;
    struct file_map *maps; /* the model file and external data files */
    int n_maps, cap_maps;
    const char *path;
    enum ir_format format;

    int64_t ir_version;
    struct ir_opset *opsets;
    int n_opsets, cap_opsets;
    const char *producer_name;
    const char *producer_version;
    const char *domain;
    int64_t model_version;
    const char *doc;
    struct ir_string_pair *metadata;
    int n_metadata, cap_metadata;
    struct ir_extras extras; /* functions, training info, ... */

    struct ir_graph *graph;

    struct ir_tflite_info *tflite; /* NULL unless read from (or made for) TFLite */
    /* What a reader accepted but the user should hear about (a TFLite
     * quantized_dimension out of range, ...); the CLI prints them. */
    const char **warnings;
    int n_warnings, cap_warnings;
};

/* ---- construction ---- */
struct ir_model *ir_model_new(struct fy_error *err);
void ir_model_free(struct ir_model *m);
/* Keeps a mapping open for the model's lifetime (the model borrows from it). */
fy_status ir_model_adopt_map(struct ir_model *m, struct file_map *map, struct fy_error *err);
struct ir_graph *ir_graph_new(struct ir_model *m, struct ir_graph *parent);

/* Adds a tensor with a unique name; NULL on NOMEM or duplicate name (err set). */
struct ir_tensor *ir_graph_add_tensor(struct ir_graph *g, const char *name, struct fy_error *err);
struct ir_tensor *ir_graph_find_tensor(const struct ir_graph *g, const char *name);
/* Looks name up in g, then in its enclosing graphs. */
struct ir_tensor *ir_graph_resolve(const struct ir_graph *g, const char *name);
struct ir_node *ir_graph_add_node(struct ir_graph *g, enum ir_op op, const char *op_type,
                                  const char *domain, const char *name, int n_inputs,
                                  int n_outputs, struct fy_error *err);
fy_status ir_graph_add_input(struct ir_graph *g, struct ir_tensor *t, struct fy_error *err);
fy_status ir_graph_add_output(struct ir_graph *g, struct ir_tensor *t, struct fy_error *err);
fy_status ir_graph_add_initializer(struct ir_graph *g, struct ir_tensor *t, struct fy_error *err);
/* Sets output slot i of node n, making n the tensor's producer. */
fy_status ir_node_set_output(struct ir_node *n, int i, struct ir_tensor *t, struct fy_error *err);
struct ir_attr *ir_node_add_attr(struct ir_node *n, const char *name, enum ir_attr_type type,
                                 struct fy_error *err);
const struct ir_attr *ir_node_attr(const struct ir_node *n, const char *name);
fy_status ir_extras_add(struct arena *a, struct ir_extras *x, const uint8_t *data, size_t size,
                        struct fy_error *err);
fy_status ir_add_string_pair(struct arena *a, struct ir_string_pair **items, int *n, int *cap,
                             const char *key, const char *value, struct fy_error *err);
fy_status ir_model_add_opset(struct ir_model *m, const char *domain, int64_t version,
                             struct fy_error *err);
/* Version of the domain imported by the model; 0 when not imported. */
int64_t ir_model_opset(const struct ir_model *m, const char *domain);

/* ---- shapes and data ---- */
bool ir_tensor_is_static(const struct ir_tensor *t);
/* Product of dims; false if not static or on overflow. */
bool ir_tensor_numel(const struct ir_tensor *t, uint64_t *n);
fy_status ir_tensor_set_shape(struct ir_graph *g, struct ir_tensor *t, int rank,
                              const int64_t *dims, struct fy_error *err);

/* ---- graph queries ---- */
/* Consumers of every tensor of g, as a CSR table (arena-owned). */
struct ir_uses {
    int *offset; /* n_tensors + 1 entries */
    struct ir_node **node;
};
fy_status ir_graph_uses(const struct ir_graph *g, struct ir_uses *u, struct fy_error *err);
/* Tensors of n's graph that n reads, directly or through its subgraphs (a
 * subgraph's OUTER tensors name values of enclosing graphs); duplicates kept.
 * Writes at most cap and returns the full count. */
int ir_node_dependencies(const struct ir_node *n, struct ir_tensor **out, int cap);
/* Nodes in an order where producers come first (stable: file order where
 * free). Fails with INVALID naming a node on a cycle. */
fy_status ir_graph_topo_order(const struct ir_graph *g, struct ir_node ***order,
                              struct fy_error *err);
/* Every graph-level invariant: names unique, each value produced once,
 * inputs defined before use (after topo sort), outputs produced, subgraphs
 * too. Errors name the node and op. */
fy_status ir_graph_verify(const struct ir_graph *g, struct fy_error *err);

/* Counts nodes in subgraphs (recursively), for inspect. */
int64_t ir_graph_subgraph_node_count(const struct ir_graph *g);

/* ---- comparison (round-trip tests) ---- */
/* True when a and b hold the same model; otherwise writes where they first
 * differ into why. Names, types, shapes, data bytes (by value), attributes,
 * metadata and kept extras are compared; file encodings are not. */
bool ir_model_equal(const struct ir_model *a, const struct ir_model *b, char *why, size_t cap);

#endif
