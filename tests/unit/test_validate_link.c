/* validate's value moves between two models' layouts and dtypes
 * (src/validate/link.c), judged against the definitions they implement:
 * numpy.transpose for layouts, TFLite's QUANTIZE (round half away from
 * zero, then saturate) and the affine dequantization (q - zp) * scale. */
#include <math.h>
#include <string.h>

#include "t.h"
#include "validate/internal.h"

static void fill_f32(struct op_tensor *t, int rank, const int64_t *dims, const float *v)
{
    struct fy_error e = {0};
    op_tensor_alloc(t, IR_F32, rank, dims, &e);
    memcpy(t->data, v, sizeof(float) * (size_t)t->numel);
}

TEST(link_cand_to_ref_undoes_nchw_to_nhwc_transpose)
{
    /* ref [1,3,2,2] = arange(12); cand = numpy.transpose(ref, (0,2,3,1)):
     * cand[0,h,w,c] = ref[0,c,h,w] = c*4 + h*2 + w */
    int64_t rdims[4] = {1, 3, 2, 2}, cdims[4] = {1, 2, 2, 3};
    float cv[12];
    for (int h = 0; h < 2; h++)
        for (int w = 0; w < 2; w++)
            for (int c = 0; c < 3; c++) cv[(h * 2 + w) * 3 + c] = (float)(c * 4 + h * 2 + w);
    struct op_tensor cand = {0};
    fill_f32(&cand, 4, cdims, cv);
    struct vlink l = {.rank = 4, .perm = {0, 2, 3, 1}};
    double out[12];
    struct fy_error e = {0};
    fy_status st = vlink_cand_to_ref(&l, &cand, 4, rdims, out, "t", &e);
    T_CHECK(st == FY_OK, "status %d: %s", st, e.message);
    for (int i = 0; i < 12; i++) T_CHECK(out[i] == i, "element %d is %g, want %d", i, out[i], i);
    op_tensor_release(&cand);
}

TEST(link_ref_to_cand_applies_the_permutation)
{
    int64_t rdims[4] = {1, 3, 2, 2};
    float rv[12];
    for (int i = 0; i < 12; i++) rv[i] = (float)i;
    struct op_tensor ref = {0};
    fill_f32(&ref, 4, rdims, rv);
    struct ir_tensor decl = {.name = "x", .dtype = IR_F32, .rank = -1};
    struct vlink l = {.rank = 4, .perm = {0, 2, 3, 1}};
    struct op_tensor out = {0};
    struct fy_error e = {0};
    fy_status st = vlink_ref_to_cand(&l, &decl, &ref, &out, &e);
    T_CHECK(st == FY_OK, "status %d: %s", st, e.message);
    T_CHECK(out.rank == 4 && out.dims[1] == 2 && out.dims[2] == 2 && out.dims[3] == 3,
            "shape [%lld,%lld,%lld,%lld], want [1,2,2,3]", (long long)out.dims[0],
            (long long)out.dims[1], (long long)out.dims[2], (long long)out.dims[3]);
    const float *o = out.data;
    for (int h = 0; h < 2; h++)
        for (int w = 0; w < 2; w++)
            for (int c = 0; c < 3; c++)
                T_CHECK(o[(h * 2 + w) * 3 + c] == (float)(c * 4 + h * 2 + w),
                        "cand[0,%d,%d,%d] = %g", h, w, c, o[(h * 2 + w) * 3 + c]);
    op_tensor_release(&ref);
    op_tensor_release(&out);
}

TEST(link_ref_to_cand_quantizes_half_away_and_saturates)
{
    /* scale 0.5, zero point -3: q = clamp(round_half_away(r / 0.5) - 3, -128, 127) */
    float rv[6] = {0.25f, -0.25f, 0.75f, 100.0f, -100.0f, 0.0f};
    int want[6] = {1 - 3, -1 - 3, 2 - 3, 127, -128, -3};
    int64_t dims[1] = {6};
    struct op_tensor ref = {0};
    fill_f32(&ref, 1, dims, rv);
    float scale = 0.5f;
    int64_t zp = -3;
    struct ir_quant q = {.axis = 0, .count = 1, .scale = &scale, .zero_point = &zp};
    struct ir_tensor decl = {.name = "q", .dtype = IR_I8, .rank = 1, .quant = &q};
    struct vlink l = {0};
    struct op_tensor out = {0};
    struct fy_error e = {0};
    fy_status st = vlink_ref_to_cand(&l, &decl, &ref, &out, &e);
    T_CHECK(st == FY_OK, "status %d: %s", st, e.message);
    T_CHECK(out.dtype == IR_I8 && out.quant == &q, "dtype %d, quant kept %d", out.dtype,
            out.quant == &q);
    const int8_t *o = out.data;
    for (int i = 0; i < 6; i++) T_CHECK(o[i] == want[i], "q[%d] = %d, want %d", i, o[i], want[i]);
    op_tensor_release(&ref);
    op_tensor_release(&out);
}

TEST(link_value_to_double_dequantizes_per_axis)
{
    /* [2,2] int8, axis 0: row 0 scale 0.5 zp 1, row 1 scale 2 zp 0 */
    int64_t dims[2] = {2, 2};
    struct op_tensor t = {0};
    struct fy_error e = {0};
    op_tensor_alloc(&t, IR_I8, 2, dims, &e);
    int8_t *d = t.data;
    d[0] = 3, d[1] = -1, d[2] = 4, d[3] = -5;
    float scales[2] = {0.5f, 2.0f};
    int64_t zps[2] = {1, 0};
    struct ir_quant q = {.axis = 0, .count = 2, .scale = scales, .zero_point = zps};
    t.quant = &q;
    double out[4];
    value_to_double(&t, out);
    double want[4] = {(3 - 1) * 0.5, (-1 - 1) * 0.5, 4 * 2.0, -5 * 2.0};
    for (int i = 0; i < 4; i++) T_CHECK(out[i] == want[i], "v[%d] = %g, want %g", i, out[i], want[i]);
    op_tensor_release(&t);
}

TEST(link_cand_to_ref_refuses_a_shape_that_is_no_permutation)
{
    int64_t rdims[2] = {2, 3}, cdims[2] = {2, 2};
    float cv[4] = {0};
    struct op_tensor cand = {0};
    fill_f32(&cand, 2, cdims, cv);
    struct vlink l = {0};
    double out[6];
    struct fy_error e = {0};
    fy_status st = vlink_cand_to_ref(&l, &cand, 2, rdims, out, "output 'y'", &e);
    T_CHECK(st == FY_EINVALID, "status %d", st);
    T_CHECK(strstr(e.message, "output 'y'") && strstr(e.message, "[2,2]") &&
                strstr(e.message, "[2,3]"),
            "message: %s", e.message);
    op_tensor_release(&cand);
}
