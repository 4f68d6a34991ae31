//===- Communicator.h - sums across the replicas of a job -------*- C++ -*-===//
//
// Data parallelism across processes (issue 13): every replica computes the
// step on its share of the batch, and the gradients are summed across the
// replicas before the update. A Communicator is this process's handle on
// the job. The MPI one (MpiCommunicator.cpp) sums host buffers; compiled
// binaries link it only when built for more than one replica.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_REPLICAS_COMMUNICATOR_H
#define ALEXRT_REPLICAS_COMMUNICATOR_H

#include "runtime/Status.h"

#include <cstddef>
#include <memory>

namespace alexrt {

/// The replicas of a data-parallel job, seen from one of them.
class Communicator {
public:
  /// A sum in flight, from startSum until wait.
  using Request = int;

  virtual ~Communicator() = default;

  /// This process's index, 0 .. replicas() - 1.
  virtual int replica() const = 0;
  virtual int replicas() const = 0;

  /// Starts summing `count` floats at `data` over every replica, in place.
  /// The buffer is the communicator's until wait() on the returned request.
  virtual Request startSum(float *data, size_t count) = 0;
  /// Waits for a sum from startSum. Afterwards every replica's buffer holds
  /// the same bits.
  virtual Status wait(Request request) = 0;

  /// Copies `bytes` at `data` on replica `root` to every other replica.
  virtual Status broadcast(void *data, size_t bytes, int root) = 0;
};

/// Joins the MPI job this process was started in (by mpirun), which must
/// have exactly `expected` processes: anything else is an error that says
/// how to start the job.
Status joinMpiJob(int expected, std::unique_ptr<Communicator> &out);

} // namespace alexrt

#endif // ALEXRT_REPLICAS_COMMUNICATOR_H
