//===- Convolution.cpp - alexrt_conv2d_* on the CPU -----------------------===//
//
// The library convolutions of the GPU targets, on the CPU: what the CUDA
// target's CPU twin runs where the GPU runs cuDNN. An image and a group at
// a time: im2col into a patch x pixels matrix, then alexrt_sgemm; the
// input gradient scatters its columns back (col2im), the filter gradient
// accumulates over the images. Correctness first: the twin checks the
// arguments generated code passes, not speed.
//
//===----------------------------------------------------------------------===//

#include "runtime/alexrt.h"

#include "runtime/ConvGeometry.h"

#include <algorithm>
#include <vector>

using alexrt::ConvGeometry;

namespace {

/// Calls visit(row, column, input offset) for every element of image
/// `image`'s group `g` im2col matrix that lies inside the image (the rest
/// are the padding's zeros). Rows are (channel, ky, kx), columns (oh, ow).
template <typename Visit>
void forEachTap(const ConvGeometry &s, int64_t image, int64_t g, Visit visit) {
  int64_t k = s.kernel;
  for (int64_t c = 0; c < s.channelsPerGroup(); ++c) {
    int64_t plane =
        (image * s.channels + g * s.channelsPerGroup() + c) * s.inPixels();
    for (int64_t ky = 0; ky < k; ++ky)
      for (int64_t kx = 0; kx < k; ++kx) {
        int64_t row = (c * k + ky) * k + kx;
        for (int64_t oh = 0; oh < s.outHeight; ++oh) {
          int64_t iy = oh * s.stride - s.pad + ky;
          if (iy < 0 || iy >= s.height)
            continue;
          for (int64_t ow = 0; ow < s.outWidth; ++ow) {
            int64_t ix = ow * s.stride - s.pad + kx;
            if (ix >= 0 && ix < s.width)
              visit(row, oh * s.outWidth + ow, plane + iy * s.width + ix);
          }
        }
      }
  }
}

void im2col(const ConvGeometry &s, const float *x, int64_t image, int64_t g,
            std::vector<float> &cols) {
  std::fill(cols.begin(), cols.end(), 0.0f);
  forEachTap(s, image, g, [&](int64_t row, int64_t col, int64_t at) {
    cols[size_t(row * s.outPixels() + col)] = x[at];
  });
}

/// Offsets of image n's group g in an output-shaped tensor and in the
/// filters.
int64_t outputAt(const ConvGeometry &s, int64_t n, int64_t g) {
  return (n * s.filters + g * s.filtersPerGroup()) * s.outPixels();
}
int64_t filtersAt(const ConvGeometry &s, int64_t g) {
  return g * s.filtersPerGroup() * s.patch();
}

/// Runs body(n, g, cols) for every image and group in order, `cols` a
/// patch x pixels buffer (holding the im2col of (n, g) when `im2colFirst`).
template <typename Body>
void forEachImageAndGroup(const ConvGeometry &s, const float *x,
                          bool im2colFirst, Body body) {
  std::vector<float> cols(size_t(s.patch() * s.outPixels()));
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t g = 0; g < s.groups; ++g) {
      if (im2colFirst)
        im2col(s, x, n, g, cols);
      body(n, g, cols.data());
    }
}

} // namespace

extern "C" void alexrt_conv2d_forward(const float *x, const float *w, float *y,
                                      ALEXRT_CONV2D_SHAPE) {
  ConvGeometry s = ALEXRT_CONV2D_GEOMETRY;
  forEachImageAndGroup(s, x, true, [&](int64_t n, int64_t g, float *cols) {
    // y_g (filters x pixels) = w_g (filters x patch) cols (patch x pixels)
    alexrt_sgemm(0, 0, s.filtersPerGroup(), s.outPixels(), s.patch(), 1.0f,
                 w + filtersAt(s, g), s.patch(), cols, s.outPixels(), 0.0f,
                 y + outputAt(s, n, g), s.outPixels());
  });
}

extern "C" void alexrt_conv2d_backward_data(const float *dy, const float *w,
                                            float *dx, ALEXRT_CONV2D_SHAPE) {
  ConvGeometry s = ALEXRT_CONV2D_GEOMETRY;
  std::fill(dx, dx + s.batch * s.channels * s.inPixels(), 0.0f);
  forEachImageAndGroup(
      s, nullptr, false, [&](int64_t n, int64_t g, float *cols) {
        // cols (patch x pixels) = w_g^T (patch x filters) dy_g, then each
        // column's taps add back into the pixels they came from.
        alexrt_sgemm(1, 0, s.patch(), s.outPixels(), s.filtersPerGroup(), 1.0f,
                     w + filtersAt(s, g), s.patch(), dy + outputAt(s, n, g),
                     s.outPixels(), 0.0f, cols, s.outPixels());
        forEachTap(s, n, g, [&](int64_t row, int64_t col, int64_t at) {
          dx[at] += cols[row * s.outPixels() + col];
        });
      });
}

extern "C" void alexrt_conv2d_backward_filter(const float *x, const float *dy,
                                              float *dw, ALEXRT_CONV2D_SHAPE) {
  ConvGeometry s = ALEXRT_CONV2D_GEOMETRY;
  forEachImageAndGroup(s, x, true, [&](int64_t n, int64_t g, float *cols) {
    // dw_g (filters x patch) (+)= dy_g (filters x pixels) cols^T
    alexrt_sgemm(0, 1, s.filtersPerGroup(), s.patch(), s.outPixels(), 1.0f,
                 dy + outputAt(s, n, g), s.outPixels(), cols, s.outPixels(),
                 n == 0 ? 0.0f : 1.0f, dw + filtersAt(s, g), s.patch());
  });
}
