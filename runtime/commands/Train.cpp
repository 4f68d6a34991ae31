//===- Train.cpp - the train command: epochs, checkpoints, resumption -----===//

#include "runtime/commands/Commands.h"

#include "runtime/data/Loader.h"
#include "runtime/data/MemoryDataset.h"
#include "runtime/model/Pretrained.h"
#include "runtime/model/Safetensors.h"
#include "runtime/model/Session.h"
#include "runtime/model/TrainingLog.h"
#include "runtime/replicas/Replicas.h"
#include "runtime/support/Files.h"
#include "runtime/support/Progress.h"
#include "runtime/support/StopSignals.h"
#include "runtime/training/Evaluate.h"
#include "runtime/training/Schedule.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace alexrt {

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

namespace {

/// One `train` run: checked and opened before its first step (arguments,
/// checkpoint and log, data), then its epochs, each a run of steps that a
/// signal may stop after any one (StopSignals.h). With replicas every
/// process computes its share of each global batch; replica 0 alone
/// prints, logs and writes checkpoints.
class TrainingRun {
public:
  TrainingRun(Session &session, const Options &options)
      : session(session), options(options), model(session.model()),
        progress(session.progress()), leader(replicaIndex() == 0),
        weights(options.get("weights")) {}

  /// Everything the run needs, checked before any work.
  Status start();
  /// The epochs up to --epochs; the exit status.
  int run();

private:
  Status resume();
  /// A new run's parameters from a pretrained model's file (--init), where
  /// names and shapes agree; says which.
  Status startFrom(const std::string &path);
  /// One epoch from its first step not yet done: 0 when it ended, else
  /// the exit status.
  int trainEpoch();
  /// The epoch's end: test figures, log, schedule, checkpoint.
  int endEpoch(double seconds, double waited, int64_t stepsRun);
  /// After the step every replica agreed to stop at: a checkpoint that
  /// resumes from the next step, what happened, the job left in order.
  int stop(int signal);
  /// The stop signal any replica received (SIGTERM before SIGINT), or 0;
  /// `mine` is this replica's. A collective with replicas.
  static int agreedStop(int mine);
  /// Writes the checkpoint (replica 0), and with a fresh run's first one
  /// its log, emptied.
  Status checkpoint();

