//===- DataSource.cpp - a model's training and test batches, any dataset --===//

#include "runtime/data/DataSource.h"

#include "runtime/Recipe.h"
#include "runtime/data/MemoryDataset.h"
#include "runtime/data/folders/ImageSplit.h"
#include "runtime/data/images/Augment.h"

using namespace alexrt;

namespace {
/// Datasets held in memory as bytes: Fashion-MNIST and synthetic images.
class InMemoryData final : public DataSource {
public:
  Status open(const ModelInfo &model, const DataOptions &options) {
    if (options.dataset == "synthetic") {
      train = syntheticImages(4096, model.channels, model.height, model.width,
                              int32_t(model.classes), model.seed);
      test = syntheticImages(1024, model.channels, model.height, model.width,
                             int32_t(model.classes), model.seed + 1);
    } else {
      std::string dir = options.dir.empty() ? kFashionMnistDir : options.dir;
      // The test set alone where the training set would be read only for
      // its mean, and the checkpoint knows it.
      testOnly = !options.needTrain &&
                 (!model.meanSubtract ||
                  int64_t(options.trainMean.size()) == model.channels);
      Status status =
          testOnly ? Status::success() : loadFashionMnist(dir, true, train);
      if (status.ok())
        status = loadFashionMnist(dir, false, test);
      if (!status.ok())
        return status;
      if (testOnly)
        train.classes = test.classes; // No images, the same classes.
    }
    if (model.classes < train.classes)
      return Status::error("the model has " + std::to_string(model.classes) +
                           " outputs but " + options.dataset + " has " +
                           std::to_string(train.classes) + " classes");
    limit(train, options.trainLimit);
    limit(test, options.testLimit);
    if (options.dataset == "fashion_mnist")
      names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    else
      for (int32_t c = 0; c < train.classes; ++c)
        names.push_back(std::to_string(c));
    name = options.dataset;
    pipeline.channels = model.channels;
    pipeline.height = model.height;
    pipeline.width = model.width;
    pipeline.resize = model.resize;
    pipeline.randomCrop = model.randomCrop;
    pipeline.flip = model.flip;
    if (model.meanSubtract)
      pipeline.channelMean = testOnly ? options.trainMean : channelMeans(train);
    if (!model.normalizeMean.empty()) {
      pipeline.channelMean = model.normalizeMean;
      pipeline.channelStd = model.normalizeStd;
    }
    // Test views are placed in the resized image.
    pipeline.resizedSize(test, geometry.sourceHeight, geometry.sourceWidth);
    geometry.height = model.height;
    geometry.width = model.width;
    Status status = testOnly ? Status::success() : pipeline.check(train);
    return status.ok() ? pipeline.check(test) : status;
  }

  int64_t trainCount() const override { return train.count; }
  int64_t testCount() const override { return test.count; }
  std::string description() const override { return name; }
  const std::vector<std::string> &classNames() const override { return names; }
  void describe(DataFacts &facts) const override {
    facts.dataset = name;
    facts.classNames = names;
    // The training set's mean, per channel; a normalize's is the model's.
    facts.mean = pipeline.channelStd.empty() ? pipeline.channelMean
                                             : std::vector<float>();
    facts.meanHeight = facts.meanWidth = 0;
  }

  Status trainBatch(const TrainBatchRequest &request, float *images,
                    int32_t *labels) const override {
    // Drawn by global step and position in the batch
    // (runtime/data/MemoryDataset.h).
    pipeline.makeBatch(train, request.indices, request.count, true,
                       request.seed, uint64_t(request.step), images, labels,
                       nullptr, uint64_t(request.position));
    return Status::success();
  }

