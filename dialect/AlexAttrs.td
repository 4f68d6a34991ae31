//===- AlexAttrs.td - training-recipe attributes of alex ---*- tablegen -*-===//

#ifndef ALEX_ATTRS_TD
#define ALEX_ATTRS_TD

include "dialect/AlexDialect.td"
include "mlir/IR/AttrTypeBase.td"

/// A double-precision parameter, printed and parsed as a float literal.
class F64Parameter<string desc, string default = "">
    : AttrOrTypeParameter<"::llvm::APFloat", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = [{ $_printer.printFloat($_self) }];
  let comparator = "$_lhs.bitwiseIsEqual($_rhs)";
  let defaultValue = !if(!empty(default), "", "::llvm::APFloat(" # default # ")");
}

/// A list of doubles spelled `[0.485, 0.456, 0.406]`, held as a
/// DenseF64ArrayAttr (which hashes, as the attribute's key must); omitted
/// when null.
class F64ListParameter<string desc>
    : OptionalParameter<"::mlir::DenseF64ArrayAttr", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::mlir::DenseF64ArrayAttr> {
    ::llvm::SmallVector<double> values;
    if ($_parser.parseCommaSeparatedList(
            ::mlir::AsmParser::Delimiter::Square,
            [&] { return $_parser.parseFloat(values.emplace_back()); }))
      return ::mlir::failure();
    return ::mlir::DenseF64ArrayAttr::get($_ctxt, values);
  }() }];
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self.asArrayRef(), $_printer, [&](double v) {
      $_printer.printFloat(::llvm::APFloat(v));
    });
    $_printer << ']';
  }];
}

/// An `int64_t` parameter that may be omitted (then `default`).
class I64Parameter<string desc, string default = "">
    : AttrOrTypeParameter<"int64_t", desc> {
  let defaultValue = default;
}

/// A `bool` parameter spelled `true` / `false`.
class BoolParameter<string desc, string default = "false">
    : AttrOrTypeParameter<"bool", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<bool> {
    if (succeeded($_parser.parseOptionalKeyword("true")))
      return true;
    if (succeeded($_parser.parseOptionalKeyword("false")))
      return false;
    return $_parser.emitError($_parser.getCurrentLocation(),
                              "expected 'true' or 'false'");
  }() }];
  let printer = [{ $_printer << ($_self ? "true" : "false") }];
  let defaultValue = default;
}

/// An attribute parameter printed in full (`#alex.sgd<...>`), so nested
/// recipe attributes read the same as top-level ones.
class FullAttrParameter<string cppType, string desc>
    : AttrOrTypeParameter<cppType, desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<}] # cppType # [{> {
    }] # cppType # [{ value;
    if ($_parser.parseAttribute(value))
      return ::mlir::failure();
    return value;
  }() }];
  let printer = [{ $_printer.printAttribute($_self) }];
}

/// A precision (runtime/Precision.h), spelled as --precision spells it.
class PrecisionParameter<string desc>
    : AttrOrTypeParameter<"::alexrt::Precision", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::alexrt::Precision> {
    std::string name;
    ::llvm::SMLoc loc = $_parser.getCurrentLocation();
    if ($_parser.parseKeywordOrString(&name))
      return ::mlir::failure();
    if (std::optional<::alexrt::Precision> precision =
            ::alexrt::precisionNamed(name))
      return *precision;
    return $_parser.emitError(loc, "unknown precision '") << name << "'";
  }() }];
  let printer = [{ $_printer << ::alexrt::precisionName($_self) }];
  let defaultValue = "::alexrt::Precision::FP32";
}

class Alex_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Alex_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Initialisation rules of parameters
//===----------------------------------------------------------------------===//

def Alex_ConstantInitAttr : Alex_Attr<"ConstantInit", "constant"> {
  let summary = "Initialise every element to one value";
  let description = [{
    ```mlir
    alex.param @conv2.bias : tensor<256xf32> init #alex.constant<value = 1.0>
    ```
  }];
  let parameters = (ins F64Parameter<"the value">:$value);
}

def Alex_GaussianInitAttr : Alex_Attr<"GaussianInit", "gaussian"> {
  let summary = "Initialise from a normal distribution N(mean, std^2)";
  let description = [{
    The paper's rule for every weight: `#alex.gaussian<std = 0.01>`.
  }];
  let parameters = (ins F64Parameter<"standard deviation">:$std,
                        F64Parameter<"mean", "0.0">:$mean);
}

