/* Ops that permute axes: Transpose, and DepthToSpace / SpaceToDepth, which
 * ONNX defines as reshape + transpose + reshape (so they are run as a
 * transpose of a 6-D view of the input). */
#include <string.h>

#include "ops/shape.h"

/* ---- Transpose ---- */

fy_status shp_transpose_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err)
{
    (void)opset;
    struct shp_transpose_params *p = params;
    return op_attr_ints(n, "perm", p->perm, OP_MAX_RANK, &p->n_perm, err);
}

/* perm as ints; the reverse of the axes when the attribute is absent. */
static void get_perm(const struct shp_transpose_params *p, int rank, int *perm)
{
    for (int i = 0; i < rank; i++)
        perm[i] = p->n_perm < 0 ? rank - 1 - i : (int)p->perm[i];
}

fy_status shp_transpose_infer(struct op_ctx *c)
{
    const struct shp_transpose_params *p = c->params;
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (p->n_perm >= 0) {
        if (p->n_perm != x->rank)
            return op_fail(c, FY_EINVALID, "perm has %d values but the input has rank %d",
                           p->n_perm, x->rank);
        bool seen[OP_MAX_RANK] = {false};
        for (int i = 0; i < p->n_perm; i++) {
            int64_t a = p->perm[i];
            if (a < 0 || a >= x->rank || seen[a])
                return op_fail(c, FY_EINVALID, "perm is not a permutation of 0..%d (value %lld)",
                               x->rank - 1, (long long)a);
            seen[a] = true;
        }
    }
    int perm[OP_MAX_RANK];
    get_perm(p, x->rank, perm);
    int64_t dims[OP_MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        dims[i] = x->dims[perm[i]];
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status shp_transpose_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    int perm[OP_MAX_RANK];
    get_perm(c->params, x->rank, perm);
    shp_transpose(c, shp_src(x), shp_dst(c->out[0]), x->rank, x->dims, perm, shp_esize(x->dtype));
    return FY_OK;
}

/* ---- DepthToSpace / SpaceToDepth ---- */

fy_status shp_d2s_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct shp_d2s_params *p = params;
    if (!ir_node_attr(n, "blocksize"))
        return op_fail_node(n, err, FY_EINVALID, "attribute 'blocksize' is missing");
    fy_status st = op_attr_int(n, "blocksize", 0, &p->blocksize, err);
    if (st) return st;
    if (p->blocksize < 1)
        return op_fail_node(n, err, FY_EINVALID, "blocksize is %lld; it must be positive",
                            (long long)p->blocksize);
    struct ir_bytes mode;
    st = op_attr_string(n, "mode", "DCR", &mode, err);
    if (st) return st;
    if (op_bytes_eq(mode, "CRD")) {
        p->crd = true;
    } else if (!op_bytes_eq(mode, "DCR")) {
        return op_fail_node(n, err, FY_EINVALID, "mode '%.*s' is not DCR or CRD", (int)mode.size,
                            (const char *)mode.data);
    }
    return FY_OK;
}

fy_status shp_s2d_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    return shp_d2s_parse(n, opset, params, err);
}

/* Checks the input is 4-D and that blocksize^2 times any of its dims
 * cannot overflow (so the shape arithmetic below is safe). */
static fy_status expect_4d(struct op_ctx *c)
{
    const struct shp_d2s_params *p = c->params;
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->rank != 4)
        return op_fail(c, FY_EINVALID, "input has rank %d; expected 4 (N, C, H, W)", x->rank);
    for (int d = 1; d < 4; d++)
        if (x->dims[d] && p->blocksize > (INT64_MAX / x->dims[d]) / p->blocksize)
            return op_fail(c, FY_EINVALID, "blocksize %lld is too large for dim %d (%lld)",
                           (long long)p->blocksize, d, (long long)x->dims[d]);
    if (p->blocksize > (1 << 30))
        return op_fail(c, FY_EINVALID, "blocksize %lld is too large", (long long)p->blocksize);
    return FY_OK;
}

fy_status shp_d2s_infer(struct op_ctx *c)
{
    const struct shp_d2s_params *p = c->params;
    fy_status st = expect_4d(c);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t b = p->blocksize;
    if (x->dims[1] % (b * b))
        return op_fail(c, FY_EINVALID, "channels (%lld) do not divide by blocksize^2 (%lld)",
                       (long long)x->dims[1], (long long)(b * b));
    int64_t dims[4] = {x->dims[0], x->dims[1] / (b * b), x->dims[2] * b, x->dims[3] * b};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status shp_d2s_eval(struct op_ctx *c)
{
    const struct shp_d2s_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int64_t b = p->blocksize, n = x->dims[0], ch = x->dims[1] / (b * b), h = x->dims[2],
            w = x->dims[3];
    /* DCR: [N, b, b, C', H, W] -> (0, 3, 4, 1, 5, 2); CRD: [N, C', b, b, H, W] ->
     * (0, 1, 4, 2, 5, 3); both give [N, C', H, b, W, b]. */
    int64_t dcr[6] = {n, b, b, ch, h, w}, crd[6] = {n, ch, b, b, h, w};
    static const int perm_dcr[6] = {0, 3, 4, 1, 5, 2}, perm_crd[6] = {0, 1, 4, 2, 5, 3};
    shp_transpose(c, shp_src(x), shp_dst(c->out[0]), 6, p->crd ? crd : dcr,
                  p->crd ? perm_crd : perm_dcr, shp_esize(x->dtype));
    return FY_OK;
}

fy_status shp_s2d_infer(struct op_ctx *c)
{
    const struct shp_d2s_params *p = c->params;
    fy_status st = expect_4d(c);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t b = p->blocksize;
    if (x->dims[2] % b || x->dims[3] % b)
        return op_fail(c, FY_EINVALID, "height %lld and width %lld must divide by blocksize %lld",
                       (long long)x->dims[2], (long long)x->dims[3], (long long)b);
    int64_t dims[4] = {x->dims[0], x->dims[1] * b * b, x->dims[2] / b, x->dims[3] / b};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status shp_s2d_eval(struct op_ctx *c)
{
    const struct shp_d2s_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int64_t b = p->blocksize;
    /* [N, C, H/b, b, W/b, b] -> (0, 3, 5, 1, 2, 4) = [N, b, b, C, H/b, W/b] */
    int64_t v[6] = {x->dims[0], x->dims[1], x->dims[2] / b, b, x->dims[3] / b, b};
    static const int perm[6] = {0, 3, 5, 1, 2, 4};
    shp_transpose(c, shp_src(x), shp_dst(c->out[0]), 6, v, perm, shp_esize(x->dtype));
    return FY_OK;
}
