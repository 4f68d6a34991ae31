// gpu-kernels runs every update of a step in one loop nest, where the
// first update stands: an update whose gradient is computed after that
// point is refused.
// RUN: alex-opt %s --alex-lower-to-loops=gpu-kernels=true -verify-diagnostics
module {
  alex.param @a : tensor<4xf32> init #alex.constant<value = 0.0>
  alex.param @b : tensor<4xf32> init #alex.constant<value = 0.0>
  func.func @f(%g: tensor<4xf32>, %lr: tensor<f32>) {
    alex.sgd_update @a, %g, %lr momentum 0.9 weight_decay 0.0 : tensor<4xf32>
    %h = alex.relu %g : tensor<4xf32>
    // expected-error @+1 {{'alex.sgd_update' op reads a gradient computed after the step's first update; gpu-kernels runs every update at once}}
    alex.sgd_update @b, %h, %lr momentum 0.9 weight_decay 0.0 : tensor<4xf32>
    return
  }
}
