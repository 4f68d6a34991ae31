// RUN: alex-opt %s --alex-lower-to-loops | FileCheck %s
// RUN: alex-opt %s --alex-lower-to-loops="library-convolutions=true" | FileCheck %s --check-prefix=CPULIB

// A fused block's library convolution on the CPU (oneDNN's) is called for
// as many images as 1 MiB of output holds, here one (64 x 48 x 48
// floats), so the epilogue reads the output from the caches, not a whole
// batch from memory. In bf16 the input is rounded once, before the
// chunks; each call reads from its image's offset (n0 x 3 x 48 x 48).
// CHECK-LABEL: func.func @library_chunks_bf16(
// CHECK:         %[[X16:.*]] = memref.alloc() : memref<2x3x48x48xbf16>
// CHECK:         %[[Z:.*]] = memref.alloc() : memref<1x64x48x48xf32>
// CHECK:         scf.for %[[N0:[^ ]*]] = %c0{{[_0-9]*}} to %c2{{[_0-9]*}} step %c1
// CHECK-NOT:       arith.truncf
// CHECK:           %[[FIRST:.*]] = arith.muli %[[N0]], %c6912
// CHECK:           memref.extract_aligned_pointer_as_index %[[X16]]
// CHECK:           arith.addi %{{.*}}, %[[FIRST]]
// CHECK:           memref.extract_aligned_pointer_as_index %[[Z]]
// CHECK:           call @alexrt_conv2d_forward_bf16(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c1_i64
// CHECK:           scf.parallel {{.*}} to (%c1{{[_0-9]*}}, %c64{{[_0-9]*}}, %c24{{[_0-9]*}}, %c24{{[_0-9]*}})
// CHECK:             memref.load %[[Z]]
// CHECK:         memref.dealloc %[[Z]]
func.func @library_chunks_bf16(%x: tensor<2x3x48x48xf32>, %w: tensor<64x3x3x3xf32>, %b: tensor<64xf32>) -> tensor<2x64x24x24xf32> {
  %y = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu pool <window = 2, stride = 2> {alex.precision = #alex.precision<bf16>} : (tensor<2x3x48x48xf32>, tensor<64x3x3x3xf32>, tensor<64xf32>) -> tensor<2x64x24x24xf32>
  return %y : tensor<2x64x24x24xf32>
}

// The same in fp32 with library convolutions on the CPU: an image a call,
// from x's image n0 (a GPU's cuDNN takes the whole batch in one call:
// alex-lower-to-loops.mlir, @library_block).
// CPULIB-LABEL: func.func @library_chunks_fp32(
// CPULIB-SAME:    %[[X:[^:]*]]: memref<2x3x48x48xf32>
// CPULIB:         %[[Z:.*]] = memref.alloc() : memref<1x64x48x48xf32>
// CPULIB:         scf.for %[[N0:[^ ]*]] =
// CPULIB:           %[[FIRST:.*]] = arith.muli %[[N0]], %c6912
// CPULIB:           memref.extract_aligned_pointer_as_index %[[X]]
// CPULIB:           arith.addi %{{.*}}, %[[FIRST]]
// CPULIB:           call @alexrt_conv2d_forward(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c1_i64
func.func @library_chunks_fp32(%x: tensor<2x3x48x48xf32>, %w: tensor<64x3x3x3xf32>, %b: tensor<64xf32>) -> tensor<2x64x24x24xf32> {
  %y = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu pool <window = 2, stride = 2> : (tensor<2x3x48x48xf32>, tensor<64x3x3x3xf32>, tensor<64xf32>) -> tensor<2x64x24x24xf32>
  return %y : tensor<2x64x24x24xf32>
}
