//===- Partition.cpp - the paper's towers: one function per device --------===//
//
// Splits every function of alex ops (the evaluation @forward and the whole
// @train_step, backward included) into one function per device. Each layer
// is split by its outputs (channels, neurons): device d holds block d of
// dimension 1 of every activation and rows block d of every parameter, its
// momentum and its gradient. A value's layout says how it is held:
//
//   replicated  every device has all of it (images, labels, the loss);
//   columns     device d has block d of dimension 1;
//   rows        device d has block d of dimension 0 (parameters, gradients);
//   partial     every device has a partial sum of all of it (the input
//               gradient of a layer whose outputs are split).
//
// Ops whose inputs are not in the layout they need get an exchange first:
// columns -> replicated is an alex.all_gather (the input of conv3 and of
// every dense layer, as in the paper), partial -> columns an
// alex.reduce_scatter (their mirror in the backward pass), replicated ->
// columns a local alex.take_block. Grouped layers whose groups divide among
// the devices (conv2, conv4, conv5, lrn groups=2) stay on their tower.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialect/OpVerification.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

namespace alex {
#define GEN_PASS_DEF_ALEXPARTITION
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

enum class Layout { Replicated, Columns, Rows, Partial };

/// Per-device versions of one value.
using PerDevice = llvm::SmallVector<Value, 2>;

class FunctionPartitioner {
public:
  FunctionPartitioner(func::FuncOp source, int64_t devices,
                      int64_t &nextExchange)
      : source(source), devices(devices), nextExchange(nextExchange) {}

