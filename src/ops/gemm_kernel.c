/* Blocked, packed SGEMM (see gemm_kernel.h).
 *
 * Loop structure (Goto/BLIS):
 *
 *   for each panel of NC columns of C
 *     for each block of KC values of k          pack B[k-block, panel]
 *       for each block of MC rows of C          pack A[row-block, k-block]
 *         for each NR-wide strip, MR-high strip  micro-kernel: MR x NR tile
 *
 * Packed B holds NR-column strips stored k-major (NR values per k),
 * zero-padded to whole strips, so the micro-kernel reads it sequentially and
 * edge tiles need no special arithmetic (only their write-back is clipped).
 * A caller may supply B's packer (Conv packs straight from the image); with
 * few rows of C (<= DIRECT_B_MAX_M) the full strips of an untransposed B are
 * read in place instead, since copying B would cost as much as using it.
 * A is packed likewise (MR-row strips, k-major) only when it is transposed or
 * scaled; an untransposed A (the weights of Conv, MatMul) is read in place,
 * row by row, as the micro-kernels take A with any row and k stride.
 * Products of at most SMALL_M rows skip all of this (see sgemm_small).
 *
 * Threads split C into ranges of whole strips, along n when the matrix is
 * wider than tall, else along m; each range packs what it needs itself. */
#include "ops/gemm_kernel.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define SGEMM_X86 1
#include <immintrin.h>
#else
#define SGEMM_X86 0
#endif

/* Largest micro-tile of any kernel (the edge-tile buffer is sized by it). */
#define TILE_MAX_MR 16
#define TILE_MAX_NR 32

/* A micro-kernel computes an mr x nr tile of C from kc steps of A and packed
 * B: C = acc (store) or C += acc (accumulate). A's element (i, k) is read at
 * a[i*rs + k*cs]: packed strips have rs = 1, cs = MR; an untransposed A is
 * read in place (rs = lda, cs = 1), as its rows stream well and copying the
 * weights of every convolution on every run cost more than it saved. Rows
 * at or past `rows` repeat the last valid row (edge tiles are computed whole
 * and only their valid part is written back). bias (NULL or one value per
 * row) is added on the way out. */
typedef void (*ukernel_fn)(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows,
                           const float *b, int64_t bs, float *c, int64_t ldc, bool accumulate,
                           const float *bias);

struct ukernel {
    int mr, nr;
    int64_t mc, kc, nc; /* cache blocking: rows of A, depth, columns of B */
    ukernel_fn fn;
};

static const float *a_row(const float *a, int64_t rs, int i, int rows)
{
    return a + (i < rows ? i : rows - 1) * rs;
}

/* ---- portable micro-kernel: 4 x 8 ----
 * GNU C vector types (GCC and Clang lower them to SSE, NEON, ... or to
 * scalar code): plain arrays are not kept in registers at -O2, and GCC 12
 * does not auto-vectorize at -O2 at all. 8 accumulators + 2 B vectors fit
 * the 16 registers of SSE2. */
typedef float vf4 __attribute__((vector_size(16)));

static void ukernel_portable(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows,
                             const float *b, int64_t bs, float *c, int64_t ldc, bool accumulate,
                             const float *bias)
{
    const float *a0 = a_row(a, rs, 0, rows), *a1 = a_row(a, rs, 1, rows);
    const float *a2 = a_row(a, rs, 2, rows), *a3 = a_row(a, rs, 3, rows);
    vf4 c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
    for (int64_t k = 0, off = 0; k < kc; k++, off += cs) {
        vf4 b0, b1;
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + 4, sizeof b1);
        c00 += a0[off] * b0;
        c01 += a0[off] * b1;
        c10 += a1[off] * b0;
        c11 += a1[off] * b1;
        c20 += a2[off] * b0;
        c21 += a2[off] * b1;
        c30 += a3[off] * b0;
        c31 += a3[off] * b1;
        b += bs;
    }
    vf4 out[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    for (int i = 0; i < 4; i++) {
        float *ci = c + i * ldc;
        if (accumulate) {
            vf4 o0, o1;
            memcpy(&o0, ci, sizeof o0);
            memcpy(&o1, ci + 4, sizeof o1);
            out[i][0] += o0;
            out[i][1] += o1;
        }
        if (bias) {
            float bv = bias[i < rows ? i : rows - 1];
            out[i][0] += bv;
            out[i][1] += bv;
        }
        memcpy(ci, &out[i][0], sizeof out[i][0]);
        memcpy(ci + 4, &out[i][1], sizeof out[i][1]);
    }
}

