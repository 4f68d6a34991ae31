//===- LowerToLoops.cpp - alex functions as loops over buffers ------------===//

#include "passes/Passes.h"
#include "passes/lowering/DeviceKernels.h"
#include "passes/lowering/KernelParts.h"
#include "passes/lowering/LoopKernels.h"
#include "runtime/RuntimeCalls.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Builders.h"

#include <set>

namespace alex {
#define GEN_PASS_DEF_ALEXLOWERTOLOOPS
#include "passes/Passes.h.inc"
} // namespace alex

using namespace mlir;
using namespace alex;

namespace {

MemRefType bufferType(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

/// A contiguous view of rows [first, first + rows of `type`) of `buffer`.
Value rowsView(LoopBuilder &lb, Value buffer, int64_t first, Type type) {
  MemRefType target = bufferType(type);
  llvm::SmallVector<int64_t> strides = computeStrides(target.getShape());
  auto layout = StridedLayoutAttr::get(lb.builder().getContext(),
                                       first * strides[0], strides);
  auto viewType =
      MemRefType::get(target.getShape(), target.getElementType(), layout);
  return memref::ReinterpretCastOp::create(lb.builder(), viewType, buffer,
                                           first * strides[0],
                                           target.getShape(), strides);
}

/// Whether every use of `value`, and of the views made of it, comes
/// before `op` (in `op`'s block).
bool usedOnlyBefore(Value value, Operation *op) {
  for (Operation *user : value.getUsers()) {
    Operation *top = op->getBlock()->findAncestorOpInBlock(*user);
    if (!top || !top->isBeforeInBlock(op))
      return false;
    if (user->hasTrait<NoKernel>())
      for (Value view : user->getResults())
        if (!usedOnlyBefore(view, op))
          return false;
  }
  return true;
}

/// The profiled region `op` runs in: that of the last alex.profile_mark
/// before it, if any.
std::optional<int32_t> profileRegionOf(Operation *op) {
  for (Operation *before = op->getPrevNode(); before;
       before = before->getPrevNode())
    if (auto mark = dyn_cast<ProfileMarkOp>(before))
      return mark.getRegion();
  return std::nullopt;
}

/// Whether `value` is there at `op`: an argument of its block, or the
/// result of an op before it.
bool availableAt(Value value, Operation *op) {
  Operation *definition = value.getDefiningOp();
  return definition ? definition->getBlock() == op->getBlock() &&
                          definition->isBeforeInBlock(op)
                    : value.getParentBlock() == op->getBlock();
}

/// The update a weight gradient can run with (denseGradWeightWithUpdate):
/// the one alex.sgd_update reading its result, which nothing else reads
/// (summed across replicas, the gradient goes through an alex.all_reduce
/// first), whose learning rate is known at the gradient, of a parameter
/// this function reads before the gradient only. Moved up to the gradient,
/// the update then writes no weight a later op reads.
SGDUpdateOp updateWithGradient(DenseGradWeightOp gradient) {
  Value dw = gradient.getResult();
  if (!dw.hasOneUse())
    return {};
  auto update = dyn_cast<SGDUpdateOp>(*dw.getUsers().begin());
  if (!update || update->getBlock() != gradient->getBlock() ||
      !availableAt(update.getLr(), gradient))
    return {};
  bool readBefore = true;
  gradient->getBlock()->walk([&](ReadParamOp read) {
    if (read.getParamAttr() == update.getParamAttr())
      readBefore &= usedOnlyBefore(read.getValue(), gradient);
  });
  return readBefore ? update : SGDUpdateOp();
}

/// Lowers one function to its buffer form (see the pass description).
class FunctionLowering {
public:
  FunctionLowering(func::FuncOp function, llvm::ArrayRef<ParamOp> params,
                   const llvm::DenseSet<StringAttr> &keptInBf16,
                   const KernelContext &context)
      : function(function), params(params), keptInBf16(keptInBf16),
        context(context) {}

  LogicalResult run();

private:
  /// Buffer for `value` if it is returned (written in place), else a fresh
  /// allocation freed at the end.
  Value resultBuffer(LoopBuilder &lb, Value value);
  /// A view of `source` with the (same-sized) shape of `type`.
  Value view(LoopBuilder &lb, Value source, Type type);
  /// Starts summing a bucket across replicas, in place in its buffers.
  void startSum(LoopBuilder &lb, AllReduceOp sum);
  /// The rows `read` reads of its parameter's bf16 copy kept between steps
  /// (a module global), remade from `values` (those rows' buffer) if the
  /// runtime wrote the parameters since they were made.
  Value keptBf16Rows(LoopBuilder &lb, ReadParamOp read, Value values);
  /// The rows of parameter `param` that `type` (rows of it) spans from row
  /// `first`, in its bf16 copy.
  Value bf16CopyRows(LoopBuilder &lb, StringAttr param, int64_t first,
                     Type type);
  /// Waits for the sums among `values` not waited for yet.
  void waitForSums(LoopBuilder &lb, ValueRange values);
  void waitForBucket(LoopBuilder &lb, int64_t bucket);
  /// The buffers `update` reads and writes: its parameter's (rows) and
  /// momentum's, its gradient and learning rate.
  SGDUpdateBuffers updateBuffers(
      LoopBuilder &lb, SGDUpdateOp update,
      const llvm::DenseMap<StringAttr, std::pair<Value, Value>> &paramBuffers);

  func::FuncOp function;
  llvm::ArrayRef<ParamOp> params;
  /// The parameters whose bf16 copies outlive a step (weightsKeptInBf16).
  const llvm::DenseSet<StringAttr> &keptInBf16;
  KernelContext context;
  /// alexrt_parameters_generation(), called once where first needed.
  Value generation;
  llvm::DenseMap<Value, Value> buffers;
  llvm::DenseMap<Value, Value> outputs;
  llvm::SmallVector<Value> allocations;
  /// alex.all_reduce results whose sums are in flight, and their buckets.
  llvm::DenseMap<Value, int64_t> inFlight;
  /// Whether the function's updates were emitted together (gpuKernels).
  bool updatesDone = false;
  /// Updates emitted with their weight gradients (updateWithGradient).
  llvm::DenseSet<Operation *> updatedWithGradient;
  /// Forward convolutions' columns kept for their weight gradients.
  ConvColsCache colsCache;
};

} // namespace

Value FunctionLowering::resultBuffer(LoopBuilder &lb, Value value) {
  if (Value out = outputs.lookup(value))
    return out;
  Value buffer = lb.alloc(bufferType(value.getType()));
  allocations.push_back(buffer);
  return buffer;
}

Value FunctionLowering::view(LoopBuilder &lb, Value source, Type type) {
  MemRefType target = bufferType(type);
  if (source.getType() == target)
    return source;
  return memref::ReinterpretCastOp::create(lb.builder(), target, source, 0,
                                           target.getShape(),
                                           computeStrides(target.getShape()));
}

void FunctionLowering::startSum(LoopBuilder &lb, AllReduceOp sum) {
  int64_t bucket = int64_t(sum.getBucket());
  for (auto [grad, result] : llvm::zip(sum.getGrads(), sum.getSums())) {
    Value buffer = buffers.lookup(grad);
    lb.markChanged(buffer); // Summed in place.
    buffers[result] = buffer;
    inFlight[result] = bucket;
    lb.call(alexrt::calls::kReplicaSumStart,
            {lb.i32(bucket), lb.pointer(buffer, lb.index(0)),
             lb.i64(cast<MemRefType>(buffer.getType()).getNumElements()),
             lb.f32(sum.getScale().convertToDouble())});
  }
}

SGDUpdateBuffers FunctionLowering::updateBuffers(
    LoopBuilder &lb, SGDUpdateOp update,
    const llvm::DenseMap<StringAttr, std::pair<Value, Value>> &paramBuffers) {
  StringAttr name = update.getParamAttr().getAttr();
  auto [param, momentum] = paramBuffers.lookup(name);
  std::optional<llvm::ArrayRef<int64_t>> rows = update.getRows();
  int64_t first = rows ? (*rows)[0] : 0;
  Type type = update.getGrad().getType();
  if (rows) {
    param = rowsView(lb, param, first, type);
    momentum = rowsView(lb, momentum, first, type);
  }
  Value copy;
  if (keptInBf16.contains(name))
    copy = bf16CopyRows(lb, name, first, type);
  return {update,
          param,
          momentum,
          buffers.lookup(update.getGrad()),
          buffers.lookup(update.getLr()),
          copy};
}

/// The global holding parameter `param`'s bf16 copy.
static std::string bf16CopyName(StringAttr param) {
  return (kBf16CopyPrefix + param.getValue()).str();
}

Value FunctionLowering::bf16CopyRows(LoopBuilder &lb, StringAttr param,
                                     int64_t first, Type type) {
  auto rowsType = cast<RankedTensorType>(type);
  ParamOp decl = *llvm::find_if(
      params, [&](ParamOp p) { return p.getSymNameAttr() == param; });
  auto wholeType = cast<RankedTensorType>(decl.getType());
  Type bf16 = lb.builder().getBF16Type();
  Value whole = lb.global(bf16CopyName(param),
                          MemRefType::get(wholeType.getShape(), bf16));
  if (rowsType.getShape() == wholeType.getShape())
    return whole;
  return rowsView(lb, whole, first, rowsType.clone(bf16));
}

Value FunctionLowering::keptBf16Rows(LoopBuilder &lb, ReadParamOp read,
                                     Value values) {
  StringAttr param = read.getParamAttr().getAttr();
  std::optional<llvm::ArrayRef<int64_t>> rows = read.getRows();
  int64_t first = rows ? (*rows)[0] : 0;
  Value copy = bf16CopyRows(lb, param, first, read.getType());
  // Each block of rows a function reads has its own stamp, named by its
  // extent: the devices remake their own rows.
  ImplicitLocOpBuilder &b = lb.builder();
  if (!generation)
    generation =
        lb.call(alexrt::calls::ParametersGeneration::name, {}, b.getI64Type());
  int64_t end = first + bufferShape(values).front();
  Value stamp = lb.global((bf16CopyName(param) + ".stamp_rows_" +
                           llvm::Twine(first) + "_" + llvm::Twine(end))
                              .str(),
                          MemRefType::get({}, b.getI64Type()));
  Value stale =
      lb.cmpi(arith::CmpIPredicate::ne, lb.load(stamp, {}), generation);
  lb.when(stale, [&] {
    lb.parallel(bufferShape(values), [&](ValueRange ivs) {
      lb.store(lb.convertTo(lb.load(values, ivs), b.getBF16Type()), copy, ivs);
    });
    lb.store(generation, stamp, {});
  });
  return copy;
}

void FunctionLowering::waitForSums(LoopBuilder &lb, ValueRange values) {
  for (Value value : values)
    if (auto found = inFlight.find(value); found != inFlight.end())
      waitForBucket(lb, found->second);
}

void FunctionLowering::waitForBucket(LoopBuilder &lb, int64_t bucket) {
  lb.call(alexrt::calls::kReplicaSumWait, {lb.i32(bucket)});
  // Every result of the bucket is complete.
  llvm::SmallVector<Value> done;
  for (auto [value, inBucket] : inFlight)
    if (inBucket == bucket)
      done.push_back(value);
  for (Value value : done)
    inFlight.erase(value);
}

LogicalResult FunctionLowering::run() {
  bool updates = !function.getOps<SGDUpdateOp>().empty();
  Block &oldBody = function.getBody().front();
  auto returnOp = cast<func::ReturnOp>(oldBody.getTerminator());
  if (context.gpuKernels)
    context.colsCache = &colsCache;
  // A device function (--alex-partition) writes its block of split results
  // and, on device 0 only, the whole ones.
  auto device = function->getAttrOfType<DeviceAttr>(kDeviceAttrName);
  if (device) {
    context.device = device.getIndex();
    context.devices = device.getCount();
  }
  llvm::SmallVector<std::optional<int64_t>> blockDims;
  for (unsigned i = 0; i < function.getNumResults(); ++i) {
    auto dim = function.getResultAttrOfType<IntegerAttr>(i, kBlockDimAttrName);
    blockDims.push_back(dim ? std::optional<int64_t>(dim.getInt())
                            : std::nullopt);
  }

  llvm::SmallVector<Type> types;
  for (ParamOp param : params)
    types.push_back(bufferType(param.getType()));
  if (updates)
    for (ParamOp param : params)
      types.push_back(bufferType(param.getType()));
  for (Type type : function.getArgumentTypes())
    types.push_back(bufferType(type));
  for (auto [type, dim] : llvm::zip(function.getResultTypes(), blockDims)) {
    auto whole = cast<RankedTensorType>(type);
    if (dim) {
      llvm::SmallVector<int64_t> shape(whole.getShape());
      shape[*dim] *= context.devices;
      whole = whole.clone(shape);
    }
    types.push_back(bufferType(whole));
  }

  OpBuilder top(function);
  auto lowered =
      func::FuncOp::create(top, function.getLoc(), function.getName(),
                           top.getFunctionType(types, {}));
  Block *body = lowered.addEntryBlock();
  llvm::DenseMap<StringAttr, std::pair<Value, Value>> paramBuffers;
  unsigned arg = 0;
  for (ParamOp param : params)
    paramBuffers[param.getSymNameAttr()].first = body->getArgument(arg++);
  if (updates)
    for (ParamOp param : params)
      paramBuffers[param.getSymNameAttr()].second = body->getArgument(arg++);
  for (Value old : oldBody.getArguments())
    buffers[old] = body->getArgument(arg++);
  llvm::SmallVector<Value> outArgs;
  for (auto [result, dim] : llvm::zip(returnOp.getOperands(), blockDims)) {
    outArgs.push_back(body->getArgument(arg++));
    Operation *producer = result.getDefiningOp();
    bool computed = producer && !producer->hasTrait<NoKernel>();
    if (computed && !dim && context.device == 0 && !outputs.count(result))
      outputs[result] = outArgs.back();
  }

  ImplicitLocOpBuilder b(function.getLoc(), body, body->end());
  LoopBuilder lb(b, function->getParentOfType<ModuleOp>());
  // The function's inputs (images, labels, ...) are read, never written.
  for (Value old : oldBody.getArguments())
    lb.markUnchanged(buffers[old]);
  for (Operation &op : oldBody.without_terminator()) {
    b.setLoc(op.getLoc());
    // A sum across replicas runs from its op until the first op reading it.
    waitForSums(lb, op.getOperands());
    if (auto sum = dyn_cast<AllReduceOp>(op)) {
      startSum(lb, sum);
      continue;
    }
    if (auto read = dyn_cast<ReadParamOp>(op)) {
      Value whole = paramBuffers.lookup(read.getParamAttr().getAttr()).first;
      std::optional<llvm::ArrayRef<int64_t>> rows = read.getRows();
      Value values =
          rows ? rowsView(lb, whole, (*rows)[0], read.getType()) : whole;
      buffers[read.getValue()] = values;
      if (keptInBf16.contains(read.getParamAttr().getAttr()))
        lb.useKeptCopy(values, keptBf16Rows(lb, read, values));
      // Reads come before the parameter's update (ParamResource), which
      // marks the whole parameter changed, and with it these rows.
      lb.markViewOf(values, whole);
      lb.markUnchanged(values);
      continue;
    }
    if (auto mark = dyn_cast<ProfileMarkOp>(op)) {
      lb.call(alexrt::calls::kProfileMark, {lb.i32(int32_t(mark.getRegion()))});
      continue;
    }
    if (op.hasTrait<NoKernel>() && op.getNumOperands() == 1) {
      // A view of its operand (parameters, with none, are above).
      Value source = buffers.lookup(op.getOperand(0));
      buffers[op.getResult(0)] = view(lb, source, op.getResult(0).getType());
      lb.markViewOf(buffers[op.getResult(0)], source);
      continue;
    }
    // On the CPU, a dense layer's weight gradient and its update run
    // together, a block of rows at a time (GPU targets run every update
    // as one kernel at the end).
    if (auto gradient = dyn_cast<DenseGradWeightOp>(op);
        gradient && !context.gpuKernels) {
      if (SGDUpdateOp update = updateWithGradient(gradient)) {
        SGDUpdateBuffers u = updateBuffers(lb, update, paramBuffers);
        // In a profiled step, the update's time is still the update's.
        std::optional<std::pair<int32_t, int32_t>> regions;
        std::optional<int32_t> updating = profileRegionOf(update),
                               computing = profileRegionOf(gradient);
        if (updating && computing)
          regions = std::make_pair(*updating, *computing);
        Value dy = buffers.lookup(gradient.getOutputGrad()),
              x = buffers.lookup(gradient.getInput());
        if (!dy || !x || !u.lr)
          return op.emitOpError() << "has an operand alexc cannot lower";
        denseGradWeightWithUpdate(lb, gradient, dy, x, u, regions);
        lb.markChanged(
            paramBuffers.lookup(update.getParamAttr().getAttr()).first);
        updatedWithGradient.insert(update);
        continue;
      }
    }
    llvm::SmallVector<Value> in, out;
    if (auto update = dyn_cast<SGDUpdateOp>(op)) {
      if (updatedWithGradient.contains(update))
        continue;
      if (context.gpuKernels) {
        // This and every later update, as one loop nest.
        if (updatesDone)
          continue;
        llvm::SmallVector<SGDUpdateBuffers> all;
        for (Operation &later : llvm::make_range(
                 Block::iterator(&op), oldBody.without_terminator().end()))
          if (auto next = dyn_cast<SGDUpdateOp>(later)) {
            waitForSums(lb, next->getOperands());
            all.push_back(updateBuffers(lb, next, paramBuffers));
            if (!all.back().grad)
              return next.emitOpError()
                     << "reads a gradient computed after the step's first "
                        "update; gpu-kernels runs every update at once";
          }
        // Named for what it is: every layer's update, not this op's layer.
        b.setLoc(NameLoc::get(b.getStringAttr("sgd_updates"), op.getLoc()));
        sgdUpdates(lb, all);
        updatesDone = true;
        continue;
      }
      SGDUpdateBuffers u = updateBuffers(lb, update, paramBuffers);
      lb.markChanged(
          paramBuffers.lookup(update.getParamAttr().getAttr()).first);
      in = {u.param, u.momentum, u.grad, u.lr};
      if (u.bf16Copy)
        in.push_back(u.bf16Copy);
    } else {
      for (Value operand : op.getOperands())
        in.push_back(buffers.lookup(operand));
    }
    if (llvm::is_contained(in, Value()))
      return op.emitOpError() << "has an operand alexc cannot lower";
    for (Value result : op.getResults()) {
      buffers[result] = resultBuffer(lb, result);
      out.push_back(buffers[result]);
    }
    if (failed(emitKernel(lb, &op, in, out, context)))
      return failure();
    // Written once, by this kernel: a bf16 copy of a result serves every
    // later product reading it (a convolution's input in its forward and
    // filter-gradient calls, an output gradient in both gradient calls).
    for (Value buffer : out)
      lb.markUnchanged(buffer);
  }

  b.setLoc(returnOp.getLoc());
  // Sums nothing read (none from --alex-replicate) end with the step.
  std::set<int64_t> unread;
  for (auto [value, bucket] : inFlight)
    unread.insert(bucket);
  for (int64_t bucket : unread)
    waitForBucket(lb, bucket);
  for (auto [value, out, dim] :
       llvm::zip(returnOp.getOperands(), outArgs, blockDims)) {
    Value buffer = buffers.lookup(value);
    llvm::ArrayRef<int64_t> shape = bufferShape(buffer);
    if (dim == 1)
      copyColumns(lb, buffer, 0, out, context.device * shape[1], shape);
    else if (dim == 0)
      lb.parallel(shape, [&](ValueRange ivs) {
        llvm::SmallVector<Value> at(ivs);
        at[0] = lb.add(ivs[0], context.device * shape[0]);
        lb.store(lb.load(buffer, ivs), out, at);
      });
    else if (buffer != out && context.device == 0)
      memref::CopyOp::create(b, buffer, out);
  }
  for (Value buffer : allocations)
    memref::DeallocOp::create(b, buffer);
  lb.freeKeptOperands();
  for (Value buffer : colsCache.buffers())
    memref::DeallocOp::create(b, buffer);
  func::ReturnOp::create(b);

  function.erase();
  return success();
}

namespace {
struct LowerToLoops : public alex::impl::AlexLowerToLoopsBase<LowerToLoops> {
  using AlexLowerToLoopsBase::AlexLowerToLoopsBase;

