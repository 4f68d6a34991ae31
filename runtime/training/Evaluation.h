//===- Evaluation.h - loss, top-1 and top-5 error ---------------*- C++ -*-===//

#ifndef ALEXRT_TRAINING_EVALUATION_H
#define ALEXRT_TRAINING_EVALUATION_H

#include <cmath>
#include <cstdint>
#include <vector>

namespace alexrt {

/// Whether `label` counts as correct at top-`k` by `scores` (one per
/// class): its score is a number and fewer than k other classes score as
/// high or higher. A tie counts against the label, so a model that gives
/// every class the same score (or NaN) is wrong, not right. The one
/// definition for training's accuracy and evaluation's errors.
template <typename Score>
bool inTopK(const Score *scores, int64_t classes, int32_t label, int64_t k) {
  Score mine = scores[label];
  if (!std::isfinite(mine))
    return false;
  int64_t asHigh = 0;
  for (int64_t c = 0; c < classes; ++c)
    asHigh += c != label && !(scores[c] < mine); // NaN counts too.
  return asHigh < k;
}

/// The softmax outputs of `views` views of one image averaged (the
/// paper's 10-view test); view v's logits are at logits + v * viewStride.
std::vector<double> averagedSoftmax(const float *logits, int64_t views,
                                    int64_t viewStride, int64_t classes);

/// Sums over images, then (after finish()) means: the loss of the averaged
/// softmax, and the top-1 and top-5 error rates.
struct Evaluation {
  double loss = 0, top1Error = 0, top5Error = 0;
  int64_t images = 0, classes = 0;

  /// Whether top-5 says anything: with 5 classes or fewer every label is
  /// among the top 5, so no top-5 figure is printed.
  bool hasTop5() const { return classes > 5; }

  /// Adds one image seen through `views` views; view v's logits are at
  /// logits + v * viewStride. The paper's 10-view test averages the views'
  /// softmax outputs; an image counts as top-k correct by inTopK over the
  /// averaged probabilities.
  void add(const float *logits, int64_t views, int64_t viewStride,
           int64_t classes, int32_t label);
  void finish();
};

} // namespace alexrt

#endif // ALEXRT_TRAINING_EVALUATION_H
