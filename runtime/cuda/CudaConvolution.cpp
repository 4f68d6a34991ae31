//===- CudaConvolution.cpp - alexrt_conv2d_* on cuDNN ---------------------===//
//
// The CUDA target's convolutions: cuDNN's, which convolve without building
// im2col matrices in device memory (implicit GEMM and its relatives), as
// PyTorch does. Per device a handle on the device's stream and a
// workspace; per shape descriptors and, per direction, the algorithm
// cuDNN's heuristics rank first among those that are deterministic (the
// same bits every run, as the loop kernels give) and fit 1 GiB of
// workspace. Plans are made on a shape's first call, which the step's
// first, eager run makes (runtime/StepReplay.h): a captured step only
// launches. A workspace that grows keeps its old buffer alive, since a
// captured graph may still use it.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/ConvGeometry.h"
#include "runtime/cuda/CudaContext.h"

#include <cudnn.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

// cuDNN 9 keeps the convolution API this file uses (the "legacy" one,
// descriptors and cudnnConvolution*) but marks it deprecated in favour of
// its graph API.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

using alexrt::ConvGeometry;
using namespace alexrt::cuda;

namespace {

void check(cudnnStatus_t status, const char *call) {
  if (status == CUDNN_STATUS_SUCCESS)
    return;
  std::fprintf(stderr, "error: cuDNN: %s failed: %s\n", call,
               cudnnGetErrorString(status));
  std::exit(1);
}
#define ALEXRT_CUDNN(call) check((call), #call)

constexpr size_t kMaxWorkspace = size_t(1) << 30;

enum Direction { Forward, BackwardData, BackwardFilter };

/// One shape's descriptors and, per direction once chosen, its algorithm
/// and workspace bytes.
struct Plan {
  cudnnTensorDescriptor_t input = nullptr, output = nullptr;
  cudnnFilterDescriptor_t filter = nullptr;
  cudnnConvolutionDescriptor_t convolution = nullptr;
  bool chosen[3] = {false, false, false};
  cudnnConvolutionFwdAlgo_t forward{};
  cudnnConvolutionBwdDataAlgo_t backwardData{};
  cudnnConvolutionBwdFilterAlgo_t backwardFilter{};
  size_t workspace[3] = {0, 0, 0};
  cudnnMathType_t math[3] = {CUDNN_FMA_MATH, CUDNN_FMA_MATH, CUDNN_FMA_MATH};
};

/// cuDNN's state for one logical device.
struct DnnDevice {
  cudnnHandle_t handle = nullptr;
  void *workspace = nullptr;
  size_t workspaceBytes = 0;
  std::vector<void *> retired; ///< Smaller workspaces graphs may still use.
  std::map<ConvGeometry, Plan> plans;

