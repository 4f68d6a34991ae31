//===- CudaConvolution.cpp - alexrt_conv2d_* on cuDNN ---------------------===//
//
// The CUDA target's convolutions: cuDNN's, which convolve without building
// im2col matrices in device memory (implicit GEMM and its relatives), as
// PyTorch does. Per device a handle on the device's stream and a
// workspace; per shape descriptors and, per direction, cuDNN's heuristic
// ranking filtered by ConvAlgorithms.h (deterministic first, within 1 GiB,
// FMA-only in strict fp32). Each direction runs the first candidate in its
// math type with the workspace cuDNN asks for it; a candidate that fails
// to run in the eager first step (runtime/devices/StepReplay.h), or whose
// workspace cannot be allocated, gives way to the next, as PyTorch's
// algorithm iterator does. A captured step only launches what ran. A
// workspace that grows keeps its old buffer alive, since a captured graph
// may still use it. ALEXRT_VERBOSE=1 prints each choice.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/ConvGeometry.h"
#include "runtime/cuda/ConvAlgorithms.h"
#include "runtime/cuda/CudaContext.h"
#include "runtime/support/Fatal.h"

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

using alexrt::ConvGeometry;
using namespace alexrt::cuda;

namespace {

void check(cudnnStatus_t status, const char *call) {
  if (status != CUDNN_STATUS_SUCCESS)
    alexrt::fatal(failedCall("cuDNN", call, cudnnGetErrorString(status)));
}
#define ALEXRT_CUDNN(call) check((call), #call)

enum Direction { Forward, BackwardData, BackwardFilter };
const char *const kDirectionNames[] = {"forward", "backward data",
                                       "backward filter"};

/// One direction's candidates, in the order to try them, and the one in
/// use with its workspace.
struct Choice {
  struct Candidate {
    int algo;
    cudnnMathType_t math;
  };
  std::vector<Candidate> candidates;
  size_t current = 0;
  size_t workspace = 0;
  bool ranked = false;
  /// Ran once: from now on a failure is fatal, not a reason to move on.
  bool confirmed = false;
  /// Why the candidates before the one in use gave way.
  std::string tried;

  const Candidate &inUse() const { return candidates[current]; }
};

/// One shape's descriptors and its three directions' choices.
struct Plan {
  cudnnTensorDescriptor_t input = nullptr, output = nullptr;
  cudnnFilterDescriptor_t filter = nullptr;
  cudnnConvolutionDescriptor_t convolution = nullptr;
  Choice choices[3];
};

/// cuDNN's state for one logical device.
struct DnnDevice {
  cudnnHandle_t handle = nullptr;
  int gpu = 0;
  void *workspace = nullptr;
  size_t workspaceBytes = 0;
  std::vector<void *> retired; ///< Smaller workspaces graphs may still use.
  std::map<ConvGeometry, Plan> plans;

  /// Grows the workspace to `bytes`; false if the GPU has no room.
  bool reserve(size_t bytes) {
    if (bytes <= workspaceBytes)
      return true;
    void *grown = nullptr;
    if (cudaMalloc(&grown, bytes) != cudaSuccess) {
      (void)cudaGetLastError(); // Out of memory is not sticky; clear it.
      return false;
    }
    if (workspace)
      retired.push_back(workspace);
    workspace = grown;
    workspaceBytes = bytes;
    return true;
  }
};

DnnDevice &dnnOf(DeviceContext &device) {
  static std::mutex mutex;
  static std::map<DeviceContext *, std::unique_ptr<DnnDevice>> devices;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<DnnDevice> &dnn = devices[&device];
  if (!dnn) {
    dnn = std::make_unique<DnnDevice>();
    dnn->gpu = device.gpu;
    ALEXRT_CUDNN(cudnnCreate(&dnn->handle));
    ALEXRT_CUDNN(cudnnSetStream(dnn->handle, device.stream));
  }
  return *dnn;
}

int narrow(int64_t value) { return int(value); }

std::string describe(const ConvGeometry &s) {
  auto n = [](int64_t v) { return std::to_string(v); };
  return n(s.batch) + "x" + n(s.channels) + "x" + n(s.height) + "x" +
         n(s.width) + " by " + n(s.filters) + " " + n(s.kernel) + "x" +
         n(s.kernel) + " filters (stride " + n(s.stride) + ", pad " + n(s.pad) +
         ", " + n(s.groups) + " group" + (s.groups == 1 ? "" : "s") + ")";
}

/// The math the model's precision allows (ConvAlgorithms.h).
cudnnMathType_t modelMath() { return convolutionMath(precision()); }

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
  ALEXRT_CUDNN(cudnnSetConvolutionMathType(plan.convolution, modelMath()));
  int n = 0, c = 0, h = 0, w = 0;
  ALEXRT_CUDNN(cudnnGetConvolution2dForwardOutputDim(
      plan.convolution, plan.input, plan.filter, &n, &c, &h, &w));
  if (n != s.batch || c != s.filters || h != s.outHeight || w != s.outWidth)
    alexrt::fatal("cuDNN: the convolution of " + describe(s) + " gives " +
                  std::to_string(n) + "x" + std::to_string(c) + "x" +
                  std::to_string(h) + "x" + std::to_string(w) +
                  ", the step expects " + std::to_string(s.outHeight) + "x" +
                  std::to_string(s.outWidth));
  return plan;
}

