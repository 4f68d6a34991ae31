//===- ConvAlgorithms.h - cuDNN algorithms a convolution may use *- C++ -*-===//
//
// The rules of runtime/cuda/CudaConvolution.cpp's choice, apart from any
// handle or device so they are unit-tested without a GPU
// (test/runtime/cuda/ConvAlgorithmsTest.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_CUDA_CONVALGORITHMS_H
#define ALEXRT_CUDA_CONVALGORITHMS_H

#include "runtime/Precision.h"

#include <cudnn.h>

#include <cstddef>
#include <iterator>
#include <vector>

// cuDNN 9 keeps the convolution API alexrt uses (the "legacy" one,
// descriptors and cudnnConvolution*) but marks it deprecated in favour of
// its graph API.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace alexrt::cuda {

/// Whether `precision` allows an algorithm of cuDNN math `math`: strict
/// fp32 runs FMA math only, TF32 any.
inline bool allowsMath(Precision precision, cudnnMathType_t math) {
  switch (precision) {
  case Precision::FP32:
  case Precision::BF16: // Its convolutions are im2col and bf16 GEMMs.
    return math == CUDNN_FMA_MATH;
  case Precision::TF32:
    return true;
  }
  return false;
}

/// The math a convolution descriptor asks for under `precision`.
inline cudnnMathType_t convolutionMath(Precision precision) {
  switch (precision) {
  case Precision::FP32:
  case Precision::BF16:
    return CUDNN_FMA_MATH;
  case Precision::TF32:
    return CUDNN_DEFAULT_MATH;
  }
  return CUDNN_FMA_MATH;
}

/// The most workspace one convolution's algorithm may take.
constexpr size_t kMaxConvWorkspace = size_t(1) << 30;

/// The candidates of cuDNN's ranking (`ranked[0..count)`, best first, as
/// cudnnGetConvolution*Algorithm_v7 gives them) alexc may run, in the
/// order to try them: those cuDNN could rank (status success), whose
/// workspace fits kMaxConvWorkspace and whose math `precision` allows;
/// deterministic ones (the same bits every run, as the loop kernels give)
/// before the others, each group in cuDNN's order.
template <typename Perf>
std::vector<Perf> usableCandidates(const Perf *ranked, int count,
                                   Precision precision) {
  std::vector<Perf> usable;
  for (bool deterministic : {true, false})
    for (int i = 0; i < count; ++i) {
      const Perf &candidate = ranked[i];
      if (candidate.status == CUDNN_STATUS_SUCCESS &&
          candidate.memory <= kMaxConvWorkspace &&
          allowsMath(precision, candidate.mathType) &&
          (candidate.determinism == CUDNN_DETERMINISTIC) == deterministic)
        usable.push_back(candidate);
    }
  return usable;
}

/// cuDNN's name of an algorithm, without its enum's prefix.
inline const char *algorithmName(cudnnConvolutionFwdAlgo_t algo) {
  static const char *const names[] = {"IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM",
                                      "GEMM",          "DIRECT",
                                      "FFT",           "FFT_TILING",
                                      "WINOGRAD",      "WINOGRAD_NONFUSED"};
  return unsigned(algo) < std::size(names) ? names[algo] : "unknown";
}
inline const char *algorithmName(cudnnConvolutionBwdDataAlgo_t algo) {
  static const char *const names[] = {
      "ALGO_0", "ALGO_1", "FFT", "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
  return unsigned(algo) < std::size(names) ? names[algo] : "unknown";
}
inline const char *algorithmName(cudnnConvolutionBwdFilterAlgo_t algo) {
  static const char *const names[] = {
      "ALGO_0",    "ALGO_1", "FFT", "ALGO_3", "WINOGRAD", "WINOGRAD_NONFUSED",
      "FFT_TILING"};
  return unsigned(algo) < std::size(names) ? names[algo] : "unknown";
}

/// cuDNN's name of a math type.
inline const char *mathName(cudnnMathType_t math) {
  switch (math) {
  case CUDNN_DEFAULT_MATH:
    return "default (TF32 allowed)";
  case CUDNN_TENSOR_OP_MATH:
    return "tensor ops";
  case CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION:
    return "tensor ops with conversion";
  case CUDNN_FMA_MATH:
    return "FMA";
  }
  return "unknown";
}

} // namespace alexrt::cuda

#pragma GCC diagnostic pop

#endif // ALEXRT_CUDA_CONVALGORITHMS_H
