//===- ConvAlgorithmsTest.cpp - cuDNN algorithms a convolution may use ----===//

#include "runtime/cuda/ConvAlgorithms.h"

#include <gtest/gtest.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

using alexrt::Precision;
using namespace alexrt::cuda;

namespace {
cudnnConvolutionFwdAlgoPerf_t
candidate(cudnnConvolutionFwdAlgo_t algo, size_t memory, bool deterministic,
          cudnnMathType_t math = CUDNN_FMA_MATH,
          cudnnStatus_t status = CUDNN_STATUS_SUCCESS) {
  cudnnConvolutionFwdAlgoPerf_t perf{};
  perf.algo = algo;
  perf.status = status;
  perf.memory = memory;
  perf.determinism =
      deterministic ? CUDNN_DETERMINISTIC : CUDNN_NON_DETERMINISTIC;
  perf.mathType = math;
  return perf;
}

std::vector<cudnnConvolutionFwdAlgo_t>
algorithms(const std::vector<cudnnConvolutionFwdAlgoPerf_t> &perfs) {
  std::vector<cudnnConvolutionFwdAlgo_t> result;
  for (const auto &perf : perfs)
    result.push_back(perf.algo);
  return result;
}
} // namespace

TEST(ConvAlgorithms, DeterministicFirstThenTheRestInCudnnsOrder) {
  cudnnConvolutionFwdAlgoPerf_t ranked[] = {
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_FFT, 1 << 20, false),
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, 1 << 10,
                true),
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD, 0, false),
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, 0, true),
  };
  auto usable = usableCandidates(ranked, 4, Precision::FP32);
  std::vector<cudnnConvolutionFwdAlgo_t> expected = {
      CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM,
      CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, CUDNN_CONVOLUTION_FWD_ALGO_FFT,
      CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD};
  EXPECT_EQ(algorithms(usable), expected);
}

TEST(ConvAlgorithms, UnrankedTooLargeAndTensorOpsInStrictFp32AreDropped) {
  cudnnConvolutionFwdAlgoPerf_t ranked[] = {
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_GEMM, 0, true, CUDNN_FMA_MATH,
                CUDNN_STATUS_NOT_SUPPORTED),
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_FFT, kMaxConvWorkspace + 1, true),
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_DIRECT, 0, true,
                CUDNN_TENSOR_OP_MATH),
      candidate(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, kMaxConvWorkspace,
                true),
  };
  std::vector<cudnnConvolutionFwdAlgo_t> strict = {
      CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM};
  EXPECT_EQ(algorithms(usableCandidates(ranked, 4, Precision::FP32)), strict);
  // With TF32 allowed, tensor-op algorithms stay.
  std::vector<cudnnConvolutionFwdAlgo_t> tf32 = {
      CUDNN_CONVOLUTION_FWD_ALGO_DIRECT,
      CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM};
  EXPECT_EQ(algorithms(usableCandidates(ranked, 4, Precision::TF32)), tf32);
  EXPECT_TRUE(usableCandidates(ranked, 1, Precision::TF32).empty());
}

TEST(ConvAlgorithms, Names) {
  EXPECT_STREQ(algorithmName(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM),
               "IMPLICIT_PRECOMP_GEMM");
  EXPECT_STREQ(algorithmName(CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED),
               "WINOGRAD_NONFUSED");
  EXPECT_STREQ(algorithmName(CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING),
               "FFT_TILING");
  EXPECT_STREQ(algorithmName(cudnnConvolutionFwdAlgo_t(99)), "unknown");
}
