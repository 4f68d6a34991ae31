/* An LD_PRELOAD shim for bench/gemm.sh: logs every GEMM a compiled alexc
 * binary makes through oneDNN (row-major: transA transB m n k beta) to
 * $ALEX_GEMM_TRACE, then calls the real dnnl_sgemm. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*Sgemm)(char, char, int64_t, int64_t, int64_t, float,
                     const float *, int64_t, const float *, int64_t, float,
                     float *, int64_t);

int dnnl_sgemm(char ta, char tb, int64_t m, int64_t n, int64_t k, float alpha,
               const float *a, int64_t lda, const float *b, int64_t ldb,
               float beta, float *c, int64_t ldc) {
  static Sgemm real;
  static FILE *log;
  if (!real)
    real = (Sgemm)dlsym(RTLD_NEXT, "dnnl_sgemm");
  if (!log)
    log = fopen(getenv("ALEX_GEMM_TRACE"), "w");
  if (log)
    fprintf(log, "%d %d %lld %lld %lld %g\n", ta == 'T', tb == 'T',
            (long long)m, (long long)n, (long long)k, beta);
  return real(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
