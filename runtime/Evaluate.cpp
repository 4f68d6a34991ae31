//===- Evaluate.cpp - loss, top-1 and top-5 error over a test set ---------===//

#include "runtime/Evaluate.h"

#include "runtime/Progress.h"
#include "runtime/Session.h"
#include "runtime/data/Loader.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace alexrt;

Status alexrt::evaluate(Session &session, const DataSource &data, int64_t views,
                        int threads, Evaluation &result) {
  const ModelInfo &model = session.model();
  int64_t count = data.testCount(), batch = model.batch;
  int64_t batches = (count + batch - 1) / batch;
  size_t imageFloats = size_t(views * batch * model.imageSize());
  // A slot holds every view of a batch (10 views of the paper's batch:
  // 770 MB): at most about 2 GiB of them, at least 3.
  int64_t slotBytes = int64_t(imageFloats * sizeof(float));
  int depth = int(std::clamp<int64_t>(
      threads + 2, 3, std::max<int64_t>(3, (int64_t(2) << 30) / slotBytes)));
  Loader loader(batches, imageFloats, size_t(batch), threads, depth,
                [&](int64_t item, float *images, int32_t *labels) {
                  int64_t first = item * batch;
                  return data.testBatch(first, std::min(batch, count - first),
                                        views, batch, images, labels);
                });
  std::vector<float> logits(size_t(views * batch * model.classes));
  result = Evaluation();
  Progress progress(views == 1 ? "eval " : "eval (10 views)", count);
  for (int64_t b = 0; b < batches; ++b) {
    const float *images;
    const int32_t *labels;
    if (Status status = loader.next(images, labels); !status.ok())
      return status;
    int64_t real = std::min(batch, count - b * batch);
    for (int64_t v = 0; v < views; ++v)
      session.forward(images + v * batch * model.imageSize(), labels,
                      logits.data() + v * batch * model.classes);
    for (int64_t i = 0; i < real; ++i)
      result.add(logits.data() + i * model.classes, views,
                 batch * model.classes, model.classes, labels[i]);
    progress.update(b * batch + real, "");
  }
  result.finish();
  return Status::success();
}
