//===- AlexAttrs.cpp - verifiers of the training-recipe attributes --------===//

#include "dialect/AlexDialect.h"
#include "dialect/Shapes.h"
#include "runtime/Recipe.h"

#include <cmath>

using namespace mlir;
using namespace alex;

using EmitFn = llvm::function_ref<InFlightDiagnostic()>;

/// Checks lo <= value (< or <=) hi with a message naming the field.
static LogicalResult checkRange(EmitFn emitError, llvm::StringRef what,
                                double value, double lo, double hi,
                                bool hiInclusive = true) {
  bool ok = std::isfinite(value) && value >= lo &&
            (hiInclusive ? value <= hi : value < hi);
  if (ok)
    return success();
  return emitError() << what << " must be in [" << formatNumber(lo) << ", "
                     << formatNumber(hi) << (hiInclusive ? "]" : ")")
                     << ", got " << formatNumber(value);
}

static LogicalResult checkPositive(EmitFn emitError, llvm::StringRef what,
                                   double value) {
  if (std::isfinite(value) && value > 0)
    return success();
  return emitError() << what << " must be positive, got "
                     << formatNumber(value);
}

LogicalResult ConstantInitAttr::verify(EmitFn emitError, APFloat valueF) {
  double value = valueF.convertToDouble();
  if (std::isfinite(value))
    return success();
  return emitError() << "constant init value must be finite";
}

LogicalResult GaussianInitAttr::verify(EmitFn emitError, APFloat stdF,
                                       APFloat meanF) {
  double std = stdF.convertToDouble(), mean = meanF.convertToDouble();
  if (failed(checkPositive(emitError, "gaussian std", std)))
    return failure();
  if (!std::isfinite(mean))
    return emitError() << "gaussian mean must be finite";
  return success();
}

LogicalResult XavierInitAttr::verify(EmitFn emitError, APFloat gain) {
  return checkPositive(emitError, "xavier gain", gain.convertToDouble());
}

LogicalResult SGDAttr::verify(EmitFn emitError, APFloat lr, APFloat momentum,
                              APFloat weightDecay) {
  if (failed(checkPositive(emitError, "learning rate", lr.convertToDouble())) ||
      failed(checkRange(emitError, "momentum", momentum.convertToDouble(), 0, 1,
                        false)) ||
      failed(checkRange(emitError, "weight decay",
                        weightDecay.convertToDouble(), 0, 1)))
    return failure();
  return success();
}

LogicalResult StepScheduleAttr::verify(EmitFn emitError, int64_t every,
                                       APFloat factor) {
  if (every <= 0)
    return emitError() << "step schedule 'every' must be positive, got "
                       << every;
  return checkRange(emitError, "schedule factor", factor.convertToDouble(), 0,
                    1, false);
}

LogicalResult PlateauScheduleAttr::verify(EmitFn emitError, APFloat factor,
                                          int64_t patience, int64_t maxDrops) {
  if (failed(checkRange(emitError, "schedule factor", factor.convertToDouble(),
                        0, 1, false)))
    return failure();
  if (patience <= 0)
    return emitError() << "plateau patience must be positive, got " << patience;
  if (maxDrops < 0)
    return emitError() << "plateau max_drops must be non-negative, got "
                       << maxDrops;
  return success();
}

