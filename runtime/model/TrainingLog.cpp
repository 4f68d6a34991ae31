//===- TrainingLog.cpp - one JSON line per epoch, for plots and scripts ---===//

#include "runtime/model/TrainingLog.h"

#include "runtime/support/Files.h"

#include <cmath>
#include <sys/stat.h>
#include <unistd.h>

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
  appending = append;
  // Checked now, created at the first record: a run that stops before
  // its first epoch ends leaves no empty log (and a fresh run's old log
  // stands until the new weights replace the old).
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    return Status::error("cannot write training log '" + path +
                         "': it is a folder");
  if (::access(dir.empty() ? "/" : dir.c_str(), W_OK) != 0)
    return Status::error(systemError("cannot write training log", path));
  return Status::success();
}

/// A figure for JSON: NaN (not measured) is null.
static std::string number(double value) {
  if (std::isnan(value))
    return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

Status TrainingLog::claim() {
  if (!file)
    file = std::fopen(path.c_str(), appending ? "a" : "w");
  if (!file)
    return Status::error(systemError("cannot write training log", path));
  return Status::success();
}

Status TrainingLog::write(const EpochRecord &r) {
  if (Status claimed = claim(); !claimed.ok())
    return claimed;
  // Ten significant digits: more than the printed figures, and readable.
  int written = std::fprintf(
      file,
      "{\"epoch\": %lld, \"step\": %lld, \"train_loss\": %.10g, "
      "\"train_accuracy\": %.10g, \"test_loss\": %.10g, "
      "\"top1_error\": %.10g, \"top5_error\": %s, \"test_views\": %lld, "
      "\"learning_rate\": %.10g, \"images_per_second\": %.10g, "
      "\"seconds\": %.10g, \"data_wait\": %.10g}\n",
      (long long)r.epoch, (long long)r.step, r.trainLoss, r.trainAccuracy,
      r.testLoss, r.top1Error, number(r.top5Error).c_str(), (long long)r.views,
      r.learningRate, r.imagesPerSecond, r.seconds, r.dataWait);
  if (written < 0 || std::fflush(file) != 0)
    return Status::error(systemError("cannot write training log", path));
  return Status::success();
}
