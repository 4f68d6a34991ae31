//===- CudaGraphs.cpp - each entry point's GPU work as one CUDA graph -----===//
//
// A step issues about 150 launches, GEMMs, copies and events per device
// (alexc summary --target=cuda counts them): at 2-4 us of host time each
// that is about the step's own length. Captured once as a CUDA graph, with
// every device's stream forked from and joined back to device 0's by the
// events the step already records, the whole step is one launch.
//
// The first call of an entry point runs eagerly: it loads the kernels and
// allocates the workspaces, which a capture must not do. The second is
// captured, then launched; later calls replay the graph, unless the
// buffers differ from those it was captured with (then it is captured
// anew). The host waits nowhere in a step: it reads the loss after it.
// ALEXRT_CUDA_GRAPH=0 runs every call eagerly (for comparison), and so
// does a step that sums across replicas (NCCL's calls stay outside
// graphs).
//
//===----------------------------------------------------------------------===//

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/cuda/CudaContext.h"
#include "runtime/replicas/Replicas.h"

#include <cstdlib>
#include <cstring>
#include <map>

using namespace alexrt;
using namespace alexrt::cuda;

namespace {

/// An entry point's captured step.
struct CapturedStep {
  int calls = 0;
  std::vector<void *> buffers; ///< The buffers it was captured with.
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
  static std::map<void (*)(void **), CapturedStep> captured;
  CapturedStep &step = captured[entry];
  if (!graphsEnabled() || step.calls++ == 0) {
    entry(buffers.data());
    return;
  }
  bindThread(0);
  cudaStream_t stream = context(0).stream;
  if (!step.replay || step.buffers != buffers) {
    if (step.replay)
      ALEXRT_CUDA(cudaGraphExecDestroy(step.replay));
    // Relaxed: the other devices' host threads issue into the capture.
    ALEXRT_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed));
    int64_t before = alexrt_exchanged_bytes();
    entry(buffers.data());
    // Issuing counted the copies; the replay below moves them.
    step.exchangedBytes = alexrt_exchanged_bytes() - before;
    countExchangedBytes(-step.exchangedBytes);
    cudaGraph_t graph = nullptr;
    ALEXRT_CUDA(cudaStreamEndCapture(stream, &graph));
    ALEXRT_CUDA(cudaGraphInstantiate(&step.replay, graph, 0));
    ALEXRT_CUDA(cudaGraphDestroy(graph));
    step.buffers = buffers;
  }
  ALEXRT_CUDA(cudaGraphLaunch(step.replay, stream));
  countExchangedBytes(step.exchangedBytes);
}
