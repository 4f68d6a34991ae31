//===- Main.cpp - the train / eval / bench command line of compiled models ===//
//
// Linked into every executable alexc makes. The model (parameters, input,
// recipe) comes from the descriptor the compiler embedded.
//
//===----------------------------------------------------------------------===//

#include "runtime/Dataset.h"
#include "runtime/Progress.h"
#include "runtime/Schedule.h"
#include "runtime/Session.h"
#include "runtime/Target.h"
#include "runtime/alexrt.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace alexrt;

namespace {

const char *kUsage = R"(usage: %s <command> [options]

commands:
  train   train the model; checkpoints to --weights after every epoch
  eval    accuracy and loss of --weights on the test set
  bench   time training steps on synthetic data; prints one JSON line
  info    the model: parameters, input, recipe

options:
  --weights FILE   weight file to write (train) or read (eval, --resume)
  --data DIR       dataset directory (default: the model's, or Debian's
                   /usr/share/datasets/fashion-mnist)
  --dataset NAME   train on fashion_mnist or synthetic instead of the model's
  --epochs N       epochs to train (default: the model's)
  --limit N        use only the first N training images
  --test-limit N   use only the first N test images
  --resume         continue training from --weights, bit-exactly
  --force          let train replace an existing --weights file
  --seed N         initialisation seed (default: the model's)
  --steps N        bench: timed steps (default 10)
  --warmup N       bench: untimed steps first (default 2)
)";

/// Parsed `--key value` and `--flag` options.
struct Options {
  std::map<std::string, std::string> values;
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
  static const char *const flags[] = {"resume", "force"};
  static const char *const keys[] = {"weights", "data",  "dataset",
                                     "epochs",  "limit", "test-limit",
                                     "seed",    "steps", "warmup"};
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      error = "unexpected argument '" + arg + "'";
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
      bool numeric = key != "weights" && key != "data" && key != "dataset";
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

/// The training and test images the model's recipe (or --dataset) asks for.
Status loadData(const ModelInfo &model, const Options &options, ImageSet &train,
                ImageSet &test) {
  std::string dataset = options.get("dataset", model.dataset);
  if (dataset == "synthetic") {
    train = syntheticImages(4096, model.channels, model.height, model.width,
                            int32_t(model.classes), model.seed);
    test = syntheticImages(1024, model.channels, model.height, model.width,
                           int32_t(model.classes), model.seed + 1);
  } else if (dataset == "fashion_mnist") {
    std::string dir = options.get(
        "data", model.dataPath.empty() ? kFashionMnistDir : model.dataPath);
    Status status = loadFashionMnist(dir, true, train);
    if (status.ok())
      status = loadFashionMnist(dir, false, test);
    if (!status.ok())
      return status;
  } else {
    return Status::error("no loader for dataset '" + dataset +
                         "' yet (fashion_mnist and synthetic are supported; "
                         "--dataset picks one)");
  }
  if (model.classes < train.classes)
    return Status::error("the model has " + std::to_string(model.classes) +
                         " outputs but " + dataset + " has " +
                         std::to_string(train.classes) + " classes");
  auto limit = [](ImageSet &set, int64_t count) {
    if (count <= 0 || count >= set.count)
      return;
    set.count = count;
    set.pixels.resize(size_t(count * set.imageBytes()));
    set.labels.resize(size_t(count));
  };
  limit(train, options.number("limit", 0));
  limit(test, options.number("test-limit", 0));
  return Status::success();
}

InputPipeline pipelineFor(const ModelInfo &model, const ImageSet &train) {
  InputPipeline pipeline;
  pipeline.channels = model.channels;
  pipeline.height = model.height;
  pipeline.width = model.width;
  pipeline.resize = model.resize;
  pipeline.randomCrop = model.randomCrop;
  pipeline.flip = model.flip;
  if (model.meanSubtract)
    pipeline.channelMean = channelMeans(train);
  return pipeline;
}

int64_t argmax(const float *row, int64_t count) {
  return std::max_element(row, row + count) - row;
}

/// -log softmax(row)[label], in double.
double exampleLoss(const float *row, int64_t count, int32_t label) {
  double max = *std::max_element(row, row + count), sum = 0;
  for (int64_t c = 0; c < count; ++c)
    sum += std::exp(double(row[c]) - max);
  return std::log(sum) + max - row[label];
}

struct Evaluation {
  double loss = 0, accuracy = 0;
};

/// Loss and accuracy over the whole set, a batch at a time (the last batch
/// padded with repeats that are not counted).
Evaluation evaluate(Session &session, const ImageSet &set,
                    const InputPipeline &pipeline) {
  const ModelInfo &model = session.model();
  std::vector<float> images(size_t(model.batch * model.imageSize()));
  std::vector<int32_t> labels(size_t(model.batch));
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::vector<int64_t> indices(size_t(model.batch));
  Evaluation result;
  Progress progress("eval ", set.count);
  for (int64_t first = 0; first < set.count; first += model.batch) {
    int64_t real = std::min(model.batch, set.count - first);
    for (int64_t i = 0; i < model.batch; ++i)
      indices[size_t(i)] = first + std::min(i, real - 1);
    pipeline.makeBatch(set, indices.data(), model.batch, false, 0, 0,
                       images.data(), labels.data());
    session.forward(images.data(), labels.data(), logits.data());
    for (int64_t i = 0; i < real; ++i) {
      const float *row = logits.data() + i * model.classes;
      result.loss += exampleLoss(row, model.classes, labels[size_t(i)]);
      result.accuracy += argmax(row, model.classes) == labels[size_t(i)];
    }
    progress.update(first + real, "");
  }
  result.loss /= double(set.count);
  result.accuracy /= double(set.count);
  return result;
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

  ImageSet trainSet, testSet;
  Status status = loadData(model, options, trainSet, testSet);
  InputPipeline pipeline = pipelineFor(model, trainSet);
  if (status.ok())
    status = pipeline.check(trainSet);
  if (!status.ok())
    return fail(status.message());
  int64_t steps = trainSet.count / model.batch;
  if (steps == 0)
    return fail("fewer training images (" + std::to_string(trainSet.count) +
                ") than one batch (" + std::to_string(model.batch) + ")");

  TrainingProgress &progress = session.progress();
  int64_t epochs = options.number("epochs", model.epochs);
  std::vector<float> images(size_t(model.batch * model.imageSize()));
  std::vector<int32_t> labels(size_t(model.batch));
  std::vector<float> logits(size_t(model.batch * model.classes));
  std::fprintf(
      stderr,
      "training %s on %s: %lld images, batch %lld, %lld "
      "steps an epoch\n",
      model.name.c_str(), options.get("dataset", model.dataset).c_str(),
      (long long)trainSet.count, (long long)model.batch, (long long)steps);
  while (progress.epoch < epochs) {
    std::vector<int64_t> order =
        epochOrder(trainSet.count, progress.seed, progress.epoch);
    // Resuming mid-way is not possible: checkpoints are taken per epoch,
    // so every epoch starts at its first step.
    char label[48];
    std::snprintf(label, sizeof label, "epoch %lld/%lld",
                  (long long)progress.epoch + 1, (long long)epochs);
    Progress bar(label, steps);
    double lossSum = 0, correct = 0;
    for (int64_t s = 0; s < steps; ++s) {
      pipeline.makeBatch(trainSet, order.data() + s * model.batch, model.batch,
                         true, progress.seed, uint64_t(progress.step),
                         images.data(), labels.data());
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
      char status[96];
      std::snprintf(status, sizeof status, "loss %.4f acc %.1f%% %.0f img/s",
                    lossSum / double(s + 1),
                    100.0 * correct / double((s + 1) * model.batch),
                    double((s + 1) * model.batch) / bar.seconds());
      bar.update(s + 1, status);
    }
    double seconds = bar.seconds();
    Evaluation test = evaluate(session, testSet, pipeline);
    ++progress.epoch;
    std::printf("epoch %lld: train loss %.4f acc %.4f | test loss %.4f acc "
                "%.4f | %.0f img/s | lr %g\n",
                (long long)progress.epoch, lossSum / double(steps),
                correct / double(steps * model.batch), test.loss, test.accuracy,
                double(steps * model.batch) / seconds, progress.learningRate);
    std::fflush(stdout);
    updateSchedule(model, progress, 1.0 - test.accuracy);
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
  Status status = session.load(weights);
  ImageSet trainSet, testSet;
  if (status.ok())
    status = loadData(session.model(), options, trainSet, testSet);
  InputPipeline pipeline = pipelineFor(session.model(), trainSet);
  if (status.ok())
    status = pipeline.check(testSet);
  if (!status.ok())
    return fail(status.message());
  Evaluation result = evaluate(session, testSet, pipeline);
  std::printf("test loss %.4f acc %.4f (%lld images)\n", result.loss,
              result.accuracy, (long long)testSet.count);
  return 0;
}

int bench(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  session.initialize(model.seed);
  int64_t steps = std::max<int64_t>(1, options.number("steps", 10));
  int64_t warmup = std::max<int64_t>(0, options.number("warmup", 2));
  ImageSet set = syntheticImages(model.batch, model.channels, model.height,
                                 model.width, int32_t(model.classes), 1);
  InputPipeline pipeline = pipelineFor(model, set);
  pipeline.resize = 0;
  pipeline.randomCrop = pipeline.flip = false;
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
    if (s == warmup)
      exchangedBefore = alexrt_exchanged_bytes();
    auto start = std::chrono::steady_clock::now();
    session.trainStep(images.data(), labels.data(), logits.data());
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (s >= warmup)
      times.push_back(ms);
    bar.update(s + 1, "");
  }
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
  return 0;
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
  if (command == "train")
    return train(session, options);
  if (command == "eval")
    return eval(session, options);
  if (command == "bench")
    return bench(session, options);
  if (command == "info")
    return info(session);
  return fail("unknown command '" + command + "' (see --help)");
}
