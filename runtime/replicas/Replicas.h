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

#include "runtime/model/ModelInfo.h"
#include "runtime/replicas/Communicator.h"

namespace alexrt {

/// Joins the job `model` was compiled for: nothing with one replica, else
/// an MPI job of exactly model.replicas processes. Before the target is
/// opened: which GPUs a replica takes depends on its place on its node.
Status joinReplicaJob(const ModelInfo &model);

/// Opens what the step sums its device buffers through across the job
/// (NCCL on the CUDA target; the job itself on the CPU), once the target
/// is open. Nothing without a job.
Status openReplicaSums(const ModelInfo &model);

/// The job this process is a replica of; null with one replica.
Communicator *replicaJob();
/// What the step's gradient sums go through (bench's timings); null with
/// one replica.
Communicator *replicaSums();

/// This process's replica index (0 without a job) and the replica count.
int replicaIndex();
int replicaCount();
/// Its index among the job's replicas on this machine, and their count (0
/// and 1 without a job).
int nodeReplicaIndex();
int nodeReplicaCount();

/// Sums `count` doubles over the replicas, in place (nothing without a
/// job); a failure ends the job.
void sumOverReplicas(double *data, size_t count);

/// Leaves the job in order (MPI finalized, no abort), where every replica
/// stops at the same point of its work (a stop signal agreed on).
void leaveReplicaJob();

/// Ends the whole job with `code` if there is one (a replica that stops
/// early would leave the others waiting); returns `code` otherwise.
int endReplicaJob(int code);

} // namespace alexrt

#endif // ALEXRT_REPLICAS_REPLICAS_H
