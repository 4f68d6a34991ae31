//===- MpiCommunicator.cpp - replicas as the processes of an MPI job ------===//
//
// One thread of the communicator makes every MPI call (it initialised MPI,
// so MPI_THREAD_FUNNELED suffices) and drives the sums in flight: Open MPI
// moves a non-blocking collective's data only inside MPI calls, so without
// a thread calling into it a sum started during the backward pass would
// not move until the step waited for it.
//
// A sum is an in-place reduce-scatter (replica r adds up block r) followed
// by an all-gather of the blocks: what a ring all-reduce moves, and each
// element is added on one replica only, so every replica ends with the same
// bits (MPI_Allreduce may add in a different order on each rank, and
// replicas whose weights differ in the last bit drift apart). Each replica
// scales its own block before the gather: 1 / R of the work.
//
// Sums on one channel run one after another in the order they started;
// each channel has its own duplicate of MPI_COMM_WORLD, so the device
// threads of a step never interleave their collectives. A dead replica
// makes MPI's default error handler end the whole job (the launcher kills
// the others), never a hang in a collective.
//
//===----------------------------------------------------------------------===//

#include "runtime/replicas/Communicator.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace alexrt;

namespace {

/// One sum, from start to its last piece.
struct Sum {
  Communicator::Request id;
  float *data;
  size_t count, done = 0; ///< Floats in all, floats of finished pieces.
  float scale;
  bool gathering = false; ///< The current piece's second half.
  MPI_Request request = MPI_REQUEST_NULL;
  std::vector<int> counts, offsets; ///< The current piece's blocks.
};

class MpiCommunicator : public Communicator {
public:
  ~MpiCommunicator() override {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (progress.joinable())
      progress.join();
  }

  /// MPI counts are ints: buffers travel in pieces of at most `maxPiece`
  /// floats (or bytes, for broadcasts).
  explicit MpiCommunicator(size_t maxPiece) : maxPiece(maxPiece) {}

  /// Starts the thread that initialises MPI; fails if the job has other
  /// than `expected` processes.
  Status start(int expected, int channelCount) {
    std::promise<Status> joined;
    progress = std::thread([&, expected, channelCount] {
      Status status = initialize(expected, channelCount);
      bool ok = status.ok();
      joined.set_value(std::move(status));
      if (ok)
        serve();
      MPI_Finalize();
    });
    return joined.get_future().get();
  }

  int replica() const override { return rank; }
  int replicas() const override { return size; }
  int nodeReplica() const override { return nodeRank; }
  int nodeReplicas() const override { return nodeSize; }

  Request startSum(int channel, float *data, size_t count,
                   float scale) override {
    std::lock_guard<std::mutex> lock(mutex);
    Request id = nextId++;
    Sum sum;
    sum.id = id;
    sum.data = data;
    sum.count = count;
    sum.scale = scale;
    outstanding.insert(id);
    if (channel < 0 || channel >= int(channels.size())) {
      failed[id] = "no sum channel " + std::to_string(channel);
    } else {
      channels[size_t(channel)].pending.push_back(std::move(sum));
      if (inFlight++ == 0)
        busySince = Clock::now();
    }
    wake.notify_all();
    return id;
  }

  Status wait(Request id) override {
    auto begin = Clock::now();
    std::unique_lock<std::mutex> lock(mutex);
    if (!outstanding.count(id))
      return Status::error("no sum in flight with id " + std::to_string(id));
    finished.wait(lock,
                  [&] { return completed.count(id) || failed.count(id); });
    outstanding.erase(id);
    completed.erase(id);
    waited += seconds(Clock::now() - begin);
    if (auto error = failed.find(id); error != failed.end()) {
      Status status = Status::error(error->second);
      failed.erase(error);
      return status;
    }
    return Status::success();
  }

  Status sumNow(double *data, size_t count) override {
    return call([&] {
      MPI_Allreduce(MPI_IN_PLACE, data, int(count), MPI_DOUBLE, MPI_SUM,
                    control);
    });
  }

  Status broadcast(void *data, size_t bytes, int root) override {
    if (root < 0 || root >= size)
      return Status::error("no replica " + std::to_string(root));
    return call([&] {
      char *at = static_cast<char *>(data);
      for (size_t offset = 0; offset < bytes; offset += maxPiece)
        MPI_Bcast(at + offset, int(std::min(maxPiece, bytes - offset)),
                  MPI_BYTE, root, control);
    });
  }

  [[noreturn]] void abort(int code) override {
    // From any thread: the job ends, this process with it.
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);
  }

