//===- Reference.cpp - plain C++ float64 versions of every alex op --------===//

#include "Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace reference;

Tensor::Tensor(std::vector<int64_t> dims, double fill)
    : shape(std::move(dims)) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  data.assign(size_t(count), fill);
}

double &Tensor::at(int64_t a, int64_t b, int64_t c, int64_t d) {
  return data[size_t(((a * shape[1] + b) * shape[2] + c) * shape[3] + d)];
}
double Tensor::at(int64_t a, int64_t b, int64_t c, int64_t d) const {
  return data[size_t(((a * shape[1] + b) * shape[2] + c) * shape[3] + d)];
}

Tensor reference::conv2d(const Tensor &x, const Tensor &w, const Tensor &b,
                         ConvParams p) {
  int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  int64_t o = w.shape[0], k = w.shape[2];
  int64_t oh = (h + 2 * p.pad - k) / p.stride + 1;
  int64_t ow = (wd + 2 * p.pad - k) / p.stride + 1;
  int64_t cg = c / p.groups, og = o / p.groups;
  Tensor y({n, o, oh, ow});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t f = 0; f < o; ++f) {
      int64_t g = f / og;
      for (int64_t r = 0; r < oh; ++r)
        for (int64_t s = 0; s < ow; ++s) {
          double sum = b[f];
          for (int64_t ch = 0; ch < cg; ++ch)
            for (int64_t ky = 0; ky < k; ++ky)
              for (int64_t kx = 0; kx < k; ++kx) {
                int64_t iy = r * p.stride - p.pad + ky;
                int64_t ix = s * p.stride - p.pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                  continue;
                sum += w.at(f, ch, ky, kx) * x.at(i, g * cg + ch, iy, ix);
              }
          y.at(i, f, r, s) = sum;
        }
    }
  return y;
}

void reference::conv2dBackward(const Tensor &x, const Tensor &w,
                               const Tensor &dy, ConvParams p, Tensor *dx,
                               Tensor *dw, Tensor *db) {
  int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  int64_t o = w.shape[0], k = w.shape[2], oh = dy.shape[2], ow = dy.shape[3];
  int64_t cg = c / p.groups, og = o / p.groups;
  *dx = Tensor(x.shape);
  *dw = Tensor(w.shape);
  *db = Tensor({o});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t f = 0; f < o; ++f) {
      int64_t g = f / og;
      for (int64_t r = 0; r < oh; ++r)
        for (int64_t s = 0; s < ow; ++s) {
          double grad = dy.at(i, f, r, s);
          (*db)[f] += grad;
          for (int64_t ch = 0; ch < cg; ++ch)
            for (int64_t ky = 0; ky < k; ++ky)
              for (int64_t kx = 0; kx < k; ++kx) {
                int64_t iy = r * p.stride - p.pad + ky;
                int64_t ix = s * p.stride - p.pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                  continue;
                dw->at(f, ch, ky, kx) += grad * x.at(i, g * cg + ch, iy, ix);
                dx->at(i, g * cg + ch, iy, ix) += grad * w.at(f, ch, ky, kx);
              }
        }
    }
}

Tensor reference::relu(const Tensor &x) {
  Tensor y = x;
  for (double &v : y.data)
    v = std::max(v, 0.0);
  return y;
}

Tensor reference::reluBackward(const Tensor &x, const Tensor &dy) {
  Tensor dx = dy;
  for (int64_t i = 0; i < dx.size(); ++i)
    if (!(x[i] > 0))
      dx[i] = 0;
  return dx;
}

/// The channels [first, last] of c's window: [c - size/2, c + size/2]
/// within c's group.
static std::pair<int64_t, int64_t> lrnWindow(const Tensor &x, int64_t c,
                                             LRNParams p) {
  int64_t perGroup = x.shape[1] / p.groups, group = c / perGroup;
  return {std::max(group * perGroup, c - p.size / 2),
          std::min((group + 1) * perGroup - 1, c + p.size / 2)};
}

/// k + alpha * sum of squares over c's window.
static double lrnScale(const Tensor &x, int64_t n, int64_t c, int64_t h,
                       int64_t w, LRNParams p) {
  double sum = 0;
  auto [first, last] = lrnWindow(x, c, p);
  for (int64_t j = first; j <= last; ++j)
    sum += x.at(n, j, h, w) * x.at(n, j, h, w);
  return p.k + p.alpha * sum;
}

Tensor reference::lrn(const Tensor &x, LRNParams p) {
  Tensor y(x.shape);
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t c = 0; c < x.shape[1]; ++c)
      for (int64_t h = 0; h < x.shape[2]; ++h)
        for (int64_t w = 0; w < x.shape[3]; ++w)
          y.at(n, c, h, w) =
              x.at(n, c, h, w) * std::pow(lrnScale(x, n, c, h, w, p), -p.beta);
  return y;
}

