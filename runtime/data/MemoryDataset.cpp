//===- MemoryDataset.cpp - Fashion-MNIST and synthetic images -------------===//

#include "runtime/data/MemoryDataset.h"

#include "runtime/Random.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace alexrt;

namespace {
/// A gzip stream that closes itself.
struct GzFile {
  gzFile file;
  explicit GzFile(const std::string &path) : file(gzopen(path.c_str(), "rb")) {}
  ~GzFile() {
    if (file)
      gzclose(file);
  }
};
} // namespace

/// Reads exactly `size` bytes; false on a short read or a gzip error.
static bool readExactly(GzFile &in, void *data, size_t size, std::string &why) {
  auto *out = static_cast<char *>(data);
  while (size > 0) {
    unsigned chunk = unsigned(std::min<size_t>(size, 1u << 30));
    int got = gzread(in.file, out, chunk);
    if (got < 0) {
      int code;
      why = gzerror(in.file, &code);
      return false;
    }
    if (got == 0) {
      why = "file ends early (truncated)";
      return false;
    }
    out += got;
    size -= size_t(got);
  }
  return true;
}

static uint32_t bigEndian(const unsigned char *bytes) {
  return uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 |
         uint32_t(bytes[2]) << 8 | uint32_t(bytes[3]);
}

/// Reads an IDX header with `rank` dimensions and then the payload.
static Status readIdxFile(const std::string &path, uint32_t magic,
                          unsigned rank, std::vector<uint32_t> &dims,
                          std::vector<uint8_t> &payload) {
  GzFile in(path);
  if (!in.file)
    return Status::error("cannot open dataset file '" + path +
                         "' (is the dataset installed?)");
  unsigned char header[16];
  std::string why;
  if (!readExactly(in, header, 4, why))
    return Status::error("cannot read '" + path + "': " + why);
  if (bigEndian(header) != magic)
    return Status::error("'" + path +
                         "' is not an IDX file of the expected "
                         "kind (bad magic number)");
  if (!readExactly(in, header + 4, 4 * rank, why))
    return Status::error("cannot read '" + path + "': " + why);
  size_t size = 1;
  dims.clear();
  for (unsigned i = 0; i < rank; ++i) {
    dims.push_back(bigEndian(header + 4 + 4 * i));
    // Bounds far above any real dataset keep a corrupt header from
    // asking for terabytes.
    if (dims.back() == 0 || dims.back() > (i == 0 ? 100000000u : 65536u))
      return Status::error("'" + path + "' has an implausible dimension " +
                           std::to_string(dims.back()));
    size *= dims.back();
  }
  if (size > (size_t(1) << 34))
    return Status::error("'" + path + "' is implausibly large");
  payload.resize(size);
  if (!readExactly(in, payload.data(), size, why))
    return Status::error("cannot read '" + path + "': " + why);
  unsigned char extra;
  if (gzread(in.file, &extra, 1) != 0)
    return Status::error("'" + path + "' has data after its last item");
  return Status::success();
}

Status alexrt::readIdx(const std::string &imagesPath,
                       const std::string &labelsPath, int32_t classes,
                       ImageSet &set) {
  std::vector<uint32_t> imageDims, labelDims;
  std::vector<uint8_t> labelBytes;
  if (Status status =
          readIdxFile(imagesPath, 0x00000803, 3, imageDims, set.pixels);
      !status.ok())
    return status;
  if (Status status =
          readIdxFile(labelsPath, 0x00000801, 1, labelDims, labelBytes);
      !status.ok())
    return status;
  if (imageDims[0] != labelDims[0])
    return Status::error("'" + imagesPath + "' holds " +
                         std::to_string(imageDims[0]) + " images but '" +
                         labelsPath + "' " + std::to_string(labelDims[0]) +
                         " labels");
  set.count = imageDims[0];
  set.channels = 1;
  set.height = imageDims[1];
  set.width = imageDims[2];
  set.classes = classes;
  set.labels.assign(labelBytes.begin(), labelBytes.end());
  for (int32_t label : set.labels)
    if (label >= classes)
      return Status::error("'" + labelsPath + "' has label " +
                           std::to_string(label) + ", expected below " +
                           std::to_string(classes));
  return Status::success();
}

Status alexrt::loadFashionMnist(const std::string &dir, bool training,
                                ImageSet &set) {
  std::string prefix = dir + (training ? "/train" : "/t10k");
  return readIdx(prefix + "-images-idx3-ubyte.gz",
                 prefix + "-labels-idx1-ubyte.gz", 10, set);
}

ImageSet alexrt::syntheticImages(int64_t count, int64_t channels,
                                 int64_t height, int64_t width, int32_t classes,
                                 uint64_t seed) {
  ImageSet set;
  set.count = count;
  set.channels = channels;
  set.height = height;
  set.width = width;
  set.classes = classes;
  set.pixels.resize(size_t(count * set.imageBytes()));
  set.labels.resize(size_t(count));
  RandomStream pixels(seed, streamId(Purpose::Synthetic, 0));
  RandomStream labels(seed, streamId(Purpose::Synthetic, 1));
  for (size_t i = 0; i < set.pixels.size(); ++i)
    set.pixels[i] = uint8_t(pixels.bits(i / 4)[i % 4]);
  for (int64_t i = 0; i < count; ++i)
    set.labels[i] = int32_t(labels.bits(uint64_t(i))[0] % uint32_t(classes));
  return set;
}

