// One case per verifier error of the alex dialect.
// RUN: alex-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op input must have rank 4, got 4x8x8 (rank 3)}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op filter must have rank 4, got 8x4x3 (rank 3)}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8x1xf32>) {
  // expected-error @+1 {{'alex.conv2d' op bias must have rank 1, got 8x1 (rank 2)}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8x1xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op stride must be positive, got 0}}
  %y = alex.conv2d %x, %w, %b stride 0 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op groups must be positive, got 0}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 0 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op pad must be non-negative, got -1}}
  %y = alex.conv2d %x, %w, %b stride 1 pad -1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<9x1x3x3xf32>, %b: tensor<9xf32>) {
  // expected-error @+1 {{'alex.conv2d' op input channels (4) are not divisible by groups (3)}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 3 : (tensor<2x4x8x8xf32>, tensor<9x1x3x3xf32>, tensor<9xf32>) -> tensor<2x9x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<9x2x3x3xf32>, %b: tensor<9xf32>) {
  // expected-error @+1 {{'alex.conv2d' op output channels (9) are not divisible by groups (2)}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 2 : (tensor<2x4x8x8xf32>, tensor<9x2x3x3xf32>, tensor<9xf32>) -> tensor<2x9x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op filter 8x4x3x3 must read 2 channels per group (input channels 4 / groups 2)}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 2 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<7xf32>) {
  // expected-error @+1 {{'alex.conv2d' op bias has 7 elements but there are 8 output channels}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<7xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x0x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op kernel size must be positive, got 0x3}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x0x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x11x11xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op kernel 11x11 is larger than the padded input 10x10}}
  %y = alex.conv2d %x, %w, %b stride 1 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x11x11xf32>, tensor<8xf32>) -> tensor<2x8x1x1xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv2d' op result shape 2x8x8x8 does not match the inferred shape 2x8x4x4}}
  %y = alex.conv2d %x, %w, %b stride 2 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool' op input must have rank 4, got 8x8 (rank 2)}}
  %y = alex.max_pool %x window 3 stride 2 : tensor<8x8xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool' op window must be positive, got 0}}
  %y = alex.max_pool %x window 0 stride 2 : tensor<2x4x8x8xf32> -> tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool' op stride must be positive, got -2}}
  %y = alex.max_pool %x window 3 stride -2 : tensor<2x4x8x8xf32> -> tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool' op window 9x9 is larger than the input 8x8}}
  %y = alex.max_pool %x window 9 stride 2 : tensor<2x4x8x8xf32> -> tensor<2x4x1x1xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool' op result shape 2x4x4x4 does not match the inferred shape 2x4x3x3}}
  %y = alex.max_pool %x window 3 stride 2 : tensor<2x4x8x8xf32> -> tensor<2x4x4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<8xf32>) {
  // expected-error @+1 {{'alex.flatten' op input must have rank >= 2, got 8}}
  %y = alex.flatten %x : tensor<8xf32> -> tensor<8x1xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.flatten' op result shape 2x12 does not match the inferred shape 2x36}}
  %y = alex.flatten %x : tensor<2x4x3x3xf32> -> tensor<2x12xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3xf32>, %w: tensor<5x12xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'alex.dense' op input must have rank 2, got 2x4x3 (rank 3)}}
  %y = alex.dense %x, %w, %b : (tensor<2x4x3xf32>, tensor<5x12xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x12xf32>, %w: tensor<60xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'alex.dense' op weight must have rank 2, got 60 (rank 1)}}
  %y = alex.dense %x, %w, %b : (tensor<2x12xf32>, tensor<60xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x12xf32>, %w: tensor<5x12xf32>, %b: tensor<f32>) {
  // expected-error @+1 {{'alex.dense' op bias must have rank 1, got scalar (rank 0)}}
  %y = alex.dense %x, %w, %b : (tensor<2x12xf32>, tensor<5x12xf32>, tensor<f32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x12xf32>, %w: tensor<5x10xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'alex.dense' op weight 5x10 must read 12 input features}}
  %y = alex.dense %x, %w, %b : (tensor<2x12xf32>, tensor<5x10xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x12xf32>, %w: tensor<5x12xf32>, %b: tensor<6xf32>) {
  // expected-error @+1 {{'alex.dense' op bias has 6 elements but there are 5 output features}}
  %y = alex.dense %x, %w, %b : (tensor<2x12xf32>, tensor<5x12xf32>, tensor<6xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x12xf32>, %w: tensor<5x12xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'alex.dense' op result shape 2x6 does not match the inferred shape 2x5}}
  %y = alex.dense %x, %w, %b : (tensor<2x12xf32>, tensor<5x12xf32>, tensor<5xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'alex.lrn' op input must have rank 4, got 2x4 (rank 2)}}
  %y = alex.lrn %x size 5 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.lrn' op size must be positive, got 0}}
  %y = alex.lrn %x size 0 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.lrn' op size must be odd so the window is centred on its channel, got 4}}
  %y = alex.lrn %x size 4 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.lrn' op alpha must be finite and non-negative, got -1}}
  %y = alex.lrn %x size 5 alpha -1.0 beta 0.75 k 2.0 : tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.lrn' op beta must be finite and non-negative, got -0.5}}
  %y = alex.lrn %x size 5 alpha 1.0e-4 beta -0.5 k 2.0 : tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.lrn' op k must be finite and positive, got 0}}
  %y = alex.lrn %x size 5 alpha 1.0e-4 beta 0.75 k 0.0 : tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'alex.dropout' op dropout rate must be in [0, 1), got 1}}
  %y = alex.dropout %x rate 1.0 : tensor<2x4xf32>
  return
}

