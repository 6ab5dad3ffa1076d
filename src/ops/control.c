/* Family 'control': being written (see issue 3). */
#include "ops/op.h"

const struct op_desc op_family_control[] = {{IR_OP_OPAQUE, 0, 0, 0, 0, 0, NULL, NULL, NULL}};
const int op_family_control_count = 0;
