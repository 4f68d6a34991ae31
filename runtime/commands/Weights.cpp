//===- Weights.cpp - export, import, kernels and info ---------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Files.h"
#include "runtime/HeapBuffers.h"
#include "runtime/KernelGrid.h"
#include "runtime/Safetensors.h"
#include "runtime/Session.h"
#include "runtime/Target.h"
#include "runtime/data/Decode.h"

#include <algorithm>
#include <cstdio>

namespace alexrt {

/// --weights' parameter values as a safetensors file.
/// The data facts of a checkpoint (DataFacts in weights.fbs) as
/// safetensors metadata strings: "dataset", "class_names" (a line each),
/// "mean" (comma-separated), "mean_height", "mean_width".
static void addDataFacts(const TrainingProgress &progress,
                         std::map<std::string, std::string> &metadata) {
  if (progress.dataset.empty())
    return;
  metadata["dataset"] = progress.dataset;
  std::string names, mean;
  for (const std::string &name : progress.classNames)
    names += (names.empty() ? "" : "\n") + name;
  for (float value : progress.mean) {
    char text[24];
    std::snprintf(text, sizeof text, "%.9g", double(value));
    mean += (mean.empty() ? "" : ",") + std::string(text);
  }
  metadata["class_names"] = names;
  metadata["mean"] = mean;
  metadata["mean_height"] = std::to_string(progress.meanHeight);
  metadata["mean_width"] = std::to_string(progress.meanWidth);
}

/// The `separator`-separated fields of `text` (none if it is empty).
static std::vector<std::string> fields(const std::string &text,
                                       char separator) {
  std::vector<std::string> result;
  for (size_t begin = 0; !text.empty() && begin <= text.size();) {
    size_t end = std::min(text.find(separator, begin), text.size());
    result.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return result;
}

/// addDataFacts' strings back into `progress` (nothing if absent).
static Status readDataFacts(const std::map<std::string, std::string> &metadata,
                            TrainingProgress &progress) {
  auto found = metadata.find("dataset");
  if (found == metadata.end())
    return Status::success();
  auto get = [&](const char *key) {
    auto at = metadata.find(key);
    return at == metadata.end() ? std::string() : at->second;
  };
  progress.dataset = found->second;
  progress.classNames = fields(get("class_names"), '\n');
  progress.mean.clear();
  for (const std::string &field : fields(get("mean"), ',')) {
    char *stop = nullptr;
    float value = std::strtof(field.c_str(), &stop);
    if (field.empty() || *stop)
      return Status::error("its metadata's mean is not numbers: '" + field +
                           "'");
    progress.mean.push_back(value);
  }
  for (const char *key : {"mean_height", "mean_width"}) {
    std::string text = get(key);
    if (text.empty() || text.size() > 9 ||
        text.find_first_not_of("0123456789") != std::string::npos)
      return Status::error(std::string("its metadata's ") + key +
                           " is not a whole number: '" + text + "'");
  }
  progress.meanHeight = std::stoll(get("mean_height"));
  progress.meanWidth = std::stoll(get("mean_width"));
  return Status::success();
}

/// Whether data facts fit `model`: its class count, and a mean per
/// channel or per pixel of a channels x height x width image.
static Status checkDataFacts(const TrainingProgress &facts,
                             const ModelInfo &model) {
  if (int64_t(facts.classNames.size()) > model.classes)
    return Status::error("its metadata names " +
                         std::to_string(facts.classNames.size()) +
                         " classes, the model has " +
                         std::to_string(model.classes) + " outputs");
  int64_t expected = facts.meanHeight == 0 && facts.meanWidth == 0
                         ? model.channels
                         : model.channels * facts.meanHeight * facts.meanWidth;
  if (!facts.mean.empty() && int64_t(facts.mean.size()) != expected)
    return Status::error("its metadata's mean has " +
                         std::to_string(facts.mean.size()) + " values, not " +
                         std::to_string(expected) +
                         " (the model's channels, or its mean image's " +
                         "pixels times channels)");
  return Status::success();
}

int exportWeights(Session &session, const Options &options) {
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("export needs --weights FILE and -o FILE.safetensors");
  if (Status writable = checkWritable(out, "safetensors file"); !writable.ok())
    return fail(writable.message());
  if (Status status = session.load(weights); !status.ok())
    return fail(status.message());
  const TrainingProgress &progress = session.progress();
  std::vector<TensorBuffers> tensors = session.hostTensors();
  std::map<std::string, std::string> metadata = {
      {"format", "pt"},
      {"model", session.model().name},
      {"epoch", std::to_string(progress.epoch)},
      {"step", std::to_string(progress.step)}};
  addDataFacts(progress, metadata);
  Status status = writeSafetensors(out, tensors, metadata);
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
  if (Status writable = checkWritable(weights, "weight file"); !writable.ok())
    return fail(writable.message());
  session.initialize(uint64_t(options.number("seed", session.model().seed)));
  std::vector<TensorBuffers> tensors = session.hostTensors();
  std::map<std::string, std::string> metadata;
  Status status = readSafetensors(options.files[0], tensors, &metadata);
  if (!status.ok())
    return fail(status.message());
  // What `export` wrote of the data (classes, mean) comes back with it.
  Status facts = readDataFacts(metadata, session.progress());
  if (facts.ok())
    facts = checkDataFacts(session.progress(), session.model());
  if (!facts.ok())
    return fail("'" + options.files[0] + "': " + facts.message());
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
  if (Status writable = checkWritable(out, "PNG file"); !writable.ok())
    return fail(writable.message());
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

int info(Session &session) {
  const ModelInfo &model = session.model();
  int64_t total = 0;
  std::string replicas =
      model.replicas > 1
          ? ", " + std::to_string(model.replicas) + " replicas of " +
                std::to_string(model.batch) + " images (mpirun -np " +
                std::to_string(model.replicas) + ")"
          : "";
  std::printf("model %s: input %lldx%lldx%lld, %lld classes, batch %lld, "
              "%lld device%s%s\n",
              model.name.c_str(), (long long)model.channels,
              (long long)model.height, (long long)model.width,
              (long long)model.classes, (long long)model.globalBatch,
              (long long)model.devices, model.devices == 1 ? "" : "s",
              replicas.c_str());
  std::printf("target %s (%s), GEMMs in %s\n", reportedTarget(model).c_str(),
              deviceDescription().c_str(), precisionName(model.precision));
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
  // What training takes of the host's memory (a CPU binary's step's
  // buffers are known; a GPU binary's live on the device).
  if (int64_t buffers = heapBufferBytes(); buffers > 0) {
    int64_t available = availableMemory();
    std::printf("memory: %s to train (step buffers %s, parameters, momenta "
                "and a batch %s)%s%s\n",
                memoryText(buffers + model.sessionBytes()).c_str(),
                memoryText(buffers).c_str(),
                memoryText(model.sessionBytes()).c_str(),
                available >= 0 ? "; available here " : "",
                available >= 0 ? memoryText(available).c_str() : "");
  }
  return 0;
}

} // namespace alexrt
