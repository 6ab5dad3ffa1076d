/* NonMaxSuppression (opsets 10, 11).
 *
 * Per batch and class: the boxes whose score is above score_threshold (all
 * when it is not given), best score first (ties: lower box index first),
 * are taken greedily; a box is dropped when its IoU with a box already
 * taken in that class exceeds iou_threshold. At most
 * max_output_boxes_per_class are taken (0 when not given). Boxes are
 * [y1, x1, y2, x2] with either corner pair first (center_point_box 0) or
 * [x_center, y_center, width, height] (1). A box of zero area suppresses
 * nothing. The output lists (batch, class, box) in that order.
 *
 * Arithmetic is in float, as ONNX's reference and ONNX Runtime do, so
 * IoUs at the threshold compare the same way. The output's length depends
 * on the values, so infer runs the selection to count and eval runs it
 * again to write. */
#include <math.h>
#include <string.h>

#include "ops/image.h"

fy_status nms_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct nms_params *p = params;
    int64_t cpb = 0;
    fy_status st = op_attr_int(n, "center_point_box", 0, &cpb, err);
    if (st) return st;
    if (cpb != 0 && cpb != 1)
        return op_fail_node(n, err, FY_EINVALID, "center_point_box is %lld; expected 0 or 1",
                            (long long)cpb);
    p->center_point_box = cpb == 1;
    return FY_OK;
}

struct nms_box {
    float ymin, xmin, ymax, xmax, area;
};

struct nms_args {
    int64_t max_out;
    float iou;
    bool has_score_threshold;
    float score_threshold;
};

static fy_status nms_args(struct op_ctx *c, struct nms_args *a)
{
    const struct op_tensor *t;
    memset(a, 0, sizeof *a);
    if ((t = rx_in(c, 2)) && t->numel) {
        if (t->dtype != IR_I64 || t->numel != 1)
            return op_fail(c, FY_EINVALID,
                           "max_output_boxes_per_class must be one int64; it is %llu %s",
                           (unsigned long long)t->numel, ir_dtype_name(t->dtype));
        a->max_out = op_get_i64(t, 0);
        if (a->max_out < 0) a->max_out = 0;
    }
    if ((t = rx_in(c, 3)) && t->numel) {
        if (t->dtype != IR_F32 || t->numel != 1)
            return op_fail(c, FY_EINVALID, "iou_threshold must be one float; it is %llu %s",
                           (unsigned long long)t->numel, ir_dtype_name(t->dtype));
        a->iou = ((const float *)t->data)[0];
        if (!(a->iou >= 0 && a->iou <= 1))
            return op_fail(c, FY_EINVALID, "iou_threshold is %g; expected a value in [0, 1]",
                           (double)a->iou);
    }
    if ((t = rx_in(c, 4)) && t->numel) {
        if (t->dtype != IR_F32 || t->numel != 1)
            return op_fail(c, FY_EINVALID, "score_threshold must be one float; it is %llu %s",
                           (unsigned long long)t->numel, ir_dtype_name(t->dtype));
        a->has_score_threshold = true;
        a->score_threshold = ((const float *)t->data)[0];
    }
    return FY_OK;
}

static bool nms_suppress(const struct nms_box *a, const struct nms_box *b, float iou)
{
    float ixmin = fmaxf(a->xmin, b->xmin), ixmax = fminf(a->xmax, b->xmax);
    if (ixmax <= ixmin) return false;
    float iymin = fmaxf(a->ymin, b->ymin), iymax = fminf(a->ymax, b->ymax);
    if (iymax <= iymin) return false;
    float inter = (ixmax - ixmin) * (iymax - iymin);
    float uni = a->area + b->area - inter;
    if (inter <= 0 || a->area <= 0 || b->area <= 0 || uni <= 0) return false;
    return inter / uni > iou;
}

/* Stable merge sort of candidate indices by score, best first. */
static void nms_sort(const float *score, int64_t *idx, int64_t *tmp, int64_t n)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) tmp[o++] = score[idx[b]] > score[idx[a]] ? idx[b++] : idx[a++];
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

/* Runs the selection; writes triples into out when it is not NULL.
 * Returns the number selected through *count. */
