//===- Evaluate.h - loss, top-1 and top-5 error over a test set -*- C++ -*-===//

#ifndef ALEXRT_EVALUATE_H
#define ALEXRT_EVALUATE_H

#include "runtime/data/DataSource.h"

#include <cstdint>

namespace alexrt {

class Session;

/// Sums over images, then (after finish()) means: the loss of the averaged
/// softmax, and the top-1 and top-5 error rates.
struct Evaluation {
  double loss = 0, top1Error = 0, top5Error = 0;
  int64_t images = 0;

  /// Adds one image seen through `views` views; view v's logits are at
  /// logits + v * viewStride. The paper's 10-view test averages the views'
  /// softmax outputs; an image counts as top-k correct when fewer than k
  /// classes have a higher averaged probability than its label.
  void add(const float *logits, int64_t views, int64_t viewStride,
           int64_t classes, int32_t label);
  void finish();
};

/// Evaluates the session's model over the source's test images with
/// `views` (1 or 10) views each, decoding on `threads` loader threads.
Status evaluate(Session &session, const DataSource &data, int64_t views,
                int threads, Evaluation &result);

} // namespace alexrt

#endif // ALEXRT_EVALUATE_H
