//===- Image.h - a decoded 8-bit image, channels interleaved ----*- C++ -*-===//

#ifndef ALEXRT_DATA_IMAGES_IMAGE_H
#define ALEXRT_DATA_IMAGES_IMAGE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace alexrt {

/// height x width x channels bytes, row-major, channels interleaved (RGB or
/// gray): the layout decoders produce.
struct Image {
  int64_t height = 0, width = 0, channels = 0;
  std::vector<uint8_t> pixels;

  void resize(int64_t h, int64_t w, int64_t c) {
    height = h;
    width = w;
    channels = c;
    pixels.resize(size_t(h * w * c));
  }
  const uint8_t *row(int64_t y) const {
    return pixels.data() + y * width * channels;
  }
  uint8_t *row(int64_t y) { return pixels.data() + y * width * channels; }
};

/// Where a centred crop of `crop` pixels starts along a side of `size`:
/// torchvision's CenterCrop, int(round((size - crop) / 2.0)), whose Python
/// rounding takes halves to the even neighbour. A centred crop of a
/// centred crop then starts where one crop would when the inner one's
/// margin is even (224 in 256: 16).
inline int64_t centredOffset(int64_t size, int64_t crop) {
  int64_t excess = size - crop, half = excess / 2;
  return excess % 2 && half % 2 ? half + 1 : half;
}

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_IMAGE_H
