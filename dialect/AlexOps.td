//===- AlexOps.td - operations of the alex dialect ---------*- tablegen -*-===//

#ifndef ALEX_OPS_TD
#define ALEX_OPS_TD

include "dialect/AlexDialect.td"
include "dialect/AlexAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Alex_MultiplyAddOpInterface : OpInterface<"MultiplyAddOpInterface"> {
  let cppNamespace = "::alex";
  let description = [{
    An op whose cost is dominated by multiply-adds (convolutions, dense
    layers and their gradients). Used by `alexc summary` and by the layer
    profile (--alex-profile-layers).
  }];
  let methods = [
    InterfaceMethod<"Multiply-adds for one example of the batch.",
      "int64_t", "getMultiplyAddsPerExample">,
  ];
}

def Alex_F32Tensor : RankedTensorOf<[F32]>;

/// The memory holding parameters and their momentum buffers: reading a
/// parameter must stay ordered before the update that writes it.
def Alex_ParamResource : Resource<"::alex::ParamResource">;
def Alex_LabelTensor : 1DTensorOf<[I32]>;

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

def Alex_ParamOp : Alex_Op<"param", [Symbol]> {
  let summary = "A trainable tensor and its initialisation rule";
  let description = [{
    Declares a parameter (weights or biases) at module level. Its symbol
    name is `<layer>.<role>`; `init` is an `#alex.constant`,
    `#alex.gaussian` or `#alex.xavier` rule. `pytorch_name`, if present,
    is the parameter's name in a PyTorch state_dict (`features.0.weight`):
    safetensors files are read under either name, and written under it by
    `export --names pytorch`; alexc's weight files keep the symbol name.
    `lr_mult`, if present, scales the learning rate of its updates (the
    .model's per-layer `lr_mult`); 0 freezes it: no gradient is computed
    for it, nor for anything only it needs.

    ```mlir
    alex.param @conv1.weight : tensor<96x3x11x11xf32> init #alex.gaussian<std = 0.01>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<Alex_F32Tensor>:$type,
                       AnyAttrOf<[Alex_ConstantInitAttr, Alex_GaussianInitAttr,
                                  Alex_XavierInitAttr]>:$init,
                       OptionalAttr<StrAttr>:$pytorch_name,
                       OptionalAttr<F64Attr>:$lr_mult);
  let assemblyFormat = "$sym_name `:` $type `init` $init attr-dict";
  let extraClassDeclaration = [{
    /// The learning-rate multiplier: `lr_mult`, else 1.
    double getLearningRateScale() {
      return getLrMult() ? getLrMult()->convertToDouble() : 1.0;
    }
    /// Whether training leaves it as it is (lr_mult 0).
    bool isFrozen() { return getLearningRateScale() == 0; }
  }];
  let hasVerifier = 1;
}

def Alex_ReadParamOp : Alex_Op<"read_param",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>, Alex_NoKernel,
     MemoryEffects<[MemRead<Alex_ParamResource>]>]> {
  let summary = "The current value of a parameter, or a block of its rows";
  let description = [{
    With `rows [begin, end)`, only those rows (dimension 0: a layer's
    output channels or neurons), as a device of --alex-partition holds
    them; the parameter itself stays whole (one weight file for any number
    of devices).

    ```mlir
    %w = alex.read_param @conv1.weight : tensor<96x3x11x11xf32>
    %w1 = alex.read_param @conv1.weight rows [48, 96] : tensor<48x3x11x11xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param,
                       OptionalAttr<DenseI64ArrayAttr>:$rows);
  let results = (outs Alex_F32Tensor:$value);
  let assemblyFormat = "$param (`rows` $rows^)? attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def Alex_Conv2DOp : Alex_Op<"conv2d",
    [Pure, DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "Grouped 2-D convolution with bias (NCHW, OIHW filters)";
  let description = [{
    `input` is N x C x H x W, `filter` is O x C/groups x KH x KW and `bias`
    has O elements. Output channel o of group g = o / (O/groups) reads only
    input channels [g*C/groups, (g+1)*C/groups): with groups = 2 each of the
    paper's towers reads only its own half. Symmetric zero padding `pad` on
    every side; the output is N x O x ((H + 2*pad - KH) / stride + 1) x
    ((W + 2*pad - KW) / stride + 1), rounding down.

    ```mlir
    %y = alex.conv2d %x, %w, %b stride 1 pad 2 groups 2
        : (tensor<128x96x27x27xf32>, tensor<256x48x5x5xf32>, tensor<256xf32>)
        -> tensor<128x256x27x27xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, Alex_F32Tensor:$filter,
                       Alex_F32Tensor:$bias, I64Attr:$stride, I64Attr:$pad,
                       I64Attr:$groups);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $filter `,` $bias `stride` $stride `pad` $pad `groups` $groups
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_ReluOp : Alex_Op<"relu",
    [Pure, SameOperandsAndResultType, Alex_ChannelLocal]> {
  let summary = "Rectified linear unit, max(x, 0)";
  let description = [{
    ```mlir
    %y = alex.relu %x : tensor<128x96x55x55xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Alex_LRNOp : Alex_Op<"lrn", [Pure, SameOperandsAndResultType]> {
  let summary = "Local response normalization across channels (paper's form)";
  let description = [{
    For an N x C x H x W input a, with n = `size`:

    b[i,x,y] = a[i,x,y] / (k + alpha * sum_{j = max(0, i - n/2)}^{min(C-1, i + n/2)} a[j,x,y]^2)^beta

    The sum is not divided by n: this is the paper's form (k = 2, n = 5,
    alpha = 1e-4, beta = 0.75), which equals Caffe's and PyTorch's with
    their alpha = n * 1e-4. `size` must be odd so the window is centred.

    With `groups` g > 1 the channels form g equal contiguous groups and the
    window stops at its group's edges: the paper's net normalizes each
    tower's kernel maps on their own (groups 2), which is what lets
    --alex-partition keep the layer on its tower.

    ```mlir
    %y = alex.lrn %x size 5 alpha 1.0e-04 beta 7.5e-01 k 2.0
        : tensor<128x96x55x55xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, I64Attr:$size, F64Attr:$alpha,
                       F64Attr:$beta, F64Attr:$k,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = [{
    $input `size` $size `alpha` $alpha `beta` $beta `k` $k
    (`groups` $groups^)? attr-dict `:` type($output)
  }];
  let hasVerifier = 1;
}

def Alex_MaxPoolOp : Alex_Op<"max_pool", [Pure, Alex_ChannelLocal]> {
  let summary = "Max-pooling over square windows, possibly overlapping";
  let description = [{
    Windows of `window` x `window` placed every `stride` pixels, no padding;
    the output is N x C x ((H - window) / stride + 1) x ((W - window) /
    stride + 1), rounding down. The paper overlaps windows (window 3,
    stride 2).

    ```mlir
    %y = alex.max_pool %x window 3 stride 2
        : tensor<128x96x55x55xf32> -> tensor<128x96x27x27xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, I64Attr:$window,
                       I64Attr:$stride);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = [{
    $input `window` $window `stride` $stride attr-dict `:` type($input) `->`
    type($output)
  }];
  let hasVerifier = 1;
}

def Alex_FlattenOp : Alex_Op<"flatten",
    [Pure, Alex_NoKernel, Alex_ChannelLocal]> {
  let summary = "Collapse every dimension but the batch";
  let description = [{
    ```mlir
    %y = alex.flatten %x : tensor<128x256x6x6xf32> -> tensor<128x9216xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Alex_DenseOp : Alex_Op<"dense",
    [Pure, DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "Fully connected layer: input x weight^T + bias";
  let description = [{
    `input` is N x K, `weight` is M x K (one row per output neuron) and
    `bias` has M elements; the output is N x M.

    ```mlir
    %y = alex.dense %x, %w, %b
        : (tensor<128x9216xf32>, tensor<4096x9216xf32>, tensor<4096xf32>)
        -> tensor<128x4096xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, Alex_F32Tensor:$weight,
                       Alex_F32Tensor:$bias);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_DropoutOp : Alex_Op<"dropout",
    [Pure, SameOperandsAndResultType, Alex_NoKernel, Alex_ChannelLocal]> {
  let summary = "Inverted dropout: zero each element with probability `rate`";
  let description = [{
    At training time each element is kept with probability 1 - rate and
    scaled by 1 / (1 - rate), so inference is the identity (the modern
    equivalent of the paper's "multiply by 0.5 at test time").
    --alex-build-train-step replaces it in @train_step by a multiplication
    with an `alex.dropout_mask`; where it remains (@forward, evaluation) it
    is the identity.

    ```mlir
    %y = alex.dropout %x rate 5.0e-01 : tensor<128x9216xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, F64Attr:$rate);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = "$input `rate` $rate attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Alex_SoftmaxCrossEntropyOp : Alex_Op<"softmax_cross_entropy", [Pure]> {
  let summary = "Mean softmax cross-entropy of logits against class labels";
  let description = [{
    `logits` is N x C, `labels` holds N class indices in [0, C). The result
    is the mean over the batch of -log(softmax(logits)[label]).

    ```mlir
    %loss = alex.softmax_cross_entropy %logits, %labels
        : tensor<128x1000xf32>, tensor<128xi32> -> tensor<f32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$logits, Alex_LabelTensor:$labels);
  let results = (outs 0DTensorOf<[F32]>:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->`
    type($loss)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Instrumentation
//===----------------------------------------------------------------------===//

def Alex_ProfileMarkOp : Alex_Op<"profile_mark"> {
  let summary = "Where a profiled region of a step starts (or the step ends)";
  let description = [{
    Placed by `--alex-profile-layers` where the work of one layer and phase
    (forward, backward, update) begins; `region` indexes the module's
    `alex.profile_regions`. Region -1 ends the last region. Lowered to a
    call of the runtime's `alexrt_profile_mark`, which charges the time
    since the previous mark of the same thread to that mark's region. It
    has effects (the clock), so nothing moves work across it.

    ```mlir
    alex.profile_mark 3
    ```
  }];
  let arguments = (ins I32Attr:$region);
  let assemblyFormat = "$region attr-dict";
  let hasVerifier = 1;
}

include "dialect/AlexTrainOps.td"
include "dialect/AlexFusedOps.td"
include "dialect/AlexDeviceOps.td"
include "dialect/AlexReplicaOps.td"

#endif // ALEX_OPS_TD
