//===- Passes.td - the alex passes -------------------------*- tablegen -*-===//

#ifndef ALEX_PASSES_TD
#define ALEX_PASSES_TD

include "mlir/Pass/PassBase.td"

def AlexBuildTrainStep : Pass<"alex-build-train-step", "mlir::ModuleOp"> {
  let summary = "Build @train_step: forward, reverse-mode gradients, SGD updates";
  let description = [{
    From `func.func @forward(images, labels) -> (loss, logits)`, builds

    ```mlir
    func.func @train_step(%images, %labels, %step: tensor<i64>, %lr: tensor<f32>)
        -> (loss, logits)
    ```

    which runs the forward pass with training-time dropout (each
    `alex.dropout` becomes a multiplication by an `alex.dropout_mask` drawn
    for this step, one stream per dropout layer), then the gradient of the
    loss with respect to every parameter by reverse-mode differentiation
    (only values that depend on a parameter get a gradient; a value used
    twice sums its gradients), then one `alex.sgd_update` per parameter,
    after every read of it, with the momentum and weight decay of the
    module's `#alex.training` recipe. `@forward` stays: it is the
    evaluation function, where dropout is the identity.
  }];
  let dependentDialects = ["::alex::AlexDialect", "::mlir::func::FuncDialect"];
}

#endif // ALEX_PASSES_TD
