// RUN: alex-opt %s --alex-partition=num-devices=2 -split-input-file -verify-diagnostics | FileCheck %s
// RUN: alex-opt %s --alex-partition=num-devices=1 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=ONE

// The paper's pattern: conv1 reads the (replicated) images, a grouped conv
// stays on its tower, a conv with groups 1 and the dense layer gather both
// towers' blocks first; the loss needs every logit.
// ONE-LABEL: func.func @forward(
// ONE-NOT:   alex.all_gather
// ONE-NOT:   rows
// CHECK-LABEL: func.func @forward_device0(
// CHECK-SAME:    -> (tensor<f32>, tensor<2x2xf32> {alex.block_dim = 1 : i64})
// CHECK-SAME:    attributes {alex.device = #alex.device<index = 0, count = 2>}
// CHECK:         %[[W1:.*]] = alex.read_param @c1.weight rows [0, 2] : tensor<2x3x3x3xf32>
// CHECK:         %[[C1:.*]] = alex.conv2d %arg0, %[[W1]], {{.*}} groups 1 : {{.*}} -> tensor<2x2x6x6xf32>
// CHECK:         %[[N1:.*]] = alex.lrn {{.*}} : tensor<2x2x6x6xf32>
// CHECK:         %[[C2:.*]] = alex.conv2d %[[N1]], {{.*}} groups 1 : (tensor<2x2x6x6xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<2x2x6x6xf32>
// CHECK:         %[[X3:.*]] = alex.all_gather %[[C2]] exchange 0 devices 2 : tensor<2x2x6x6xf32> -> tensor<2x4x6x6xf32>
// CHECK-NEXT:    alex.conv2d %[[X3]], {{.*}} groups 1 : (tensor<2x4x6x6xf32>, tensor<2x4x3x3xf32>, tensor<2xf32>) -> tensor<2x2x6x6xf32>
// CHECK:         alex.flatten {{.*}} -> tensor<2x72xf32>
// CHECK:         %[[F:.*]] = alex.all_gather {{.*}} exchange 1 devices 2 : tensor<2x72xf32> -> tensor<2x144xf32>
// CHECK-NEXT:    %[[L:.*]] = alex.dense %[[F]], {{.*}} -> tensor<2x2xf32>
// CHECK-NEXT:    %[[ALL:.*]] = alex.all_gather %[[L]] exchange 2 devices 2 : tensor<2x2xf32> -> tensor<2x4xf32>
// CHECK-NEXT:    %[[LOSS:.*]] = alex.softmax_cross_entropy %[[ALL]]
// CHECK-NEXT:    return %[[LOSS]], %[[L]]
// CHECK-LABEL: func.func @forward_device1(
// CHECK-SAME:    attributes {alex.device = #alex.device<index = 1, count = 2>}
// CHECK:         alex.read_param @c1.weight rows [2, 4] : tensor<2x3x3x3xf32>
// CHECK:         alex.all_gather {{.*}} exchange 0 devices 2
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.01, momentum = 0.9, weight_decay = 0.0005>,
    schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @c1.weight : tensor<4x3x3x3xf32> init #alex.gaussian<std = 0.01>
  alex.param @c1.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  alex.param @c2.weight : tensor<4x2x3x3xf32> init #alex.gaussian<std = 0.01>
  alex.param @c2.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  alex.param @c3.weight : tensor<4x4x3x3xf32> init #alex.gaussian<std = 0.01>
  alex.param @c3.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  alex.param @fc.weight : tensor<4x144xf32> init #alex.gaussian<std = 0.01>
  alex.param @fc.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  func.func @forward(%x: tensor<2x3x6x6xf32>, %y: tensor<2xi32>) -> (tensor<f32>, tensor<2x4xf32>) {
    %w1 = alex.read_param @c1.weight : tensor<4x3x3x3xf32>
    %b1 = alex.read_param @c1.bias : tensor<4xf32>
    %c1 = alex.conv2d %x, %w1, %b1 stride 1 pad 1 groups 1 : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
    %n1 = alex.lrn %c1 size 3 alpha 1.0e-4 beta 0.75 k 2.0 groups 2 : tensor<2x4x6x6xf32>
    %w2 = alex.read_param @c2.weight : tensor<4x2x3x3xf32>
    %b2 = alex.read_param @c2.bias : tensor<4xf32>
    %c2 = alex.conv2d %n1, %w2, %b2 stride 1 pad 1 groups 2 : (tensor<2x4x6x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
    %w3 = alex.read_param @c3.weight : tensor<4x4x3x3xf32>
    %b3 = alex.read_param @c3.bias : tensor<4xf32>
    %c3 = alex.conv2d %c2, %w3, %b3 stride 1 pad 1 groups 1 : (tensor<2x4x6x6xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
    %f = alex.flatten %c3 : tensor<2x4x6x6xf32> -> tensor<2x144xf32>
    %fw = alex.read_param @fc.weight : tensor<4x144xf32>
    %fb = alex.read_param @fc.bias : tensor<4xf32>
    %l = alex.dense %f, %fw, %fb : (tensor<2x144xf32>, tensor<4x144xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    %loss = alex.softmax_cross_entropy %l, %y : tensor<2x4xf32>, tensor<2xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<2x4xf32>
  }
}
