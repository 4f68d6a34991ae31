//===- Train.cpp - train, eval and prepare --------------------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Dataset.h"
#include "runtime/Evaluate.h"
#include "runtime/Files.h"
#include "runtime/Progress.h"
#include "runtime/Schedule.h"
#include "runtime/Session.h"
#include "runtime/Target.h"
#include "runtime/TrainingLog.h"
#include "runtime/data/Loader.h"
#include "runtime/data/Prepare.h"
#include "runtime/replicas/Replicas.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace alexrt {

/// Threads that decode and augment images.
int loaderThreads(const ModelInfo &model, const Options &options) {
  // The CPU step keeps every core busy (BLAS); a GPU step needs one host
  // thread per device.
  int stepThreads =
      deviceIsHost() ? std::max(1, int(std::thread::hardware_concurrency()) / 2)
                     : int(model.devices);
  return int(std::max<int64_t>(
      1, options.number("loader-threads", defaultLoaderThreads(stepThreads))));
}

/// The data the model's recipe (or --dataset, --data) asks for.
Status openData(const ModelInfo &model, const Options &options,
                std::unique_ptr<DataSource> &data) {
  DataOptions dataOptions;
  dataOptions.dataset = options.get("dataset", model.dataset);
  dataOptions.dir = options.get("data", model.dataPath);
  dataOptions.trainLimit = options.number("limit", 0);
  dataOptions.testLimit = options.number("test-limit", 0);
  dataOptions.threads = loaderThreads(model, options);
  if (Status opened = openDataSource(model, dataOptions, data); !opened.ok())
    return opened;
  return checkReplicasSeeSameData(*data);
}

Status checkReplicasSeeSameData(const DataSource &data) {
  Communicator *job = replicaJob();
  if (!job)
    return Status::success();
  // Replica 0's sizes and hash to every replica; each says whether its
  // own differ, and every replica learns which do.
  uint64_t mine[3] = {uint64_t(data.trainCount()), uint64_t(data.testCount()),
                      dataFingerprint(data)};
  uint64_t first[3] = {mine[0], mine[1], mine[2]};
  if (Status sent = job->broadcast(first, sizeof first, 0); !sent.ok())
    return sent;
  std::vector<double> differs(size_t(job->replicas()), 0.0);
  differs[size_t(job->replica())] =
      mine[0] != first[0] || mine[1] != first[1] || mine[2] != first[2];
  sumOverReplicas(differs.data(), differs.size());
  std::string which;
  for (size_t r = 0; r < differs.size(); ++r)
    if (differs[r] > 0)
      which += (which.empty() ? "" : ", ") + std::to_string(r);
  if (which.empty())
    return Status::success();
  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx", (unsigned long long)first[2]);
  bool one = which.find(',') == std::string::npos;
  std::string text = (one ? "replica " : "replicas ") + which +
                     (one ? " sees" : " see") + " other data than replica 0 (" +
                     std::to_string(first[0]) + " training and " +
                     std::to_string(first[1]) + " test images, list hash " +
                     hash + ")";
  if (differs[size_t(job->replica())] > 0) {
    std::snprintf(hash, sizeof hash, "%016llx", (unsigned long long)mine[2]);
    text += "; this one has " + std::to_string(mine[0]) + " and " +
            std::to_string(mine[1]) + ", hash " + hash;
  }
  return Status::error(text + ": every replica lists its own files and reads "
                              "its slice of one shuffle, so all must see the "
                              "same ones (the same folder or packed files on "
                              "every machine, the same --limit)");
}

/// Test views: --crops, else the model's test_crops.
Status testViews(const ModelInfo &model, const Options &options,
                 int64_t &views) {
  views = options.number("crops", model.testCrops);
  if (views != 1 && views != 10)
    return Status::error("--crops must be 1 (centre) or 10 (corners and "
                         "centre, and their mirror images), got " +
                         std::to_string(views));
  return Status::success();
}

/// "the test loss is NaN over 100 images".
static std::string nonFiniteTestLoss(const Evaluation &result) {
  return std::string("the test loss is ") +
         (std::isnan(result.loss) ? "NaN" : "infinite") + " over " +
         std::to_string(result.images) + " images";
}

/// "loss 0.1234 top-1 err 12.34% top-5 err 1.23%".
std::string describe(const Evaluation &result) {
  char text[96];
  std::snprintf(text, sizeof text,
                "loss %.4f top-1 err %.2f%% top-5 err %.2f%%", result.loss,
                100 * result.top1Error, 100 * result.top5Error);
  return text;
}

bool fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

/// Whether a file can be created beside `path` (checkpoints are written to
/// a temporary file there, then renamed).
static bool directoryWritable(const std::string &path) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return ::access(dir.empty() ? "/" : dir.c_str(), W_OK) == 0;
}

