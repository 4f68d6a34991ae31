//===- Weights.cpp - export, import, kernels and info ---------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Files.h"
#include "runtime/KernelGrid.h"
#include "runtime/Safetensors.h"
#include "runtime/Session.h"
#include "runtime/Target.h"
#include "runtime/data/Decode.h"

#include <cstdio>

namespace alexrt {

/// --weights' parameter values as a safetensors file.
int exportWeights(Session &session, const Options &options) {
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || out.empty())
    return fail("export needs --weights FILE and -o FILE.safetensors");
  if (Status status = session.load(weights); !status.ok())
    return fail(status.message());
  const TrainingProgress &progress = session.progress();
  std::vector<TensorBuffers> tensors = session.hostTensors();
  Status status = writeSafetensors(out, tensors,
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

} // namespace alexrt
