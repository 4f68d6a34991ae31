//===- Eval.cpp - the eval command: a checkpoint's test figures -----------===//

#include "runtime/commands/Commands.h"

#include "runtime/model/Session.h"
#include "runtime/replicas/Replicas.h"
#include "runtime/training/Evaluate.h"

#include <cmath>
#include <cstdio>

namespace alexrt {

int eval(Session &session, const Options &options) {
  std::string weights = options.get("weights");
  if (weights.empty())
    return fail("eval needs --weights FILE");
  int64_t views;
  Status status = testViews(session.model(), options, views);
  if (status.ok())
    status = session.load(weights);
  std::unique_ptr<DataSource> data;
  if (status.ok())
    status = openData(session.model(), options, data, &session.dataFacts());
  Evaluation result;
  if (status.ok())
    status = evaluate(session, *data, views,
                      loaderThreads(session.model(), options), result);
  if (!status.ok())
    return fail(status.message());
  // As training's divergence check: no figures of a model that gives no
  // numbers.
  if (!std::isfinite(result.loss))
    return fail(nonFiniteTestLoss(result) + " with '" + weights +
                    "': its weights are diverged or damaged",
                3);
  if (replicaIndex() == 0)
    std::printf("test %s (%lld images, %lld view%s)\n",
                describe(result).c_str(), (long long)result.images,
                (long long)views, views == 1 ? "" : "s");
  return 0;
}

} // namespace alexrt
