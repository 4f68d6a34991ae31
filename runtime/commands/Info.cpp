//===- Info.cpp - the info command: what a binary holds -------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Target.h"
#include "runtime/cpu/HeapBuffers.h"
#include "runtime/model/Session.h"

#include <cstdio>

namespace alexrt {

/// The model, its target, parameters, recipe and what training takes of
/// the host's memory.
int info(Session &session) {
  const ModelInfo &model = session.model();
  int64_t total = 0;
  std::string replicas =
      model.replicas > 1
          ? ", " + std::to_string(model.replicas) + " replicas of " +
                std::to_string(model.batch) + " images (mpirun -np " +
                std::to_string(model.replicas) + ")"
          : "";
  std::printf("model %s: input %lldx%lldx%lld, %lld classes, batch %lld, "
              "%lld device%s%s\n",
              model.name.c_str(), (long long)model.channels,
              (long long)model.height, (long long)model.width,
              (long long)model.classes, (long long)model.globalBatch,
              (long long)model.devices, model.devices == 1 ? "" : "s",
              replicas.c_str());
  std::printf("target %s (%s), GEMMs in %s\n", reportedTarget(model).c_str(),
              deviceDescription().c_str(), precisionName(model.precision));
  for (const ParamSpec &param : model.params) {
    if (param.pytorchName.empty())
      std::printf("  %-16s %s\n", param.name.c_str(),
                  shapeText(param.shape).c_str());
    else
      std::printf("  %-16s %-16s PyTorch: %s\n", param.name.c_str(),
                  shapeText(param.shape).c_str(), param.pytorchName.c_str());
    total += param.numElements();
  }
  std::printf("parameters: %lld\nsgd: lr %g momentum %g weight decay %g, "
              "%lld epochs, seed %llu\ndata: %s\n",
              (long long)total, model.lr, model.momentum, model.weightDecay,
              (long long)model.epochs, (unsigned long long)model.seed,
              model.dataset.c_str());
  // What training takes of the host's memory (a CPU binary's step's
  // buffers are known; a GPU binary's live on the device).
  if (int64_t buffers = heapBufferBytes(); buffers > 0) {
    int64_t available = availableMemory();
    std::printf("memory: %s to train (step buffers %s, parameters, momenta "
                "and a batch %s)%s%s\n",
                memoryText(buffers + model.sessionBytes()).c_str(),
                memoryText(buffers).c_str(),
                memoryText(model.sessionBytes()).c_str(),
                available >= 0 ? "; available here " : "",
                available >= 0 ? memoryText(available).c_str() : "");
  }
  return 0;
}

} // namespace alexrt
