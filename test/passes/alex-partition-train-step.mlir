// RUN: alex-opt %s --alex-build-train-step --alex-partition=num-devices=2 | FileCheck %s

// The training step on two devices: each device draws its block of the
// dropout mask; the loss gradient is whole on every device, each takes its
// block; a dense layer's input gradient is a partial sum, reduce-scattered
// (the mirror of the forward all-gather); parameter gradients and updates
// are the device's rows.
// CHECK-LABEL: func.func @train_step_device1(
// CHECK-SAME:    attributes {alex.device = #alex.device<index = 1, count = 2>}
// CHECK:         %[[W1:.*]] = alex.read_param @fc1.weight rows [2, 4] : tensor<2x6xf32>
// CHECK:         %[[H:.*]] = alex.dense %arg0, %[[W1]], {{.*}} -> tensor<2x2xf32>
// CHECK:         %[[MASK:.*]] = alex.dropout_mask %arg2 rate 5.000000e-01 stream 0 columns [2, 4] : tensor<2x2xf32>
// CHECK:         %[[X2:.*]] = alex.all_gather %{{.*}} exchange {{[0-9]+}} devices 2 : tensor<2x2xf32> -> tensor<2x4xf32>
// CHECK-NEXT:    %[[L:.*]] = alex.dense %[[X2]], {{.*}} -> tensor<2x1xf32>
// CHECK-NEXT:    %[[ALL:.*]] = alex.all_gather %[[L]] exchange {{[0-9]+}} devices 2 : tensor<2x1xf32> -> tensor<2x2xf32>
// CHECK:         %[[G:.*]] = alex.softmax_cross_entropy_grad %[[ALL]]
// CHECK-NEXT:    %[[B:.*]] = alex.take_block %[[G]] block 1 of 2 : tensor<2x2xf32> -> tensor<2x1xf32>
// CHECK-NEXT:    %[[DX:.*]] = alex.dense_grad_input %[[B]], {{.*}} -> tensor<2x4xf32>
// CHECK-NEXT:    alex.dense_grad_weight %[[B]], %[[X2]] : {{.*}} -> tensor<1x4xf32>
// CHECK-NEXT:    alex.bias_grad %[[B]]
// CHECK-NEXT:    %[[DH:.*]] = alex.reduce_scatter %[[DX]] exchange {{[0-9]+}} devices 2 : tensor<2x4xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    alex.mul %[[DH]], %[[MASK]]
// CHECK-NOT:     alex.all_gather
// CHECK-NOT:     alex.reduce_scatter
// CHECK:         alex.sgd_update @fc1.weight rows [2, 4], {{.*}} : tensor<2x6xf32>
// CHECK:         alex.sgd_update @fc2.bias rows [1, 2], {{.*}} : tensor<1xf32>
// CHECK-NEXT:    return %{{.*}}, %[[L]] : tensor<f32>, tensor<2x1xf32>
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.01, momentum = 0.9, weight_decay = 0.0005>,
    schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @fc1.weight : tensor<4x6xf32> init #alex.gaussian<std = 0.01>
  alex.param @fc1.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  alex.param @fc2.weight : tensor<2x4xf32> init #alex.gaussian<std = 0.01>
  alex.param @fc2.bias : tensor<2xf32> init #alex.constant<value = 0.0>
  func.func @forward(%x: tensor<2x6xf32>, %y: tensor<2xi32>) -> (tensor<f32>, tensor<2x2xf32>) {
    %w1 = alex.read_param @fc1.weight : tensor<4x6xf32>
    %b1 = alex.read_param @fc1.bias : tensor<4xf32>
    %h = alex.dense %x, %w1, %b1 : (tensor<2x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    %r = alex.relu %h : tensor<2x4xf32>
    %d = alex.dropout %r rate 0.5 : tensor<2x4xf32>
    %w2 = alex.read_param @fc2.weight : tensor<2x4xf32>
    %b2 = alex.read_param @fc2.bias : tensor<2xf32>
    %l = alex.dense %d, %w2, %b2 : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x2xf32>
    %loss = alex.softmax_cross_entropy %l, %y : tensor<2x2xf32>, tensor<2xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<2x2xf32>
  }
}