  double secondsWaited() const override {
    std::lock_guard<std::mutex> lock(mutex);
    return waited;
  }
  double secondsSumming() const override {
    std::lock_guard<std::mutex> lock(mutex);
    return summing;
  }

private:
  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
  }

  /// The sums of one device of the step, in the order they started.
  struct Channel {
    MPI_Comm comm = MPI_COMM_NULL;
    std::deque<Sum> pending;
  };

  Status initialize(int expected, int channelCount) {
    int initialized = 0, provided = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != expected)
      return Status::error(
          "this binary was compiled for " + std::to_string(expected) +
          " replicas but runs in a job of " + std::to_string(size) +
          " process" + (size == 1 ? "" : "es") + "; start it with mpirun -np " +
          std::to_string(expected));
    MPI_Comm_dup(MPI_COMM_WORLD, &control);
    // The processes sharing this machine's memory: a node's replicas.
    MPI_Comm node = MPI_COMM_NULL;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank,
                        MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &nodeRank);
    MPI_Comm_size(node, &nodeSize);
    MPI_Comm_free(&node);
    channels.resize(size_t(std::max(1, channelCount)));
    for (Channel &channel : channels)
      MPI_Comm_dup(MPI_COMM_WORLD, &channel.comm);
    return Status::success();
  }

  /// Runs `work` on the MPI thread and waits for it.
  Status call(std::function<void()> work) {
    std::packaged_task<void()> task(std::move(work));
    std::future<void> done = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mutex);
      calls.push_back(std::move(task));
    }
    wake.notify_all();
    done.get();
    return Status::success();
  }

  /// Starts the next half of `sum`'s current piece on `comm`.
  void advance(Sum &sum, MPI_Comm comm) {
    size_t piece = std::min(maxPiece, sum.count - sum.done);
    float *at = sum.data + sum.done;
    if (!sum.gathering) {
      sum.counts.assign(size_t(size), 0);
      sum.offsets.assign(size_t(size), 0);
      for (int r = 0; r < size; ++r) {
        sum.offsets[size_t(r)] = int(piece * size_t(r) / size_t(size));
        sum.counts[size_t(r)] =
            int(piece * size_t(r + 1) / size_t(size)) - sum.offsets[size_t(r)];
      }
      MPI_Ireduce_scatter(MPI_IN_PLACE, at, sum.counts.data(), MPI_FLOAT,
                          MPI_SUM, comm, &sum.request);
      return;
    }
    // In place, the reduce-scatter left this replica's block at the start.
    float *mine = at + sum.offsets[size_t(rank)];
    size_t own = size_t(sum.counts[size_t(rank)]);
    std::memmove(mine, at, own * sizeof(float));
    if (sum.scale != 1)
      for (size_t i = 0; i < own; ++i)
        mine[i] *= sum.scale;
    MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, at, sum.counts.data(),
                    sum.offsets.data(), MPI_FLOAT, comm, &sum.request);
  }

  /// Moves the channel's first sum on; true if it made progress.
  bool drive(Channel &channel) {
    Sum *sum;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (channel.pending.empty())
        return false;
      sum = &channel.pending.front();
    }
    if (sum->request == MPI_REQUEST_NULL) {
      advance(*sum, channel.comm); // the first piece's reduce-scatter
      return true;
    }
    int complete = 0;
    MPI_Test(&sum->request, &complete, MPI_STATUS_IGNORE);
    if (!complete)
      return false;
    if (!sum->gathering) {
      sum->gathering = true;
      advance(*sum, channel.comm);
      return true;
    }
    sum->gathering = false;
    sum->done += std::min(maxPiece, sum->count - sum->done);
    if (sum->done < sum->count) {
      advance(*sum, channel.comm);
      return true;
    }
    std::lock_guard<std::mutex> lock(mutex);
    if (--inFlight == 0)
      summing += seconds(Clock::now() - busySince);
    completed.insert(sum->id);
    channel.pending.pop_front();
    finished.notify_all();
    return true;
  }

  /// The MPI thread: calls, and sums until nothing is left and we stop.
  void serve() {
    for (;;) {
      std::deque<std::packaged_task<void()>> work;
      bool active = false;
      {
        std::unique_lock<std::mutex> lock(mutex);
        auto idle = [&] {
          for (Channel &channel : channels)
            if (!channel.pending.empty())
              return false;
          return calls.empty();
        };
        if (idle()) {
          if (stopping)
            break;
          wake.wait(lock, [&] { return stopping || !idle(); });
        }
        work.swap(calls);
      }
      for (auto &task : work)
        task();
      bool moved = false;
      for (Channel &channel : channels) {
        moved |= drive(channel);
        std::lock_guard<std::mutex> lock(mutex);
        active |= !channel.pending.empty();
      }
      // Poll again soon, without taking a core from the step.
      if (active && !moved)
        std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    for (Channel &channel : channels)
      MPI_Comm_free(&channel.comm);
    MPI_Comm_free(&control);
  }

  const size_t maxPiece;
  int rank = 0, size = 1, nodeRank = 0, nodeSize = 1;
  MPI_Comm control = MPI_COMM_NULL; ///< For sumNow and broadcast.
  std::vector<Channel> channels;
  std::thread progress;

  mutable std::mutex mutex;
  std::condition_variable wake, finished;
  std::deque<std::packaged_task<void()>> calls;
  Request nextId = 0;
  std::set<Request> outstanding; ///< Started, not yet waited for.
  std::set<Request> completed;
  std::map<Request, std::string> failed;
  bool stopping = false;
  /// Sums started and not complete, since when there have been any, and
  /// the seconds with any.
  int64_t inFlight = 0;
  Clock::time_point busySince;
  double waited = 0, summing = 0;
};

} // namespace

Status alexrt::joinMpiJob(int expected, int channels,
                          std::unique_ptr<Communicator> &out, size_t maxPiece) {
  auto job = std::make_unique<MpiCommunicator>(std::max<size_t>(1, maxPiece));
  if (Status status = job->start(expected, channels); !status.ok())
    return status;
  out = std::move(job);
  return Status::success();
}
