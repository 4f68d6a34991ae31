// RUN: alex-opt %s --alex-build-train-step -split-input-file -verify-diagnostics | FileCheck %s

// Every layer op of the paper's net: the forward pass with dropout masks,
// then each gradient from the loss back to the first layer, then updates.
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.01, momentum = 0.9, weight_decay = 0.0005>,
    schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @conv.weight : tensor<4x1x3x3xf32> init #alex.gaussian<std = 0.01>
  alex.param @conv.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  alex.param @fc.weight : tensor<3x16xf32> init #alex.gaussian<std = 0.01>
  alex.param @fc.bias : tensor<3xf32> init #alex.constant<value = 1.0>
  func.func @forward(%x: tensor<2x1x6x6xf32>, %y: tensor<2xi32>) -> (tensor<f32>, tensor<2x3xf32>) {
    %w = alex.read_param @conv.weight : tensor<4x1x3x3xf32>
    %b = alex.read_param @conv.bias : tensor<4xf32>
    %c = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x1x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
    %r = alex.relu %c : tensor<2x4x6x6xf32>
    %n = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x6x6xf32>
    %p = alex.max_pool %n window 3 stride 2 : tensor<2x4x6x6xf32> -> tensor<2x4x2x2xf32>
    %f = alex.flatten %p : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
    %d = alex.dropout %f rate 0.5 : tensor<2x16xf32>
    %fw = alex.read_param @fc.weight : tensor<3x16xf32>
    %fb = alex.read_param @fc.bias : tensor<3xf32>
    %l = alex.dense %d, %fw, %fb : (tensor<2x16xf32>, tensor<3x16xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %loss = alex.softmax_cross_entropy %l, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<2x3xf32>
  }
}

// @forward stays the evaluation function, dropout and all.
// CHECK-LABEL: func.func @forward
// CHECK:         alex.dropout
// CHECK-NOT:     alex.sgd_update

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x1x6x6xf32>, %[[Y:[^:]*]]: tensor<2xi32>, %[[STEP:[^:]*]]: tensor<i64>, %[[LR:[^:]*]]: tensor<f32>)
// CHECK-SAME:    -> (tensor<f32>, tensor<2x3xf32>)
// CHECK:         %[[W:.*]] = alex.read_param @conv.weight
// CHECK:         %[[C:.*]] = alex.conv2d %[[X]], %[[W]]
// CHECK:         %[[R:.*]] = alex.relu %[[C]]
// CHECK:         %[[N:.*]] = alex.lrn %[[R]]
// CHECK:         %[[P:.*]] = alex.max_pool %[[N]]
// CHECK:         %[[F:.*]] = alex.flatten %[[P]]
// CHECK-NOT:     alex.dropout {{.*}}rate
// CHECK:         %[[MASK:.*]] = alex.dropout_mask %[[STEP]] rate 5.000000e-01 stream 0 : tensor<2x16xf32>
// CHECK:         %[[D:.*]] = alex.mul %[[F]], %[[MASK]]
// CHECK:         %[[FW:.*]] = alex.read_param @fc.weight
// CHECK:         %[[L:.*]] = alex.dense %[[D]], %[[FW]]
// CHECK:         %[[LOSS:.*]] = alex.softmax_cross_entropy %[[L]], %[[Y]]
// CHECK:         %[[DL:.*]] = alex.softmax_cross_entropy_grad %[[L]], %[[Y]]
// CHECK:         %[[DD:.*]] = alex.dense_grad_input %[[DL]], %[[FW]] : (tensor<2x3xf32>, tensor<3x16xf32>) -> tensor<2x16xf32>
// CHECK:         %[[DFW:.*]] = alex.dense_grad_weight %[[DL]], %[[D]] : (tensor<2x3xf32>, tensor<2x16xf32>) -> tensor<3x16xf32>
// CHECK:         %[[DFB:.*]] = alex.bias_grad %[[DL]] : tensor<2x3xf32> -> tensor<3xf32>
// CHECK:         %[[DF:.*]] = alex.mul %[[DD]], %[[MASK]]
// CHECK:         %[[DP:.*]] = alex.reshape %[[DF]] : tensor<2x16xf32> -> tensor<2x4x2x2xf32>
// CHECK:         %[[DN:.*]] = alex.max_pool_grad %[[DP]], %[[N]] window 3 stride 2
// CHECK:         %[[DR:.*]] = alex.lrn_grad %[[DN]], %[[R]] size 3 alpha 1.000000e-04 beta 7.500000e-01 k 2.000000e+00
// CHECK:         %[[DC:.*]] = alex.relu_grad %[[DR]], %[[R]]
// The image needs no gradient: only the filter's and the bias's.
// CHECK-NOT:     alex.conv2d_grad_input
// CHECK:         %[[DW:.*]] = alex.conv2d_grad_filter %[[X]], %[[DC]] stride 1 pad 1 groups 1
// CHECK:         %[[DB:.*]] = alex.bias_grad %[[DC]] : tensor<2x4x6x6xf32> -> tensor<4xf32>
// Updates come last, in declaration order, with the recipe's constants.
// CHECK:         alex.sgd_update @conv.weight, %[[DW]], %[[LR]] momentum 9.000000e-01 weight_decay 5.000000e-04
// CHECK-NEXT:    alex.sgd_update @conv.bias, %[[DB]], %[[LR]]
// CHECK-NEXT:    alex.sgd_update @fc.weight, %[[DFW]], %[[LR]]
// CHECK-NEXT:    alex.sgd_update @fc.bias, %[[DFB]], %[[LR]]
// CHECK-NEXT:    return %[[LOSS]], %[[L]]

