// RUN: alex-opt %s --alex-profile-layers | FileCheck %s

// One dense block (fc1 with its ReLU) and the loss. Regions are numbered
// as first met, across functions: @forward's fc1 and loss forward are the
// training step's too. Reads of parameters mark nothing; the block's
// gradient (located at relu1, which the block absorbed) is fc1's backward
// work; FLOPs count the training step's multiply-adds only:
// fc1 forward 2 x 4 x (6 x 8) = 384, its weight gradient 384 more.
// CHECK: module attributes {alex.profile_regions = [{flops = 384 : i64, layer = "fc1", phase = "forward"}, {flops = 0 : i64, layer = "loss", phase = "forward"}, {flops = 0 : i64, layer = "loss", phase = "backward"}, {flops = 384 : i64, layer = "fc1", phase = "backward"}, {flops = 0 : i64, layer = "fc1", phase = "update"}]}

// CHECK-LABEL: func.func @forward
// CHECK:         alex.read_param @fc1.bias
// CHECK-NEXT:    alex.profile_mark 0
// CHECK-NEXT:    alex.dense_block
// CHECK-NEXT:    alex.profile_mark 1
// CHECK-NEXT:    alex.softmax_cross_entropy
// CHECK-NEXT:    alex.profile_mark -1
// CHECK-NEXT:    return

// CHECK-LABEL: func.func @train_step
// CHECK:         alex.read_param @fc1.bias
// CHECK-NEXT:    alex.profile_mark 0
// CHECK-NEXT:    alex.dense_block
// CHECK-NEXT:    alex.profile_mark 1
// CHECK-NEXT:    alex.softmax_cross_entropy %
// CHECK-NEXT:    alex.profile_mark 2
// CHECK-NEXT:    alex.softmax_cross_entropy_grad
// CHECK-NEXT:    alex.profile_mark 3
// CHECK-NEXT:    alex.dense_block_grad
// CHECK-NEXT:    alex.dense_grad_weight
// CHECK-NEXT:    alex.profile_mark 4
// CHECK-NEXT:    alex.sgd_update @fc1.weight
// CHECK-NEXT:    alex.sgd_update @fc1.bias
// CHECK-NEXT:    alex.profile_mark -1
// CHECK-NEXT:    return

module {
  alex.param @fc1.weight : tensor<6x8xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @fc1.bias : tensor<6xf32> init #alex.constant<value = 0.000000e+00>

  func.func @forward(%x: tensor<4x8xf32>, %labels: tensor<4xi32>) -> (tensor<f32>, tensor<4x6xf32>) {
    %w = alex.read_param @fc1.weight : tensor<6x8xf32> loc("fc1")
    %b = alex.read_param @fc1.bias : tensor<6xf32> loc("fc1")
    %y = alex.dense_block %x, %w, %b relu : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<4x6xf32> loc(fused["fc1", "relu1"])
    %loss = alex.softmax_cross_entropy %y, %labels : tensor<4x6xf32>, tensor<4xi32> -> tensor<f32> loc("loss")
    return %loss, %y : tensor<f32>, tensor<4x6xf32>
  }

  func.func @train_step(%x: tensor<4x8xf32>, %labels: tensor<4xi32>, %step: tensor<i64>, %lr: tensor<f32>) -> (tensor<f32>, tensor<4x6xf32>) {
    %w = alex.read_param @fc1.weight : tensor<6x8xf32> loc("fc1")
    %b = alex.read_param @fc1.bias : tensor<6xf32> loc("fc1")
    %y = alex.dense_block %x, %w, %b relu : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<4x6xf32> loc(fused["fc1", "relu1"])
    %loss = alex.softmax_cross_entropy %y, %labels : tensor<4x6xf32>, tensor<4xi32> -> tensor<f32> loc("loss")
    %g = alex.softmax_cross_entropy_grad %y, %labels : tensor<4x6xf32>, tensor<4xi32> -> tensor<4x6xf32> loc("loss")
    %pg, %bg = alex.dense_block_grad %g, %y relu : (tensor<4x6xf32>, tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<6xf32>) loc(fused["relu1"])
    %dw = alex.dense_grad_weight %pg, %x : (tensor<4x6xf32>, tensor<4x8xf32>) -> tensor<6x8xf32> loc("fc1")
    alex.sgd_update @fc1.weight, %dw, %lr momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<6x8xf32> loc("fc1")
    alex.sgd_update @fc1.bias, %bg, %lr momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<6xf32> loc("fc1")
    return %loss, %y : tensor<f32>, tensor<4x6xf32>
  }
}
