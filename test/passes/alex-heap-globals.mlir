// RUN: alex-opt --alex-heap-globals %s | FileCheck %s

// Each mutable global (a workspace, an exchange buffer) becomes a pointer
// the runtime sets, read where its address was taken (in a thread's region
// too); constants stay as they are. The object lists the pointers and their
// bytes for the runtime (alexrt.h's alex_heap_buffers), and the module
// records the total.

// CHECK: module attributes {alex.heap_bytes = 4608 : i64}
// CHECK-DAG: llvm.mlir.global private @workspace_pointer() {{.*}} : !llvm.ptr {
// CHECK-DAG: llvm.mlir.global private @exchange_pointer() {{.*}} : !llvm.ptr {
// CHECK-DAG: llvm.mlir.global private constant @table({{.*}}) {{.*}} : !llvm.array<4 x f32>
// CHECK-NOT: llvm.mlir.global private @workspace()
// CHECK-LABEL: llvm.func @step
// CHECK: %[[AT:.*]] = llvm.mlir.addressof @workspace_pointer : !llvm.ptr
// CHECK-NEXT: %[[WS:.*]] = llvm.load %[[AT]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @use(%[[WS]])
// CHECK: %[[TABLE:.*]] = llvm.mlir.addressof @table
// CHECK-NEXT: llvm.call @use(%[[TABLE]])
// CHECK: omp.parallel {
// CHECK-NEXT: %[[INNER:.*]] = llvm.mlir.addressof @exchange_pointer : !llvm.ptr
// CHECK-NEXT: %[[EX:.*]] = llvm.load %[[INNER]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @use(%[[EX]])
// CHECK: llvm.mlir.global external constant @alex_heap_buffers() {{.*}} : !llvm.array<2 x struct<(ptr, i64)>> {
// CHECK-DAG: llvm.mlir.addressof @workspace_pointer
// CHECK-DAG: llvm.mlir.constant(4096 : i64)
// CHECK-DAG: llvm.mlir.addressof @exchange_pointer
// CHECK-DAG: llvm.mlir.constant(512 : i64)
// CHECK: llvm.mlir.global external constant @alex_heap_buffer_count(2 : i64)
module {
  llvm.mlir.global private @workspace() {addr_space = 0 : i32} : !llvm.array<1024 x f32>
  llvm.mlir.global private @exchange() {addr_space = 0 : i32} : !llvm.array<4 x array<32 x f32>>
  llvm.mlir.global private constant @table(dense<1.0> : tensor<4xf32>) : !llvm.array<4 x f32>
  llvm.func @use(!llvm.ptr)
  llvm.func @step() {
    %0 = llvm.mlir.addressof @workspace : !llvm.ptr
    llvm.call @use(%0) : (!llvm.ptr) -> ()
    %1 = llvm.mlir.addressof @table : !llvm.ptr
    llvm.call @use(%1) : (!llvm.ptr) -> ()
    omp.parallel {
      %2 = llvm.mlir.addressof @exchange : !llvm.ptr
      llvm.call @use(%2) : (!llvm.ptr) -> ()
      omp.terminator
    }
    llvm.return
  }
}

// RUN: not alex-opt --alex-heap-globals %S/Inputs/struct-global.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: a buffer of unknown size cannot move to the heap

// RUN: not alex-opt --alex-heap-globals %S/Inputs/valued-global.mlir 2>&1 | FileCheck %s --check-prefix=VALUED
// VALUED: error: a buffer with initial values cannot move to the heap