// -----

// A parameter read twice and a value used twice: gradients add up. A
// grouped convolution between two others gets an input gradient.
module attributes {alex.training = #alex.training<batch = 1, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @w : tensor<2x2xf32> init #alex.constant<value = 0.5>
  alex.param @b : tensor<2xf32> init #alex.constant<value = 0.0>
  alex.param @k : tensor<2x1x1x1xf32> init #alex.constant<value = 1.0>
  func.func @forward(%x: tensor<1x2xf32>, %y: tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>) {
    %w1 = alex.read_param @w : tensor<2x2xf32>
    %w2 = alex.read_param @w : tensor<2x2xf32>
    %b = alex.read_param @b : tensor<2xf32>
    %h = alex.dense %x, %w1, %b : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    %twice = alex.add %h, %h : tensor<1x2xf32>
    %l = alex.dense %twice, %w2, %b : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    %loss = alex.softmax_cross_entropy %l, %y : tensor<1x2xf32>, tensor<1xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<1x2xf32>
  }
}

// CHECK-LABEL: func.func @train_step
// CHECK:         %[[DL:.*]] = alex.softmax_cross_entropy_grad
// CHECK:         %[[DT:.*]] = alex.dense_grad_input %[[DL]]
// CHECK:         %[[DW2:.*]] = alex.dense_grad_weight %[[DL]]
// CHECK:         %[[DB2:.*]] = alex.bias_grad %[[DL]]
// CHECK:         %[[DH:.*]] = alex.add %[[DT]], %[[DT]]
// CHECK:         %[[DW1:.*]] = alex.dense_grad_weight %[[DH]]
// CHECK:         %[[DB1:.*]] = alex.bias_grad %[[DH]]
// CHECK-DAG:     %[[DW:.*]] = alex.add %[[DW2]], %[[DW1]]
// CHECK-DAG:     %[[DB:.*]] = alex.add %[[DB2]], %[[DB1]]
// CHECK:         alex.sgd_update @w, %[[DW]], %{{.*}} momentum 0.000000e+00 weight_decay 0.000000e+00
// CHECK-NEXT:    alex.sgd_update @b, %[[DB]]
// @k is never read: no update.
// CHECK-NEXT:    return

// -----

// expected-error @+1 {{--alex-build-train-step needs a func.func @forward with a body of one block}}
module attributes {alex.training = #alex.training<batch = 1, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  func.func private @forward(tensor<1x2xf32>, tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>)
}

// -----

// expected-error @+1 {{--alex-build-train-step needs the module's 'alex.training' recipe}}
module {
  func.func @forward(%l: tensor<1x2xf32>, %y: tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>) {
    %loss = alex.softmax_cross_entropy %l, %y : tensor<1x2xf32>, tensor<1xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<1x2xf32>
  }
}

// -----

// expected-error @+1 {{the module already has a @train_step}}
module attributes {alex.training = #alex.training<batch = 1, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  func.func @forward(%l: tensor<1x2xf32>, %y: tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>) {
    %loss = alex.softmax_cross_entropy %l, %y : tensor<1x2xf32>, tensor<1xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<1x2xf32>
  }
  func.func @train_step() {
    return
  }
}

// -----

module attributes {alex.training = #alex.training<batch = 1, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  // expected-error @+1 {{@forward must return the result of alex.softmax_cross_entropy first}}
  func.func @forward(%l: tensor<1x2xf32>, %y: tensor<1xi32>) -> tensor<1x2xf32> {
    return %l : tensor<1x2xf32>
  }
}

// -----

module attributes {alex.training = #alex.training<batch = 1, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @w : tensor<2xf32> init #alex.constant<value = 0.5>
  func.func @forward(%x: tensor<1x2xf32>, %y: tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>) {
    %w = alex.read_param @w : tensor<2xf32>
    %m = alex.reshape %w : tensor<2xf32> -> tensor<1x2xf32>
    // expected-error @+1 {{'alex.bias_grad' op cannot be differentiated by --alex-build-train-step}}
    %g = alex.bias_grad %m : tensor<1x2xf32> -> tensor<2xf32>
    %l = alex.reshape %g : tensor<2xf32> -> tensor<1x2xf32>
    %loss = alex.softmax_cross_entropy %l, %y : tensor<1x2xf32>, tensor<1xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<1x2xf32>
  }
}
