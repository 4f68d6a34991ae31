//===- ModelInfo.h - what a binary says about its model ---------*- C++ -*-===//

#ifndef ALEXRT_MODEL_MODELINFO_H
#define ALEXRT_MODEL_MODELINFO_H

#include "runtime/Precision.h"
#include "runtime/model/Params.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

/// The model descriptor alexc embeds (runtime/schemas/model.fbs), decoded.
struct ModelInfo {
  std::string name;
  std::vector<ParamSpec> params;
  int64_t channels = 0, height = 0, width = 0, classes = 0;
  /// Images per step of this process: with replicas, its share of the
  /// global batch.
  int64_t batch = 0;
  int64_t epochs = 0, devices = 1;
  /// Data-parallel replicas (processes of an MPI job), each computing
  /// `batch` of the `globalBatch` images of a step.
  int64_t replicas = 1, globalBatch = 0;
  uint64_t seed = 0;

  double lr = 0, momentum = 0, weightDecay = 0;
  enum class Schedule { Constant, Step, Plateau };
  Schedule schedule = Schedule::Constant;
  int64_t every = 0, patience = 1, maxDrops = 0;
  double factor = 0.1;

  std::string dataset, dataPath;
  int64_t resize = 0, testCrops = 1;
  bool randomCrop = false, flip = false, meanSubtract = false;
  double lighting = 0;
  /// The data section's `normalize` (one value per channel, on the [0, 1]
  /// scale): (p - mean) / std. Both empty when the model has none.
  std::vector<float> normalizeMean, normalizeStd;
  /// Host bytes of the parameters and momenta, and of a batch's images,
  /// labels and logits: what a session holds besides the step's buffers.
  int64_t sessionBytes() const;

  /// What GEMMs and convolutions may compute in (alexc --precision).
  Precision precision = Precision::FP32;
  /// What `alexc --target` the binary was compiled for ("cpu-twin" runs
  /// the CPU runtime); empty in older binaries.
  std::string target;

  /// A region of the step alexrt_profile_mark times (CPU target).
  struct ProfileRegion {
    std::string layer, phase; ///< phase: forward, backward or update.
    int64_t flops = 0;        ///< Per training step (device 0's part).
  };
  std::vector<ProfileRegion> profile;
  /// Width of alex_features' output per image (0: the binary has none).
  int64_t features = 0;

  /// Floats in one image.
  int64_t imageSize() const { return channels * height * width; }
};

/// Decodes and verifies a descriptor.
Status parseModelInfo(const uint8_t *data, size_t size, ModelInfo &info);

} // namespace alexrt

#endif // ALEXRT_MODEL_MODELINFO_H
