//===- Schedule.cpp - the learning-rate schedule between epochs -----------===//

#include "runtime/training/Schedule.h"

using namespace alexrt;

void alexrt::updateSchedule(const ModelInfo &model, TrainingProgress &progress,
                            double error) {
  switch (model.schedule) {
  case ModelInfo::Schedule::Constant:
    return;
  case ModelInfo::Schedule::Step:
    if (progress.epoch % model.every == 0)
      progress.learningRate *= model.factor;
    return;
  case ModelInfo::Schedule::Plateau:
    if (error < progress.bestValidationError) {
      progress.bestValidationError = error;
      progress.epochsSinceBest = 0;
      return;
    }
    if (++progress.epochsSinceBest >= model.patience &&
        (model.maxDrops == 0 || progress.drops < model.maxDrops)) {
      progress.learningRate *= model.factor;
      ++progress.drops;
      progress.epochsSinceBest = 0;
    }
    return;
  }
}
