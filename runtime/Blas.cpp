//===- Blas.cpp - alexrt_sgemm on OpenBLAS --------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/Blas.h"

#include <cblas.h>

extern "C" void alexrt_sgemm(int32_t transposeA, int32_t transposeB, int64_t m,
                             int64_t n, int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
              transposeB ? CblasTrans : CblasNoTrans, blasint(m), blasint(n),
              blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c,
              blasint(ldc));
}

void alexrt::setBlasThreads(int threads) { openblas_set_num_threads(threads); }
