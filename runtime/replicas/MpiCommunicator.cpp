//===- MpiCommunicator.cpp - replicas as the processes of an MPI job ------===//
//
// A sum is a non-blocking reduction to replica 0 (MPI_Ireduce, in place
// there), started as soon as the buffer is complete, then a broadcast of
// replica 0's result when it is needed: together what a tree all-reduce
// moves, but every replica gets the bits one replica computed (an
// all-reduce may add in a different order on each rank, and replicas whose
// weights differ in the last bit drift apart).
//
// A dead replica makes MPI's default error handler end the whole job (the
// launcher kills the others), never a hang in a collective.
//
//===----------------------------------------------------------------------===//

#include "runtime/replicas/Communicator.h"

#include <mpi.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace alexrt;

namespace {

/// One pending sum: its MPI request and its buffer.
struct Pending {
  MPI_Request request;
  float *data;
  size_t count;
};

/// MPI counts are ints: large buffers travel in pieces of at most this.
constexpr size_t kMaxPiece = size_t(1) << 30;

class MpiCommunicator : public Communicator {
public:
  MpiCommunicator(int rank, int size) : rank(rank), size(size) {}
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized)
      MPI_Finalize();
  }

  int replica() const override { return rank; }
  int replicas() const override { return size; }

  Request startSum(float *data, size_t count) override {
    Request id = next++;
    std::vector<Pending> &parts = pending[id];
    for (size_t offset = 0; offset < count; offset += kMaxPiece) {
      size_t piece = std::min(kMaxPiece, count - offset);
      Pending part{MPI_REQUEST_NULL, data + offset, piece};
      MPI_Ireduce(rank == 0 ? MPI_IN_PLACE : part.data,
                  rank == 0 ? part.data : nullptr, int(piece), MPI_FLOAT,
                  MPI_SUM, 0, MPI_COMM_WORLD, &part.request);
      parts.push_back(part);
    }
    return id;
  }

  Status wait(Request id) override {
    auto found = pending.find(id);
    if (found == pending.end())
      return Status::error("no sum in flight with id " + std::to_string(id));
    std::vector<Pending> parts = std::move(found->second);
    pending.erase(found);
    for (Pending &part : parts) {
      MPI_Wait(&part.request, MPI_STATUS_IGNORE);
      MPI_Bcast(part.data, int(part.count), MPI_FLOAT, 0, MPI_COMM_WORLD);
    }
    return Status::success();
  }

  Status broadcast(void *data, size_t bytes, int root) override {
    if (root < 0 || root >= size)
      return Status::error("no replica " + std::to_string(root));
    char *bytesAt = static_cast<char *>(data);
    for (size_t offset = 0; offset < bytes; offset += kMaxPiece)
      MPI_Bcast(bytesAt + offset, int(std::min(kMaxPiece, bytes - offset)),
                MPI_BYTE, root, MPI_COMM_WORLD);
    return Status::success();
  }

private:
  int rank, size;
  Request next = 0;
  std::map<Request, std::vector<Pending>> pending;
};

} // namespace

Status alexrt::joinMpiJob(int expected, std::unique_ptr<Communicator> &out) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    // The step's device threads never call MPI; the main thread does.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != expected) {
    std::string message =
        "this binary was compiled for " + std::to_string(expected) +
        " replicas but runs in a job of " + std::to_string(size) + " process" +
        (size == 1 ? "" : "es") + "; start it with mpirun -np " +
        std::to_string(expected);
    MPI_Finalize();
    return Status::error(message);
  }
  out = std::make_unique<MpiCommunicator>(rank, size);
  return Status::success();
}