  void reserve(size_t bytes) {
    if (bytes <= workspaceBytes)
      return;
    if (workspace)
      retired.push_back(workspace);
    ALEXRT_CUDA(cudaMalloc(&workspace, bytes));
    workspaceBytes = bytes;
  }
};

DnnDevice &dnnOf(DeviceContext &device) {
  static std::mutex mutex;
  static std::map<DeviceContext *, std::unique_ptr<DnnDevice>> devices;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<DnnDevice> &dnn = devices[&device];
  if (!dnn) {
    dnn = std::make_unique<DnnDevice>();
    ALEXRT_CUDNN(cudnnCreate(&dnn->handle));
    ALEXRT_CUDNN(cudnnSetStream(dnn->handle, device.stream));
  }
  return *dnn;
}

int narrow(int64_t value) { return int(value); }

Plan &planFor(DnnDevice &dnn, const ConvGeometry &s) {
  auto [at, added] = dnn.plans.try_emplace(s);
  Plan &plan = at->second;
  if (!added)
    return plan;
  ALEXRT_CUDNN(cudnnCreateTensorDescriptor(&plan.input));
  ALEXRT_CUDNN(cudnnCreateTensorDescriptor(&plan.output));
  ALEXRT_CUDNN(cudnnCreateFilterDescriptor(&plan.filter));
  ALEXRT_CUDNN(cudnnCreateConvolutionDescriptor(&plan.convolution));
  ALEXRT_CUDNN(cudnnSetTensor4dDescriptor(
      plan.input, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, narrow(s.batch),
      narrow(s.channels), narrow(s.height), narrow(s.width)));
  ALEXRT_CUDNN(cudnnSetTensor4dDescriptor(
      plan.output, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, narrow(s.batch),
      narrow(s.filters), narrow(s.outHeight), narrow(s.outWidth)));
  ALEXRT_CUDNN(cudnnSetFilter4dDescriptor(
      plan.filter, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, narrow(s.filters),
      narrow(s.channelsPerGroup()), narrow(s.kernel), narrow(s.kernel)));
  ALEXRT_CUDNN(cudnnSetConvolution2dDescriptor(
      plan.convolution, narrow(s.pad), narrow(s.pad), narrow(s.stride),
      narrow(s.stride), 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  ALEXRT_CUDNN(
      cudnnSetConvolutionGroupCount(plan.convolution, narrow(s.groups)));
  // TF32 tensor cores only when the model asked for them, as for GEMMs:
  // strict fp32 ranks only FMA algorithms.
  ALEXRT_CUDNN(cudnnSetConvolutionMathType(
      plan.convolution, tf32Enabled() ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  int n = 0, c = 0, h = 0, w = 0;
  ALEXRT_CUDNN(cudnnGetConvolution2dForwardOutputDim(
      plan.convolution, plan.input, plan.filter, &n, &c, &h, &w));
  if (n != s.batch || c != s.filters || h != s.outHeight || w != s.outWidth) {
    std::fprintf(stderr,
                 "error: cuDNN: a convolution's output is %dx%dx%dx%d, the "
                 "step expects %lldx%lldx%lldx%lld\n",
                 n, c, h, w, (long long)s.batch, (long long)s.filters,
                 (long long)s.outHeight, (long long)s.outWidth);
    std::exit(1);
  }
  return plan;
}

/// The first of cuDNN's ranked candidates that ran, fits kMaxWorkspace and
/// (strict fp32) uses FMA math only, deterministic ones first.
template <typename Perf>
const Perf &choose(const Perf *ranked, int count, const char *direction,
                   const ConvGeometry &s) {
  for (bool deterministic : {true, false})
    for (int i = 0; i < count; ++i) {
      const Perf &candidate = ranked[i];
      if (candidate.status == CUDNN_STATUS_SUCCESS &&
          candidate.memory <= kMaxWorkspace &&
          (tf32Enabled() || candidate.mathType == CUDNN_FMA_MATH) &&
          (!deterministic || candidate.determinism == CUDNN_DETERMINISTIC))
        return candidate;
    }
  std::fprintf(stderr,
               "error: cuDNN has no %s algorithm for a %lldx%lldx%lldx%lld "
               "convolution by %lld %lldx%lld filters\n",
               direction, (long long)s.batch, (long long)s.channels,
               (long long)s.height, (long long)s.width, (long long)s.filters,
               (long long)s.kernel, (long long)s.kernel);
  std::exit(1);
}

/// Has cuDNN rank `direction`'s algorithms (rank(asked, &count, results))
/// and keeps the choice, its workspace and its math in `plan`.
template <typename Perf, typename Algo, typename Rank>
void pick(Rank rank, const char *name, const ConvGeometry &s,
          Direction direction, Plan &plan, Algo &algo) {
  constexpr int kCandidates = 16;
  Perf ranked[kCandidates];
  int count = 0;
  check(rank(kCandidates, &count, ranked), "cudnnGetConvolution*Algorithm_v7");
  const Perf &best = choose(ranked, count, name, s);
  algo = best.algo;
  plan.workspace[direction] = best.memory;
  plan.math[direction] = best.mathType;
}

/// The device's state and the shape's plan with `direction`'s algorithm
/// chosen and its workspace reserved.
std::pair<DnnDevice *, Plan *> prepare(const ConvGeometry &s,
                                       Direction direction) {
  DnnDevice &dnn = dnnOf(currentContext());
  Plan &plan = planFor(dnn, s);
  if (!plan.chosen[direction]) {
    cudnnHandle_t h = dnn.handle;
    if (direction == Forward)
      pick<cudnnConvolutionFwdAlgoPerf_t>(
          [&](int asked, int *count, cudnnConvolutionFwdAlgoPerf_t *ranked) {
            return cudnnGetConvolutionForwardAlgorithm_v7(
                h, plan.input, plan.filter, plan.convolution, plan.output,
                asked, count, ranked);
          },
          "forward", s, direction, plan, plan.forward);
    else if (direction == BackwardData)
      pick<cudnnConvolutionBwdDataAlgoPerf_t>(
          [&](int asked, int *count,
              cudnnConvolutionBwdDataAlgoPerf_t *ranked) {
            return cudnnGetConvolutionBackwardDataAlgorithm_v7(
                h, plan.filter, plan.output, plan.convolution, plan.input,
                asked, count, ranked);
          },
          "backward data", s, direction, plan, plan.backwardData);
    else
      pick<cudnnConvolutionBwdFilterAlgoPerf_t>(
          [&](int asked, int *count,
              cudnnConvolutionBwdFilterAlgoPerf_t *ranked) {
            return cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                h, plan.input, plan.output, plan.convolution, plan.filter,
                asked, count, ranked);
          },
          "backward filter", s, direction, plan, plan.backwardFilter);
    plan.chosen[direction] = true;
  }
  dnn.reserve(plan.workspace[direction]);
  // The descriptor is shared by the directions: each runs in the math its
  // algorithm was ranked with (a host-side setting, fine in a capture).
  ALEXRT_CUDNN(
      cudnnSetConvolutionMathType(plan.convolution, plan.math[direction]));
  return {&dnn, &plan};
}

const float kOne = 1.0f, kZero = 0.0f;

} // namespace

extern "C" void alexrt_conv2d_forward(const float *x, const float *w, float *y,
                                      ALEXRT_CONV2D_SHAPE) {
  auto [dnn, plan] = prepare(ALEXRT_CONV2D_GEOMETRY, Forward);
  ALEXRT_CUDNN(cudnnConvolutionForward(
      dnn->handle, &kOne, plan->input, x, plan->filter, w, plan->convolution,
      plan->forward, dnn->workspace, plan->workspace[Forward], &kZero,
      plan->output, y));
}

extern "C" void alexrt_conv2d_backward_data(const float *dy, const float *w,
                                            float *dx, ALEXRT_CONV2D_SHAPE) {
  auto [dnn, plan] = prepare(ALEXRT_CONV2D_GEOMETRY, BackwardData);
  ALEXRT_CUDNN(cudnnConvolutionBackwardData(
      dnn->handle, &kOne, plan->filter, w, plan->output, dy, plan->convolution,
      plan->backwardData, dnn->workspace, plan->workspace[BackwardData], &kZero,
      plan->input, dx));
}

extern "C" void alexrt_conv2d_backward_filter(const float *x, const float *dy,
                                              float *dw, ALEXRT_CONV2D_SHAPE) {
  auto [dnn, plan] = prepare(ALEXRT_CONV2D_GEOMETRY, BackwardFilter);
  ALEXRT_CUDNN(cudnnConvolutionBackwardFilter(
      dnn->handle, &kOne, plan->input, x, plan->output, dy, plan->convolution,
      plan->backwardFilter, dnn->workspace, plan->workspace[BackwardFilter],
      &kZero, plan->filter, dw));
}
