// RUN: alex-opt %s --alex-expand-bf16 | FileCheck %s

// Rounding to bf16 becomes integer arithmetic on the float's bits (round
// to nearest even: add 0x7FFF plus the lowest kept bit, keep the upper 16
// bits; a NaN stays a quiet NaN), so host code needs no bf16 instruction
// or compiler-runtime call. Other float ops are left alone.
// CHECK-LABEL: func.func @round(
// CHECK-NOT:     arith.truncf
// CHECK:         arith.bitcast %{{.*}} : f32 to i32
// CHECK:         arith.addi
// CHECK:         arith.shrui
// CHECK:         arith.trunci %{{.*}} : i32 to i16
// CHECK:         arith.bitcast %{{.*}} : i16 to bf16
// CHECK:         arith.maximumf
func.func @round(%x: f32, %y: f32) -> (bf16, f32) {
  %r = arith.truncf %x : f32 to bf16
  %m = arith.maximumf %x, %y : f32
  return %r, %m : bf16, f32
}

// CHECK-LABEL: func.func @widen(
// CHECK-NOT:     arith.extf
// CHECK:         arith.bitcast %{{.*}} : bf16 to i16
// CHECK:         arith.extui %{{.*}} : i16 to i32
// CHECK:         arith.shli
// CHECK:         arith.bitcast %{{.*}} : i32 to f32
func.func @widen(%x: bf16) -> f32 {
  %w = arith.extf %x : bf16 to f32
  return %w : f32
}
