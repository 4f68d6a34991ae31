// The GPU targets' library convolutions (cuDNN) take fp32 operands: a
// convolution marked bf16 is refused there, with the way out (alexc itself
// lowers their bf16 models with im2col and GEMMs; the CPU's bf16
// convolutions are the runtime's alexrt_conv2d_*_bf16).
// RUN: alex-opt %s --alex-lower-to-loops="gpu-kernels=true library-convolutions=true" -verify-diagnostics
module {
  func.func @f(%x: tensor<2x1x6x6xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+1 {{'alex.conv2d' op computes in bf16, which the GPU targets' library convolutions do not take (cuDNN's write bf16 outputs): lower it without library-convolutions (im2col and GEMMs)}}
    %c = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 {alex.precision = #alex.precision<bf16>} : (tensor<2x1x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
    return %c : tensor<2x4x6x6xf32>
  }
}
