// RUN: alex-opt %s --alex-plan-memory | FileCheck %s

// %a (4 KiB) dies before %c (4 KiB) is allocated: they share offset 0.
// %b (1 KiB) lives across both: it goes above them. The plan is one
// static 5 KiB workspace; without reuse the buffers take 9 KiB.
// CHECK:       memref.global "private" @reuse_workspace : memref<5120xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @reuse
// CHECK-SAME:    attributes {alex.unplanned_bytes = 9216 : i64, alex.workspace_bytes = 5120 : i64}
// CHECK:         %[[WS:.*]] = memref.get_global @reuse_workspace : memref<5120xi8>
// CHECK:         %[[AT_A:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[A:.*]] = memref.view %[[WS]][%[[AT_A]]][] : memref<5120xi8> to memref<1024xf32>
// CHECK:         %[[AT_B:.*]] = arith.constant 4096 : index
// CHECK-NEXT:    %[[B:.*]] = memref.view %[[WS]][%[[AT_B]]][] : memref<5120xi8> to memref<256xf32>
// CHECK:         %[[AT_C:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C:.*]] = memref.view %[[WS]][%[[AT_C]]][] : memref<5120xi8> to memref<1024xf32>
// CHECK:         memref.copy %[[B]], %{{.*}} :
// CHECK-NOT:     memref.dealloc
// CHECK:         return
func.func @reuse(%in: memref<1024xf32>, %out: memref<256xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  memref.copy %in, %a : memref<1024xf32> to memref<1024xf32>
  %va = memref.subview %a[0] [256] [1] : memref<1024xf32> to memref<256xf32, strided<[1]>>
  %b = memref.alloc() : memref<256xf32>
  memref.copy %va, %b : memref<256xf32, strided<[1]>> to memref<256xf32>
  %c = memref.alloc() : memref<1024xf32>
  memref.copy %in, %c : memref<1024xf32> to memref<1024xf32>
  memref.copy %b, %out : memref<256xf32> to memref<256xf32>
  %vc = memref.subview %c[0] [256] [1] : memref<1024xf32> to memref<256xf32, strided<[1]>>
  memref.copy %vc, %out : memref<256xf32, strided<[1]>> to memref<256xf32>
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<256xf32>
  memref.dealloc %c : memref<1024xf32>
  return
}

// A use through a view keeps the buffer alive: %x is read via %vx after
// %y is allocated, so they may not share.
// CHECK-LABEL: func.func @view_keeps_alive
// CHECK-SAME:    alex.workspace_bytes = 8192 : i64
func.func @view_keeps_alive(%in: memref<1024xf32>, %out: memref<1024xf32>) {
  %x = memref.alloc() : memref<1024xf32>
  memref.copy %in, %x : memref<1024xf32> to memref<1024xf32>
  %vx = memref.reinterpret_cast %x to offset: [0], sizes: [32, 32], strides: [32, 1] : memref<1024xf32> to memref<32x32xf32>
  %y = memref.alloc() : memref<1024xf32>
  memref.copy %in, %y : memref<1024xf32> to memref<1024xf32>
  %vy = memref.reinterpret_cast %out to offset: [0], sizes: [32, 32], strides: [32, 1] : memref<1024xf32> to memref<32x32xf32>
  memref.copy %vx, %vy : memref<32x32xf32> to memref<32x32xf32>
  memref.copy %y, %out : memref<1024xf32> to memref<1024xf32>
  return
}

// Nothing to plan: no attributes, no workspace.
// CHECK-NOT:   @nothing_workspace
// CHECK-LABEL: func.func @nothing(
// CHECK-NOT:     alex.workspace_bytes
func.func @nothing(%in: memref<4xf32>, %out: memref<4xf32>) {
  memref.copy %in, %out : memref<4xf32> to memref<4xf32>
  return
}