// y[j] = x[j] s[j]^-b with s[j] = k + a sum_{i in W(j)} x[i]^2, so
// dy/dx: dx[i] = dy[i] s[i]^-b + sum_{j : i in W(j)} dy[j] x[j] (-b)
//        s[j]^(-b-1) 2 a x[i].
Tensor reference::lrnBackward(const Tensor &x, const Tensor &dy, LRNParams p) {
  Tensor dx(x.shape);
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t h = 0; h < x.shape[2]; ++h)
      for (int64_t w = 0; w < x.shape[3]; ++w)
        for (int64_t j = 0; j < x.shape[1]; ++j) {
          double s = lrnScale(x, n, j, h, w, p);
          dx.at(n, j, h, w) += dy.at(n, j, h, w) * std::pow(s, -p.beta);
          double common = dy.at(n, j, h, w) * x.at(n, j, h, w) * -p.beta *
                          std::pow(s, -p.beta - 1) * 2 * p.alpha;
          auto [first, last] = lrnWindow(x, j, p);
          for (int64_t i = first; i <= last; ++i)
            dx.at(n, i, h, w) += common * x.at(n, i, h, w);
        }
  return dx;
}

Tensor reference::maxPool(const Tensor &x, int64_t window, int64_t stride) {
  int64_t oh = (x.shape[2] - window) / stride + 1;
  int64_t ow = (x.shape[3] - window) / stride + 1;
  Tensor y({x.shape[0], x.shape[1], oh, ow});
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t c = 0; c < x.shape[1]; ++c)
      for (int64_t r = 0; r < oh; ++r)
        for (int64_t s = 0; s < ow; ++s) {
          double best = -std::numeric_limits<double>::infinity();
          for (int64_t ky = 0; ky < window; ++ky)
            for (int64_t kx = 0; kx < window; ++kx)
              best =
                  std::max(best, x.at(n, c, r * stride + ky, s * stride + kx));
          y.at(n, c, r, s) = best;
        }
  return y;
}

Tensor reference::maxPoolBackward(const Tensor &x, const Tensor &dy,
                                  int64_t window, int64_t stride) {
  Tensor dx(x.shape);
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t c = 0; c < x.shape[1]; ++c)
      for (int64_t r = 0; r < dy.shape[2]; ++r)
        for (int64_t s = 0; s < dy.shape[3]; ++s) {
          int64_t bestY = r * stride, bestX = s * stride;
          for (int64_t ky = 0; ky < window; ++ky)
            for (int64_t kx = 0; kx < window; ++kx) {
              int64_t y = r * stride + ky, xx = s * stride + kx;
              if (x.at(n, c, y, xx) > x.at(n, c, bestY, bestX)) {
                bestY = y;
                bestX = xx;
              }
            }
          dx.at(n, c, bestY, bestX) += dy.at(n, c, r, s);
        }
  return dx;
}

Tensor reference::dense(const Tensor &x, const Tensor &w, const Tensor &b) {
  int64_t n = x.shape[0], k = x.shape[1], m = w.shape[0];
  Tensor y({n, m});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      double sum = b[j];
      for (int64_t p = 0; p < k; ++p)
        sum += x[i * k + p] * w[j * k + p];
      y[i * m + j] = sum;
    }
  return y;
}

void reference::denseBackward(const Tensor &x, const Tensor &w,
                              const Tensor &dy, Tensor *dx, Tensor *dw,
                              Tensor *db) {
  int64_t n = x.shape[0], k = x.shape[1], m = w.shape[0];
  *dx = Tensor(x.shape);
  *dw = Tensor(w.shape);
  *db = Tensor({m});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      double grad = dy[i * m + j];
      (*db)[j] += grad;
      for (int64_t p = 0; p < k; ++p) {
        (*dx)[i * k + p] += grad * w[j * k + p];
        (*dw)[j * k + p] += grad * x[i * k + p];
      }
    }
}

double reference::softmaxCrossEntropy(const Tensor &logits,
                                      const std::vector<int32_t> &labels) {
  int64_t n = logits.shape[0], classes = logits.shape[1];
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    double max = -std::numeric_limits<double>::infinity();
    for (int64_t c = 0; c < classes; ++c)
      max = std::max(max, logits[i * classes + c]);
    double sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += std::exp(logits[i * classes + c] - max);
    total += std::log(sum) + max - logits[i * classes + labels[size_t(i)]];
  }
  return total / double(n);
}

Tensor
reference::softmaxCrossEntropyBackward(const Tensor &logits,
                                       const std::vector<int32_t> &labels) {
  int64_t n = logits.shape[0], classes = logits.shape[1];
  Tensor grad(logits.shape);
  for (int64_t i = 0; i < n; ++i) {
    double max = -std::numeric_limits<double>::infinity();
    for (int64_t c = 0; c < classes; ++c)
      max = std::max(max, logits[i * classes + c]);
    double sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += std::exp(logits[i * classes + c] - max);
    for (int64_t c = 0; c < classes; ++c) {
      double p = std::exp(logits[i * classes + c] - max) / sum;
      grad[i * classes + c] = (p - (c == labels[size_t(i)] ? 1.0 : 0.0)) / n;
    }
  }
  return grad;
}

void reference::sgdUpdate(Tensor &w, Tensor &v, const Tensor &g, double lr,
                          double momentum, double weightDecay) {
  for (int64_t i = 0; i < w.size(); ++i) {
    v[i] = momentum * v[i] - weightDecay * lr * w[i] - lr * g[i];
    w[i] += v[i];
  }
}
