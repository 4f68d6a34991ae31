//===- AlexDialect.cpp - registration of the alex dialect -----------------===//

#include "dialect/AlexDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace alex;

#include "dialect/AlexDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/AlexAttrs.cpp.inc"

void AlexDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialect/AlexAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialect/AlexOps.cpp.inc"
      >();
}

alexrt::Precision alex::productPrecision(Operation *op) {
  auto precision = op->getAttrOfType<PrecisionAttr>(kPrecisionAttrName);
  return precision ? precision.getValue() : alexrt::Precision::FP32;
}

/// The module attribute `alex.training` must hold an `#alex.training`; the
/// memory-plan attributes are byte counts; `alex.device` is a device;
/// `alex.profile_regions` lists {layer, phase, flops} dictionaries;
/// `alex.precision` sits on ops with products.
LogicalResult AlexDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() == kWorkspaceBytesAttrName ||
      attr.getName() == kUnplannedBytesAttrName ||
      attr.getName() == kHeapBytesAttrName) {
    auto bytes = dyn_cast<IntegerAttr>(attr.getValue());
    if (!bytes || bytes.getInt() < 0)
      return op->emitError() << "'" << attr.getName().getValue()
                             << "' must be a non-negative integer";
    return success();
  }
  if (attr.getName() == kDeviceAttrName) {
    if (!isa<DeviceAttr>(attr.getValue()))
      return op->emitError()
             << "'" << kDeviceAttrName << "' must be an #alex.device attribute";
    return success();
  }
  if (attr.getName() == kGpuKernelsAttrName) {
    if (!isa<UnitAttr>(attr.getValue()) || !isa<ModuleOp>(op))
      return op->emitError() << "'" << kGpuKernelsAttrName
                             << "' must be a unit attribute of a module";
    return success();
  }
  if (attr.getName() == kProfileRegionsAttrName) {
    auto regions = dyn_cast<ArrayAttr>(attr.getValue());
    bool valid = regions && llvm::all_of(regions, [](Attribute region) {
                   auto entry = dyn_cast<DictionaryAttr>(region);
                   return entry && entry.getAs<StringAttr>("layer") &&
                          entry.getAs<StringAttr>("phase") &&
                          entry.getAs<IntegerAttr>("flops");
                 });
    if (!valid)
      return op->emitError() << "'" << kProfileRegionsAttrName
                             << "' must be an array of {layer, phase, flops} "
                                "dictionaries";
    return success();
  }
  if (attr.getName() == kPrecisionAttrName) {
    if (!isa<PrecisionAttr>(attr.getValue()))
      return op->emitError() << "'" << kPrecisionAttrName
                             << "' must be an #alex.precision attribute";
    if (!isa<MultiplyAddOpInterface>(op))
      return op->emitError()
             << "'" << kPrecisionAttrName
             << "' belongs on an op with products (convolutions, dense "
                "layers, their gradients and fused blocks)";
    return success();
  }
  if (attr.getName() != kTrainingAttrName)
    return op->emitError() << "unknown alex attribute '"
                           << attr.getName().getValue() << "'";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << kTrainingAttrName
                           << "' belongs on a module";
  if (!isa<TrainingAttr>(attr.getValue()))
    return op->emitError() << "'" << kTrainingAttrName
                           << "' must be an #alex.training attribute";
  return success();
}

std::string alex::layerName(Location loc, llvm::StringRef fallback) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string names;
    for (Location part : fused.getLocations())
      if (auto named = dyn_cast<NameLoc>(part))
        names += (names.empty() ? "" : "+") + named.getName().str();
    if (!names.empty())
      return names;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return layerName(call.getCallee(), fallback);
  return fallback.str();
}
