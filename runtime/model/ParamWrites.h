//===- ParamWrites.h - counting the runtime's parameter writes -*- C++ -*-===//
//
// The CPU target's bf16 steps keep a bf16 copy of each weight between steps
// (the SGD update writes it next to the fp32 value): a step remakes a copy
// only where the runtime has written the parameters since the copy was
// made. alexrt_parameters_generation (alexrt.h) is what the step reads.
//
//===----------------------------------------------------------------------===//

#ifndef ALEXRT_MODEL_PARAMWRITES_H
#define ALEXRT_MODEL_PARAMWRITES_H

namespace alexrt {

/// The runtime has written (or handed out for writing) the parameters
/// outside a step: initialization, loading, --init, import. Every copy
/// made of them before is stale.
void parametersWritten();

} // namespace alexrt

#endif // ALEXRT_MODEL_PARAMWRITES_H
