//===- Passes.td - the alex passes -------------------------*- tablegen -*-===//

#ifndef ALEX_PASSES_TD
#define ALEX_PASSES_TD

include "mlir/Pass/PassBase.td"

def AlexBuildTrainStep : Pass<"alex-build-train-step", "mlir::ModuleOp"> {
  let summary = "Build @train_step: forward, reverse-mode gradients, SGD updates";
  let description = [{
    From `func.func @forward(images, labels) -> (loss, logits)`, builds

    ```mlir
    func.func @train_step(%images, %labels, %step: tensor<i64>, %lr: tensor<f32>)
        -> (loss, logits)
    ```

    which runs the forward pass with training-time dropout (each
    `alex.dropout` becomes a multiplication by an `alex.dropout_mask` drawn
    for this step, one stream per dropout layer), then the gradient of the
    loss with respect to every parameter by reverse-mode differentiation
    (only values that depend on a parameter get a gradient; a value used
    twice sums its gradients), then one `alex.sgd_update` per parameter,
    after every read of it, with the momentum and weight decay of the
    module's `#alex.training` recipe. `@forward` stays: it is the
    evaluation function, where dropout is the identity.
  }];
  let dependentDialects = ["::alex::AlexDialect", "::mlir::func::FuncDialect"];
}

def AlexPartition : Pass<"alex-partition", "mlir::ModuleOp"> {
  let summary = "Split each function across devices, as the paper's towers";
  let description = [{
    Replaces every function of alex ops (`@forward`, `@train_step`) by one
    function per device, `@<name>_device<d>` with attribute
    `alex.device = #alex.device<index = d, count = n>`: every op of it runs
    on device d. Each layer is split by its outputs: device d computes
    block d of dimension 1 (channels, neurons) and holds rows block d of
    each parameter, its momentum and its gradient (the parameters stay
    whole: one weight file for any number of devices).

    Exchanges are explicit ops, collective across the device functions:
    `alex.all_gather` where a layer reads every device's block (in the
    paper's net: the inputs of conv3, fc6, fc7, fc8, and the logits for the
    loss) and `alex.reduce_scatter`, their mirror in the backward pass,
    where input gradients are partial sums. Grouped convolutions and LRNs
    whose groups divide among the devices stay local. What cannot be split
    (a channel or row count, or groups, not divisible) is an error at the
    op. Results a device holds a block of are returned as that block
    (result attribute `alex.block_dim`); the others whole, from every
    device.

    `num-devices` 0 takes the model's `devices`; 1 changes nothing but
    records the count. Run it right after --alex-build-train-step.
  }];
  let options = [
    Option<"numDevices", "num-devices", "int64_t", /*default=*/"0",
           "Devices to split across (0: the model's `devices`)">,
  ];
  let dependentDialects = ["::alex::AlexDialect"];
}

