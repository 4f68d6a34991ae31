//===- Predict.cpp - predict: the classes of image files ------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/data/folders/Prepare.h"
#include "runtime/data/images/Augment.h"
#include "runtime/model/Session.h"
#include "runtime/support/Files.h"
#include "runtime/support/Npy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace alexrt {

Augmentation evaluationGeometry(const ModelInfo &model,
                                const DataFacts &facts) {
  Augmentation geometry;
  geometry.channels = model.channels;
  geometry.height = model.height;
  geometry.width = model.width;
  int64_t side =
      model.resize > 0 ? model.resize : std::max(model.height, model.width);
  geometry.sourceHeight = geometry.sourceWidth = side;
  if (facts.meanHeight == 0 ||
      (facts.meanHeight == side && facts.meanWidth == side))
    geometry.mean = facts.mean;
  geometry.normalizeBy(model);
  return geometry;
}

/// The top-5 classes of each image file named on the command line; with
/// -o FILE.npy also the logits (images x classes, or images x views x
/// classes) and, as FILE.inputs.npy, what the network saw (images x
/// [views x] channels x height x width).
int predict(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights"), out = options.get("out");
  if (weights.empty() || options.files.empty())
    return fail("predict needs --weights FILE and image files");
  int64_t views;
  Status status = testViews(model, options, views);
  if (status.ok() && !out.empty())
    status = checkWritable(out, "logits file");
  if (status.ok() && !out.empty())
    status = checkWritable(companionNpy(out, "inputs"), "inputs file");
  if (status.ok())
    status = session.load(weights);
  if (!status.ok())
    return fail(status.message());
  const DataFacts &facts = session.dataFacts();
  if (facts.dataset.empty())
    std::fprintf(stderr,
                 "warning: '%s' does not say what data trained it "
                 "(imported?): %s and classes are numbered\n",
                 weights.c_str(),
                 model.normalizeMean.empty()
                     ? "no mean is subtracted"
                     : "inputs are normalised as the model says");
  // The evaluation geometry: the prepared square, then the test views.
  Augmentation geometry = evaluationGeometry(model, facts);
  int64_t side = geometry.sourceHeight;
  std::vector<CropView> crops = geometry.testViews(views);
  auto className = [&](int64_t c) {
    return size_t(c) < facts.classNames.size() ? facts.classNames[size_t(c)]
                                               : std::to_string(c);
  };

  int64_t batch = model.batch, imageSize = model.imageSize();
  std::vector<float> images(size_t(views * batch * imageSize));
  std::vector<int32_t> labels(size_t(batch), 0);
  std::vector<float> logits(size_t(views * batch * model.classes));
  std::vector<float> savedLogits, savedInputs;
  int64_t saved = 0;
  int failed = 0;
  bool nonFinite = false;
  for (size_t first = 0; first < options.files.size(); first += size_t(batch)) {
    std::vector<std::string> names;
    for (size_t i = first;
         i < options.files.size() && names.size() < size_t(batch); ++i) {
      Image square;
      Status loaded = loadSquareImage(options.files[i], side, model.channels,
                                      square, nullptr, JpegScaling::Full);
      if (!loaded.ok()) {
        std::fprintf(stderr, "error: '%s': %s\n", options.files[i].c_str(),
                     loaded.message().c_str());
        ++failed;
        continue;
      }
      for (int64_t v = 0; v < views; ++v)
        geometry.render(square, crops[size_t(v)],
                        images.data() +
                            (v * batch + int64_t(names.size())) * imageSize);
      names.push_back(options.files[i]);
    }
    if (names.empty())
      continue;
    for (int64_t v = 0; v < views; ++v)
      session.forward(images.data() + v * batch * imageSize, labels.data(),
                      logits.data() + v * batch * model.classes);
    if (!out.empty()) {
      for (int64_t i = 0; i < int64_t(names.size()); ++i)
        for (int64_t v = 0; v < views; ++v) {
          const float *input = images.data() + (v * batch + i) * imageSize;
          const float *row = logits.data() + (v * batch + i) * model.classes;
          savedInputs.insert(savedInputs.end(), input, input + imageSize);
          savedLogits.insert(savedLogits.end(), row, row + model.classes);
        }
      saved += int64_t(names.size());
    }
    for (size_t i = 0; i < names.size(); ++i) {
      std::vector<double> probability =
          averagedSoftmax(logits.data() + int64_t(i) * model.classes, views,
                          batch * model.classes, model.classes);
      if (!std::all_of(probability.begin(), probability.end(),
                       [](double p) { return std::isfinite(p); })) {
        std::fprintf(stderr,
                     "error: '%s': the model's outputs are not numbers "
                     "(NaN or infinite): the weights in '%s' are diverged "
                     "or damaged\n",
                     names[i].c_str(), weights.c_str());
        nonFinite = true;
        continue;
      }
      std::vector<int64_t> order(size_t(model.classes));
      for (int64_t c = 0; c < model.classes; ++c)
        order[size_t(c)] = c;
      size_t shown = std::min<size_t>(5, order.size());
      std::partial_sort(order.begin(), order.begin() + long(shown), order.end(),
                        [&](int64_t a, int64_t b) {
                          return probability[size_t(a)] >
                                 probability[size_t(b)];
                        });
      std::string line = names[i] + ":";
      for (size_t k = 0; k < shown; ++k) {
        char share[32];
        std::snprintf(share, sizeof share, " %.2f%%",
                      100 * probability[size_t(order[k])]);
        line +=
            (k ? " |" : "") + std::string(" ") + className(order[k]) + share;
      }
      std::printf("%s\n", line.c_str());
    }
  }
  if (!out.empty() && saved > 0) {
    std::vector<int64_t> logitsShape = {saved, model.classes};
    std::vector<int64_t> inputsShape = {saved, model.channels, model.height,
                                        model.width};
    if (views > 1) {
      logitsShape.insert(logitsShape.begin() + 1, views);
      inputsShape.insert(inputsShape.begin() + 1, views);
    }
    Status written = writeNpy(out, "<f4", logitsShape, savedLogits.data());
    if (written.ok())
      written = writeNpy(companionNpy(out, "inputs"), "<f4", inputsShape,
                         savedInputs.data());
    if (!written.ok())
      return fail(written.message());
    std::printf("logits of %lld images -> %s, their inputs -> %s\n",
                (long long)saved, out.c_str(),
                companionNpy(out, "inputs").c_str());
  }
  // A model that gives no numbers fails as training's divergence does.
  return nonFinite ? 3 : failed ? 1 : 0;
}

} // namespace alexrt
