//===- alex-weights-diff.cpp - compare two weight files tensor by tensor --===//
//
//   alex-weights-diff a.fb b.fb [--tolerance T] [--any-step]
//
// For each tensor of the same model in both files, prints the relative
// error of its values and of its momenta, max|a - b| / max|b| (b is the
// reference), and fails if any exceeds the tolerance (default 1e-4) or the
// files differ in model, step (unless --any-step: how far training moved
// each tensor between two checkpoints) or tensors. Used to check one
// target against another (a CUDA step against the CPU's: after one step
// from zero momenta a momentum is the step's gradient plus weight decay).
//
//===----------------------------------------------------------------------===//

#include "runtime/weights_generated.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

/// The verified contents of a weight file, or null (with `error` set).
const alexrt::fb::WeightFile *read(const char *path, std::vector<char> &bytes,
                                   std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::string("cannot open '") + path + "'";
    return nullptr;
  }
  bytes.assign(std::istreambuf_iterator<char>(in),
               std::istreambuf_iterator<char>());
  flatbuffers::Verifier verifier(reinterpret_cast<uint8_t *>(bytes.data()),
                                 bytes.size());
  if (!alexrt::fb::VerifySizePrefixedWeightFileBuffer(verifier)) {
    error = std::string("'") + path + "' is not a valid weight file";
    return nullptr;
  }
  return alexrt::fb::GetSizePrefixedWeightFile(bytes.data());
}

double relativeError(const flatbuffers::Vector<float> &a,
                     const flatbuffers::Vector<float> &b) {
  double diff = 0, scale = 0;
  for (flatbuffers::uoffset_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(double(a[i]) - double(b[i])));
    scale = std::max(scale, std::fabs(double(b[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

} // namespace

int main(int argc, char **argv) {
  double tolerance = 1e-4;
  bool anyStep = false;
  std::vector<const char *> paths;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--tolerance") && i + 1 < argc)
      tolerance = std::strtod(argv[++i], nullptr);
    else if (!std::strcmp(argv[i], "--any-step"))
      anyStep = true;
    else
      paths.push_back(argv[i]);
  }
  if (paths.size() != 2)
    return fail(
        "usage: alex-weights-diff a.fb b.fb [--tolerance T] [--any-step]");
  std::vector<char> bytesA, bytesB;
  std::string error;
  const alexrt::fb::WeightFile *a = read(paths[0], bytesA, error);
  if (!a)
    return fail(error);
  const alexrt::fb::WeightFile *b = read(paths[1], bytesB, error);
  if (!b)
    return fail(error);
  if (a->model_signature() != b->model_signature())
    return fail("the files are of different models");
  if (!anyStep && a->step() != b->step())
    return fail("the files are at different steps (" +
                std::to_string(a->step()) + " and " +
                std::to_string(b->step()) + ")");
  double worst = 0;
  for (const alexrt::fb::Tensor *tensor : *a->tensors()) {
    const alexrt::fb::Tensor *other = nullptr;
    for (const alexrt::fb::Tensor *candidate : *b->tensors())
      if (candidate->name()->str() == tensor->name()->str())
        other = candidate;
    if (!other || other->value()->size() != tensor->value()->size())
      return fail("tensor " + tensor->name()->str() + " differs in shape");
    double value = relativeError(*tensor->value(), *other->value());
    double momentum = relativeError(*tensor->momentum(), *other->momentum());
    std::printf("%-16s value %.3e  momentum %.3e\n", tensor->name()->c_str(),
                value, momentum);
    worst = std::max({worst, value, momentum});
  }
  bool pass = worst <= tolerance;
  std::printf("worst relative error %.3e (tolerance %.1e): %s\n", worst,
              tolerance, pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
