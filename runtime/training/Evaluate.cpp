//===- Evaluate.cpp - loss, top-1 and top-5 error over a test set ---------===//

#include "runtime/training/Evaluate.h"

#include "runtime/data/Loader.h"
#include "runtime/model/Session.h"
#include "runtime/replicas/Replicas.h"
#include "runtime/support/Progress.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace alexrt;

Status alexrt::evaluate(Session &session, const DataSource &data, int64_t views,
                        int threads, Evaluation &result) {
  const ModelInfo &model = session.model();
  // With replicas, each evaluates its share of every global batch.
  int64_t count = data.testCount(), batch = model.batch,
          global = model.globalBatch, share = replicaIndex() * batch;
  int64_t batches = (count + global - 1) / global;
  /// The images of global batch b this replica evaluates.
  auto firstOf = [&](int64_t b) { return std::min(count, b * global + share); };
  auto realOf = [&](int64_t b) {
    return std::clamp<int64_t>(count - firstOf(b), 0, batch);
  };
  size_t imageFloats = size_t(views * batch * model.imageSize());
  // A slot holds every view of a batch (10 views of the paper's batch:
  // 770 MB): at most about 2 GiB of them, at least 3.
  int64_t slotBytes = int64_t(imageFloats * sizeof(float));
  int depth = int(std::clamp<int64_t>(
      threads + 2, 3, std::max<int64_t>(3, (int64_t(2) << 30) / slotBytes)));
  Loader loader(batches, imageFloats, size_t(batch), threads, depth,
                [&](int64_t item, float *images, int32_t *labels) {
                  return data.testBatch(firstOf(item), realOf(item), views,
                                        batch, images, labels);
                });
  std::vector<float> logits(size_t(views * batch * model.classes));
  result = Evaluation();
  Progress progress(views == 1 ? "eval " : "eval (10 views)", count);
  for (int64_t b = 0; b < batches; ++b) {
    const float *images;
    const int32_t *labels;
    if (Status status = loader.next(images, labels); !status.ok())
      return status;
    int64_t real = realOf(b);
    for (int64_t v = 0; v < views; ++v)
      session.forward(images + v * batch * model.imageSize(), labels,
                      logits.data() + v * batch * model.classes);
    for (int64_t i = 0; i < real; ++i)
      result.add(logits.data() + i * model.classes, views,
                 batch * model.classes, model.classes, labels[i]);
    progress.update(std::min(count, (b + 1) * global), "");
  }
  double sums[4] = {result.loss, result.top1Error, result.top5Error,
                    double(result.images)};
  sumOverReplicas(sums, 4);
  result.loss = sums[0];
  result.top1Error = sums[1];
  result.top5Error = sums[2];
  result.images = int64_t(sums[3]);
  result.finish();
  return Status::success();
}
