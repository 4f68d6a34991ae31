//===- Session.h - a model's memory and its entry points --------*- C++ -*-===//

#ifndef ALEXRT_MODEL_SESSION_H
#define ALEXRT_MODEL_SESSION_H

#include "runtime/model/ModelInfo.h"
#include "runtime/model/WeightFile.h"

#include <vector>

namespace alexrt {

/// Parameters, momenta and training progress of the compiled model, and
/// calls into its generated entry points. The entry points' buffers live
/// in device memory (runtime/Target.h): parameters and momenta stay there
/// between steps, a step copies its batch in and its loss and logits out.
class Session {
public:
  Session() = default;
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;
  ~Session();

  /// Reads the descriptor embedded in this binary (no device touched).
  Status readModel();
  /// Reads the model if need be and makes its parameters' host memory;
  /// with `device`, opens the target for it and allocates its device
  /// buffers too (commands that run no step need no device: `info`,
  /// `export`, `import`, `kernels` work on a CUDA binary without a GPU).
  Status open(bool device = true);

  const ModelInfo &model() const { return info; }
  TrainingProgress &progress() { return state; }
  /// What the training data was (set by `train`, read from weight files).
  DataFacts &dataFacts() { return facts; }

  /// Fills parameters by the model's init rules, zero momenta, fresh
  /// progress.
  void initialize(uint64_t seed);
  Status load(const std::string &path);
  /// Copies the device's parameters and momenta back first.
  Status save(const std::string &path);

  /// The parameters (values and momenta) in host memory, copied back from
  /// the device first; the caller may write them (the steps then remake
  /// what they derived from them, ParamWrites.h).
  std::vector<TensorBuffers> hostTensors();
  /// Sends host tensors changed through hostTensors() to the device.
  void commitHostTensors() { upload(); }

  /// One SGD step on a batch; returns the mean loss and fills `logits`
  /// (batch x classes). Advances the step counter.
  float trainStep(const float *images, const int32_t *labels, float *logits);
  /// The evaluation forward pass (no dropout); returns the mean loss.
  float forward(const float *images, const int32_t *labels, float *logits);
  /// The last hidden layer's activations of a batch (batch x
  /// model().features); false if this binary has no alex_features.
  bool features(const float *images, float *features);

private:
  std::vector<TensorBuffers> buffers() const;
  /// Host copies to the device and back (nothing on the CPU). upload()
  /// also tells the steps that the parameters changed (ParamWrites.h).
  void upload();
  void download();
  /// Copies one step's inputs in, runs `entry`, copies loss and logits out.
  float run(void (*entry)(void **), bool training, const float *images,
            const int32_t *labels, float *logits);

  /// A device buffer per tensor (the host vectors themselves on the CPU).
  struct DeviceTensor {
    void *memory = nullptr;
    size_t bytes = 0;
  };
  DeviceTensor deviceBuffer(size_t bytes);
  void release(DeviceTensor &tensor);

  ModelInfo info;
  bool modelRead = false;
  /// Whether the entry points can run (the target opened, device buffers).
  bool onDevice = false;
  TrainingProgress state;
  DataFacts facts;
  std::vector<std::vector<float>> values, momenta;
  std::vector<DeviceTensor> deviceValues, deviceMomenta;
  /// images, labels, step, learning rate, loss, logits.
  DeviceTensor deviceImages, deviceLabels, deviceStep, deviceLr, deviceLoss,
      deviceLogits, deviceFeatures;
};

} // namespace alexrt

#endif // ALEXRT_MODEL_SESSION_H
