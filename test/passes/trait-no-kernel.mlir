// RUN: alex-opt %s --alex-lower-to-loops | FileCheck %s
// RUN: alex-opt %s --alex-profile-layers | FileCheck %s --check-prefix=PROFILE

// alex_test.view is named by no pass: its NoKernel trait alone makes
// --alex-lower-to-loops view its operand's buffer (no loop, no copy) and
// --alex-profile-layers give it no region of its own, as for flatten.
// CHECK-LABEL: func.func @forward(
// CHECK:         %[[R:.*]] = memref.alloc() : memref<2x2x2x2xf32>
// CHECK:         scf.parallel
// CHECK:           memref.store {{.*}}, %[[R]]
// CHECK:         %[[V:.*]] = memref.reinterpret_cast %[[R]] to offset: [0], sizes: [2, 8], strides: [8, 1]
// CHECK-NOT:     memref.copy
// CHECK:         scf.parallel
// CHECK:           memref.load %[[V]]
// CHECK-NOT:     scf.parallel

// PROFILE: alex.profile_regions = [{flops = 0 : i64, layer = "relu1", phase = "forward"}, {flops = 0 : i64, layer = "relu2", phase = "forward"}]
// PROFILE:      alex.profile_mark 0
// PROFILE-NEXT: alex.relu
// PROFILE-NEXT: alex_test.view
// PROFILE-NEXT: alex.profile_mark 1
// PROFILE-NEXT: alex.relu
module attributes {alex.training = #alex.training<batch = 2, epochs = 1,
    optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  func.func @forward(%x: tensor<2x2x2x2xf32>) -> tensor<2x8xf32> {
    %r = alex.relu %x : tensor<2x2x2x2xf32> loc("relu1")
    %v = alex_test.view %r : tensor<2x2x2x2xf32> -> tensor<2x8xf32> loc("view1")
    %s = alex.relu %v : tensor<2x8xf32> loc("relu2")
    return %s : tensor<2x8xf32>
  }
}
