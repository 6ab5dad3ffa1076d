/* Field numbers of the onnx.proto messages the reader and writer handle. */
#ifndef FERRY_FORMATS_ONNX_FIELDS_H
#define FERRY_FORMATS_ONNX_FIELDS_H

/* ModelProto */
enum {
    MODEL_IR_VERSION = 1,
    MODEL_PRODUCER_NAME = 2,
    MODEL_PRODUCER_VERSION = 3,
    MODEL_DOMAIN = 4,
    MODEL_MODEL_VERSION = 5,
    MODEL_DOC = 6,
    MODEL_GRAPH = 7,
    MODEL_OPSET_IMPORT = 8,
    MODEL_METADATA = 14,
};
/* GraphProto */
enum {
    GRAPH_NODE = 1,
    GRAPH_NAME = 2,
    GRAPH_INITIALIZER = 5,
    GRAPH_DOC = 10,
    GRAPH_INPUT = 11,
    GRAPH_OUTPUT = 12,
    GRAPH_VALUE_INFO = 13,
    GRAPH_SPARSE_INITIALIZER = 15,
    GRAPH_METADATA = 16,
};
/* NodeProto */
enum {
    NODE_INPUT = 1,
    NODE_OUTPUT = 2,
    NODE_NAME = 3,
    NODE_OP_TYPE = 4,
    NODE_ATTRIBUTE = 5,
    NODE_DOC = 6,
    NODE_DOMAIN = 7,
    NODE_OVERLOAD = 8,
};
/* AttributeProto */
enum {
    ATTR_NAME = 1,
    ATTR_F = 2,
    ATTR_I = 3,
    ATTR_S = 4,
    ATTR_T = 5,
    ATTR_G = 6,
    ATTR_FLOATS = 7,
    ATTR_INTS = 8,
    ATTR_STRINGS = 9,
    ATTR_TENSORS = 10,
    ATTR_GRAPHS = 11,
    ATTR_DOC = 13,
    ATTR_TP = 14,
    ATTR_TYPE_PROTOS = 15,
    ATTR_TYPE = 20,
    ATTR_REF_ATTR_NAME = 21,
    ATTR_SPARSE_TENSOR = 22,
    ATTR_SPARSE_TENSORS = 23,
    ATTR_FIELD_LIMIT = 24,
};
/* ValueInfoProto */
enum { VI_NAME = 1, VI_TYPE = 2, VI_DOC = 3 };
/* TypeProto, TypeProto.Tensor, TensorShapeProto, its Dimension */
enum { TYPE_TENSOR = 1 };
enum { TTENSOR_ELEM_TYPE = 1, TTENSOR_SHAPE = 2 };
enum { SHAPE_DIM = 1 };
enum { DIM_VALUE = 1, DIM_PARAM = 2 };
/* TensorProto */
enum {
    TENSOR_DIMS = 1,
    TENSOR_DATA_TYPE = 2,
    TENSOR_SEGMENT = 3,
    TENSOR_FLOAT_DATA = 4,
    TENSOR_INT32_DATA = 5,
    TENSOR_STRING_DATA = 6,
    TENSOR_INT64_DATA = 7,
    TENSOR_NAME = 8,
    TENSOR_RAW_DATA = 9,
    TENSOR_DOUBLE_DATA = 10,
    TENSOR_UINT64_DATA = 11,
    TENSOR_DOC = 12,
    TENSOR_EXTERNAL_DATA = 13,
    TENSOR_DATA_LOCATION = 14,
    TENSOR_FIELD_LIMIT = 15,
};
/* OperatorSetIdProto, StringStringEntryProto */
enum { OPSET_DOMAIN = 1, OPSET_VERSION = 2 };
enum { ENTRY_KEY = 1, ENTRY_VALUE = 2 };
/* TensorProto.DataLocation */
enum { DATA_LOCATION_EXTERNAL = 1 };

#endif
