//===- TestOps.td - ops that exercise the alex traits ------*- tablegen -*-===//
//
// The `alex_test` dialect: ops no pass names, only the alex traits they
// carry, so a lit test can show that a trait alone drives a pass.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_TEST_OPS_TD
#define ALEX_TEST_OPS_TD

include "dialect/AlexDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def AlexTest_Dialect : Dialect {
  let name = "alex_test";
  let cppNamespace = "::alex::test";
  let summary = "Ops for testing the alex op traits (alex-opt only)";
}

class AlexTest_Op<string mnemonic, list<Trait> traits = []>
    : Op<AlexTest_Dialect, mnemonic, traits>;

def AlexTest_ScaleOp : AlexTest_Op<"scale",
    [Pure, SameOperandsAndResultType, Alex_ChannelLocal]> {
  let summary = "A channel-local op that --alex-partition does not name";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def AlexTest_ViewOp : AlexTest_Op<"view", [Pure, Alex_NoKernel]> {
  let summary = "An op with no kernel that no lowering names";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

#endif // ALEX_TEST_OPS_TD