def Alex_XavierInitAttr : Alex_Attr<"XavierInit", "xavier"> {
  let summary = "Xavier/Glorot uniform initialisation";
  let description = [{
    Draws from U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), where
    fan_in and fan_out count the inputs and outputs of one neuron (for a
    convolution: channels per group times the kernel area).
  }];
  let parameters = (ins F64Parameter<"gain", "1.0">:$gain);
}

//===----------------------------------------------------------------------===//
// Training recipe
//===----------------------------------------------------------------------===//

def Alex_SGDAttr : Alex_Attr<"SGD", "sgd"> {
  let summary = "Stochastic gradient descent with momentum and weight decay";
  let description = [{
    The paper's update, with learning rate `lr` (epsilon), momentum `m` and
    weight decay `wd`:
    ```
    v <- m * v - wd * lr * w - lr * grad
    w <- w + v
    ```
  }];
  let parameters = (ins F64Parameter<"learning rate">:$lr,
                        F64Parameter<"momentum", "0.0">:$momentum,
                        F64Parameter<"weight decay", "0.0">:$weight_decay);
}

def Alex_StepScheduleAttr : Alex_Attr<"StepSchedule", "step_schedule"> {
  let summary = "Multiply the learning rate by `factor` every `every` epochs";
  let parameters = (ins I64Parameter<"epochs between drops">:$every,
                        F64Parameter<"multiplier at each drop", "0.1">:$factor);
}

def Alex_PlateauScheduleAttr : Alex_Attr<"PlateauSchedule", "plateau_schedule"> {
  let summary = "Multiply the learning rate by `factor` when validation "
                "error stops improving";
  let description = [{
    The paper divides the learning rate by 10 when the validation error
    stops improving with the current rate, three times in all: a drop
    happens after `patience` epochs without a new best validation error, at
    most `max_drops` times.
  }];
  let parameters = (ins F64Parameter<"multiplier at each drop", "0.1">:$factor,
                        I64Parameter<"epochs without improvement", "1">:$patience,
                        I64Parameter<"most drops, 0 for no limit", "0">:$max_drops);
}

def Alex_DataAttr : Alex_Attr<"Data", "data"> {
  let summary = "Where training images come from and how they are augmented";
  let description = [{
    `dataset` names a source the runtime knows (`fashion_mnist`, `imagenet`,
    `synthetic`); `path` overrides where it is read from. Images are resized
    so the short side is `resize` (0: keep), then cropped to the network's
    input: randomly at training time when `random_crop` is set, centrally
    otherwise. `flip` adds random horizontal flips, `lighting` is the
    standard deviation of the paper's PCA colour noise (0: off),
    `mean_subtract` subtracts the per-pixel training-set mean,
    `normalize_mean` and `normalize_std` (one value per input channel, or
    both omitted) make each pixel p, on the [0, 1] scale, (p - mean) / std
    as torchvision's Normalize does, and `test_crops` (1 or 10) is how
    many crops are averaged at test time. A fixed mean and the training
    set's mean exclude each other.
  }];
  let parameters = (ins
    StringRefParameter<"dataset name">:$dataset,
    StringRefParameter<"where to read it", "\"\"">:$path,
    I64Parameter<"short side after resizing, 0 to keep", "0">:$resize,
    BoolParameter<"random crops at training time">:$random_crop,
    BoolParameter<"random horizontal flips">:$flip,
    F64Parameter<"std of PCA lighting noise", "0.0">:$lighting,
    BoolParameter<"subtract the mean image">:$mean_subtract,
    I64Parameter<"crops averaged at test time", "1">:$test_crops,
    F64ListParameter<"per-channel mean, [0, 1] scale">:$normalize_mean,
    F64ListParameter<"per-channel standard deviation">:$normalize_std);
}