/// Has cuDNN rank `direction`'s algorithms (rank(asked, &count, results))
/// and keeps those alexc may use.
template <typename Perf, typename Rank>
void rankCandidates(Rank rank, Choice &choice, const ConvGeometry &s,
                    Direction direction) {
  constexpr int kAsked = 16;
  Perf ranked[kAsked];
  int count = 0;
  check(rank(kAsked, &count, ranked), "cudnnGetConvolution*Algorithm_v7");
  for (const Perf &usable : usableCandidates(ranked, count, precision()))
    choice.candidates.push_back({int(usable.algo), usable.mathType});
  if (choice.candidates.empty())
    alexrt::fatal("cuDNN has no " + std::string(kDirectionNames[direction]) +
                  " algorithm for a convolution of " + describe(s) +
                  " within 1 GiB of workspace at --precision=" +
                  precisionName(precision()) + ", " + mathName(modelMath()) +
                  " math");
  choice.ranked = true;
}

const char *nameOf(Direction direction, int algo) {
  switch (direction) {
  case Forward:
    return algorithmName(cudnnConvolutionFwdAlgo_t(algo));
  case BackwardData:
    return algorithmName(cudnnConvolutionBwdDataAlgo_t(algo));
  case BackwardFilter:
    return algorithmName(cudnnConvolutionBwdFilterAlgo_t(algo));
  }
  return "unknown";
}

/// The workspace cuDNN needs for `choice`'s candidate in use, asked after
/// the descriptor is in the candidate's math (the size depends on it).
cudnnStatus_t workspaceOf(DnnDevice &dnn, Plan &plan, Direction direction,
                          size_t &bytes) {
  const Choice::Candidate &candidate = plan.choices[direction].inUse();
  cudnnStatus_t status =
      cudnnSetConvolutionMathType(plan.convolution, candidate.math);
  if (status != CUDNN_STATUS_SUCCESS)
    return status;
  switch (direction) {
  case Forward:
    return cudnnGetConvolutionForwardWorkspaceSize(
        dnn.handle, plan.input, plan.filter, plan.convolution, plan.output,
        cudnnConvolutionFwdAlgo_t(candidate.algo), &bytes);
  case BackwardData:
    return cudnnGetConvolutionBackwardDataWorkspaceSize(
        dnn.handle, plan.filter, plan.output, plan.convolution, plan.input,
        cudnnConvolutionBwdDataAlgo_t(candidate.algo), &bytes);
  case BackwardFilter:
    return cudnnGetConvolutionBackwardFilterWorkspaceSize(
        dnn.handle, plan.input, plan.output, plan.convolution, plan.filter,
        cudnnConvolutionBwdFilterAlgo_t(candidate.algo), &bytes);
  }
  return CUDNN_STATUS_BAD_PARAM;
}

