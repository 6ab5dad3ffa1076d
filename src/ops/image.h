/* Family 'image': resampling and detection ops. This header holds the typed
 * parameter structs and the entry points that image.c gathers into
 * op_family_image; the value helpers come from the reduce family
 * (ops/reduce.h, rx_*).
 *
 * Files: resize.c (Resize, Upsample), grid_sample.c (GridSample),
 * roi_align.c (RoiAlign), nms.c (NonMaxSuppression). */
#ifndef FERRY_OPS_IMAGE_H
#define FERRY_OPS_IMAGE_H

#include "ops/reduce.h"

/* ---- Resize, Upsample (resize.c) ---- */

enum rs_mode { RS_NEAREST, RS_LINEAR, RS_CUBIC };
enum rs_coord {
    RS_HALF_PIXEL,
    RS_HALF_PIXEL_SYMMETRIC,
    RS_PYTORCH_HALF_PIXEL,
    RS_ALIGN_CORNERS,
    RS_ASYMMETRIC,
    RS_TF_HALF_PIXEL_FOR_NN,
    RS_TF_CROP_AND_RESIZE,
};
/* RS_SIMPLE: Upsample and Resize-10, which predate nearest_mode: floor
 * when upsampling, ceil when downsampling (ONNX Runtime's reading). */
enum rs_nearest { RS_ROUND_PREFER_FLOOR, RS_ROUND_PREFER_CEIL, RS_FLOOR, RS_CEIL, RS_SIMPLE };
enum rs_aspect { RS_STRETCH, RS_NOT_LARGER, RS_NOT_SMALLER };
/* Where the scales come from. */
enum rs_layout {
    RS_UPSAMPLE_ATTR, /* Upsample-7: attribute scales */
    RS_X_SCALES,      /* Upsample-9, Resize-10: (X, scales) */
    RS_X_ROI_SCALES_SIZES, /* Resize-11+: (X, roi, scales, sizes) */
};

struct resize_params {
    enum rs_layout layout;
    enum rs_mode mode;
    enum rs_coord coord;
    enum rs_nearest nearest;
    enum rs_aspect aspect;
    float cubic_a;
    float extrapolation;
    bool exclude_outside;
    bool antialias;
    bool min_scale_1; /* Upsample: every scale must be >= 1 */
    int n_axes;       /* -1: all axes */
    int64_t axes[OP_MAX_RANK];
    int n_attr_scales;
    float attr_scales[OP_MAX_RANK];
};
fy_status resize_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err);
fy_status resize_infer(struct op_ctx *c);
fy_status resize_eval(struct op_ctx *c);

/* ---- GridSample (grid_sample.c) ---- */

enum gs_mode { GS_LINEAR, GS_NEAREST, GS_CUBIC };
enum gs_padding { GS_ZEROS, GS_BORDER, GS_REFLECTION };
struct grid_sample_params {
    enum gs_mode mode;
    enum gs_padding padding;
    bool align_corners;
    bool only_4d; /* opset 16-19 */
};
fy_status grid_sample_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status grid_sample_infer(struct op_ctx *c);
fy_status grid_sample_eval(struct op_ctx *c);

/* ---- RoiAlign (roi_align.c) ---- */

struct roi_align_params {
    bool max_mode;
    bool half_pixel; /* coordinate_transformation_mode half_pixel (opset 16's default) */
    int64_t out_h, out_w;
    int64_t sampling_ratio;
    float spatial_scale;
};
fy_status roi_align_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status roi_align_infer(struct op_ctx *c);
fy_status roi_align_eval(struct op_ctx *c);

/* ---- NonMaxSuppression (nms.c) ---- */

struct nms_params {
    bool center_point_box;
};
fy_status nms_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status nms_infer(struct op_ctx *c);
fy_status nms_eval(struct op_ctx *c);

#endif
