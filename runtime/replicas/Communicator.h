//===- Communicator.h - sums across the replicas of a job -------*- C++ -*-===//
//
// Data parallelism across processes (issue 13): every replica computes the
// step on its share of the batch, and the gradients are summed across the
// replicas before the update. A Communicator is this process's handle on
// the job. The MPI one (MpiCommunicator.cpp) sums host buffers; the NCCL
// one (cuda/NcclCommunicator.cpp) GPU buffers. Compiled binaries link them
// only when built for more than one replica.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_REPLICAS_COMMUNICATOR_H
#define ALEXRT_REPLICAS_COMMUNICATOR_H

#include "runtime/support/Status.h"

#include <cstddef>
#include <memory>

namespace alexrt {

/// The replicas of a data-parallel job, seen from one of them.
class Communicator {
public:
  /// A sum in flight, from startSum until wait.
  using Request = int64_t;

  virtual ~Communicator() = default;

  /// This process's index, 0 .. replicas() - 1.
  virtual int replica() const = 0;
  virtual int replicas() const = 0;
  /// This process's index among the replicas on its machine (node), and
  /// how many there are: which GPUs it may take.
  virtual int nodeReplica() const = 0;
  virtual int nodeReplicas() const = 0;

  /// Starts summing `count` floats at `data` over every replica, in place,
  /// then multiplying by `scale`. Sums on one `channel` (a device of the
  /// step: 0 .. channels - 1) must start in the same order on every
  /// replica; channels are independent. The buffer is the communicator's
  /// until wait() on the returned request. Thread-safe.
  virtual Request startSum(int channel, float *data, size_t count,
                           float scale = 1) = 0;
  /// Waits for a sum from startSum. Afterwards every replica's buffer holds
  /// the same bits.
  virtual Status wait(Request request) = 0;

  /// Sums `count` doubles at `data` over every replica, in place, now
  /// (figures such as the loss; not for the step's buffers).
  virtual Status sumNow(double *data, size_t count) = 0;
  /// Copies `bytes` at `data` on replica `root` to every other replica.
  virtual Status broadcast(void *data, size_t bytes, int root) = 0;

  /// Seconds callers of wait() have spent blocked in it, summed over the
  /// callers (communication the step did not hide), and seconds during
  /// which any sum was in flight.
  virtual double secondsWaited() const = 0;
  virtual double secondsSumming() const = 0;

  /// Ends the whole job with `code`: for a replica that cannot go on while
  /// the others would wait for it forever.
  [[noreturn]] virtual void abort(int code) = 0;
};

/// Joins the MPI job this process was started in (by mpirun), which must
/// have exactly `expected` processes: anything else is an error that says
/// how to start the job. `channels` independent sum channels; buffers
/// travel in pieces of at most `maxPiece` elements (MPI counts are ints;
/// tests make it small). Defined in libalexrt_mpi, which binaries of one
/// replica do not link.
Status joinMpiJob(int expected, int channels,
                  std::unique_ptr<Communicator> &out,
                  size_t maxPiece = size_t(1) << 30);

} // namespace alexrt

#endif // ALEXRT_REPLICAS_COMMUNICATOR_H