/// Moves `direction` to its next candidate whose workspace cuDNN can size
/// and the GPU can hold, starting at the one in use; fatal when none is
/// left.
void settleCandidate(DnnDevice &dnn, Plan &plan, Direction direction,
                     const ConvGeometry &s) {
  Choice &choice = plan.choices[direction];
  for (; choice.current < choice.candidates.size(); ++choice.current) {
    const char *name = nameOf(direction, choice.inUse().algo);
    size_t bytes = 0;
    cudnnStatus_t sized = workspaceOf(dnn, plan, direction, bytes);
    std::string &tried = choice.tried;
    if (sized != CUDNN_STATUS_SUCCESS) {
      tried += std::string(tried.empty() ? "" : "; ") + name +
               ": no workspace size (" + cudnnGetErrorString(sized) + ")";
      continue;
    }
    if (!dnn.reserve(bytes)) {
      tried += std::string(tried.empty() ? "" : "; ") + name + ": " +
               std::to_string(bytes >> 20) + " MiB of workspace do not fit";
      continue;
    }
    choice.workspace = bytes;
    return;
  }
  alexrt::fatal("cuDNN: no " + std::string(kDirectionNames[direction]) +
                " algorithm ran for a convolution of " + describe(s) +
                " on GPU " + std::to_string(dnn.gpu) + " (" + choice.tried +
                ")");
}

/// The device's state and the shape's plan with `direction`'s candidates
/// ranked and the one in use ready.
std::pair<DnnDevice *, Plan *> prepare(const ConvGeometry &s,
                                       Direction direction) {
  DnnDevice &dnn = dnnOf(currentContext());
  Plan &plan = planFor(dnn, s);
  Choice &choice = plan.choices[direction];
  if (!choice.ranked) {
    // Ranked in the model's math (the descriptor holds the math of the
    // direction that ran last).
    ALEXRT_CUDNN(cudnnSetConvolutionMathType(plan.convolution, modelMath()));
    cudnnHandle_t h = dnn.handle;
    if (direction == Forward)
      rankCandidates<cudnnConvolutionFwdAlgoPerf_t>(
          [&](int asked, int *count, cudnnConvolutionFwdAlgoPerf_t *ranked) {
            return cudnnGetConvolutionForwardAlgorithm_v7(
                h, plan.input, plan.filter, plan.convolution, plan.output,
                asked, count, ranked);
          },
          choice, s, direction);
    else if (direction == BackwardData)
      rankCandidates<cudnnConvolutionBwdDataAlgoPerf_t>(
          [&](int asked, int *count,
              cudnnConvolutionBwdDataAlgoPerf_t *ranked) {
            return cudnnGetConvolutionBackwardDataAlgorithm_v7(
                h, plan.filter, plan.output, plan.convolution, plan.input,
                asked, count, ranked);
          },
          choice, s, direction);
    else
      rankCandidates<cudnnConvolutionBwdFilterAlgoPerf_t>(
          [&](int asked, int *count,
              cudnnConvolutionBwdFilterAlgoPerf_t *ranked) {
            return cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                h, plan.input, plan.output, plan.convolution, plan.filter,
                asked, count, ranked);
          },
          choice, s, direction);
    settleCandidate(dnn, plan, direction, s);
  }
  // The descriptor is shared by the directions: each runs in the math of
  // its candidate (a host-side setting, fine in a capture).
  ALEXRT_CUDNN(
      cudnnSetConvolutionMathType(plan.convolution, choice.inUse().math));
  return {&dnn, &plan};
}