#if SGEMM_X86
/* ---- AVX2 + FMA micro-kernel: 6 x 16 ----
 * 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers. */
__attribute__((target("avx2,fma"))) static void
ukernel_avx2(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows, const float *b,
             int64_t bs, float *c, int64_t ldc, bool accumulate, const float *bias)
{
    const float *a0 = a_row(a, rs, 0, rows), *a1 = a_row(a, rs, 1, rows);
    const float *a2 = a_row(a, rs, 2, rows), *a3 = a_row(a, rs, 3, rows);
    const float *a4 = a_row(a, rs, 4, rows), *a5 = a_row(a, rs, 5, rows);
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int64_t k = 0, off = 0; k < kc; k++, off += cs) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 av;
        av = _mm256_broadcast_ss(a0 + off);
        c00 = _mm256_fmadd_ps(av, b0, c00);
        c01 = _mm256_fmadd_ps(av, b1, c01);
        av = _mm256_broadcast_ss(a1 + off);
        c10 = _mm256_fmadd_ps(av, b0, c10);
        c11 = _mm256_fmadd_ps(av, b1, c11);
        av = _mm256_broadcast_ss(a2 + off);
        c20 = _mm256_fmadd_ps(av, b0, c20);
        c21 = _mm256_fmadd_ps(av, b1, c21);
        av = _mm256_broadcast_ss(a3 + off);
        c30 = _mm256_fmadd_ps(av, b0, c30);
        c31 = _mm256_fmadd_ps(av, b1, c31);
        av = _mm256_broadcast_ss(a4 + off);
        c40 = _mm256_fmadd_ps(av, b0, c40);
        c41 = _mm256_fmadd_ps(av, b1, c41);
        av = _mm256_broadcast_ss(a5 + off);
        c50 = _mm256_fmadd_ps(av, b0, c50);
        c51 = _mm256_fmadd_ps(av, b1, c51);
        b += bs;
    }
    __m256 out[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                        {c30, c31}, {c40, c41}, {c50, c51}};
    for (int i = 0; i < 6; i++) {
        float *ci = c + i * ldc;
        if (accumulate) {
            out[i][0] = _mm256_add_ps(out[i][0], _mm256_loadu_ps(ci));
            out[i][1] = _mm256_add_ps(out[i][1], _mm256_loadu_ps(ci + 8));
        }
        if (bias) {
            __m256 bv = _mm256_set1_ps(bias[i < rows ? i : rows - 1]);
            out[i][0] = _mm256_add_ps(out[i][0], bv);
            out[i][1] = _mm256_add_ps(out[i][1], bv);
        }
        _mm256_storeu_ps(ci, out[i][0]);
        _mm256_storeu_ps(ci + 8, out[i][1]);
    }
}

/* ---- AVX-512 micro-kernel: 8 x 32 ----
 * 16 accumulators (enough independent FMAs to cover latency on two FMA
 * ports); A values are broadcast straight from memory into the FMAs. Eight
 * rows divide the channel counts of common networks (64, 128, ...) evenly.
 * Named accumulators: GCC keeps an array of vectors on the stack. */