LogicalResult DataAttr::verify(EmitFn emitError, llvm::StringRef dataset,
                               llvm::StringRef path, int64_t resize,
                               bool randomCrop, bool flip, APFloat lightingF,
                               bool meanSubtract, int64_t testCrops,
                               DenseF64ArrayAttr normalizeMeanAttr,
                               DenseF64ArrayAttr normalizeStdAttr) {
  // Both lists or neither, each with a value per channel.
  if (bool(normalizeMeanAttr) != bool(normalizeStdAttr))
    return emitError() << "normalize_mean and normalize_std come together";
  llvm::ArrayRef<double> normalizeMean, normalizeStd;
  if (normalizeMeanAttr) {
    normalizeMean = normalizeMeanAttr.asArrayRef();
    normalizeStd = normalizeStdAttr.asArrayRef();
    if (normalizeMean.empty())
      return emitError() << "normalize_mean and normalize_std need a value "
                            "per channel, not an empty list";
  }
  double lighting = lightingF.convertToDouble();
  if (dataset.empty())
    return emitError() << "data needs a dataset name";
  if (resize < 0)
    return emitError() << "resize must be non-negative, got " << resize;
  if (!std::isfinite(lighting) || lighting < 0)
    return emitError() << "lighting must be finite and non-negative, got "
                       << formatNumber(lighting);
  if (std::optional<std::string> problem =
          alexrt::checkTestCrops("test_crops", testCrops))
    return emitError() << *problem;
  if (normalizeMean.size() != normalizeStd.size())
    return emitError() << "normalize_mean has " << normalizeMean.size()
                       << " values and normalize_std " << normalizeStd.size()
                       << ": one each per channel";
  if (!normalizeMean.empty() && meanSubtract)
    return emitError() << "normalize_mean and mean_subtract both subtract a "
                          "mean: give one";
  for (double mean : normalizeMean)
    if (!std::isfinite(mean))
      return emitError() << "normalize_mean must be finite, got "
                         << formatNumber(mean);
  for (double std : normalizeStd)
    if (!std::isfinite(std) || std <= 0)
      return emitError() << "normalize_std must be finite and positive, got "
                         << formatNumber(std);
  return success();
}

TrainingAttr TrainingAttr::withDevices(int64_t devices) const {
  return get(getContext(), getBatch(), getEpochs(), devices, getReplicas(),
             getSeed(), getOptimizer(), getSchedule(), getData(),
             getPrecision());
}

TrainingAttr TrainingAttr::withReplicas(int64_t replicas) const {
  return get(getContext(), getBatch(), getEpochs(), getDevices(), replicas,
             getSeed(), getOptimizer(), getSchedule(), getData(),
             getPrecision());
}

TrainingAttr TrainingAttr::withPrecision(alexrt::Precision precision) const {
  return get(getContext(), getBatch(), getEpochs(), getDevices(), getReplicas(),
             getSeed(), getOptimizer(), getSchedule(), getData(), precision);
}

LogicalResult TrainingAttr::verify(EmitFn emitError, int64_t batch,
                                   int64_t epochs, int64_t devices,
                                   int64_t replicas, int64_t seed,
                                   SGDAttr optimizer, Attribute schedule,
                                   DataAttr data, alexrt::Precision) {
  if (batch <= 0)
    return emitError() << "batch must be positive, got " << batch;
  if (epochs <= 0)
    return emitError() << "epochs must be positive, got " << epochs;
  if (std::optional<std::string> problem = alexrt::checkDevices(devices))
    return emitError() << *problem;
  if (replicas < 1)
    return emitError() << "replicas must be positive, got " << replicas;
  if (batch % replicas != 0)
    return emitError() << "batch " << batch << " does not split evenly across "
                       << replicas << " replicas";
  if (seed < 0)
    return emitError() << "seed must be non-negative, got " << seed;
  if (!optimizer || !data)
    return emitError() << "training needs an optimizer and data";
  if (!isa<UnitAttr, StepScheduleAttr, PlateauScheduleAttr>(schedule))
    return emitError() << "schedule must be unit, #alex.step_schedule or "
                          "#alex.plateau_schedule";
  return success();
}

LogicalResult PrecisionAttr::verify(EmitFn emitError, alexrt::Precision value) {
  if (!alexrt::convertsOperands(value))
    return emitError() << "#alex.precision names a format products' operands "
                          "are converted to, not "
                       << alexrt::precisionName(value);
  return success();
}

LogicalResult DeviceAttr::verify(EmitFn emitError, int64_t index,
                                 int64_t count) {
  if (count < 1 || index < 0 || index >= count)
    return emitError() << "device " << index << " is not one of " << count;
  return success();
}
