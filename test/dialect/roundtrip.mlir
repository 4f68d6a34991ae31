// Every op and attribute prints in a form that parses back to the same IR.
// RUN: alex-opt %s | FileCheck %s
// RUN: alex-opt %s | alex-opt | FileCheck %s
// RUN: alex-opt %s --mlir-print-op-generic | alex-opt | FileCheck %s

// CHECK: module attributes {alex.training = #alex.training<batch = 2, epochs = 3, devices = 2, seed = 5,
// CHECK-SAME: optimizer = #alex.sgd<lr = 1.000000e-02, momentum = 9.000000e-01, weight_decay = 5.000000e-04>,
// CHECK-SAME: schedule = #alex.step_schedule<every = 30>,
// CHECK-SAME: data = #alex.data<dataset = "imagenet", path = "/data", resize = 256, random_crop = true, flip = true, lighting = 1.000000e-01, test_crops = 10, normalize_mean = [4.850000e-01, 4.560000e-01, 4.060000e-01], normalize_std = [2.290000e-01, 2.240000e-01, 2.250000e-01]>,
// CHECK-SAME: precision = bf16>}
module attributes {alex.training = #alex.training<batch = 2, epochs = 3, devices = 2, seed = 5,
    optimizer = #alex.sgd<lr = 0.01, momentum = 0.9, weight_decay = 0.0005>,
    schedule = #alex.step_schedule<every = 30, factor = 0.1>,
    data = #alex.data<dataset = "imagenet", path = "/data", resize = 256, random_crop = true,
                      flip = true, lighting = 0.1, test_crops = 10,
                      normalize_mean = [0.485, 0.456, 0.406], normalize_std = [0.229, 0.224, 0.225]>,
    precision = bf16>} {
  // CHECK: alex.param @conv.weight : tensor<4x1x3x3xf32> init #alex.gaussian<std = 1.000000e-02>
  alex.param @conv.weight : tensor<4x1x3x3xf32> init #alex.gaussian<std = 0.01, mean = 0.0>
  // CHECK: alex.param @conv.bias : tensor<4xf32> init #alex.constant<value = 1.000000e+00>
  alex.param @conv.bias : tensor<4xf32> init #alex.constant<value = 1.0>
  // CHECK: alex.param @fc.weight : tensor<3x16xf32> init #alex.xavier<>
  alex.param @fc.weight : tensor<3x16xf32> init #alex.xavier<gain = 1.0>
  // CHECK: alex.param @fc.bias : tensor<3xf32> init #alex.gaussian<std = 2.000000e+00, mean = 1.000000e+00> {pytorch_name = "classifier.6.bias"}
  alex.param @fc.bias : tensor<3xf32> init #alex.gaussian<std = 2.0, mean = 1.0> {pytorch_name = "classifier.6.bias"}

  // CHECK-LABEL: func.func @forward
  // CHECK-SAME: (%[[X:.*]]: tensor<2x4x8x8xf32>, %[[Y:.*]]: tensor<2xi32>)
  func.func @forward(%x: tensor<2x4x8x8xf32>, %labels: tensor<2xi32>) -> (tensor<f32>, tensor<2x3xf32>) {
    // CHECK: %[[W:.*]] = alex.read_param @conv.weight : tensor<4x1x3x3xf32>
    %w = alex.read_param @conv.weight : tensor<4x1x3x3xf32>
    %b = alex.read_param @conv.bias : tensor<4xf32>
    // CHECK: %[[C:.*]] = alex.conv2d %[[X]], %[[W]], %{{.*}} stride 2 pad 1 groups 4 {alex.precision = #alex.precision<bf16>} : (tensor<2x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
    %c = alex.conv2d %x, %w, %b stride 2 pad 1 groups 4 {alex.precision = #alex.precision<bf16>} : (tensor<2x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
    // CHECK: %[[R:.*]] = alex.relu %[[C]] : tensor<2x4x4x4xf32>
    %r = alex.relu %c : tensor<2x4x4x4xf32>
    // CHECK: %[[N:.*]] = alex.lrn %[[R]] size 3 alpha 1.000000e-04 beta 7.500000e-01 k 2.000000e+00 : tensor<2x4x4x4xf32>
    %n = alex.lrn %r size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x4x4xf32>
    // CHECK: %[[P:.*]] = alex.max_pool %[[N]] window 3 stride 1 : tensor<2x4x4x4xf32> -> tensor<2x4x2x2xf32>
    %p = alex.max_pool %n window 3 stride 1 : tensor<2x4x4x4xf32> -> tensor<2x4x2x2xf32>
    // CHECK: %[[F:.*]] = alex.flatten %[[P]] : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
    %f = alex.flatten %p : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
    // CHECK: %[[D:.*]] = alex.dropout %[[F]] rate 2.500000e-01 : tensor<2x16xf32>
    %d = alex.dropout %f rate 0.25 : tensor<2x16xf32>
    %fw = alex.read_param @fc.weight : tensor<3x16xf32>
    %fb = alex.read_param @fc.bias : tensor<3xf32>
    // CHECK: %[[L:.*]] = alex.dense %[[D]], %{{.*}}, %{{.*}} : (tensor<2x16xf32>, tensor<3x16xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %l = alex.dense %d, %fw, %fb : (tensor<2x16xf32>, tensor<3x16xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    // CHECK: %[[LOSS:.*]] = alex.softmax_cross_entropy %[[L]], %[[Y]] : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    %loss = alex.softmax_cross_entropy %l, %labels : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    return %loss, %l : tensor<f32>, tensor<2x3xf32>
  }

  // A dynamic batch: rules check what is known.
  // CHECK-LABEL: func.func @dynamic_batch
  func.func @dynamic_batch(%x: tensor<?x4x8x8xf32>) -> tensor<?x256xf32> {
    // CHECK: alex.max_pool %{{.*}} window 2 stride 2 : tensor<?x4x8x8xf32> -> tensor<?x4x4x4xf32>
    %p = alex.max_pool %x window 2 stride 2 : tensor<?x4x8x8xf32> -> tensor<?x4x4x4xf32>
    %f = alex.flatten %x : tensor<?x4x8x8xf32> -> tensor<?x256xf32>
    return %f : tensor<?x256xf32>
  }
}

// The backward and update ops that --alex-build-train-step creates.
// CHECK-LABEL: func.func @backward
module {
  alex.param @p : tensor<8x2x3x3xf32> init #alex.constant<value = 0.0>
  func.func @backward(%x: tensor<2x4x8x8xf32>, %dy: tensor<2x8x8x8xf32>, %w: tensor<8x2x3x3xf32>,
                      %step: tensor<i64>, %lr: tensor<f32>, %logits: tensor<2x3xf32>,
                      %labels: tensor<2xi32>, %fw: tensor<3x256xf32>,
                      %b: tensor<8xf32>, %fb: tensor<3xf32>) {
    // CHECK: alex.conv2d_grad_input %{{.*}}, %{{.*}} stride 1 pad 1 groups 2 : (tensor<2x8x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<2x4x8x8xf32>
    %dx = alex.conv2d_grad_input %dy, %w stride 1 pad 1 groups 2 : (tensor<2x8x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<2x4x8x8xf32>
    // CHECK: alex.conv2d_grad_filter %{{.*}}, %{{.*}} stride 1 pad 1 groups 2 : (tensor<2x4x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<8x2x3x3xf32>
    %dw = alex.conv2d_grad_filter %x, %dy stride 1 pad 1 groups 2 : (tensor<2x4x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<8x2x3x3xf32>
    // CHECK: alex.bias_grad %{{.*}} : tensor<2x8x8x8xf32> -> tensor<8xf32>
    %db = alex.bias_grad %dy : tensor<2x8x8x8xf32> -> tensor<8xf32>
    // CHECK: alex.relu_grad %{{.*}}, %{{.*}} : tensor<2x4x8x8xf32>
    %dr = alex.relu_grad %dx, %x : tensor<2x4x8x8xf32>
    // CHECK: alex.lrn_grad %{{.*}}, %{{.*}} size 3 alpha 1.000000e-04 beta 7.500000e-01 k 2.000000e+00 : tensor<2x4x8x8xf32>
    %dl = alex.lrn_grad %dr, %x size 3 alpha 1.0e-4 beta 0.75 k 2.0 : tensor<2x4x8x8xf32>
    %p = alex.max_pool %x window 3 stride 2 : tensor<2x4x8x8xf32> -> tensor<2x4x3x3xf32>
    // CHECK: alex.max_pool_grad %{{.*}}, %{{.*}} window 3 stride 2 : (tensor<2x4x3x3xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    %dp = alex.max_pool_grad %p, %x window 3 stride 2 : (tensor<2x4x3x3xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    // CHECK: alex.reshape %{{.*}} : tensor<2x4x8x8xf32> -> tensor<2x256xf32>
    %flat = alex.reshape %dp : tensor<2x4x8x8xf32> -> tensor<2x256xf32>
    // CHECK: alex.dropout_mask %{{.*}} rate 5.000000e-01 stream 3 : tensor<2x256xf32>
    %mask = alex.dropout_mask %step rate 0.5 stream 3 : tensor<2x256xf32>
    // CHECK: alex.mul
    %masked = alex.mul %flat, %mask : tensor<2x256xf32>
    // CHECK: alex.add
    %sum = alex.add %masked, %flat : tensor<2x256xf32>
    // CHECK: alex.softmax_cross_entropy_grad %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2xi32> -> tensor<2x3xf32>
    %dlogits = alex.softmax_cross_entropy_grad %logits, %labels : tensor<2x3xf32>, tensor<2xi32> -> tensor<2x3xf32>
    // CHECK: alex.dense_grad_input %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x256xf32>) -> tensor<2x256xf32>
    %dh = alex.dense_grad_input %dlogits, %fw : (tensor<2x3xf32>, tensor<3x256xf32>) -> tensor<2x256xf32>
    // CHECK: alex.dense_grad_weight %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x256xf32>) -> tensor<3x256xf32>
    %dfw = alex.dense_grad_weight %dlogits, %sum : (tensor<2x3xf32>, tensor<2x256xf32>) -> tensor<3x256xf32>
    // CHECK: alex.sgd_update @p, %{{.*}}, %{{.*}} momentum 9.000000e-01 weight_decay 5.000000e-04 : tensor<8x2x3x3xf32>
    alex.sgd_update @p, %dw, %lr momentum 0.9 weight_decay 0.0005 : tensor<8x2x3x3xf32>
    // The fused blocks (--alex-fuse-conv-blocks), with and without saved values.
    // CHECK: alex.conv_block %{{.*}}, %{{.*}}, %{{.*}} stride 1 pad 1 groups 2 relu lrn <size = 3, alpha = 1.000000e-04, beta = 7.500000e-01, k = 2.000000e+00> pool <window = 3, stride = 2> : (tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> (tensor<2x8x3x3xf32>, tensor<2x8x8x8xf32>, tensor<2x8x3x3xi32>)
    %blk, %saved:2 = alex.conv_block %x, %w, %b stride 1 pad 1 groups 2 relu lrn <size = 3, alpha = 1.0e-4, beta = 0.75, k = 2.0> pool <window = 3, stride = 2> : (tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> (tensor<2x8x3x3xf32>, tensor<2x8x8x8xf32>, tensor<2x8x3x3xi32>)
    // CHECK: alex.conv_block_grad %{{.*}}, %{{.*}} saved %{{.*}}#0, %{{.*}}#1 relu lrn <{{.*}}> pool <window = 3, stride = 2> : (tensor<2x8x3x3xf32>, tensor<2x8x3x3xf32>, tensor<2x8x8x8xf32>, tensor<2x8x3x3xi32>) -> (tensor<2x8x8x8xf32>, tensor<8xf32>)
    %dz, %dbb = alex.conv_block_grad %blk, %blk saved %saved#0, %saved#1 relu lrn <size = 3, alpha = 1.0e-4, beta = 0.75, k = 2.0> pool <window = 3, stride = 2> : (tensor<2x8x3x3xf32>, tensor<2x8x3x3xf32>, tensor<2x8x8x8xf32>, tensor<2x8x3x3xi32>) -> (tensor<2x8x8x8xf32>, tensor<8xf32>)
    // CHECK: alex.conv_block %{{.*}}, %{{.*}}, %{{.*}} stride 1 pad 1 groups 2 relu : (tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
    %plain = alex.conv_block %x, %w, %b stride 1 pad 1 groups 2 relu : (tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
    // CHECK: alex.dense_block %{{.*}}, %{{.*}}, %{{.*}} relu dropout_mask %{{.*}} : (tensor<2x256xf32>, tensor<3x256xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %dblk = alex.dense_block %sum, %fw, %fb relu dropout_mask %dlogits : (tensor<2x256xf32>, tensor<3x256xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    // CHECK: alex.dense_block_grad %{{.*}}, %{{.*}} relu : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>)
    %ddz, %ddb = alex.dense_block_grad %dblk, %dblk relu : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>)
    // The exchanges and blocks of --alex-partition.
    // CHECK: alex.all_gather %{{.*}} exchange 3 devices 2 : tensor<2x3xf32> -> tensor<2x6xf32>
    %gathered = alex.all_gather %dblk exchange 3 devices 2 : tensor<2x3xf32> -> tensor<2x6xf32>
    // CHECK: alex.reduce_scatter %{{.*}} exchange 4 devices 2 : tensor<2x6xf32> -> tensor<2x3xf32>
    %scattered = alex.reduce_scatter %gathered exchange 4 devices 2 : tensor<2x6xf32> -> tensor<2x3xf32>
    // CHECK: alex.take_block %{{.*}} block 1 of 2 : tensor<2x6xf32> -> tensor<2x3xf32>
    %taken = alex.take_block %gathered block 1 of 2 : tensor<2x6xf32> -> tensor<2x3xf32>
    // CHECK: alex.dropout_mask %{{.*}} rate 5.000000e-01 stream 1 columns [128, 256] : tensor<2x128xf32>
    %halfmask = alex.dropout_mask %step rate 0.5 stream 1 columns [128, 256] : tensor<2x128xf32>
    // CHECK: alex.read_param @p rows [4, 8] : tensor<4x2x3x3xf32>
    %rows = alex.read_param @p rows [4, 8] : tensor<4x2x3x3xf32>
    // CHECK: alex.sgd_update @p rows [4, 8], %{{.*}}, %{{.*}} momentum
    alex.sgd_update @p rows [4, 8], %rows, %lr momentum 0.9 weight_decay 0.0005 : tensor<4x2x3x3xf32>
    // The sums across replicas of --alex-replicate.
    // CHECK: alex.all_reduce %{{.*}}, %{{.*}} bucket 1 replicas 4 scale 2.500000e-01 : tensor<4x2x3x3xf32>, tensor<2x3xf32>
    %summed:2 = alex.all_reduce %rows, %taken bucket 1 replicas 4 scale 0.25 : tensor<4x2x3x3xf32>, tensor<2x3xf32>
    return
  }
}
