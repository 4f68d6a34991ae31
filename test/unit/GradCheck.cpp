//===- GradCheck.cpp - reference backward ops against finite differences --===//
//
// For each op of test/reference, several shapes and hyperparameters: the
// analytic gradient of L = sum(r * op(inputs)) for a fixed random r,
// against central differences of L in float64, at sampled elements of
// every input. Prints one line per op and input; fails when an error
// (relative to the largest gradient of that input) exceeds 1e-6.
//
//===----------------------------------------------------------------------===//

#include "test/reference/Reference.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>

using namespace reference;

namespace {

std::mt19937_64 rng(2012);

Tensor random(std::vector<int64_t> shape, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> dist(lo, hi);
  Tensor t(std::move(shape));
  for (double &v : t.data)
    v = dist(rng);
  return t;
}

double dot(const Tensor &a, const Tensor &b) {
  double sum = 0;
  for (int64_t i = 0; i < a.size(); ++i)
    sum += a[i] * b[i];
  return sum;
}

int passes = 0, failures = 0;

/// Compares `analytic` (dL/dinput) with central differences of `loss`
/// with respect to `input`, at up to 60 sampled elements.
void check(const std::string &what, Tensor &input, const Tensor &analytic,
           const std::function<double()> &loss) {
  const double h = 1e-6;
  double scale = 1e-12, worst = 0;
  for (double g : analytic.data)
    scale = std::max(scale, std::fabs(g));
  std::uniform_int_distribution<int64_t> pick(0, input.size() - 1);
  int64_t samples = std::min<int64_t>(60, input.size());
  for (int64_t s = 0; s < samples; ++s) {
    int64_t i = samples == input.size() ? s : pick(rng);
    double saved = input[i];
    input[i] = saved + h;
    double up = loss();
    input[i] = saved - h;
    double down = loss();
    input[i] = saved;
    double numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::fabs(numeric - analytic[i]) / scale);
  }
  bool ok = worst <= 1e-6;
  failures += !ok;
  passes += ok;
  std::printf("%-44s %.2e %s\n", what.c_str(), worst, ok ? "ok" : "FAIL");
}

void checkConv(std::vector<int64_t> xShape, int64_t filters, int64_t kernel,
               ConvParams p) {
  Tensor x = random(xShape);
  Tensor w = random({filters, xShape[1] / p.groups, kernel, kernel});
  Tensor b = random({filters});
  Tensor r = random(conv2d(x, w, b, p).shape);
  Tensor dx, dw, db;
  conv2dBackward(x, w, r, p, &dx, &dw, &db);
  auto loss = [&] { return dot(r, conv2d(x, w, b, p)); };
  std::string name = "conv2d k" + std::to_string(kernel) + " s" +
                     std::to_string(p.stride) + " p" + std::to_string(p.pad) +
                     " g" + std::to_string(p.groups);
  check(name + " input", x, dx, loss);
  check(name + " filter", w, dw, loss);
  check(name + " bias", b, db, loss);
}

void checkLRN(LRNParams p, double lo) {
  Tensor x = random({2, p.groups > 1 ? 8 : 7, 3, 3}, lo, 1);
  Tensor r = random(x.shape);
  Tensor dx = lrnBackward(x, r, p);
  check("lrn size " + std::to_string(p.size) + " alpha " +
            std::to_string(p.alpha) + " groups " + std::to_string(p.groups) +
            " input",
        x, dx, [&] { return dot(r, lrn(x, p)); });
}

void checkPool(std::vector<int64_t> shape, int64_t window, int64_t stride) {
  Tensor x = random(shape);
  Tensor r = random(maxPool(x, window, stride).shape);
  Tensor dx = maxPoolBackward(x, r, window, stride);
  check("max_pool " + std::to_string(window) + "/" + std::to_string(stride) +
            " input",
        x, dx, [&] { return dot(r, maxPool(x, window, stride)); });
}

} // namespace

int main() {
  checkConv({2, 3, 9, 9}, 4, 3, {1, 1, 1});
  checkConv({2, 4, 11, 11}, 6, 5, {2, 2, 2});  // strided, grouped
  checkConv({1, 3, 15, 15}, 4, 11, {4, 2, 1}); // the paper's conv1 shape
  checkConv({2, 4, 5, 5}, 4, 2, {1, 0, 4});    // even kernel, depthwise

  {
    // Away from the kink at 0, where the derivative is not defined.
    Tensor x = random({3, 17});
    for (double &v : x.data)
      v += v > 0 ? 0.1 : -0.1;
    Tensor r = random(x.shape);
    check("relu input", x, reluBackward(x, r), [&] { return dot(r, relu(x)); });
  }

  checkLRN({5, 1e-4, 0.75, 2}, 0.0); // the paper's
  checkLRN({3, 0.5, 0.75, 1}, -1.0); // strong, negative inputs too
  checkLRN({5, 2.0, 1.5, 3}, -1.0);
  checkLRN({3, 0.5, 0.75, 1, 2}, -1.0); // the window stops at group edges
  checkLRN({5, 2.0, 1.5, 3, 4}, -1.0);

  checkPool({2, 3, 7, 7}, 3, 2); // overlapping
  checkPool({1, 2, 6, 6}, 2, 2); // tiling
  checkPool({1, 2, 5, 5}, 2, 1);

  {
    Tensor x = random({4, 6}), w = random({3, 6}), b = random({3});
    Tensor r = random({4, 3});
    Tensor dx, dw, db;
    denseBackward(x, w, r, &dx, &dw, &db);
    auto loss = [&] { return dot(r, dense(x, w, b)); };
    check("dense input", x, dx, loss);
    check("dense weight", w, dw, loss);
    check("dense bias", b, db, loss);
  }

  {
    Tensor logits = random({5, 7}, -3, 3);
    std::vector<int32_t> labels = {0, 6, 3, 3, 1};
    check("softmax_cross_entropy logits", logits,
          softmaxCrossEntropyBackward(logits, labels),
          [&] { return softmaxCrossEntropy(logits, labels); });
  }

  std::printf("%d passed, %d failed\n", passes, failures);
  return failures ? 1 : 0;
}
