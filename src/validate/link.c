/* Which candidate tensor holds which reference tensor, and moving values
 * between the two models' layouts and dtypes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include "core/json_read.h"
#include "core/strmap.h"
#include "validate/internal.h"

#define RECORD_KEY "ferry.conversion"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

/* The record's bytes, from TFLite metadata or ONNX metadata_props. */
static bool record_bytes(const struct ir_model *m, const void **data, size_t *size)
{
    if (m->tflite)
        for (int i = 0; i < m->tflite->n_metadata; i++)
            if (m->tflite->metadata[i].name && !strcmp(m->tflite->metadata[i].name, RECORD_KEY)) {
                *data = m->tflite->metadata[i].data.data;
                *size = m->tflite->metadata[i].data.size;
                return true;
            }
    for (int i = 0; i < m->n_metadata; i++)
        if (m->metadata[i].key && !strcmp(m->metadata[i].key, RECORD_KEY)) {
            *data = m->metadata[i].value;
            *size = strlen(m->metadata[i].value);
            return true;
        }
    return false;
}

/* Main-graph tensors by the name the file gives them (origin), and by the
 * IR's name as a fallback. */
static fy_status index_names(const struct ir_graph *g, struct strmap *by, struct fy_error *err)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < g->n_tensors; i++) {
            const struct ir_tensor *t = g->tensors[i];
            const char *nm = pass ? t->name : (t->origin ? t->origin : t->name);
            if (!nm || strmap_get(by, nm, strlen(nm))) continue;
            if (strmap_put(by, nm, strlen(nm), (void *)(uintptr_t)t)) return nomem(err);
        }
    return FY_OK;
}

static bool is_permutation(const int *perm, int rank)
{
    bool seen[OP_MAX_RANK] = {false};
    for (int i = 0; i < rank; i++) {
        if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) return false;
        seen[perm[i]] = true;
    }
    return true;
}

static fy_status read_record(struct vmap *m, const void *data, size_t size, struct strmap *ref_by,
                             struct strmap *cand_by, struct arena *a, struct fy_error *err)
{
    const struct jv *root = NULL;
    fy_status st = json_read(a, data, size, &root, err);
    if (st) return st;
    const struct jv *tensors = jv_get(root, "tensors");
    if (jv_type(root) != JV_OBJECT || jv_type(tensors) != JV_ARRAY)
        return err_fmt(err, FY_EFORMAT,
                       "the conversion record '" RECORD_KEY "' has no \"tensors\" array");
    for (int i = 0; i < jv_len(tensors); i++) {
        const struct jv *e = jv_at(tensors, i);
        const char *name = jv_string(jv_get(e, "name"));
        const char *source = jv_string(jv_get(e, "source"));
        const struct jv *perm = jv_get(e, "perm");
        if (!name || !source)
            return err_fmt(err, FY_EFORMAT,
                           "conversion record entry %d lacks a \"name\" or \"source\" string", i);
        struct vlink l = {0};
        if (perm) {
            l.rank = jv_len(perm);
            if (jv_type(perm) != JV_ARRAY || l.rank > OP_MAX_RANK)
                return err_fmt(err, FY_EFORMAT,
                               "conversion record entry '%s': \"perm\" is not an array of at "
                               "most %d axes",
                               name, OP_MAX_RANK);
            for (int q = 0; q < l.rank; q++) {
                const struct jv *v = jv_at(perm, q);
                l.perm[q] = jv_is_int(v) ? (int)jv_int(v) : -1;
            }
            if (!is_permutation(l.perm, l.rank))
                return err_fmt(err, FY_EFORMAT,
                               "conversion record entry '%s': \"perm\" is not a permutation",
                               name);
        }
        const struct ir_tensor *ct = strmap_get(cand_by, name, strlen(name));
        l.ref = strmap_get(ref_by, source, strlen(source));
        /* names the record gives but the files lack: a record from another
         * model pair; those tensors stay unlinked */
        if (!ct || !l.ref || ct->kind == IR_TENSOR_CONST) continue;
        if (m->by_cand[ct->id].ref) continue;
        m->by_cand[ct->id] = l;
        m->n_linked++;
    }
    return FY_OK;
}

