//===- Blas.h - the runtime's BLAS settings ---------------------*- C++ -*-===//

#ifndef ALEXRT_BLAS_H
#define ALEXRT_BLAS_H

namespace alexrt {

/// Threads each GEMM may use (devices running at once share the cores).
void setBlasThreads(int threads);

} // namespace alexrt

#endif // ALEXRT_BLAS_H
