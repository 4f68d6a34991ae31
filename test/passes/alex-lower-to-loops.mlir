// RUN: alex-opt %s --alex-lower-to-loops -split-input-file -verify-diagnostics | FileCheck %s
// RUN: alex-opt %s --alex-lower-to-loops=gpu-kernels=true -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=GPU
// RUN: alex-opt %s --alex-lower-to-loops="gpu-kernels=true library-convolutions=true" -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=LIB

// Buffers: parameters, momenta (only where updated), arguments, outputs.
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">, seed = 5>} {
  alex.param @fc.weight : tensor<3x8xf32> init #alex.constant<value = 0.0>
  alex.param @fc.bias : tensor<3xf32> init #alex.constant<value = 0.0>

  // The runtime's GEMM is declared once.
  // CHECK:       func.func private @alexrt_sgemm(i32, i32, i64, i64, i64, f32, !llvm.ptr, i64, !llvm.ptr, i64, f32, !llvm.ptr, i64)
  // CHECK-NOT:   func.func private @alexrt_sgemm
  // CHECK-LABEL: func.func @forward(
  // CHECK-SAME:    %[[W:[^:]*]]: memref<3x8xf32>, %[[B:[^:]*]]: memref<3xf32>,
  // CHECK-SAME:    %[[X:[^:]*]]: memref<2x2x2x2xf32>, %[[Y:[^:]*]]: memref<2xi32>,
  // CHECK-SAME:    %[[LOSS:[^:]*]]: memref<f32>, %[[LOGITS:[^:]*]]: memref<2x3xf32>) {
  func.func @forward(%x: tensor<2x2x2x2xf32>, %y: tensor<2xi32>) -> (tensor<f32>, tensor<2x3xf32>) {
    // relu: a parallel loop nest into a fresh buffer.
    // CHECK:       %[[R:.*]] = memref.alloc() : memref<2x2x2x2xf32>
    // CHECK:       scf.parallel
    // CHECK:         arith.maximumf
    // CHECK:         memref.store {{.*}}, %[[R]]
    %r = alex.relu %x : tensor<2x2x2x2xf32>
    // flatten and evaluation-time dropout are views, not copies.
    // CHECK:       %[[F:.*]] = memref.reinterpret_cast %[[R]] to offset: [0], sizes: [2, 8], strides: [8, 1]
    // CHECK-NOT:   memref.copy
    %f = alex.flatten %r : tensor<2x2x2x2xf32> -> tensor<2x8xf32>
    %d = alex.dropout %f rate 0.5 : tensor<2x8xf32>
    %w = alex.read_param @fc.weight : tensor<3x8xf32>
    %b = alex.read_param @fc.bias : tensor<3xf32>
    // dense: the bias broadcast into a 3x2 buffer, one GEMM (W * x^T,
    // beta 1) accumulating onto it, then transposed into the result.
    // CHECK:       %[[T:.*]] = memref.alloc() : memref<3x2xf32>
    // CHECK:       scf.parallel
    // CHECK:         memref.load %[[B]]
    // CHECK:         memref.store {{.*}}, %[[T]]
    // CHECK:       call @alexrt_sgemm(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
    // CHECK:       scf.parallel
    // CHECK:         memref.load %[[T]]
    // CHECK:         memref.store {{.*}}, %[[LOGITS]]
    // CHECK:       memref.dealloc %[[T]]
    %l = alex.dense %d, %w, %b : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    // The loss: each row's log-sum-exp (statistics of parts of the row,
    // here one part of 3 classes, then each row's parts combined), each
    // row's loss, then a sequential sum over the batch into its output.
    // CHECK:       %[[STATS:.*]] = memref.alloc() : memref<2x1x2xf32>
    // CHECK:       scf.parallel
    // CHECK:         arith.maximumf
    // CHECK:         math.exp
    // CHECK:         memref.store {{.*}}, %[[STATS]]
    // CHECK:       %[[LSE:.*]] = memref.alloc() : memref<2xf32>
    // CHECK:       scf.parallel
    // CHECK:         memref.load %[[STATS]]
    // CHECK:         math.log
    // CHECK:         memref.store {{.*}}, %[[LSE]]
    // CHECK:       memref.dealloc %[[STATS]]
    // CHECK:       %[[ROWS:.*]] = memref.alloc() : memref<2xf32>
    // CHECK:       scf.parallel
    // CHECK:         memref.load %[[LSE]]
    // CHECK:         memref.store {{.*}}, %[[ROWS]]
    // CHECK:       scf.for
    // CHECK:         memref.load %[[ROWS]]
    // CHECK:       memref.store {{.*}}, %[[LOSS]][]
    // CHECK:       memref.dealloc %[[ROWS]]
    // CHECK:       memref.dealloc %[[LSE]]
    %loss = alex.softmax_cross_entropy %l, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    // CHECK:       memref.dealloc %[[R]]
    // CHECK-NEXT:  return
    return %loss, %l : tensor<f32>, tensor<2x3xf32>
  }

  // An update reads and writes the parameter and its momentum in place.
  // CHECK-LABEL: func.func @update(
  // CHECK-SAME:    %[[W:[^:]*]]: memref<3x8xf32>, %{{[^:]*}}: memref<3xf32>,
  // CHECK-SAME:    %[[V:[^:]*]]: memref<3x8xf32>, %{{[^:]*}}: memref<3xf32>,
  // CHECK-SAME:    %[[G:[^:]*]]: memref<3x8xf32>, %[[LR:[^:]*]]: memref<f32>) {
  // CHECK:         memref.load %[[LR]][]
  // CHECK:         scf.parallel
  // CHECK-DAG:       memref.store %{{.*}}, %[[V]]
  // CHECK-DAG:       memref.store %{{.*}}, %[[W]]
  func.func @update(%g: tensor<3x8xf32>, %lr: tensor<f32>) {
    alex.sgd_update @fc.weight, %g, %lr momentum 0.9 weight_decay 0.0 : tensor<3x8xf32>
    return
  }

  // A step's updates: one loop nest each on the CPU; with gpu-kernels one
  // for all of them (one launch), each element in its parameter's branch.
  // CHECK-LABEL: func.func @updates(
  // CHECK-COUNT-2: scf.parallel
  // GPU-LABEL:   func.func @updates(
  // GPU:           scf.parallel
  // GPU-COUNT-2:     scf.if
  // GPU-NOT:       scf.parallel
  // GPU:           return
  func.func @updates(%gw: tensor<3x8xf32>, %gb: tensor<3xf32>, %lr: tensor<f32>) {
    alex.sgd_update @fc.weight, %gw, %lr momentum 0.9 weight_decay 0.0 : tensor<3x8xf32>
    alex.sgd_update @fc.bias, %gb, %lr momentum 0.9 weight_decay 0.0 : tensor<3xf32>
    return
  }

  // On the CPU a dense layer's weight gradient runs with its update, a
  // block of rows at a time (here all 3 rows of 8 in one block): each
  // block's GEMM writes a scratch block, which the update reads while it
  // is in cache, so the whole gradient is never written. Its weights are
  // read before, by the input gradient. GPU targets compute the gradient
  // whole and update every parameter in one kernel at the end.
  // CHECK-LABEL: func.func @dense_grad_with_update(
  // CHECK-SAME:    %[[W:[^:]*]]: memref<3x8xf32>, %{{[^:]*}}: memref<3xf32>,
  // CHECK-SAME:    %[[V:[^:]*]]: memref<3x8xf32>, %{{[^:]*}}: memref<3xf32>,
  // CHECK-SAME:    %[[DY:[^:]*]]: memref<2x3xf32>, %[[X:[^:]*]]: memref<2x8xf32>,
  // CHECK:         call @alexrt_sgemm(%{{.*}}, %{{.*}}, %c2{{.*}}, %c8{{.*}}, %c3
  // CHECK:         %[[BLOCK:.*]] = memref.alloc() : memref<3x8xf32>
  // CHECK:         scf.for %[[FIRST:[^ ]*]] = %c0{{.*}} to %c3{{.*}} step %c3
  // CHECK:           call @alexrt_sgemm(%{{.*}}, %{{.*}}, %c3{{.*}}, %c8{{.*}}, %c2
  // CHECK:           scf.parallel (%[[I:[^,]*]], %[[J:[^)]*]])
  // CHECK:             %[[ROW:.*]] = arith.addi %[[FIRST]], %[[I]]
  // CHECK:             memref.load %[[W]][%[[ROW]], %[[J]]]
  // CHECK:             memref.load %[[BLOCK]][%[[I]], %[[J]]]
  // CHECK:             memref.store %{{.*}}, %[[V]][%[[ROW]], %[[J]]]
  // CHECK:             memref.store %{{.*}}, %[[W]][%[[ROW]], %[[J]]]
  // CHECK:         memref.dealloc %[[BLOCK]]
  // CHECK-NOT:     scf.parallel
  // CHECK:         return
  // GPU-LABEL:   func.func @dense_grad_with_update(
  // GPU-NOT:       scf.for
  // GPU:           call @alexrt_sgemm(%{{.*}}, %{{.*}}, %c3{{.*}}, %c8{{.*}}, %c2
  // GPU:           scf.parallel
  // GPU:           return
  func.func @dense_grad_with_update(%dy: tensor<2x3xf32>, %x: tensor<2x8xf32>, %lr: tensor<f32>) -> tensor<2x8xf32> {
    %w = alex.read_param @fc.weight : tensor<3x8xf32>
    %dx = alex.dense_grad_input %dy, %w : (tensor<2x3xf32>, tensor<3x8xf32>) -> tensor<2x8xf32>
    %dw = alex.dense_grad_weight %dy, %x : (tensor<2x3xf32>, tensor<2x8xf32>) -> tensor<3x8xf32>
    alex.sgd_update @fc.weight, %dw, %lr momentum 0.9 weight_decay 0.0 : tensor<3x8xf32>
    return %dx : tensor<2x8xf32>
  }

  // In a profiled step (--alex-profile-layers' marks) each block's update
  // is charged to the update's region (2), its GEMM to the gradient's (1).
  // CHECK-LABEL: func.func @profiled_dense_grad_with_update(
  // CHECK:         call @alexrt_profile_mark(%c1_i32
  // CHECK:         call @alexrt_sgemm(%{{.*}}, %{{.*}}, %c3{{.*}}, %c8{{.*}}, %c2
  // CHECK-NOT:     scf.parallel
  // CHECK:         call @alexrt_profile_mark(%c2_i32
  // CHECK-NOT:     alexrt_profile_mark
  // CHECK:         scf.parallel
  // CHECK:         call @alexrt_profile_mark(%c1_i32
  // CHECK:         call @alexrt_profile_mark(%c2_i32
  // CHECK-NOT:     scf.parallel
  // CHECK:         return
  func.func @profiled_dense_grad_with_update(%dy: tensor<2x3xf32>, %x: tensor<2x8xf32>, %lr: tensor<f32>) {
    %w = alex.read_param @fc.weight : tensor<3x8xf32>
    alex.profile_mark 1
    %dw = alex.dense_grad_weight %dy, %x : (tensor<2x3xf32>, tensor<2x8xf32>) -> tensor<3x8xf32>
    alex.profile_mark 2
    alex.sgd_update @fc.weight, %dw, %lr momentum 0.9 weight_decay 0.0 : tensor<3x8xf32>
    return
  }

  // Weights read after their gradient keep the update where it was: the
  // gradient whole, then the update, after the last read.
  // CHECK-LABEL: func.func @weights_read_after_gradient(
  // CHECK-NOT:     scf.for
  // CHECK:         call @alexrt_sgemm(%{{.*}}, %{{.*}}, %c3{{.*}}, %c8{{.*}}, %c2
  // CHECK:         call @alexrt_sgemm(%{{.*}}, %{{.*}}, %c2{{.*}}, %c8{{.*}}, %c3
  // CHECK:         scf.parallel
  // CHECK:         return
  func.func @weights_read_after_gradient(%dy: tensor<2x3xf32>, %x: tensor<2x8xf32>, %lr: tensor<f32>) -> tensor<2x8xf32> {
    %dw = alex.dense_grad_weight %dy, %x : (tensor<2x3xf32>, tensor<2x8xf32>) -> tensor<3x8xf32>
    %w = alex.read_param @fc.weight : tensor<3x8xf32>
    %dx = alex.dense_grad_input %dy, %w : (tensor<2x3xf32>, tensor<3x8xf32>) -> tensor<2x8xf32>
    alex.sgd_update @fc.weight, %dw, %lr momentum 0.9 weight_decay 0.0 : tensor<3x8xf32>
    return %dx : tensor<2x8xf32>
  }

  // A pooled block's gradient, on the CPU: each (image, channel) plane
  // zeroed, then each window's gradient added, in row-major order, to the
  // element its saved argmax names (if its output is positive: the ReLU),
  // in sequential loops (windows overlap). GPU threads take one input
  // element each and gather from the windows holding it.
  // CHECK-LABEL: func.func @pooled_block_grad(
  // CHECK-SAME:    %[[DY:[^:]*]]: memref<1x2x2x2xf32>, %[[Y:[^:]*]]: memref<1x2x2x2xf32>, %[[ARGMAX:[^:]*]]: memref<1x2x2x2xi32>
  // CHECK:         scf.parallel (%[[N:[^,]*]], %[[C:[^)]*]]) = {{.*}} to (%c1{{.*}}, %c2{{.*}})
  // CHECK:           scf.parallel
  // CHECK:             memref.store %cst{{.*}} : memref<1x2x5x5xf32>
  // CHECK:           scf.for %[[OH:[^ ]*]] =
  // CHECK:             scf.for %[[OW:[^ ]*]] =
  // CHECK:               memref.load %[[ARGMAX]][%[[N]], %[[C]], %[[OH]], %[[OW]]]
  // CHECK:               memref.load %[[Y]][%[[N]], %[[C]], %[[OH]], %[[OW]]]
  // CHECK:               scf.if
  // CHECK:                 memref.load %[[DY]][%[[N]], %[[C]], %[[OH]], %[[OW]]]
  // CHECK:                 memref.store {{.*}} : memref<1x2x5x5xf32>
  // GPU-LABEL:   func.func @pooled_block_grad(
  // GPU-NOT:       scf.for
  // GPU:           scf.parallel {{.*}} to (%c1{{.*}}, %c2{{.*}}, %c5{{.*}}, %c5{{.*}})
  func.func @pooled_block_grad(%dy: tensor<1x2x2x2xf32>, %y: tensor<1x2x2x2xf32>, %argmax: tensor<1x2x2x2xi32>) -> (tensor<1x2x5x5xf32>, tensor<2xf32>) {
    %dz, %db = alex.conv_block_grad %dy, %y saved %argmax relu pool <window = 3, stride = 2> : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xi32>) -> (tensor<1x2x5x5xf32>, tensor<2xf32>)
    return %dz, %db : tensor<1x2x5x5xf32>, tensor<2xf32>
  }

  // The loss's gradient over 40 classes: parts of 32 (the second short,
  // its classes past the row's end not counted), each row's log-sum-exp,
  // then one thread an element.
  // CHECK-LABEL: func.func @loss_grad(
  // CHECK:         %[[STATS:.*]] = memref.alloc() : memref<2x2x2xf32>
  // CHECK:         scf.parallel
  // CHECK:           arith.cmpi ult, %{{.*}}, %c40
  // CHECK:           arith.select
  // CHECK:           memref.store {{.*}}, %[[STATS]]
  // CHECK:         %[[LSE:.*]] = memref.alloc() : memref<2xf32>
  // CHECK:         scf.parallel
  // CHECK:         scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%c2{{.*}}, %c40{{.*}})
  // CHECK-NOT:       scf.for
  // CHECK:           memref.load %[[LSE]]
  // CHECK:           math.exp
  func.func @loss_grad(%l: tensor<2x40xf32>, %y: tensor<2xi32>) -> tensor<2x40xf32> {
    %dl = alex.softmax_cross_entropy_grad %l, %y : tensor<2x40xf32>, tensor<2xi32> -> tensor<2x40xf32>
    return %dl : tensor<2x40xf32>
  }

  // A bias gradient in three stages: the columns of each image's plane
  // (one thread a column, so neighbouring threads read neighbouring
  // elements), each channel's columns over the images, then each channel
  // over its columns.
  // CHECK-LABEL: func.func @bias_grads(
  // CHECK:         %[[PARTS:.*]] = memref.alloc() : memref<2x4x6xf32>
  // CHECK:         scf.parallel (%[[N:.*]], %[[C:.*]], %[[W:.*]]) = {{.*}} to (%c2{{.*}}, %c4{{.*}}, %c6{{.*}})
  // CHECK:           scf.for %[[H:[^ ]*]] =
  // CHECK:             memref.load %{{.*}}[%[[N]], %[[C]], %[[H]], %[[W]]] : memref<2x4x6x6xf32>
  // CHECK:         %[[COLUMNS:.*]] = memref.alloc() : memref<4x6xf32>
  // CHECK:         scf.parallel {{.*}} to (%c4{{.*}}, %c6{{.*}})
  // CHECK:           memref.load %[[PARTS]]
  // CHECK:         scf.parallel {{.*}} to (%c4{{.*}})
  // CHECK:           memref.load %[[COLUMNS]]
  // CHECK:         %[[PARTS2:.*]] = memref.alloc() : memref<32x2048x2xf32>
  // CHECK:         scf.parallel
  // CHECK:         scf.parallel {{.*}} to (%c2048{{.*}}, %c2{{.*}})
  // CHECK:           memref.load %[[PARTS2]]
  // CHECK-NEXT:      arith.addf
  // CHECK:           memref.store
  // CHECK:         scf.parallel {{.*}} to (%c2048{{.*}})
  // CHECK-NOT:     scf.parallel
  // CHECK:         return
  func.func @bias_grads(%a: tensor<2x4x6x6xf32>, %b: tensor<32x2048x2x2xf32>) -> (tensor<4xf32>, tensor<2048xf32>) {
    %da = alex.bias_grad %a : tensor<2x4x6x6xf32> -> tensor<4xf32>
    %db = alex.bias_grad %b : tensor<32x2048x2x2xf32> -> tensor<2048xf32>
    return %da, %db : tensor<4xf32>, tensor<2048xf32>
  }

  // A convolution's columns (9 x 2 images x 16 pixels): the CPU builds
  // them again for the weight gradient; with gpu-kernels the forward's,
  // of the whole batch and of every group (here one), are kept for it.
  // CHECK-LABEL:   func.func @conv_and_filter_grad(
  // CHECK:           memref.alloc() : memref<9x32xf32>
  // On the CPU im2col copies runs of output rows: a parallel loop over
  // (image, channel, ky, kx, output row), then in each the padding before
  // the image, its pixels (loads from x) and the padding after, three
  // sequential loops. GPU threads take one element each (GPU below).
  // CHECK:           scf.parallel ({{[^)]*}}) = ({{[^)]*}}) to (%c2{{[_0-9]*}}, %c1{{[_0-9]*}}, %c3{{[_0-9]*}}, %c3{{[_0-9]*}}, %c4{{[_0-9]*}})
  // CHECK-NEXT:        arith
  // CHECK:             scf.for
  // CHECK-NOT:           memref.load
  // CHECK:             scf.for
  // CHECK:               memref.load %{{.*}} : memref<2x1x4x4xf32>
  // CHECK:             scf.for
  // CHECK-NOT:           memref.load
  // CHECK:             scf.reduce
  // CHECK:           memref.alloc() : memref<9x32xf32>
  // GPU-LABEL:     func.func @conv_and_filter_grad(
  // GPU:             memref.alloc() : memref<1x9x32xf32>
  // GPU:             scf.parallel ({{[^)]*}}) = ({{[^)]*}}) to (%c2{{[_0-9]*}}, %c1{{[_0-9]*}}, %c3{{[_0-9]*}}, %c3{{[_0-9]*}}, %c4{{[_0-9]*}}, %c4{{[_0-9]*}})
  // GPU-NOT:         memref<9x32xf32>
  // GPU:             return
  // With library convolutions, no columns: the runtime convolves the
  // batch into y (2 images of 1 x 4 x 4; 2 filters 3 x 3, 4 x 4 out,
  // stride 1, pad 1, 1 group), one loop nest adds the bias, and the
  // filter gradient is the runtime's too.
  // LIB-LABEL:     func.func @conv_and_filter_grad(
  // LIB-SAME:        %[[X:[^:]*]]: memref<2x1x4x4xf32>, %[[W:[^:]*]]: memref<2x1x3x3xf32>, %[[B:[^:]*]]: memref<2xf32>, %[[Y:[^:]*]]: memref<2x2x4x4xf32>, %[[DW:[^:]*]]: memref<2x1x3x3xf32>)
  // LIB-NOT:         memref.alloc
  // LIB:             call @alexrt_conv2d_forward(%{{.*}}, %{{.*}}, %{{.*}}, %c2_i64{{(_[0-9]+)?}}, %c1_i64{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c2_i64{{(_[0-9]+)?}}, %c3_i64{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c1_i64{{(_[0-9]+)?}}, %c1_i64{{(_[0-9]+)?}}, %c1_i64{{(_[0-9]+)?}})
  // LIB:             scf.parallel
  // LIB-DAG:           memref.load %[[Y]]
  // LIB-DAG:           memref.load %[[B]]
  // LIB:               memref.store %{{.*}}, %[[Y]]
  // LIB:             call @alexrt_conv2d_backward_filter(
  // LIB-NOT:         scf.parallel
  // LIB:             return
  func.func @conv_and_filter_grad(%x: tensor<2x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> (tensor<2x2x4x4xf32>, tensor<2x1x3x3xf32>) {
    %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<2x2x4x4xf32>
    %dw = alex.conv2d_grad_filter %x, %y stride 1 pad 1 groups 1 : (tensor<2x1x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x1x3x3xf32>
    return %y, %dw : tensor<2x2x4x4xf32>, tensor<2x1x3x3xf32>
  }
}

// -----

// In bf16, 80 rows of 8,192: blocks of 32 rows (1 MiB of gradient) and a
// last one of 16. dy and x are rounded once, before the blocks, which read
// the copies; each block's update rewrites its rows of the weights' kept
// bf16 copy.
module {
  alex.param @big.weight : tensor<80x8192xf32> init #alex.constant<value = 0.0>
  // CHECK:       memref.global "private" @alex_bf16_big.weight : memref<80x8192xbf16>
  // CHECK-LABEL: func.func @dense_grad_with_update_bf16(
  // CHECK:         call @alexrt_gemm_bf16(%c0_i32{{[_0-9]*}}, %c0_i32{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c8192_i64
  // CHECK:         arith.truncf {{.*}} : f32 to bf16
  // CHECK:         scf.for %[[FIRST:[^ ]*]] = %c0{{[_0-9]*}} to %c64{{[_0-9]*}} step %c32
  // CHECK-NOT:       arith.truncf
  // CHECK:           call @alexrt_gemm_bf16(%c1_i32{{[_0-9]*}}, %c0_i32{{[_0-9]*}}, %c32_i64{{[_0-9]*}}, %c8192_i64{{[_0-9]*}}, %c2_i64
  // CHECK:           scf.parallel
  // CHECK:             arith.truncf {{.*}} : f32 to bf16
  // CHECK:             memref.store {{.*}} : memref<80x8192xbf16>
  // CHECK:         call @alexrt_gemm_bf16(%c1_i32{{[_0-9]*}}, %c0_i32{{[_0-9]*}}, %c16_i64{{[_0-9]*}}, %c8192_i64{{[_0-9]*}}, %c2_i64
  // CHECK:         scf.parallel
  // CHECK:           memref.store {{.*}} : memref<80x8192xbf16>
  // CHECK-NOT:     alexrt_gemm_bf16
  // CHECK:         return
  func.func @dense_grad_with_update_bf16(%dy: tensor<2x80xf32>, %x: tensor<2x8192xf32>, %lr: tensor<f32>) -> tensor<2x8192xf32> {
    %w = alex.read_param @big.weight : tensor<80x8192xf32>
    %dx = alex.dense_grad_input %dy, %w {alex.precision = #alex.precision<bf16>} : (tensor<2x80xf32>, tensor<80x8192xf32>) -> tensor<2x8192xf32>
    %dw = alex.dense_grad_weight %dy, %x {alex.precision = #alex.precision<bf16>} : (tensor<2x80xf32>, tensor<2x8192xf32>) -> tensor<80x8192xf32>
    alex.sgd_update @big.weight, %dw, %lr momentum 0.9 weight_decay 0.0 : tensor<80x8192xf32>
    return %dx : tensor<2x8192xf32>
  }

  // LRN and its gradient need no other position of a plane than their
  // own: each (image, channel) plane is one row (2 x 4 x 1 x 15), the
  // vector loop a whole plane, not a row of 5.
  // CHECK-LABEL: func.func @lrn_rows(
  // CHECK-SAME:    %[[X:[^:]*]]: memref<2x4x3x5xf32>, %[[DY:[^:]*]]: memref<2x4x3x5xf32>, %[[Y:[^:]*]]: memref<2x4x3x5xf32>, %[[DX:[^:]*]]: memref<2x4x3x5xf32>
  // CHECK:         %[[XC:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : memref<2x4x3x5xf32> into memref<2x4x15xf32>
  // CHECK:         %[[XR:.*]] = memref.expand_shape %[[XC]] {{\[\[}}0], [1], [2, 3]] output_shape [2, 4, 1, 15]
  // CHECK:         %[[YC:.*]] = memref.collapse_shape %[[Y]]
  // CHECK:         %[[YR:.*]] = memref.expand_shape %[[YC]]
  // CHECK:         scf.parallel {{.*}} to (%c2{{[_0-9]*}}, %c4{{[_0-9]*}}, %c1{{[_0-9]*}}, %c15{{[_0-9]*}})
  // CHECK:           memref.load %[[XR]]
  // CHECK:           memref.store {{.*}}, %[[YR]]
  // CHECK:         scf.parallel {{.*}} to (%c2{{[_0-9]*}}, %c4{{[_0-9]*}}, %c1{{[_0-9]*}}, %c15{{[_0-9]*}})
  // CHECK:         scf.parallel {{.*}} to (%c2{{[_0-9]*}}, %c4{{[_0-9]*}}, %c1{{[_0-9]*}}, %c15{{[_0-9]*}})
  // CHECK:           memref.store {{.*}} : memref<2x4x1x15xf32>
  // CHECK:         return
  func.func @lrn_rows(%x: tensor<2x4x3x5xf32>, %dy: tensor<2x4x3x5xf32>) -> (tensor<2x4x3x5xf32>, tensor<2x4x3x5xf32>) {
    %y = alex.lrn %x size 3 alpha 1.0e-04 beta 0.75 k 2.0 : tensor<2x4x3x5xf32>
    %dx = alex.lrn_grad %dy, %x size 3 alpha 1.0e-04 beta 0.75 k 2.0 : tensor<2x4x3x5xf32>
    return %y, %dx : tensor<2x4x3x5xf32>, tensor<2x4x3x5xf32>
  }

  // A fused block's LRN stage runs along its chunk's planes as rows (the
  // chunk channel-major, 4 x 2 x 1 x 64) and writes the saved activation
  // the same way; the pooling after it reads the chunk's 8 x 8 planes.
  // CHECK-LABEL: func.func @block_rows(
  // CHECK-SAME:    %{{[^:]*}}: memref<2x3x8x8xf32>, %{{[^:]*}}: memref<4x3x3x3xf32>, %{{[^:]*}}: memref<4xf32>, %[[Y:[^:]*]]: memref<2x4x3x3xf32>, %[[ACT:[^:]*]]: memref<2x4x8x8xf32>
  // CHECK:         %[[Z:.*]] = memref.alloc() : memref<4x2x8x8xf32>
  // CHECK:         %[[NORM:.*]] = memref.alloc() : memref<4x2x8x8xf32>
  // CHECK:         call @alexrt_sgemm
  // CHECK:         memref.expand_shape {{.*}} into memref<4x2x1x64xf32>
  // CHECK:         %[[ACTC:.*]] = memref.collapse_shape %[[ACT]]
  // CHECK:         %[[ACTR:.*]] = memref.expand_shape %[[ACTC]] {{.*}} into memref<2x4x1x64xf32>
  // CHECK:         scf.parallel {{.*}} to (%c2{{[_0-9]*}}, %c4{{[_0-9]*}}, %c1{{[_0-9]*}}, %c64{{[_0-9]*}})
  // CHECK:           memref.store {{.*}}, %[[ACTR]]
  // CHECK:           memref.store {{.*}} : memref<4x2x1x64xf32>
  // CHECK:         scf.parallel {{.*}} to (%c2{{[_0-9]*}}, %c4{{[_0-9]*}}, %c3{{[_0-9]*}}, %c3{{[_0-9]*}})
  // CHECK:           memref.load %[[NORM]]{{.*}} : memref<4x2x8x8xf32>
  // CHECK:           memref.store {{.*}}, %[[Y]]
  func.func @block_rows(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<2x4x8x8xf32>, tensor<2x4x3x3xi32>) {
    %y, %act, %argmax = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu lrn <size = 3, alpha = 1.0e-04, beta = 7.5e-01, k = 2.0> pool <window = 3, stride = 2> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<2x4x8x8xf32>, tensor<2x4x3x3xi32>)
    return %y, %act, %argmax : tensor<2x4x3x3xf32>, tensor<2x4x8x8xf32>, tensor<2x4x3x3xi32>
  }

  // The block's gradient: on the CPU the pooling gradient scattered into
  // dz, then both LRN passes along dz's and the activation's planes as
  // rows (1 x 2 x 1 x 25). A GPU thread gathers its element's pooling
  // gradient from the windows holding it, which needs (h, w): 5 x 5.
  // CHECK-LABEL: func.func @lrn_block_grad(
  // CHECK:         scf.for
  // CHECK:           scf.for
  // CHECK:         memref.expand_shape {{.*}} into memref<1x2x1x25xf32>
  // CHECK:         scf.parallel {{.*}} to (%c1{{[_0-9]*}}, %c2{{[_0-9]*}}, %c1{{[_0-9]*}}, %c25{{[_0-9]*}})
  // CHECK:         scf.parallel {{.*}} to (%c1{{[_0-9]*}}, %c2{{[_0-9]*}}, %c1{{[_0-9]*}}, %c25{{[_0-9]*}})
  // GPU-LABEL:   func.func @lrn_block_grad(
  // GPU-NOT:       memref.expand_shape
  // GPU:           scf.parallel {{.*}} to (%c1{{[_0-9]*}}, %c2{{[_0-9]*}}, %c5{{[_0-9]*}}, %c5{{[_0-9]*}})
  func.func @lrn_block_grad(%dy: tensor<1x2x2x2xf32>, %y: tensor<1x2x2x2xf32>, %act: tensor<1x2x5x5xf32>, %argmax: tensor<1x2x2x2xi32>) -> (tensor<1x2x5x5xf32>, tensor<2xf32>) {
    %dz, %db = alex.conv_block_grad %dy, %y saved %act, %argmax relu lrn <size = 3, alpha = 1.0e-04, beta = 7.5e-01, k = 2.0> pool <window = 3, stride = 2> : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x5x5xf32>, tensor<1x2x2x2xi32>) -> (tensor<1x2x5x5xf32>, tensor<2xf32>)
    return %dz, %db : tensor<1x2x5x5xf32>, tensor<2xf32>
  }

  // A GPU's library convolution (cuDNN) in a fused block takes the whole
  // batch in one call (the CPU's take chunks of it:
  // alex-lower-to-loops-library.mlir).
  // LIB-LABEL:   func.func @library_block(
  // LIB:           memref.alloc() : memref<2x64x48x48xf32>
  // LIB:           call @alexrt_conv2d_forward(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c2_i64
  // LIB-NOT:       call @alexrt_conv2d_forward(
  // LIB:           return
  func.func @library_block(%x: tensor<2x3x48x48xf32>, %w: tensor<64x3x3x3xf32>, %b: tensor<64xf32>) -> tensor<2x64x24x24xf32> {
    %y = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu pool <window = 2, stride = 2> : (tensor<2x3x48x48xf32>, tensor<64x3x3x3xf32>, tensor<64xf32>) -> tensor<2x64x24x24xf32>
    return %y : tensor<2x64x24x24xf32>
  }
}

// -----

module {
  func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{'arith.addf' op has no loop kernel}}
    %y = arith.addf %x, %x : tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
