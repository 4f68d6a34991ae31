//===- TrainingLog.cpp - one JSON line per epoch, for plots and scripts ---===//

#include "runtime/TrainingLog.h"

#include "runtime/Files.h"

using namespace alexrt;

std::string alexrt::defaultLogPath(const std::string &weights) {
  size_t slash = weights.find_last_of('/');
  size_t dot = weights.find_last_of('.');
  bool hasExtension = dot != std::string::npos &&
                      (slash == std::string::npos || dot > slash + 1);
  return (hasExtension ? weights.substr(0, dot) : weights) + ".log.jsonl";
}

TrainingLog::~TrainingLog() {
  if (file)
    std::fclose(file);
}

Status TrainingLog::open(const std::string &target, bool append) {
  path = target;
  file = std::fopen(path.c_str(), append ? "a" : "w");
  if (!file)
    return Status::error(systemError("cannot write training log", path));
  return Status::success();
}

Status TrainingLog::write(const EpochRecord &r) {
  // Ten significant digits: more than the printed figures, and readable.
  int written = std::fprintf(
      file,
      "{\"epoch\": %lld, \"step\": %lld, \"train_loss\": %.10g, "
      "\"train_accuracy\": %.10g, \"test_loss\": %.10g, "
      "\"top1_error\": %.10g, \"top5_error\": %.10g, \"test_views\": %lld, "
      "\"learning_rate\": %.10g, \"images_per_second\": %.10g, "
      "\"seconds\": %.10g, \"data_wait\": %.10g}\n",
      (long long)r.epoch, (long long)r.step, r.trainLoss, r.trainAccuracy,
      r.testLoss, r.top1Error, r.top5Error, (long long)r.views, r.learningRate,
      r.imagesPerSecond, r.seconds, r.dataWait);
  if (written < 0 || std::fflush(file) != 0)
    return Status::error(systemError("cannot write training log", path));
  return Status::success();
}
