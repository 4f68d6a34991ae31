// RUN: alex-opt --alex-device-globals %s | FileCheck %s

// The address of a mutable global (a workspace) is exchanged for the
// runtime's device memory of its size; constants stay as they are.

// CHECK-LABEL: llvm.func @step
// CHECK: %[[HOST:.*]] = llvm.mlir.addressof @workspace : !llvm.ptr
// CHECK-NEXT: %[[BYTES:.*]] = llvm.mlir.constant(4096 : i64) : i64
// CHECK-NEXT: %[[DEVICE:.*]] = llvm.call @alexrt_global_memory(%[[HOST]], %[[BYTES]])
// CHECK-NEXT: llvm.call @use(%[[DEVICE]])
// CHECK: %[[TABLE:.*]] = llvm.mlir.addressof @table
// CHECK-NEXT: llvm.call @use(%[[TABLE]])
// CHECK: llvm.func @alexrt_global_memory(!llvm.ptr, i64) -> !llvm.ptr

// Only the host global's address is used: it shrinks to one byte.
// RUN: alex-opt --alex-device-globals %s | FileCheck %s --check-prefix=GLOBALS
// GLOBALS: llvm.mlir.global private @workspace() {{.*}} : i8
// GLOBALS: llvm.mlir.global private constant @table({{.*}}) {{.*}} : !llvm.array<4 x f32>
module {
  llvm.mlir.global private @workspace() {addr_space = 0 : i32} : !llvm.array<1024 x f32>
  llvm.mlir.global private constant @table(dense<1.0> : tensor<4xf32>) : !llvm.array<4 x f32>
  llvm.func @use(!llvm.ptr)
  llvm.func @step() {
    %0 = llvm.mlir.addressof @workspace : !llvm.ptr
    llvm.call @use(%0) : (!llvm.ptr) -> ()
    %1 = llvm.mlir.addressof @table : !llvm.ptr
    llvm.call @use(%1) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// RUN: not alex-opt --alex-device-globals %S/Inputs/struct-global.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: a buffer of unknown size cannot move to device memory
