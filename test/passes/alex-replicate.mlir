// --alex-replicate: the gradients of each function's updates summed across
// replicas, in buckets formed in the order the backward pass completes
// them, each bucket's all_reduce right after its last gradient.
// RUN: alex-opt %s --alex-replicate | FileCheck %s
// RUN: alex-opt %s --alex-replicate=bucket-bytes=1300 | FileCheck %s --check-prefix=SMALL
// RUN: alex-opt %s --alex-replicate=replicas=1 | FileCheck %s --check-prefix=ONE
// RUN: not alex-opt %s --alex-replicate=replicas=3 2>&1 | FileCheck %s --check-prefix=SPLIT
// RUN: not alex-opt %s --alex-replicate=replicas=4 2>&1 | FileCheck %s --check-prefix=BUILT

// The module's 2 replicas, one bucket of 25 MiB: after fc1's bias gradient
// (the last one computed), every update reading its sum.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[B1:.*]] = alex.bias_grad %[[D1:.*]] : tensor<4x32xf32> -> tensor<32xf32>
// CHECK-NEXT: %[[S:.*]]:4 = alex.all_reduce %[[W2:.*]], %[[B2:.*]], %[[W1:.*]], %[[B1]] bucket 0 replicas 2 scale 5.000000e-01
// CHECK-NEXT: alex.sgd_update @fc1.weight, %[[S]]#2,
// CHECK-NEXT: alex.sgd_update @fc1.bias, %[[S]]#3,
// CHECK-NEXT: alex.sgd_update @fc2.weight, %[[S]]#0,
// CHECK-NEXT: alex.sgd_update @fc2.bias, %[[S]]#1,

// Buckets of 1,300 bytes: fc2's weight (1,280) and bias, placed as soon as
// fc2's bias gradient exists, while fc1's backward still runs; then fc1's
// weight (2,048: a bucket alone) and its bias.
// SMALL: %[[W2:.*]] = alex.dense_grad_weight
// SMALL-NEXT: %[[B2:.*]] = alex.bias_grad
// SMALL-NEXT: %[[S0:.*]]:2 = alex.all_reduce %[[W2]], %[[B2]] bucket 0 replicas 2
// SMALL-NEXT: alex.relu_grad
// SMALL-NEXT: %[[W1:.*]] = alex.dense_grad_weight
// SMALL-NEXT: %[[S1:.*]] = alex.all_reduce %[[W1]] bucket 1 replicas 2
// SMALL-NEXT: %[[B1:.*]] = alex.bias_grad
// SMALL-NEXT: %[[S2:.*]] = alex.all_reduce %[[B1]] bucket 2 replicas 2
// SMALL-NEXT: alex.sgd_update @fc1.weight, %[[S1]],
// SMALL-NEXT: alex.sgd_update @fc1.bias, %[[S2]],
// SMALL-NEXT: alex.sgd_update @fc2.weight, %[[S0]]#0,
// SMALL-NEXT: alex.sgd_update @fc2.bias, %[[S0]]#1,

// One replica: nothing changes (the updates read the gradients).
// ONE-LABEL: func.func @train_step
// ONE-NOT: alex.all_reduce
// ONE: alex.sgd_update @fc1.weight, %{{[0-9]+}},
// ONE-NOT: alex.all_reduce

// SPLIT: error: batch 8 does not split evenly across 3 replicas
// BUILT: error: computes 4 images a step, but each of 4 replicas of batch 8 computes 2: build the module with replicas = 4

module @mlp attributes {alex.training = #alex.training<batch = 8, epochs = 1, replicas = 2, optimizer = #alex.sgd<lr = 1.000000e-02, momentum = 9.000000e-01, weight_decay = 5.000000e-04>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @fc1.weight : tensor<32x16xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @fc1.bias : tensor<32xf32> init #alex.constant<value = 0.000000e+00>
  alex.param @fc2.weight : tensor<10x32xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @fc2.bias : tensor<10xf32> init #alex.constant<value = 0.000000e+00>
  func.func @train_step(%arg0: tensor<4x1x4x4xf32>, %arg1: tensor<4xi32>, %arg2: tensor<i64>, %arg3: tensor<f32>) -> (tensor<f32>, tensor<4x10xf32>) {
    %0 = alex.flatten %arg0 : tensor<4x1x4x4xf32> -> tensor<4x16xf32>
    %1 = alex.read_param @fc1.weight : tensor<32x16xf32>
    %2 = alex.read_param @fc1.bias : tensor<32xf32>
    %3 = alex.dense %0, %1, %2 : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x32xf32>
    %4 = alex.relu %3 : tensor<4x32xf32>
    %5 = alex.read_param @fc2.weight : tensor<10x32xf32>
    %6 = alex.read_param @fc2.bias : tensor<10xf32>
    %7 = alex.dense %4, %5, %6 : (tensor<4x32xf32>, tensor<10x32xf32>, tensor<10xf32>) -> tensor<4x10xf32>
    %8 = alex.softmax_cross_entropy %7, %arg1 : tensor<4x10xf32>, tensor<4xi32> -> tensor<f32>
    %9 = alex.softmax_cross_entropy_grad %7, %arg1 : tensor<4x10xf32>, tensor<4xi32> -> tensor<4x10xf32>
    %10 = alex.dense_grad_input %9, %5 : (tensor<4x10xf32>, tensor<10x32xf32>) -> tensor<4x32xf32>
    %11 = alex.dense_grad_weight %9, %4 : (tensor<4x10xf32>, tensor<4x32xf32>) -> tensor<10x32xf32>
    %12 = alex.bias_grad %9 : tensor<4x10xf32> -> tensor<10xf32>
    %13 = alex.relu_grad %10, %4 : tensor<4x32xf32>
    %14 = alex.dense_grad_weight %13, %0 : (tensor<4x32xf32>, tensor<4x16xf32>) -> tensor<32x16xf32>
    %15 = alex.bias_grad %13 : tensor<4x32xf32> -> tensor<32xf32>
    alex.sgd_update @fc1.weight, %14, %arg3 momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<32x16xf32>
    alex.sgd_update @fc1.bias, %15, %arg3 momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<32xf32>
    alex.sgd_update @fc2.weight, %11, %arg3 momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<10x32xf32>
    alex.sgd_update @fc2.bias, %12, %arg3 momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<10xf32>
    return %8, %7 : tensor<f32>, tensor<4x10xf32>
  }
}
