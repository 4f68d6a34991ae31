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
  return openDataSource(model, dataOptions, data);
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

static int64_t argmax(const float *row, int64_t count) {
  return std::max_element(row, row + count) - row;
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

int train(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights");
  if (weights.empty())
    return fail("train needs --weights FILE (where checkpoints go)");
  if (!directoryWritable(weights))
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
  int64_t steps = data->trainCount() / model.batch;
  if (steps == 0)
    return fail("fewer training images (" + std::to_string(data->trainCount()) +
                ") than one batch (" + std::to_string(model.batch) + ")");

  TrainingLog log;
  if (Status opened = log.open(options.get("log", defaultLogPath(weights)),
                               options.has("resume"));
      !opened.ok())
    return fail(opened.message());

  TrainingProgress &progress = session.progress();
  int64_t epochs = options.number("epochs", model.epochs);
  int threads = loaderThreads(model, options);
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::fprintf(stderr,
               "training %s on %s: %lld images of %zu classes, batch %lld, "
               "%lld steps an epoch, %d loader thread%s\n",
               model.name.c_str(), data->description().c_str(),
               (long long)data->trainCount(), data->classNames().size(),
               (long long)model.batch, (long long)steps, threads,
               threads == 1 ? "" : "s");
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
    // The step reads each batch where the loader made it.
    Loader loader(steps, size_t(model.batch * model.imageSize()),
                  size_t(model.batch), threads, threads + 2,
                  [&](int64_t s, float *batchImages, int32_t *batchLabels) {
                    return data->trainBatch(
                        order.data() + s * model.batch, model.batch, seed,
                        epoch, firstStep + s, batchImages, batchLabels);
                  });
    Progress bar(label, steps);
    double lossSum = 0, correct = 0;
    for (int64_t s = 0; s < steps; ++s) {
      const float *batchImages;
      const int32_t *batchLabels;
      if (Status loaded = loader.next(batchImages, batchLabels); !loaded.ok())
        return fail(loaded.message() + " (the last checkpoint in '" + weights +
                    "' is untouched)");
      float loss = session.trainStep(batchImages, batchLabels, logits.data());
      if (!std::isfinite(loss))
        return fail("the loss became " +
                        std::string(std::isnan(loss) ? "NaN" : "infinite") +
                        " at step " + std::to_string(progress.step) +
                        "; stopping (the last checkpoint in '" + weights +
                        "' is untouched; try a lower learning rate)",
                    3);
      lossSum += loss;
      for (int64_t i = 0; i < model.batch; ++i)
        correct += argmax(logits.data() + i * model.classes, model.classes) ==
                   batchLabels[i];
      char status[128];
      std::snprintf(status, sizeof status,
                    "loss %.4f acc %.1f%% %.0f img/s, %.0f%% waiting for data",
                    lossSum / double(s + 1),
                    100.0 * correct / double((s + 1) * model.batch),
                    double((s + 1) * model.batch) / bar.seconds(),
                    100.0 * loader.waitedSeconds() / bar.seconds());
      bar.update(s + 1, status);
    }
    double seconds = bar.seconds(), waited = loader.waitedSeconds();
    Evaluation test;
    if (Status evaluated = evaluate(session, *data, views, threads, test);
        !evaluated.ok())
      return fail(evaluated.message());
    ++progress.epoch;
    std::printf("epoch %lld: train loss %.4f acc %.4f | test %s | %.0f img/s, "
                "%.0f%% waiting for data | lr %g\n",
                (long long)progress.epoch, lossSum / double(steps),
                correct / double(steps * model.batch), describe(test).c_str(),
                double(steps * model.batch) / seconds, 100.0 * waited / seconds,
                progress.learningRate);
    std::fflush(stdout);
    EpochRecord record;
    record.epoch = progress.epoch;
    record.step = progress.step;
    record.views = views;
    record.trainLoss = lossSum / double(steps);
    record.trainAccuracy = correct / double(steps * model.batch);
    record.testLoss = test.loss;
    record.top1Error = test.top1Error;
    record.top5Error = test.top5Error;
    record.learningRate = progress.learningRate;
    record.imagesPerSecond = double(steps * model.batch) / seconds;
    record.seconds = seconds;
    record.dataWait = waited / seconds;
    if (Status logged = log.write(record); !logged.ok())
      return fail(logged.message());
    updateSchedule(model, progress, test.top1Error);
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
  std::printf("test %s (%lld images, %lld view%s)\n", describe(result).c_str(),
              (long long)result.images, (long long)views,
              views == 1 ? "" : "s");
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
