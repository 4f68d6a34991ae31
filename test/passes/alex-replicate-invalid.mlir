// What --alex-replicate refuses, each with a diagnostic.
// RUN: alex-opt %s --alex-replicate=replicas=2 -split-input-file -verify-diagnostics
// RUN: not alex-opt %s --alex-replicate=replicas=-1 -split-input-file 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not alex-opt %s --alex-replicate=bucket-bytes=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=BUCKET
// COUNT: error: --alex-replicate needs 1 or more replicas, got -1
// BUCKET: error: --alex-replicate needs bucket-bytes >= 1, got 0

// Without alex.training there is no global batch to split.
// expected-error @+1 {{--alex-replicate needs the module's alex.training (its global batch)}}
module {
  func.func @f(%x: tensor<4xf32>) {
    return
  }
}

// -----

// A gradient that no op of the function computes (an argument) has no
// point after which its sum could start.
module attributes {alex.training = #alex.training<batch = 8, epochs = 1, optimizer = #alex.sgd<lr = 0.1>, schedule = unit, data = #alex.data<dataset = "synthetic">>} {
  alex.param @w : tensor<4xf32> init #alex.constant<value = 0.0>
  func.func @train_step(%g: tensor<4xf32>, %lr: tensor<f32>) {
    // expected-error @+1 {{'alex.sgd_update' op reads a gradient --alex-replicate cannot place a sum after}}
    alex.sgd_update @w, %g, %lr momentum 0.9 weight_decay 0.0 : tensor<4xf32>
    return
  }
}
