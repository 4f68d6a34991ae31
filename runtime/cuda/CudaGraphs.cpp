//===- CudaGraphs.cpp - each entry point's GPU work as one CUDA graph -----===//
//
// A step issues about 140 launches, GEMMs, copies and events per device
// (alexc summary --target=cuda counts them): at 2-4 us of host time each
// that is about the step's own length. Captured once as a CUDA graph, with
// every device's stream forked from and joined back to device 0's by the
// events the step already records, the whole step is one launch. When to
// capture and replay is StepReplay's (runtime/devices/StepReplay.h). The host
// waits nowhere in a step: it reads the loss after it. ALEXRT_CUDA_GRAPH=0 runs
// every call eagerly (for comparison), and so does a step that sums across
// replicas (NCCL's calls stay outside graphs).
//
//===----------------------------------------------------------------------===//

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/cuda/CudaContext.h"
#include "runtime/devices/StepReplay.h"
#include "runtime/replicas/Replicas.h"

#include <cstdlib>
#include <cstring>
#include <map>

using namespace alexrt;
using namespace alexrt::cuda;

namespace {

/// An entry point's captured step.
struct Graph {
  cudaGraphExec_t replay = nullptr;
  /// Bytes its copies between devices move (counted once per replay).
  int64_t exchangedBytes = 0;
};

bool graphsEnabled() {
  const char *setting = std::getenv("ALEXRT_CUDA_GRAPH");
  return (!setting || std::strcmp(setting, "0") != 0) && !replicaJob();
}

} // namespace

void alexrt::runEntryPoint(void (*entry)(void **),
                           std::vector<void *> &buffers) {
  static StepReplay policy;
  static std::map<void (*)(void **), Graph> graphs;
  ReplayAction action = policy.next(entry, buffers, graphsEnabled());
  if (action == ReplayAction::Eager) {
    entry(buffers.data());
    return;
  }
  bindThread(0);
  cudaStream_t stream = context(0).stream;
  Graph &graph = graphs[entry];
  if (action == ReplayAction::Capture) {
    if (graph.replay)
      ALEXRT_CUDA(cudaGraphExecDestroy(graph.replay));
    // Relaxed: the other devices' host threads issue into the capture.
    ALEXRT_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed));
    int64_t before = alexrt_exchanged_bytes();
    entry(buffers.data());
    // Issuing counted the copies; the launch below moves them.
    graph.exchangedBytes = alexrt_exchanged_bytes() - before;
    countExchangedBytes(-graph.exchangedBytes);
    cudaGraph_t captured = nullptr;
    ALEXRT_CUDA(cudaStreamEndCapture(stream, &captured));
    ALEXRT_CUDA(cudaGraphInstantiate(&graph.replay, captured, 0));
    ALEXRT_CUDA(cudaGraphDestroy(captured));
  }
  ALEXRT_CUDA(cudaGraphLaunch(graph.replay, stream));
  countExchangedBytes(graph.exchangedBytes);
}
