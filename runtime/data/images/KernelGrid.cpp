//===- KernelGrid.cpp - a convolution's kernels as one picture ------------===//

#include "runtime/data/images/KernelGrid.h"
#include "runtime/Recipe.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace alexrt;

Status alexrt::kernelGrid(const float *weights,
                          const std::vector<int64_t> &shape, int64_t towers,
                          const GridLayout &layout, Image &grid) {
  if (shape.size() != 4)
    return Status::error("kernels have 4 dimensions, not " +
                         std::to_string(shape.size()));
  int64_t count = shape[0], channels = shape[1], height = shape[2],
          width = shape[3];
  if (!isPictureChannels(channels))
    return Status::error("kernels with " + std::to_string(channels) +
                         " input channels cannot be drawn (1: grey, 3: RGB)");
  if (towers < 1 || count % towers != 0)
    return Status::error(std::to_string(count) + " kernels do not split into " +
                         std::to_string(towers) + " towers");
  int64_t perTower = count / towers;
  int64_t columns = std::min(layout.columns, perTower);
  int64_t rows = (perTower + columns - 1) / columns;
  int64_t scale =
      std::max<int64_t>(1, (layout.minSide + std::min(height, width) - 1) /
                               std::min(height, width));
  int64_t cellH = height * scale, cellW = width * scale;
  int64_t blockH = rows * cellH + (rows - 1) * layout.gap;
  grid.resize(towers * blockH + (towers - 1) * layout.towerGap,
              columns * cellW + (columns - 1) * layout.gap, channels);
  std::fill(grid.pixels.begin(), grid.pixels.end(), uint8_t(255));

  int64_t size = channels * height * width;
  for (int64_t k = 0; k < count; ++k) {
    const float *kernel = weights + k * size;
    auto [lo, hi] = std::minmax_element(kernel, kernel + size);
    float range = *hi - *lo;
    int64_t tower = k / perTower, index = k % perTower;
    int64_t top = tower * (blockH + layout.towerGap) +
                  (index / columns) * (cellH + layout.gap);
    int64_t left = (index % columns) * (cellW + layout.gap);
    for (int64_t y = 0; y < cellH; ++y)
      for (int64_t x = 0; x < cellW; ++x)
        for (int64_t c = 0; c < channels; ++c) {
          float v = kernel[(c * height + y / scale) * width + x / scale];
          float level = range > 0 ? 255.0f * (v - *lo) / range : 127.5f;
          grid.row(top + y)[(left + x) * channels + c] =
              uint8_t(std::lround(level));
        }
  }
  return Status::success();
}
