//===- NcclCommunicator.cpp - gradient sums of GPU buffers across replicas ===//
//
// The CUDA target's step sums its gradients with NCCL, which reads and
// writes GPU memory directly (NVLink, InfiniBand with GPUDirect). Each
// device of the step (a channel) has its own NCCL communicator over the
// replicas, bootstrapped over the MPI job (replica 0's ncclUniqueId is
// broadcast), and its own stream: a sum waits on an event for the point
// of the device's stream where its gradients are complete, runs on the sum
// stream while the step computes on, and a wait is an event the device's
// stream waits on: the host never blocks. NCCL's all-reduce gives every
// rank the same bits. Everything else (figures, broadcasts, abort) goes
// through the MPI job.
//
// Built wherever the CUDA toolkit (which ships NCCL) is; never run on this
// project's CI machines, which have no GPU.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaContext.h"
#include "runtime/replicas/Communicator.h"

#include <nccl.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace alexrt::cuda {
Status openNcclSums(Communicator &job, int devices,
                    std::unique_ptr<Communicator> &out);
} // namespace alexrt::cuda

using namespace alexrt;
using namespace alexrt::cuda;

namespace {

/// Exits like ALEXRT_CUDA: a failed collective leaves the step undefined.
void checkNccl(ncclResult_t result, const char *call, Communicator &job) {
  if (result == ncclSuccess)
    return;
  std::fprintf(stderr, "error: %s: %s\n", call, ncclGetErrorString(result));
  job.abort(1);
}
#define ALEXRT_NCCL(call) checkNccl((call), #call, job)

class NcclCommunicator : public Communicator {
public:
  explicit NcclCommunicator(Communicator &job) : job(job) {}
  ~NcclCommunicator() override {
    for (Channel &channel : channels) {
      if (channel.comm)
        ncclCommDestroy(channel.comm);
      if (channel.stream)
        cudaStreamDestroy(channel.stream);
    }
  }

  Status open(int devices) {
    channels.resize(size_t(devices));
    for (int d = 0; d < devices; ++d) {
      ncclUniqueId id;
      if (job.replica() == 0)
        ALEXRT_NCCL(ncclGetUniqueId(&id));
      if (Status sent = job.broadcast(&id, sizeof id, 0); !sent.ok())
        return sent;
      Channel &channel = channels[size_t(d)];
      ALEXRT_CUDA(cudaSetDevice(context(d).gpu));
      ALEXRT_CUDA(
          cudaStreamCreateWithFlags(&channel.stream, cudaStreamNonBlocking));
      ALEXRT_NCCL(
          ncclCommInitRank(&channel.comm, job.replicas(), id, job.replica()));
    }
    ALEXRT_CUDA(cudaSetDevice(context(0).gpu));
    return Status::success();
  }

  int replica() const override { return job.replica(); }
  int replicas() const override { return job.replicas(); }

  Request startSum(int channelIndex, float *data, size_t count,
                   float scale) override {
    Channel &channel = channels[size_t(channelIndex)];
    DeviceContext &device = context(channelIndex);
    cudaEvent_t complete, summed;
    ALEXRT_CUDA(cudaEventCreateWithFlags(&complete, cudaEventDisableTiming));
    ALEXRT_CUDA(cudaEventCreateWithFlags(&summed, cudaEventDisableTiming));
    ALEXRT_CUDA(cudaEventRecord(complete, device.stream));
    ALEXRT_CUDA(cudaStreamWaitEvent(channel.stream, complete, 0));
    ncclRedOp_t op;
    ALEXRT_NCCL(ncclRedOpCreatePreMulSum(
        &op, &scale, ncclFloat32, ncclScalarHostImmediate, channel.comm));
    ALEXRT_NCCL(ncclAllReduce(data, data, count, ncclFloat32, op, channel.comm,
                              channel.stream));
    ALEXRT_NCCL(ncclRedOpDestroy(op, channel.comm));
    ALEXRT_CUDA(cudaEventRecord(summed, channel.stream));
    ALEXRT_CUDA(cudaEventDestroy(complete));
    std::lock_guard<std::mutex> lock(mutex);
    Request id = nextId++;
    pending[id] = {channelIndex, summed};
    return id;
  }

  Status wait(Request id) override {
    Pending sum;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto found = pending.find(id);
      if (found == pending.end())
        return Status::error("no sum in flight with id " + std::to_string(id));
      sum = found->second;
      pending.erase(found);
    }
    // The device's stream, not the host, waits.
    ALEXRT_CUDA(
        cudaStreamWaitEvent(context(sum.channel).stream, sum.summed, 0));
    ALEXRT_CUDA(cudaEventDestroy(sum.summed));
    return Status::success();
  }

  Status sumNow(double *data, size_t count) override {
    return job.sumNow(data, count);
  }
  Status broadcast(void *data, size_t bytes, int root) override {
    return job.broadcast(data, bytes, root);
  }
  // The host never waits for a GPU sum (its stream does).
  double secondsWaited() const override { return 0; }
  double secondsSumming() const override { return 0; }
  [[noreturn]] void abort(int code) override { job.abort(code); }

private:
  struct Channel {
    ncclComm_t comm = nullptr;
    cudaStream_t stream = nullptr;
  };
  struct Pending {
    int channel = 0;
    cudaEvent_t summed = nullptr;
  };

  Communicator &job;
  std::vector<Channel> channels;
  std::mutex mutex;
  std::map<Request, Pending> pending;
  Request nextId = 0;
};

} // namespace

Status alexrt::cuda::openNcclSums(Communicator &job, int devices,
                                  std::unique_ptr<Communicator> &out) {
  auto sums = std::make_unique<NcclCommunicator>(job);
  if (Status opened = sums->open(devices); !opened.ok())
    return opened;
  out = std::move(sums);
  return Status::success();
}
