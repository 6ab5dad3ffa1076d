/* Det: determinants of square matrices [*, M, M] -> [*], by LU
 * decomposition with partial pivoting in double. An empty (0 x 0) matrix
 * has determinant 1. */
#include <math.h>
#include <string.h>

#include "ops/reduce.h"

fy_status det_infer(struct op_ctx *c)
{
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
    const struct op_tensor *x = c->in[0];
    fy_status st = op_expect_dtype(c, 0, floats, 4);
    if (st) return st;
    char buf[96];
    if (x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2])
        return op_fail(c, FY_EINVALID, "X has shape %s; Det needs [*, M, M]",
                       rx_shape_str(x, buf, sizeof buf));
    return op_set_output(c, 0, x->dtype, x->rank - 2, x->dims);
}

static double det_lu(double *a, int64_t m)
{
    double det = 1;
    for (int64_t k = 0; k < m; k++) {
        int64_t piv = k;
        for (int64_t r = k + 1; r < m; r++)
            if (fabs(a[r * m + k]) > fabs(a[piv * m + k])) piv = r;
        if (a[piv * m + k] == 0) return 0;
        if (piv != k) {
            for (int64_t col = 0; col < m; col++) {
                double t = a[k * m + col];
                a[k * m + col] = a[piv * m + col];
                a[piv * m + col] = t;
            }
            det = -det;
        }
        double d = a[k * m + k];
        det *= d;
        for (int64_t r = k + 1; r < m; r++) {
            double f = a[r * m + k] / d;
            if (f == 0) continue;
            for (int64_t col = k + 1; col < m; col++) a[r * m + col] -= f * a[k * m + col];
        }
    }
    return det;
}

fy_status det_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int64_t m = x->dims[x->rank - 1];
    if (y->numel == 0) return FY_OK; /* m may be large when the batch is empty */
    size_t mm = (size_t)(m * m);
    double *a = op_scratch(c, (mm ? mm : 1) * sizeof(double));
    double *out = op_scratch(c, (size_t)(y->numel ? y->numel : 1) * sizeof(double));
    if (!a || !out) return FY_ENOMEM;
    for (uint64_t b = 0; b < y->numel; b++) {
        rx_read_f64(x, b * mm, (int64_t)mm, a);
        out[b] = det_lu(a, m);
    }
    rx_write_f64(y, 0, (int64_t)y->numel, out);
    return FY_OK;
}
