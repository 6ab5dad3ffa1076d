/* Family 'tflite': the descriptor table of the tfl.* ops (see tfl.h for the
 * conventions; kernels in tfl_*.c). Arity is TFLite's operator input list,
 * optional inputs included (a missing one is a NULL slot). */
#include "ops/tfl.h"

#define D(op, in_lo, in_hi, out_lo, out_hi, ps, parse, infer, eval)                            \
    {IR_OP_TFL_##op, in_lo, in_hi, out_lo, out_hi, ps, parse, infer, eval}

const struct op_desc op_family_tflite[] = {
    /* convolution and matrix products */
    D(CONV_2D, 2, 3, 1, 1, sizeof(struct tfl_conv_params), tfl_conv_parse, tfl_conv2d_infer,
      tfl_conv2d_eval),
    D(DEPTHWISE_CONV_2D, 2, 3, 1, 1, sizeof(struct tfl_conv_params), tfl_conv_parse,
      tfl_dwconv_infer, tfl_dwconv_eval),
    D(TRANSPOSE_CONV, 3, 4, 1, 1, sizeof(struct tfl_conv_params), tfl_conv_parse,
      tfl_tconv_infer, tfl_tconv_eval),
    D(FULLY_CONNECTED, 2, 3, 1, 1, sizeof(struct tfl_fc_params), tfl_fc_parse, tfl_fc_infer,
      tfl_fc_eval),
    D(BATCH_MATMUL, 2, 2, 1, 1, sizeof(struct tfl_int_params), tfl_bmm_parse, tfl_bmm_infer,
      tfl_bmm_eval),
};
const int op_family_tflite_count = sizeof op_family_tflite / sizeof op_family_tflite[0];
