//===- Model.h - a checked model: layers, init rules, recipe ----*- C++ -*-===//
//
// What Sema makes of a ModelAST: every name resolved, every key known and of
// the right kind, layers in dependency order. MLIRGen reads only this.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_FRONTEND_MODEL_H
#define ALEX_FRONTEND_MODEL_H

#include "runtime/model/Params.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <string>
#include <vector>

namespace alex {

/// The layer types of the network section.
enum class LayerKind {
  Input,   ///< input(shape=CxHxW): the images.
  Labels,  ///< labels(): one class index per image.
  Conv,    ///< conv(x, filters, kernel, stride, pad, groups)
  Relu,    ///< relu(x)
  LRN,     ///< lrn(x, size, alpha, beta, k, groups)
  MaxPool, ///< max_pool(x, window, stride)
  Flatten, ///< flatten(x)
  Dense,   ///< dense(x, units)
  Dropout, ///< dropout(x, rate)
  Loss,    ///< softmax_cross_entropy(logits, labels)
};

/// How to fill a parameter before training: the runtime's rule, and where
/// the init section states it.
struct InitRule : alexrt::InitRule {
  llvm::SMLoc loc; ///< The rule in the init section, if any.
};

/// One layer with its hyperparameters (defaults filled in).
struct Layer {
  std::string name;
  LayerKind kind;
  llvm::SMLoc loc;
  /// Indices of the input layers in Model::layers (all earlier).
  llvm::SmallVector<unsigned, 2> inputs;

  llvm::SmallVector<int64_t, 4> shape; ///< Input: per-image CxHxW.
  int64_t filters = 0, kernel = 0, stride = 1, pad = 0, groups = 1;
  int64_t size = 5, window = 0, units = 0;
  double alpha = 1e-4, beta = 0.75, k = 2, rate = 0.5;

  InitRule weightInit, biasInit; ///< Conv and Dense only.
  /// Scales the learning rate of its parameters; 0 freezes them.
  double lrMult = 1;
  /// The module PyTorch names this layer (section `pytorch`): its
  /// parameters are `<pytorchName>.weight` and `.bias` there. Empty: none.
  std::string pytorchName;

  bool hasParams() const {
    return kind == LayerKind::Conv || kind == LayerKind::Dense;
  }
};

/// How the learning rate changes over training.
struct Schedule {
  enum class Kind { Constant, Step, Plateau };
  Kind kind = Kind::Constant;
  int64_t every = 0; ///< Step: epochs between drops.
  double factor = 0.1;
  int64_t patience = 1; ///< Plateau: epochs without improvement.
  int64_t maxDrops = 0; ///< Plateau: 0 for no limit.
};

/// `normalize = per_channel(mean=[...], std=[...])`: pixels on the [0, 1]
/// scale become (p - mean[c]) / std[c], as torchvision's Normalize.
struct PerChannel {
  std::vector<double> mean, stdDev; ///< Both empty when not given.
  llvm::SMLoc loc;

  bool given() const { return !mean.empty(); }
};

/// Where images come from and how they are augmented. By default, seeded
/// synthetic images (for benchmarks and tests).
struct DataSpec {
  std::string dataset = "synthetic";
  std::string path;
  int64_t resize = 0;
  bool randomCrop = false, flip = false, meanSubtract = false;
  double lighting = 0;
  int64_t testCrops = 1;
  PerChannel normalize;
  llvm::SMLoc loc;
};

/// Optimizer, schedule, batch, devices and replicas. Defaults: the paper's
/// recipe.
struct Recipe {
  double lr = 0.01, momentum = 0.9, weightDecay = 0.0005;
  Schedule schedule;
  int64_t batch = 128, epochs = 90, devices = 1, seed = 0;
  /// Data-parallel replicas: each computes batch / replicas images a step.
  int64_t replicas = 1;
  /// What products compute in, as alexrt::precisionName spells it
  /// (--precision overrides it).
  std::string precision = "fp32";
  llvm::SMLoc optimizerLoc, trainLoc;
  llvm::SMLoc precisionLoc; ///< The `precision` key's value, if given.
  DataSpec data;
};

/// A checked model.
struct Model {
  std::string name;
  llvm::SMLoc loc;
  std::vector<Layer> layers; ///< In dependency order.
  Recipe recipe;
};

/// The source spelling of a layer kind (`conv`, `max_pool`, ...).
llvm::StringRef layerKindName(LayerKind kind);

} // namespace alex

#endif // ALEX_FRONTEND_MODEL_H
