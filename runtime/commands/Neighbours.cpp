//===- Neighbours.cpp - the neighbours command: Figure 4's picture --------===//

#include "runtime/commands/Commands.h"

#include "runtime/data/folders/Prepare.h"
#include "runtime/data/images/Decode.h"
#include "runtime/data/images/Resize.h"
#include "runtime/model/Session.h"
#include "runtime/support/Files.h"
#include "runtime/support/Progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace alexrt {

namespace {
/// A query and its nearest training images so far, nearest first.
struct Query {
  std::string path;
  Image picture;
  std::vector<float> features;
  std::vector<std::pair<double, int64_t>> nearest; ///< (distance^2, index)
};

/// Copies `tile` into `sheet` with its top-left corner at (top, left).
void paste(Image &sheet, const Image &tile, int64_t top, int64_t left) {
  for (int64_t y = 0; y < tile.height; ++y)
    std::copy(tile.row(y), tile.row(y) + tile.width * tile.channels,
              sheet.row(top + y) + left * sheet.channels);
}
} // namespace

/// For each query image, the training images nearest in feature space
/// (Euclidean, as the paper's Figure 4), as a PNG contact sheet: a row a
/// query, the query first.
int neighbours(Session &session, const Options &options) {
  const ModelInfo &model = session.model();
  std::string weights = options.get("weights"), out = options.get("out");
  int64_t count = options.number("count", 6);
  if (weights.empty() || out.empty() || options.files.empty())
    return fail("neighbours needs --weights FILE, query image files and -o "
                "FILE.png");
  if (count < 1 || count > 64)
    return fail("--count must be between 1 and 64");
  if (Status ready = checkWritable(out, "PNG file"); !ready.ok())
    return fail(ready.message());
  std::unique_ptr<DataSource> data;
  Status status = openForFeatures(session, options, data, true);
  if (!status.ok())
    return fail(status.message());

  int64_t batch = model.batch, width = model.features;
  std::vector<float> images(size_t(batch * model.imageSize()));
  std::vector<float> batchFeatures(size_t(batch * width));
  std::vector<int32_t> labels(static_cast<size_t>(batch));
  Augmentation geometry = evaluationGeometry(model, session.dataFacts());
  CropView centre = geometry.testViews(1)[0];
  std::vector<Query> queries;
  for (const std::string &path : options.files) {
    Query query;
    query.path = path;
    status = loadSquareImage(path, geometry.sourceHeight, model.channels,
                             query.picture);
    if (!status.ok())
      return fail("'" + path + "': " + status.message());
    queries.push_back(std::move(query));
  }
  for (size_t first = 0; first < queries.size(); first += size_t(batch)) {
    size_t n = std::min(queries.size() - first, size_t(batch));
    for (size_t i = 0; i < n; ++i)
      geometry.render(queries[first + i].picture, centre,
                      images.data() + int64_t(i) * model.imageSize());
    session.features(images.data(), batchFeatures.data());
    for (size_t i = 0; i < n; ++i)
      queries[first + i].features.assign(
          batchFeatures.begin() + int64_t(i) * width,
          batchFeatures.begin() + int64_t(i + 1) * width);
  }

  // Stream the training set, keeping each query's nearest `count`.
  int64_t total = data->trainCount();
  Progress progress("neighbours", total);
  for (int64_t first = 0; first < total; first += batch) {
    int64_t n = std::min(batch, total - first);
    status = data->trainCentreBatch(first, n, images.data(), labels.data());
    if (!status.ok())
      return fail(status.message());
    session.features(images.data(), batchFeatures.data());
    for (Query &query : queries)
      for (int64_t i = 0; i < n; ++i) {
        const float *f = batchFeatures.data() + i * width;
        double distance = 0;
        for (int64_t k = 0; k < width; ++k) {
          double d = double(f[k]) - query.features[size_t(k)];
          distance += d * d;
        }
        auto &nearest = query.nearest;
        if (int64_t(nearest.size()) == count &&
            distance >= nearest.back().first)
          continue;
        nearest.insert(std::upper_bound(nearest.begin(), nearest.end(),
                                        std::make_pair(distance, first + i)),
                       {distance, first + i});
        if (int64_t(nearest.size()) > count)
          nearest.pop_back();
      }
    progress.update(first + n, "");
  }

  // The sheet: query, a wider gap, then its neighbours, nearest first.
  const int64_t tile = 64, gap = 2, queryGap = 10;
  Image sheet;
  int64_t columns = 1 + count;
  sheet.resize(int64_t(queries.size()) * (tile + gap) - gap,
               columns * (tile + gap) - gap + queryGap, model.channels);
  std::fill(sheet.pixels.begin(), sheet.pixels.end(), uint8_t(255));
  for (size_t q = 0; q < queries.size(); ++q) {
    int64_t top = int64_t(q) * (tile + gap);
    paste(sheet, resizeCentralSquare(queries[q].picture, tile), top, 0);
    std::string line = queries[q].path + ":";
    for (size_t k = 0; k < queries[q].nearest.size(); ++k) {
      auto [distance, index] = queries[q].nearest[k];
      Image picture;
      status = data->trainPicture(index, picture);
      if (!status.ok())
        return fail(status.message());
      paste(sheet, resizeCentralSquare(picture, tile), top,
            tile + queryGap + int64_t(k) * (tile + gap));
      char figure[32];
      std::snprintf(figure, sizeof figure, " (%.3g)", std::sqrt(distance));
      line += (k ? ", " : " ") + data->trainName(index) + figure;
    }
    std::printf("%s\n", line.c_str());
  }
  std::vector<uint8_t> png;
  status = encodePng(sheet, png);
  if (status.ok())
    status = writeFileAtomically(out, "PNG file", png.data(), png.size());
  if (!status.ok())
    return fail(status.message());
  std::printf("contact sheet: %s (%lldx%lld)\n", out.c_str(),
              (long long)sheet.width, (long long)sheet.height);
  return 0;
}

} // namespace alexrt
