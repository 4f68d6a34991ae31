//===- MLIRGen.cpp - a checked model as alex dialect IR -------------------===//

#include "frontend/MLIRGen.h"

#include "dialect/AlexDialect.h"
#include "dialect/Shapes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace alex;

namespace {

/// No tensor may hold more elements than this (keeps sizes far from int64
/// overflow whatever the model says).
constexpr int64_t kMaxElements = int64_t(1) << 40;

class Generator {
public:
  Generator(const Model &model, MLIRContext &context,
            const llvm::SourceMgr &sourceMgr)
      : model(model), context(context), sourceMgr(sourceMgr),
        builder(&context) {}

  OwningOpRef<ModuleOp> run();

private:
  Location loc(llvm::SMLoc where) {
    unsigned buffer = sourceMgr.FindBufferContainingLoc(where);
    if (!buffer)
      return UnknownLoc::get(&context);
    auto [line, col] = sourceMgr.getLineAndColumn(where, buffer);
    return FileLineColLoc::get(
        &context, sourceMgr.getMemoryBuffer(buffer)->getBufferIdentifier(),
        line, col);
  }
  Location layerLoc(const Layer &layer) {
    return NameLoc::get(builder.getStringAttr(layer.name), loc(layer.loc));
  }

  RankedTensorType f32Tensor(llvm::ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }
  LogicalResult checkSize(const Layer &layer, llvm::ArrayRef<int64_t> shape);

  Attribute initAttr(const InitRule &rule);
  Attribute trainingAttr();
  /// Declares `<layer>.<role>` and reads it in the function.
  Value param(const Layer &layer, llvm::StringRef role,
              llvm::ArrayRef<int64_t> shape, const InitRule &rule);
  /// Builds one layer's op; null after reporting an error.
  Value emitLayer(const Layer &layer, llvm::ArrayRef<Value> inputs);

  const Model &model;
  MLIRContext &context;
  const llvm::SourceMgr &sourceMgr;
  OpBuilder builder;
  ModuleOp module;
  func::FuncOp function;
};

} // namespace

LogicalResult Generator::checkSize(const Layer &layer,
                                   llvm::ArrayRef<int64_t> shape) {
  int64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim > kMaxElements / elements)
      return emitError(layerLoc(layer))
             << "'" << layer.name << "' would hold a tensor of "
             << formatShape(shape) << " elements, too large";
    elements *= dim;
  }
  return success();
}

Attribute Generator::initAttr(const InitRule &rule) {
  auto emit = [&] { return emitError(loc(rule.loc)); };
  switch (rule.kind) {
  case InitRule::Kind::Constant:
    return ConstantInitAttr::getChecked(emit, &context,
                                        llvm::APFloat(rule.value));
  case InitRule::Kind::Gaussian:
    return GaussianInitAttr::getChecked(emit, &context, llvm::APFloat(rule.std),
                                        llvm::APFloat(rule.mean));
  case InitRule::Kind::Xavier:
    return XavierInitAttr::getChecked(emit, &context, llvm::APFloat(rule.gain));
  }
  return {};
}

Attribute Generator::trainingAttr() {
  const alex::Recipe &recipe = model.recipe;
  auto emitAt = [&](llvm::SMLoc where) {
    return [this, where] { return emitError(loc(where)); };
  };
  auto sgd = SGDAttr::getChecked(
      emitAt(recipe.optimizerLoc), &context, llvm::APFloat(recipe.lr),
      llvm::APFloat(recipe.momentum), llvm::APFloat(recipe.weightDecay));
  Attribute schedule;
  const Schedule &s = recipe.schedule;
  switch (s.kind) {
  case Schedule::Kind::Constant:
    schedule = builder.getUnitAttr();
    break;
  case Schedule::Kind::Step:
    schedule =
        StepScheduleAttr::getChecked(emitAt(recipe.optimizerLoc), &context,
                                     s.every, llvm::APFloat(s.factor));
    break;
  case Schedule::Kind::Plateau:
    schedule = PlateauScheduleAttr::getChecked(
        emitAt(recipe.optimizerLoc), &context, llvm::APFloat(s.factor),
        s.patience, s.maxDrops);
    break;
  }
  const alex::DataSpec &d = recipe.data;
  // `normalize`'s lists; null when the model has none.
  auto perChannel = [&](const std::vector<double> &values) {
    return values.empty() ? DenseF64ArrayAttr()
                          : DenseF64ArrayAttr::get(&context, values);
  };
  auto data = DataAttr::getChecked(
      emitAt(d.loc), &context, llvm::StringRef(d.dataset),
      llvm::StringRef(d.path), d.resize, d.randomCrop, d.flip,
      llvm::APFloat(d.lighting), d.meanSubtract, d.testCrops,
      perChannel(d.normalize.mean), perChannel(d.normalize.stdDev));
  if (!sgd || !schedule || !data)
    return {};
  return TrainingAttr::getChecked(
      emitAt(recipe.trainLoc), &context, recipe.batch, recipe.epochs,
      recipe.devices, recipe.replicas, recipe.seed, sgd, schedule, data,
      *alexrt::precisionNamed(recipe.precision));
}