/// Runs `direction` by `execute(algo, workspace, bytes)`: on the first
/// run a failing candidate gives way to the next; afterwards a failure
/// ends the process.
template <typename Execute>
void runConvolution(const ConvGeometry &s, Direction direction,
                    Execute execute) {
  auto [dnn, plan] = prepare(s, direction);
  Choice &choice = plan->choices[direction];
  for (;;) {
    cudnnStatus_t status =
        execute(*dnn, *plan, choice.inUse().algo, choice.workspace);
    const char *name = nameOf(direction, choice.inUse().algo);
    if (status == CUDNN_STATUS_SUCCESS) {
      if (!choice.confirmed && verbose())
        std::fprintf(stderr,
                     "alexrt: cuDNN on GPU %d, %s of %s: %s (candidate %zu "
                     "of %zu), %s math, %.1f MiB of workspace\n",
                     dnn->gpu, kDirectionNames[direction], describe(s).c_str(),
                     name, choice.current + 1, choice.candidates.size(),
                     mathName(choice.inUse().math),
                     double(choice.workspace) / double(1 << 20));
      choice.confirmed = true;
      return;
    }
    std::string why =
        std::string(name) + " failed: " + cudnnGetErrorString(status);
    // The CUDA error behind it, cleared; one that stays (a broken
    // context: an illegal address, a failed kernel) no other algorithm
    // would survive.
    cudaStream_t stream = currentContext().stream;
    cudaError_t behind = cudaGetLastError();
    if (behind != cudaSuccess)
      why += std::string(" (CUDA: ") + cudaGetErrorString(behind) + ")";
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    (void)cudaStreamIsCapturing(stream, &capturing);
    bool broken = false;
    if (capturing != cudaStreamCaptureStatusNone) {
      why += "; in a CUDA graph capture (ALEXRT_CUDA_GRAPH=0 runs every "
             "step eagerly)";
    } else {
      cudaError_t state = cudaStreamQuery(stream);
      broken = state != cudaSuccess && state != cudaErrorNotReady;
    }
    if (choice.confirmed || broken || capturing != cudaStreamCaptureStatusNone)
      alexrt::fatal("cuDNN: the " + std::string(kDirectionNames[direction]) +
                    " convolution of " + describe(s) + " on GPU " +
                    std::to_string(dnn->gpu) + ": " + why);
    choice.tried += (choice.tried.empty() ? "" : "; ") + why;
    if (verbose())
      std::fprintf(stderr,
                   "alexrt: cuDNN on GPU %d, %s of %s: %s; trying "
                   "the next candidate\n",
                   dnn->gpu, kDirectionNames[direction], describe(s).c_str(),
                   why.c_str());
    ++choice.current;
    settleCandidate(*dnn, *plan, direction, s);
    ALEXRT_CUDNN(
        cudnnSetConvolutionMathType(plan->convolution, choice.inUse().math));
  }
}

const float kOne = 1.0f, kZero = 0.0f;

} // namespace

extern "C" void alexrt_conv2d_forward(const float *x, const float *w, float *y,
                                      ALEXRT_CONV2D_SHAPE) {
  runConvolution(ALEXRT_CONV2D_GEOMETRY, Forward,
                 [&](DnnDevice &dnn, Plan &plan, int algo, size_t bytes) {
                   return cudnnConvolutionForward(
                       dnn.handle, &kOne, plan.input, x, plan.filter, w,
                       plan.convolution, cudnnConvolutionFwdAlgo_t(algo),
                       dnn.workspace, bytes, &kZero, plan.output, y);
                 });
}

extern "C" void alexrt_conv2d_backward_data(const float *dy, const float *w,
                                            float *dx, ALEXRT_CONV2D_SHAPE) {
  runConvolution(ALEXRT_CONV2D_GEOMETRY, BackwardData,
                 [&](DnnDevice &dnn, Plan &plan, int algo, size_t bytes) {
                   return cudnnConvolutionBackwardData(
                       dnn.handle, &kOne, plan.filter, w, plan.output, dy,
                       plan.convolution, cudnnConvolutionBwdDataAlgo_t(algo),
                       dnn.workspace, bytes, &kZero, plan.input, dx);
                 });
}

extern "C" void alexrt_conv2d_backward_filter(const float *x, const float *dy,
                                              float *dw, ALEXRT_CONV2D_SHAPE) {
  runConvolution(ALEXRT_CONV2D_GEOMETRY, BackwardFilter,
                 [&](DnnDevice &dnn, Plan &plan, int algo, size_t bytes) {
                   return cudnnConvolutionBackwardFilter(
                       dnn.handle, &kOne, plan.input, x, plan.output, dy,
                       plan.convolution, cudnnConvolutionBwdFilterAlgo_t(algo),
                       dnn.workspace, bytes, &kZero, plan.filter, dw);
                 });
}
