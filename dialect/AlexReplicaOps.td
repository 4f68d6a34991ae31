//===- AlexReplicaOps.td - sums across replicas ------------*- tablegen -*-===//
//
// The ops of a replicated step (--alex-replicate): every replica (process)
// runs the same functions on its share of the global batch; these ops are
// where the replicas communicate.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_REPLICA_OPS_TD
#define ALEX_REPLICA_OPS_TD

def Alex_AllReduceOp : Alex_Op<"all_reduce",
    [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Gradients summed over every replica, then scaled";
  let description = [{
    Each result is the elementwise sum of its operand over the `replicas`
    processes of the job, times `scale` (1 / replicas: each replica's loss
    is the mean over its share of the batch, so the scaled sum is the
    gradient of the global batch's mean loss). Every replica gets the same
    bits. The operands form one bucket (`bucket` numbers them in a
    function): the sum starts where the op stands, as soon as its operands
    are complete, and runs while the step computes on; code that reads a
    result waits for it first.

    Not pure: --alex-replicate places it, and nothing may move, merge or
    drop it.

    ```mlir
    %dw, %db = alex.all_reduce %gw, %gb bucket 0 replicas 4 scale 2.5e-01
        : tensor<1000x4096xf32>, tensor<1000xf32>
    ```
  }];
  let arguments = (ins Variadic<Alex_F32Tensor>:$grads, I64Attr:$bucket,
                       I64Attr:$replicas, F64Attr:$scale);
  let results = (outs Variadic<Alex_F32Tensor>:$sums);
  let assemblyFormat = [{
    $grads `bucket` $bucket `replicas` $replicas `scale` $scale attr-dict `:`
    type($grads)
  }];
  let hasVerifier = 1;
}

#endif // ALEX_REPLICA_OPS_TD
