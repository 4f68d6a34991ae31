//===- GpuPlacement.cpp - which GPU each logical device runs on -----------===//

#include "runtime/devices/GpuPlacement.h"

#include <algorithm>
#include <string>

using namespace alexrt;

static std::string counted(int n, const char *noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

Status GpuPlacement::place(int devices, int nodeReplica, int nodeReplicas,
                           int gpus, bool replicated, GpuPlacement &out) {
  devices = std::max(1, devices);
  if (gpus < 1)
    return Status::error("no CUDA device");
  if (!replicated) {
    out.first = 0;
    out.count = std::min(devices, gpus);
    return Status::success();
  }
  out.count = devices;
  if (gpus >= nodeReplicas * devices) {
    out.first = nodeReplica * devices;
    return Status::success();
  }
  // Fewer than the node's replicas need: the launcher may have given this
  // process its own (checkGpusDistinct tells).
  if (gpus >= devices) {
    out.first = 0;
    return Status::success();
  }
  return Status::error("this replica runs " + counted(devices, "device") +
                       ", each on a GPU of its own (NCCL sums each device's "
                       "gradients across the replicas), but it sees " +
                       counted(gpus, "GPU") +
                       (devices > 1 ? ": compile with --devices=1" : ""));
}

Status alexrt::checkGpusDistinct(const std::vector<std::string> &gpuIds,
                                 int devices, int nodeReplicas, int gpus) {
  devices = std::max(1, devices);
  for (size_t a = 0; a < gpuIds.size(); ++a)
    for (size_t b = a + 1; b < gpuIds.size(); ++b) {
      if (gpuIds[a] != gpuIds[b])
        continue;
      auto who = [&](size_t i) {
        return "replica " + std::to_string(i / size_t(devices)) + "'s device " +
               std::to_string(i % size_t(devices));
      };
      int needed = nodeReplicas * devices;
      return Status::error(
          who(a) + " and " + who(b) + " would share GPU " + gpuIds[a] +
          ": NCCL sums each device's gradients across the replicas and needs "
          "a GPU per replica and device; this node runs " +
          counted(nodeReplicas, "replica") + " of " +
          counted(devices, "device") + " and so needs " +
          counted(needed, "GPU") + ", and it has " + std::to_string(gpus) +
          ": start at most " + std::to_string(std::max(1, gpus / devices)) +
          " a node (mpirun --map-by ppr:" +
          std::to_string(std::max(1, gpus / devices)) + ":node)" +
          (devices > 1 ? ", or compile with --devices=1" : ""));
    }
  return Status::success();
}

std::vector<int> GpuPlacement::gpus() const {
  std::vector<int> result;
  for (int g = first; g < first + count; ++g)
    result.push_back(g);
  return result;
}

std::string GpuPlacement::describe() const {
  if (count == 1)
    return "GPU " + std::to_string(first);
  return "GPUs " + std::to_string(first) + "-" +
         std::to_string(first + count - 1);
}

Status
alexrt::checkPeerAccess(const std::vector<int> &gpus,
                        const std::function<bool(int, int)> &canAccessPeer) {
  for (int a : gpus)
    for (int b : gpus)
      if (a != b && !canAccessPeer(a, b))
        return Status::error(
            "GPU " + std::to_string(a) + " cannot read GPU " +
            std::to_string(b) +
            "'s memory (no peer access between them), which the devices of "
            "a step on several GPUs need: run on GPUs that have it "
            "(nvidia-smi topo -p2p r), or on one GPU (CUDA_VISIBLE_DEVICES)");
  return Status::success();
}
