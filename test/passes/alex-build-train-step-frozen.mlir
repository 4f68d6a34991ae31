// RUN: alex-opt %s --alex-build-train-step | FileCheck %s

// lr_mult: fc1 is frozen (0), fc2 trains at 10x the rate. A frozen
// parameter gets no gradient and no update, and nothing it alone needs is
// differentiated: the backward pass stops at fc2's input gradient (ReLU's
// gradient included), which nothing trainable reads. fc2's update carries
// its multiplier.
// CHECK-LABEL: func.func @train_step(
// CHECK:         alex.softmax_cross_entropy_grad
// CHECK-NOT:     alex.dense_grad_input
// CHECK-NOT:     alex.relu_grad
// CHECK:         alex.dense_grad_weight
// CHECK-NOT:     alex.dense_grad
// CHECK-NOT:     alex.relu_grad
// CHECK-NOT:     alex.sgd_update @fc1
// CHECK:         alex.sgd_update @fc2.weight, {{.*}} momentum 9.000000e-01 weight_decay 5.000000e-04 {lr_mult = 1.000000e+01 : f64}
// CHECK-NEXT:    alex.sgd_update @fc2.bias, {{.*}} {lr_mult = 1.000000e+01 : f64}
// CHECK-NEXT:    return
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.01, momentum = 0.9, weight_decay = 0.0005>,
    schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @fc1.weight : tensor<4x8xf32> init #alex.gaussian<std = 0.01> {lr_mult = 0.0 : f64}
  alex.param @fc1.bias : tensor<4xf32> init #alex.constant<value = 0.0> {lr_mult = 0.0 : f64}
  alex.param @fc2.weight : tensor<3x4xf32> init #alex.gaussian<std = 0.01> {lr_mult = 10.0 : f64}
  alex.param @fc2.bias : tensor<3xf32> init #alex.constant<value = 0.0> {lr_mult = 10.0 : f64}
  func.func @forward(%x: tensor<2x8xf32>, %y: tensor<2xi32>) -> (tensor<f32>, tensor<2x3xf32>) {
    %w1 = alex.read_param @fc1.weight : tensor<4x8xf32>
    %b1 = alex.read_param @fc1.bias : tensor<4xf32>
    %h = alex.dense %x, %w1, %b1 : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    %r = alex.relu %h : tensor<2x4xf32>
    %w2 = alex.read_param @fc2.weight : tensor<3x4xf32>
    %b2 = alex.read_param @fc2.bias : tensor<3xf32>
    %l = alex.dense %r, %w2, %b2 : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %loss = alex.softmax_cross_entropy %l, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<2x3xf32>
  }
}
