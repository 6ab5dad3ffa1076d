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
 * A is packed likewise (MR-row strips, k-major) only when it is transposed;
 * an untransposed A (the weights of Conv, MatMul) is read in place, row by
 * row, as the micro-kernels take A with any row and k stride.
 *
 * Threads split C into ranges of whole strips, along n when the matrix is
 * wider than tall, else along m; each range packs what it needs itself.
 *
 * Summation order: ONNX Runtime's (MLAS, onnxruntime/core/mlas/lib/sgemm.cpp
 * MlasSgemmOperation and the x86-64 kernels SgemmKernelAvx512F.S,
 * SgemmKernelFma3.S, SgemmKernelM1Avx.S, SgemmKernelM1TransposeBAvx.S), so a
 * graph run by ferry rounds like one run by ORT's CPU EP on one thread:
 *   - KC is not a cache parameter but MLAS's StrideK (mlas_stride_k): 128,
 *     halved while it is at least twice K when N >= K (one block then), or
 *     doubled while MLAS's StrideN (128) can halve and stay >= N when N < K
 *     and A is untransposed (256 for N <= 64, 512 for N <= 32, 1024 for
 *     N <= 16). MLAS blocks N too, but columns are independent.
 *   - each element is one FMA chain over its block, from 0, in k order
 *     (MLAS's kernels broadcast A and keep one accumulator per element); the
 *     block goes into C as fma(acc, alpha, C), or acc * alpha for the first
 *     block when beta is 0; beta other than 0 and 1 scales C beforehand.
 *   - the bias of a convolution is added after the product (MLAS adds it in
 *     MlasActivation, after the GEMM).
 *   - MLAS sends M == 1 (A untransposed, alpha 1, beta 0 or 1), and N == 1
 *     with ldb == ldc == 1 (A and B swapped), to its AVX M=1 kernels, which
 *     multiply and add separately: see m1_cols and m1t_rows.
 * Every micro-kernel (portable with fmaf, AVX2+FMA, AVX-512) computes those
 * same roundings, so the bits do not depend on the CPU or the thread count. */
#include "ops/gemm_kernel.h"

#include <math.h>
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
 * B, one FMA chain per element from 0: C = acc * alpha (store) or
 * C = fma(acc, alpha, C) (accumulate). A's element (i, k) is read at
 * a[i*rs + k*cs]: packed strips have rs = 1, cs = MR; an untransposed A is
 * read in place (rs = lda, cs = 1), as its rows stream well and copying the
 * weights of every convolution on every run cost more than it saved. Rows
 * at or past `rows` repeat the last valid row (edge tiles are computed whole
 * and only their valid part is written back). bias (NULL or one value per
 * row) is added on the way out, after the rounding of the sum. */
typedef void (*ukernel_fn)(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows,
                           const float *b, int64_t bs, float *c, int64_t ldc, bool accumulate,
                           float alpha, const float *bias);

struct ukernel {
    int mr, nr;
    int64_t mc, nc; /* cache blocking: rows of A, columns of B (the depth is MLAS's) */
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
 * the 16 registers of SSE2. The multiply-adds are fused (fmaf, one rounding,
 * as the FMA instructions of the x86 kernels and of MLAS): a single
 * instruction where the target has FMA (AArch64, x86 built with -mfma), a
 * library call elsewhere, which is slow but exact. */
typedef float vf4 __attribute__((vector_size(16)));

static inline vf4 fma4(float a, vf4 b, vf4 c)
{
    vf4 r;
    for (int l = 0; l < 4; l++) r[l] = fmaf(a, b[l], c[l]);
    return r;
}

/* the epilogue of every kernel, one vector of 4 */
static inline vf4 finish4(vf4 acc, const float *ci, bool accumulate, float alpha, const float *bias,
                          int i, int rows)
{
    vf4 out;
    if (accumulate) {
        vf4 o;
        memcpy(&o, ci, sizeof o);
        for (int l = 0; l < 4; l++) out[l] = fmaf(acc[l], alpha, o[l]);
    } else {
        out = acc * alpha;
    }
    if (bias) out += bias[i < rows ? i : rows - 1];
    return out;
}

static void ukernel_portable(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows,
                             const float *b, int64_t bs, float *c, int64_t ldc, bool accumulate,
                             float alpha, const float *bias)
{
    const float *a0 = a_row(a, rs, 0, rows), *a1 = a_row(a, rs, 1, rows);
    const float *a2 = a_row(a, rs, 2, rows), *a3 = a_row(a, rs, 3, rows);
    vf4 c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
    for (int64_t k = 0, off = 0; k < kc; k++, off += cs) {
        vf4 b0, b1;
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + 4, sizeof b1);
        c00 = fma4(a0[off], b0, c00);
        c01 = fma4(a0[off], b1, c01);
        c10 = fma4(a1[off], b0, c10);
        c11 = fma4(a1[off], b1, c11);
        c20 = fma4(a2[off], b0, c20);
        c21 = fma4(a2[off], b1, c21);
        c30 = fma4(a3[off], b0, c30);
        c31 = fma4(a3[off], b1, c31);
        b += bs;
    }
    vf4 acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    for (int i = 0; i < 4; i++) {
        float *ci = c + i * ldc;
        vf4 o0 = finish4(acc[i][0], ci, accumulate, alpha, bias, i, rows);
        vf4 o1 = finish4(acc[i][1], ci + 4, accumulate, alpha, bias, i, rows);
        memcpy(ci, &o0, sizeof o0);
        memcpy(ci + 4, &o1, sizeof o1);
    }
}

#if SGEMM_X86
/* ---- AVX2 + FMA micro-kernel: 6 x 16 ----
 * 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers. */
__attribute__((target("avx2,fma"))) static inline __m256
finish_avx2(__m256 acc, const float *ci, bool accumulate, __m256 va, const float *bias, int i,
            int rows)
{
    __m256 out = accumulate ? _mm256_fmadd_ps(acc, va, _mm256_loadu_ps(ci)) : _mm256_mul_ps(acc, va);
    if (bias) out = _mm256_add_ps(out, _mm256_set1_ps(bias[i < rows ? i : rows - 1]));
    return out;
}

__attribute__((target("avx2,fma"))) static void
ukernel_avx2(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows, const float *b,
             int64_t bs, float *c, int64_t ldc, bool accumulate, float alpha, const float *bias)
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
    __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                        {c30, c31}, {c40, c41}, {c50, c51}};
    __m256 va = _mm256_set1_ps(alpha);
    for (int i = 0; i < 6; i++) {
        float *ci = c + i * ldc;
        __m256 o0 = finish_avx2(acc[i][0], ci, accumulate, va, bias, i, rows);
        __m256 o1 = finish_avx2(acc[i][1], ci + 8, accumulate, va, bias, i, rows);
        _mm256_storeu_ps(ci, o0);
        _mm256_storeu_ps(ci + 8, o1);
    }
}

