//===- TrainingLog.h - one JSON line per epoch ------------------*- C++ -*-===//
//
// `train` appends a line per epoch to a log beside the weight file
// (`alexnet.fb` -> `alexnet.log.jsonl`, or --log FILE), the figures it
// prints: tools/plot.py draws curves from such logs. A fresh run starts
// the log anew; --resume appends to it.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_MODEL_TRAININGLOG_H
#define ALEXRT_MODEL_TRAININGLOG_H

#include "runtime/support/Status.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace alexrt {

/// The figures of one epoch.
struct EpochRecord {
  int64_t epoch = 0, step = 0, views = 1;
  double trainLoss = 0, trainAccuracy = 0;
  double testLoss = 0, top1Error = 0;
  double top5Error = 0; ///< NaN: not measured (5 classes or fewer).
  double learningRate = 0, imagesPerSecond = 0, seconds = 0;
  double dataWait = 0; ///< Share of the epoch the step waited for data.
};

/// The log beside a weight file: its extension replaced by `.log.jsonl`.
std::string defaultLogPath(const std::string &weights);

/// One JSON object a line; each line is flushed as it is written.
class TrainingLog {
public:
  TrainingLog() = default;
  TrainingLog(const TrainingLog &) = delete;
  TrainingLog &operator=(const TrainingLog &) = delete;
  ~TrainingLog();

  /// Checks that `path` can be written; the first record creates it,
  /// emptied unless `append`.
  Status open(const std::string &path, bool append);
  /// Creates the log now (emptied unless appending): a fresh run does so
  /// with its first checkpoint, so a run resumed from that checkpoint
  /// does not append to an older run's log.
  Status claim();
  Status write(const EpochRecord &record);

private:
  std::string path;
  bool appending = false;
  std::FILE *file = nullptr;
};

} // namespace alexrt

#endif // ALEXRT_MODEL_TRAININGLOG_H
