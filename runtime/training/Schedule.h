//===- Schedule.h - the learning-rate schedule between epochs ---*- C++ -*-===//

#ifndef ALEXRT_TRAINING_SCHEDULE_H
#define ALEXRT_TRAINING_SCHEDULE_H

#include "runtime/model/ModelInfo.h"
#include "runtime/model/WeightFile.h"

namespace alexrt {

/// Updates `progress` (learning rate, best validation error, epochs since
/// it, drops) after the epoch `progress.epoch` (already counted) ended with
/// validation error `error`, by the model's schedule:
///  - constant: nothing changes;
///  - step: the rate is multiplied by `factor` after every `every` epochs;
///  - plateau: a new best error resets the count; after `patience` epochs
///    without one the rate is multiplied by `factor`, at most `maxDrops`
///    times (0: no limit), and the count starts again.
void updateSchedule(const ModelInfo &model, TrainingProgress &progress,
                    double error);

} // namespace alexrt

#endif // ALEXRT_TRAINING_SCHEDULE_H
