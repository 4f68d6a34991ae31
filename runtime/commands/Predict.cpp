//===- Predict.cpp - predict: the classes of image files ------------------===//

#include "runtime/commands/Commands.h"

#include "runtime/data/folders/Prepare.h"
#include "runtime/data/images/Augment.h"
#include "runtime/model/Session.h"
#include "runtime/support/Files.h"

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
  return geometry;
}

/// The top-5 classes of each image file named on the command line.
int predict(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights");
  if (weights.empty() || options.files.empty())
    return fail("predict needs --weights FILE and image files");
  int64_t views;
  Status status = testViews(model, options, views);
  if (status.ok())
    status = session.load(weights);
  if (!status.ok())
    return fail(status.message());
  const DataFacts &facts = session.dataFacts();
  if (facts.dataset.empty())
    std::fprintf(stderr,
                 "warning: '%s' does not say what data trained it "
                 "(imported?): no mean is subtracted and classes "
                 "are numbered\n",
                 weights.c_str());
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
  int failed = 0;
  bool nonFinite = false;
  for (size_t first = 0; first < options.files.size(); first += size_t(batch)) {
    std::vector<std::string> names;
    for (size_t i = first;
         i < options.files.size() && names.size() < size_t(batch); ++i) {
      Image square;
      Status loaded =
          loadSquareImage(options.files[i], side, model.channels, square);
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
  // A model that gives no numbers fails as training's divergence does.
  return nonFinite ? 3 : failed ? 1 : 0;
}

} // namespace alexrt