  Session &session;
  const Options &options;
  const ModelInfo &model;
  TrainingProgress &progress;
  bool leader;
  std::string weights;
  std::unique_ptr<DataSource> data;
  TrainingLog log;
  int64_t views = 1, epochs = 0, steps = 0, checkpointEvery = 0;
  int threads = 1;
  std::vector<float> logits;
};

Status TrainingRun::start() {
  if (weights.empty())
    return Status::error("train needs --weights FILE (where checkpoints go)");
  epochs = options.number("epochs", model.epochs);
  if (epochs < 1)
    return Status::error("--epochs must be 1 or more, not " +
                         std::to_string(epochs));
  checkpointEvery = options.number("checkpoint-every", 0);
  struct stat info;
  if (leader && ::stat(weights.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    return Status::error("'" + weights +
                         "' is a folder: --weights names the checkpoint "
                         "file to write");
  if (leader && !directoryWritable(weights))
    return Status::error("cannot write checkpoints to '" + weights +
                         "': its directory is missing or not writable");
  if (Status status = testViews(model, options, views); !status.ok())
    return status;
  bool resuming = options.has("resume");
  if (resuming && options.has("init"))
    return Status::error("--init starts a new run from a model's "
                         "parameters and --resume continues --weights: "
                         "one or the other");
  if (resuming) {
    if (Status status = session.load(weights); !status.ok())
      return status;
  } else {
    if (fileExists(weights) && !options.has("force"))
      return Status::error("'" + weights +
                           "' exists; use --resume to continue it or "
                           "--force to replace it");
    session.initialize(uint64_t(options.number("seed", int64_t(model.seed))));
    if (options.has("init"))
      if (Status started = startFrom(options.get("init")); !started.ok())
        return started;
  }
  if (leader)
    if (Status opened =
            log.open(options.get("log", defaultLogPath(weights)), resuming);
        !opened.ok())
      return opened;
  if (Status opened = openData(model, options, data); !opened.ok())
    return opened;
  steps = data->trainCount() / model.globalBatch;
  if (steps == 0)
    return Status::error(
        "fewer training images (" + std::to_string(data->trainCount()) +
        ") than one batch (" + std::to_string(model.globalBatch) + ")");
  if (resuming)
    if (Status same = resume(); !same.ok())
      return same;
  if (int64_t classes = int64_t(data->classNames().size());
      leader && classes < model.classes)
    std::fprintf(stderr,
                 "warning: the data has %lld classes, the model %lld "
                 "outputs: %lld of them are never a label (a model of %lld "
                 "outputs learns this data as well, and faster)\n",
                 (long long)classes, (long long)model.classes,
                 (long long)(model.classes - classes), (long long)classes);
  progress.trainImages = data->trainCount();
  progress.globalBatch = model.globalBatch;
  data->describe(session.dataFacts()); // saved with every checkpoint
  threads = loaderThreads(model, options);
  logits.resize(size_t(model.batch * model.classes));
  return Status::success();
}

Status TrainingRun::startFrom(const std::string &path) {
  std::vector<TensorBuffers> tensors = session.hostTensors();
  PretrainedReport report;
  if (Status loaded = loadPretrained(path, tensors, report); !loaded.ok())
    return loaded;
  session.commitHostTensors();
  if (!leader)
    return Status::success();
  auto list = [](const std::vector<std::string> &names) {
    std::string text;
    for (const std::string &name : names)
      text += (text.empty() ? "" : ", ") + name;
    return text;
  };
  std::printf("init: %zu of %zu parameters from %s%s\n", report.loaded.size(),
              tensors.size(), path.c_str(),
              conversionsText(report.converted).c_str());
  if (!report.reinitialised.empty())
    std::printf("init: initialised afresh: %s\n",
                list(report.reinitialised).c_str());
  if (!report.unused.empty())
    std::printf("init: not in this model: %s\n", list(report.unused).c_str());
  return Status::success();
}

Status TrainingRun::resume() {
  // The same run or none: a shuffle, a slice or a step of another size
  // would quietly lose the bit-exact resume.
  if (progress.trainImages > 0 && (progress.trainImages != data->trainCount() ||
                                   progress.globalBatch != model.globalBatch))
    return Status::error(
        "cannot resume '" + weights + "' as the same run: it was trained on " +
        std::to_string(progress.trainImages) + " images with batch " +
        std::to_string(progress.globalBatch) + ", this run has " +
        std::to_string(data->trainCount()) + " (--limit, --data) with batch " +
        std::to_string(model.globalBatch) +
        " (this binary): resume with the same ones, or start a new run "
        "with --force");
  if (progress.epoch >= epochs)
    return Status::error("'" + weights + "' has trained " +
                         std::to_string(progress.epoch) + " epoch" +
                         (progress.epoch == 1 ? "" : "s") + " of the " +
                         std::to_string(epochs) +
                         " asked: nothing to do (--epochs N to train on)");
  return Status::success();
}

int TrainingRun::agreedStop(int mine) {
  double asked[2] = {double(mine == SIGTERM), double(mine == SIGINT)};
  sumOverReplicas(asked, 2);
  return asked[0] > 0 ? SIGTERM : asked[1] > 0 ? SIGINT : 0;
}

int TrainingRun::run() {
  catchStopSignals(/*sayWhenCaught=*/leader);
  if (leader) {
    std::string split = model.replicas > 1
                            ? " (" + std::to_string(model.replicas) +
                                  " replicas of " +
                                  std::to_string(model.batch) + ")"
                            : "";
    std::fprintf(stderr,
                 "training %s on %s: %lld images of %zu classes, batch "
                 "%lld%s, %lld step%s an epoch, %d loader thread%s\n",
                 model.name.c_str(), data->description().c_str(),
                 (long long)data->trainCount(), data->classNames().size(),
                 (long long)model.globalBatch, split.c_str(), (long long)steps,
                 steps == 1 ? "" : "s", threads, threads == 1 ? "" : "s");
    if (progress.epochSteps > 0 && progress.epochSteps < steps)
      std::fprintf(stderr, "resuming epoch %lld at step %lld of %lld\n",
                   (long long)progress.epoch + 1,
                   (long long)progress.epochSteps + 1, (long long)steps);
    else if (progress.epochSteps == steps)
      std::fprintf(stderr,
                   "resuming epoch %lld after its last step: its "
                   "test pass\n",
                   (long long)progress.epoch + 1);
  }
  while (progress.epoch < epochs)
    if (int code = trainEpoch(); code != 0)
      return code;
  return 0;
}

int TrainingRun::trainEpoch() {
  std::vector<int64_t> order =
      epochOrder(data->trainCount(), progress.seed, progress.epoch);
  char label[48];
  std::snprintf(label, sizeof label, "epoch %lld/%lld",
                (long long)progress.epoch + 1, (long long)epochs);
  // From the first step not yet done (a checkpoint may have stopped
  // inside the epoch): each batch is a function of (seed, epoch, global
  // step), so the rest of the epoch is as if never stopped.
  int64_t first = progress.epochSteps, epoch = progress.epoch,
          epochStart = progress.step - first;
  uint64_t seed = progress.seed;
  // The step reads each batch (this replica's share of it) where the
  // loader made it.
  int64_t share = replicaIndex() * model.batch;
  Loader loader(steps - first, size_t(model.batch * model.imageSize()),
                size_t(model.batch), threads, threads + 2,
                [&](int64_t i, float *batchImages, int32_t *batchLabels) {
                  int64_t s = first + i;
                  TrainBatchRequest request;
                  request.indices =
                      order.data() + s * model.globalBatch + share;
                  request.count = model.batch;
                  request.position = share;
                  request.seed = seed;
                  request.epoch = epoch;
                  request.step = epochStart + s;
                  return data->trainBatch(request, batchImages, batchLabels);
                });
  Progress bar(label, steps);
  for (int64_t s = first; s < steps; ++s) {
    const float *batchImages;
    const int32_t *batchLabels;
    if (Status loaded = loader.next(batchImages, batchLabels); !loaded.ok())
      return fail(loaded.message() + " (the last checkpoint in '" + weights +
                  "' is untouched)");
    // This replica's mean loss, hits and stop signal, then the global
    // batch's: every replica stops at the same step.
    int signal = stopRequested();
    double figures[4] = {
        session.trainStep(batchImages, batchLabels, logits.data()), 0,
        double(signal == SIGTERM), double(signal == SIGINT)};
    for (int64_t i = 0; i < model.batch; ++i)
      figures[1] += inTopK(logits.data() + i * model.classes, model.classes,
                           batchLabels[i], 1);
    sumOverReplicas(figures, 4);
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
    progress.epochSteps = s + 1;
    progress.epochLossSum += loss;
    progress.epochCorrect += figures[1];
    int64_t run = s + 1 - first;
    char status[128];
    std::snprintf(status, sizeof status,
                  "loss %.4f acc %.1f%% %.0f img/s, %.0f%% waiting for data",
                  progress.epochLossSum / double(s + 1),
                  100.0 * progress.epochCorrect /
                      double((s + 1) * model.globalBatch),
                  double(run * model.globalBatch) / bar.seconds(),
                  100.0 * loader.waitedSeconds() / bar.seconds());
    bar.update(s + 1, status);
    if (figures[2] > 0 || figures[3] > 0)
      return stop(figures[2] > 0 ? SIGTERM : SIGINT);
    if (leader && checkpointEvery > 0 && progress.step % checkpointEvery == 0 &&
        s + 1 < steps)
      if (Status saved = session.save(weights); !saved.ok())
        return fail(saved.message());
  }
  return endEpoch(bar.seconds(), loader.waitedSeconds(), steps - first);
}

int TrainingRun::endEpoch(double seconds, double waited, int64_t stepsRun) {
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
  EpochRecord record;
  record.epoch = progress.epoch + 1;
  record.step = progress.step;
  record.views = views;
  record.trainLoss = progress.epochLossSum / double(steps);
  record.trainAccuracy =
      progress.epochCorrect / double(steps * model.globalBatch);
  record.testLoss = test.loss;
  record.top1Error = test.top1Error;
  record.top5Error = test.hasTop5() ? test.top5Error : std::nan("");
  record.learningRate = progress.learningRate;
  record.imagesPerSecond = double(stepsRun * model.globalBatch) / seconds;
  record.seconds = seconds;
  record.dataWait = waited / seconds;
  ++progress.epoch;
  progress.epochSteps = 0;
  progress.epochLossSum = progress.epochCorrect = 0;
  // Every replica: the figures are global, so the rates stay the same.
  updateSchedule(model, progress, test.top1Error);
  if (leader) {
    // Accuracy as the progress bar says it: a percentage.
    std::printf("epoch %lld: train loss %.4f acc %.2f%% | test %s | %.0f "
                "img/s, %.0f%% waiting for data | lr %g\n",
                (long long)record.epoch, record.trainLoss,
                100 * record.trainAccuracy, describe(test).c_str(),
                record.imagesPerSecond, 100.0 * record.dataWait,
                record.learningRate);
    std::fflush(stdout);
    if (Status logged = log.write(record); !logged.ok())
      return fail(logged.message());
    if (Status saved = checkpoint(); !saved.ok())
      return fail(saved.message());
  }
  // A signal during the test pass: the checkpoint above is the place.
  if (int signal = agreedStop(stopRequested()); signal != 0) {
    if (leader && progress.epoch < epochs)
      std::fprintf(stderr,
                   "stopped by %s after epoch %lld; `train --resume` "
                   "goes on with epoch %lld\n",
                   signalName(signal), (long long)progress.epoch,
                   (long long)progress.epoch + 1);
    leaveReplicaJob();
    return 128 + signal;
  }
  return 0;
}

Status TrainingRun::checkpoint() {
  if (Status claimed = log.claim(); !claimed.ok())
    return claimed;
  return session.save(weights);
}

int TrainingRun::stop(int signal) {
  if (leader) {
    if (Status saved = checkpoint(); !saved.ok())
      return fail(saved.message() + " (stopping for " + signalName(signal) +
                  ")");
    std::fprintf(stderr,
                 "stopped by %s after step %lld (epoch %lld, step %lld of "
                 "%lld): checkpoint written to '%s'; `train --resume` goes on "
                 "from the next step\n",
                 signalName(signal), (long long)progress.step,
                 (long long)progress.epoch + 1, (long long)progress.epochSteps,
                 (long long)steps, weights.c_str());
  }
  // Every replica stops here: the job ends in order, not by abort.
  leaveReplicaJob();
  return 128 + signal;
}

} // namespace

int train(Session &session, const Options &options) {
  TrainingRun run(session, options);
  if (Status started = run.start(); !started.ok())
    return fail(started.message());
  int code = run.run();
  // Leaving the replica job and exiting: a signal ends that as by default.
  endCatchingStopSignals();
  return code;
}

} // namespace alexrt
