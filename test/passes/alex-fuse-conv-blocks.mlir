// RUN: alex-opt %s --alex-fuse-conv-blocks -split-input-file | FileCheck %s

// Evaluation chains: the longest one fuses, nothing is saved.
// CHECK-LABEL: func.func @conv_relu_lrn_pool
// CHECK-NEXT:    %[[Y:.*]] = alex.conv_block %arg0, %arg1, %arg2 stride 1 pad 1 groups 1 relu lrn <size = 3, alpha = 1.000000e-04, beta = 7.500000e-01, k = 2.000000e+00> pool <window = 2, stride = 2> : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @conv_relu_lrn_pool(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %l = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<1x2x6x6xf32>
  %p = alex.max_pool %l window 2 stride 2 : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %p : tensor<1x2x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @conv_relu_pool
// CHECK-NEXT:    alex.conv_block {{.*}} relu pool <window = 3, stride = 1> : {{.*}} -> tensor<1x2x4x4xf32>
// CHECK-NEXT:    return
func.func @conv_relu_pool(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %p = alex.max_pool %r window 3 stride 1 : tensor<1x2x6x6xf32> -> tensor<1x2x4x4xf32>
  return %p : tensor<1x2x4x4xf32>
}

// -----

// conv -> relu alone, and conv -> relu -> lrn without pooling.
// CHECK-LABEL: func.func @conv_relu_and_conv_relu_lrn
// CHECK-NEXT:    %[[A:.*]] = alex.conv_block %arg0, {{.*}} relu : {{.*}} -> tensor<1x2x6x6xf32>
// CHECK-NEXT:    %[[B:.*]] = alex.conv_block %[[A]], {{.*}} relu lrn <size = 1, {{.*}}> : {{.*}} -> tensor<1x2x6x6xf32>
// CHECK-NEXT:    return %[[B]]
func.func @conv_relu_and_conv_relu_lrn(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %w2: tensor<2x2x1x1xf32>, %b: tensor<2xf32>) -> tensor<1x2x6x6xf32> {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %z2 = alex.conv2d %r, %w2, %b stride 1 pad 0 groups 1 : (tensor<1x2x6x6xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r2 = alex.relu %z2 : tensor<1x2x6x6xf32>
  %l2 = alex.lrn %r2 size 1 alpha 1.0 beta 0.5 k 1.0 : tensor<1x2x6x6xf32>
  return %l2 : tensor<1x2x6x6xf32>
}

// -----

// Evaluation dropout is the identity: it stays, after the block.
// CHECK-LABEL: func.func @dense_relu
// CHECK-NEXT:    %[[Y:.*]] = alex.dense_block %arg0, %arg1, %arg2 relu : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    alex.dropout %[[Y]]
func.func @dense_relu(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %z = alex.dense %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %r = alex.relu %z : tensor<2x4xf32>
  %d = alex.dropout %r rate 0.5 : tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

// Training: the forward block saves the ReLU output and the argmax; the
// backward chain down to the bias gradient becomes one op; the
// convolution's filter gradient reads its result.
// CHECK-LABEL: func.func @conv_block_training
// CHECK-NEXT:    %[[Y:.*]], %[[S:.*]]:2 = alex.conv_block %arg0, %arg1, %arg2 stride 1 pad 1 groups 1 relu lrn <{{.*}}> pool <window = 2, stride = 2> : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>, tensor<1x2x3x3xi32>)
// CHECK-NEXT:    %[[DZ:.*]], %[[DB:.*]] = alex.conv_block_grad %arg3, %[[Y]] saved %[[S]]#0, %[[S]]#1 relu lrn <{{.*}}> pool <window = 2, stride = 2> : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>, tensor<1x2x3x3xi32>) -> (tensor<1x2x6x6xf32>, tensor<2xf32>)
// CHECK-NEXT:    %[[DW:.*]] = alex.conv2d_grad_filter %arg0, %[[DZ]]
// CHECK-NEXT:    return %[[Y]], %[[DW]], %[[DB]]
func.func @conv_block_training(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>, %dp: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %l = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<1x2x6x6xf32>
  %p = alex.max_pool %l window 2 stride 2 : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %dl = alex.max_pool_grad %dp, %l window 2 stride 2 : (tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %dr = alex.lrn_grad %dl, %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<1x2x6x6xf32>
  %dz = alex.relu_grad %dr, %r : tensor<1x2x6x6xf32>
  %dw = alex.conv2d_grad_filter %x, %dz stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<2x1x3x3xf32>
  %db = alex.bias_grad %dz : tensor<1x2x6x6xf32> -> tensor<2xf32>
  return %p, %dw, %db : tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>
}

// -----

// Training dropout: the mask multiplies inside the block, and its gradient
// inside the block's gradient.
// CHECK-LABEL: func.func @dense_block_training
// CHECK:         %[[M:.*]] = alex.dropout_mask
// CHECK-NEXT:    %[[Y:.*]] = alex.dense_block %arg0, %arg1, %arg2 relu dropout_mask %[[M]] : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %[[DZ:.*]], %[[DB:.*]] = alex.dense_block_grad %arg4, %[[Y]] relu dropout_mask %[[M]] : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>)
// CHECK-NEXT:    %[[DW:.*]] = alex.dense_grad_weight %[[DZ]], %arg0
// CHECK-NEXT:    return %[[Y]], %[[DW]], %[[DB]]
func.func @dense_block_training(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>, %step: tensor<i64>, %dy: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<4x8xf32>, tensor<4xf32>) {
  %z = alex.dense %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %r = alex.relu %z : tensor<2x4xf32>
  %m = alex.dropout_mask %step rate 0.5 stream 0 : tensor<2x4xf32>
  %y = alex.mul %r, %m : tensor<2x4xf32>
  %dr = alex.mul %dy, %m : tensor<2x4xf32>
  %dz = alex.relu_grad %dr, %r : tensor<2x4xf32>
  %dw = alex.dense_grad_weight %dz, %x : (tensor<2x4xf32>, tensor<2x8xf32>) -> tensor<4x8xf32>
  %db = alex.bias_grad %dz : tensor<2x4xf32> -> tensor<4xf32>
  return %y, %dw, %db : tensor<2x4xf32>, tensor<4x8xf32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Chains left alone or cut short
//===----------------------------------------------------------------------===//

// -----

// Another order (pool before relu) is not a block.
// CHECK-LABEL: func.func @pool_before_relu
// CHECK-NOT:     alex.conv_block
// CHECK:         alex.conv2d
// CHECK-NEXT:    alex.max_pool
// CHECK-NEXT:    alex.relu
func.func @pool_before_relu(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %p = alex.max_pool %z window 2 stride 2 : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %r = alex.relu %p : tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// -----

// The convolution's output has a second user: no block at all.
// CHECK-LABEL: func.func @conv_output_used_twice
// CHECK-NOT:     alex.conv_block
// CHECK:         alex.conv2d
// CHECK-NEXT:    alex.relu
func.func @conv_output_used_twice(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  return %z, %r : tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>
}

// -----

// The ReLU output has a second user: the block stops at the ReLU.
// CHECK-LABEL: func.func @relu_output_used_twice
// CHECK-NEXT:    %[[R:.*]] = alex.conv_block {{.*}} relu : {{.*}} -> tensor<1x2x6x6xf32>
// CHECK-NEXT:    alex.lrn %[[R]]
// CHECK-NEXT:    alex.max_pool
// CHECK-NEXT:    return
func.func @relu_output_used_twice(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>) {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %l = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<1x2x6x6xf32>
  %p = alex.max_pool %l window 2 stride 2 : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %p, %r : tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>
}

// -----

// The LRN output has a second user: the block stops at the LRN.
// CHECK-LABEL: func.func @lrn_output_used_twice
// CHECK-NEXT:    %[[L:.*]] = alex.conv_block {{.*}} relu lrn <{{.*}}> : {{.*}} -> tensor<1x2x6x6xf32>
// CHECK-NEXT:    alex.max_pool %[[L]]
func.func @lrn_output_used_twice(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>) {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %l = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<1x2x6x6xf32>
  %p = alex.max_pool %l window 2 stride 2 : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %p, %l : tensor<1x2x3x3xf32>, tensor<1x2x6x6xf32>
}

// -----

// The ReLU's gradient does not come from the pooling gradient (here, an
// argument): the longest chain's backward does not match, so the block is
// conv + relu, whose backward (relu_grad -> bias_grad) does.
// CHECK-LABEL: func.func @backward_chain_differs
// CHECK-NEXT:    %[[R:.*]] = alex.conv_block %arg0, %arg1, %arg2 stride 1 pad 1 groups 1 relu : {{.*}} -> tensor<1x2x6x6xf32>
// CHECK-NEXT:    %[[P:.*]] = alex.max_pool %[[R]]
// CHECK-NEXT:    %{{.*}}, %[[DB:.*]] = alex.conv_block_grad %arg3, %[[R]] relu :
// CHECK-NEXT:    return %[[P]], %[[DB]]
func.func @backward_chain_differs(%x: tensor<1x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>, %dr: tensor<1x2x6x6xf32>) -> (tensor<1x2x3x3xf32>, tensor<2xf32>) {
  %z = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %r = alex.relu %z : tensor<1x2x6x6xf32>
  %p = alex.max_pool %r window 2 stride 2 : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %dz = alex.relu_grad %dr, %r : tensor<1x2x6x6xf32>
  %db = alex.bias_grad %dz : tensor<1x2x6x6xf32> -> tensor<2xf32>
  return %p, %db : tensor<1x2x3x3xf32>, tensor<2xf32>
}

// -----

// A ReLU gradient without a bias gradient is not a block's backward chain;
// and a multiplication by something other than a dropout mask stays out.
// CHECK-LABEL: func.func @not_a_block_backward
// CHECK-NOT:     alex.dense_block
// CHECK:         alex.dense
// CHECK-NEXT:    alex.relu
// CHECK-NEXT:    alex.mul
// CHECK-NEXT:    alex.relu_grad
func.func @not_a_block_backward(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>, %s: tensor<2x4xf32>, %dy: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %z = alex.dense %x, %w, %b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %r = alex.relu %z : tensor<2x4xf32>
  %y = alex.mul %r, %s : tensor<2x4xf32>
  %dz = alex.relu_grad %dy, %r : tensor<2x4xf32>
  return %y, %dz : tensor<2x4xf32>, tensor<2x4xf32>
}
