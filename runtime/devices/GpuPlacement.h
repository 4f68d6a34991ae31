//===- GpuPlacement.h - which GPU each logical device runs on ---*- C++ -*-===//
//
// The CUDA target's placement rules, kept apart from CUDA so they are
// tested on every machine (test/runtime/GpuPlacementTest.cpp).
//
// One process: device d runs on GPU d mod the GPUs it sees, so the paper's
// two towers run as two streams of one GPU where there is only one.
// Replicas: every replica and device gets a GPU of its own. Replicas sum
// each device's gradients with its own NCCL communicator, and NCCL refuses
// two ranks of one communicator on one GPU ("Duplicate GPU detected"), while
// two communicators on one GPU, driven by two threads, can deadlock (each
// one's kernel waits for its peers while holding the GPU). Where a process
// sees its node's GPUs, replica r of the node runs device d on GPU
// r * devices + d; where it sees fewer (a launcher that gives each process
// its own, by CUDA_VISIBLE_DEVICES or Slurm's --gpus-per-task), its first
// ones. The replicas then compare their GPUs' UUIDs: a GPU shared by two
// is refused before any work.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DEVICES_GPUPLACEMENT_H
#define ALEXRT_DEVICES_GPUPLACEMENT_H

#include "runtime/support/Status.h"

#include <functional>
#include <vector>

namespace alexrt {

/// The GPUs of this process's logical devices.
class GpuPlacement {
public:
  /// Places `devices` logical devices of replica `nodeReplica` of the
  /// `nodeReplicas` replicas on this node (0 of 1 without replicas) on a
  /// node where `gpus` GPUs are visible; `replicated`: the step sums across
  /// replicas on the GPUs (NCCL).
  static Status place(int devices, int nodeReplica, int nodeReplicas, int gpus,
                      bool replicated, GpuPlacement &out);

  /// The GPU logical device `device` runs on.
  int gpuOf(int device) const { return first + device % count; }
  /// The distinct GPUs this process uses, in order.
  std::vector<int> gpus() const;
  /// "GPU 2", "GPUs 2-3".
  std::string describe() const;

private:
  int first = 0, count = 1;
};

/// Checks that no GPU serves two devices of a replicated job: `gpuIds`
/// holds every replica's devices' GPU UUIDs, replica r's device d at
/// r * devices + d; `nodeReplicas` and `gpus` (this node's) shape the
/// advice.
Status checkGpusDistinct(const std::vector<std::string> &gpuIds, int devices,
                         int nodeReplicas, int gpus);

/// Checks that every GPU of `gpus` can read every other's memory (session
/// buffers live on device 0's GPU and every device reads them; exchange
/// buffers on the GPU of the device that touched them first):
/// `canAccessPeer(a, b)` says whether GPU a may access GPU b's memory.
Status checkPeerAccess(const std::vector<int> &gpus,
                       const std::function<bool(int, int)> &canAccessPeer);

} // namespace alexrt

#endif // ALEXRT_DEVICES_GPUPLACEMENT_H
