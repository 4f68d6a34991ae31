//===- NcclCommunicator.cpp - gradient sums of GPU buffers across replicas ===//
//
// The CUDA target's step sums its gradients with NCCL, which reads and
// writes GPU memory directly (NVLink, InfiniBand with GPUDirect). Each
// device of the step (a channel) has its own NCCL communicator over the
// replicas, bootstrapped over the MPI job (replica 0's ncclUniqueId is
// broadcast), and its own stream: a sum waits on an event for the point
// of the device's stream where its gradients are complete, runs on the sum
// stream while the step computes on, and a wait is an event the device's
// stream waits on: the host never blocks on a sum. NCCL's all-reduce gives
// every rank the same bits. Everything else (figures, broadcasts, abort)
// goes through the MPI job.
//
// Every (replica, device) of a node has a GPU of its own
// (runtime/devices/GpuPlacement.h): a communicator never has two ranks on one
// GPU, and a GPU never serves two communicators, whose kernels could wait for
// each other's peers forever when two threads launch them in different
// orders on different replicas.
//
// A failed or dead peer leaves an NCCL kernel spinning, and the step's
// stream with it: while the host waits for a step (CudaContext.h's
// synchronize), a watch polls every communicator's asynchronous error and
// ends the job on one, or after ALEXRT_NCCL_TIMEOUT seconds (600 by
// default) without the step finishing.
//
// Built wherever the CUDA toolkit (which ships NCCL) is; never run on this
// project's CI machines, which have no GPU.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaContext.h"
#include "runtime/replicas/Communicator.h"
#include "runtime/support/Fatal.h"

#include <nccl.h>

#include <algorithm>
#include <cstdlib>
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

/// Ends the job like ALEXRT_CUDA: a failed collective leaves the step
/// undefined, and the other replicas would wait for this one.
void checkNccl(ncclResult_t result, const char *call) {
  if (result != ncclSuccess)
    fatal(failedCall("NCCL", call, ncclGetErrorString(result)));
}
#define ALEXRT_NCCL(call) checkNccl((call), #call)

/// Seconds a step may wait on its sums before the job is declared stuck.
double ncclTimeout() {
  const char *setting = std::getenv("ALEXRT_NCCL_TIMEOUT");
  double seconds = setting ? std::atof(setting) : 0;
  return seconds > 0 ? seconds : 600;
}

class NcclCommunicator : public Communicator {
public:
  explicit NcclCommunicator(Communicator &job) : job(job) {}
  ~NcclCommunicator() override {
    if (watching)
      unwatchWaits(watching);
    for (const Interval &interval : timed) {
      cudaEventDestroy(interval.begin);
      cudaEventDestroy(interval.end);
    }
    for (auto &[id, sum] : pending)
      cudaEventDestroy(sum.summed);
    for (Channel &channel : channels) {
      if (channel.comm)
        ncclCommDestroy(channel.comm);
      if (channel.stream)
        cudaStreamDestroy(channel.stream);
    }
  }

  Status open(int devices) {
    channels.resize(size_t(devices));
    summing.assign(size_t(devices), 0);
    stalled.assign(size_t(devices), 0);
    for (int d = 0; d < devices; ++d) {
      ncclUniqueId id;
      if (job.replica() == 0)
        ALEXRT_NCCL(ncclGetUniqueId(&id));
      if (Status sent = job.broadcast(&id, sizeof id, 0); !sent.ok())
        return sent;
      Channel &channel = channels[size_t(d)];
      bindThread(d);
      ALEXRT_CUDA(
          cudaStreamCreateWithFlags(&channel.stream, cudaStreamNonBlocking));
      ALEXRT_NCCL(
          ncclCommInitRank(&channel.comm, job.replicas(), id, job.replica()));
    }
    bindThread(0);
    double timeout = ncclTimeout();
    watching = watchWaits(
        [this, timeout](double seconds) { watch(seconds, timeout); });
    return Status::success();
  }

  int replica() const override { return job.replica(); }
  int replicas() const override { return job.replicas(); }
  int nodeReplica() const override { return job.nodeReplica(); }
  int nodeReplicas() const override { return job.nodeReplicas(); }