fy_status vmap_build(struct vmap *m, const struct ir_model *ref, const struct ir_model *cand,
                     struct arena *a, struct fy_error *err)
{
    memset(m, 0, sizeof *m);
    m->ref = ref;
    m->cand = cand;
    const struct ir_graph *cg = cand->graph, *rg = ref->graph;
    m->n_cand = cg->n_tensors;
    m->by_cand = ARENA_ARRAY(a, cg->n_tensors + 1, struct vlink);
    if (!m->by_cand) return nomem(err);
    struct strmap ref_by, cand_by;
    strmap_init(&ref_by, a);
    strmap_init(&cand_by, a);
    fy_status st = index_names(rg, &ref_by, err);
    if (!st) st = index_names(cg, &cand_by, err);
    if (st) return st;
    const void *data;
    size_t size;
    if (record_bytes(cand, &data, &size)) {
        m->from_record = true;
        return read_record(m, data, size, &ref_by, &cand_by, a, err);
    }
    for (int i = 0; i < cg->n_tensors; i++) {
        const struct ir_tensor *t = cg->tensors[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        const char *nm = t->origin ? t->origin : t->name;
        const struct ir_tensor *r = strmap_get(&ref_by, nm, strlen(nm));
        if (!r || r->kind == IR_TENSOR_CONST) continue;
        m->by_cand[i].ref = r;
        m->n_linked++;
    }
    return FY_OK;
}

void vlink_cand_dims(const struct vlink *l, int rank, const int64_t *ref_dims, int64_t *out)
{
    for (int i = 0; i < rank; i++) out[i] = l->rank == rank ? ref_dims[l->perm[i]] : ref_dims[i];
}

/* The quantization step and zero point of element i (per axis or not). */
static void quant_at(const struct op_tensor *v, uint64_t i, double *scale, double *zp)
{
    const struct ir_quant *q = v->quant;
    int c = 0;
    if (q->count > 1 && q->axis >= 0 && q->axis < v->rank) {
        uint64_t inner = 1;
        for (int d = q->axis + 1; d < v->rank; d++) inner *= (uint64_t)v->dims[d];
        c = (int)((i / inner) % (uint64_t)v->dims[q->axis]);
        if (c >= q->count) c = q->count - 1;
    }
    *scale = q->scale ? q->scale[c] : 1.0;
    *zp = q->zero_point ? (double)q->zero_point[c] : 0.0;
}

/* The values an integer dtype holds (as doubles: int64's ends round). */
static void int_range(enum ir_dtype dt, double *lo, double *hi)
{
    int bits = ir_dtype_table[dt].bits;
    if (dt == IR_BOOL) bits = 1;
    if (ir_dtype_table[dt].is_signed_int) {
        *lo = -ldexp(1.0, bits - 1);
        *hi = ldexp(1.0, bits - 1) - 1;
    } else {
        *lo = 0;
        *hi = ldexp(1.0, bits) - 1;
    }
    if (bits >= 64) *hi = ldexp(1.0, bits - 1 + !ir_dtype_table[dt].is_signed_int) - 1024;
}

static bool is_quantized(const struct op_tensor *v)
{
    return v->quant && v->quant->count > 0 && v->quant->scale && !ir_dtype_table[v->dtype].is_float;
}

void value_to_double(const struct op_tensor *v, double *out)
{
    if (v->dtype == IR_F32) {
        const float *x = v->data;
        for (uint64_t i = 0; i < v->numel; i++) out[i] = x[i];
    } else if (is_quantized(v)) {
        for (uint64_t i = 0; i < v->numel; i++) {
            double s, z;
            quant_at(v, i, &s, &z);
            out[i] = ((double)op_get_i64(v, i) - z) * s;
        }
    } else if (v->dtype == IR_STRING) {
        for (uint64_t i = 0; i < v->numel; i++) out[i] = 0;
    } else {
        for (uint64_t i = 0; i < v->numel; i++) out[i] = op_get_f64(v, i);
    }
}

static bool dims_match(const struct vlink *l, const struct op_tensor *cand, int ref_rank,
                       const int64_t *ref_dims)
{
    if (cand->rank != ref_rank) return false;
    int64_t want[OP_MAX_RANK];
    vlink_cand_dims(l, ref_rank, ref_dims, want);
    for (int d = 0; d < ref_rank; d++)
        if (want[d] != cand->dims[d]) return false;
    return true;
}

static void describe_dims(char *buf, size_t cap, int rank, const int64_t *dims)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < rank && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)dims[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

/* Visits the candidate's elements in its own order and gives each one's
 * offset in the reference layout. */
static void permuted_offsets(const struct vlink *l, int rank, const int64_t *ref_dims,
                             void (*fn)(void *, uint64_t cand_i, uint64_t ref_i), void *user)
{
    uint64_t n = 1;
    for (int d = 0; d < rank; d++) n *= (uint64_t)ref_dims[d];
    if (l->rank != rank || rank == 0) {
        for (uint64_t i = 0; i < n; i++) fn(user, i, i);
        return;
    }
    int64_t rstride[OP_MAX_RANK], cdims[OP_MAX_RANK], step[OP_MAX_RANK], idx[OP_MAX_RANK] = {0};
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        rstride[d] = s;
        s *= ref_dims[d];
    }
    vlink_cand_dims(l, rank, ref_dims, cdims);
    for (int d = 0; d < rank; d++) step[d] = rstride[l->perm[d]];
    uint64_t off = 0;
    for (uint64_t i = 0; i < n; i++) {
        fn(user, i, off);
        for (int d = rank - 1; d >= 0; d--) {
            idx[d]++;
            off += (uint64_t)step[d];
            if (idx[d] < cdims[d]) break;
            off -= (uint64_t)(step[d] * cdims[d]);
            idx[d] = 0;
        }
    }
}

