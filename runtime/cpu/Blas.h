//===- Blas.h - OpenMP threads for loops and GEMMs --------------*- C++ -*-===//

#ifndef ALEXRT_CPU_BLAS_H
#define ALEXRT_CPU_BLAS_H

namespace alexrt {

/// Caps the OpenMP threads of the whole process (GEMMs and loops) at
/// `threads`; 0 lifts the cap (OMP_NUM_THREADS, else every core).
void setCpuThreads(int threads);

/// Whether this CPU runs bf16 products natively (AVX512_BF16 or AMX), as
/// alexrt_gemm_bf16 needs.
bool cpuHasBf16();

/// Gives the calling thread, which drives one of `devices` devices running
/// at once, its share of the threads for its loops and GEMMs.
void useDeviceShareOfThreads(int devices);

} // namespace alexrt

#endif // ALEXRT_CPU_BLAS_H