std::vector<float> alexrt::channelMeans(const ImageSet &set) {
  std::vector<double> sums(size_t(set.channels), 0.0);
  int64_t plane = set.height * set.width;
  for (int64_t image = 0; image < set.count; ++image)
    for (int64_t c = 0; c < set.channels; ++c) {
      const uint8_t *pixels =
          set.pixels.data() + (image * set.channels + c) * plane;
      uint64_t sum = 0;
      for (int64_t i = 0; i < plane; ++i)
        sum += pixels[i];
      sums[size_t(c)] += double(sum);
    }
  std::vector<float> means;
  for (double sum : sums)
    means.push_back(float(sum / (255.0 * double(set.count * plane))));
  return means;
}

std::vector<int64_t> alexrt::epochOrder(int64_t count, uint64_t seed,
                                        int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    order[size_t(i)] = i;
  RandomStream random(seed, streamId(Purpose::Shuffle, uint64_t(epoch)));
  // Fisher-Yates; the 32-bit draw's modulo bias is negligible for datasets
  // far below 2^32 images.
  for (int64_t i = count - 1; i > 0; --i) {
    int64_t j = int64_t(random.bits(uint64_t(i))[0] % uint64_t(i + 1));
    std::swap(order[size_t(i)], order[size_t(j)]);
  }
  return order;
}

/// The size an image has after resizing its short side to `resize`.
static void resizedSizeOf(int64_t height, int64_t width, int64_t resize,
                          int64_t &outHeight, int64_t &outWidth) {
  if (resize == 0) {
    outHeight = height;
    outWidth = width;
  } else if (height <= width) {
    outHeight = resize;
    outWidth = (width * resize + height / 2) / height;
  } else {
    outWidth = resize;
    outHeight = (height * resize + width / 2) / width;
  }
}

Status InputPipeline::check(const ImageSet &set) const {
  if (set.channels != channels)
    return Status::error("the dataset has " + std::to_string(set.channels) +
                         "-channel images but the network takes " +
                         std::to_string(channels));
  int64_t h, w;
  resizedSize(set, h, w);
  if (h < height || w < width)
    return Status::error(
        "images of " + std::to_string(set.height) + "x" +
        std::to_string(set.width) + (resize ? " resized to " : "") +
        (resize ? std::to_string(h) + "x" + std::to_string(w) : "") +
        " are smaller than the network's input " + std::to_string(height) +
        "x" + std::to_string(width) + "; set data.resize");
  if (!channelMean.empty() && int64_t(channelMean.size()) != channels)
    return Status::error("the mean has the wrong number of channels");
  if (!channelStd.empty() && int64_t(channelStd.size()) != channels)
    return Status::error("the std has the wrong number of channels");
  return Status::success();
}

void InputPipeline::resizedSize(const ImageSet &set, int64_t &height,
                                int64_t &width) const {
  resizedSizeOf(set.height, set.width, resize, height, width);
}

void InputPipeline::makeBatch(const ImageSet &set, const int64_t *indices,
                              int64_t n, bool training, uint64_t seed,
                              uint64_t step, float *images, int32_t *labels,
                              const CropView *view, uint64_t position) const {
  int64_t resizedH, resizedW;
  resizedSize(set, resizedH, resizedW);
  // Bilinear sampling with half-pixel centres, from resized coordinates
  // back to source pixels.
  double scaleY = double(set.height) / double(resizedH);
  double scaleX = double(set.width) / double(resizedW);
  RandomStream random(seed, streamId(Purpose::Augment, step));

  for (int64_t b = 0; b < n; ++b) {
    int64_t index = indices[b];
    labels[b] = set.labels[size_t(index)];
    std::array<uint32_t, 4> draw = random.bits(position + uint64_t(b));
    int64_t offsetY = centredOffset(resizedH, height);
    int64_t offsetX = centredOffset(resizedW, width);
    if (training && randomCrop) {
      offsetY = int64_t(draw[0] % uint32_t(resizedH - height + 1));
      offsetX = int64_t(draw[1] % uint32_t(resizedW - width + 1));
    }
    bool mirror = training && flip && (draw[2] & 1);
    if (view) {
      offsetY = view->y;
      offsetX = view->x;
      mirror = view->mirror;
    }

    for (int64_t c = 0; c < channels; ++c) {
      const uint8_t *source =
          set.pixels.data() +
          size_t((index * set.channels + c) * set.height * set.width);
      float mean = channelMean.empty() ? 0.0f : channelMean[size_t(c)];
      float std = channelStd.empty() ? 1.0f : channelStd[size_t(c)];
      float *out = images + ((b * channels + c) * height) * width;
      for (int64_t y = 0; y < height; ++y) {
        double sy = (double(y + offsetY) + 0.5) * scaleY - 0.5;
        sy = std::clamp(sy, 0.0, double(set.height - 1));
        int64_t y0 = int64_t(sy), y1 = std::min(y0 + 1, set.height - 1);
        double fy = sy - double(y0);
        for (int64_t x = 0; x < width; ++x) {
          int64_t xs = mirror ? width - 1 - x : x;
          double sx = (double(xs + offsetX) + 0.5) * scaleX - 0.5;
          sx = std::clamp(sx, 0.0, double(set.width - 1));
          int64_t x0 = int64_t(sx), x1 = std::min(x0 + 1, set.width - 1);
          double fx = sx - double(x0);
          const uint8_t *row0 = source + y0 * set.width;
          const uint8_t *row1 = source + y1 * set.width;
          double top = row0[x0] + fx * (row0[x1] - row0[x0]);
          double bottom = row1[x0] + fx * (row1[x1] - row1[x0]);
          out[y * width + x] =
              (float((top + fy * (bottom - top)) / 255.0) - mean) / std;
        }
      }
    }
  }
}
