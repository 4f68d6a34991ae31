//===- AlexFusedOps.td - fused layer blocks of alex --------*- tablegen -*-===//
//
// The ops --alex-fuse-conv-blocks forms: a convolution or dense layer with
// the epilogue that follows it (bias, ReLU, LRN, max-pooling, dropout) as
// one op, and the matching backward epilogue as one op. A fused op computes
// exactly what its chain of ops would; the point is fewer passes over
// memory: the epilogue reads the GEMM's output once and writes only what
// the next layer and the backward pass need.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_FUSED_OPS_TD
#define ALEX_FUSED_OPS_TD

def Alex_ConvBlockOp : Alex_Op<"conv_block",
    [Pure, DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "conv2d + bias + relu (+ lrn) (+ max_pool) as one op";
  let description = [{
    Computes `max_pool(lrn(relu(conv2d(input, filter, bias))))`, where the
    `lrn` and `pool` stages are present when their attributes are. The
    convolution runs as GEMMs; the epilogue reads each GEMM's output once,
    one image at a time, while it is still in cache.

    In a training step the op also returns what its gradient
    (`alex.conv_block_grad`) reads, the `saved` results, in this order:

    - `activation` (with `lrn`): the ReLU output, N x O x H x W. The LRN
      gradient at a channel needs its neighbours' inputs and scales; those
      scales are recomputed from the activation (five squares and one
      power per element) rather than stored, since keeping them would
      double the saved bytes, and the backward pass is bound by memory, not
      arithmetic. The activation also gives the ReLU mask.
    - `argmax` (with `pool`): i32, the output's shape: the position in the
      window (row * window + column) of the first maximum in row-major
      order, or -1 for a window with no maximum (NaNs). A quarter of the
      pooling input's size, and the backward pass need not search the
      windows again.

    Without `lrn` the ReLU mask comes from the block's output: a pooled
    value is positive exactly where the ReLU passed its maximum. In an
    evaluation function nothing is saved.

    ```mlir
    %y, %act, %argmax = alex.conv_block %x, %w, %b stride 4 pad 2 groups 1
        relu lrn <size = 5, alpha = 1.0e-04, beta = 7.5e-01, k = 2.0>
        pool <window = 3, stride = 2>
        : (tensor<128x3x224x224xf32>, tensor<96x3x11x11xf32>, tensor<96xf32>)
        -> (tensor<128x96x27x27xf32>, tensor<128x96x55x55xf32>,
            tensor<128x96x27x27xi32>)
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, Alex_F32Tensor:$filter,
                       Alex_F32Tensor:$bias, I64Attr:$stride, I64Attr:$pad,
                       I64Attr:$groups,
                       OptionalAttr<Alex_LRNParamsAttr>:$lrn,
                       OptionalAttr<Alex_PoolParamsAttr>:$pool);
  let results = (outs Alex_F32Tensor:$output,
                      Variadic<AnyRankedTensor>:$saved);
  let assemblyFormat = [{
    $input `,` $filter `,` $bias `stride` $stride `pad` $pad `groups` $groups
    `relu` (`lrn` $lrn^)? (`pool` $pool^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The types of the `saved` results a training step needs, given the
    /// convolution's output type (N x O x H x W) and the block's output.
    static ::llvm::SmallVector<::mlir::Type>
    getSavedTypes(::mlir::RankedTensorType convOutput,
                  ::mlir::RankedTensorType output, bool hasLRN, bool hasPool);
    /// The convolution's output type (before pooling).
    ::mlir::RankedTensorType getConvOutputType();
  }];
}

def Alex_ConvBlockGradOp : Alex_Op<"conv_block_grad", [Pure]> {
  let summary = "Gradient of a conv_block's epilogue: max_pool, lrn, relu, bias";
  let description = [{
    From the gradient of a `conv_block`'s output, the block's output and
    what the block saved (see `alex.conv_block`), computes the gradient of
    the convolution's pre-activation (N x O x H x W) and of its bias (O):
    max-pool gradient (each window's gradient to its saved argmax), LRN
    gradient, ReLU mask and the bias sum in one op. The convolution's
    input and filter gradients stay `alex.conv2d_grad_input` and
    `alex.conv2d_grad_filter` on the first result.

    ```mlir
    %dz, %db = alex.conv_block_grad %dy, %y saved %act, %argmax
        relu lrn <size = 5, alpha = 1.0e-04, beta = 7.5e-01, k = 2.0>
        pool <window = 3, stride = 2>
        : (tensor<128x96x27x27xf32>, tensor<128x96x27x27xf32>,
           tensor<128x96x55x55xf32>, tensor<128x96x27x27xi32>)
        -> (tensor<128x96x55x55xf32>, tensor<96xf32>)
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$output,
                       Variadic<AnyRankedTensor>:$saved,
                       OptionalAttr<Alex_LRNParamsAttr>:$lrn,
                       OptionalAttr<Alex_PoolParamsAttr>:$pool);
  let results = (outs Alex_F32Tensor:$preactivation_grad,
                      Alex_F32Tensor:$bias_grad);
  let assemblyFormat = [{
    $output_grad `,` $output (`saved` $saved^)? `relu` (`lrn` $lrn^)?
    (`pool` $pool^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_DenseBlockOp : Alex_Op<"dense_block",
    [Pure, DeclareOpInterfaceMethods<Alex_MultiplyAddOpInterface>]> {
  let summary = "dense + bias + relu (+ dropout mask) as one op";
  let description = [{
    Computes `relu(dense(input, weight, bias)) * mask` (without `mask`,
    no multiplication): one GEMM and one epilogue pass over its output.
    The gradient needs nothing saved: the output is positive exactly where
    the ReLU passed and the mask kept the unit.

    ```mlir
    %y = alex.dense_block %x, %w, %b relu dropout_mask %mask
        : (tensor<128x9216xf32>, tensor<4096x9216xf32>, tensor<4096xf32>,
           tensor<128x4096xf32>) -> tensor<128x4096xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$input, Alex_F32Tensor:$weight,
                       Alex_F32Tensor:$bias, Optional<Alex_F32Tensor>:$mask);
  let results = (outs Alex_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `relu` (`dropout_mask` $mask^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Alex_DenseBlockGradOp : Alex_Op<"dense_block_grad", [Pure]> {
  let summary = "Gradient of a dense_block's epilogue: dropout, relu, bias";
  let description = [{
    From the gradient of a `dense_block`'s output, its output and its
    dropout mask, the gradient of the pre-activation (`output_grad * mask`
    where the output is positive, else 0) and of the bias. The input and
    weight gradients stay `alex.dense_grad_input` and
    `alex.dense_grad_weight` on the first result.

    ```mlir
    %dz, %db = alex.dense_block_grad %dy, %y relu dropout_mask %mask
        : (tensor<128x4096xf32>, tensor<128x4096xf32>, tensor<128x4096xf32>)
        -> (tensor<128x4096xf32>, tensor<4096xf32>)
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$output_grad, Alex_F32Tensor:$output,
                       Optional<Alex_F32Tensor>:$mask);
  let results = (outs Alex_F32Tensor:$preactivation_grad,
                      Alex_F32Tensor:$bias_grad);
  let assemblyFormat = [{
    $output_grad `,` $output `relu` (`dropout_mask` $mask^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // ALEX_FUSED_OPS_TD
