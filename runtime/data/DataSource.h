//===- DataSource.h - a model's batches, any dataset ------------*- C++ -*-===//

#ifndef ALEXRT_DATA_DATASOURCE_H
#define ALEXRT_DATA_DATASOURCE_H

#include "runtime/data/images/Image.h"
#include "runtime/model/ModelInfo.h"
#include "runtime/model/WeightFile.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace alexrt {

/// What the command line says about the data.
struct DataOptions {
  std::string dataset; ///< fashion_mnist, imagenet or synthetic.
  std::string dir;     ///< Empty: the dataset's usual place.
  int64_t trainLimit = 0, testLimit = 0; ///< Keep only the first N; 0: all.
  int threads = 1; ///< For scanning a folder that has no packed files.
  /// Whether the training images are used: eval reads only the test set
  /// (an in-memory dataset's training file then need not be there, when
  /// `trainMean` gives what it would be read for).
  bool needTrain = true;
  /// The training set's per-channel mean, as a checkpoint recorded it.
  std::vector<float> trainMean;
};

/// Which training images a batch holds and how they are augmented.
struct TrainBatchRequest {
  /// The images' indices in the training set, `count` of them.
  const int64_t *indices = nullptr;
  int64_t count = 0;
  /// Where indices[0] sits in the global batch: a replica's share of a
  /// batch is augmented as it would be in the whole batch.
  int64_t position = 0;
  /// The run's seed, its epoch and the batch's global step, which draw the
  /// crops, flips and lighting.
  uint64_t seed = 0;
  int64_t epoch = 0, step = 0;
};

/// The training and test images of a model, as network inputs. Safe to
/// call from several loader threads at once.
class DataSource {
public:
  virtual ~DataSource() = default;
  virtual int64_t trainCount() const = 0;
  virtual int64_t testCount() const = 0;
  /// One line for the log ("imagenet from DIR (packed files)").
  virtual std::string description() const = 0;
  virtual const std::vector<std::string> &classNames() const = 0;
  /// Records in `facts` what predicting on new images needs: the dataset,
  /// its class names and the mean subtracted from inputs.
  virtual void describe(DataFacts &facts) const = 0;

  /// The training images of `request`, augmented, into `images` and their
  /// classes into `labels`.
  virtual Status trainBatch(const TrainBatchRequest &request, float *images,
                            int32_t *labels) const = 0;
  /// Training images [first, first + n) without augmentation (the centre
  /// crop, as tested), for their features.
  virtual Status trainCentreBatch(int64_t first, int64_t n, float *images,
                                  int32_t *labels) const = 0;
  /// Training image `index` as stored (prepared square or original), for
  /// pictures, and what to call it.
  virtual Status trainPicture(int64_t index, Image &picture) const = 0;
  virtual std::string trainName(int64_t index) const = 0;
  virtual std::string testName(int64_t index) const = 0;
  /// An image's class, without decoding it.
  virtual int32_t trainLabel(int64_t index) const = 0;
  virtual int32_t testLabel(int64_t index) const = 0;
  /// Test images [first, first + n), each as `views` (1 or 10) test views:
  /// view v of the i-th image goes to images[(v * stride + i) * size].
  virtual Status testBatch(int64_t first, int64_t n, int64_t views,
                           int64_t stride, float *images,
                           int32_t *labels) const = 0;
};

/// A hash of what a source holds as training and test sets: their sizes,
/// class names and every image's name (its file, or its record's source)
/// and label, FNV-1a. Replicas that list different files differ in it.
uint64_t dataFingerprint(const DataSource &data);

/// Opens the model's dataset (or options.dataset).
Status openDataSource(const ModelInfo &model, const DataOptions &options,
                      std::unique_ptr<DataSource> &source);

} // namespace alexrt

#endif // ALEXRT_DATA_DATASOURCE_H
