/* Family 'sequence': being written (see issue 3). */
#include "ops/op.h"

const struct op_desc op_family_sequence[] = {{IR_OP_OPAQUE, 0, 0, 0, 0, 0, NULL, NULL, NULL}};
const int op_family_sequence_count = 0;
