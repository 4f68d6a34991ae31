// RUN: alex-opt %s -split-input-file --alex-mixed-precision | FileCheck %s
// RUN: alex-opt %s -split-input-file --alex-mixed-precision --alex-lower-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not='alexrt_conv2d_{{(forward|backward_data|backward_filter)}}('
// RUN: alex-opt %s -split-input-file --alex-mixed-precision --alex-lower-to-loops=gpu-kernels=true | FileCheck %s --check-prefix=GPU

// precision = bf16: every op with products (convolution, dense, their
// gradients) is marked; ReLU, LRN and the loss are not. An op marked by
// hand keeps its mark.
// CHECK-LABEL: func.func @step(
// CHECK:         alex.conv2d {{.*}} {alex.precision = #alex.precision<bf16>}
// CHECK-NEXT:    alex.relu
// CHECK-NOT:     alex.precision
// CHECK-NEXT:    alex.lrn
// CHECK-NEXT:    alex.flatten
// CHECK-NEXT:    alex.dense {{.*}} {alex.precision = #alex.precision<bf16>}
// CHECK-NEXT:    alex.softmax_cross_entropy
// CHECK-NOT:     alex.precision
// CHECK-NEXT:    alex.dense_grad_input {{.*}} {alex.precision = #alex.precision<bf16>}
// CHECK-NEXT:    alex.dense_grad_weight {{.*}} {alex.precision = #alex.precision<bf16>}
// CHECK-NEXT:    alex.reshape
// CHECK-NOT:     alex.precision
// CHECK-NEXT:    alex.conv2d_grad_input {{.*}} {alex.precision = #alex.precision<bf16>}
// CHECK-NEXT:    alex.conv2d_grad_filter {{.*}} {alex.precision = #alex.precision<bf16>}