static fy_status nms_run(struct op_ctx *c, int64_t *out, int64_t *count)
{
    const struct nms_params *p = c->params;
    const struct op_tensor *bt = c->in[0], *st_ = c->in[1];
    struct nms_args a;
    fy_status st = nms_args(c, &a);
    if (st) return st;
    int64_t B = bt->dims[0], S = bt->dims[1], C = st_->dims[1];
    *count = 0;
    if (a.max_out == 0 || S == 0) return FY_OK;
    size_t ns = (size_t)S;
    struct nms_box *boxes = op_scratch(c, ns * sizeof *boxes);
    int64_t *idx = op_scratch(c, ns * sizeof(int64_t));
    int64_t *tmp = op_scratch(c, ns * sizeof(int64_t));
    int64_t *sel = op_scratch(c, ns * sizeof(int64_t));
    if (!boxes || !idx || !tmp || !sel) return FY_ENOMEM;
    const float *bx = bt->data, *sc = st_->data;
    for (int64_t b = 0; b < B; b++) {
        for (int64_t i = 0; i < S; i++) {
            const float *v = bx + (b * S + i) * 4;
            struct nms_box *o = &boxes[i];
            if (p->center_point_box) {
                float hw = v[2] / 2, hh = v[3] / 2;
                o->xmin = v[0] - hw;
                o->xmax = v[0] + hw;
                o->ymin = v[1] - hh;
                o->ymax = v[1] + hh;
            } else {
                o->ymin = fminf(v[0], v[2]);
                o->ymax = fmaxf(v[0], v[2]);
                o->xmin = fminf(v[1], v[3]);
                o->xmax = fmaxf(v[1], v[3]);
            }
            o->area = (o->xmax - o->xmin) * (o->ymax - o->ymin);
        }
        for (int64_t cl = 0; cl < C; cl++) {
            const float *score = sc + (b * C + cl) * S;
            int64_t n = 0;
            for (int64_t i = 0; i < S; i++)
                if (!a.has_score_threshold || score[i] > a.score_threshold) idx[n++] = i;
            nms_sort(score, idx, tmp, n);
            int64_t taken = 0;
            for (int64_t k = 0; k < n && taken < a.max_out; k++) {
                bool keep = true;
                for (int64_t q = 0; q < taken && keep; q++)
                    if (nms_suppress(&boxes[idx[k]], &boxes[sel[q]], a.iou)) keep = false;
                if (!keep) continue;
                sel[taken++] = idx[k];
                if (out) {
                    out[*count * 3] = b;
                    out[*count * 3 + 1] = cl;
                    out[*count * 3 + 2] = idx[k];
                }
                (*count)++;
            }
        }
    }
    return FY_OK;
}

fy_status nms_infer(struct op_ctx *c)
{
    const struct op_tensor *boxes = c->in[0], *scores = c->in[1];
    static const enum ir_dtype f32[] = {IR_F32};
    fy_status st = op_expect_dtype(c, 0, f32, 1);
    if (!st) st = op_expect_dtype(c, 1, f32, 1);
    if (st) return st;
    char b1[96], b2[96];
    if (boxes->rank != 3 || boxes->dims[2] != 4)
        return op_fail(c, FY_EINVALID, "boxes has shape %s; expected [batches, boxes, 4]",
                       rx_shape_str(boxes, b1, sizeof b1));
    if (scores->rank != 3 || scores->dims[0] != boxes->dims[0] ||
        scores->dims[2] != boxes->dims[1])
        return op_fail(c, FY_EINVALID,
                       "scores has shape %s; with boxes %s it must be [%lld, classes, %lld]",
                       rx_shape_str(scores, b1, sizeof b1), rx_shape_str(boxes, b2, sizeof b2),
                       (long long)boxes->dims[0], (long long)boxes->dims[1]);
    int64_t count;
    st = nms_run(c, NULL, &count);
    if (st) return st;
    int64_t dims[2] = {count, 3};
    return op_set_output(c, 0, IR_I64, 2, dims);
}

fy_status nms_eval(struct op_ctx *c)
{
    int64_t count;
    return nms_run(c, c->out[0]->data, &count);
}