  LogicalResult run();

private:
  /// `type` with dimension `dim` divided among the devices.
  RankedTensorType blockType(Type type, unsigned dim) const {
    auto tensor = cast<RankedTensorType>(type);
    Shape shape(tensor.getShape());
    shape[dim] /= devices;
    return tensor.clone(shape);
  }
  /// Fails with a diagnostic, in the model's words, unless `count` of the
  /// layer's `what` divide among the devices.
  LogicalResult divisible(Operation *op, llvm::StringRef what,
                          int64_t count) const {
    if (count % devices == 0)
      return success();
    std::string layer = layerName(op->getLoc(), "");
    return op->emitError() << (layer.empty()
                                   ? "'" + op->getName().getStringRef().str() +
                                         "'"
                                   : "layer '" + layer + "'")
                           << " cannot be split across " << devices
                           << " devices: its " << count << " " << what
                           << " do not divide among them (use a "
                           << "multiple of " << devices << ", or devices = 1)";
  }
  /// Whether a layer with `groups` groups stays on each device (its groups
  /// divide among them) rather than reading every device's input (groups
  /// 1); fails with a diagnostic if neither.
  FailureOr<bool> groupsStayLocal(Operation *op, int64_t groups) const {
    if (groups % devices == 0)
      return true;
    if (groups == 1)
      return false;
    return op->emitOpError()
           << "cannot be split across " << devices << " devices: its " << groups
           << " groups neither divide among them nor are 1";
  }
  /// LRN windows must not cross devices: fails with a diagnostic unless
  /// the channel groups divide among them.
  LogicalResult lrnStaysLocal(Operation *op, int64_t groups) const {
    if (groups % devices == 0)
      return success();
    return op->emitOpError()
           << "normalizes across " << groups
           << " channel group(s), which cannot stay on " << devices
           << " devices: give the lrn groups=" << devices
           << " (each tower normalizes its own channels, as in the paper)";
  }
  /// The per-device versions of `value` in layout `want`, exchanging or
  /// taking blocks as needed; null after a diagnostic at `user`.
  std::optional<PerDevice> as(Value value, Layout want, Operation *user);
  /// Records the per-device results of `op` (one op per device).
  void define(Value old, Layout layout, PerDevice values) {
    layouts[old] = layout;
    versions[old] = std::move(values);
  }
  /// Creates one op per device with `build(d)`.
  template <typename Fn> PerDevice each(Location loc, Fn build) {
    PerDevice values;
    for (int64_t d = 0; d < devices; ++d) {
      builders[d].setInsertionPointToEnd(&functions[d].getBody().front());
      values.push_back(build(builders[d], d));
    }
    return values;
  }
  /// Splits one op of the source function: a dispatcher to the functions
  /// below, one per kind of op.
  LogicalResult partition(Operation &op);
  /// Clones `op` on every device's channels (its operands as columns),
  /// letting `fix` adjust each clone's attributes.
  LogicalResult
  cloneOnChannels(Operation *op,
                  llvm::function_ref<void(Operation *)> fix = nullptr);
  /// An op with the ChannelLocal trait: on each device's channels.
  LogicalResult splitChannelLocal(Operation *op);
  /// LRN or its gradient: on each device's channels, with its groups.
  template <typename LrnOrGrad> LogicalResult splitLrn(LrnOrGrad op);
  /// A parameter: each device reads its block of rows (outputs).
  LogicalResult splitReadParam(ReadParamOp read);
  /// A convolution: each device's filters give its output channels, from
  /// its own input channels when the groups line up with the devices.
  LogicalResult splitConv(Conv2DOp conv);
  /// A dense layer: each device's weight rows give its output columns.
  LogicalResult splitDense(DenseOp dense);
  /// A dropout mask: each device draws its columns of the whole mask.
  LogicalResult splitDropoutMask(DropoutMaskOp mask);
  /// The loss and its gradient: every device computes them whole.
  LogicalResult computeWhole(Operation *loss);
  /// dense's input gradient: a partial sum on each device.
  LogicalResult splitDenseGradInput(DenseGradInputOp grad);
  /// dense's weight gradient: each device's rows.
  LogicalResult splitDenseGradWeight(DenseGradWeightOp grad);
  /// A bias gradient: each device's rows (its output channels).
  LogicalResult splitBiasGrad(BiasGradOp grad);
  /// A convolution's input gradient: each device's channels when groups
  /// stay local, else partial sums.
  LogicalResult splitConvGradInput(Conv2DGradInputOp grad);
  /// A convolution's filter gradient: each device's filters.
  LogicalResult splitConvGradFilter(Conv2DGradFilterOp grad);
  /// An SGD update: each device updates its rows of the parameter.
  LogicalResult splitUpdate(SGDUpdateOp update);
  /// Returns each device's results, blocks marked with alex.block_dim.
  LogicalResult finish(func::ReturnOp returnOp);

  func::FuncOp source;
  int64_t devices;
  int64_t &nextExchange;
  llvm::SmallVector<func::FuncOp> functions;
  llvm::SmallVector<OpBuilder> builders;
  llvm::DenseMap<Value, Layout> layouts;
  llvm::DenseMap<Value, PerDevice> versions;
  /// Conversions already made: (value, layout) -> per-device values.
  llvm::DenseMap<std::pair<Value, int>, PerDevice> converted;
};

} // namespace

