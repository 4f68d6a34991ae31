//===- AlexDeviceOps.td - exchanges between devices --------*- tablegen -*-===//
//
// The ops of a device function (--alex-partition): a tensor split across
// devices is held as blocks of dimension 1 (channels, or a dense layer's
// neurons), block d on device d. Exchanges are collective: every device
// function has the same exchange, with the same `exchange` number, at the
// same point of its program; that number pairs them up.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_DEVICE_OPS_TD
#define ALEX_DEVICE_OPS_TD

def Alex_AllGatherOp : Alex_Op<"all_gather", [Pure]> {
  let summary = "Every device's block of dimension 1, joined on every device";
  let description = [{
    Each device contributes its block (`part`); every device gets the whole
    tensor, block d from device d. The paper's towers exchange this way
    where a layer reads both towers (conv3, the dense layers).

    ```mlir
    %x = alex.all_gather %part exchange 0 devices 2
        : tensor<128x128x13x13xf32> -> tensor<128x256x13x13xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$part, I64Attr:$exchange,
                       I64Attr:$devices);
  let results = (outs Alex_F32Tensor:$whole);
  let assemblyFormat = [{
    $part `exchange` $exchange `devices` $devices attr-dict `:` type($part)
    `->` type($whole)
  }];
  let hasVerifier = 1;
}

def Alex_ReduceScatterOp : Alex_Op<"reduce_scatter", [Pure]> {
  let summary = "Sum of every device's partial tensor, block d on device d";
  let description = [{
    Each device holds a partial sum of the whole tensor (the input gradient
    of a layer whose output neurons are split); device d gets block d of
    dimension 1 of the sum, added in device order. The mirror of
    `alex.all_gather` in the backward pass.

    ```mlir
    %dx = alex.reduce_scatter %partial exchange 5 devices 2
        : tensor<128x256x13x13xf32> -> tensor<128x128x13x13xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$partial, I64Attr:$exchange,
                       I64Attr:$devices);
  let results = (outs Alex_F32Tensor:$block);
  let assemblyFormat = [{
    $partial `exchange` $exchange `devices` $devices attr-dict `:`
    type($partial) `->` type($block)
  }];
  let hasVerifier = 1;
}

def Alex_TakeBlockOp : Alex_Op<"take_block", [Pure]> {
  let summary = "Block `index` of dimension 1 of a tensor every device has";
  let description = [{
    Local: no exchange. A device takes its block of a replicated tensor
    (for example its share of the loss gradient).

    ```mlir
    %b = alex.take_block %dlogits block 1 of 2
        : tensor<128x1000xf32> -> tensor<128x500xf32>
    ```
  }];
  let arguments = (ins Alex_F32Tensor:$whole, I64Attr:$index,
                       I64Attr:$devices);
  let results = (outs Alex_F32Tensor:$block);
  let assemblyFormat = [{
    $whole `block` $index `of` $devices attr-dict `:` type($whole) `->`
    type($block)
  }];
  let hasVerifier = 1;
}

#endif // ALEX_DEVICE_OPS_TD