/// Whether every replica's parameters and momenta have the same bits as
/// replica 0's (a 64-bit FNV-1a hash of them, compared); an error naming
/// the step if not.
static Status checkReplicasAgree(Session &session) {
  uint64_t hash = 1469598103934665603ull;
  for (const TensorBuffers &tensor : session.hostTensors())
    for (const float *floats : {tensor.value, tensor.momentum}) {
      auto *bytes = reinterpret_cast<const unsigned char *>(floats);
      for (size_t i = 0; i < size_t(tensor.numElements()) * sizeof(float); ++i)
        hash = (hash ^ bytes[i]) * 1099511628211ull;
    }
  uint64_t first = hash;
  if (Status sent = replicaJob()->broadcast(&first, sizeof first, 0);
      !sent.ok())
    return sent;
  double differing = first != hash;
  sumOverReplicas(&differing, 1);
  if (differing > 0)
    return Status::error(
        "after step " + std::to_string(session.progress().step) + ", " +
        std::to_string(int64_t(differing)) +
        " replica(s) hold other weights than replica 0 (--check-replicas)");
  return Status::success();
}

int train(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  // With replicas, each process computes its share of every global batch;
  // replica 0 alone prints, logs and writes checkpoints.
  int64_t replica = replicaIndex();
  bool leader = replica == 0;
  std::string weights = options.get("weights");
  if (weights.empty())
    return fail("train needs --weights FILE (where checkpoints go)");
  if (leader && !directoryWritable(weights))
    return fail("cannot write checkpoints to '" + weights +
                "': its directory is missing or not writable");
  if (options.has("resume")) {
    Status status = session.load(weights);
    if (!status.ok())
      return fail(status.message());
  } else {
    if (fileExists(weights) && !options.has("force"))
      return fail("'" + weights +
                  "' exists; use --resume to continue it or "
                  "--force to replace it");
    session.initialize(uint64_t(options.number("seed", int64_t(model.seed))));
  }

  std::unique_ptr<DataSource> data;
  int64_t views;
  Status status = testViews(model, options, views);
  if (status.ok())
    status = openData(model, options, data);
  if (!status.ok())
    return fail(status.message());
  data->describe(session.progress()); // saved with every checkpoint
  int64_t steps = data->trainCount() / model.globalBatch;
  if (steps == 0)
    return fail("fewer training images (" + std::to_string(data->trainCount()) +
                ") than one batch (" + std::to_string(model.globalBatch) + ")");

  TrainingLog log;
  if (Status opened =
          leader ? log.open(options.get("log", defaultLogPath(weights)),
                            options.has("resume"))
                 : Status::success();
      !opened.ok())
    return fail(opened.message());

  TrainingProgress &progress = session.progress();
  int64_t epochs = options.number("epochs", model.epochs);
  int threads = loaderThreads(model, options);
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::string split = model.replicas > 1
                          ? " (" + std::to_string(model.replicas) +
                                " replicas of " + std::to_string(model.batch) +
                                ")"
                          : "";
  if (leader)
    std::fprintf(stderr,
                 "training %s on %s: %lld images of %zu classes, batch "
                 "%lld%s, %lld steps an epoch, %d loader thread%s\n",
                 model.name.c_str(), data->description().c_str(),
                 (long long)data->trainCount(), data->classNames().size(),
                 (long long)model.globalBatch, split.c_str(), (long long)steps,
                 threads, threads == 1 ? "" : "s");
  while (progress.epoch < epochs) {
    std::vector<int64_t> order =
        epochOrder(data->trainCount(), progress.seed, progress.epoch);
    // Resuming mid-way is not possible: checkpoints are taken per epoch,
    // so every epoch starts at its first step.
    char label[48];
    std::snprintf(label, sizeof label, "epoch %lld/%lld",
                  (long long)progress.epoch + 1, (long long)epochs);
    int64_t epoch = progress.epoch, firstStep = progress.step;
    uint64_t seed = progress.seed;
    // The step reads each batch (this replica's share of it) where the
    // loader made it.
    int64_t share = replica * model.batch;
    Loader loader(steps, size_t(model.batch * model.imageSize()),
                  size_t(model.batch), threads, threads + 2,
                  [&](int64_t s, float *batchImages, int32_t *batchLabels) {
                    return data->trainBatch(
                        order.data() + s * model.globalBatch + share,
                        model.batch, share, seed, epoch, firstStep + s,
                        batchImages, batchLabels);
                  });
    Progress bar(label, steps);
    double lossSum = 0, correct = 0;
    for (int64_t s = 0; s < steps; ++s) {
      const float *batchImages;
      const int32_t *batchLabels;
      if (Status loaded = loader.next(batchImages, batchLabels); !loaded.ok())
        return fail(loaded.message() + " (the last checkpoint in '" + weights +
                    "' is untouched)");
      // This replica's mean loss and hits, then the global batch's.
      double figures[2] = {
          session.trainStep(batchImages, batchLabels, logits.data()), 0};
      for (int64_t i = 0; i < model.batch; ++i)
        figures[1] += inTopK(logits.data() + i * model.classes, model.classes,
                             batchLabels[i], 1);
      sumOverReplicas(figures, 2);
      double loss = figures[0] / double(model.replicas);
      if (!std::isfinite(loss))
        return fail("the loss became " +
                        std::string(std::isnan(loss) ? "NaN" : "infinite") +
                        " at step " + std::to_string(progress.step) +
                        "; stopping (the last checkpoint in '" + weights +
                        "' is untouched; try a lower learning rate)",
                    3);
      if (options.has("check-replicas") && replicaJob())
        if (Status same = checkReplicasAgree(session); !same.ok())
          return fail(same.message());
      lossSum += loss;
      correct += figures[1];
      char status[128];
      std::snprintf(status, sizeof status,
                    "loss %.4f acc %.1f%% %.0f img/s, %.0f%% waiting for data",
                    lossSum / double(s + 1),
                    100.0 * correct / double((s + 1) * model.globalBatch),
                    double((s + 1) * model.globalBatch) / bar.seconds(),
                    100.0 * loader.waitedSeconds() / bar.seconds());
      bar.update(s + 1, status);
    }
    double seconds = bar.seconds(), waited = loader.waitedSeconds();
    Evaluation test;
    if (Status evaluated = evaluate(session, *data, views, threads, test);
        !evaluated.ok())
      return fail(evaluated.message());
    if (!std::isfinite(test.loss))
      return fail(nonFiniteTestLoss(test) + " after epoch " +
                      std::to_string(progress.epoch + 1) +
                      "; stopping (the last checkpoint in '" + weights +
                      "' is untouched)",
                  3);
    ++progress.epoch;
    int64_t images = steps * model.globalBatch;
    EpochRecord record;
    record.epoch = progress.epoch;
    record.step = progress.step;
    record.views = views;
    record.trainLoss = lossSum / double(steps);
    record.trainAccuracy = correct / double(images);
    record.testLoss = test.loss;
    record.top1Error = test.top1Error;
    record.top5Error = test.top5Error;
    record.learningRate = progress.learningRate;
    record.imagesPerSecond = double(images) / seconds;
    record.seconds = seconds;
    record.dataWait = waited / seconds;
    // Every replica: the figures are global, so the rates stay the same.
    updateSchedule(model, progress, test.top1Error);
    if (!leader)
      continue;
    std::printf("epoch %lld: train loss %.4f acc %.4f | test %s | %.0f img/s, "
                "%.0f%% waiting for data | lr %g\n",
                (long long)record.epoch, record.trainLoss, record.trainAccuracy,
                describe(test).c_str(), record.imagesPerSecond,
                100.0 * record.dataWait, record.learningRate);
    std::fflush(stdout);
    if (Status logged = log.write(record); !logged.ok())
      return fail(logged.message());
    Status saved = session.save(weights);
    if (!saved.ok())
      return fail(saved.message());
  }
  return 0;
}

