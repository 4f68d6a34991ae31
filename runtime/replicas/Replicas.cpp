//===- Replicas.cpp - the job, and the sums generated code starts ---------===//

#include "runtime/replicas/Replicas.h"

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/devices/DevicePool.h"
#include "runtime/support/Fatal.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

namespace alexrt {
// Weak: libalexrt_mpi is linked (whole) only into replicated binaries.
__attribute__((weak)) Status joinMpiJob(int expected, int channels,
                                        std::unique_ptr<Communicator> &out,
                                        size_t maxPiece);
} // namespace alexrt

using namespace alexrt;

namespace {

/// The MPI job, and what the step sums device buffers through (the job
/// itself on the CPU, NCCL on the CUDA target).
std::unique_ptr<Communicator> job, stepSums;
/// Per device of the step: each bucket's sums in flight.
std::vector<std::map<int32_t, std::vector<Communicator::Request>>> inFlight;

Communicator &sums() { return stepSums ? *stepSums : *job; }

} // namespace

/// The size of the MPI job the launcher says this process belongs to (its
/// environment: Open MPI's, else the PMI one MPICH and Slurm set), or 1.
static int launchedJobSize() {
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char *value = std::getenv(name))
      return std::max(1, std::atoi(value));
  return 1;
}

Status alexrt::joinReplicaJob(const ModelInfo &model) {
  if (model.replicas <= 1) {
    // Without MPI, copies of one process would each train alone and write
    // the same checkpoint.
    if (int size = launchedJobSize(); size > 1)
      return Status::error(
          "this binary was compiled for 1 replica but runs as one of " +
          std::to_string(size) + " processes; compile it with --replicas=" +
          std::to_string(size) + " (or start it without mpirun)");
    return Status::success();
  }
  if (job)
    return Status::success();
  if (!joinMpiJob)
    return Status::error("this binary was compiled for " +
                         std::to_string(model.replicas) +
                         " replicas but without the MPI runtime");
  int devices = int(std::max<int64_t>(1, model.devices));
  if (Status joined = joinMpiJob(int(model.replicas), devices, job);
      !joined.ok())
    return joined;
  inFlight.assign(size_t(devices), {});
  return Status::success();
}

Status alexrt::openReplicaSums(const ModelInfo &model) {
  if (!job || stepSums)
    return Status::success();
  return openStepSums(*job, int(std::max<int64_t>(1, model.devices)), stepSums);
}

Communicator *alexrt::replicaJob() { return job.get(); }

Communicator *alexrt::replicaSums() { return job ? &sums() : nullptr; }

int alexrt::replicaIndex() { return job ? job->replica() : 0; }

int alexrt::replicaCount() { return job ? job->replicas() : 1; }

int alexrt::nodeReplicaIndex() { return job ? job->nodeReplica() : 0; }

int alexrt::nodeReplicaCount() { return job ? job->nodeReplicas() : 1; }

void alexrt::sumOverReplicas(double *data, size_t count) {
  if (!job)
    return;
  if (Status status = job->sumNow(data, count); !status.ok())
    fatal(status.message());
}

void alexrt::leaveReplicaJob() {
  stepSums.reset();
  job.reset(); // MPI_Finalize
}

int alexrt::endReplicaJob(int code) {
  if (job && code != 0) {
    std::fflush(stdout);
    std::fflush(stderr);
    job->abort(code);
  }
  stepSums.reset();
  job.reset(); // MPI_Finalize
  return code;
}

extern "C" int32_t alexrt_replica_index(void) { return replicaIndex(); }

extern "C" void alexrt_replica_sum_start(int32_t bucket, float *data,
                                         int64_t count, float scale) {
  int device = currentDevice();
  inFlight[size_t(device)][bucket].push_back(
      sums().startSum(device, data, size_t(count), scale));
}

extern "C" void alexrt_replica_sum_wait(int32_t bucket) {
  auto &buckets = inFlight[size_t(currentDevice())];
  auto found = buckets.find(bucket);
  // The compiler waits only for buckets the device started: anything else
  // is a broken step, whose updates would read unsummed gradients.
  if (found == buckets.end())
    fatal("internal error: the step waits for gradient bucket " +
          std::to_string(bucket) + ", which this device never started");
  for (Communicator::Request request : found->second)
    if (Status status = sums().wait(request); !status.ok())
      fatal("summing gradients across replicas: " + status.message());
  buckets.erase(found);
}
