//===- KernelGrid.h - a convolution's kernels as one picture ----*- C++ -*-===//
//
// The paper's Figure 3: the first layer's kernels, each contrast-normalised
// and enlarged so an 11x11 kernel is visible, the towers' kernels in
// separate rows (one tower's kernels turn out largely colour-agnostic, the
// other's colour-specific).
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_DATA_IMAGES_KERNELGRID_H
#define ALEXRT_DATA_IMAGES_KERNELGRID_H

#include "runtime/data/images/Image.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <vector>

namespace alexrt {

/// How the grid is laid out.
struct GridLayout {
  int64_t columns = 16; ///< At most this many kernels a row.
  int64_t gap = 2;      ///< White pixels between kernels.
  int64_t towerGap = 8; ///< White pixels between towers' blocks of rows.
  int64_t minSide = 40; ///< Kernels are enlarged to at least this side.
};

/// Kernels `weights` (count x channels x height x width, channels 1 or 3)
/// as a grid: tower t's kernels (count / towers each, in order) in their
/// own block of rows. Each kernel is scaled to [0, 255] by its own minimum
/// and maximum over all its channels (colours keep their balance), then
/// enlarged by an integer factor (nearest neighbour).
Status kernelGrid(const float *weights, const std::vector<int64_t> &shape,
                  int64_t towers, const GridLayout &layout, Image &grid);

} // namespace alexrt

#endif // ALEXRT_DATA_IMAGES_KERNELGRID_H
