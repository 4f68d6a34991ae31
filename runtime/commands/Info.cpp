//===- Info.cpp - the info command: what a binary holds -------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/Target.h"
#include "runtime/cpu/HeapBuffers.h"
#include "runtime/model/Session.h"

#include <cstdio>

namespace alexrt {

/// `text` padded with spaces to `width` characters, as %-Ns would.
static std::string padded(const std::string &text, size_t width) {
  return text.size() >= width ? text
                              : text + std::string(width - text.size(), ' ');
}

/// `value` as %g writes it.
static std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// `values` as [a, b, c].
static std::string list(const std::vector<float> &values) {
  std::string text;
  for (float value : values)
    text += (text.empty() ? "" : ", ") + number(value);
  return "[" + text + "]";
}

/// How the data section turns images into inputs: "imagenet: short side
/// 256, random crops, flips, normalised per channel (mean [...], std
/// [...]); test: the centre crop".
static std::string dataText(const ModelInfo &model) {
  std::vector<std::string> steps;
  if (model.resize > 0)
    steps.push_back("short side " + std::to_string(model.resize));
  steps.push_back(model.randomCrop ? "random crops" : "centre crops");
  if (model.flip)
    steps.push_back("flips");
  if (model.lighting > 0)
    steps.push_back("lighting " + number(model.lighting));
  if (model.meanSubtract)
    steps.push_back("the training set's mean subtracted");
  if (!model.normalizeMean.empty())
    steps.push_back("normalised per channel (mean " +
                    list(model.normalizeMean) + ", std " +
                    list(model.normalizeStd) + ")");
  std::string text = model.dataset + ":";
  for (size_t i = 0; i < steps.size(); ++i)
    text += (i ? ", " : " ") + steps[i];
  return text +
         "; test: " + (model.testCrops == 10 ? "10 views" : "the centre crop");
}

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
    std::string line = "  " + padded(param.name, 16) + " ";
    std::string notes;
    if (!param.pytorchName.empty())
      notes += " PyTorch: " + param.pytorchName;
    if (param.lrMult == 0)
      notes += " frozen (lr_mult 0)";
    else if (param.lrMult != 1)
      notes += " lr_mult " + number(param.lrMult);
    line += notes.empty() ? shapeText(param.shape)
                          : padded(shapeText(param.shape), 16) + notes;
    std::printf("%s\n", line.c_str());
    total += param.numElements();
  }
  std::printf("parameters: %lld\nsgd: lr %g momentum %g weight decay %g, "
              "%lld epochs, seed %llu\ndata: %s\n",
              (long long)total, model.lr, model.momentum, model.weightDecay,
              (long long)model.epochs, (unsigned long long)model.seed,
              dataText(model).c_str());
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
