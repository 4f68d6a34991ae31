// RUN: alex-opt %s --alex-parallel-accesses | FileCheck %s

// The annotation scf-to-cf left on the back edge becomes the branch's own
// loop annotation, and the loop's load and store (not the ones before or
// after it) join its access group.
// CHECK-DAG:   #[[GROUP:.*]] = #llvm.access_group<id = distinct[0]<>>
// CHECK-DAG:   #[[LOOP:.*]] = #llvm.loop_annotation<parallelAccesses = #[[GROUP]]>
// CHECK-LABEL: llvm.func @copy
// CHECK:         llvm.load %arg0 : !llvm.ptr -> f32
// CHECK-NOT:     access_groups
// CHECK:       ^bb1(
// CHECK:       ^bb2:
// CHECK:         llvm.load %{{.*}} {access_groups = [#[[GROUP]]]} : !llvm.ptr -> f32
// CHECK:         llvm.store %{{.*}}, %{{.*}} {access_groups = [#[[GROUP]]]} : f32, !llvm.ptr
// CHECK:         llvm.br ^bb1(%{{.*}} : i64) {loop_annotation = #[[LOOP]]}
// CHECK:       ^bb3:
// CHECK:         llvm.store %{{.*}}, %arg1 : f32, !llvm.ptr
#group = #llvm.access_group<id = distinct[0]<>>
#parallel = #llvm.loop_annotation<parallelAccesses = #group>
llvm.func @copy(%a: !llvm.ptr, %b: !llvm.ptr) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %n = llvm.mlir.constant(64 : i64) : i64
  %first = llvm.load %a : !llvm.ptr -> f32
  llvm.br ^bb1(%zero : i64)
^bb1(%i: i64):
  %more = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %more, ^bb2, ^bb3
^bb2:
  %from = llvm.getelementptr %a[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %to = llvm.getelementptr %b[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %from : !llvm.ptr -> f32
  llvm.store %v, %to : f32, !llvm.ptr
  %next = llvm.add %i, %one : i64
  llvm.br ^bb1(%next : i64) {llvm.loop_annotation = #parallel}
^bb3:
  llvm.store %first, %b : f32, !llvm.ptr
  llvm.return
}