Value Generator::param(const Layer &layer, llvm::StringRef role,
                       llvm::ArrayRef<int64_t> shape, const InitRule &rule) {
  Attribute init = initAttr(rule);
  if (!init)
    return {};
  std::string name = (layer.name + "." + role).str();
  RankedTensorType type = f32Tensor(shape);
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(function);
    StringAttr pytorchName =
        layer.pytorchName.empty()
            ? StringAttr()
            : builder.getStringAttr(layer.pytorchName + "." + role.str());
    FloatAttr lrMult =
        layer.lrMult == 1 ? FloatAttr() : builder.getF64FloatAttr(layer.lrMult);
    ParamOp::create(builder, layerLoc(layer), name, type, init, pytorchName,
                    lrMult);
  }
  return ReadParamOp::create(builder, layerLoc(layer), type,
                             FlatSymbolRefAttr::get(&context, name),
                             /*rows=*/nullptr);
}

Value Generator::emitLayer(const Layer &layer, llvm::ArrayRef<Value> inputs) {
  Location where = layerLoc(layer);
  auto emit = [&] { return emitError(where); };
  auto shapeOf = [](Value value) {
    return cast<RankedTensorType>(value.getType()).getShape();
  };
  auto finish = [&](FailureOr<Shape> shape, auto create) -> Value {
    if (failed(shape) || failed(checkSize(layer, *shape)))
      return {};
    return create(f32Tensor(*shape));
  };

  switch (layer.kind) {
  case LayerKind::Input:
  case LayerKind::Labels:
    llvm_unreachable("inputs are function arguments");
  case LayerKind::Conv: {
    llvm::ArrayRef<int64_t> in = shapeOf(inputs[0]);
    int64_t channelsPerGroup =
        in.size() == 4 ? in[1] / std::max<int64_t>(layer.groups, 1) : 0;
    Shape filterShape{layer.filters, channelsPerGroup, layer.kernel,
                      layer.kernel};
    FailureOr<Shape> out =
        inferConv2DShape(in, filterShape, {layer.filters}, layer.stride,
                         layer.pad, layer.groups, emit);
    if (failed(out) || failed(checkSize(layer, filterShape)))
      return {};
    Value filter = param(layer, "weight", filterShape, layer.weightInit);
    Value bias = param(layer, "bias", {layer.filters}, layer.biasInit);
    if (!filter || !bias)
      return {};
    return finish(out, [&](Type type) {
      return Conv2DOp::create(builder, where, type, inputs[0], filter, bias,
                              layer.stride, layer.pad, layer.groups);
    });
  }
  case LayerKind::Dense: {
    llvm::ArrayRef<int64_t> in = shapeOf(inputs[0]);
    Shape weightShape{layer.units, in.size() == 2 ? in[1] : 0};
    FailureOr<Shape> out =
        inferDenseShape(in, weightShape, {layer.units}, emit);
    if (failed(out) || failed(checkSize(layer, weightShape)))
      return {};
    Value weight = param(layer, "weight", weightShape, layer.weightInit);
    Value bias = param(layer, "bias", {layer.units}, layer.biasInit);
    if (!weight || !bias)
      return {};
    return finish(out, [&](Type type) {
      return DenseOp::create(builder, where, type, inputs[0], weight, bias);
    });
  }
  case LayerKind::Relu:
    return ReluOp::create(builder, where, inputs[0]);
  case LayerKind::LRN:
    if (failed(verifyLRN(shapeOf(inputs[0]), layer.size, layer.alpha,
                         layer.beta, layer.k, layer.groups, emit)))
      return {};
    return LRNOp::create(builder, where, inputs[0], layer.size,
                         llvm::APFloat(layer.alpha), llvm::APFloat(layer.beta),
                         llvm::APFloat(layer.k), layer.groups);
  case LayerKind::MaxPool:
    return finish(
        inferMaxPoolShape(shapeOf(inputs[0]), layer.window, layer.stride, emit),
        [&](Type type) {
          return MaxPoolOp::create(builder, where, type, inputs[0],
                                   layer.window, layer.stride);
        });
  case LayerKind::Flatten:
    return finish(inferFlattenShape(shapeOf(inputs[0]), emit), [&](Type type) {
      return FlattenOp::create(builder, where, type, inputs[0]);
    });
  case LayerKind::Dropout:
    if (failed(verifyDropoutRate(layer.rate, emit)))
      return {};
    return DropoutOp::create(builder, where, inputs[0],
                             llvm::APFloat(layer.rate));
  case LayerKind::Loss:
    if (failed(verifyLossShapes(shapeOf(inputs[0]), shapeOf(inputs[1]), emit)))
      return {};
    return SoftmaxCrossEntropyOp::create(builder, where, f32Tensor({}),
                                         inputs[0], inputs[1]);
  }
  return {};
}

