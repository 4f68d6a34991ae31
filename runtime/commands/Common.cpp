//===- Common.cpp - what several commands share ---------------------------===//
//
// The data a command reads and how it is checked, test views, and how
// figures are worded: train, eval, bench and the features commands agree.
//
//===----------------------------------------------------------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Recipe.h"
#include "runtime/Target.h"
#include "runtime/data/Loader.h"
#include "runtime/model/Session.h"
#include "runtime/replicas/Replicas.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <thread>

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
                std::unique_ptr<DataSource> &data, const DataFacts *testOnly) {
  DataOptions dataOptions;
  dataOptions.dataset = options.get("dataset", model.dataset);
  dataOptions.dir = options.get("data", model.dataPath);
  dataOptions.trainLimit = options.number("limit", 0);
  dataOptions.testLimit = options.number("test-limit", 0);
  dataOptions.threads = loaderThreads(model, options);
  // The checkpoint's mean stands for the training set's only where it is
  // this dataset's (per channel).
  if (testOnly) {
    dataOptions.needTrain = false;
    if (testOnly->meanHeight == 0 && testOnly->dataset == dataOptions.dataset)
      dataOptions.trainMean = testOnly->mean;
  }
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
  if (std::optional<std::string> problem = checkTestCrops("--crops", views))
    return Status::error(*problem);
  return Status::success();
}

std::string nonFiniteTestLoss(const Evaluation &result) {
  return std::string("the test loss is ") +
         (std::isnan(result.loss) ? "NaN" : "infinite") + " over " +
         std::to_string(result.images) + " images";
}

/// "loss 0.1234 top-1 err 12.34% top-5 err 1.23%" (top-5 "n/a" with 5
/// classes or fewer).
std::string describe(const Evaluation &result) {
  char text[96];
  std::snprintf(text, sizeof text, "loss %.4f top-1 err %.2f%% top-5 err ",
                result.loss, 100 * result.top1Error);
  char top5[32] = "n/a";
  if (result.hasTop5())
    std::snprintf(top5, sizeof top5, "%.2f%%", 100 * result.top5Error);
  return text + std::string(top5);
}

bool fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

/// Loads --weights and opens the model's data, for commands that compute
/// features. The descriptor's `features` is set exactly when the binary
/// has alex_features, so Session::features cannot fail after this.
Status openForFeatures(Session &session, const Options &options,
                       std::unique_ptr<DataSource> &data, bool needTrain) {
  // The test split alone: the checkpoint stands for the training set.
  if (session.model().features <= 0)
    return Status::error("this binary has no alex_features (compile it "
                         "again)");
  Status status = session.load(options.get("weights"));
  if (status.ok())
    status = openData(session.model(), options, data,
                      needTrain ? nullptr : &session.dataFacts());
  return status;
}

} // namespace alexrt
