// RUN: alex-opt %s --alex-thread-loops | FileCheck %s
// RUN: alex-opt %s --alex-thread-loops=min-iterations=1000000 | FileCheck %s --check-prefix=SMALL

// CHECK: = #llvm.loop_annotation<parallelAccesses = #access_group{{[0-9]*}}>

// A large loop keeps just enough leading dimensions for 16 tasks (here the
// first, 32 channels) as its threaded loop; the rest become sequential
// loops, the innermost dimension innermost. The channel index reads
// min(c, 31) inside, which tells LLVM its range.
// CHECK-LABEL: func.func @large
// CHECK:         scf.parallel (%[[C:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK:           %[[LAST:.*]] = arith.constant 31 : index
// CHECK:           %[[BOUNDED:.*]] = arith.minui %[[C]], %[[LAST]] : index
// CHECK:           scf.for %[[H:.*]] =
// CHECK:             scf.for %[[W:.*]] =
// CHECK:               memref.load %{{.*}}[%[[BOUNDED]], %[[H]], %[[W]]]
// The innermost loop, a parallel dimension, says its iterations are
// independent (--alex-parallel-accesses completes it after the lowering).
// CHECK:             } {llvm.loop_annotation = #loop_annotation{{[0-9]*}}}
// CHECK-NOT:     scf.parallel
// SMALL-LABEL:  func.func @large
// SMALL-NOT:      scf.parallel
// SMALL-COUNT-3:  scf.for
func.func @large(%in: memref<32x64x64xf32>, %out: memref<32x64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%c, %h, %w) = (%c0, %c0, %c0) to (%c32, %c64, %c64) step (%c1, %c1, %c1) {
    %v = memref.load %in[%c, %h, %w] : memref<32x64x64xf32>
    memref.store %v, %out[%c, %h, %w] : memref<32x64x64xf32>
  }
  return
}

// Few leading iterations: dimensions are kept until there are 16 tasks
// (2 x 4 x 8 = 64 > 16 after three; 2 x 4 = 8 after two), never the
// innermost one.
// CHECK-LABEL: func.func @narrow
// CHECK:         scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
// CHECK:           scf.for
// CHECK-NOT:       scf.for
func.func @narrow(%out: memref<2x4x8x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%a, %b, %c, %d) = (%c0, %c0, %c0, %c0) to (%c2, %c4, %c8, %c1024) step (%c1, %c1, %c1, %c1) {
    memref.store %zero, %out[%a, %b, %c, %d] : memref<2x4x8x1024xf32>
  }
  return
}

// Below min-iterations in all (4 x 8 = 32): sequential loops, no team.
// CHECK-LABEL: func.func @small
// CHECK-NOT:     scf.parallel
// CHECK:         scf.for
// CHECK:           scf.for
func.func @small(%out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %zero, %out[%i, %j] : memref<4x8xf32>
  }
  return
}

// Inside a sequential image loop, with a view of a static workspace: the
// view and the constants it needs are recomputed inside the threaded loop
// (what OpenMP outlines then addresses the workspace directly), and the
// image index reads min(n, 15). A parallel loop nested in the threaded one
// runs sequentially (the inner loop alone is under min-iterations, but the
// outer one counts its work: 256 x 256).
// CHECK-LABEL: func.func @per_image
// CHECK:         scf.for %[[N:.*]] =
// CHECK:           scf.parallel (%{{.*}}) =
// CHECK-DAG:         memref.get_global @per_image_workspace
// CHECK-DAG:         memref.view
// CHECK-DAG:         arith.minui %[[N]], %{{.*}}
// CHECK-NOT:         scf.parallel
// CHECK:             scf.for
// CHECK-NEXT:          memref.load
memref.global "private" @per_image_workspace : memref<262144xi8> = uninitialized
func.func @per_image(%in: memref<16x256x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %ws = memref.get_global @per_image_workspace : memref<262144xi8>
  %buffer = memref.view %ws[%c0][] : memref<262144xi8> to memref<256x256xf32>
  scf.for %n = %c0 to %c16 step %c1 {
    scf.parallel (%h) = (%c0) to (%c256) step (%c1) {
      scf.parallel (%w) = (%c0) to (%c256) step (%c1) {
        %v = memref.load %in[%n, %h, %w] : memref<16x256x256xf32>
        memref.store %v, %buffer[%h, %w] : memref<256x256xf32>
      }
    }
  }
  return
}