// -----

func.func @f(%l: tensor<4xf32>, %y: tensor<4xi32>) {
  // expected-error @+1 {{'alex.softmax_cross_entropy' op logits must have rank 2, got 4 (rank 1)}}
  %loss = alex.softmax_cross_entropy %l, %y : tensor<4xf32>, tensor<4xi32> -> tensor<f32>
  return
}

// -----

func.func @f(%l: tensor<4x10xf32>, %y: tensor<3xi32>) {
  // expected-error @+1 {{'alex.softmax_cross_entropy' op logits hold 4 examples but labels 3}}
  %loss = alex.softmax_cross_entropy %l, %y : tensor<4x10xf32>, tensor<3xi32> -> tensor<f32>
  return
}

// -----

// expected-error @+1 {{'alex.param' op parameter shape must be static, got ?x3}}
alex.param @w : tensor<?x3xf32> init #alex.constant<value = 0.0>

// -----

func.func @f() {
  // expected-error @+1 {{'alex.read_param' op 'missing' does not name an alex.param}}
  %w = alex.read_param @missing : tensor<3xf32>
  return
}

// -----

alex.param @w : tensor<4xf32> init #alex.constant<value = 0.0>
func.func @f() {
  // expected-error @+1 {{'alex.read_param' op type 'tensor<3xf32>' does not match the parameter's 'tensor<4xf32>'}}
  %w = alex.read_param @w : tensor<3xf32>
  return
}

// -----

// expected-error @+1 {{unknown alex attribute 'alex.recipe'}}
module attributes {alex.recipe = 1} {}

// -----

// expected-error @+1 {{'alex.training' belongs on a module}}
func.func @f() attributes {alex.training = #alex.training<batch = 1, epochs = 1, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  return
}

// -----

