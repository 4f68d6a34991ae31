//===- ParamWritesTest.cpp - the count of the runtime's parameter writes --===//

#include "runtime/model/ParamWrites.h"

#include "runtime/alexrt.h"

#include <gtest/gtest.h>

// A CPU bf16 step's weight copies start stamped 0 (zeroed memory): the
// count must differ from that before any write, so the first step makes
// them.
TEST(ParamWrites, DiffersFromAFreshCopyStamp) {
  EXPECT_NE(alexrt_parameters_generation(), 0);
}

// Every write makes every copy stale: the count moves on each time.
TEST(ParamWrites, EachWriteChangesTheCount) {
  int64_t before = alexrt_parameters_generation();
  alexrt::parametersWritten();
  int64_t once = alexrt_parameters_generation();
  alexrt::parametersWritten();
  EXPECT_NE(once, before);
  EXPECT_NE(alexrt_parameters_generation(), once);
}
