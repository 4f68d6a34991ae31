// RUN: alex-opt %s --alex-build-features -split-input-file -verify-diagnostics | FileCheck %s

// @features returns the input of the dense op that makes the logits (fc1's
// ReLU output here); what only the loss and logits used is gone; @forward
// stays as it was.
// CHECK-LABEL: func.func @forward
// CHECK:         alex.softmax_cross_entropy
// CHECK-LABEL: func.func @features(%arg0: tensor<4x8xf32>, %arg1: tensor<4xi32>) -> tensor<4x6xf32>
// CHECK:         %[[W:.*]] = alex.read_param @fc1.weight
// CHECK:         %[[B:.*]] = alex.read_param @fc1.bias
// CHECK-NEXT:    %[[H:.*]] = alex.dense_block %arg0, %[[W]], %[[B]] relu
// CHECK-NEXT:    return %[[H]] : tensor<4x6xf32>
module {
  alex.param @fc1.weight : tensor<6x8xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @fc1.bias : tensor<6xf32> init #alex.constant<value = 0.000000e+00>
  alex.param @fc2.weight : tensor<3x6xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @fc2.bias : tensor<3xf32> init #alex.constant<value = 0.000000e+00>
  func.func @forward(%x: tensor<4x8xf32>, %labels: tensor<4xi32>) -> (tensor<f32>, tensor<4x3xf32>) {
    %w1 = alex.read_param @fc1.weight : tensor<6x8xf32>
    %b1 = alex.read_param @fc1.bias : tensor<6xf32>
    %h = alex.dense_block %x, %w1, %b1 relu : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<4x6xf32>
    %w2 = alex.read_param @fc2.weight : tensor<3x6xf32>
    %b2 = alex.read_param @fc2.bias : tensor<3xf32>
    %y = alex.dense %h, %w2, %b2 : (tensor<4x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    %loss = alex.softmax_cross_entropy %y, %labels : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    return %loss, %y : tensor<f32>, tensor<4x3xf32>
  }
}

// -----

// Device functions: one @features_device<d> each, the logits' block
// dimension dropped (the dense input is whole on every device).
// CHECK-LABEL: func.func @features_device0(%arg0: tensor<4x6xf32>, %arg1: tensor<4xi32>) -> tensor<4x6xf32> attributes {alex.device = #alex.device<index = 0, count = 2>}
// CHECK-NEXT:    return %arg0 : tensor<4x6xf32>
module {
  alex.param @fc2.weight : tensor<4x6xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @fc2.bias : tensor<4xf32> init #alex.constant<value = 0.000000e+00>
  func.func @forward_device0(%h: tensor<4x6xf32>, %labels: tensor<4xi32>) -> (tensor<f32>, tensor<4x2xf32> {alex.block_dim = 1 : i64}) attributes {alex.device = #alex.device<index = 0, count = 2>} {
    %w = alex.read_param @fc2.weight rows [0, 2] : tensor<2x6xf32>
    %b = alex.read_param @fc2.bias rows [0, 2] : tensor<2xf32>
    %y = alex.dense %h, %w, %b : (tensor<4x6xf32>, tensor<2x6xf32>, tensor<2xf32>) -> tensor<4x2xf32>
    %loss = arith.constant dense<0.0> : tensor<f32>
    return %loss, %y : tensor<f32>, tensor<4x2xf32>
  }
}

// -----

module {
  // expected-error @+1 {{--alex-build-features needs @forward to return (loss, logits made by a dense op)}}
  func.func @forward(%x: tensor<4x3xf32>, %labels: tensor<4xi32>) -> (tensor<f32>, tensor<4x3xf32>) {
    %loss = alex.softmax_cross_entropy %x, %labels : tensor<4x3xf32>, tensor<4xi32> -> tensor<f32>
    return %loss, %x : tensor<f32>, tensor<4x3xf32>
  }
}
