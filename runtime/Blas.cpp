//===- Blas.cpp - alexrt_sgemm on oneDNN ----------------------------------===//
//
// oneDNN's sgemm JIT-compiles kernels for the widest vector units the CPU
// has (AVX-512 where there is one), whatever the environment says, and is
// row-major itself: no transposition trick is needed here. It runs on
// OpenMP threads; each device thread sets its own count (the devices share
// the cores).
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/Blas.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace {
/// Threads a GEMM may use (0: OpenMP's default, every core).
std::atomic<int> blasThreads{0};
/// What this thread last told OpenMP (its thread count is per thread).
thread_local int threadsHere = 0;
} // namespace

extern "C" void alexrt_sgemm(int32_t transposeA, int32_t transposeB, int64_t m,
                             int64_t n, int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc) {
  int threads = blasThreads.load(std::memory_order_relaxed);
  if (threads > 0 && threads != threadsHere) {
    omp_set_num_threads(threads);
    threadsHere = threads;
  }
  dnnl_status_t status =
      dnnl_sgemm(transposeA ? 'T' : 'N', transposeB ? 'T' : 'N', m, n, k, alpha,
                 a, lda, b, ldb, beta, c, ldc);
  if (status != dnnl_success) {
    // Only malformed arguments fail, which alexc never generates.
    std::fprintf(stderr,
                 "alexrt_sgemm: oneDNN refused a %lldx%lldx%lld GEMM "
                 "(status %d)\n",
                 (long long)m, (long long)n, (long long)k, int(status));
    std::abort();
  }
}

void alexrt::setBlasThreads(int threads) {
  blasThreads.store(threads, std::memory_order_relaxed);
}