/* ---- AVX-512 micro-kernel: 8 x 32 ----
 * 16 accumulators (enough independent FMAs to cover latency on two FMA
 * ports); A values are broadcast straight from memory into the FMAs. Eight
 * rows divide the channel counts of common networks (64, 128, ...) evenly.
 * Named accumulators: GCC keeps an array of vectors on the stack. */
__attribute__((target("avx512f"))) static inline __m512
finish_avx512(__m512 acc, const float *ci, bool accumulate, __m512 va, const float *bias, int i,
              int rows)
{
    __m512 out = accumulate ? _mm512_fmadd_ps(acc, va, _mm512_loadu_ps(ci)) : _mm512_mul_ps(acc, va);
    if (bias) out = _mm512_add_ps(out, _mm512_set1_ps(bias[i < rows ? i : rows - 1]));
    return out;
}

__attribute__((target("avx512f"))) static void
ukernel_avx512(int64_t kc, const float *a, int64_t rs, int64_t cs, int rows, const float *b,
               int64_t bs, float *c, int64_t ldc, bool accumulate, float alpha, const float *bias)
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
    __m512 acc[8][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                        {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    __m512 va = _mm512_set1_ps(alpha);
    for (int i = 0; i < 8; i++) {
        float *ci = c + i * ldc;
        __m512 o0 = finish_avx512(acc[i][0], ci, accumulate, va, bias, i, rows);
        __m512 o1 = finish_avx512(acc[i][1], ci + 16, accumulate, va, bias, i, rows);
        _mm512_storeu_ps(ci, o0);
        _mm512_storeu_ps(ci + 16, o1);
    }
}
#endif

static const struct ukernel kernels[SGEMM_ISA_COUNT] = {
    [SGEMM_PORTABLE] = {4, 8, 128, 512, ukernel_portable},
#if SGEMM_X86
    [SGEMM_AVX2] = {6, 16, 144, 512, ukernel_avx2},
    [SGEMM_AVX512] = {8, 32, 128, 512, ukernel_avx512},
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

/* MLAS's StrideK for this product (MlasSgemmOperation; MlasConvOperation
 * applies the same rule to a convolution's output size, with the same
 * result): the depth of the blocks whose sums are added into C one after
 * another. A pre-packed B (MlasGemmPackB) has fixed 256-deep blocks. */
static int64_t mlas_stride_k(const struct sgemm_args *g)
{
    if (g->b_prepacked) return 256;
    int64_t stride_n = 128, stride_k = 128;
    if (g->n >= g->k) {
        while (stride_k / 2 >= g->k) {
            stride_n *= 2;
            stride_k /= 2;
        }
    } else if (!g->trans_a) {
        while (stride_n > 16 && stride_n / 2 >= g->n) {
            stride_k *= 2;
            stride_n /= 2;
        }
    }
    return stride_k;
}

/* ---- packing ---- */

#define DIRECT_B_MAX_M 256

struct job {
    const struct sgemm_args *g;
    const struct ukernel *uk;
    int64_t kc;    /* depth of a k block (MLAS's StrideK, at most k) */
    bool split_n;  /* ranges are NR-strips of columns (else MR-strips of rows) */
    bool direct_b; /* B read in place (untransposed, few rows of C) */
    atomic_bool nomem;
};

/* Packs rows [m0, m0+mc) x depth [k0, k0+kc) of A into MR-row strips.
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

/* C[m0:m1, n0:n1] *= beta (beta != 0, != 1), before accumulating into it
 * (MlasSgemmMultiplyBeta). */
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
        for (int64_t pc = 0; pc < g->k; pc += j->kc) {
            int64_t kc = g->k - pc < j->kc ? g->k - pc : j->kc;
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
                /* A is read in place when it is untransposed */
                bool direct = !g->trans_a;
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
                            uk->fn(kc, ap, rs, cs, rows, bp, bs, cp, g->ldc, accumulate, g->alpha,
                                   bi);
                            continue;
                        }
                        /* edge tile: compute the whole tile aside, write back the valid part */
                        if (accumulate)
                            for (int i = 0; i < rows; i++)
                                memcpy(tile + i * nr, cp + i * g->ldc,
                                       (size_t)cols * sizeof(float));
                        uk->fn(kc, ap, rs, cs, rows, bp, bs, tile, nr, accumulate, g->alpha, bi);
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
    int64_t kc = j->kc;
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

/* ---- one row (or one column) of C: MLAS's M=1 kernels ----
 * MLAS computes C = A B with M == 1 (A untransposed, alpha 1, beta 0 or 1)
 * by kernels of its own that read B in place and multiply and add
 * separately (SgemmKernelM1Avx.S, SgemmKernelM1TransposeBAvx.S; AVX without
 * FMA, whatever the CPU offers besides). Their orders:
 *
 *   B untransposed (m1_cols): the products of k = 4i .. 4i+3 are summed left
 *   to right, t = ((p0 + p1) + p2) + p3, and each such group is added to C,
 *   C = t + C, where C starts as C (beta 1) or +0 (beta 0); then, for the
 *   last K mod 4 values, a group of 2 (t = p0 + p1) and a single product.
 *
 *   B transposed (m1t_rows): eight partial sums, s[l] over k = l mod 8 in k
 *   order (the last, partial, step adds +0 to the lanes past K), reduced
 *   by a pattern that depends on where the column sits in MLAS's blocks of
 *   4 columns (the N mod 4 at the end go as a pair, then a single one):
 *     in a block of 4:  (((s0+s1)+s2)+s3) + (((s4+s5)+s6)+s7)
 *     in a pair:        ((s0+s2)+(s4+s6)) + ((s1+s3)+(s5+s7))
 *     single:           ((s0+s1)+(s2+s3)) + ((s4+s5)+(s6+s7))
 *   then C = r + C (C: as above).
 *
 * With N == 1 and ldb == ldc == 1 MLAS swaps A and B and uses the same
 * kernels (an untransposed A then takes the transposed-B kernel). A bias
 * (Conv) is added after the product, C = C + bias.
 *
 * Both need no fused operation, so one portable implementation gives the
 * same bits everywhere; the compiler must not contract a * b + c into an
 * FMA (-std=c11 implies -ffp-contract=off in GCC; Clang's default "on" only
 * contracts within one expression, and these write each product to its own
 * value first). */

static vf4 load4(const float *p)
{
    vf4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* C[j] (j in [0, n)) for one row: a (k values), B untransposed (k-major,
 * ldb), c (n values), bias: one value or NULL. Eight columns at a time. */
static void m1_cols(int64_t k, const float *a, const float *b, int64_t ldb, float *c, int64_t n,
                    bool acc_c, const float *bias)
{
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        vf4 c0 = acc_c ? load4(c + j) : (vf4){0}, c1 = acc_c ? load4(c + j + 4) : (vf4){0};
        const float *bj = b + j;
        int64_t q = 0;
        for (; q + 4 <= k; q += 4) {
            const float *bq = bj + q * ldb;
            vf4 t0 = a[q] * load4(bq), t1 = a[q] * load4(bq + 4);
            for (int u = 1; u < 4; u++) {
                vf4 p0 = a[q + u] * load4(bq + u * ldb), p1 = a[q + u] * load4(bq + u * ldb + 4);
                t0 = t0 + p0;
                t1 = t1 + p1;
            }
            c0 = t0 + c0;
            c1 = t1 + c1;
        }
        if (k - q >= 2) {
            const float *bq = bj + q * ldb;
            vf4 t0 = a[q] * load4(bq), t1 = a[q] * load4(bq + 4);
            vf4 p0 = a[q + 1] * load4(bq + ldb), p1 = a[q + 1] * load4(bq + ldb + 4);
            t0 = t0 + p0;
            t1 = t1 + p1;
            c0 = t0 + c0;
            c1 = t1 + c1;
            q += 2;
        }
        if (k - q >= 1) {
            const float *bq = bj + q * ldb;
            vf4 t0 = a[q] * load4(bq), t1 = a[q] * load4(bq + 4);
            c0 = t0 + c0;
            c1 = t1 + c1;
        }
        if (bias) {
            c0 = c0 + *bias;
            c1 = c1 + *bias;
        }
        memcpy(c + j, &c0, sizeof c0);
        memcpy(c + j + 4, &c1, sizeof c1);
    }
    for (; j < n; j++) {
        float cv = acc_c ? c[j] : 0.0f;
        const float *bj = b + j;
        int64_t q = 0;
        for (; q + 4 <= k; q += 4) {
            float t = a[q] * bj[q * ldb];
            for (int u = 1; u < 4; u++) {
                float p = a[q + u] * bj[(q + u) * ldb];
                t = t + p;
            }
            cv = t + cv;
        }
        if (k - q >= 2) {
            float t = a[q] * bj[q * ldb];
            float p = a[q + 1] * bj[(q + 1) * ldb];
            t = t + p;
            cv = t + cv;
            q += 2;
        }
        if (k - q >= 1) {
            float t = a[q] * bj[q * ldb];
            cv = t + cv;
        }
        if (bias) cv = cv + *bias;
        c[j] = cv;
    }
}

/* The eight partial sums (lanes 0-3 in s[0], 4-7 in s[1]) of a (k values)
 * times row r of B (k values). */
static void m1t_lanes(int64_t k, const float *a, const float *r, vf4 s[2])
{
    vf4 s0 = {0}, s1 = {0};
    int64_t q = 0;
    for (; q + 8 <= k; q += 8) {
        vf4 p0 = load4(a + q) * load4(r + q), p1 = load4(a + q + 4) * load4(r + q + 4);
        s0 = s0 + p0;
        s1 = s1 + p1;
    }
    if (q < k) { /* masked: the lanes past k add +0 */
        float av[8] = {0}, rv[8] = {0};
        memcpy(av, a + q, (size_t)(k - q) * sizeof(float));
        memcpy(rv, r + q, (size_t)(k - q) * sizeof(float));
        vf4 p0 = load4(av) * load4(rv), p1 = load4(av + 4) * load4(rv + 4);
        s0 = s0 + p0;
        s1 = s1 + p1;
    }
    s[0] = s0;
    s[1] = s1;
}

static float m1t_reduce(const vf4 s[2], int block)
{
    float l[8];
    memcpy(l, &s[0], sizeof s[0]);
    memcpy(l + 4, &s[1], sizeof s[1]);
    if (block == 4) {
        float lo = l[0] + l[1], hi = l[4] + l[5];
        lo = lo + l[2];
        hi = hi + l[6];
        lo = lo + l[3];
        hi = hi + l[7];
        return lo + hi;
    }
    if (block == 2) {
        float e = (l[0] + l[2]) + (l[4] + l[6]);
        float o = (l[1] + l[3]) + (l[5] + l[7]);
        return e + o;
    }
    float lo = (l[0] + l[1]) + (l[2] + l[3]);
    float hi = (l[4] + l[5]) + (l[6] + l[7]);
    return lo + hi;
}

/* C[r] (r in [r0, r1)) = a . B[r, :] for rows of B at stride ldb; n_all:
 * the row count of the whole product (which fixes the blocks of 4). bias:
 * NULL, or bias[r * bias_step] for row r. r0 is a multiple of 4. */
static void m1t_rows(int64_t k, const float *a, const float *b, int64_t ldb, float *c,
                     int64_t r0, int64_t r1, int64_t n_all, bool acc_c, const float *bias,
                     int64_t bias_step)
{
    int64_t full = n_all / 4 * 4;
    for (int64_t r = r0; r < r1; r++) {
        int block = r < full ? 4 : (n_all - full >= 2 && r < full + 2) ? 2 : 1;
        vf4 s[2];
        m1t_lanes(k, a, b + r * ldb, s);
        float v = m1t_reduce(s, block);
        v = v + (acc_c ? c[r] : 0.0f);
        if (bias) v = v + bias[r * bias_step];
        c[r] = v;
    }
}

struct m1_job {
    const struct sgemm_args *g;
    int kind;          /* 0: m1_cols over columns; 1: m1t_rows over columns; 2: swapped m1t
                        * over rows; 3: swapped m1_cols over rows */
    int64_t chunk;     /* columns per packed panel (pack_b) */
    atomic_bool nomem;
};

static void m1_task(void *arg, int64_t begin, int64_t end)
{
    struct m1_job *j = arg;
    const struct sgemm_args *g = j->g;
    bool acc_c = g->beta != 0;
    if (j->kind == 0) { /* one row: C[0, n] */
        int64_t n0 = begin * 8, n1 = end * 8 < g->n ? end * 8 : g->n;
        const float *bias = g->row_bias;
        if (!g->pack_b) {
            m1_cols(g->k, g->a, g->b + n0, g->ldb, g->c + n0, n1 - n0, acc_c, bias);
            return;
        }
        float *panel = malloc((size_t)(g->k * j->chunk) * sizeof(float) + 64);
        if (!panel) {
            atomic_store(&j->nomem, true);
            return;
        }
        for (int64_t c0 = n0; c0 < n1; c0 += j->chunk) {
            int64_t cn = n1 - c0 < j->chunk ? n1 - c0 : j->chunk;
            /* one strip of cn columns, k-major: a row-major k x cn panel */
            g->pack_b(g->pack_user, 0, g->k, c0, cn, (int)cn, panel);
            m1_cols(g->k, g->a, panel, cn, g->c + c0, cn, acc_c, bias);
        }
        free(panel);
        return;
    }
    if (j->kind == 1) { /* one row, B transposed: C[0, n] = A . B[n, :] */
        int64_t n0 = begin * 4, n1 = end * 4 < g->n ? end * 4 : g->n;
        m1t_rows(g->k, g->a, g->b, g->ldb, g->c, n0, n1, g->n, acc_c, g->row_bias, 0);
        return;
    }
    /* one column (ldb == ldc == 1): the roles of A and B swapped */
    int64_t m0 = begin * 4, m1 = end * 4 < g->m ? end * 4 : g->m;
    const float *bcol = g->b;
    float *own = NULL;
    if (g->pack_b) {
        own = malloc((size_t)g->k * sizeof(float) + 64);
        if (!own) {
            atomic_store(&j->nomem, true);
            return;
        }
        g->pack_b(g->pack_user, 0, g->k, 0, 1, 1, own);
        bcol = own;
    }
    if (j->kind == 2) { /* A untransposed: C[m] = B . A[m, :] */
        m1t_rows(g->k, bcol, g->a, g->lda, g->c, m0, m1, g->m, acc_c, g->row_bias, 1);
    } else { /* A transposed (k-major, lda): C[m] = sum_k B[k] A[k, m] */
        for (int64_t m = m0; m < m1; m++)
            m1_cols(g->k, bcol, g->a + m, g->lda, g->c + m, 1, acc_c,
                    g->row_bias ? g->row_bias + m : NULL);
    }
    free(own);
}

/* MLAS's conditions for its M=1 kernels (MlasSgemmOperation); *kind as in
 * struct m1_job. */
static bool m1_applies(const struct sgemm_args *g, int *kind)
{
    if (g->b_prepacked || g->alpha != 1 || (g->beta != 0 && g->beta != 1)) return false;
    if (g->m == 1 && !g->trans_a) {
        *kind = g->trans_b ? 1 : 0;
        return !(g->trans_b && g->pack_b); /* packers give B untransposed */
    }
    if (g->n == 1 && g->ldb == 1 && g->ldc == 1) {
        *kind = g->trans_a ? 3 : 2;
        return true;
    }
    return false;
}

static fy_status sgemm_m1(struct op_ctx *ctx, const struct sgemm_args *g, int kind)
{
    struct m1_job j = {.g = g, .kind = kind};
    atomic_init(&j.nomem, false);
    int64_t per = kind <= 1 ? (kind == 0 ? 8 : 4) : 4; /* outputs per unit of work */
    int64_t units = kind <= 1 ? (g->n + per - 1) / per : (g->m + per - 1) / per;
    /* packed panels of k x chunk floats: ~256 KB, at most 2048 columns (the
     * packer's row buffer) */
    j.chunk = ((int64_t)1 << 16) / g->k / 8 * 8;
    if (j.chunk < 8) j.chunk = 8;
    if (j.chunk > 2048) j.chunk = 2048;
    /* ~64K multiply-adds per range at least */
    int64_t min_units = ((int64_t)1 << 16) / (per * g->k) + 1;
    if (ctx)
        op_parallel_for(ctx, units, min_units, m1_task, &j);
    else
        m1_task(&j, 0, units);
    if (atomic_load(&j.nomem)) {
        if (ctx) return op_fail(ctx, FY_ENOMEM, "out of memory for a matrix product");
        return FY_ENOMEM;
    }
    return FY_OK;
}

/* ---- a few rows of C, B transposed ----
 * The general order (FMA chains over MLAS's k blocks) for each element, as
 * a dot product of a row of A with a row of B: the packed path would copy
 * all of B (transposing it) to use each value at most SMALL_M times.
 * Eight outputs at a time keep eight independent chains in flight. */
#define SMALL_M 4

struct rows_job {
    const struct sgemm_args *g;
    const float *arows; /* A's rows, contiguous (K floats each) */
    int64_t kc;
};

#define ROWS_TASK_BODY                                                                         \
    const struct rows_job *j = arg;                                                            \
    const struct sgemm_args *g = j->g;                                                         \
    int64_t n0 = begin * 8, n1 = end * 8 < g->n ? end * 8 : g->n;                              \
    for (int64_t i = 0; i < g->m; i++) {                                                       \
        const float *a = j->arows + i * g->k;                                                  \
        float *ci = g->c + i * g->ldc;                                                         \
        for (int64_t nb = n0; nb < n1; nb += 8) {                                              \
            int cnt = n1 - nb < 8 ? (int)(n1 - nb) : 8;                                        \
            const float *r[8];                                                                 \
            float out[8];                                                                      \
            for (int q = 0; q < 8; q++) r[q] = g->b + (nb + (q < cnt ? q : cnt - 1)) * g->ldb; \
            for (int q = 0; q < cnt; q++) {                                                    \
                out[q] = ci[nb + q];                                                           \
                if (g->beta != 0 && g->beta != 1) out[q] *= g->beta;                           \
            }                                                                                  \
            for (int64_t k0 = 0; k0 < g->k; k0 += j->kc) {                                     \
                int64_t k1 = g->k - k0 < j->kc ? g->k : k0 + j->kc;                            \
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;          \
                for (int64_t k = k0; k < k1; k++) {                                            \
                    float av = a[k];                                                           \
                    s0 = fmaf(av, r[0][k], s0);                                                \
                    s1 = fmaf(av, r[1][k], s1);                                                \
                    s2 = fmaf(av, r[2][k], s2);                                                \
                    s3 = fmaf(av, r[3][k], s3);                                                \
                    s4 = fmaf(av, r[4][k], s4);                                                \
                    s5 = fmaf(av, r[5][k], s5);                                                \
                    s6 = fmaf(av, r[6][k], s6);                                                \
                    s7 = fmaf(av, r[7][k], s7);                                                \
                }                                                                              \
                float sv[8] = {s0, s1, s2, s3, s4, s5, s6, s7};                                \
                bool first = k0 == 0 && g->beta == 0;                                          \
                for (int q = 0; q < cnt; q++)                                                  \
                    out[q] = first ? sv[q] * g->alpha : fmaf(sv[q], g->alpha, out[q]);         \
            }                                                                                  \
            for (int q = 0; q < cnt; q++)                                                      \
                ci[nb + q] = g->row_bias ? out[q] + g->row_bias[i] : out[q];                   \
        }                                                                                      \
    }

static void rows_task(void *arg, int64_t begin, int64_t end)
{
    ROWS_TASK_BODY
}

#if SGEMM_X86
/* the same where fmaf is one instruction (identical results) */
__attribute__((target("avx2,fma"))) static void rows_task_fma(void *arg, int64_t begin,
                                                              int64_t end)
{
    ROWS_TASK_BODY
}
#endif

static fy_status sgemm_rows(struct op_ctx *ctx, enum sgemm_isa isa, const struct sgemm_args *g,
                            int64_t kc)
{
    float *arows = malloc((size_t)(g->m * g->k) * sizeof(float) + 16);
    if (!arows) {
        if (ctx) return op_fail(ctx, FY_ENOMEM, "out of memory for a matrix product");
        return FY_ENOMEM;
    }
    for (int64_t i = 0; i < g->m; i++)
        for (int64_t k = 0; k < g->k; k++)
            arows[i * g->k + k] = g->trans_a ? g->a[k * g->lda + i] : g->a[i * g->lda + k];
    struct rows_job j = {.g = g, .arows = arows, .kc = kc};
    op_range_fn fn = rows_task;
#if SGEMM_X86
    if (isa != SGEMM_PORTABLE) fn = rows_task_fma;
#else
    (void)isa;
#endif
    int64_t units = (g->n + 7) / 8;
    int64_t min_units = ((int64_t)1 << 17) / (8 * g->m * g->k) + 1;
    if (ctx)
        op_parallel_for(ctx, units, min_units, fn, &j);
    else
        fn(&j, 0, units);
    free(arows);
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
    int kind;
    if (m1_applies(g, &kind)) return sgemm_m1(ctx, g, kind);
    struct job j = {.g = g, .uk = &kernels[isa]};
    j.kc = mlas_stride_k(g);
    if (j.kc > g->k) j.kc = g->k;
    if (g->m <= SMALL_M && g->trans_b && !g->pack_b) return sgemm_rows(ctx, isa, g, j.kc);
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
