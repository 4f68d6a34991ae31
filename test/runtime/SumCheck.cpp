//===- SumCheck.cpp - the MPI communicator, run under mpirun --------------===//
//
//   alexrt-sum-check REPLICAS [--die REPLICA]
//
// Joins a job of REPLICAS processes and checks, on every replica, sums of
// buffers whose exact totals are known (small integers, exact in float),
// several in flight at once on two channels, one scaled, figures summed
// now, and a sum of random floats that must come out bitwise the same
// everywhere; every buffer travels in pieces (of 1,000 floats here). Prints
// one line per replica, with its place among the replicas of its machine;
// exits non-zero on any mismatch. With --die, that replica aborts instead
// of taking part in the first sum, which the others are left waiting on:
// the job must end, not hang.
//
//===----------------------------------------------------------------------===//

#include "runtime/replicas/Communicator.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

using namespace alexrt;

int main(int argc, char **argv) {
  if (argc != 2 && !(argc == 4 && std::strcmp(argv[2], "--die") == 0)) {
    std::fprintf(stderr, "usage: alexrt-sum-check REPLICAS [--die REPLICA]\n");
    return 2;
  }
  int dying = argc == 4 ? std::atoi(argv[3]) : -1;
  std::unique_ptr<Communicator> job;
  // Pieces of 1,000 floats: every sum below travels in many, unevenly
  // split across the replicas.
  Status joined =
      joinMpiJob(std::atoi(argv[1]), /*channels=*/2, job, /*maxPiece=*/1000);
  if (!joined.ok()) {
    std::fprintf(stderr, "error: %s\n", joined.message().c_str());
    return 1;
  }
  int me = job->replica(), n = job->replicas();
  if (me == dying) {
    std::fprintf(stderr, "replica %d: dying on purpose\n", me);
    std::abort();
  }
  int failures = 0;
  auto expect = [&](bool ok, const char *what, size_t at) {
    if (!ok && failures++ < 5)
      std::fprintf(stderr, "replica %d: %s wrong at %zu\n", me, what, at);
  };

  // Two sums in flight at once on each of two channels, waited in the
  // other order: element i of buffer b is (replica + 1) * (i % 97 + b), so
  // the sum is n (n + 1) / 2 * (i % 97 + b); the last one is scaled by 1/2.
  std::vector<std::vector<float>> buffers(4, std::vector<float>(100003));
  std::vector<Communicator::Request> requests;
  size_t last = buffers.size() - 1;
  for (size_t b = 0; b < buffers.size(); ++b) {
    for (size_t i = 0; i < buffers[b].size(); ++i)
      buffers[b][i] = float((me + 1) * int(i % 97 + b));
    requests.push_back(job->startSum(int(b % 2), buffers[b].data(),
                                     buffers[b].size(),
                                     b == last ? 0.5f : 1.0f));
  }
  for (size_t b = buffers.size(); b-- > 0;) {
    Status waited = job->wait(requests[b]);
    expect(waited.ok(), "wait", b);
    float scale = b == last ? 0.5f : 1.0f;
    for (size_t i = 0; i < buffers[b].size(); ++i)
      expect(buffers[b][i] == scale * float(n * (n + 1) / 2 * int(i % 97 + b)),
             "integer sum", i);
  }
  double figures[2] = {double(me), 1.0};
  expect(job->sumNow(figures, 2).ok(), "sumNow", 0);
  expect(figures[0] == n * (n - 1) / 2.0 && figures[1] == n, "sumNow", 1);
  expect(!job->wait(requests[0]).ok(), "a second wait on one request", 0);

  // Random floats: whatever the rounding, every replica ends with the
  // same bits (checked by broadcasting replica 0's result).
  std::mt19937 random(1234 + me);
  std::uniform_real_distribution<float> uniform(-1, 1);
  std::vector<float> noise(4096);
  for (float &v : noise)
    v = uniform(random);
  expect(job->wait(job->startSum(0, noise.data(), noise.size())).ok(), "wait",
         0);
  std::vector<float> first(noise);
  expect(job->broadcast(first.data(), first.size() * sizeof(float), 0).ok(),
         "broadcast", 0);
  expect(std::memcmp(first.data(), noise.data(), noise.size() * 4) == 0,
         "bits of the random sum", 0);

  // Every process of this job runs on this machine: its place on the node
  // (which GPUs a replica takes) is its place in the job.
  std::printf("replica %d of %d, %d of %d on its node: %s\n", me, n,
              job->nodeReplica(), job->nodeReplicas(),
              failures ? "FAIL" : "ok");
  return failures ? 1 : 0;
}
