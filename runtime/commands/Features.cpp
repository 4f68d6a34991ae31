//===- Features.cpp - the features command: 4096-d vectors as .npy --------===//

#include "runtime/commands/Commands.h"

#include "runtime/model/Session.h"
#include "runtime/support/Files.h"
#include "runtime/support/Npy.h"
#include "runtime/support/Progress.h"

#include <algorithm>
#include <cstdio>

namespace alexrt {

/// The features (the paper's 4096-d vectors, Section 6.1) of every image
/// of --split (val, the default, or train), centre crop, as FILE.npy
/// (images x width, float32) and their labels as FILE.labels.npy (int32).
int features(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("features needs --weights FILE and -o FILE.npy");
  std::string split = options.get("split", "val");
  if (split != "val" && split != "train")
    return fail("--split must be val or train, not '" + split + "'");
  if (Status writable = checkWritable(out, "feature file"); !writable.ok())
    return fail(writable.message());
  std::string labelsPath = companionNpy(out, "labels");
  if (Status writable = checkWritable(labelsPath, "labels file");
      !writable.ok())
    return fail(writable.message());
  std::unique_ptr<DataSource> data;
  Status status = openForFeatures(session, options, data, split == "train");
  if (!status.ok())
    return fail(status.message());
  bool training = split == "train";
  int64_t count = training ? data->trainCount() : data->testCount();
  int64_t batch = model.batch;
  std::vector<float> images(size_t(batch * model.imageSize()));
  std::vector<int32_t> labels(static_cast<size_t>(batch)), allLabels;
  std::vector<float> batchFeatures(size_t(batch * model.features)), all;
  all.reserve(size_t(count * model.features));
  Progress progress("features", count);
  for (int64_t first = 0; first < count; first += batch) {
    int64_t n = std::min(batch, count - first);
    status =
        training
            ? data->trainCentreBatch(first, n, images.data(), labels.data())
            : data->testBatch(first, n, 1, batch, images.data(), labels.data());
    if (!status.ok())
      return fail(status.message());
    session.features(images.data(), batchFeatures.data());
    all.insert(all.end(), batchFeatures.begin(),
               batchFeatures.begin() + n * model.features);
    allLabels.insert(allLabels.end(), labels.begin(), labels.begin() + n);
    progress.update(first + n, "");
  }
  status = writeNpy(out, "<f4", {count, model.features}, all.data());
  if (status.ok())
    status = writeNpy(labelsPath, "<i4", {count}, allLabels.data());
  if (!status.ok())
    return fail(status.message());
  std::printf("%lld images x %lld features -> %s, labels -> %s\n",
              (long long)count, (long long)model.features, out.c_str(),
              labelsPath.c_str());
  return 0;
}

} // namespace alexrt
