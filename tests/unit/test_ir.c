#include <string.h>

#include "core/half.h"
#include "ir/ir.h"
#include "t.h"

/* House rule 6: enum-indexed tables are checked row by row. */
TEST(op_table_row_i_is_op_i_and_sorted)
{
    for (int i = 1; i < IR_OP_COUNT; i++) {
        T_CHECK((int)ir_op_from_name(ir_op_name((enum ir_op)i)) == i, "op %d '%s' not found by name",
                i, ir_op_name((enum ir_op)i));
        if (i > 1)
            T_CHECK(strcmp(ir_op_name((enum ir_op)(i - 1)), ir_op_name((enum ir_op)i)) < 0,
                    "op list not sorted at '%s'", ir_op_name((enum ir_op)i));
    }
    T_CHECK(ir_op_from_name("NoSuchOp") == IR_OP_OPAQUE, "unknown op must be opaque");
}

TEST(dtype_table_row_i_is_dtype_i)
{
    for (int i = 0; i < IR_DTYPE_COUNT; i++)
        T_CHECK((int)ir_dtype_table[i].dtype == i, "dtype row %d holds %d", i, ir_dtype_table[i].dtype);
    T_CHECK(ir_dtype_from_name("bfloat16") == IR_BF16, "bfloat16 by name");
    uint64_t nb = 0;
    T_CHECK(ir_dtype_nbytes(IR_I4, 3, &nb) && nb == 2, "int4 x3 packs into 2 bytes");
    T_CHECK(!ir_dtype_nbytes(IR_F64, UINT64_MAX / 2, &nb), "overflow detected");
}

/* References: IEEE 754 binary16 values (1.0 = 0x3c00, 65504 = 0x7bff, smallest
 * subnormal 2^-24 = 0x0001) and round-half-even at the tie 1 + 2^-11. */
TEST(half_conversion_matches_ieee_binary16)
{
    T_CHECK(half_from_float(1.0f) == 0x3c00, "1.0");
    T_CHECK(half_from_float(65504.0f) == 0x7bff, "max");
    T_CHECK(half_from_float(65520.0f) == 0x7c00, "rounds to inf");
    T_CHECK(half_from_float(5.9604645e-8f) == 0x0001, "smallest subnormal");
    T_CHECK(half_from_float(1.0f + 1.0f / 2048) == 0x3c00, "tie to even (down)");
    T_CHECK(half_from_float(1.0f + 3.0f / 2048) == 0x3c02, "tie to even (up)");
    T_CHECK(half_to_float(0xc000) == -2.0f, "-2");
    T_CHECK(half_to_float(0x0001) == 5.9604645e-8f, "subnormal back");
    T_CHECK(bf16_from_float(1.0f) == 0x3f80, "bf16 1.0");
    T_CHECK(bf16_to_float(0xc040) == -3.0f, "bf16 -3");
}

TEST(graph_topo_order_puts_producers_first_and_finds_cycles)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!T_CHECK(m != NULL, "model")) return;
    struct ir_graph *g = m->graph;
    struct ir_tensor *x = ir_graph_add_tensor(g, "x", &err);
    struct ir_tensor *y = ir_graph_add_tensor(g, "y", &err);
    struct ir_tensor *z = ir_graph_add_tensor(g, "z", &err);
    ir_graph_add_input(g, x, &err);
    /* file order: consumer of y first */
    struct ir_node *b = ir_graph_add_node(g, IR_OP_RELU, NULL, NULL, "b", 1, 1, &err);
    struct ir_node *a = ir_graph_add_node(g, IR_OP_ABS, NULL, NULL, "a", 1, 1, &err);
    b->inputs[0] = y;
    ir_node_set_output(b, 0, z, &err);
    a->inputs[0] = x;
    ir_node_set_output(a, 0, y, &err);
    ir_graph_add_output(g, z, &err);
    struct ir_node **order = NULL;
    T_CHECK(ir_graph_topo_order(g, &order, &err) == FY_OK, "topo");
    T_CHECK(order && order[0] == a && order[1] == b, "a before b");
    T_CHECK(ir_graph_verify(g, &err) == FY_OK, "verify");
    /* make a cycle: a reads z */
    a->inputs[0] = z;
    struct fy_error e2 = {0};
    T_CHECK(ir_graph_topo_order(g, &order, &e2) == FY_EINVALID, "cycle found");
    T_CHECK(strstr(e2.message, "cycle") != NULL, "message says cycle: %s", e2.message);
    struct fy_error e3 = {0};
    T_CHECK(ir_graph_add_tensor(g, "x", &e3) == NULL && e3.status == FY_EINVALID,
            "duplicate name refused");
    ir_model_free(m);
}

#include "formats/onnx/onnx.h"

/* Reference: onnx.proto TensorProto.DataType numbering. */
TEST(onnx_dtype_table_row_i_is_code_i)
{
    for (int i = 0; i < ONNX_DTYPE_LIMIT; i++)
        T_CHECK((int)onnx_dtype_table[i].onnx == i, "row %d holds %d", i, onnx_dtype_table[i].onnx);
    T_CHECK(onnx_dtype_to_ir(1) == IR_F32 && onnx_dtype_to_ir(16) == IR_BF16, "FLOAT, BFLOAT16");
    T_CHECK(onnx_dtype_from_ir(IR_I64) == ONNX_INT64, "INT64 is 7");
    for (int i = 1; i < IR_ATTR_TYPE_COUNT; i++)
        T_CHECK(onnx_attr_type_to_ir(onnx_attr_type_from_ir((enum ir_attr_type)i)) == (enum ir_attr_type)i,
                "attr type %d round trip", i);
}