struct scatter {
    const double *src;
    double *dst;
};

static void scatter_to_ref(void *u, uint64_t ci, uint64_t ri)
{
    struct scatter *s = u;
    s->dst[ri] = s->src[ci];
}

static void gather_from_ref(void *u, uint64_t ci, uint64_t ri)
{
    struct scatter *s = u;
    s->dst[ci] = s->src[ri];
}

fy_status vlink_cand_to_ref(const struct vlink *l, const struct op_tensor *cand, int ref_rank,
                            const int64_t *ref_dims, double *out, const char *what,
                            struct fy_error *err)
{
    if (!dims_match(l, cand, ref_rank, ref_dims)) {
        uint64_t n = 1;
        for (int d = 0; d < ref_rank; d++) n *= (uint64_t)ref_dims[d];
        /* same elements in the same order under another shape (a Flatten
         * the converter folded into a Reshape): compared as they are */
        if (l->rank == 0 && cand->numel == n) {
            value_to_double(cand, out);
            return FY_OK;
        }
        char got[160], want[160];
        int64_t wd[OP_MAX_RANK];
        vlink_cand_dims(l, ref_rank, ref_dims, wd);
        describe_dims(got, sizeof got, cand->rank, cand->dims);
        describe_dims(want, sizeof want, ref_rank, wd);
        return err_fmt(err, FY_EINVALID, "%s: the candidate's value has shape %s; %s expected",
                       what, got, want);
    }
    if (l->rank != ref_rank || ref_rank == 0) {
        value_to_double(cand, out);
        return FY_OK;
    }
    double *tmp = malloc((size_t)(cand->numel ? cand->numel : 1) * sizeof *tmp);
    if (!tmp) return nomem(err);
    value_to_double(cand, tmp);
    struct scatter s = {tmp, out};
    permuted_offsets(l, ref_rank, ref_dims, scatter_to_ref, &s);
    free(tmp);
    return FY_OK;
}

fy_status vlink_ref_to_cand(const struct vlink *l, const struct ir_tensor *cand_decl,
                            const struct op_tensor *ref, struct op_tensor *out,
                            struct fy_error *err)
{
    int64_t cdims[OP_MAX_RANK];
    vlink_cand_dims(l, ref->rank, ref->dims, cdims);
    enum ir_dtype dt = cand_decl->dtype != IR_UNDEFINED ? cand_decl->dtype : ref->dtype;
    if (cand_decl->rank >= 0 && cand_decl->rank != ref->rank)
        return err_fmt(err, FY_EINVALID,
                       "tensor '%s': the reference's value has rank %d; the candidate's has %d",
                       cand_decl->name, ref->rank, cand_decl->rank);
    fy_status st = op_tensor_alloc(out, dt, ref->rank, cdims, err);
    if (st) return st;
    out->quant = cand_decl->quant;
    /* same dtype and quantization: the values move as they are */
    bool same_q = (!is_quantized(ref) && !(cand_decl->quant && !ir_dtype_table[dt].is_float)) ||
                  (ref->quant == cand_decl->quant);
    if (ref->dtype == dt && same_q && dt != IR_STRING) {
        if (l->rank != ref->rank || ref->rank == 0) {
            memcpy(out->data, ref->data, (size_t)ref->nbytes);
            return FY_OK;
        }
    }
    double *vals = malloc((size_t)(ref->numel ? ref->numel : 1) * sizeof *vals);
    double *perm = malloc((size_t)(ref->numel ? ref->numel : 1) * sizeof *perm);
    if (!vals || !perm) {
        free(vals);
        free(perm);
        op_tensor_release(out);
        return nomem(err);
    }
    value_to_double(ref, vals);
    struct scatter s = {vals, perm};
    permuted_offsets(l, ref->rank, ref->dims, gather_from_ref, &s);
    bool quant_out = is_quantized(out);
    for (uint64_t i = 0; i < out->numel; i++) {
        double v = perm[i];
        if (quant_out) {
            double sc, zp;
            quant_at(out, i, &sc, &zp);
            v = round(v / sc) + zp;
        } else if (!ir_dtype_table[dt].is_float) {
            v = round(v);
        }
        if (!ir_dtype_table[dt].is_float) {
            /* op_set_i64 wraps; clamp to the dtype as QUANTIZE saturates */
            double lo, hi;
            int_range(dt, &lo, &hi);
            v = v < lo ? lo : (v > hi ? hi : v);
            op_set_i64(out, i, (int64_t)v);
        } else {
            op_set_f64(out, i, v);
        }
    }
    free(vals);
    free(perm);
    return FY_OK;
}