// expected-error @+1 {{'alex.training' must be an #alex.training attribute}}
module attributes {alex.training = #alex.sgd<lr = 0.1>} {}

// -----

// expected-error @+1 {{gaussian std must be positive, got 0}}
alex.param @w : tensor<4xf32> init #alex.gaussian<std = 0.0>

// -----

// expected-error @+1 {{xavier gain must be positive, got -1}}
alex.param @w : tensor<4xf32> init #alex.xavier<gain = -1.0>

// -----

// expected-error @+1 {{learning rate must be positive, got 0}}
module attributes {alex.training = #alex.sgd<lr = 0.0>} {}

// -----

// expected-error @+1 {{momentum must be in [0, 1), got 1}}
module attributes {alex.training = #alex.sgd<lr = 0.1, momentum = 1.0>} {}

// -----

// expected-error @+1 {{weight decay must be in [0, 1], got 2}}
module attributes {alex.training = #alex.sgd<lr = 0.1, weight_decay = 2.0>} {}

// -----

// expected-error @+1 {{step schedule 'every' must be positive, got 0}}
module attributes {alex.training = #alex.step_schedule<every = 0>} {}

// -----

// expected-error @+1 {{schedule factor must be in [0, 1), got 1.5}}
module attributes {alex.training = #alex.step_schedule<every = 3, factor = 1.5>} {}

// -----

// expected-error @+1 {{plateau patience must be positive, got 0}}
module attributes {alex.training = #alex.plateau_schedule<patience = 0>} {}

// -----

// expected-error @+1 {{plateau max_drops must be non-negative, got -1}}
module attributes {alex.training = #alex.plateau_schedule<max_drops = -1>} {}

// -----

// expected-error @+1 {{data needs a dataset name}}
module attributes {alex.training = #alex.data<dataset = "">} {}

// -----

// expected-error @+1 {{resize must be non-negative, got -3}}
module attributes {alex.training = #alex.data<dataset = "imagenet", resize = -3>} {}

// -----

// expected-error @+1 {{lighting must be finite and non-negative, got -0.1}}
module attributes {alex.training = #alex.data<dataset = "imagenet", lighting = -0.1>} {}

// -----

// expected-error @+1 {{test_crops must be 1 (centre) or 10 (corners, centre and their flips), got 5}}
module attributes {alex.training = #alex.data<dataset = "imagenet", test_crops = 5>} {}

// -----

// expected-error @+1 {{normalize_mean and normalize_std come together}}
module attributes {alex.training = #alex.data<dataset = "imagenet", normalize_mean = [0.5, 0.5, 0.5]>} {}

// -----

// expected-error @+1 {{normalize_mean has 3 values and normalize_std 1: one each per channel}}
module attributes {alex.training = #alex.data<dataset = "imagenet", normalize_mean = [0.5, 0.5, 0.5], normalize_std = [0.2]>} {}

// -----

// expected-error @+1 {{normalize_mean and normalize_std need a value per channel, not an empty list}}
module attributes {alex.training = #alex.data<dataset = "imagenet", normalize_mean = [], normalize_std = []>} {}

// -----

// expected-error @+1 {{normalize_std must be finite and positive, got -0.2}}
module attributes {alex.training = #alex.data<dataset = "imagenet", normalize_mean = [0.5], normalize_std = [-0.2]>} {}

// -----

// expected-error @+1 {{normalize_mean and mean_subtract both subtract a mean: give one}}
module attributes {alex.training = #alex.data<dataset = "imagenet", mean_subtract = true, normalize_mean = [0.5], normalize_std = [0.2]>} {}

// -----

// expected-error @+1 {{batch must be positive, got 0}}
module attributes {alex.training = #alex.training<batch = 0, epochs = 1, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {}

// -----

// expected-error @+1 {{epochs must be positive, got 0}}
module attributes {alex.training = #alex.training<batch = 1, epochs = 0, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {}

// -----

// expected-error @+1 {{devices must be 1 or 2 (the paper's towers), got 4}}
module attributes {alex.training = #alex.training<batch = 1, epochs = 1, devices = 4, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {}

// -----

// expected-error @+1 {{seed must be non-negative, got -1}}
module attributes {alex.training = #alex.training<batch = 1, epochs = 1, seed = -1, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {}

// -----

// expected-error @+1 {{schedule must be unit, #alex.step_schedule or #alex.plateau_schedule}}
module attributes {alex.training = #alex.training<batch = 1, epochs = 1, optimizer = #alex.sgd<lr = 0.1>, schedule = 3, data = #alex.data<dataset = "synthetic">>} {}

// -----

func.func @f(%dy: tensor<2x8x4x4xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'alex.conv2d_grad_input' op output gradient shape 2x8x4x4 does not match the inferred shape 2x8x8x8}}
  %dx = alex.conv2d_grad_input %dy, %w stride 1 pad 1 groups 1 : (tensor<2x8x4x4xf32>, tensor<8x4x3x3xf32>) -> tensor<2x4x8x8xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x8x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'alex.conv2d_grad_input' op filter 8x4x3x3 must read 2 channels per group (input channels 4 / groups 2)}}
  %dx = alex.conv2d_grad_input %dy, %w stride 1 pad 1 groups 2 : (tensor<2x8x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<2x4x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %dy: tensor<2x8x8x8xf32>) {
  // expected-error @+1 {{'alex.conv2d_grad_filter' op output gradient shape 2x8x8x8 does not match the inferred shape 2x8x4x4}}
  %dw = alex.conv2d_grad_filter %x, %dy stride 2 pad 1 groups 1 : (tensor<2x4x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<8x4x3x3xf32>
  return
}

// -----

func.func @f(%dy: tensor<8xf32>) {
  // expected-error @+1 {{'alex.bias_grad' op output gradient must have rank >= 2, got 8}}
  %db = alex.bias_grad %dy : tensor<8xf32> -> tensor<8xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x8x3x3xf32>) {
  // expected-error @+1 {{'alex.bias_grad' op result shape 3 does not match the inferred shape 8}}
  %db = alex.bias_grad %dy : tensor<2x8x3x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x4x3x3xf32>, %x: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'alex.lrn_grad' op size must be odd so the window is centred on its channel, got 2}}
  %dx = alex.lrn_grad %dy, %x size 2 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x3x3xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x4x4x4xf32>, %x: tensor<2x4x8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool_grad' op output gradient shape 2x4x4x4 does not match the inferred shape 2x4x3x3}}
  %dx = alex.max_pool_grad %dy, %x window 3 stride 2 : (tensor<2x4x4x4xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x4x3x3xf32>, %x: tensor<2x4x8x8xf32>) {
  // expected-error @+1 {{'alex.max_pool_grad' op result type 'tensor<2x4x7x7xf32>' must be the input's 'tensor<2x4x8x8xf32>'}}
  %dx = alex.max_pool_grad %dy, %x window 3 stride 2 : (tensor<2x4x3x3xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x7x7xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x5xf32>, %w: tensor<6x12xf32>) {
  // expected-error @+1 {{'alex.dense_grad_input' op output gradient shape 2x5 does not match the inferred shape 2x6}}
  %dx = alex.dense_grad_input %dy, %w : (tensor<2x5xf32>, tensor<6x12xf32>) -> tensor<2x12xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x5xf32>, %x: tensor<2x12xf32>) {
  // expected-error @+1 {{'alex.dense_grad_weight' op weight 5x11 must read 12 input features}}
  %dw = alex.dense_grad_weight %dy, %x : (tensor<2x5xf32>, tensor<2x12xf32>) -> tensor<5x11xf32>
  return
}

// -----

func.func @f(%x: tensor<2x12xf32>) {
  // expected-error @+1 {{'alex.reshape' op cannot reshape 2x12 (24 elements) to 5x5 (25)}}
  %y = alex.reshape %x : tensor<2x12xf32> -> tensor<5x5xf32>
  return
}

// -----

func.func @f(%s: tensor<i64>) {
  // expected-error @+1 {{'alex.dropout_mask' op dropout rate must be in [0, 1), got 1.5}}
  %m = alex.dropout_mask %s rate 1.5 stream 0 : tensor<2x4xf32>
  return
}

// -----

func.func @f(%s: tensor<i64>) {
  // expected-error @+1 {{'alex.dropout_mask' op stream must be in [0, 256), got -1}}
  %m = alex.dropout_mask %s rate 0.5 stream -1 : tensor<2x4xf32>
  return
}

// -----

func.func @f(%s: tensor<i64>) {
  // expected-error @+1 {{'alex.dropout_mask' op stream must be in [0, 256), got 256}}
  %m = alex.dropout_mask %s rate 0.5 stream 256 : tensor<2x4xf32>
  return
}

// -----

func.func @f(%l: tensor<4x10xf32>, %y: tensor<3xi32>) {
  // expected-error @+1 {{'alex.softmax_cross_entropy_grad' op logits hold 4 examples but labels 3}}
  %g = alex.softmax_cross_entropy_grad %l, %y : tensor<4x10xf32>, tensor<3xi32> -> tensor<4x10xf32>
  return
}

// -----

func.func @f(%l: tensor<4x10xf32>, %y: tensor<4xi32>) {
  // expected-error @+1 {{'alex.softmax_cross_entropy_grad' op result type 'tensor<4x9xf32>' must be the logits' 'tensor<4x10xf32>'}}
  %g = alex.softmax_cross_entropy_grad %l, %y : tensor<4x10xf32>, tensor<4xi32> -> tensor<4x9xf32>
  return
}

// -----

alex.param @w : tensor<4xf32> init #alex.constant<value = 0.0>
func.func @f(%g: tensor<3xf32>, %lr: tensor<f32>) {
  // expected-error @+1 {{'alex.sgd_update' op gradient type 'tensor<3xf32>' does not match the parameter's 'tensor<4xf32>'}}
  alex.sgd_update @w, %g, %lr momentum 0.9 weight_decay 0.0 : tensor<3xf32>
  return
}

// -----

func.func @f(%g: tensor<3xf32>, %lr: tensor<f32>) {
  // expected-error @+1 {{'alex.sgd_update' op 'nowhere' does not name an alex.param}}
  alex.sgd_update @nowhere, %g, %lr momentum 0.9 weight_decay 0.0 : tensor<3xf32>
  return
}

// -----

alex.param @w : tensor<3xf32> init #alex.constant<value = 0.0>
func.func @f(%g: tensor<3xf32>, %lr: tensor<f32>) {
  // expected-error @+1 {{'alex.sgd_update' op momentum must be in [0, 1), got 1}}
  alex.sgd_update @w, %g, %lr momentum 1.0 weight_decay 0.0 : tensor<3xf32>
  return
}

// -----

alex.param @w : tensor<3xf32> init #alex.constant<value = 0.0>
func.func @f(%g: tensor<3xf32>, %lr: tensor<f32>) {
  // expected-error @+1 {{'alex.sgd_update' op weight decay must be in [0, 1], got 2}}
  alex.sgd_update @w, %g, %lr momentum 0.5 weight_decay 2.0 : tensor<3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv_block' op result shape 2x8x8x8 does not match the inferred shape 2x8x3x3}}
  %y = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu pool <window = 3, stride = 2> : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv_block' op size must be odd so the window is centred on its channel, got 4}}
  %y = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu lrn <size = 4, alpha = 1.0, beta = 0.75, k = 2.0> : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'alex.conv_block' op saved values must be none or ('tensor<2x8x3x3xi32>') for its epilogue, got ('tensor<2x8x8x8xf32>')}}
  %y, %s = alex.conv_block %x, %w, %b stride 1 pad 1 groups 1 relu pool <window = 3, stride = 2> : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> (tensor<2x8x3x3xf32>, tensor<2x8x8x8xf32>)
  return
}

// -----

func.func @f(%dy: tensor<2x8x3x3xf32>, %y: tensor<2x8x3x3xf32>) {
  // expected-error @+1 {{'alex.conv_block_grad' op saved values must be ('tensor<2x8x3x3xi32>') for its epilogue, got ()}}
  %dz, %db = alex.conv_block_grad %dy, %y relu pool <window = 3, stride = 2> : (tensor<2x8x3x3xf32>, tensor<2x8x3x3xf32>) -> (tensor<2x8x8x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%dy: tensor<2x8x3x3xf32>, %y: tensor<2x8x3x3xf32>, %a: tensor<2x8x3x3xi32>) {
  // expected-error @+1 {{'alex.conv_block_grad' op output shape 2x8x3x3 does not match the inferred shape 2x8x4x4}}
  %dz, %db = alex.conv_block_grad %dy, %y saved %a relu pool <window = 2, stride = 2> : (tensor<2x8x3x3xf32>, tensor<2x8x3x3xf32>, tensor<2x8x3x3xi32>) -> (tensor<2x8x8x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @f(%dy: tensor<2x8x8x8xf32>, %y: tensor<2x8x8x8xf32>) {
  // expected-error @+1 {{'alex.conv_block_grad' op bias gradient shape 4 does not match the inferred shape 8}}
  %dz, %db = alex.conv_block_grad %dy, %y relu : (tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) -> (tensor<2x8x8x8xf32>, tensor<4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x16xf32>, %w: tensor<3x16xf32>, %b: tensor<3xf32>, %m: tensor<2x4xf32>) {
  // expected-error @+1 {{'alex.dense_block' op dropout mask type 'tensor<2x4xf32>' must be the output's 'tensor<2x3xf32>'}}
  %y = alex.dense_block %x, %w, %b relu dropout_mask %m : (tensor<2x16xf32>, tensor<3x16xf32>, tensor<3xf32>, tensor<2x4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x16xf32>, %w: tensor<3x16xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'alex.dense_block' op result shape 2x4 does not match the inferred shape 2x3}}
  %y = alex.dense_block %x, %w, %b relu : (tensor<2x16xf32>, tensor<3x16xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @f(%dy: tensor<2x3xf32>, %y: tensor<2x3xf32>) {
  // expected-error @+1 {{'alex.dense_block_grad' op pre-activation gradient type 'tensor<2x4xf32>' must be the output's 'tensor<2x3xf32>'}}
  %dz, %db = alex.dense_block_grad %dy, %y relu : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<3xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'alex.all_gather' op whole shape 2x5 does not match the inferred shape 2x6}}
  %y = alex.all_gather %x exchange 0 devices 2 : tensor<2x3xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'alex.take_block' op block 2 is not one of 2}}
  %y = alex.take_block %x block 2 of 2 : tensor<2x6xf32> -> tensor<2x3xf32>
  return
}

// -----

module {
  alex.param @p : tensor<8x3xf32> init #alex.constant<value = 0.0>
  func.func @f() {
    // expected-error @+1 {{'alex.read_param' op rows must be [begin, end) within the 8 rows of 'p'}}
    %w = alex.read_param @p rows [4, 12] : tensor<8x3xf32>
    return
  }
}

// -----

module {
  alex.param @p : tensor<8x3xf32> init #alex.constant<value = 0.0>
  func.func @f() {
    // expected-error @+1 {{'alex.read_param' op type 'tensor<8x3xf32>' does not match those rows of the parameter's 'tensor<4x3xf32>'}}
    %w = alex.read_param @p rows [4, 8] : tensor<8x3xf32>
    return
  }
}

// -----

func.func @f(%step: tensor<i64>) {
  // expected-error @+1 {{'alex.dropout_mask' op columns must be [offset, total] with the mask's dimension 1 inside the total}}
  %m = alex.dropout_mask %step rate 0.5 stream 0 columns [200, 256] : tensor<2x128xf32>
  return
}

// -----

// expected-error @+1 {{device 2 is not one of 2}}
func.func @f() attributes {alex.device = #alex.device<index = 2, count = 2>} {
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'alex.profile_mark' op region must be -1 (end) or an index, got -2}}
  alex.profile_mark -2
  return
}

// -----

// expected-error @+1 {{'alex.profile_regions' must be an array of {layer, phase, flops} dictionaries}}
module attributes {alex.profile_regions = [{layer = "conv1", phase = "forward"}]} {
}

// -----

func.func @f(%g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'alex.all_reduce' op sums over 2 or more replicas, got 1}}
  %s = alex.all_reduce %g bucket 0 replicas 1 scale 1.0 : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @f(%g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'alex.all_reduce' op scale must be a positive number, got 0}}
  %s = alex.all_reduce %g bucket 0 replicas 2 scale 0.0 : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @f() {
  // expected-error @+1 {{'alex.all_reduce' op needs at least one tensor to sum}}
  "alex.all_reduce"() <{bucket = 0 : i64, replicas = 2 : i64, scale = 5.000000e-01 : f64}> : () -> ()
  return
}

// -----

// expected-error @+1 {{batch 10 does not split evenly across 4 replicas}}
module attributes {alex.training = #alex.training<batch = 10, epochs = 1, replicas = 4, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
}

// -----

// expected-error @+1 {{'alex.gpu_kernels' must be a unit attribute of a module}}
module attributes {alex.gpu_kernels = 1 : i64} {
}

// -----

func.func @f(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'alex.precision' belongs on an op with products (convolutions, dense layers, their gradients and fused blocks)}}
  %y = alex.relu %x {alex.precision = #alex.precision<bf16>} : tensor<2x4xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{#alex.precision names a format products' operands are converted to, not tf32}}
  %y = alex.dense %x, %w, %b {alex.precision = #alex.precision<tf32>} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'alex.precision' must be an #alex.precision attribute}}
  %y = alex.dense %x, %w, %b {alex.precision = "bf16"} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// expected-error @+2 {{unknown precision 'fp16'}}
// expected-error @+1 {{failed to parse Alex_TrainingAttr parameter 'precision'}}
module attributes {alex.training = #alex.training<batch = 2, epochs = 1, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">, precision = fp16>} {}

// -----

module {
  // expected-error @+1 {{'alex.param' op lr_mult must be non-negative, got -1}}
  alex.param @w : tensor<2xf32> init #alex.constant<value = 0.0> {lr_mult = -1.0 : f64}
}

// -----

module {
  alex.param @w : tensor<4xf32> init #alex.constant<value = 0.0>
  func.func @f(%g: tensor<4xf32>, %lr: tensor<f32>) {
    // expected-error @+1 {{'alex.sgd_update' op lr_mult must be positive (a frozen parameter has no update), got 0}}
    alex.sgd_update @w, %g, %lr momentum 0.9 weight_decay 0.0 {lr_mult = 0.0 : f64} : tensor<4xf32>
    return
  }
}
