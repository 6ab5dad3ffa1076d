/* Single-precision GEMM, the engine of the float32 fast paths of Conv,
 * ConvTranspose, Gemm and MatMul:
 *
 *   C[m,n] = alpha * sum_k A(m,k) * B(k,n) + beta * C[m,n]
 *
 * with A(m,k) = trans_a ? a[k*lda + m] : a[m*lda + k] and likewise for B.
 *
 * Blocked and packed in the usual way (panels of B sized for the L2/L3
 * caches, blocks of A for L2, a register-tiled micro-kernel over them). The
 * micro-kernel exists as portable C and, on x86-64, as AVX2+FMA and AVX-512
 * variants chosen at run time by what the CPU supports.
 *
 * The float32 results reproduce ONNX Runtime's CPU EP (MLAS, run on one
 * thread) bit for bit, so that a value on a rounding boundary (a QDQ model's
 * QuantizeLinear) rounds the way the reference does. The order of every sum
 * is MLAS's (measured against onnxruntime 1.30; see gemm_kernel.c):
 *   - generally each element of C is one fused multiply-add chain over k, in
 *     k order, restarted at 0 for every block of k; the blocks are added
 *     into C in order (C = fma(block, alpha, C); the first block, when beta
 *     is 0, is block * alpha). The block depth is MLAS's StrideK, which
 *     depends on N, K and trans_a (b_prepacked: 256, MLAS's pre-packed B).
 *     beta other than 0 and 1 scales C first; row_bias is added last.
 *   - one row of C (m == 1, A untransposed, alpha 1, beta 0 or 1, B not
 *     pre-packed), or one column with ldb == ldc == 1: MLAS's M=1 kernels,
 *     separate multiplies and adds: B untransposed sums groups of 4 products
 *     and adds each group to C; B transposed keeps 8 partial sums (k mod 8)
 *     and reduces them in a fixed pattern.
 * So every element is computed the same way whatever the thread count and
 * whichever micro-kernel runs: portable, AVX2 and AVX-512 give the same
 * bits (the portable kernel uses fmaf). */
#ifndef FERRY_OPS_GEMM_KERNEL_H
#define FERRY_OPS_GEMM_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/op.h"

enum sgemm_isa {
    SGEMM_PORTABLE = 0,
    SGEMM_AVX2,   /* x86-64 with AVX2 and FMA */
    SGEMM_AVX512, /* x86-64 with AVX-512F */
    SGEMM_ISA_COUNT
};

/* Fills a packed panel of B in place of reading b: rows [k0, k0+kc) and
 * columns [n0, n0+nc) as strips of nr columns, each strip k-major (nr values
 * per k), the last strip zero-padded to nr columns. Conv uses it to pack
 * straight from the image (implicit im2col). May run on several threads at
 * once, for different panels. */
typedef void (*sgemm_pack_fn)(const void *user, int64_t k0, int64_t kc, int64_t n0, int64_t nc,
                              int nr, float *dst);

struct sgemm_args {
    bool trans_a, trans_b;
    int64_t m, n, k;
    float alpha;
    const float *a;
    int64_t lda;
    const float *b;
    int64_t ldb;
    float beta; /* 0: C is only written (it may hold garbage) */
    float *c;
    int64_t ldc;
    /* optional */
    sgemm_pack_fn pack_b; /* B from this function instead of b, ldb, trans_b */
    const void *pack_user;
    const float *row_bias; /* bias[m] added to every element of row m, last */
    bool b_prepacked; /* B is a constant ONNX Runtime would pre-pack (Gemm, MatMul
                       * weights): its order for that case (256-deep k blocks, no
                       * one-row kernels) */
};

bool sgemm_isa_available(enum sgemm_isa isa);
const char *sgemm_isa_name(enum sgemm_isa isa);
/* The fastest micro-kernel this CPU runs (or the one tests forced). The
 * nn family's other float32 fast paths (depthwise rows) follow it too. */
enum sgemm_isa sgemm_best_isa(void);
/* For tests: every float32 fast path uses isa's code from now on, so each
 * variant can be checked against the reference on one machine;
 * SGEMM_ISA_COUNT goes back to the CPU's best. isa must be available. Call
 * it between runs, not while one is going. */
void sgemm_force_isa(enum sgemm_isa isa);

/* Runs on the interpreter's threads when ctx is given, else on the calling
 * thread. Fails only for lack of memory (written to ctx's error when given). */
fy_status sgemm(struct op_ctx *ctx, const struct sgemm_args *g);
/* The same with a chosen micro-kernel (tests compare them); isa must be
 * available. */
fy_status sgemm_with(struct op_ctx *ctx, enum sgemm_isa isa, const struct sgemm_args *g);

#endif
