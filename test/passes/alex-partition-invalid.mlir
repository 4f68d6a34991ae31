// What --alex-partition refuses, each with a diagnostic at the op.
// RUN: alex-opt %s --alex-partition=num-devices=2 -split-input-file -verify-diagnostics
// RUN: not alex-opt %s --alex-partition=num-devices=100 -split-input-file 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: --alex-partition supports 1 to 64 devices, got 100

// An LRN across all channels would need the other tower's channels.
func.func @f(%x: tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32> {
  %r = alex.relu %x : tensor<2x4x6x6xf32>
  // expected-error @+1 {{'alex.lrn' op normalizes across 1 channel group(s), which cannot stay on 2 devices: give the lrn groups=2 (each tower normalizes its own channels, as in the paper)}}
  %n = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x6x6xf32>
  return %n : tensor<2x4x6x6xf32>
}

// -----

// Three filters do not split in two.
module {
  alex.param @c.weight : tensor<3x4x3x3xf32> init #alex.gaussian<std = 0.01>
  func.func @f(%x: tensor<2x4x6x6xf32>) -> tensor<3x4x3x3xf32> {
    // expected-error @+1 {{'alex.read_param' cannot be split across 2 devices: its 3 outputs do not divide among them (use a multiple of 2, or devices = 1)}}
    %w = alex.read_param @c.weight : tensor<3x4x3x3xf32>
    return %w : tensor<3x4x3x3xf32>
  }
}

// -----

// Three groups neither stay local on two devices nor read everything.
module {
  alex.param @c.weight : tensor<6x1x3x3xf32> init #alex.gaussian<std = 0.01>
  alex.param @c.bias : tensor<6xf32> init #alex.constant<value = 0.0>
  func.func @f(%x: tensor<2x3x6x6xf32>) -> tensor<2x6x6x6xf32> {
    %w = alex.read_param @c.weight : tensor<6x1x3x3xf32>
    %b = alex.read_param @c.bias : tensor<6xf32>
    // expected-error @+1 {{'alex.conv2d' op cannot be split across 2 devices: its 3 groups neither divide among them nor are 1}}
    %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 3 : (tensor<2x3x6x6xf32>, tensor<6x1x3x3xf32>, tensor<6xf32>) -> tensor<2x6x6x6xf32>
    return %y : tensor<2x6x6x6xf32>
  }
}

// -----

// An odd number of channels cannot be split by channel.
func.func @f(%x: tensor<2x5x6x6xf32>) -> tensor<2x5x6x6xf32> {
  // expected-error @+1 {{'alex.relu' cannot be split across 2 devices: its 5 channels or features do not divide among them (use a multiple of 2, or devices = 1)}}
  %r = alex.relu %x : tensor<2x5x6x6xf32>
  return %r : tensor<2x5x6x6xf32>
}

// -----

// Fused blocks come later in the pipeline: partition first.
func.func @f(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>, %b: tensor<2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'alex.dense_block' op is not an op --alex-partition can split (run it right after --alex-build-train-step)}}
  %y = alex.dense_block %x, %w, %b relu : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
