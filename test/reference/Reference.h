//===- Reference.h - float64 versions of every alex op ----------*- C++ -*-===//
//
// An independent implementation of the math, written as the textbook
// formulas with direct loops (no im2col, no BLAS, no MLIR), in double
// precision. Compiled kernels are checked against it; it is checked against
// finite differences (test/unit/GradCheck.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TEST_REFERENCE_REFERENCE_H
#define ALEX_TEST_REFERENCE_REFERENCE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace reference {

/// A dense row-major array of doubles.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> shape, double fill = 0.0);
  int64_t size() const { return int64_t(data.size()); }
  double &operator[](int64_t i) { return data[size_t(i)]; }
  double operator[](int64_t i) const { return data[size_t(i)]; }
  /// Element (a, b, c, d) of a rank-4 tensor.
  double &at(int64_t a, int64_t b, int64_t c, int64_t d);
  double at(int64_t a, int64_t b, int64_t c, int64_t d) const;
};

struct ConvParams {
  int64_t stride = 1, pad = 0, groups = 1;
};

Tensor conv2d(const Tensor &x, const Tensor &w, const Tensor &b, ConvParams p);
/// Gradients of conv2d for output gradient dy.
void conv2dBackward(const Tensor &x, const Tensor &w, const Tensor &dy,
                    ConvParams p, Tensor *dx, Tensor *dw, Tensor *db);

Tensor relu(const Tensor &x);
Tensor reluBackward(const Tensor &x, const Tensor &dy);

struct LRNParams {
  int64_t size = 5;
  double alpha = 1e-4, beta = 0.75, k = 2;
  /// Channel groups: the window stops at the edges of its group.
  int64_t groups = 1;
};
Tensor lrn(const Tensor &x, LRNParams p);
Tensor lrnBackward(const Tensor &x, const Tensor &dy, LRNParams p);

Tensor maxPool(const Tensor &x, int64_t window, int64_t stride);
/// Ties: the first maximum of the window in row-major order.
Tensor maxPoolBackward(const Tensor &x, const Tensor &dy, int64_t window,
                       int64_t stride);

Tensor dense(const Tensor &x, const Tensor &w, const Tensor &b);
void denseBackward(const Tensor &x, const Tensor &w, const Tensor &dy,
                   Tensor *dx, Tensor *dw, Tensor *db);

/// Mean softmax cross-entropy, and its gradient for a loss gradient of 1.
double softmaxCrossEntropy(const Tensor &logits,
                           const std::vector<int32_t> &labels);
Tensor softmaxCrossEntropyBackward(const Tensor &logits,
                                   const std::vector<int32_t> &labels);

/// The paper's update: v = m v - wd lr w - lr g; w += v.
void sgdUpdate(Tensor &w, Tensor &v, const Tensor &g, double lr,
               double momentum, double weightDecay);

} // namespace reference

#endif // ALEX_TEST_REFERENCE_REFERENCE_H
