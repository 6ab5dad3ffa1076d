/* Family 'image': Resize, Upsample, GridSample, RoiAlign, NonMaxSuppression
 * (each in its own file; see image.h). */
#include "ops/image.h"

const struct op_desc op_family_image[] = {
    {IR_OP_RESIZE, 1, 4, 1, 1, sizeof(struct resize_params), resize_parse, resize_infer,
     resize_eval},
    {IR_OP_UPSAMPLE, 1, 2, 1, 1, sizeof(struct resize_params), resize_parse, resize_infer,
     resize_eval},
    {IR_OP_GRID_SAMPLE, 2, 2, 1, 1, sizeof(struct grid_sample_params), grid_sample_parse,
     grid_sample_infer, grid_sample_eval},
    {IR_OP_ROI_ALIGN, 3, 3, 1, 1, sizeof(struct roi_align_params), roi_align_parse,
     roi_align_infer, roi_align_eval},
    {IR_OP_NON_MAX_SUPPRESSION, 2, 5, 1, 1, sizeof(struct nms_params), nms_parse, nms_infer,
     nms_eval},
};
const int op_family_image_count = sizeof op_family_image / sizeof op_family_image[0];