  Status trainCentreBatch(int64_t first, int64_t n, float *images,
                          int32_t *labels) const override {
    std::vector<int64_t> indices(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      indices[size_t(i)] = first + i;
    CropView centre = geometry.testViews(1)[0];
    pipeline.makeBatch(train, indices.data(), n, false, 0, 0, images, labels,
                       &centre);
    return Status::success();
  }

  Status trainPicture(int64_t index, Image &picture) const override {
    // Stored planar (channels x height x width); pictures interleave.
    picture.resize(train.height, train.width, train.channels);
    const uint8_t *source =
        train.pixels.data() + size_t(index * train.imageBytes());
    int64_t plane = train.height * train.width;
    for (int64_t c = 0; c < train.channels; ++c)
      for (int64_t p = 0; p < plane; ++p)
        picture.pixels[size_t(p * train.channels + c)] = source[c * plane + p];
    return Status::success();
  }

  std::string trainName(int64_t index) const override {
    return name + " training image " + std::to_string(index);
  }
  std::string testName(int64_t index) const override {
    return name + " test image " + std::to_string(index);
  }
  int32_t trainLabel(int64_t index) const override {
    return train.labels[size_t(index)];
  }
  int32_t testLabel(int64_t index) const override {
    return test.labels[size_t(index)];
  }

  Status testBatch(int64_t first, int64_t n, int64_t views, int64_t stride,
                   float *images, int32_t *labels) const override {
    std::vector<int64_t> indices(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      indices[size_t(i)] = first + i;
    std::vector<CropView> crops = geometry.testViews(views);
    for (int64_t v = 0; v < views; ++v)
      pipeline.makeBatch(test, indices.data(), n, false, 0, 0,
                         images + v * stride * pipeline.channels *
                                      pipeline.height * pipeline.width,
                         labels, &crops[size_t(v)]);
    return Status::success();
  }

private:
  bool testOnly = false; ///< The training set not read (eval).
  static void limit(ImageSet &set, int64_t count) {
    if (count <= 0 || count >= set.count)
      return;
    set.count = count;
    set.pixels.resize(size_t(count * set.imageBytes()));
    set.labels.resize(size_t(count));
  }

  ImageSet train, test;
  InputPipeline pipeline;
  Augmentation geometry; ///< Only for the test views' places.
  std::vector<std::string> names;
  std::string name;
};

/// ImageNet-style folders (ImageFolder or list files), packed or not.
class ImageFolderData final : public DataSource {
public:
  Status open(const ModelInfo &model, const DataOptions &options) {
    if (options.dir.empty())
      return Status::error("dataset " + options.dataset +
                           " needs a folder: --data DIR (or data.path), with "
                           "DIR/train/<class>/* and DIR/val/<class>/*, or list "
                           "files DIR/train.txt and DIR/val.txt");
    if (model.resize < model.height || model.resize < model.width)
      return Status::error(
          "dataset " + options.dataset +
          " needs data.resize (the side of "
          "the prepared square images) of at least the input size " +
          std::to_string(model.height) + "x" + std::to_string(model.width));
    if (std::optional<std::string> problem = checkImageChannels(model.channels))
      return Status::error(*problem);
    Status status =
        train.open(options.dir, "train", model.resize, model.channels,
                   model.classes, nullptr, options.threads);
    if (status.ok())
      status = test.open(options.dir, "val", model.resize, model.channels,
                         model.classes, &train.classNames(), options.threads);
    if (!status.ok())
      return status;
    train.limit(options.trainLimit);
    test.limit(options.testLimit);
    name =
        options.dataset + " from " + options.dir +
        (train.packedFile().empty() ? " (original files)" : " (packed files)");
    augment.channels = model.channels;
    augment.height = model.height;
    augment.width = model.width;
    augment.sourceHeight = augment.sourceWidth = model.resize;
    augment.randomCrop = model.randomCrop;
    augment.flip = model.flip;
    augment.lighting = model.lighting;
    const ColorStats &stats = train.stats();
    if (model.meanSubtract)
      augment.mean = stats.pixelMean; // the paper's mean image
    augment.normalizeBy(model);
    augment.eigenvalues = stats.eigenvalues;
    augment.eigenvectors = stats.eigenvectors;
    return Status::success();
  }

  int64_t trainCount() const override { return train.count(); }
  int64_t testCount() const override { return test.count(); }
  std::string description() const override { return name; }
  const std::vector<std::string> &classNames() const override {
    return train.classNames();
  }
  void describe(DataFacts &facts) const override {
    facts.dataset = name;
    facts.classNames = train.classNames();
    // The mean image, or none; a normalize's mean is the model's.
    facts.mean = augment.stdDev.empty() ? augment.mean : std::vector<float>();
    facts.meanHeight = facts.mean.empty() ? 0 : augment.sourceHeight;
    facts.meanWidth = facts.mean.empty() ? 0 : augment.sourceWidth;
  }

  Status trainBatch(const TrainBatchRequest &request, float *images,
                    int32_t *labels) const override {
    // An image's view is drawn by epoch and its index in the set.
    Image square;
    for (int64_t b = 0; b < request.count; ++b) {
      int64_t index = request.indices[b];
      if (Status status = train.image(index, square); !status.ok())
        return status;
      augment.render(square,
                     augment.trainingView(request.seed, request.epoch, index),
                     images + b * inputSize());
      labels[b] = train.label(index);
    }
    return Status::success();
  }

  Status trainCentreBatch(int64_t first, int64_t n, float *images,
                          int32_t *labels) const override {
    CropView centre = augment.testViews(1)[0];
    Image square;
    for (int64_t i = 0; i < n; ++i) {
      if (Status status = train.image(first + i, square); !status.ok())
        return status;
      augment.render(square, centre, images + i * inputSize());
      labels[i] = train.label(first + i);
    }
    return Status::success();
  }

  Status trainPicture(int64_t index, Image &picture) const override {
    return train.image(index, picture);
  }

  std::string trainName(int64_t index) const override {
    return train.name(index);
  }
  std::string testName(int64_t index) const override {
    return test.name(index);
  }
  int32_t trainLabel(int64_t index) const override {
    return train.label(index);
  }
  int32_t testLabel(int64_t index) const override { return test.label(index); }

  Status testBatch(int64_t first, int64_t n, int64_t views, int64_t stride,
                   float *images, int32_t *labels) const override {
    std::vector<CropView> crops = augment.testViews(views);
    Image square;
    for (int64_t i = 0; i < n; ++i) {
      if (Status status = test.image(first + i, square); !status.ok())
        return status;
      for (int64_t v = 0; v < views; ++v)
        augment.render(square, crops[size_t(v)],
                       images + (v * stride + i) * inputSize());
      labels[i] = test.label(first + i);
    }
    return Status::success();
  }

private:
  int64_t inputSize() const {
    return augment.channels * augment.height * augment.width;
  }
  ImageSplit train, test;
  Augmentation augment;
  std::string name;
};
} // namespace

uint64_t alexrt::dataFingerprint(const DataSource &data) {
  uint64_t hash = 1469598103934665603ull;
  auto add = [&](const std::string &text) {
    // The terminating NUL too: "ab", "c" and "a", "bc" differ.
    for (const char *c = text.c_str();; ++c) {
      hash = (hash ^ uint8_t(*c)) * 1099511628211ull;
      if (!*c)
        break;
    }
  };
  add(std::to_string(data.trainCount()) + "/" +
      std::to_string(data.testCount()));
  for (const std::string &name : data.classNames())
    add(name);
  for (int64_t i = 0; i < data.trainCount(); ++i)
    add(data.trainName(i) + " " + std::to_string(data.trainLabel(i)));
  for (int64_t i = 0; i < data.testCount(); ++i)
    add(data.testName(i) + " " + std::to_string(data.testLabel(i)));
  return hash;
}

Status alexrt::openDataSource(const ModelInfo &model,
                              const DataOptions &options,
                              std::unique_ptr<DataSource> &source) {
  if (options.dataset == "synthetic" || options.dataset == "fashion_mnist") {
    auto data = std::make_unique<InMemoryData>();
    if (Status status = data->open(model, options); !status.ok())
      return status;
    source = std::move(data);
    return Status::success();
  }
  if (options.dataset == "imagenet") {
    auto data = std::make_unique<ImageFolderData>();
    if (Status status = data->open(model, options); !status.ok())
      return status;
    source = std::move(data);
    return Status::success();
  }
  return Status::error("unknown dataset '" + options.dataset +
                       "' (fashion_mnist, imagenet and synthetic are known)");
}
