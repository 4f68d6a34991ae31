//===- Augment.cpp - the paper's crops, flips, lighting noise and mean ----===//

#include "runtime/data/images/Augment.h"

#include "runtime/Random.h"

using namespace alexrt;

void Augmentation::normalizeBy(const ModelInfo &model) {
  if (model.normalizeMean.empty())
    return;
  mean = model.normalizeMean;
  stdDev = model.normalizeStd;
}

CropView Augmentation::trainingView(uint64_t seed, int64_t epoch,
                                    int64_t index) const {
  CropView view;
  view.y = centredOffset(sourceHeight, height);
  view.x = centredOffset(sourceWidth, width);
  RandomStream crop(seed, streamId(Purpose::Crop, uint64_t(epoch)));
  std::array<uint32_t, 4> draw = crop.bits(uint64_t(index));
  if (randomCrop) {
    view.y = int64_t(draw[0] % uint32_t(sourceHeight - height + 1));
    view.x = int64_t(draw[1] % uint32_t(sourceWidth - width + 1));
  }
  view.mirror = flip && (draw[2] & 1);
  if (lighting > 0) {
    RandomStream noise(seed, streamId(Purpose::Lighting, uint64_t(epoch)));
    int64_t c = channels;
    for (int64_t i = 0; i < c; ++i) {
      double a = lighting * noise.normal(uint64_t(index * 4 + i));
      for (int64_t k = 0; k < c; ++k)
        view.shift[size_t(k)] +=
            float(eigenvectors[size_t(k * c + i)] * a * eigenvalues[size_t(i)]);
    }
  }
  return view;
}

std::vector<CropView> Augmentation::testViews(int64_t views) const {
  int64_t bottom = sourceHeight - height, right = sourceWidth - width;
  CropView centre;
  centre.y = centredOffset(sourceHeight, height);
  centre.x = centredOffset(sourceWidth, width);
  if (views == 1)
    return {centre};
  std::vector<CropView> result;
  for (bool mirror : {false, true}) {
    for (auto [y, x] : {std::pair<int64_t, int64_t>{0, 0},
                        {0, right},
                        {bottom, 0},
                        {bottom, right},
                        {centre.y, centre.x}}) {
      CropView view;
      view.y = y;
      view.x = x;
      view.mirror = mirror;
      result.push_back(view);
    }
  }
  return result;
}

void Augmentation::render(const Image &image, const CropView &view,
                          float *out) const {
  int64_t c = channels, plane = height * width, span = width * c;
  bool perPixel = int64_t(mean.size()) > c;
  float offset[3], divisor[3];
  for (int64_t k = 0; k < c; ++k) {
    offset[k] = view.shift[size_t(k)] -
                (perPixel || mean.empty() ? 0.0f : mean[size_t(k)]);
    divisor[k] = stdDev.empty() ? 1.0f : stdDev[size_t(k)];
  }
  // Each row: scaled and mean-subtracted while interleaved (contiguous, so
  // it vectorises), then split into the channel planes, mirrored or not.
  // Divided, not multiplied by reciprocals, as torchvision's ToTensor and
  // Normalize compute, so the same pixels give the same floats.
  std::vector<float> row(static_cast<size_t>(span));
  for (int64_t y = 0; y < height; ++y) {
    int64_t sy = view.y + y;
    const uint8_t *source = image.row(sy) + view.x * c;
    if (perPixel) {
      const float *meanRow = mean.data() + (sy * sourceWidth + view.x) * c;
      for (int64_t i = 0; i < span; ++i)
        row[size_t(i)] = float(source[i]) / 255.0f - meanRow[i];
    } else {
      for (int64_t i = 0; i < span; ++i)
        row[size_t(i)] = float(source[i]) / 255.0f;
    }
    for (int64_t k = 0; k < c; ++k) {
      float *dest = out + k * plane + y * width;
      const float *from = row.data() + k;
      if (view.mirror)
        for (int64_t x = 0; x < width; ++x)
          dest[x] = (from[(width - 1 - x) * c] + offset[k]) / divisor[k];
      else
        for (int64_t x = 0; x < width; ++x)
          dest[x] = (from[x * c] + offset[k]) / divisor[k];
    }
  }
}
