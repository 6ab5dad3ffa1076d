/* Target onnxruntime: ONNX Runtime CPU execution provider.
 * SKELETON (being written): the rows for ONNX ops and IR_OP_OPAQUE are not
 * filled in yet; the table test fails until they are. */
#include "targets/rules.h"
#include "targets/target.h"

static const struct target_row rows[IR_OP_COUNT] = {
    IR_OP_LIST_TFL(TARGET_ROW_TFLITE_NEEDS_ONNX)
};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_onnxruntime = {
    .name = "onnxruntime",
    .title = "ONNX Runtime CPU execution provider",
    .version = "",
    .source = "",
    .takes = TARGET_TAKES_ONNX,
    .rows = rows,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
};