__attribute__((target("avx512f"))) static void
ukernel_avx512(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows, const float *b,
               int64_t bs, float *c, int64_t ldc, bool accumulate, const float *bias)
{
    const float *a0 = a_row(a, rs, 0, rows), *a1 = a_row(a, rs, 1, rows);
    const float *a2 = a_row(a, rs, 2, rows), *a3 = a_row(a, rs, 3, rows);
    const float *a4 = a_row(a, rs, 4, rows), *a5 = a_row(a, rs, 5, rows);
    const float *a6 = a_row(a, rs, 6, rows), *a7 = a_row(a, rs, 7, rows);
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps();
    __m512 c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
    for (int64_t k = 0, off = 0; k < kc; k++, off += cs) {
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        __m512 av;
        av = _mm512_set1_ps(a0[off]);
        c00 = _mm512_fmadd_ps(av, b0, c00);
        c01 = _mm512_fmadd_ps(av, b1, c01);
        av = _mm512_set1_ps(a1[off]);
        c10 = _mm512_fmadd_ps(av, b0, c10);
        c11 = _mm512_fmadd_ps(av, b1, c11);
        av = _mm512_set1_ps(a2[off]);
        c20 = _mm512_fmadd_ps(av, b0, c20);
        c21 = _mm512_fmadd_ps(av, b1, c21);
        av = _mm512_set1_ps(a3[off]);
        c30 = _mm512_fmadd_ps(av, b0, c30);
        c31 = _mm512_fmadd_ps(av, b1, c31);
        av = _mm512_set1_ps(a4[off]);
        c40 = _mm512_fmadd_ps(av, b0, c40);
        c41 = _mm512_fmadd_ps(av, b1, c41);
        av = _mm512_set1_ps(a5[off]);
        c50 = _mm512_fmadd_ps(av, b0, c50);
        c51 = _mm512_fmadd_ps(av, b1, c51);
        av = _mm512_set1_ps(a6[off]);
        c60 = _mm512_fmadd_ps(av, b0, c60);
        c61 = _mm512_fmadd_ps(av, b1, c61);
        av = _mm512_set1_ps(a7[off]);
        c70 = _mm512_fmadd_ps(av, b0, c70);
        c71 = _mm512_fmadd_ps(av, b1, c71);
        b += bs;
    }
    __m512 out[8][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                        {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    for (int i = 0; i < 8; i++) {
        float *ci = c + i * ldc;
        if (accumulate) {
            out[i][0] = _mm512_add_ps(out[i][0], _mm512_loadu_ps(ci));
            out[i][1] = _mm512_add_ps(out[i][1], _mm512_loadu_ps(ci + 16));
        }
        if (bias) {
            __m512 bv = _mm512_set1_ps(bias[i < rows ? i : rows - 1]);
            out[i][0] = _mm512_add_ps(out[i][0], bv);
            out[i][1] = _mm512_add_ps(out[i][1], bv);
        }
        _mm512_storeu_ps(ci, out[i][0]);
        _mm512_storeu_ps(ci + 16, out[i][1]);
    }
}
#endif

static const struct ukernel kernels[SGEMM_ISA_COUNT] = {
    [SGEMM_PORTABLE] = {4, 8, 128, 256, 512, ukernel_portable},
#if SGEMM_X86
    [SGEMM_AVX2] = {6, 16, 144, 256, 512, ukernel_avx2},
    [SGEMM_AVX512] = {8, 32, 128, 256, 512, ukernel_avx512},
#endif
};

bool sgemm_isa_available(enum sgemm_isa isa)
{
    switch (isa) {
    case SGEMM_PORTABLE: return true;
#if SGEMM_X86
    case SGEMM_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SGEMM_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f");
#endif
    default: return false;
    }
}

const char *sgemm_isa_name(enum sgemm_isa isa)
{
    static const char *const names[SGEMM_ISA_COUNT] = {"portable", "avx2", "avx512"};
    return (unsigned)isa < SGEMM_ISA_COUNT ? names[isa] : "?";
}

static _Atomic int forced_isa = SGEMM_ISA_COUNT;

void sgemm_force_isa(enum sgemm_isa isa)
{
    atomic_store(&forced_isa, (int)isa);
}

enum sgemm_isa sgemm_best_isa(void)
{
    int forced = atomic_load(&forced_isa);
    if (forced != SGEMM_ISA_COUNT) return (enum sgemm_isa)forced;
    /* Decided once; __builtin_cpu_supports is cheap but not free. */
    static _Atomic int best = -1;
    int b = atomic_load(&best);
    if (b < 0) {
        b = SGEMM_PORTABLE;
        if (sgemm_isa_available(SGEMM_AVX2)) b = SGEMM_AVX2;
        if (sgemm_isa_available(SGEMM_AVX512)) b = SGEMM_AVX512;
        atomic_store(&best, b);
    }
    return (enum sgemm_isa)b;
}

/* ---- packing ---- */

#define DIRECT_B_MAX_M 256

struct job {
    const struct sgemm_args *g;
    const struct ukernel *uk;
    bool split_n; /* ranges are NR-strips of columns (else MR-strips of rows) */
    bool direct_b; /* B read in place (untransposed, few rows of C) */
    atomic_bool nomem;
};

/* Packs rows [m0, m0+mc) x depth [k0, k0+kc) of alpha*A into MR-row strips.
 * Loops run along A's contiguous dim (k, or m when transposed) so the
 * reads stream; the scattered writes stay within one strip (L1). */
static void pack_a(const struct sgemm_args *g, int mr, int64_t m0, int64_t mc, int64_t k0,
                   int64_t kc, float *dst)
{
    for (int64_t s = 0; s < mc; s += mr) {
        int rows = mc - s < mr ? (int)(mc - s) : mr;
        if (!g->trans_a) {
            for (int i = 0; i < rows; i++) {
                const float *src = g->a + (m0 + s + i) * g->lda + k0;
                float *d = dst + i;
                for (int64_t k = 0; k < kc; k++) d[k * mr] = src[k];
            }
        } else {
            for (int64_t k = 0; k < kc; k++)
                memcpy(dst + k * mr, g->a + (k0 + k) * g->lda + m0 + s,
                       (size_t)rows * sizeof(float));
        }
        for (int i = rows; i < mr; i++)
            for (int64_t k = 0; k < kc; k++) dst[k * mr + i] = 0;
        if (g->alpha != 1)
            for (int64_t k = 0; k < kc * mr; k++) dst[k] *= g->alpha;
        dst += kc * mr;
    }
}

/* Copies one k-row of a full B strip: a constant size lets the compiler
 * inline the copy as a few vector moves. */
static void copy_row(float *d, const float *s, int nr)
{
    switch (nr) {
    case 8: memcpy(d, s, 8 * sizeof(float)); break;
    case 16: memcpy(d, s, 16 * sizeof(float)); break;
    case 32: memcpy(d, s, 32 * sizeof(float)); break;
    default: memcpy(d, s, (size_t)nr * sizeof(float)); break;
    }
}

/* Packs depth [k0, k0+kc) x columns [n0, n0+nc) of B into NR-column strips. */
static void pack_b(const struct sgemm_args *g, int nr, int64_t k0, int64_t kc, int64_t n0,
                   int64_t nc, float *dst)
{
    for (int64_t s = 0; s < nc; s += nr) {
        int cols = nc - s < nr ? (int)(nc - s) : nr;
        if (!g->trans_b) {
            const float *src = g->b + k0 * g->ldb + n0 + s;
            if (cols == nr) {
                for (int64_t k = 0; k < kc; k++) copy_row(dst + k * nr, src + k * g->ldb, nr);
            } else {
                for (int64_t k = 0; k < kc; k++) {
                    memcpy(dst + k * nr, src + k * g->ldb, (size_t)cols * sizeof(float));
                    for (int j = cols; j < nr; j++) dst[k * nr + j] = 0;
                }
            }
        } else {
            for (int j = 0; j < cols; j++) {
                const float *src = g->b + (n0 + s + j) * g->ldb + k0;
                for (int64_t k = 0; k < kc; k++) dst[k * nr + j] = src[k];
            }
            for (int j = cols; j < nr; j++)
                for (int64_t k = 0; k < kc; k++) dst[k * nr + j] = 0;
        }
        dst += kc * nr;
    }
}

/* C[m0:m1, n0:n1] *= beta (beta != 0, != 1), before accumulating into it. */
static void scale_c(const struct sgemm_args *g, int64_t m0, int64_t m1, int64_t n0, int64_t n1)
{
    for (int64_t m = m0; m < m1; m++) {
        float *row = g->c + m * g->ldc;
        for (int64_t n = n0; n < n1; n++) row[n] *= g->beta;
    }
}

/* The blocked product for the sub-matrix C[m0:m1, n0:n1]. */
static void gemm_range(const struct job *j, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                       float *pa, float *pb)
{
    const struct sgemm_args *g = j->g;
    const struct ukernel *uk = j->uk;
    const int mr = uk->mr, nr = uk->nr;
    _Alignas(64) float tile[TILE_MAX_MR * TILE_MAX_NR];
    if (g->beta != 0 && g->beta != 1) scale_c(g, m0, m1, n0, n1);
    for (int64_t jc = n0; jc < n1; jc += uk->nc) {
        int64_t nc = n1 - jc < uk->nc ? n1 - jc : uk->nc;
        for (int64_t pc = 0; pc < g->k; pc += uk->kc) {
            int64_t kc = g->k - pc < uk->kc ? g->k - pc : uk->kc;
            /* the first k-block overwrites C when beta is 0 */
            bool accumulate = pc > 0 || g->beta != 0;
            /* B read in place, full strips only (the last partial one is
             * packed, so no read runs past a row of B) */
            int64_t direct_cols = j->direct_b ? nc / nr * nr : 0;
            if (g->pack_b)
                g->pack_b(g->pack_user, pc, kc, jc, nc, nr, pb);
            else if (direct_cols < nc)
                pack_b(g, nr, pc, kc, jc + direct_cols, nc - direct_cols, pb + direct_cols * kc);
            /* the bias goes in with the last k-block, after the products: the
             * order of a GEMM followed by a separate bias add */
            const float *bias = pc + kc >= g->k ? g->row_bias : NULL;
            for (int64_t ic = m0; ic < m1; ic += uk->mc) {
                int64_t mc = m1 - ic < uk->mc ? m1 - ic : uk->mc;
                /* A is read in place when it is untransposed and unscaled */
                bool direct = !g->trans_a && g->alpha == 1;
                int64_t rs = direct ? g->lda : 1, cs = direct ? 1 : mr;
                if (!direct) pack_a(g, mr, ic, mc, pc, kc, pa);
                for (int64_t jr = 0; jr < nc; jr += nr) {
                    int cols = nc - jr < nr ? (int)(nc - jr) : nr;
                    bool b_direct = jr < direct_cols;
                    const float *bp = b_direct ? g->b + pc * g->ldb + jc + jr : pb + jr * kc;
                    int64_t bs = b_direct ? g->ldb : nr;
                    for (int64_t ir = 0; ir < mc; ir += mr) {
                        int rows = mc - ir < mr ? (int)(mc - ir) : mr;
                        const float *ap = direct ? g->a + (ic + ir) * g->lda + pc : pa + ir * kc;
                        float *cp = g->c + (ic + ir) * g->ldc + jc + jr;
                        const float *bi = bias ? bias + ic + ir : NULL;
                        if (rows == mr && cols == nr) {
                            uk->fn(kc, ap, rs, cs, rows, bp, bs, cp, g->ldc, accumulate, bi);
                            continue;
                        }
                        /* edge tile: compute the whole tile aside, write back the valid part */
                        if (accumulate)
                            for (int i = 0; i < rows; i++)
                                memcpy(tile + i * nr, cp + i * g->ldc,
                                       (size_t)cols * sizeof(float));
                        uk->fn(kc, ap, rs, cs, rows, bp, bs, tile, nr, accumulate, bi);
                        for (int i = 0; i < rows; i++)
                            memcpy(cp + i * g->ldc, tile + i * nr, (size_t)cols * sizeof(float));
                    }
                }
            }
        }
    }
}

static void gemm_task(void *arg, int64_t begin, int64_t end)
{
    struct job *j = arg;
    const struct sgemm_args *g = j->g;
    const struct ukernel *uk = j->uk;
    int64_t m0 = 0, m1 = g->m, n0 = 0, n1 = g->n;
    if (j->split_n) {
        n0 = begin * uk->nr;
        n1 = end * uk->nr < g->n ? end * uk->nr : g->n;
    } else {
        m0 = begin * uk->mr;
        m1 = end * uk->mr < g->m ? end * uk->mr : g->m;
    }
    int64_t kc = g->k < uk->kc ? g->k : uk->kc;
    int64_t mc = m1 - m0 < uk->mc ? m1 - m0 : uk->mc;
    int64_t nc = n1 - n0 < uk->nc ? n1 - n0 : uk->nc;
    mc = (mc + uk->mr - 1) / uk->mr * uk->mr;
    nc = (nc + uk->nr - 1) / uk->nr * uk->nr;
    size_t abytes = ((size_t)(mc * kc) * sizeof(float) + 63) & ~(size_t)63;
    size_t bbytes = ((size_t)(kc * nc) * sizeof(float) + 63) & ~(size_t)63;
    /* Each range packs into memory of its own: workers share nothing mutable. */
    float *buf = aligned_alloc(64, abytes + bbytes);
    if (!buf) {
        atomic_store(&j->nomem, true);
        return;
    }
    gemm_range(j, m0, m1, n0, n1, buf, buf + abytes / sizeof(float));
    free(buf);
}

/* ---- products with a few rows ----
 * A vector (or a few) times a matrix, as in the classifier of a CNN: packing
 * B would copy all of it to use each value at most SMALL_M times. Instead
 * each output is a dot product with a row of B (B transposed: the weights of
 * Gemm/Linear) or a sum of scaled rows of B, streaming B once. */
#define SMALL_M 4

typedef float vf4s __attribute__((vector_size(16)));

static vf4s loadv(const float *p)
{
    vf4s v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* fixed order: 8 partial sums, combined pairwise, then the tail */
static float dot(int64_t n, const float *x, const float *y)
{
    vf4s s0 = {0}, s1 = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += loadv(x + i) * loadv(y + i);
        s1 += loadv(x + i + 4) * loadv(y + i + 4);
    }
    vf4s sv = s0 + s1;
    float sum = (sv[0] + sv[1]) + (sv[2] + sv[3]);
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

struct small_job {
    const struct sgemm_args *g;
    const float *arows; /* alpha * A, M rows of K, contiguous */
    atomic_bool nomem;
};

/* Columns [n0, n1) of every row of C. */
static void small_task(void *arg, int64_t n0, int64_t n1)
{
    struct small_job *j = arg;
    const struct sgemm_args *g = j->g;
    float *acc = g->trans_b ? NULL : calloc((size_t)(n1 - n0) + 1, sizeof(float));
    if (!g->trans_b && !acc) {
        atomic_store(&j->nomem, true);
        return;
    }
    for (int64_t i = 0; i < g->m; i++) {
        const float *ar = j->arows + i * g->k;
        float *ci = g->c + i * g->ldc;
        if (!g->trans_b) {
            memset(acc, 0, (size_t)(n1 - n0) * sizeof(float));
            for (int64_t k = 0; k < g->k; k++) {
                const float *br = g->b + k * g->ldb + n0;
                vf4s av = (vf4s){0} + ar[k];
                int64_t n = 0;
                for (; n + 4 <= n1 - n0; n += 4) {
                    vf4s v = loadv(acc + n) + av * loadv(br + n);
                    memcpy(acc + n, &v, sizeof v);
                }
                for (; n < n1 - n0; n++) acc[n] += ar[k] * br[n];
            }
        }
        for (int64_t n = n0; n < n1; n++) {
            float v = g->trans_b ? dot(g->k, ar, g->b + n * g->ldb) : acc[n - n0];
            if (g->beta != 0) v += g->beta * ci[n];
            if (g->row_bias) v += g->row_bias[i];
            ci[n] = v;
        }
    }
    free(acc);
}

static fy_status sgemm_small(struct op_ctx *ctx, const struct sgemm_args *g)
{
    float *arows = malloc((size_t)(g->m * g->k) * sizeof(float) + 16);
    if (!arows) {
        if (ctx) return op_fail(ctx, FY_ENOMEM, "out of memory for a matrix product");
        return FY_ENOMEM;
    }
    for (int64_t i = 0; i < g->m; i++)
        for (int64_t k = 0; k < g->k; k++)
            arows[i * g->k + k] =
                g->alpha * (g->trans_a ? g->a[k * g->lda + i] : g->a[i * g->lda + k]);
    struct small_job j = {.g = g, .arows = arows};
    atomic_init(&j.nomem, false);
    int64_t min_cols = ((int64_t)1 << 16) / (g->m * g->k) + 16;
    if (ctx)
        op_parallel_for(ctx, g->n, min_cols, small_task, &j);
    else
        small_task(&j, 0, g->n);
    free(arows);
    if (atomic_load(&j.nomem)) {
        if (ctx) return op_fail(ctx, FY_ENOMEM, "out of memory for a matrix product");
        return FY_ENOMEM;
    }
    return FY_OK;
}

fy_status sgemm_with(struct op_ctx *ctx, enum sgemm_isa isa, const struct sgemm_args *g)
{
    if (g->m <= 0 || g->n <= 0) return FY_OK;
    if (g->k <= 0) {
        /* no products: C = beta * C */
        for (int64_t m = 0; m < g->m; m++)
            for (int64_t n = 0; n < g->n; n++) {
                float *p = g->c + m * g->ldc + n;
                *p = (g->beta == 0 ? 0 : g->beta * *p) + (g->row_bias ? g->row_bias[m] : 0);
            }
        return FY_OK;
    }
    if (g->m <= SMALL_M && !g->pack_b) return sgemm_small(ctx, g);
    struct job j = {.g = g, .uk = &kernels[isa]};
    /* Packing B copies K x N values to use each of them M times: with few
     * rows of C the copy costs as much as the products, so B is read in
     * place (its rows stream well enough from L2). */
    j.direct_b = !g->trans_b && !g->pack_b && g->m <= DIRECT_B_MAX_M;
    atomic_init(&j.nomem, false);
    const struct ukernel *uk = j.uk;
    /* Splitting along n makes every range pack all of A, along m all of B:
     * duplicate the smaller operand. */
    j.split_n = g->n >= g->m;
    int64_t strips = j.split_n ? (g->n + uk->nr - 1) / uk->nr : (g->m + uk->mr - 1) / uk->mr;
    /* at least ~1M multiply-adds per range, so small products stay on one thread */
    int64_t per_strip = (j.split_n ? g->m * uk->nr : g->n * uk->mr) * g->k;
    int64_t min_chunk = per_strip > 0 ? ((int64_t)1 << 20) / per_strip + 1 : strips;
    if (ctx)
        op_parallel_for(ctx, strips, min_chunk, gemm_task, &j);
    else
        gemm_task(&j, 0, strips);
    if (atomic_load(&j.nomem)) {
        if (ctx) return op_fail(ctx, FY_ENOMEM, "out of memory for matrix product buffers");
        return FY_ENOMEM;
    }
    return FY_OK;
}

fy_status sgemm(struct op_ctx *ctx, const struct sgemm_args *g)
{
    return sgemm_with(ctx, sgemm_best_isa(), g);
}
