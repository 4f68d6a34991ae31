//===- Blas.cpp - alexrt_sgemm on oneDNN ----------------------------------===//
//
// oneDNN's sgemm JIT-compiles kernels for the widest vector units the CPU
// has (AVX-512 where there is one), whatever the environment says, and is
// row-major itself: no transposition trick is needed here. It runs on
// OpenMP threads, libomp's, like the generated loops; each device thread
// sets its own count (the devices share the cores).
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/cpu/Blas.h"
#include "runtime/support/Fatal.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <atomic>
#include <string>

namespace {
/// The process's cap on OpenMP threads (0: OpenMP's own default).
std::atomic<int> threadCap{0};
/// What this thread last told OpenMP (its thread count is per thread).
thread_local int threadsHere = 0;
} // namespace

extern "C" void alexrt_sgemm(int32_t transposeA, int32_t transposeB, int64_t m,
                             int64_t n, int64_t k, float alpha, const float *a,
                             int64_t lda, const float *b, int64_t ldb,
                             float beta, float *c, int64_t ldc) {
  dnnl_status_t status =
      dnnl_sgemm(transposeA ? 'T' : 'N', transposeB ? 'T' : 'N', m, n, k, alpha,
                 a, lda, b, ldb, beta, c, ldc);
  // Only malformed arguments fail, which alexc never generates.
  if (status != dnnl_success)
    alexrt::fatal("alexrt_sgemm: oneDNN refused a " + std::to_string(m) + "x" +
                  std::to_string(n) + "x" + std::to_string(k) +
                  " GEMM (status " + std::to_string(int(status)) + ")");
}

void alexrt::setCpuThreads(int threads) {
  threadCap.store(threads, std::memory_order_relaxed);
  useDeviceShareOfThreads(1); // The caller's own single-device work.
}

void alexrt::useDeviceShareOfThreads(int devices) {
  // OMP_NUM_THREADS, else every core, as OpenMP saw it at start.
  static const int available = omp_get_max_threads();
  int cap = threadCap.load(std::memory_order_relaxed);
  int total = cap > 0 ? std::min(cap, available) : available;
  int threads = std::max(1, total / std::max(1, devices));
  if (threads != threadsHere) {
    omp_set_num_threads(threads);
    threadsHere = threads;
  }
}