  /// The weights whose bf16 copies the CPU target keeps between steps: the
  /// parameters of rank 2 and more that an op with products in bf16 reads
  /// (its filters or weight matrix; the rank leaves out its bias, an
  /// operand of the same op that no product reads). Each SGD update rewrites
  /// its copy next to the fp32 value, so a step reads the weights rounded
  /// without rounding them again (the paper net reads 61M weights a step).
  /// GPU targets round them in each step: their updates run as one kernel
  /// over every parameter.
  llvm::DenseSet<StringAttr>
  weightsKeptInBf16(llvm::ArrayRef<func::FuncOp> functions) const {
    llvm::DenseSet<StringAttr> kept;
    if (gpuKernels)
      return kept;
    for (func::FuncOp function : functions)
      function.walk([&](ReadParamOp read) {
        if (cast<RankedTensorType>(read.getType()).getRank() < 2)
          return;
        if (llvm::any_of(read->getUsers(), [](Operation *user) {
              return alexrt::convertsOperands(productPrecision(user));
            }))
          kept.insert(read.getParamAttr().getAttr());
      });
    return kept;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::SmallVector<ParamOp> params(module.getOps<ParamOp>());
    KernelContext context;
    if (gpuKernels) {
      context.chunking = ConvChunking::gpu();
      context.gpuKernels = true;
    }
    context.libraryConvolutions = libraryConvolutions;
    if (auto training =
            module->getAttrOfType<TrainingAttr>(kTrainingAttrName)) {
      context.seed = uint64_t(training.getSeed());
      context.replicas = training.getReplicas();
    }

    // Functions over tensors: the ones alexc made (runtime declarations
    // such as alexrt_sgemm are left alone).
    llvm::SmallVector<func::FuncOp> functions;
    for (auto function : module.getOps<func::FuncOp>())
      if (!function.isExternal() &&
          llvm::any_of(function.getArgumentTypes(),
                       [](Type t) { return isa<RankedTensorType>(t); }))
        functions.push_back(function);
    llvm::DenseSet<StringAttr> keptInBf16 = weightsKeptInBf16(functions);
    for (func::FuncOp function : functions)
      if (failed(FunctionLowering(function, params, keptInBf16, context).run()))
        return signalPassFailure();
    // Which targets the loops are for stays in the IR: alexc refuses to
    // carry them on to another.
    if (gpuKernels)
      module->setAttr(kGpuKernelsAttrName, UnitAttr::get(&getContext()));
  }
};
} // namespace
