//===- Evaluation.h - loss, top-1 and top-5 error ---------------*- C++ -*-===//

#ifndef ALEXRT_EVALUATION_H
#define ALEXRT_EVALUATION_H

#include <cstdint>
#include <vector>

namespace alexrt {

/// The softmax outputs of `views` views of one image averaged (the
/// paper's 10-view test); view v's logits are at logits + v * viewStride.
std::vector<double> averagedSoftmax(const float *logits, int64_t views,
                                    int64_t viewStride, int64_t classes);

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

} // namespace alexrt

#endif // ALEXRT_EVALUATION_H