  Request startSum(int channelIndex, float *data, size_t count,
                   float scale) override {
    Channel &channel = channels[size_t(channelIndex)];
    DeviceContext &device = context(channelIndex);
    // NCCL reads and writes the buffer from its communicator's GPU.
    cudaPointerAttributes where;
    ALEXRT_CUDA(cudaPointerGetAttributes(&where, data));
    if (where.type != cudaMemoryTypeDevice || where.device != device.gpu)
      fatal("internal error: device " + std::to_string(channelIndex) +
            "'s gradients to sum are not in GPU " + std::to_string(device.gpu) +
            "'s memory");
    // complete: where the device's gradients are; summed: where their sum
    // is, for the device's stream to wait on; begin and end time the
    // all-reduce on the sum stream.
    cudaEvent_t complete, summed, begin, end;
    ALEXRT_CUDA(cudaEventCreateWithFlags(&complete, cudaEventDisableTiming));
    ALEXRT_CUDA(cudaEventCreateWithFlags(&summed, cudaEventDisableTiming));
    ALEXRT_CUDA(cudaEventCreate(&begin));
    ALEXRT_CUDA(cudaEventCreate(&end));
    ALEXRT_CUDA(cudaEventRecord(complete, device.stream));
    ALEXRT_CUDA(cudaStreamWaitEvent(channel.stream, complete, 0));
    ALEXRT_CUDA(cudaEventRecord(begin, channel.stream));
    ncclRedOp_t op;
    ALEXRT_NCCL(ncclRedOpCreatePreMulSum(
        &op, &scale, ncclFloat32, ncclScalarHostImmediate, channel.comm));
    ALEXRT_NCCL(ncclAllReduce(data, data, count, ncclFloat32, op, channel.comm,
                              channel.stream));
    ALEXRT_NCCL(ncclRedOpDestroy(op, channel.comm));
    ALEXRT_CUDA(cudaEventRecord(end, channel.stream));
    ALEXRT_CUDA(cudaEventRecord(summed, channel.stream));
    ALEXRT_CUDA(cudaEventDestroy(complete));
    std::lock_guard<std::mutex> lock(mutex);
    Request id = nextId++;
    pending[id] = {channelIndex, summed};
    // Timings of earlier steps, settled as they complete: the events
    // would otherwise pile up over a run.
    settle();
    timed.push_back({channelIndex, begin, end, /*stall=*/false});
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
    // The device's stream, not the host, waits; the events around the wait
    // time how long it stalled.
    cudaStream_t stream = context(sum.channel).stream;
    cudaEvent_t before, after;
    ALEXRT_CUDA(cudaEventCreate(&before));
    ALEXRT_CUDA(cudaEventCreate(&after));
    ALEXRT_CUDA(cudaEventRecord(before, stream));
    ALEXRT_CUDA(cudaStreamWaitEvent(stream, sum.summed, 0));
    ALEXRT_CUDA(cudaEventRecord(after, stream));
    ALEXRT_CUDA(cudaEventDestroy(sum.summed)); // The wait holds it.
    std::lock_guard<std::mutex> lock(mutex);
    timed.push_back({sum.channel, before, after, /*stall=*/true});
    return Status::success();
  }

  Status sumNow(double *data, size_t count) override {
    return job.sumNow(data, count);
  }
  Status broadcast(void *data, size_t bytes, int root) override {
    return job.broadcast(data, bytes, root);
  }

  /// The devices' streams stalled on sums, summed over the devices.
  double secondsWaited() const override {
    std::lock_guard<std::mutex> lock(mutex);
    settle();
    double total = 0;
    for (double seconds : stalled)
      total += seconds;
    return total;
  }
  /// The all-reduces' time on the busiest device's sum stream (devices'
  /// GPUs keep separate clocks, so their overlap is not measured).
  double secondsSumming() const override {
    std::lock_guard<std::mutex> lock(mutex);
    settle();
    return summing.empty() ? 0
                           : *std::max_element(summing.begin(), summing.end());
  }
  [[noreturn]] void abort(int code) override {
    job.abort(code);
    std::_Exit(code); // Not reached; GCC cannot see through the call.
  }

private:
  struct Channel {
    ncclComm_t comm = nullptr;
    cudaStream_t stream = nullptr;
  };
  struct Pending {
    int channel = 0;
    cudaEvent_t summed = nullptr;
  };
  /// Two timing events on one stream: an all-reduce, or a stall on one.
  struct Interval {
    int channel;
    cudaEvent_t begin, end;
    bool stall;
  };

  /// Adds the intervals whose events have completed to their channels'
  /// figures (the others stay for later). Under `mutex`.
  void settle() const {
    std::vector<Interval> open;
    for (const Interval &interval : timed) {
      float ms = 0;
      cudaError_t state =
          cudaEventElapsedTime(&ms, interval.begin, interval.end);
      if (state == cudaErrorNotReady) {
        open.push_back(interval);
        continue;
      }
      ALEXRT_CUDA(state);
      (interval.stall ? stalled : summing)[size_t(interval.channel)] +=
          ms / 1e3;
      ALEXRT_CUDA(cudaEventDestroy(interval.begin));
      ALEXRT_CUDA(cudaEventDestroy(interval.end));
    }
    timed.swap(open);
  }

  /// Run while the host waits for a step: ends the job on a
  /// communicator's asynchronous error or when the wait passes `timeout`.
  void watch(double seconds, double timeout) {
    for (size_t d = 0; d < channels.size(); ++d) {
      ncclResult_t state = ncclSuccess;
      ncclResult_t asked = ncclCommGetAsyncError(channels[d].comm, &state);
      if (asked != ncclSuccess)
        state = asked;
      if (state != ncclSuccess && state != ncclInProgress)
        fatal("NCCL: summing device " + std::to_string(d) +
              "'s gradients across the replicas failed: " +
              ncclGetErrorString(state) + " (" +
              ncclGetLastError(channels[d].comm) + ")");
    }
    if (seconds > timeout)
      fatal("a step has waited " + std::to_string(int(seconds)) +
            " s for its gradient sums across the replicas: a replica has "
            "stopped or hangs (ALEXRT_NCCL_TIMEOUT sets the limit, in "
            "seconds)");
  }

  Communicator &job;
  std::vector<Channel> channels;
  int watching = 0; ///< Our watch of the host's waits (watchWaits).
  mutable std::mutex mutex;
  std::map<Request, Pending> pending;
  Request nextId = 0;
  /// Intervals whose events may not have completed yet, and per channel
  /// the seconds of those settled: summing, and the device stream stalled.
  mutable std::vector<Interval> timed;
  mutable std::vector<double> summing, stalled;
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
