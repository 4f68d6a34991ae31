// RUN: alex-opt --alex-map-kernels=block-size=128 %s | FileCheck %s

// A 3 x 100 kernel: 300 iterations over 3 blocks of 128 threads, the
// linear index b * 128 + t guarded against 300, the innermost dimension
// fastest; a parallel loop inside runs sequentially in the thread.

// CHECK-LABEL: func.func @kernel
// CHECK: scf.parallel (%[[B:.*]], %[[T:.*]]) = (%{{.*}}, %{{.*}}) to (%c3{{.*}}, %c128{{.*}})
// CHECK: %[[SCALED:.*]] = arith.muli %[[B]], %c128
// CHECK: %[[LINEAR:.*]] = arith.addi %[[SCALED]], %[[T]]
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[LINEAR]], %c300
// CHECK: scf.if %[[IN]] {
// CHECK: %[[COLUMN:.*]] = arith.remui %[[LINEAR]], %c100
// CHECK: %[[ROW:.*]] = arith.divui %[[LINEAR]], %c100
// CHECK: scf.for %[[K:.*]] =
// CHECK: memref.store %{{.*}}, %arg0[%[[ROW]], %[[COLUMN]], %[[K]]]
// CHECK: mapping = [#gpu.loop_dim_map<processor = block_x, {{.*}}>, #gpu.loop_dim_map<processor = thread_x, {{.*}}>]
func.func @kernel(%out: memref<3x100x2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c100 = arith.constant 100 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c100) step (%c1, %c1) {
    scf.parallel (%k) = (%c0) to (%c2) step (%c1) {
      memref.store %one, %out[%i, %j, %k] : memref<3x100x2xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// Bounds and steps other than 0 and 1: i = 2 + 3 * position.
// CHECK-LABEL: func.func @strided
// CHECK: %[[P:.*]] = arith.muli %{{.*}}, %c3
// CHECK: %[[I:.*]] = arith.addi %[[P]], %c2
// CHECK: memref.store %{{.*}}, %arg0[%[[I]]]
func.func @strided(%out: memref<20xf32>) {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c20 = arith.constant 20 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c2) to (%c20) step (%c3) {
    memref.store %one, %out[%i] : memref<20xf32>
    scf.reduce
  }
  return
}

// One iteration: one block of one thread, no guard.
// CHECK-LABEL: func.func @single
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%c0{{.*}}, %c0{{.*}}) to (%c1{{.*}}, %c1{{.*}})
// CHECK-NOT: scf.if
// CHECK: memref.store
func.func @single(%out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    memref.store %one, %out[] : memref<f32>
    scf.reduce
  }
  return
}

// Bounds the pass cannot know are refused.
// RUN: not alex-opt --alex-map-kernels %S/Inputs/dynamic-kernel.mlir 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: error: a kernel needs constant bounds and steps
// RUN: not alex-opt --alex-map-kernels %S/Inputs/reducing-kernel.mlir 2>&1 | FileCheck %s --check-prefix=REDUCING
// REDUCING: error: a kernel cannot reduce into results