// The lowering rounds each marked op's operands to bf16 (round to nearest
// even) and calls the runtime's bf16 products, whose outputs and
// accumulation stay fp32; nothing of it calls alexrt_sgemm. On the CPU a
// convolution is oneDNN's (alexrt_conv2d_*_bf16): loops round the filters
// and the batch's input into packed copies, allocated before the first
// kernel reading them (for the memory plan), as rows of their first
// dimension (one vector loop an image or filter). A tensor does not change once
// written, so each is rounded once: the filter gradient reads the input's
// copy, and both gradient calls the output gradient's (a view, the
// reshape, shares its source's copy), until the function's end.
// LOOPS-LABEL: func.func @step(
// LOOPS-NOT:     alexrt_sgemm
// LOOPS:         %[[W:.*]] = memref.alloc() : memref<4x2x3x3xbf16>
// LOOPS:         %[[WROWS:.*]] = memref.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : memref<4x2x3x3xbf16> into memref<4x18xbf16>
// LOOPS:         scf.parallel
// LOOPS:           %[[F:.*]] = arith.truncf {{.*}} : f32 to bf16
// LOOPS:           memref.store %[[F]], %[[WROWS]]
// LOOPS:         %[[X:.*]] = memref.alloc() : memref<2x2x4x4xbf16>
// LOOPS:         %[[XROWS:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0], [1, 2, 3]] : memref<2x2x4x4xbf16> into memref<2x32xbf16>
// LOOPS:         scf.parallel
// LOOPS:           %[[V:.*]] = arith.truncf {{.*}} : f32 to bf16
// LOOPS:           memref.store %[[V]], %[[XROWS]]
// LOOPS:         %[[XI:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// LOOPS:         %[[XA:.*]] = arith.addi %[[XI]]
// LOOPS:         %[[XC:.*]] = arith.index_cast %[[XA]]
// LOOPS:         %[[XP:.*]] = llvm.inttoptr %[[XC]]
// LOOPS:         %[[WI:.*]] = memref.extract_aligned_pointer_as_index %[[W]]
// LOOPS:         %[[WA:.*]] = arith.addi %[[WI]]
// LOOPS:         %[[WC:.*]] = arith.index_cast %[[WA]]
// LOOPS:         %[[WP:.*]] = llvm.inttoptr %[[WC]]
// LOOPS:         call @alexrt_conv2d_forward_bf16(%[[XP]], %[[WP]],
// LOOPS:         call @alexrt_gemm_bf16
// LOOPS:         %[[DY:.*]] = memref.alloc() : memref<2x4x4x4xbf16>
// LOOPS:         memref.extract_aligned_pointer_as_index %[[DY]]
// LOOPS:         memref.extract_aligned_pointer_as_index %[[W]]
// LOOPS:         call @alexrt_conv2d_backward_data_bf16(
// LOOPS-NOT:     memref.alloc() : memref<{{.*}}bf16>
// LOOPS:         memref.extract_aligned_pointer_as_index %[[X]]
// LOOPS:         memref.extract_aligned_pointer_as_index %[[DY]]
// LOOPS:         call @alexrt_conv2d_backward_filter_bf16(
// LOOPS-DAG:     memref.dealloc %[[X]]
// LOOPS-DAG:     memref.dealloc %[[W]]
// LOOPS-DAG:     memref.dealloc %[[DY]]
// LOOPS-NOT:     alexrt_sgemm
// LOOPS:         return
// On the GPU targets a convolution is im2col and GEMMs: im2col writes the
// columns in bf16 as it gathers them; the filters are rounded once, into a
// copy both their GEMMs read.
// GPU-LABEL: func.func @step(
// GPU-NOT:     alexrt_sgemm
// GPU:         %[[W:.*]] = memref.alloc() : memref<4x2x3x3xbf16>
// GPU:         %[[WROWS:.*]] = memref.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : memref<4x2x3x3xbf16> into memref<4x18xbf16>
// GPU:         scf.parallel
// GPU:           %[[F:.*]] = arith.truncf {{.*}} : f32 to bf16
// GPU:           memref.store %[[F]], %[[WROWS]]
// GPU:         %[[COLS:.*]] = memref.alloc() : memref<1x18x32xbf16>
// GPU:         scf.parallel
// GPU:           %[[V:.*]] = arith.truncf {{.*}} : f32 to bf16
// GPU:           memref.store %[[V]], %[[COLS]]
// GPU:         call @alexrt_gemm_bf16
// The input gradient reads the rounded filters (4 x 18) where they are,
// transposed by alexrt_gemm_bf16's flag (op(A) = W^T, 18 x 4, lda 18):
// no loop transposes them or rounds them again.
// GPU-NOT:     memref.alloc() : memref<4x18xbf16>
// GPU-NOT:     memref.alloc() : memref<4x2x3x3xbf16>
// GPU:         memref.extract_aligned_pointer_as_index %[[W]]
// GPU:         call @alexrt_gemm_bf16(%c1_i32{{[_0-9]*}}, %c0_i32{{[_0-9]*}}, %c18_i64{{[_0-9]*}}, %c32_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %{{[^,]*}}, %{{[^,]*}}, %c18_i64
// GPU-NOT:     alexrt_sgemm
// GPU:         return
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit,
    data = #alex.data<dataset = "synthetic">, precision = bf16>} {
  func.func @step(%x: tensor<2x2x4x4xf32>, %w: tensor<4x2x3x3xf32>,
                  %b: tensor<4xf32>, %fw: tensor<3x64xf32>, %fb: tensor<3xf32>,
                  %labels: tensor<2xi32>, %dl: tensor<2x3xf32>)
      -> (tensor<f32>, tensor<2x64xf32>, tensor<3x64xf32>, tensor<2x2x4x4xf32>,
          tensor<4x2x3x3xf32>) {
    %c = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x2x4x4xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
    %r = alex.relu %c : tensor<2x4x4x4xf32>
    %n = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x4x4xf32>
    %f = alex.flatten %n : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
    %l = alex.dense %f, %fw, %fb : (tensor<2x64xf32>, tensor<3x64xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %loss = alex.softmax_cross_entropy %l, %labels : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    %df = alex.dense_grad_input %dl, %fw : (tensor<2x3xf32>, tensor<3x64xf32>) -> tensor<2x64xf32>
    %dfw = alex.dense_grad_weight %dl, %f : (tensor<2x3xf32>, tensor<2x64xf32>) -> tensor<3x64xf32>
    %dc = alex.reshape %df : tensor<2x64xf32> -> tensor<2x4x4x4xf32>
    %dx = alex.conv2d_grad_input %dc, %w stride 1 pad 1 groups 1 : (tensor<2x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<2x2x4x4xf32>
    %dw = alex.conv2d_grad_filter %x, %dc stride 1 pad 1 groups 1 : (tensor<2x2x4x4xf32>, tensor<2x4x4x4xf32>) -> tensor<4x2x3x3xf32>
    return %loss, %df, %dfw, %dx, %dw : tensor<f32>, tensor<2x64xf32>, tensor<3x64xf32>, tensor<2x2x4x4xf32>, tensor<4x2x3x3xf32>
  }
}

// -----

// fp32 (and tf32, a library math mode) mark nothing; a hand-marked op
// keeps its mark, the others stay fp32 and call alexrt_sgemm.
// CHECK-LABEL: func.func @forward(
// CHECK:         alex.dense {{.*}} {alex.precision = #alex.precision<bf16>}
// CHECK-NOT:     alex.precision
// CHECK:         return
// LOOPS-LABEL: func.func @forward(
// LOOPS:         call @alexrt_gemm_bf16
// LOOPS:         call @alexrt_sgemm
// LOOPS:         return
// GPU-LABEL: func.func @forward(
// GPU:         call @alexrt_gemm_bf16
// GPU:         call @alexrt_sgemm
// GPU:         return
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit,
    data = #alex.data<dataset = "synthetic">>} {
  func.func @forward(%x: tensor<2x8xf32>, %w1: tensor<4x8xf32>, %b1: tensor<4xf32>,
                     %w2: tensor<3x4xf32>, %b2: tensor<3xf32>) -> tensor<2x3xf32> {
    %h = alex.dense %x, %w1, %b1 {alex.precision = #alex.precision<bf16>} : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    %y = alex.dense %h, %w2, %b2 : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    return %y : tensor<2x3xf32>
  }
}
