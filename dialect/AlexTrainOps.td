//===- AlexTrainOps.td - backward and update ops of alex ---*- tablegen -*-===//
//
// The ops --alex-build-train-step creates: the gradient of each layer op,
// dropout masks, and the SGD update. Each verifier states its shape rule
// through the forward op's rule (dialect/Shapes.h): a backward op is valid
// exactly when the forward op with the same shapes would be.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TRAIN_OPS_TD
#define ALEX_TRAIN_OPS_TD

/// Scalars passed in by the runtime each step: the step counter and the
/// learning rate. Buildable, so assembly formats need not spell them.
def Alex_StepScalar : 0DTensorOf<[I64]>,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getI64Type())">;
def Alex_F32Scalar : 0DTensorOf<[F32]>,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getF32Type())">;

def Alex_Conv2DGradInputOp : Alex_Op<"conv2d_grad_input", [Pure,
    DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "Gradient of conv2d with respect to its input";
  let description = [{
    Given the gradient of a convolution's output (N x O x Ho x Wo) and its
    filter, the gradient of its input (the result type, N x C x H x W): a
    transposed convolution with the same stride, pad and groups.

    ```mlir
    %dx = alex.conv2d_grad_input %dy, %w stride 1 pad 2 groups 2
        : (tensor<128x256x27x27xf32>, tensor<256x48x5x5xf32>)
        -> tensor<128x96x27x27xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$filter,
                       I64Attr:$stride, I64Attr:$pad, I64Attr:$groups);
  let results = (outs Alex_F32Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $filter `stride` $stride `pad` $pad `groups` $groups
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_Conv2DGradFilterOp : Alex_Op<"conv2d_grad_filter", [Pure,
    DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "Gradient of conv2d with respect to its filter";
  let description = [{
    Given a convolution's input and the gradient of its output, the gradient
    of its filter (the result type, O x C/groups x KH x KW), summed over the
    batch.

    ```mlir
    %dw = alex.conv2d_grad_filter %x, %dy stride 4 pad 2 groups 1
        : (tensor<128x3x224x224xf32>, tensor<128x96x55x55xf32>)
        -> tensor<96x3x11x11xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, Alex_F32Tensor:$output_grad,
                       I64Attr:$stride, I64Attr:$pad, I64Attr:$groups);
  let results = (outs Alex_F32Tensor:$filter_grad);
  let assemblyFormat = [{
    $input `,` $output_grad `stride` $stride `pad` $pad `groups` $groups
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_BiasGradOp : Alex_Op<"bias_grad", [Pure]> {
  let summary = "Gradient of a bias: the output gradient summed per channel";
  let description = [{
    Sums an N x C x ... gradient over every dimension but the channel
    (dimension 1), giving C values: the gradient of a conv2d or dense bias.

    ```mlir
    %db = alex.bias_grad %dy : tensor<128x96x55x55xf32> -> tensor<96xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad);
  let results = (outs Alex_F32Tensor:$bias_grad);
  let assemblyFormat = [{
    $output_grad attr-dict `:` type($output_grad) `->` type($bias_grad)
  }];
  let hasVerifier = 1;
}

def Alex_ReluGradOp : Alex_Op<"relu_grad",
    [Pure, SameOperandsAndResultType, Alex_ChannelLocal]> {
  let summary = "Gradient of relu: the output gradient where the output > 0";
  let description = [{
    ```mlir
    %dx = alex.relu_grad %dy, %y : tensor<128x4096xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$output);
  let results = (outs Alex_F32Tensor:$input_grad);
  let assemblyFormat = "$output_grad `,` $output attr-dict `:` type($input_grad)";
}

def Alex_LRNGradOp : Alex_Op<"lrn_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of lrn with respect to its input";
  let description = [{
    With s[j] = k + alpha * sum_{i in window(j)} a[i]^2 and
    b[j] = a[j] * s[j]^-beta, the gradient is

    da[i] = db[i] * s[i]^-beta
          - 2 * alpha * beta * a[i] * sum_{j : i in window(j)} db[j] * a[j] * s[j]^(-beta-1)

    recomputed from the input `a` (the forward op keeps nothing).

    ```mlir
    %dx = alex.lrn_grad %dy, %x size 5 alpha 1.0e-04 beta 7.5e-01 k 2.0
        : tensor<128x96x55x55xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$input,
                       I64Attr:$size, F64Attr:$alpha, F64Attr:$beta,
                       F64Attr:$k, DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Alex_F32Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $input `size` $size `alpha` $alpha `beta` $beta `k` $k
    (`groups` $groups^)? attr-dict `:` type($input_grad)
  }];
  let hasVerifier = 1;
}

def Alex_MaxPoolGradOp : Alex_Op<"max_pool_grad", [Pure, Alex_ChannelLocal]> {
  let summary = "Gradient of max_pool: each window's gradient to its maximum";
  let description = [{
    Routes each output gradient to the input element that was the maximum
    of its window; overlapping windows add up. Ties go to the first maximum
    in row-major order within the window (top-most, then left-most), the
    same element the forward pass reports.

    ```mlir
    %dx = alex.max_pool_grad %dy, %x window 3 stride 2
        : (tensor<128x96x27x27xf32>, tensor<128x96x55x55xf32>)
        -> tensor<128x96x55x55xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$input,
                       I64Attr:$window, I64Attr:$stride);
  let results = (outs Alex_F32Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $input `window` $window `stride` $stride attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_DenseGradInputOp : Alex_Op<"dense_grad_input", [Pure,
    DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "Gradient of dense with respect to its input: dy x weight";
  let description = [{
    ```mlir
    %dx = alex.dense_grad_input %dy, %w
        : (tensor<128x4096xf32>, tensor<4096x9216xf32>) -> tensor<128x9216xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$weight);
  let results = (outs Alex_F32Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_DenseGradWeightOp : Alex_Op<"dense_grad_weight", [Pure,
    DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "Gradient of dense with respect to its weight: dy^T x input";
  let description = [{
    ```mlir
    %dw = alex.dense_grad_weight %dy, %x
        : (tensor<128x4096xf32>, tensor<128x9216xf32>) -> tensor<4096x9216xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$input);
  let results = (outs Alex_F32Tensor:$weight_grad);
  let assemblyFormat = [{
    $output_grad `,` $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_ReshapeOp : Alex_Op<"reshape",
    [Pure, Alex_NoKernel, Alex_ChannelLocal]> {
  let summary = "The same elements in another static shape (row-major)";
  let description = [{
    The gradient of flatten.

    ```mlir
    %y = alex.reshape %x : tensor<128x9216xf32> -> tensor<128x256x6x6xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Alex_DropoutMaskOp : Alex_Op<"dropout_mask", [Pure]> {
  let summary = "Inverted-dropout mask: 0 or 1 / (1 - rate), drawn per step";
  let description = [{
    Each element is 1 / (1 - rate) with probability 1 - rate, else 0,
    drawn from the counter-based generator keyed by the model's seed, the
    training step `step` and this mask's `stream` (0 to 255: the generator's
    stream is step * 256 + stream): replaying a step gives the same mask,
    and each dropout layer has its own stream. Training
    multiplies activations and their gradients by it.

    With `columns [offset, total]` the mask is the block of dimension 1
    starting at `offset` of a mask `total` wide: each device of
    --alex-partition draws exactly its part of the one-device mask.

    ```mlir
    %mask = alex.dropout_mask %step rate 5.0e-01 stream 0 : tensor<128x9216xf32>
    %half = alex.dropout_mask %step rate 5.0e-01 stream 0 columns [4608, 9216]
        : tensor<128x4608xf32>
    ```
  }];
  let arguments = (ins Alex_StepScalar:$step, F64Attr:$rate,
                       I64Attr:$stream,
                       OptionalAttr<DenseI64ArrayAttr>:$columns);
  let results = (outs Alex_F32Tensor:$mask);
  let assemblyFormat = [{
    $step `rate` $rate `stream` $stream (`columns` $columns^)? attr-dict `:`
    type($mask)
  }];
  let hasVerifier = 1;
}

def Alex_MulOp : Alex_Op<"mul",
    [Pure, Commutative, SameOperandsAndResultType, Alex_ChannelLocal]> {
  let summary = "Elementwise product";
  let arguments = (ins Alex_F32Tensor:$lhs, Alex_F32Tensor:$rhs);
  let results = (outs Alex_F32Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def Alex_AddOp : Alex_Op<"add",
    [Pure, Commutative, SameOperandsAndResultType, Alex_ChannelLocal]> {
  let summary = "Elementwise sum (accumulates gradients of a value used twice)";
  let arguments = (ins Alex_F32Tensor:$lhs, Alex_F32Tensor:$rhs);
  let results = (outs Alex_F32Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def Alex_SoftmaxCrossEntropyGradOp
    : Alex_Op<"softmax_cross_entropy_grad", [Pure]> {
  let summary = "Gradient of the mean softmax cross-entropy: (p - onehot) / N";
  let description = [{
    The gradient of `alex.softmax_cross_entropy`'s result with respect to
    its logits, for a loss gradient of 1.

    ```mlir
    %dlogits = alex.softmax_cross_entropy_grad %logits, %labels
        : tensor<128x1000xf32>, tensor<128xi32> -> tensor<128x1000xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$logits, Alex_LabelTensor:$labels);
  let results = (outs Alex_F32Tensor:$logits_grad);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->`
    type($logits_grad)
  }];
  let hasVerifier = 1;
}

def Alex_SGDUpdateOp : Alex_Op<"sgd_update",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>,
     MemoryEffects<[MemRead<Alex_ParamResource>, MemWrite<Alex_ParamResource>]>]> {
  let summary = "The paper's SGD step on one parameter and its momentum";
  let description = [{
    Updates parameter `param` in place, with its momentum buffer v, the
    gradient `grad` and the learning rate `lr` (a scalar tensor, so the
    schedule can change it between steps):

    v <- momentum * v - weight_decay * lr * w - lr * grad ; w <- w + v

    With `rows [begin, end)` it updates only those rows (see
    `alex.read_param`). `lr_mult`, if present, scales `lr` (the
    parameter's learning-rate multiplier).

    ```mlir
    alex.sgd_update @fc8.weight, %dw, %lr momentum 9.0e-01 weight_decay 5.0e-04
        : tensor<1000x4096xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param, Alex_F32Tensor:$grad,
                       Alex_F32Scalar:$lr, F64Attr:$momentum,
                       F64Attr:$weight_decay,
                       OptionalAttr<DenseI64ArrayAttr>:$rows,
                       OptionalAttr<F64Attr>:$lr_mult);
  let assemblyFormat = [{
    $param (`rows` $rows^)? `,` $grad `,` $lr `momentum` $momentum
    `weight_decay` $weight_decay attr-dict `:` type($grad)
  }];
  let hasVerifier = 1;
}

#endif // ALEX_TRAIN_OPS_TD
