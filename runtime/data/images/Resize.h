//===- Resize.h - short side resized, centre kept ---------------*- C++ -*-===//

#ifndef ALEXRT_DATA_IMAGES_RESIZE_H
#define ALEXRT_DATA_IMAGES_RESIZE_H

#include "runtime/data/images/Image.h"

namespace alexrt {

/// Resizes `image` so its short side is `side` and keeps the central
/// side x side square (the paper's preprocessing). The filter is Pillow's
/// antialiased bilinear one: a triangle whose support widens by the shrink
/// factor, so when shrinking every source pixel contributes (no aliasing);
/// when enlarging it is plain bilinear interpolation with half-pixel
/// centres. Sizes, offsets, weights and roundings are those of
/// torchvision's Resize(side) and CenterCrop on a PIL image, so the square
/// is Pillow's to the byte. Images have 1 or 3 channels.
Image resizeCentralSquare(const Image &image, int64_t side);

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_RESIZE_H
