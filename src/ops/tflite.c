/* Family 'tflite': the tfl.* ops, with TFLite's semantics (NHWC layouts,
 * TFLite's integer arithmetic); being written (see issue 4). */
#include "ops/op.h"

const struct op_desc op_family_tflite[] = {{IR_OP_OPAQUE, 0, 0, 0, 0, 0, NULL, NULL, NULL}};
const int op_family_tflite_count = 0;
