//===- Replicas.h - this process's place in a data-parallel job -*- C++ -*-===//
//
// A binary compiled for R > 1 replicas runs as R processes under mpirun;
// main() joins the job before train, eval or bench, and the step's
// generated code sums its gradients through alexrt_replica_sum_* (see
// alexrt.h and --alex-replicate).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_REPLICAS_REPLICAS_H
#define ALEXRT_REPLICAS_REPLICAS_H

#include "runtime/ModelInfo.h"
#include "runtime/replicas/Communicator.h"

namespace alexrt {

/// Joins the job `model` was compiled for: nothing with one replica, else
/// an MPI job of exactly model.replicas processes (and on the CUDA target
/// NCCL over it for the GPU buffers).
Status joinReplicaJob(const ModelInfo &model);

/// The job this process is a replica of; null with one replica.
Communicator *replicaJob();

/// This process's replica index (0 without a job) and the replica count.
int replicaIndex();
int replicaCount();

/// Sums `count` doubles over the replicas, in place (nothing without a
/// job); a failure ends the job.
void sumOverReplicas(double *data, size_t count);

/// Ends the whole job with `code` if there is one (a replica that stops
/// early would leave the others waiting); returns `code` otherwise.
int endReplicaJob(int code);

} // namespace alexrt

#endif // ALEXRT_REPLICAS_REPLICAS_H
