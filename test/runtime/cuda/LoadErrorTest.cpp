//===- LoadErrorTest.cpp - why the kernels failed to load is kept ---------===//
//
// MLIR's gpu.binary translation loads an executable's kernels from a
// global constructor of priority 123, before ordinary dynamic
// initialisation; this test does the same with an image no driver
// accepts (with no driver at all, the load fails too). The reason must
// survive until openTarget reports it, instead of a later "invalid
// resource handle" at the first launch.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/Mgpu.h"

#include <gtest/gtest.h>

namespace {
void *loaded = reinterpret_cast<void *>(1);
/// Not a fatbin, cubin or PTX: zeroes.
unsigned char notAnImage[256];
} // namespace

__attribute__((constructor(123))) static void loadKernelsEarly() {
  loaded = mgpuModuleLoad(notAnImage, sizeof notAnImage);
}

TEST(KernelLoad, TheErrorOfAnEarlyLoadSurvivesInitialisation) {
  EXPECT_EQ(loaded, nullptr);
  std::string error = alexrt::cuda::kernelLoadError();
  EXPECT_FALSE(error.empty());
  // "CUDA driver version is insufficient ... (cudaErrorInsufficientDriver)"
  // without a driver, an invalid-image error with one: CUDA's words and
  // the error's name.
  EXPECT_NE(error.find("(cuda"), std::string::npos) << error;
}

TEST(KernelLoad, AFunctionOfAModuleThatFailedToLoadEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(mgpuModuleGetFunction(nullptr, "step_kernel"),
              ::testing::ExitedWithCode(1),
              "error: cannot load the model's GPU kernels: .+\\(cuda");
}
