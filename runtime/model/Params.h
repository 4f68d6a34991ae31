//===- Params.h - a model's parameters and how they start -------*- C++ -*-===//

#ifndef ALEXRT_MODEL_PARAMS_H
#define ALEXRT_MODEL_PARAMS_H

#include <cstdint>
#include <string>
#include <vector>

namespace alexrt {

/// How a parameter is filled before training (mirrors #alex.constant,
/// #alex.gaussian and #alex.xavier).
struct InitRule {
  enum class Kind { Constant, Gaussian, Xavier };
  Kind kind = Kind::Constant;
  double value = 0; ///< Constant.
  double std = 0;   ///< Gaussian.
  double mean = 0;  ///< Gaussian.
  double gain = 1;  ///< Xavier.
};

/// The number of elements of a tensor of `shape`.
int64_t elementCount(const std::vector<int64_t> &shape);
/// `shape` as messages write it: "96x3x11x11", "()" for a scalar.
std::string shapeText(const std::vector<int64_t> &shape);

/// One trainable tensor: `<layer>.<role>`, its shape and its init rule.
struct ParamSpec {
  std::string name;
  std::vector<int64_t> shape;
  InitRule init;
  /// Its name in a PyTorch state_dict, if the model gives one.
  std::string pytorchName;
  /// Its learning-rate multiplier (the layer's lr_mult); 0: frozen.
  double lrMult = 1;

  int64_t numElements() const { return elementCount(shape); }
};

/// Fills `out` (numElements floats) by the parameter's rule. Draws are a
/// function of (seed, index of the parameter, element): the same seed
/// always gives the same weights.
void initParam(const ParamSpec &param, uint64_t seed, uint64_t paramIndex,
               float *out);

/// Xavier fans: a conv filter O x C/g x KH x KW has fan_in C/g*KH*KW and
/// fan_out O*KH*KW; a dense weight M x K has K and M; a vector n has n, n.
void xavierFans(const std::vector<int64_t> &shape, int64_t &fanIn,
                int64_t &fanOut);

/// A 64-bit fingerprint of the parameter names and shapes (FNV-1a): weight
/// files record it so a file made for another model is refused.
uint64_t modelSignature(const std::vector<ParamSpec> &params);

} // namespace alexrt

#endif // ALEXRT_MODEL_PARAMS_H
