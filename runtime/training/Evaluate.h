//===- Evaluate.h - loss, top-1 and top-5 error over a test set -*- C++ -*-===//

#ifndef ALEXRT_TRAINING_EVALUATE_H
#define ALEXRT_TRAINING_EVALUATE_H

#include "runtime/data/DataSource.h"
#include "runtime/training/Evaluation.h"

#include <cstdint>

namespace alexrt {

class Session;

/// Evaluates the session's model over the source's test images with
/// `views` (1 or 10) views each, decoding on `threads` loader threads.
Status evaluate(Session &session, const DataSource &data, int64_t views,
                int threads, Evaluation &result);

} // namespace alexrt

#endif // ALEXRT_TRAINING_EVALUATE_H
