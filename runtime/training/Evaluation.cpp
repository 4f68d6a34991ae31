//===- Evaluation.cpp - loss, top-1 and top-5 error of classified images --===//

#include "runtime/training/Evaluation.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace alexrt;

std::vector<double> alexrt::averagedSoftmax(const float *logits, int64_t views,
                                            int64_t viewStride,
                                            int64_t classes) {
  std::vector<double> probability(size_t(classes), 0.0);
  for (int64_t v = 0; v < views; ++v) {
    const float *row = logits + v * viewStride;
    double max = *std::max_element(row, row + classes), sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += std::exp(double(row[c]) - max);
    for (int64_t c = 0; c < classes; ++c)
      probability[size_t(c)] +=
          std::exp(double(row[c]) - max) / (sum * double(views));
  }
  return probability;
}

void Evaluation::add(const float *logits, int64_t views, int64_t viewStride,
                     int64_t classes, int32_t label) {
  std::vector<double> probability =
      averagedSoftmax(logits, views, viewStride, classes);
  double mine = probability[size_t(label)];
  // log of a probability that underflowed to 0: a large, finite loss (NaN
  // stays NaN: std::max keeps its first argument).
  loss -= std::log(std::max(mine, 1e-300));
  top1Error += !inTopK(probability.data(), classes, label, 1);
  top5Error += !inTopK(probability.data(), classes, label, 5);
  ++images;
  this->classes = classes;
}

void Evaluation::finish() {
  double n = double(std::max<int64_t>(images, 1));
  loss /= n;
  top1Error /= n;
  top5Error /= n;
}
