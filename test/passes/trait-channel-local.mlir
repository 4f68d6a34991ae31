// RUN: alex-opt %s --alex-partition=num-devices=2 -split-input-file -verify-diagnostics | FileCheck %s

// alex_test.scale is named by no pass: its ChannelLocal trait alone makes
// --alex-partition clone it on each device's block of channels, as it does
// relu or max_pool, with no exchange before or after it.
// CHECK-LABEL: func.func @forward_device0(
// CHECK:         %[[C:.*]] = alex.conv2d {{.*}} -> tensor<2x2x6x6xf32>
// CHECK-NEXT:    %[[S:.*]] = alex_test.scale %[[C]] : tensor<2x2x6x6xf32>
// CHECK-NEXT:    return %[[S]] : tensor<2x2x6x6xf32>
// CHECK-LABEL: func.func @forward_device1(
// CHECK:         %[[C:.*]] = alex.conv2d {{.*}} -> tensor<2x2x6x6xf32>
// CHECK-NEXT:    %[[S:.*]] = alex_test.scale %[[C]] : tensor<2x2x6x6xf32>
// CHECK-NEXT:    return %[[S]] : tensor<2x2x6x6xf32>
module {
  alex.param @c.weight : tensor<4x3x3x3xf32> init #alex.gaussian<std = 0.01>
  alex.param @c.bias : tensor<4xf32> init #alex.constant<value = 0.0>
  func.func @forward(%x: tensor<2x3x6x6xf32>) -> tensor<2x4x6x6xf32> {
    %w = alex.read_param @c.weight : tensor<4x3x3x3xf32>
    %b = alex.read_param @c.bias : tensor<4xf32>
    %c = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
    %s = alex_test.scale %c : tensor<2x4x6x6xf32>
    return %s : tensor<2x4x6x6xf32>
  }
}

// -----

// The trait's op gets the rule every channel-local op gets: its channels
// must divide among the devices.
module {
  func.func @forward(%x: tensor<2x3x6x6xf32>) -> tensor<2x3x6x6xf32> {
    // expected-error @+1 {{'alex_test.scale' cannot be split across 2 devices: its 3 channels or features do not divide among them}}
    %s = alex_test.scale %x : tensor<2x3x6x6xf32>
    return %s : tensor<2x3x6x6xf32>
  }
}