std::optional<PerDevice> FunctionPartitioner::as(Value value, Layout want,
                                                 Operation *user) {
  Layout have = layouts.lookup(value);
  if (have == want)
    return versions.lookup(value);
  auto key = std::make_pair(value, int(want));
  if (auto it = converted.find(key); it != converted.end())
    return it->second;
  Location loc = user->getLoc();
  auto type = cast<RankedTensorType>(value.getType());
  // One collective exchange: the same op, with one number, on every device.
  auto gather = [&](const PerDevice &parts) {
    int64_t id = nextExchange++;
    return each(loc, [&](OpBuilder &b, int64_t d) -> Value {
      return AllGatherOp::create(b, loc, type, parts[d], id, devices);
    });
  };
  auto scatter = [&](const PerDevice &partials) {
    int64_t id = nextExchange++;
    return each(loc, [&](OpBuilder &b, int64_t d) -> Value {
      return ReduceScatterOp::create(b, loc, blockType(type, 1), partials[d],
                                     id, devices);
    });
  };
  PerDevice result;
  if (have == Layout::Replicated && want == Layout::Columns) {
    PerDevice whole = versions.lookup(value);
    result = each(loc, [&](OpBuilder &b, int64_t d) -> Value {
      return TakeBlockOp::create(b, loc, blockType(type, 1), whole[d], d,
                                 devices);
    });
  } else if (have == Layout::Columns && want == Layout::Replicated) {
    result = gather(versions.lookup(value));
  } else if (have == Layout::Partial && want == Layout::Columns) {
    result = scatter(versions.lookup(value));
  } else if (have == Layout::Partial && want == Layout::Replicated) {
    std::optional<PerDevice> columns = as(value, Layout::Columns, user);
    if (!columns)
      return std::nullopt;
    result = gather(*columns);
  } else {
    user->emitOpError() << "alex-partition cannot give this operand the "
                           "layout the op needs";
    return std::nullopt;
  }
  converted[key] = result;
  return result;
}

LogicalResult FunctionPartitioner::partition(Operation &op) {
  if (op.hasTrait<ChannelLocal>())
    return splitChannelLocal(&op);
  return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](ReadParamOp read) { return splitReadParam(read); })
      .Case([&](Conv2DOp conv) { return splitConv(conv); })
      .Case([&](DenseOp dense) { return splitDense(dense); })
      .Case([&](LRNOp lrn) { return splitLrn(lrn); })
      .Case([&](LRNGradOp grad) { return splitLrn(grad); })
      .Case([&](DropoutMaskOp mask) { return splitDropoutMask(mask); })
      .Case<SoftmaxCrossEntropyOp, SoftmaxCrossEntropyGradOp>(
          [&](Operation *loss) { return computeWhole(loss); })
      .Case([&](DenseGradInputOp grad) { return splitDenseGradInput(grad); })
      .Case([&](DenseGradWeightOp grad) { return splitDenseGradWeight(grad); })
      .Case([&](BiasGradOp grad) { return splitBiasGrad(grad); })
      .Case([&](Conv2DGradInputOp grad) { return splitConvGradInput(grad); })
      .Case([&](Conv2DGradFilterOp grad) { return splitConvGradFilter(grad); })
      .Case([&](SGDUpdateOp update) { return splitUpdate(update); })
      .Case([&](func::ReturnOp returnOp) { return finish(returnOp); })
      .Default([&](Operation *other) {
        return other->emitOpError()
               << "is not an op --alex-partition can split (run it right "
                  "after --alex-build-train-step)";
      });
}

LogicalResult FunctionPartitioner::cloneOnChannels(
    Operation *op, llvm::function_ref<void(Operation *)> fix) {
  llvm::SmallVector<PerDevice> operands;
  for (Value operand : op->getOperands()) {
    std::optional<PerDevice> split = as(operand, Layout::Columns, op);
    if (!split)
      return failure();
    operands.push_back(*split);
  }
  PerDevice results = each(op->getLoc(), [&](OpBuilder &b, int64_t d) {
    IRMapping mapping;
    for (auto [old, split] : llvm::zip(op->getOperands(), operands))
      mapping.map(old, split[d]);
    Operation *clone = b.clone(*op, mapping);
    clone->getResult(0).setType(blockType(op->getResult(0).getType(), 1));
    if (fix)
      fix(clone);
    return clone->getResult(0);
  });
  define(op->getResult(0), Layout::Columns, results);
  return success();
}

LogicalResult FunctionPartitioner::splitChannelLocal(Operation *op) {
  llvm::ArrayRef<int64_t> shape = shapeOf(op->getResult(0));
  if (shape.size() < 2)
    return op->emitOpError()
           << "has no channels to split across " << devices
           << " devices (its result has rank " << shape.size() << ")";
  if (failed(divisible(op, "channels or features", shape[1])))
    return failure();
  return cloneOnChannels(op);
}

