//===- ImageSplit.cpp - one split of an image dataset, random access ------===//

#include "runtime/data/folders/ImageSplit.h"

#include "runtime/data/folders/Prepare.h"
#include "runtime/data/images/Decode.h"

#include <sys/stat.h>

using namespace alexrt;

static std::string describe(int64_t side, int64_t channels) {
  return std::to_string(side) + "x" + std::to_string(side) +
         (channels == 1 ? " grey" : " RGB");
}

Status ImageSplit::open(const std::string &dir, const std::string &split,
                        int64_t imageSide, int64_t imageChannels,
                        int64_t classes,
                        const std::vector<std::string> *trainClasses,
                        int threads) {
  side = imageSide;
  channels = imageChannels;
  std::string path = packedPath(dir, split);
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) {
    packed = std::make_unique<PackedReader>();
    if (Status status = packed->open(path); !status.ok())
      return status;
    if (packed->side() != side || packed->channels() != channels)
      return Status::error("packed dataset '" + path + "' holds " +
                           describe(packed->side(), packed->channels()) +
                           " images but the model needs " +
                           describe(side, channels) +
                           " (run prepare again for this model)");
    if (int64_t(packed->classNames().size()) > classes)
      return Status::error("packed dataset '" + path + "' has " +
                           std::to_string(packed->classNames().size()) +
                           " classes but the model has " +
                           std::to_string(classes) + " outputs");
    names = packed->classNames();
    if (trainClasses && names != *trainClasses)
      return Status::error("packed dataset '" + path +
                           "' has other classes than the training split");
    for (int64_t i = 0; i < packed->count(); ++i)
      labels.push_back(packed->label(i));
    statistics = packed->stats();
    return Status::success();
  }
  if (Status status = listImages(dir, split, classes, trainClasses, originals);
      !status.ok())
    return status;
  ScanResult scan;
  if (Status status =
          scanImages(originals, side, channels, threads, nullptr, scan);
      !status.ok())
    return status;
  names = originals.classNames;
  files = scan.kept;
  for (int64_t file : files)
    labels.push_back(originals.labels[size_t(file)]);
  statistics = colorStats(scan.sums);
  return Status::success();
}

void ImageSplit::limit(int64_t n) {
  if (n <= 0 || n >= count())
    return;
  labels.resize(size_t(n));
  if (!files.empty())
    files.resize(size_t(n));
}

Status ImageSplit::image(int64_t i, Image &square) const {
  if (!packed) {
    std::string path = originals.fullPath(size_t(files[size_t(i)]));
    Status status = loadSquareImage(path, side, channels, square);
    if (!status.ok())
      return Status::error("'" + path + "': " + status.message());
    return status;
  }
  const uint8_t *data;
  size_t size;
  if (Status status = packed->record(i, data, size); !status.ok())
    return status;
  if (Status status = decodeImage(data, size, channels, 0, square);
      !status.ok())
    return Status::error("record " + std::to_string(i) +
                         " of packed dataset '" + packed->path() +
                         "': " + status.message());
  if (square.height != side || square.width != side)
    return Status::error("record " + std::to_string(i) +
                         " of packed dataset '" + packed->path() + "' is not " +
                         describe(side, channels));
  return Status::success();
}

std::string ImageSplit::name(int64_t i) const {
  return packed ? packed->source(i) : originals.paths[size_t(files[size_t(i)])];
}
