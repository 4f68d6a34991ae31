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

/* Provided by the object alexc generates (see passes/EmitEntryPoints.cpp
 * and --alex-lower-to-loops for the buffer order):
 *  - alex_model_descriptor[alex_model_descriptor_size]: a FlatBuffer of
 *    runtime/schemas/model.fbs describing parameters, input and recipe;
 *  - alex_forward(buffers): parameters..., images, labels, loss, logits;
 *  - alex_train_step(buffers): parameters..., momenta..., images, labels,
 *    step (int64), learning rate (float), loss, logits.
 * Images are float32 N x C x H x W, labels int32, loss one float32. */
extern const uint8_t alex_model_descriptor[];
extern const int64_t alex_model_descriptor_size;
void alex_forward(void **buffers);
void alex_train_step(void **buffers);

#ifdef __cplusplus
}
#endif

#endif /* ALEXRT_H */
