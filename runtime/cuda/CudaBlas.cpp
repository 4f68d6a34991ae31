//===- CudaBlas.cpp - alexrt_sgemm and alexrt_gemm_bf16 on cuBLAS ---------===//

#include "runtime/alexrt.h"
#include "runtime/cuda/CudaContext.h"

using namespace alexrt::cuda;

/// The one place row-major meets cuBLAS's column-major: a row-major
/// matrix is its transpose in column-major, so C = op(A) op(B) is computed
/// as C^T = op(B)^T op(A)^T with the operands swapped.
extern "C" void alexrt_sgemm(int32_t transposeA, int32_t transposeB, int64_t m,
                             int64_t n, int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc) {
  DeviceContext &device = currentContext();
  ALEXRT_CUDA(cublasSgemm(device.blas, transposeB ? CUBLAS_OP_T : CUBLAS_OP_N,
                          transposeA ? CUBLAS_OP_T : CUBLAS_OP_N, int(n),
                          int(m), int(k), &alpha, b, int(ldb), a, int(lda),
                          &beta, c, int(ldc)));
}

/// bf16 A and B into fp32 C, swapped as above. Accumulates in fp32
/// (CUBLAS_COMPUTE_32F), whatever the handle's math.
extern "C" void alexrt_gemm_bf16(int32_t transposeA, int32_t transposeB,
                                 int64_t m, int64_t n, int64_t k, float alpha,
                                 const uint16_t *a, int64_t lda,
                                 const uint16_t *b, int64_t ldb, float beta,
                                 float *c, int64_t ldc) {
  DeviceContext &device = currentContext();
  ALEXRT_CUDA(cublasGemmEx(device.blas, transposeB ? CUBLAS_OP_T : CUBLAS_OP_N,
                           transposeA ? CUBLAS_OP_T : CUBLAS_OP_N, int(n),
                           int(m), int(k), &alpha, b, CUDA_R_16BF, int(ldb), a,
                           CUDA_R_16BF, int(lda), &beta, c, CUDA_R_32F,
                           int(ldc), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}
