//===- Session.h - a compiled model's memory and its two entry points -*- C++
//-*-===//

#ifndef ALEXRT_SESSION_H
#define ALEXRT_SESSION_H

#include "runtime/ModelInfo.h"
#include "runtime/WeightFile.h"

#include <vector>

namespace alexrt {

/// Parameters, momenta and training progress of the compiled model, and
/// calls into its generated entry points.
class Session {
public:
  /// Reads the descriptor embedded in this binary.
  Status open();

  const ModelInfo &model() const { return info; }
  TrainingProgress &progress() { return state; }

  /// Fills parameters by the model's init rules, zero momenta, fresh
  /// progress.
  void initialize(uint64_t seed);
  Status load(const std::string &path);
  Status save(const std::string &path) const;

  /// One SGD step on a batch; returns the mean loss and fills `logits`
  /// (batch x classes). Advances the step counter.
  float trainStep(float *images, int32_t *labels, float *logits);
  /// The evaluation forward pass (no dropout); returns the mean loss.
  float forward(float *images, int32_t *labels, float *logits);

private:
  std::vector<TensorBuffers> buffers() const;

  ModelInfo info;
  TrainingProgress state;
  std::vector<std::vector<float>> values, momenta;
};

} // namespace alexrt

#endif // ALEXRT_SESSION_H
