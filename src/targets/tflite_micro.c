/* Target tflite-micro: TensorFlow Lite for Microcontrollers.
 * SKELETON (being written): the rows for TFLite builtins (tfl.*) and IR_OP_OPAQUE are not
 * filled in yet; the table test fails until they are. */
#include "targets/rules.h"
#include "targets/target.h"

static const struct target_row rows[IR_OP_COUNT] = {
    IR_OP_LIST_ONNX(TARGET_ROW_VIA_CONVERTER)
};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_tflite_micro = {
    .name = "tflite-micro",
    .title = "TensorFlow Lite for Microcontrollers",
    .version = "",
    .source = "",
    .takes = TARGET_TAKES_TFLITE,
    .rows = rows,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
};
