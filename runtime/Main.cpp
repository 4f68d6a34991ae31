//===- Main.cpp - the train / eval / bench command line of compiled models ===//
//
// Linked into every executable alexc makes. The model (parameters, input,
// recipe) comes from the descriptor the compiler embedded.
//
//===----------------------------------------------------------------------===//

#include "runtime/Dataset.h"
#include "runtime/Evaluate.h"
#include "runtime/Files.h"
#include "runtime/KernelGrid.h"
#include "runtime/Profile.h"
#include "runtime/Progress.h"
#include "runtime/Safetensors.h"
#include "runtime/Schedule.h"
#include "runtime/Session.h"
#include "runtime/Target.h"
#include "runtime/TrainingLog.h"
#include "runtime/alexrt.h"
#include "runtime/data/DataSource.h"
#include "runtime/data/Augment.h"
#include "runtime/data/Decode.h"
#include "runtime/data/Loader.h"
#include "runtime/data/Prepare.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <memory>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace alexrt;

namespace {

const char *kUsage = R"(usage: %s <command> [options]

commands:
  train    train the model; checkpoints to --weights after every epoch
  eval     loss, top-1 and top-5 error of --weights on the test set
  prepare  pack an image dataset's train and val splits once: resized,
           centre-cropped, re-encoded, with the training set's statistics
  export   write --weights' parameters as safetensors (--out FILE, -o FILE)
  import   FILE.safetensors into a new weight file (--weights FILE)
  predict  the top-5 classes of image files (JPEG or PNG, any size) by
           --weights, with 1 or 10 views (--crops)
  kernels  the first convolution's kernels of --weights as a PNG grid, one
           block of rows per tower (the paper's Figure 3; -o FILE.png,
           --layer NAME for another convolution)
  bench    time training steps on synthetic data; prints one JSON line
           (--profile: then each layer's forward, backward and update
           time, share and GFLOP/s; --data-only: time the data loader
           alone on the model's data)
  info     the model: parameters, input, recipe

options:
  --weights FILE   weight file to write (train) or read (eval, --resume)
  --data DIR       dataset directory (default: the model's, or Debian's
                   /usr/share/datasets/fashion-mnist); for imagenet an
                   ImageFolder (DIR/train/<class>/*, DIR/val/<class>/*) or
                   list files (DIR/train.txt, DIR/val.txt: "path label")
  --dataset NAME   fashion_mnist, imagenet or synthetic instead of the model's
  --out DIR        prepare: where the packed files go (default: --data);
                   export: the safetensors file to write (also -o)
  --epochs N       epochs to train (default: the model's)
  --limit N        use only the first N training images
  --test-limit N   use only the first N test images
  --crops N        test views: 1 (centre) or 10 (corners, centre, mirrored;
                   default: the model's test_crops)
  --loader-threads N  threads decoding images (default: the cores the
                   training step leaves)
  --log FILE       train: the JSON-lines log of each epoch's figures
                   (default: beside --weights, NAME.log.jsonl)
  --resume         continue training from --weights, bit-exactly
  --force          let train replace an existing --weights file
  --seed N         initialisation seed (default: the model's)
  --steps N        bench: timed steps (default 10)
  --warmup N       bench: untimed steps first (default 2)
)";

/// Parsed `--key value` and `--flag` options.
struct Options {
  std::map<std::string, std::string> values;
  /// Arguments that are not options (files for import and predict).
  std::vector<std::string> files;
  bool has(const std::string &key) const { return values.count(key); }
  std::string get(const std::string &key, std::string fallback = "") const {
    auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
  int64_t number(const std::string &key, int64_t fallback) const {
    return has(key) ? std::strtoll(get(key).c_str(), nullptr, 10) : fallback;
  }
};

int fail(const std::string &message, int code = 1) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return code;
}

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  static const char *const flags[] = {"resume", "force", "data-only",
                                      "profile"};
  static const char *const keys[] = {
      "weights", "data",  "dataset", "out",   "epochs",         "limit",
      "test-limit", "seed", "steps", "warmup", "crops", "loader-threads",
      "log", "layer"};
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-o")
      arg = "--out";
    if (arg.rfind("-", 0) != 0) {
      options.files.push_back(arg);
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      error = "unknown option '" + arg + "'";
      return false;
    }
    std::string key = arg.substr(2);
    if (std::find(std::begin(flags), std::end(flags), key) != std::end(flags)) {
      options.values[key] = "1";
    } else if (std::find(std::begin(keys), std::end(keys), key) !=
               std::end(keys)) {
      if (i + 1 >= argc) {
        error = "option '" + arg + "' needs a value";
        return false;
      }
      std::string value = argv[++i];
      bool numeric = key != "weights" && key != "data" && key != "dataset" &&
                     key != "out" && key != "log" && key != "layer";
      if (numeric &&
          (value.empty() || value.size() > 18 ||
           value.find_first_not_of("0123456789") != std::string::npos)) {
        error =
            "option '" + arg + "' needs a whole number, got '" + value + "'";
        return false;
      }
      options.values[key] = value;
    } else {
      error = "unknown option '" + arg + "'";
      return false;
    }
  }
  return true;
}

/// Threads that decode and augment images.
int loaderThreads(const ModelInfo &model, const Options &options) {
  // The CPU step keeps every core busy (BLAS); a GPU step needs one host
  // thread per device.
  int stepThreads = deviceIsHost() ? std::max(1, int(std::thread::hardware_concurrency()) / 2)
                                   : int(model.devices);
  return int(std::max<int64_t>(
      1, options.number("loader-threads", defaultLoaderThreads(stepThreads))));
}

/// The data the model's recipe (or --dataset, --data) asks for.
Status openData(const ModelInfo &model, const Options &options,
                std::unique_ptr<DataSource> &data) {
  DataOptions dataOptions;
  dataOptions.dataset = options.get("dataset", model.dataset);
  dataOptions.dir = options.get("data", model.dataPath);
  dataOptions.trainLimit = options.number("limit", 0);
  dataOptions.testLimit = options.number("test-limit", 0);
  dataOptions.threads = loaderThreads(model, options);
  return openDataSource(model, dataOptions, data);
}

/// Test views: --crops, else the model's test_crops.
Status testViews(const ModelInfo &model, const Options &options,
                 int64_t &views) {
  views = options.number("crops", model.testCrops);
  if (views != 1 && views != 10)
    return Status::error("--crops must be 1 (centre) or 10 (corners and "
                         "centre, and their mirror images), got " +
                         std::to_string(views));
  return Status::success();
}

int64_t argmax(const float *row, int64_t count) {
  return std::max_element(row, row + count) - row;
}

/// "loss 0.1234 top-1 err 12.34% top-5 err 1.23%".
std::string describe(const Evaluation &result) {
  char text[96];
  std::snprintf(text, sizeof text, "loss %.4f top-1 err %.2f%% top-5 err %.2f%%",
                result.loss, 100 * result.top1Error, 100 * result.top5Error);
  return text;
}

bool fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

/// Whether a file can be created beside `path` (checkpoints are written to
/// a temporary file there, then renamed).
bool directoryWritable(const std::string &path) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return ::access(dir.empty() ? "/" : dir.c_str(), W_OK) == 0;
}

int train(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights");
  if (weights.empty())
    return fail("train needs --weights FILE (where checkpoints go)");
  if (!directoryWritable(weights))
    return fail("cannot write checkpoints to '" + weights +
                "': its directory is missing or not writable");
  if (options.has("resume")) {
    Status status = session.load(weights);
    if (!status.ok())
      return fail(status.message());
  } else {
    if (fileExists(weights) && !options.has("force"))
      return fail("'" + weights +
                  "' exists; use --resume to continue it or "
                  "--force to replace it");
    session.initialize(uint64_t(options.number("seed", int64_t(model.seed))));
  }

  std::unique_ptr<DataSource> data;
  int64_t views;
  Status status = testViews(model, options, views);
  if (status.ok())
    status = openData(model, options, data);
  if (!status.ok())
    return fail(status.message());
  data->describe(session.progress()); // saved with every checkpoint
  int64_t steps = data->trainCount() / model.batch;
  if (steps == 0)
    return fail("fewer training images (" + std::to_string(data->trainCount()) +
                ") than one batch (" + std::to_string(model.batch) + ")");

  TrainingLog log;
  if (Status opened = log.open(options.get("log", defaultLogPath(weights)),
                               options.has("resume"));
      !opened.ok())
    return fail(opened.message());

  TrainingProgress &progress = session.progress();
  int64_t epochs = options.number("epochs", model.epochs);
  int threads = loaderThreads(model, options);
  std::vector<float> images(size_t(model.batch * model.imageSize()));
  std::vector<int32_t> labels(size_t(model.batch));
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::fprintf(stderr,
               "training %s on %s: %lld images of %zu classes, batch %lld, "
               "%lld steps an epoch, %d loader thread%s\n",
               model.name.c_str(), data->description().c_str(),
               (long long)data->trainCount(), data->classNames().size(),
               (long long)model.batch,
               (long long)steps, threads, threads == 1 ? "" : "s");
  while (progress.epoch < epochs) {
    std::vector<int64_t> order =
        epochOrder(data->trainCount(), progress.seed, progress.epoch);
    // Resuming mid-way is not possible: checkpoints are taken per epoch,
    // so every epoch starts at its first step.
    char label[48];
    std::snprintf(label, sizeof label, "epoch %lld/%lld",
                  (long long)progress.epoch + 1, (long long)epochs);
    int64_t epoch = progress.epoch, firstStep = progress.step;
    uint64_t seed = progress.seed;
    Loader loader(steps, images.size(), labels.size(), threads,
                  threads + 2,
                  [&](int64_t s, float *batchImages, int32_t *batchLabels) {
                    return data->trainBatch(order.data() + s * model.batch,
                                            model.batch, seed, epoch,
                                            firstStep + s, batchImages,
                                            batchLabels);
                  });
    Progress bar(label, steps);
    double lossSum = 0, correct = 0;
    for (int64_t s = 0; s < steps; ++s) {
      const float *batchImages;
      const int32_t *batchLabels;
      if (Status loaded = loader.next(batchImages, batchLabels); !loaded.ok())
        return fail(loaded.message() + " (the last checkpoint in '" + weights +
                    "' is untouched)");
      std::copy(batchImages, batchImages + images.size(), images.begin());
      std::copy(batchLabels, batchLabels + labels.size(), labels.begin());
      float loss =
          session.trainStep(images.data(), labels.data(), logits.data());
      if (!std::isfinite(loss))
        return fail("the loss became " +
                        std::string(std::isnan(loss) ? "NaN" : "infinite") +
                        " at step " + std::to_string(progress.step) +
                        "; stopping (the last checkpoint in '" + weights +
                        "' is untouched; try a lower learning rate)",
                    3);
      lossSum += loss;
      for (int64_t i = 0; i < model.batch; ++i)
        correct += argmax(logits.data() + i * model.classes, model.classes) ==
                   labels[size_t(i)];
      char status[128];
      std::snprintf(status, sizeof status,
                    "loss %.4f acc %.1f%% %.0f img/s, %.0f%% waiting for data",
                    lossSum / double(s + 1),
                    100.0 * correct / double((s + 1) * model.batch),
                    double((s + 1) * model.batch) / bar.seconds(),
                    100.0 * loader.waitedSeconds() / bar.seconds());
      bar.update(s + 1, status);
    }
    double seconds = bar.seconds(), waited = loader.waitedSeconds();
    Evaluation test;
    if (Status evaluated = evaluate(session, *data, views, threads, test);
        !evaluated.ok())
      return fail(evaluated.message());
    ++progress.epoch;
    std::printf("epoch %lld: train loss %.4f acc %.4f | test %s | %.0f img/s, "
                "%.0f%% waiting for data | lr %g\n",
                (long long)progress.epoch, lossSum / double(steps),
                correct / double(steps * model.batch), describe(test).c_str(),
                double(steps * model.batch) / seconds,
                100.0 * waited / seconds, progress.learningRate);
    std::fflush(stdout);
    EpochRecord record;
    record.epoch = progress.epoch;
    record.step = progress.step;
    record.views = views;
    record.trainLoss = lossSum / double(steps);
    record.trainAccuracy = correct / double(steps * model.batch);
    record.testLoss = test.loss;
    record.top1Error = test.top1Error;
    record.top5Error = test.top5Error;
    record.learningRate = progress.learningRate;
    record.imagesPerSecond = double(steps * model.batch) / seconds;
    record.seconds = seconds;
    record.dataWait = waited / seconds;
    if (Status logged = log.write(record); !logged.ok())
      return fail(logged.message());
    updateSchedule(model, progress, test.top1Error);
    Status saved = session.save(weights);
    if (!saved.ok())
      return fail(saved.message());
  }
  return 0;
}

int eval(Session &session, const Options &options) {
  std::string weights = options.get("weights");
  if (weights.empty())
    return fail("eval needs --weights FILE");
  int64_t views;
  Status status = testViews(session.model(), options, views);
  if (status.ok())
    status = session.load(weights);
  std::unique_ptr<DataSource> data;
  if (status.ok())
    status = openData(session.model(), options, data);
  Evaluation result;
  if (status.ok())
    status = evaluate(session, *data, views,
                      loaderThreads(session.model(), options), result);
  if (!status.ok())
    return fail(status.message());
  std::printf("test %s (%lld images, %lld view%s)\n", describe(result).c_str(),
              (long long)result.images, (long long)views,
              views == 1 ? "" : "s");
  return 0;
}

/// Packs the dataset for this model's input (its `resize` and channels).
int prepare(const ModelInfo &model, const Options &options) {
  std::string dir = options.get("data", model.dataPath);
  if (dir.empty())
    return fail("prepare needs --data DIR (an ImageFolder or list files)");
  if (model.resize <= 0)
    return fail("prepare needs the model's data.resize (the side of the "
                "prepared square images, 256 in the paper)");
  if (model.channels != 1 && model.channels != 3)
    return fail("image datasets feed 1- or 3-channel inputs, not " +
                std::to_string(model.channels));
  Status status =
      prepareDataset(dir, options.get("out", dir), model.resize,
                     model.channels, model.classes,
                     loaderThreads(model, options));
  if (!status.ok())
    return fail(status.message());
  return 0;
}

/// The loader alone: training batches of the model's data (decode,
/// augment) for --steps batches; prints one JSON line.
int benchData(const ModelInfo &model, const Options &options) {
  std::unique_ptr<DataSource> data;
  if (Status status = openData(model, options, data); !status.ok())
    return fail(status.message());
  int threads = loaderThreads(model, options);
  int64_t available = data->trainCount() / model.batch;
  int64_t steps = std::min(options.number("steps", 20), available);
  if (steps < 2)
    return fail("bench --data-only needs at least two batches of images");
  std::vector<int64_t> order = epochOrder(data->trainCount(), model.seed, 0);
  Loader loader(steps, size_t(model.batch * model.imageSize()),
                size_t(model.batch), threads, threads + 2,
                [&](int64_t s, float *images, int32_t *labels) {
                  return data->trainBatch(order.data() + s * model.batch,
                                          model.batch, model.seed, 0, s,
                                          images, labels);
                });
  const float *images;
  const int32_t *labels;
  // The first batch warms the caches and the threads; time the rest.
  Status status = loader.next(images, labels);
  auto start = std::chrono::steady_clock::now();
  for (int64_t s = 1; s < steps && status.ok(); ++s)
    status = loader.next(images, labels);
  if (!status.ok())
    return fail(status.message());
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  std::printf("{\"data\": \"%s\", \"loader_threads\": %d, \"batch\": %lld, "
              "\"batches\": %lld, \"images_per_second\": %.1f}\n",
              data->description().c_str(), threads, (long long)model.batch,
              (long long)steps - 1,
              double((steps - 1) * model.batch) / seconds);
  return 0;
}

int bench(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  if (options.has("data-only"))
    return benchData(model, options);
  bool profile = options.has("profile");
  if (profile && model.profile.empty())
    return fail("this binary's step has no layer profile: compile it with "
                "--target=cpu (GPU kernels and their CPU twin are not "
                "instrumented)");
  session.initialize(model.seed);
  int64_t steps = std::max<int64_t>(1, options.number("steps", 10));
  int64_t warmup = std::max<int64_t>(0, options.number("warmup", 2));
  ImageSet set = syntheticImages(model.batch, model.channels, model.height,
                                 model.width, int32_t(model.classes), 1);
  InputPipeline pipeline;
  pipeline.channels = model.channels;
  pipeline.height = model.height;
  pipeline.width = model.width;
  std::vector<float> images(size_t(model.batch * model.imageSize()));
  std::vector<int32_t> labels(size_t(model.batch));
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::vector<int64_t> indices(size_t(model.batch));
  for (int64_t i = 0; i < model.batch; ++i)
    indices[size_t(i)] = i;
  pipeline.makeBatch(set, indices.data(), model.batch, false, 0, 0,
                     images.data(), labels.data());
  std::vector<double> times;
  Progress bar("bench", warmup + steps);
  int64_t exchangedBefore = 0;
  for (int64_t s = 0; s < warmup + steps; ++s) {
    if (s == warmup) {
      exchangedBefore = alexrt_exchanged_bytes();
      if (profile)
        startProfile(int64_t(model.profile.size()), model.devices);
    }
    auto start = std::chrono::steady_clock::now();
    session.trainStep(images.data(), labels.data(), logits.data());
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (s >= warmup)
      times.push_back(ms);
    bar.update(s + 1, "");
  }
  stopProfile();
  double mean = 0;
  for (double ms : times)
    mean += ms / double(times.size());
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  // Bytes the devices copied between them (alexrt_exchange_copy).
  long long exchanged =
      (long long)((alexrt_exchanged_bytes() - exchangedBefore) / steps);
  std::printf("{\"model\": \"%s\", \"target\": \"%s\", \"precision\": "
              "\"%s\", \"batch\": %lld, \"steps\": %lld, "
              "\"devices\": %lld, \"ms_per_step\": %.3f, "
              "\"images_per_second\": %.1f, \"peak_rss_mib\": %.1f, "
              "\"exchanged_bytes_per_step\": %lld}\n",
              model.name.c_str(), targetName(), model.tf32 ? "tf32" : "fp32",
              (long long)model.batch, (long long)steps,
              (long long)model.devices, median,
              double(model.batch) * 1000.0 / median,
              double(usage.ru_maxrss) / 1024.0, exchanged);
  if (profile) {
    std::string devices =
        model.devices > 1 ? " of " + std::to_string(model.devices) +
                                " (its waits at exchanges included)"
                          : "";
    std::printf("\nlayer profile: mean of %lld steps (%.3f ms), device 0%s\n",
                (long long)steps, mean, devices.c_str());
    std::fputs(profileTable(model, steps, mean / 1e3).c_str(), stdout);
  }
  return 0;
}

/// --weights' parameter values as a safetensors file.
int exportWeights(Session &session, const Options &options) {
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("export needs --weights FILE and -o FILE.safetensors");
  if (Status status = session.load(weights); !status.ok())
    return fail(status.message());
  const TrainingProgress &progress = session.progress();
  std::vector<TensorBuffers> tensors = session.hostTensors();
  Status status = writeSafetensors(
      out, tensors,
      {{"format", "pt"},
       {"model", session.model().name},
       {"epoch", std::to_string(progress.epoch)},
       {"step", std::to_string(progress.step)}});
  if (!status.ok())
    return fail(status.message());
  int64_t parameters = 0;
  for (const TensorBuffers &tensor : tensors)
    parameters += tensor.numElements();
  std::printf("exported %zu tensors (%lld parameters) of '%s' to %s\n",
              tensors.size(), (long long)parameters, weights.c_str(),
              out.c_str());
  return 0;
}

/// A safetensors file (names and shapes of this model) as a new weight
/// file: zero momenta, training at its start.
int importWeights(Session &session, const Options &options) {
  std::string weights = options.get("weights");
  if (options.files.size() != 1 || weights.empty())
    return fail("import needs one FILE.safetensors and --weights FILE");
  if (fileExists(weights) && !options.has("force"))
    return fail("'" + weights + "' exists; use --force to replace it");
  session.initialize(uint64_t(options.number("seed", session.model().seed)));
  std::vector<TensorBuffers> tensors = session.hostTensors();
  Status status = readSafetensors(options.files[0], tensors);
  if (!status.ok())
    return fail(status.message());
  session.commitHostTensors();
  if (Status saved = session.save(weights); !saved.ok())
    return fail(saved.message());
  std::printf("imported %zu tensors from %s into %s\n", tensors.size(),
              options.files[0].c_str(), weights.c_str());
  return 0;
}

/// A convolution's kernels as a PNG grid (Figure 3).
int kernels(Session &session, const Options &options) {
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("kernels needs --weights FILE and -o FILE.png");
  if (Status status = session.load(weights); !status.ok())
    return fail(status.message());
  // The first convolution's filter, or --layer's.
  std::string layer = options.get("layer");
  for (const TensorBuffers &tensor : session.hostTensors()) {
    bool wanted = layer.empty() ? tensor.shape.size() == 4
                                : tensor.name == layer + ".weight";
    if (!wanted)
      continue;
    if (tensor.shape.size() != 4)
      return fail("'" + layer + "' is not a convolution");
    Image grid;
    std::vector<uint8_t> png;
    Status status = kernelGrid(tensor.value, tensor.shape,
                               session.model().devices, GridLayout(), grid);
    if (status.ok())
      status = encodePng(grid, png);
    if (status.ok())
      status = writeFileAtomically(out, "PNG file", png.data(), png.size());
    if (!status.ok())
      return fail(tensor.name + ": " + status.message());
    std::printf("%s: %lld kernels of %lldx%lldx%lld, %lld tower%s -> %s "
                "(%lldx%lld)\n",
                tensor.name.c_str(), (long long)tensor.shape[0],
                (long long)tensor.shape[1], (long long)tensor.shape[2],
                (long long)tensor.shape[3], (long long)session.model().devices,
                session.model().devices == 1 ? "" : "s", out.c_str(),
                (long long)grid.width, (long long)grid.height);
    return 0;
  }
  return fail(layer.empty() ? "the model has no convolution"
                            : "the model has no convolution '" + layer + "'");
}

/// The top-5 classes of each image file named on the command line.
int predict(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights");
  if (weights.empty() || options.files.empty())
    return fail("predict needs --weights FILE and image files");
  int64_t views;
  Status status = testViews(model, options, views);
  if (status.ok())
    status = session.load(weights);
  if (!status.ok())
    return fail(status.message());
  const TrainingProgress &facts = session.progress();
  if (facts.dataset.empty())
    std::fprintf(stderr, "warning: '%s' does not say what data trained it "
                         "(imported?): no mean is subtracted and classes "
                         "are numbered\n",
                 weights.c_str());
  // The evaluation geometry: the prepared square, then the test views.
  Augmentation geometry;
  geometry.channels = model.channels;
  geometry.height = model.height;
  geometry.width = model.width;
  int64_t side = model.resize > 0 ? model.resize
                                   : std::max(model.height, model.width);
  geometry.sourceHeight = geometry.sourceWidth = side;
  if (facts.meanHeight == 0 || (facts.meanHeight == side &&
                                facts.meanWidth == side))
    geometry.mean = facts.mean;
  std::vector<CropView> crops = geometry.testViews(views);
  auto className = [&](int64_t c) {
    return size_t(c) < facts.classNames.size() ? facts.classNames[size_t(c)]
                                               : std::to_string(c);
  };

  int64_t batch = model.batch, imageSize = model.imageSize();
  std::vector<float> images(size_t(views * batch * imageSize));
  std::vector<float> input(size_t(batch * imageSize));
  std::vector<int32_t> labels(size_t(batch), 0);
  std::vector<float> logits(size_t(views * batch * model.classes));
  int failed = 0;
  for (size_t first = 0; first < options.files.size();
       first += size_t(batch)) {
    std::vector<std::string> names;
    for (size_t i = first;
         i < options.files.size() && names.size() < size_t(batch); ++i) {
      Image square;
      Status loaded =
          loadSquareImage(options.files[i], side, model.channels, square);
      if (!loaded.ok()) {
        std::fprintf(stderr, "error: '%s': %s\n", options.files[i].c_str(),
                     loaded.message().c_str());
        ++failed;
        continue;
      }
      for (int64_t v = 0; v < views; ++v)
        geometry.render(square, crops[size_t(v)],
                        images.data() +
                            (v * batch + int64_t(names.size())) * imageSize);
      names.push_back(options.files[i]);
    }
    if (names.empty())
      continue;
    for (int64_t v = 0; v < views; ++v) {
      const float *view = images.data() + v * batch * imageSize;
      std::copy(view, view + input.size(), input.begin());
      session.forward(input.data(), labels.data(),
                      logits.data() + v * batch * model.classes);
    }
    for (size_t i = 0; i < names.size(); ++i) {
      std::vector<double> probability(size_t(model.classes), 0.0);
      for (int64_t v = 0; v < views; ++v) {
        const float *row = logits.data() + (v * batch + int64_t(i)) *
                                               model.classes;
        double max = *std::max_element(row, row + model.classes), sum = 0;
        for (int64_t c = 0; c < model.classes; ++c)
          sum += std::exp(double(row[c]) - max);
        for (int64_t c = 0; c < model.classes; ++c)
          probability[size_t(c)] +=
              std::exp(double(row[c]) - max) / (sum * double(views));
      }
      std::vector<int64_t> order(size_t(model.classes));
      for (int64_t c = 0; c < model.classes; ++c)
        order[size_t(c)] = c;
      size_t shown = std::min<size_t>(5, order.size());
      std::partial_sort(order.begin(), order.begin() + long(shown),
                        order.end(), [&](int64_t a, int64_t b) {
                          return probability[size_t(a)] >
                                 probability[size_t(b)];
                        });
      std::string line = names[i] + ":";
      for (size_t k = 0; k < shown; ++k) {
        char share[32];
        std::snprintf(share, sizeof share, " %.2f%%",
                      100 * probability[size_t(order[k])]);
        line += (k ? " |" : "") + std::string(" ") +
                className(order[k]) + share;
      }
      std::printf("%s\n", line.c_str());
    }
  }
  return failed ? 1 : 0;
}

int info(Session &session) {
  const ModelInfo &model = session.model();
  int64_t total = 0;
  std::printf("model %s: input %lldx%lldx%lld, %lld classes, batch %lld, "
              "%lld device%s\n",
              model.name.c_str(), (long long)model.channels,
              (long long)model.height, (long long)model.width,
              (long long)model.classes, (long long)model.batch,
              (long long)model.devices, model.devices == 1 ? "" : "s");
  std::printf("target %s (%s), GEMMs in %s\n", targetName(),
              deviceDescription().c_str(), model.tf32 ? "tf32" : "fp32");
  for (const ParamSpec &param : model.params) {
    std::string shape;
    for (int64_t dim : param.shape)
      shape += (shape.empty() ? "" : "x") + std::to_string(dim);
    std::printf("  %-16s %s\n", param.name.c_str(), shape.c_str());
    total += param.numElements();
  }
  std::printf("parameters: %lld\nsgd: lr %g momentum %g weight decay %g, "
              "%lld epochs, seed %llu\ndata: %s\n",
              (long long)total, model.lr, model.momentum, model.weightDecay,
              (long long)model.epochs, (unsigned long long)model.seed,
              model.dataset.c_str());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  // A failed check of a binary built with `alexc compile --check-bounds`
  // puts() its message and aborts: line buffering keeps the message.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc < 2 || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    std::fprintf(argc < 2 ? stderr : stdout, kUsage, argv[0]);
    return argc < 2 ? 1 : 0;
  }
  Options options;
  std::string error;
  if (!parseOptions(argc, argv, options, error))
    return fail(error + " (see --help)");
  Session session;
  Status status = session.open();
  if (!status.ok())
    return fail(status.message());
  std::string command = argv[1];
  if (!options.files.empty() && command != "import" && command != "predict")
    return fail("unexpected argument '" + options.files.front() +
                "' (see --help)");
  if (command == "train")
    return train(session, options);
  if (command == "eval")
    return eval(session, options);
  if (command == "bench")
    return bench(session, options);
  if (command == "info")
    return info(session);
  if (command == "prepare")
    return prepare(session.model(), options);
  if (command == "export")
    return exportWeights(session, options);
  if (command == "import")
    return importWeights(session, options);
  if (command == "kernels")
    return kernels(session, options);
  if (command == "predict")
    return predict(session, options);
  return fail("unknown command '" + command + "' (see --help)");
}