int eval(Session &session, const Options &options) {
  std::string weights = options.get("weights");
  if (weights.empty())
    return fail("eval needs --weights FILE");
  int64_t views;
  Status status = testViews(session.model(), options, views);
  if (status.ok())
    status = session.load(weights);
  std::unique_ptr<DataSource> data;
  if (status.ok())
    status = openData(session.model(), options, data);
  Evaluation result;
  if (status.ok())
    status = evaluate(session, *data, views,
                      loaderThreads(session.model(), options), result);
  if (!status.ok())
    return fail(status.message());
  // As training's divergence check: no figures of a model that gives no
  // numbers.
  if (!std::isfinite(result.loss))
    return fail(nonFiniteTestLoss(result) + " with '" + weights +
                    "': its weights are diverged or damaged",
                3);
  if (replicaIndex() == 0)
    std::printf("test %s (%lld images, %lld view%s)\n",
                describe(result).c_str(), (long long)result.images,
                (long long)views, views == 1 ? "" : "s");
  return 0;
}

/// Packs the dataset for this model's input (its `resize` and channels).
int prepare(const ModelInfo &model, const Options &options) {
  std::string dir = options.get("data", model.dataPath);
  if (dir.empty())
    return fail("prepare needs --data DIR (an ImageFolder or list files)");
  if (model.resize <= 0)
    return fail("prepare needs the model's data.resize (the side of the "
                "prepared square images, 256 in the paper)");
  if (model.channels != 1 && model.channels != 3)
    return fail("image datasets feed 1- or 3-channel inputs, not " +
                std::to_string(model.channels));
  Status status =
      prepareDataset(dir, options.get("out", dir), model.resize, model.channels,
                     model.classes, loaderThreads(model, options));
  if (!status.ok())
    return fail(status.message());
  return 0;
}

} // namespace alexrt
