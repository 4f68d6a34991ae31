// RUN: alex-opt --alex-form-kernels --split-input-file --verify-diagnostics %s | FileCheck %s

// Host code keeps no buffer access: a copy becomes a parallel loop, a read
// of the learning rate moves into the kernel that uses it, and the loss
// sum (a sequential loop, its division and the store) becomes one kernel
// of one iteration where the store stood.

// CHECK-LABEL: func.func @step
func.func @step(%w: memref<4xf32>, %g: memref<4xf32>, %lr: memref<f32>,
                %loss: memref<f32>, %copy: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %four = arith.constant 4.0 : f32
  // CHECK-NOT: memref.copy
  // CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step
  // CHECK-NEXT: memref.load %arg1[%[[I]]]
  // CHECK-NEXT: memref.store %{{.*}}, %arg4[%[[I]]]
  memref.copy %g, %copy : memref<4xf32> to memref<4xf32>
  %rate = memref.load %lr[] : memref<f32>
  %scaled = arith.negf %rate : f32
  // CHECK: scf.parallel
  // CHECK-NEXT: %[[RATE:.*]] = memref.load %arg2[]
  // CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[RATE]]
  // CHECK: arith.mulf %[[NEG]]
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %wi = memref.load %w[%i] : memref<4xf32>
    %gi = memref.load %g[%i] : memref<4xf32>
    %step = arith.mulf %scaled, %gi : f32
    %new = arith.addf %wi, %step : f32
    memref.store %new, %w[%i] : memref<4xf32>
    scf.reduce
  }
  // CHECK: scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c1{{.*}}) step
  // CHECK-NEXT: %[[SUM:.*]] = scf.for
  // CHECK: %[[MEAN:.*]] = arith.divf %[[SUM]]
  // CHECK-NEXT: memref.store %[[MEAN]], %arg3[]
  %sum = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (f32) {
    %gi = memref.load %g[%i] : memref<4xf32>
    %next = arith.addf %acc, %gi : f32
    scf.yield %next : f32
  }
  %mean = arith.divf %sum, %four : f32
  memref.store %mean, %loss[] : memref<f32>
  // CHECK: return
  return
}

// -----

// A loop around runtime calls stays on the host; the accesses inside it
// become kernels there.

// CHECK-LABEL: func.func @per_image
// CHECK: scf.for
// CHECK-NEXT: func.call @alexrt_device_barrier
// CHECK: scf.parallel
// CHECK-NEXT: memref.store
func.func private @alexrt_device_barrier()
func.func @per_image(%out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c2 step %c1 {
    func.call @alexrt_device_barrier() : () -> ()
    memref.store %one, %out[%i] : memref<2xf32>
  }
  return
}

// -----

// A value read from a buffer that host code needs cannot be moved.
func.func private @alexrt_use(f32)
func.func @host_reads(%x: memref<f32>, %y: memref<f32>) {
  // expected-error @+1 {{a value read from a buffer is used by host code (func.call)}}
  %v = memref.load %x[] : memref<f32>
  memref.store %v, %y[] : memref<f32>
  func.call @alexrt_use(%v) : (f32) -> ()
  return
}

// -----

// A buffer access cannot move past a runtime call that may touch memory.
func.func private @alexrt_device_barrier()
func.func @past_call(%x: memref<f32>, %y: memref<f32>) {
  // expected-error @+1 {{this buffer access cannot be moved into a kernel past func.call}}
  %v = memref.load %x[] : memref<f32>
  func.call @alexrt_device_barrier() : () -> ()
  memref.store %v, %y[] : memref<f32>
  return
}