OwningOpRef<ModuleOp> Generator::run() {
  context.loadDialect<AlexDialect, func::FuncDialect>();
  Attribute training = trainingAttr();
  if (!training)
    return nullptr;

  OwningOpRef<ModuleOp> owned = ModuleOp::create(loc(model.loc), model.name);
  module = *owned;
  module->setAttr(kTrainingAttrName, training);

  // The inputs become the function's arguments: images, then labels.
  const Layer *images = nullptr, *labels = nullptr;
  for (const Layer &layer : model.layers) {
    if (layer.kind == LayerKind::Input)
      images = &layer;
    if (layer.kind == LayerKind::Labels)
      labels = &layer;
  }
  // Each replica computes its share of the global batch.
  int64_t batch = model.recipe.batch / model.recipe.replicas;
  Shape imageShape{batch};
  imageShape.append(images->shape.begin(), images->shape.end());
  if (failed(checkSize(*images, imageShape)))
    return nullptr;
  Type labelType = RankedTensorType::get({batch}, builder.getI32Type());

  builder.setInsertionPointToEnd(module.getBody());
  function = func::FuncOp::create(
      builder, loc(model.loc), "forward",
      builder.getFunctionType({f32Tensor(imageShape), labelType}, {}));
  Block *body = function.addEntryBlock();
  body->getArgument(0).setLoc(layerLoc(*images));
  body->getArgument(1).setLoc(layerLoc(*labels));
  builder.setInsertionPointToStart(body);

  std::vector<Value> values(model.layers.size());
  Value loss, logits;
  for (auto [i, layer] : llvm::enumerate(model.layers)) {
    if (layer.kind == LayerKind::Input || layer.kind == LayerKind::Labels) {
      values[i] = body->getArgument(layer.kind == LayerKind::Input ? 0 : 1);
      continue;
    }
    llvm::SmallVector<Value, 2> inputs;
    for (unsigned input : layer.inputs)
      inputs.push_back(values[input]);
    values[i] = emitLayer(layer, inputs);
    if (!values[i])
      return nullptr;
    if (layer.kind == LayerKind::Loss) {
      loss = values[i];
      logits = inputs[0];
    }
  }

  func::ReturnOp::create(builder, loc(model.loc), ValueRange{loss, logits});
  function.setFunctionType(builder.getFunctionType(
      body->getArgumentTypes(), {loss.getType(), logits.getType()}));
  if (failed(verify(module)))
    return nullptr;
  return owned;
}

OwningOpRef<ModuleOp> alex::buildModule(const Model &model,
                                        MLIRContext &context,
                                        const llvm::SourceMgr &sourceMgr) {
  return Generator(model, context, sourceMgr).run();
}
