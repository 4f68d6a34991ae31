//===- WeightFile.h - save and load alexc weight files ----------*- C++ -*-===//
//
// The format is runtime/schemas/weights.fbs (FlatBuffers). Saving writes a
// temporary file beside the target and renames it over the target, so an
// existing file is never left half-written. Loading maps the file, runs the
// FlatBuffers verifier, checks the model signature, every tensor's name,
// shape and CRC-32, and copies the data out.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_MODEL_WEIGHTFILE_H
#define ALEXRT_MODEL_WEIGHTFILE_H

#include "runtime/model/Params.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace alexrt {

/// The version written into files and required when reading them.
constexpr uint32_t kWeightFormatVersion = 1;

/// Training progress saved with the weights.
struct TrainingProgress {
  uint64_t seed = 0;
  int64_t step = 0;
  int64_t epoch = 0;
  double learningRate = 0;
  double bestValidationError = 1.0;
  int64_t epochsSinceBest = 0;
  int64_t drops = 0;

  /// The epoch in progress: its steps done (0 at an epoch's start) and
  /// its summed losses and hits so far.
  int64_t epochSteps = 0;
  double epochLossSum = 0, epochCorrect = 0;
  /// The training set and global batch of the run (0: unknown).
  int64_t trainImages = 0, globalBatch = 0;
};

/// What the training data was, saved with the weights for the commands
/// that meet new images (predict, features, eval without the training
/// set): schemas/weights.fbs's DataFacts. Empty `dataset` when unknown.
struct DataFacts {
  std::string dataset;
  std::vector<std::string> classNames;
  std::vector<float> mean; ///< Per channel, or meanHeight x meanWidth x C.
  int64_t meanHeight = 0, meanWidth = 0;
};

/// One parameter's memory: `value` and `momentum` hold numElements floats.
struct TensorBuffers {
  std::string name;
  std::vector<int64_t> shape;
  float *value = nullptr;
  float *momentum = nullptr;
  /// Its name in a PyTorch state_dict, if the model gives one: safetensors
  /// files are read under either name.
  std::string pytorchName;

  int64_t numElements() const { return elementCount(shape); }
  /// Whether a file's tensor `other` is this one, under either name.
  bool named(const std::string &other) const {
    return other == name || (!pytorchName.empty() && other == pytorchName);
  }
};

/// A tensor read from a file whole, as fp32.
struct NamedTensor {
  std::vector<int64_t> shape;
  std::vector<float> values;
  /// The dtype it was stored in ("F32", "F16", ...).
  std::string dtype = "F32";

  /// Whether its values were converted to fp32 on reading.
  bool converted() const { return dtype != "F32"; }
};

/// Writes a weight file for model `modelName` with signature `signature`.
Status saveWeights(const std::string &path, const std::string &modelName,
                   uint64_t signature, const TrainingProgress &progress,
                   const DataFacts &facts,
                   const std::vector<TensorBuffers> &tensors);

/// Reads a weight file into `tensors` (matched by name; each must be in the
/// file with the same shape), `progress` and `facts`. Nothing is written
/// to `tensors` unless the whole file checks out.
Status loadWeights(const std::string &path, uint64_t signature,
                   TrainingProgress &progress, DataFacts &facts,
                   const std::vector<TensorBuffers> &tensors);

/// Every tensor's values in the weight file `path` by name (any model's;
/// checksums verified), momenta and progress left out.
Status readWeightTensors(const std::string &path,
                         std::map<std::string, NamedTensor> &tensors);

} // namespace alexrt

#endif // ALEXRT_MODEL_WEIGHTFILE_H