def Alex_TrainingAttr : Alex_Attr<"Training", "training"> {
  let summary = "The whole training recipe of a model";
  let description = [{
    Attached to the module as `alex.training`. `optimizer` is an
    `#alex.sgd`; `schedule` is an `#alex.step_schedule`, an
    `#alex.plateau_schedule` or `unit` for a constant rate; `data` is an
    `#alex.data`. `devices` is how many towers the model is split into.
    `precision` is what its products compute in (fp32 when omitted; see
    `#alex.precision`).
    `batch` is the global batch: with `replicas` R > 1 (data parallelism
    across processes, see --alex-replicate) each replica's functions
    compute batch / R images and the gradients are summed across replicas.

    ```mlir
    module attributes {alex.training = #alex.training<batch = 128,
        epochs = 90, devices = 2, seed = 1,
        optimizer = #alex.sgd<lr = 0.01, momentum = 0.9, weight_decay = 5.0e-4>,
        schedule = #alex.plateau_schedule<factor = 0.1, max_drops = 3>,
        data = #alex.data<dataset = "imagenet", resize = 256, random_crop = true>>} {}
    ```
  }];
  let parameters = (ins
    I64Parameter<"images per step">:$batch,
    I64Parameter<"passes over the training set">:$epochs,
    I64Parameter<"number of towers (devices)", "1">:$devices,
    I64Parameter<"data-parallel replicas (processes)", "1">:$replicas,
    I64Parameter<"seed of initialisation, dropout and augmentation", "0">:$seed,
    FullAttrParameter<"::alex::SGDAttr", "optimizer">:$optimizer,
    FullAttrParameter<"::mlir::Attribute", "lr schedule or unit">:$schedule,
    FullAttrParameter<"::alex::DataAttr", "data source">:$data,
    PrecisionParameter<"what products compute in">:$precision);
  let extraClassDeclaration = [{
    /// This recipe with one field changed (the passes and alexc that set
    /// one: a new parameter is copied here, not at each of them).
    TrainingAttr withDevices(int64_t devices) const;
    TrainingAttr withReplicas(int64_t replicas) const;
    TrainingAttr withPrecision(::alexrt::Precision precision) const;
  }];
}

//===----------------------------------------------------------------------===//
// Epilogue stages of fused blocks (--alex-fuse-conv-blocks)
//===----------------------------------------------------------------------===//

def Alex_LRNParamsAttr : Alex_Attr<"LRNParams", "lrn"> {
  let summary = "The local response normalization of a fused block";
  let description = [{
    The hyperparameters of `alex.lrn`, carried by `alex.conv_block` and its
    gradient; the block's verifier checks them with the same rule.
  }];
  let parameters = (ins "int64_t":$size, F64Parameter<"alpha">:$alpha,
                        F64Parameter<"beta">:$beta, F64Parameter<"k">:$k,
                        I64Parameter<"channel groups", "1">:$groups);
  let genVerifyDecl = 0;
}

def Alex_PoolParamsAttr : Alex_Attr<"PoolParams", "pool"> {
  let summary = "The max-pooling of a fused block";
  let description = [{
    The window and stride of `alex.max_pool`, carried by `alex.conv_block`
    and its gradient.
  }];
  let parameters = (ins "int64_t":$window, "int64_t":$stride);
  let genVerifyDecl = 0;
}

//===----------------------------------------------------------------------===//
// Devices (--alex-partition)
//===----------------------------------------------------------------------===//

def Alex_DeviceAttr : Alex_Attr<"Device", "device"> {
  let summary = "A logical device: where a function's ops run";
  let description = [{
    The placement --alex-partition gives each device function (attribute
    `alex.device`): every op of `@train_step_device1` runs on device 1.
    `count` is how many devices the step is split across.

    ```mlir
    func.func @train_step_device1(...) attributes {alex.device = #alex.device<index = 1, count = 2>}
    ```
  }];
  let parameters = (ins "int64_t":$index, "int64_t":$count);
}

//===----------------------------------------------------------------------===//
// Mixed precision (--alex-mixed-precision)
//===----------------------------------------------------------------------===//

def Alex_PrecisionAttr : Alex_Attr<"Precision", "precision"> {
  let summary = "The format a product's operands are converted to";
  let description = [{
    Set as `alex.precision` on an op with products (one implementing
    `MultiplyAddOpInterface`: convolutions, dense layers, their gradients
    and fused blocks) by --alex-mixed-precision. The lowering converts the
    op's GEMM operands to `value` (rounding to nearest even) and
    accumulates in fp32; its result stays fp32. Only a format the compiler
    converts to may be named (bf16); an op without the attribute computes
    in fp32.

    ```mlir
    %y = alex.conv2d %x, %w, %b {alex.precision = #alex.precision<bf16>, ...}
    ```
  }];
  let parameters = (ins PrecisionParameter<"operand format">:$value);
  let assemblyFormat = "`<` $value `>`";
}

#endif // ALEX_ATTRS_TD
