//===- Bench.cpp - bench: steps, layers and the loader timed --------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Target.h"
#include "runtime/alexrt.h"
#include "runtime/cpu/Profile.h"
#include "runtime/data/Loader.h"
#include "runtime/data/MemoryDataset.h"
#include "runtime/model/Session.h"
#include "runtime/support/Progress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sys/resource.h>

namespace alexrt {

/// The loader alone: training batches of the model's data (decode,
/// augment) for --steps batches; prints one JSON line.
static int benchData(const ModelInfo &model, const Options &options) {
  std::unique_ptr<DataSource> data;
  if (Status status = openData(model, options, data); !status.ok())
    return fail(status.message());
  int threads = loaderThreads(model, options);
  int64_t available = data->trainCount() / model.batch;
  int64_t steps = std::min(options.number("steps", 20), available);
  if (steps < 2)
    return fail("bench --data-only needs at least two batches of images");
  std::vector<int64_t> order = epochOrder(data->trainCount(), model.seed, 0);
  Loader loader(steps, size_t(model.batch * model.imageSize()),
                size_t(model.batch), threads, threads + 2,
                [&](int64_t s, float *images, int32_t *labels) {
                  TrainBatchRequest request;
                  request.indices = order.data() + s * model.batch;
                  request.count = model.batch;
                  request.seed = model.seed;
                  request.step = s;
                  return data->trainBatch(request, images, labels);
                });
  const float *images;
  const int32_t *labels;
  // The first batch warms the caches and the threads; time the rest.
  Status status = loader.next(images, labels);
  auto start = std::chrono::steady_clock::now();
  for (int64_t s = 1; s < steps && status.ok(); ++s)
    status = loader.next(images, labels);
  if (!status.ok())
    return fail(status.message());
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("{\"data\": \"%s\", \"loader_threads\": %d, \"batch\": %lld, "
              "\"batches\": %lld, \"images_per_second\": %.1f}\n",
              data->description().c_str(), threads, (long long)model.batch,
              (long long)steps - 1,
              double((steps - 1) * model.batch) / seconds);
  return 0;
}

int bench(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  if (options.has("data-only"))
    return benchData(model, options);
  bool profile = options.has("profile");
  if (profile && model.profile.empty())
    return fail("this binary's step has no layer profile: compile it with "
                "--target=cpu (GPU kernels and their CPU twin are not "
                "instrumented)");
  session.initialize(model.seed);
  int64_t steps = std::max<int64_t>(1, options.number("steps", 10));
  int64_t warmup = std::max<int64_t>(0, options.number("warmup", 2));
  ImageSet set = syntheticImages(model.batch, model.channels, model.height,
                                 model.width, int32_t(model.classes), 1);
  InputPipeline pipeline;
  pipeline.channels = model.channels;
  pipeline.height = model.height;
  pipeline.width = model.width;
  std::vector<float> images(size_t(model.batch * model.imageSize()));
  std::vector<int32_t> labels(size_t(model.batch));
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::vector<int64_t> indices(size_t(model.batch));
  for (int64_t i = 0; i < model.batch; ++i)
    indices[size_t(i)] = i;
  pipeline.makeBatch(set, indices.data(), model.batch, false, 0, 0,
                     images.data(), labels.data());
  std::vector<double> times;
  Progress bar("bench", warmup + steps);
  int64_t exchangedBefore = 0;
  // Time the step's sums across replicas spent in flight, and the part it
  // waited for (not hidden behind the backward pass): MPI's on the CPU,
  // NCCL's on the GPU.
  Communicator *job = replicaSums();
  double summingBefore = 0, waitedBefore = 0;
  for (int64_t s = 0; s < warmup + steps; ++s) {
    if (s == warmup) {
      exchangedBefore = alexrt_exchanged_bytes();
      if (job) {
        summingBefore = job->secondsSumming();
        waitedBefore = job->secondsWaited();
      }
      if (profile)
        startProfile(int64_t(model.profile.size()), model.devices);
    }
    auto start = std::chrono::steady_clock::now();
    session.trainStep(images.data(), labels.data(), logits.data());
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (s >= warmup)
      times.push_back(ms);
    bar.update(s + 1, "");
  }
  stopProfile();
  double mean = 0;
  for (double ms : times)
    mean += ms / double(times.size());
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  // Bytes the devices copied between them (alexrt_exchange_copy).
  long long exchanged =
      (long long)((alexrt_exchanged_bytes() - exchangedBefore) / steps);
  // Per step: time with sums in flight, and time a device waited for them
  // (the mean over devices).
  double summing =
      job ? (job->secondsSumming() - summingBefore) * 1e3 / double(steps) : 0;
  double waited = job ? (job->secondsWaited() - waitedBefore) * 1e3 /
                            (double(steps) * double(model.devices))
                      : 0;
  if (replicaIndex() != 0)
    return 0;
  std::printf("{\"model\": \"%s\", \"target\": \"%s\", \"precision\": "
              "\"%s\", \"batch\": %lld, \"steps\": %lld, "
              "\"devices\": %lld, \"replicas\": %lld, \"ms_per_step\": %.3f, "
              "\"images_per_second\": %.1f, \"peak_rss_mib\": %.1f, "
              "\"exchanged_bytes_per_step\": %lld, "
              "\"sum_ms_per_step\": %.3f, \"sum_wait_ms_per_step\": %.3f}\n",
              model.name.c_str(), reportedTarget(model).c_str(),
              precisionName(model.precision), (long long)model.globalBatch,
              (long long)steps, (long long)model.devices,
              (long long)model.replicas, median,
              double(model.globalBatch) * 1000.0 / median,
              double(usage.ru_maxrss) / 1024.0, exchanged, summing, waited);
  if (profile) {
    std::string devices = model.devices > 1
                              ? " of " + std::to_string(model.devices) +
                                    " (its waits at exchanges included)"
                              : "";
    std::printf("\nlayer profile: mean of %lld steps (%.3f ms), device 0%s\n",
                (long long)steps, mean, devices.c_str());
    std::fputs(profileTable(model, steps, mean / 1e3).c_str(), stdout);
  }
  return 0;
}

} // namespace alexrt