template <typename LrnOrGrad>
LogicalResult FunctionPartitioner::splitLrn(LrnOrGrad op) {
  // Each device normalizes its own channel groups.
  if (failed(lrnStaysLocal(op, op.getGroups())))
    return failure();
  return cloneOnChannels(op, [&](Operation *clone) {
    auto local = cast<LrnOrGrad>(clone);
    local.setGroups(local.getGroups() / devices);
  });
}

LogicalResult FunctionPartitioner::splitReadParam(ReadParamOp read) {
  Location loc = read.getLoc();
  auto type = cast<RankedTensorType>(read.getType());
  if (failed(divisible(read, "outputs", type.getDimSize(0))))
    return failure();
  int64_t rows = type.getDimSize(0) / devices;
  define(read.getValue(), Layout::Rows,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return ReadParamOp::create(
               b, loc, blockType(type, 0), read.getParamAttr(),
               b.getDenseI64ArrayAttr({d * rows, (d + 1) * rows}));
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitConv(Conv2DOp conv) {
  Location loc = conv.getLoc();
  int64_t groups = conv.getGroups();
  FailureOr<bool> stays = groupsStayLocal(conv, groups);
  if (failed(stays))
    return failure();
  bool local = *stays;
  std::optional<PerDevice> x =
      as(conv.getInput(), local ? Layout::Columns : Layout::Replicated, conv);
  std::optional<PerDevice> w = as(conv.getFilter(), Layout::Rows, conv);
  std::optional<PerDevice> bias = as(conv.getBias(), Layout::Rows, conv);
  if (!x || !w || !bias)
    return failure();
  define(conv.getOutput(), Layout::Columns,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return Conv2DOp::create(b, loc, blockType(conv.getType(), 1),
                                   (*x)[d], (*w)[d], (*bias)[d],
                                   conv.getStride(), conv.getPad(),
                                   local ? groups / devices : 1);
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitDense(DenseOp dense) {
  Location loc = dense.getLoc();
  std::optional<PerDevice> x = as(dense.getInput(), Layout::Replicated, dense);
  std::optional<PerDevice> w = as(dense.getWeight(), Layout::Rows, dense);
  std::optional<PerDevice> bias = as(dense.getBias(), Layout::Rows, dense);
  if (!x || !w || !bias)
    return failure();
  define(dense.getOutput(), Layout::Columns,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return DenseOp::create(b, loc, blockType(dense.getType(), 1),
                                  (*x)[d], (*w)[d], (*bias)[d]);
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitDropoutMask(DropoutMaskOp mask) {
  Location loc = mask.getLoc();
  auto type = cast<RankedTensorType>(mask.getType());
  if (failed(divisible(mask, "features", type.getDimSize(1))))
    return failure();
  std::optional<PerDevice> step = as(mask.getStep(), Layout::Replicated, mask);
  if (!step)
    return failure();
  int64_t width = type.getDimSize(1) / devices;
  define(mask.getMask(), Layout::Columns,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return DropoutMaskOp::create(
               b, loc, blockType(type, 1), (*step)[d], mask.getRate(),
               mask.getStream(),
               b.getDenseI64ArrayAttr({d * width, type.getDimSize(1)}));
         }));
  return success();
}

LogicalResult FunctionPartitioner::computeWhole(Operation *loss) {
  // The loss needs every logit: each device computes it whole.
  std::optional<PerDevice> logits =
      as(loss->getOperand(0), Layout::Replicated, loss);
  std::optional<PerDevice> labels =
      as(loss->getOperand(1), Layout::Replicated, loss);
  if (!logits || !labels)
    return failure();
  define(loss->getResult(0), Layout::Replicated,
         each(loss->getLoc(), [&](OpBuilder &b, int64_t d) -> Value {
           IRMapping mapping;
           mapping.map(loss->getOperand(0), (*logits)[d]);
           mapping.map(loss->getOperand(1), (*labels)[d]);
           return b.clone(*loss, mapping)->getResult(0);
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitDenseGradInput(DenseGradInputOp grad) {
  Location loc = grad.getLoc();
  std::optional<PerDevice> dy = as(grad.getOutputGrad(), Layout::Columns, grad);
  std::optional<PerDevice> w = as(grad.getWeight(), Layout::Rows, grad);
  if (!dy || !w)
    return failure();
  define(grad.getInputGrad(), Layout::Partial,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return DenseGradInputOp::create(b, loc, grad.getType(), (*dy)[d],
                                           (*w)[d]);
         }));
  return success();
}

LogicalResult
FunctionPartitioner::splitDenseGradWeight(DenseGradWeightOp grad) {
  Location loc = grad.getLoc();
  std::optional<PerDevice> dy = as(grad.getOutputGrad(), Layout::Columns, grad);
  std::optional<PerDevice> x = as(grad.getInput(), Layout::Replicated, grad);
  if (!dy || !x)
    return failure();
  define(grad.getWeightGrad(), Layout::Rows,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return DenseGradWeightOp::create(
               b, loc, blockType(grad.getType(), 0), (*dy)[d], (*x)[d]);
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitBiasGrad(BiasGradOp grad) {
  Location loc = grad.getLoc();
  std::optional<PerDevice> dy = as(grad.getOutputGrad(), Layout::Columns, grad);
  if (!dy)
    return failure();
  define(grad.getBiasGrad(), Layout::Rows,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return BiasGradOp::create(b, loc, blockType(grad.getType(), 0),
                                     (*dy)[d]);
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitConvGradInput(Conv2DGradInputOp grad) {
  Location loc = grad.getLoc();
  int64_t groups = grad.getGroups();
  FailureOr<bool> stays = groupsStayLocal(grad, groups);
  if (failed(stays))
    return failure();
  bool local = *stays;
  std::optional<PerDevice> dy = as(grad.getOutputGrad(), Layout::Columns, grad);
  std::optional<PerDevice> w = as(grad.getFilter(), Layout::Rows, grad);
  if (!dy || !w)
    return failure();
  define(grad.getInputGrad(), local ? Layout::Columns : Layout::Partial,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return Conv2DGradInputOp::create(
               b, loc, local ? blockType(grad.getType(), 1) : grad.getType(),
               (*dy)[d], (*w)[d], grad.getStride(), grad.getPad(),
               local ? groups / devices : 1);
         }));
  return success();
}

LogicalResult
FunctionPartitioner::splitConvGradFilter(Conv2DGradFilterOp grad) {
  Location loc = grad.getLoc();
  int64_t groups = grad.getGroups();
  FailureOr<bool> stays = groupsStayLocal(grad, groups);
  if (failed(stays))
    return failure();
  bool local = *stays;
  std::optional<PerDevice> x =
      as(grad.getInput(), local ? Layout::Columns : Layout::Replicated, grad);
  std::optional<PerDevice> dy = as(grad.getOutputGrad(), Layout::Columns, grad);
  if (!x || !dy)
    return failure();
  define(grad.getFilterGrad(), Layout::Rows,
         each(loc, [&](OpBuilder &b, int64_t d) -> Value {
           return Conv2DGradFilterOp::create(
               b, loc, blockType(grad.getType(), 0), (*x)[d], (*dy)[d],
               grad.getStride(), grad.getPad(), local ? groups / devices : 1);
         }));
  return success();
}

LogicalResult FunctionPartitioner::splitUpdate(SGDUpdateOp update) {
  std::optional<PerDevice> grad = as(update.getGrad(), Layout::Rows, update);
  std::optional<PerDevice> lr = as(update.getLr(), Layout::Replicated, update);
  if (!grad || !lr)
    return failure();
  int64_t rows = shapeOf(update.getGrad())[0] / devices;
  each(update.getLoc(), [&](OpBuilder &b, int64_t d) -> Value {
    SGDUpdateOp::create(b, update.getLoc(), update.getParamAttr(), (*grad)[d],
                        (*lr)[d], update.getMomentumAttr(),
                        update.getWeightDecayAttr(),
                        b.getDenseI64ArrayAttr({d * rows, (d + 1) * rows}),
                        update.getLrMultAttr());
    return Value();
  });
  return success();
}

LogicalResult FunctionPartitioner::finish(func::ReturnOp returnOp) {
  // Split results stay split: each device writes its block of the output
  // (alex.block_dim says which dimension); replicated ones come from
  // device 0. Partial sums are reduced first.
  llvm::SmallVector<PerDevice> results;
  llvm::SmallVector<std::optional<int64_t>> blockDims;
  for (Value value : returnOp.getOperands()) {
    Layout layout = layouts.lookup(value);
    if (layout == Layout::Partial)
      layout = Layout::Columns;
    std::optional<PerDevice> values = as(value, layout, returnOp);
    if (!values)
      return failure();
    results.push_back(*values);
    blockDims.push_back(layout == Layout::Columns ? std::optional<int64_t>(1)
                        : layout == Layout::Rows  ? std::optional<int64_t>(0)
                                                  : std::nullopt);
  }
  for (int64_t d = 0; d < devices; ++d) {
    llvm::SmallVector<Value> operands;
    for (PerDevice &values : results)
      operands.push_back(values[d]);
    builders[d].setInsertionPointToEnd(&functions[d].getBody().front());
    func::ReturnOp::create(builders[d], returnOp.getLoc(), operands);
    functions[d].setFunctionType(
        FunctionType::get(source.getContext(), source.getArgumentTypes(),
                          ValueRange(operands).getTypes()));
    for (auto [i, dim] : llvm::enumerate(blockDims))
      if (dim)
        functions[d].setResultAttr(i, kBlockDimAttrName,
                                   builders[d].getI64IntegerAttr(*dim));
  }
  return success();
}

LogicalResult FunctionPartitioner::run() {
  OpBuilder top(source);
  MLIRContext *context = source.getContext();
  for (int64_t d = 0; d < devices; ++d) {
    auto function = func::FuncOp::create(
        top, source.getLoc(),
        (source.getName() + "_device" + llvm::Twine(d)).str(),
        source.getFunctionType());
    function->setAttr(kDeviceAttrName, DeviceAttr::get(context, d, devices));
    function.addEntryBlock();
    functions.push_back(function);
    builders.emplace_back(context);
  }
  for (auto [i, arg] : llvm::enumerate(source.getArguments())) {
    PerDevice args;
    for (func::FuncOp function : functions)
      args.push_back(function.getArgument(i));
    define(arg, Layout::Replicated, args);
  }
  for (Operation &op : source.getBody().front())
    if (failed(partition(op)))
      return failure();
  source.erase();
  return success();
}

namespace {
struct Partition : public alex::impl::AlexPartitionBase<Partition> {
  using AlexPartitionBase::AlexPartitionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto training = module->getAttrOfType<TrainingAttr>(kTrainingAttrName);
    int64_t devices = numDevices;
    if (devices == 0)
      devices = training ? training.getDevices() : 1;
    if (devices < 1 || devices > 64) {
      module.emitError() << "--alex-partition supports 1 to 64 devices, got "
                         << devices;
      return signalPassFailure();
    }
    if (training)
      module->setAttr(kTrainingAttrName, training.withDevices(devices));
    if (devices == 1)
      return;
    int64_t nextExchange = 0;
    llvm::SmallVector<func::FuncOp> functions;
    for (auto function : module.getOps<func::FuncOp>())
      if (!function.isExternal() && !function->hasAttr(kDeviceAttrName))
        functions.push_back(function);
    for (func::FuncOp function : functions)
      if (failed(FunctionPartitioner(function, devices, nextExchange).run()))
        return signalPassFailure();
  }
};
} // namespace