def AlexReplicate : Pass<"alex-replicate", "mlir::ModuleOp"> {
  let summary = "Sum the gradients across data-parallel replicas";
  let description = [{
    Data parallelism across processes: every replica runs the same step
    on its share of the global batch (the frontend builds the functions
    at batch / replicas images; `alex.training`'s `batch` stays global)
    and the gradients are summed across replicas before the SGD update.
    This pass makes that communication explicit: in every function with
    `alex.sgd_update`s (with towers, each device function sums its own
    rows), the gradients are grouped into buckets of about `bucket-bytes`
    in the order the backward pass completes them (last layers first),
    and each bucket becomes one `alex.all_reduce` (scale 1 / replicas)
    placed right after its last gradient is computed, so the large fc
    gradients travel while the convolutions' backward still runs. The
    updates read the sums.

    `replicas` 0 takes the model's; 1 changes nothing. A batch that the
    count does not divide, or functions not built at batch / replicas, are
    errors. In a replicated module `alex.dropout_mask`'s rows are the
    replica's rows of the global batch's mask. Run it before
    --alex-lower-to-loops, after --alex-partition and fusion.
  }];
  let options = [
    Option<"replicas", "replicas", "int64_t", /*default=*/"0",
           "Replicas to sum across (0: the model's `replicas`)">,
    Option<"bucketBytes", "bucket-bytes", "int64_t",
           /*default=*/"25 << 20",
           "Bytes of gradients per all-reduce (the last bucket may be "
           "smaller; one tensor larger than this is a bucket alone)">,
  ];
  let dependentDialects = ["::alex::AlexDialect"];
}

def AlexFuseConvBlocks : Pass<"alex-fuse-conv-blocks", "mlir::ModuleOp"> {
  let summary = "Fuse each layer with its epilogue, forward and backward";
  let description = [{
    Forms one op per layer and the element-wise work after it, so the
    epilogue reads the layer's GEMM output once:

    - `conv2d -> relu (-> lrn) (-> max_pool)` becomes `alex.conv_block`;
    - `dense -> relu (-> mul by an alex.dropout_mask)` becomes
      `alex.dense_block`.

    In a training step the backward chain of such a block (`max_pool_grad
    -> lrn_grad -> relu_grad -> bias_grad`, or `mul -> relu_grad ->
    bias_grad`) becomes one `alex.conv_block_grad` / `alex.dense_block_grad`
    in the same rewrite, and the forward block returns what that gradient
    reads (see the ops). The longest chain that fits is taken: where an
    intermediate value has a user other than the next op of the chain and
    its own gradient ops, or the backward chain is not the expected one,
    the chain stops before it (a conv2d not followed by relu alone is left
    alone). Convolution input and filter gradients stay separate ops.
  }];
  let dependentDialects = ["::alex::AlexDialect"];
}

def AlexLowerToLoops : Pass<"alex-lower-to-loops", "mlir::ModuleOp"> {
  let summary = "Lower alex ops on tensors to loops over memrefs and BLAS calls";
  let description = [{
    Turns every function of alex ops into a function over buffers:

    ```mlir
    func.func @train_step(<parameters>, <momenta>, %images, %labels, %step,
                          %lr, %loss_out, %logits_out)
    ```

    Parameters (and, for functions that update them, their momentum
    buffers) come first, in the order the module declares them; then the
    original arguments; then one output buffer per result (destination
    passing: the function returns nothing). Each op becomes a loop nest
    (`scf.parallel` for independent elements, `scf.for` for reductions) or
    a call to the runtime's `alexrt_sgemm`: dense layers are one GEMM,
    convolutions im2col + GEMM per image and group. Intermediate values get
    `memref.alloc` buffers freed at the end; flatten, reshape and
    evaluation-time dropout are views of their input. `alex.param` symbols
    stay as the description of the parameters.

    A device function (--alex-partition) takes the same buffers: its
    parameter row blocks are views of the whole parameters, it writes its
    block of each split result into the whole output (replicated results
    from device 0 only), and its exchanges become a copy of its part into a
    module global, `alexrt_device_barrier`, then `alexrt_exchange_copy`
    from the other devices' globals.

    Products in bf16 (`alex.precision`) read their operands rounded to
    bf16. A tensor does not change once written, so a whole operand is
    rounded once per function, into a copy every later product reads (on
    the CPU a convolution's input in its forward and filter-gradient calls,
    an output gradient in both gradient calls; the GPU targets' im2col
    rounds the columns it gathers). Without gpu-kernels a weight's copy
    outlives the function: a module global `alex_bf16_<param>` that its
    SGD update rewrites, rounding the updated fp32 values, so no step
    rounds the weights it reads. A copy is remade before it is read where the
    runtime wrote the parameters since (a checkpoint loaded): each block
    of rows a function reads is stamped
    (`alex_bf16_<param>.stamp_rows_<first>_<end>`) with
    `alexrt_parameters_generation()` when made.

    ```mlir
    %made = memref.load %stamp[] : memref<i64>
    %stale = arith.cmpi ne, %made, %generation : i64
    scf.if %stale { <round the rows into the copy>; <stamp it> }
    call @alexrt_conv2d_forward_bf16(%x16, %w16, %y, ...)
    ```

    Without gpu-kernels, kernels take a CPU's shape:
    - A dense layer's weight gradient and its SGD update run together,
      where the gradient is computed: a block of rows at a time, a GEMM
      into a block of at most 1 MiB, in cache, then the block's update,
      so the gradient is never whole in memory. Only where nothing reads
      the weights after the gradient and nothing but the update reads the
      gradient (a gradient summed across replicas goes to its sum first).
      In a profiled step the updates still count as the update's time.
    - A fused block's pooling gradient is scattered: each window's
      gradient added to the element its saved argmax names, one (image,
      channel) plane a thread, in row-major order (where a GPU thread
      gathers its element's from the windows holding it: the same sums).
      The unfused alex.max_pool_grad scatters on every target.
    - An SGD update runs along its parameter's rows, the other dimensions
      collapsed (a filter's 3 or 5 taps are no loop for a vector unit).
    - A fused block's library convolution (oneDNN's for bf16, or with
      library-convolutions) is called for the most images, a divisor of
      the batch, whose output 1 MiB holds, each call followed by the
      epilogue, which reads that output from the caches (a GPU's cuDNN
      takes the whole batch).

    On every target, loops whose work at a position needs no other
    position of its (image, channel) plane (LRN and its gradient, a
    block's ReLU and their gradients) run over views with each plane one
    row (memref.collapse_shape, then expand_shape to N x C x 1 x HW), and
    a tensor's rounding to bf16 along its trailing dimensions collapsed
    into rows of at least 64 elements: a plane of 13 x 13 is one loop of
    169 for a CPU's vectors, not 13 of 13.
  }];
  let options = [
    Option<"gpuKernels", "gpu-kernels", "bool", /*default=*/"false",
           "Shape the work for a GPU: im2col convolutions as one GEMM per "
           "group over as many images as a 1 GiB im2col buffer holds (not "
           "the CPU's cache-sized chunks), a forward convolution's columns "
           "of the whole batch (every group's) kept for its weight gradient, "
           "the loss in stages wide enough for a GPU, pooling gradients "
           "gathered a thread an element, and every SGD update of a step in "
           "one loop nest at its end">,
    Option<"libraryConvolutions", "library-convolutions", "bool",
           /*default=*/"false",
           "Convolutions and their gradients as calls to the runtime's "
           "alexrt_conv2d_* (cuDNN on the CUDA target: no im2col matrices "
           "in device memory) over the whole batch (a fused block's on the "
           "CPU: chunks of 1 MiB of output); their bias is added by the "
           "loops that read them, as with im2col. Without gpu-kernels, bf16 "
           "convolutions are always such calls (oneDNN's direct bf16 "
           "convolutions, alexrt_conv2d_*_bf16)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

def AlexPlanMemory : Pass<"alex-plan-memory", "mlir::ModuleOp"> {
  let summary = "Pack each function's temporary buffers into one, reusing memory";
  let description = [{
    After --alex-lower-to-loops: every `memref.alloc` at the top level of a
    function lives from its allocation to its last use (uses of views of it
    count). Buffers whose lives do not overlap share memory: largest
    first, each goes to the lowest 64-byte-aligned offset that no
    overlapping buffer occupies. The buffers become views into one static
    workspace, `memref.global @<function>_workspace` (a step allocates
    nothing; functions are not reentrant); the plan is recorded as the
    function attributes `alex.workspace_bytes` (the peak) and
    `alex.unplanned_bytes` (the sum of all buffers, what no reuse would
    need).
  }];
}

def AlexBuildFeatures : Pass<"alex-build-features", "mlir::ModuleOp"> {
  let summary = "Add @features: the last hidden layer's activations";
  let description = [{
    Clones the evaluation function `@forward` (each `@forward_device<d>`
    when partitioned) as `@features` (`@features_device<d>`), which returns
    the input of the dense layer that makes the logits instead of the loss
    and logits: the paper's 4096-d image features (Section 6.1). Ops only
    the loss and logits needed are dropped; the arguments stay (images,
    labels). On partitioned functions that input is whole on every device
    (all-gathered), so the result has no block dimension.
  }];
}

def AlexProfileLayers : Pass<"alex-profile-layers", "mlir::ModuleOp"> {
  let summary = "Mark where each layer's forward, backward and update work starts";
  let description = [{
    Instruments the functions on tensors for the layer profile of compiled
    binaries (`bench --profile`, CPU target): an `alex.profile_mark` goes
    wherever the (layer, phase) of the ops changes, and one with region -1
    before each return. An op's layer is the .model layer named by its
    location (a fused block's first layer; the layers a block absorbed,
    such as its ReLU and pooling, count as the block's); its phase is `update` for an
    SGD update and, in a function with a loss, `forward` up to the loss and
    `backward` after it (`forward` everywhere in other functions). Ops with
    the NoKernel trait (views such as flatten) emit no code and mark
    nothing.

    The module gets `alex.profile_regions`, one dictionary per region:
    `layer`, `phase` and `flops`, the floating-point operations of the
    region's multiply-add ops (2 per multiply-add) in one call of the
    training step (device 0's when partitioned). --alex-export-model puts
    them in the descriptor.
  }];
}

def AlexMixedPrecision : Pass<"alex-mixed-precision", "mlir::ModuleOp"> {
  let summary = "Mark the ops whose products compute in the model's precision";
  let description = [{
    Where the module's `#alex.training` recipe says `precision = bf16`,
    sets `alex.precision = #alex.precision<bf16>` on every op with
    products (`MultiplyAddOpInterface`: convolutions, dense layers, their
    gradients and fused blocks). --alex-lower-to-loops then converts those
    ops' operands to bf16 in loops (round to nearest even) and calls
    `alexrt_gemm_bf16` or, for the CPU's convolutions,
    `alexrt_conv2d_*_bf16`, which accumulate in fp32. Everything else stays
    fp32: parameters, momenta and the SGD update, biases, ReLU, LRN,
    pooling, dropout, softmax and the loss, and every op's result (the
    CPU target's updates also write a bf16 copy of each weight, which the
    next step reads; see --alex-lower-to-loops). Other
    precisions (fp32, tf32) mark nothing; an op marked by hand keeps its
    mark (an fp32 module may compute single layers in bf16). The pipeline
    runs it on the fused stage's ops: the passes before it make new ops.

    ```mlir
    %y = alex.conv2d %x, %w, %b {alex.precision = #alex.precision<bf16>, ...}
    ```
  }];
  let dependentDialects = ["::alex::AlexDialect"];
}

def AlexExpandBf16 : Pass<"alex-expand-bf16", "mlir::ModuleOp"> {
  let summary = "Round to and from bf16 in integer arithmetic on the host";
  let description = [{
    Rewrites `arith.truncf` to bf16 (round to nearest even, NaN kept quiet)
    and `arith.extf` from bf16 as integer arithmetic on the bits, so the
    host code of the cpu and cpu-twin targets needs neither a CPU with bf16
    conversions nor a compiler runtime that provides them (LLVM would call
    `__truncsfbf2`). GPU kernels keep the ops: NVVM converts natively.
    alexc leaves it out where the CPU it builds for has AVX512_BF16, whose
    vcvtneps2bf16 LLVM selects for the ops (a third of a bf16 step's loop
    time on alexnet-fmnist went to the integer rounding).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def AlexExportModel : Pass<"alex-export-model", "mlir::ModuleOp"> {
  let summary = "Embed the model descriptor the runtime reads";
  let description = [{
    Describes the model for the runtime: its parameters (names, shapes,
    init rules, in entry-point order), input shape, classes and the whole
    training recipe, as a FlatBuffer of runtime/schemas/model.fbs in the
    constant globals `alex_model_descriptor` (bytes) and
    `alex_model_descriptor_size` (i64). Reads `@forward` on tensors: run it
    before lowering. `precision` tells the runtime's GEMMs and convolutions
    what they may compute in (tf32: TF32 tensor cores on CUDA); `target`
    names the code target (the CPU twin links the CPU runtime but is not
    the CPU target's code). The regions of `alex.profile_regions`
    (--alex-profile-layers) go into its `profile`.
  }];
  let options = [
    Option<"precision", "precision", "::alexrt::Precision",
           /*default=*/"::alexrt::Precision::FP32",
           "What GEMMs and convolutions may compute in (fp32, tf32, bf16)",
           "::alex::precisionValues()">,
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "The code target the binary is built for (cpu, cuda, cpu-twin), "
           "for the runtime to report">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AlexThreadLoops : Pass<"alex-thread-loops", "mlir::ModuleOp"> {
  let summary = "Choose the parallel loops the CPU runs on OpenMP threads";
  let description = [{
    Before convert-scf-to-openmp, on the CPU target. A thread team pays off
    only for large loops, and OpenMP collapses every dimension it is given
    into one (the innermost index then comes from divisions and the loop
    no longer vectorizes). So:
    - an `scf.parallel` nested in another becomes sequential `scf.for`
      loops (the threads are already busy one level up);
    - an outermost one with fewer than `min-iterations` iterations in all
      becomes sequential loops (the work is smaller than a fork);
    - otherwise it keeps its leading dimensions, just enough of them for
      `min-tasks` tasks, as an `scf.parallel` (never the innermost one,
      unless it is the only one), around sequential loops over the rest.
    The iterations of a parallel loop are independent, so which ones share
    a thread changes no result. Loops with reductions are left alone. The
    innermost sequential loop made from a parallel dimension is annotated
    `llvm.loop_annotation` with `parallelAccesses` (see
    --alex-parallel-accesses). The views, constants and enclosing loop
    indices a threaded loop uses are recomputed inside it, the indices as
    min(i, upper - 1): OpenMP outlines the body and passes what it uses
    through memory, and LLVM needs the addresses and ranges to vectorize.
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", /*default=*/"4096",
           "Outermost loops with fewer iterations in all run sequentially">,
    Option<"minTasks", "min-tasks", "int64_t", /*default=*/"16",
           "Parallel iterations to aim for when choosing dimensions">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def AlexParallelAccesses : Pass<"alex-parallel-accesses", "mlir::ModuleOp"> {
  let summary = "Give parallel loops' loads and stores their access groups";
  let description = [{
    After the lowering to the LLVM dialect. A branch back to a loop header
    that carries the discardable `llvm.loop_annotation` (where scf-to-cf
    copies an scf.for's annotation) gets it as its own loop annotation,
    and when that lists `parallelAccesses`, every llvm.load and llvm.store
    of the loop (the blocks between the header and that branch) joins
    those access groups: LLVM's llvm.loop.parallel_accesses, which lets the
    vectorizer skip the dependence checks it cannot do on clamped or
    divided indices.
  }];
}

def AlexEmitEntryPoints : Pass<"alex-emit-entry-points", "mlir::ModuleOp"> {
  let summary = "Add the runtime's entry points; drop what only alexc reads";
  let description = [{
    On the LLVM dialect (buffers passed as bare pointers): adds
    `void alex_forward(void **buffers)`, `void alex_train_step(void
    **buffers)` and, when `@features` exists, `void alex_features(void
    **buffers)`, which call `@forward`, `@train_step` and `@features` with
    `buffers[0..n)` (the order --alex-lower-to-loops documents); for
    device functions, one `alex_<name>_device<d>` each and an
    `alex_<name>` that runs them all at once (`alexrt_run_devices`). It
    removes
    the `alex.param` declarations and the `alex.training` attribute, whose
    content --alex-export-model has embedded.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AlexFormKernels : Pass<"alex-form-kernels", "mlir::ModuleOp"> {
  let summary = "Put every memory access of a function inside a parallel loop";
  let description = [{
    After --alex-plan-memory, on the way to a GPU: a kernel is an
    `scf.parallel` at host level (not inside another one); everything else
    a function does must run on the host without touching buffer contents
    (the buffers live in device memory). So:
    - `memref.copy` becomes a parallel copy loop;
    - a scalar read of a read-only argument (the step, the learning rate)
      whose value only feeds kernels is read again inside each of them;
    - any other load or store outside a kernel, with the host arithmetic
      that only serves it (the loss sum, say), becomes a kernel of one
      iteration.
    What remains outside kernels is index arithmetic, views, runtime calls
    (sgemm, exchanges) and loops around them. A buffer access that cannot
    be moved is an error at the op.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def AlexMapKernels : Pass<"alex-map-kernels", "mlir::ModuleOp"> {
  let summary = "Map each kernel's iterations onto GPU blocks and threads";
  let description = [{
    After --alex-form-kernels: each host-level `scf.parallel` with static
    bounds becomes a two-dimensional one, (blocks, threads) with `mapping`
    `block_x` and `thread_x`, whose thread `b * block-size + t` runs the
    original iteration with that row-major linear index (the innermost
    dimension moves fastest, so neighbouring threads touch neighbouring
    elements), under a guard when the count is not a multiple of the block
    size. Parallel loops nested inside a kernel run sequentially in its
    thread. The CPU lowers the result as loops (the CUDA target's CPU
    twin); --convert-parallel-loops-to-gpu turns it into `gpu.launch`.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect"];
}

def AlexHeapGlobals : Pass<"alex-heap-globals", "mlir::ModuleOp"> {
  let summary = "Move the CPU targets' static buffers to memory the runtime "
                "allocates";
  let description = [{
    On the LLVM dialect: every module global that is not a constant
    (workspaces, exchange buffers) becomes a pointer global, null until the
    runtime sets it, and each use of its address a load of that pointer.
    The object exports `alex_heap_buffers` (the address of each pointer and
    its buffer's bytes) and `alex_heap_buffer_count`: the runtime checks
    their total against the machine's memory, then allocates them before
    the first step (runtime/cpu/HeapBuffers.h). The module gets
    `alex.heap_bytes`, the total. A step's buffers in the executable's
    .bss would be mapped when it starts: a binary too large for the
    machine could not even say so.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AlexDeviceGlobals : Pass<"alex-device-globals", "mlir::ModuleOp"> {
  let summary = "Give the CUDA target's static buffers device memory";
  let description = [{
    On the LLVM dialect: every host use of the address of a module global
    that is not a constant (workspaces, exchange buffers) goes through
    `alexrt_global_memory(address, bytes)`, which returns the device
    memory the runtime keeps for that global (allocated on first use).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // ALEX_PASSES_TD
