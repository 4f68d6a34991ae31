//===- ConvGeometry.h - the shape of an alexrt_conv2d_* call ----*- C++ -*-===//
//
// The eleven integers every alexrt_conv2d_* function takes, named, with
// the sizes the implementations (runtime/cpu/Convolution.cpp and
// ConvolutionBf16.cpp on the CPU, runtime/cuda/CudaConvolution.cpp on
// cuDNN) derive from them.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_CONVGEOMETRY_H
#define ALEXRT_CONVGEOMETRY_H

#include <cstdint>
#include <tuple>

namespace alexrt {

struct ConvGeometry {
  int64_t batch, channels, height, width, filters, kernel, outHeight, outWidth,
      stride, pad, groups;

  int64_t channelsPerGroup() const { return channels / groups; }
  int64_t filtersPerGroup() const { return filters / groups; }
  /// Rows of an im2col matrix: one per input channel of a group and
  /// kernel position.
  int64_t patch() const { return channelsPerGroup() * kernel * kernel; }
  int64_t outPixels() const { return outHeight * outWidth; }
  int64_t inPixels() const { return height * width; }

  auto key() const {
    return std::make_tuple(batch, channels, height, width, filters, kernel,
                           outHeight, outWidth, stride, pad, groups);
  }
  bool operator<(const ConvGeometry &other) const {
    return key() < other.key();
  }
};

} // namespace alexrt

/// The parameters of ALEXRT_CONV2D_SHAPE as a ConvGeometry.
#define ALEXRT_CONV2D_GEOMETRY                                                 \
  ::alexrt::ConvGeometry {                                                     \
    batch, channels, height, width, filters, kernel, out_height, out_width,    \
        stride, pad, groups                                                    \
  }

#endif // ALEXRT_CONVGEOMETRY_H
