/*===- alexrt.h - the C ABI that alexc-generated code calls ---------------===*
 *
 * Generated kernels call these functions; they are the only symbols the
 * compiler's output may depend on. All matrices are row-major float32.
 * The runtime links no MLIR or LLVM and builds without a GPU.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ALEXRT_H
#define ALEXRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T.
 * op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb and ldc are the row
 * strides (in elements) of A, B and C as stored. Backed by OpenBLAS on the
 * CPU. */
void alexrt_sgemm(int32_t transpose_a, int32_t transpose_b, int64_t m,
                  int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta,
                  float *c, int64_t ldc);

#ifdef __cplusplus
}
#endif

#endif /* ALEXRT_H */
