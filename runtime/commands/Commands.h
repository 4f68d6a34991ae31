//===- Commands.h - the commands of compiled binaries -----------*- C++ -*-===//
//
// What `main` (Main.cpp) dispatches to: one function a command, each in
// the file named after it, and the helpers they share (Common.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_COMMANDS_COMMANDS_H
#define ALEXRT_COMMANDS_COMMANDS_H

#include "runtime/data/DataSource.h"
#include "runtime/data/images/Augment.h"
#include "runtime/model/ModelInfo.h"
#include "runtime/model/WeightFile.h"
#include "runtime/replicas/Replicas.h"
#include "runtime/support/Status.h"
#include "runtime/training/Evaluation.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace alexrt {

class Session;

/// Parsed `--key value` and `--flag` options.
struct Options {
  std::map<std::string, std::string> values;
  /// Arguments that are not options (files for import and predict).
  std::vector<std::string> files;
  bool has(const std::string &key) const { return values.count(key); }
  std::string get(const std::string &key, std::string fallback = "") const {
    auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
  int64_t number(const std::string &key, int64_t fallback) const {
    return has(key) ? std::strtoll(get(key).c_str(), nullptr, 10) : fallback;
  }
};

/// Prints "error: MESSAGE" and returns `code` (the exit status).
inline int fail(const std::string &message, int code = 1) {
  if (replicaCount() > 1)
    std::fprintf(stderr, "error: replica %d of %d: %s\n", replicaIndex(),
                 replicaCount(), message.c_str());
  else
    std::fprintf(stderr, "error: %s\n", message.c_str());
  return code;
}

// What several commands share (Common.cpp).

/// Threads that decode and augment images.
int loaderThreads(const ModelInfo &model, const Options &options);
/// The data the model's recipe (or --dataset, --data) asks for; with
/// replicas, checked to be the same on every one. `testOnly`: the
/// checkpoint of a command that reads only the test set (its facts stand
/// for the training set's where they can).
Status openData(const ModelInfo &model, const Options &options,
                std::unique_ptr<DataSource> &data,
                const DataFacts *testOnly = nullptr);
/// Checks that every replica of the job sees the same training and test
/// sets (sizes and dataFingerprint): each builds its steps and shuffle from
/// its own file list. A collective; nothing without a job.
Status checkReplicasSeeSameData(const DataSource &data);
/// Test views: --crops, else the model's test_crops.
Status testViews(const ModelInfo &model, const Options &options,
                 int64_t &views);
/// "loss 0.1234 top-1 err 12.34% top-5 err 1.23%".
std::string describe(const Evaluation &result);
/// "the test loss is NaN over 100 images".
std::string nonFiniteTestLoss(const Evaluation &result);
bool fileExists(const std::string &path);
/// Loads --weights and opens the model's data, for the commands that
/// compute features (`needTrain`: the training set too).
Status openForFeatures(Session &session, const Options &options,
                       std::unique_ptr<DataSource> &data, bool needTrain);
/// How image files become inputs at test time (Predict.cpp, also used by
/// neighbours): decoded, resized to the model's square (its `resize`, else
/// its input size), then the test views, minus the mean the weight file
/// recorded.
Augmentation evaluationGeometry(const ModelInfo &model, const DataFacts &facts);

/// The commands, each in the file named after it: its exit status.
int train(Session &session, const Options &options);
int eval(Session &session, const Options &options);
int prepare(const ModelInfo &model, const Options &options);
int bench(Session &session, const Options &options);
int exportWeights(Session &session, const Options &options);
int importWeights(Session &session, const Options &options);
int kernels(Session &session, const Options &options);
int info(Session &session);
int predict(Session &session, const Options &options);
int features(Session &session, const Options &options);
int neighbours(Session &session, const Options &options);

} // namespace alexrt

#endif // ALEXRT_COMMANDS_COMMANDS_H
