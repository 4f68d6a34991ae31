//===- GpuPlacementTest.cpp - which GPU each logical device runs on -------===//

#include "runtime/devices/GpuPlacement.h"

#include <gtest/gtest.h>

using namespace alexrt;

TEST(GpuPlacement, OneProcessSharesGpusByModulo) {
  GpuPlacement placement;
  // The paper's two towers on one GPU: two streams of GPU 0.
  ASSERT_TRUE(GpuPlacement::place(2, 0, 1, 1, false, placement).ok());
  EXPECT_EQ(placement.gpuOf(0), 0);
  EXPECT_EQ(placement.gpuOf(1), 0);
  EXPECT_EQ(placement.gpus(), std::vector<int>{0});
  // On eight GPUs, two devices take the first two.
  ASSERT_TRUE(GpuPlacement::place(2, 0, 1, 8, false, placement).ok());
  EXPECT_EQ(placement.gpuOf(1), 1);
  EXPECT_EQ(placement.describe(), "GPUs 0-1");
}

TEST(GpuPlacement, ReplicasOnANodeTakeGpusByTheirPlaceOnIt) {
  GpuPlacement placement;
  // 4 replicas of 2 devices on an 8-GPU node: replica 2 gets GPUs 4 and 5.
  ASSERT_TRUE(GpuPlacement::place(2, 2, 4, 8, true, placement).ok());
  EXPECT_EQ(placement.gpuOf(0), 4);
  EXPECT_EQ(placement.gpuOf(1), 5);
  EXPECT_EQ(placement.describe(), "GPUs 4-5");
  // 2 replicas of 1 device on a 2-GPU node: one GPU each, never GPU 0 twice.
  ASSERT_TRUE(GpuPlacement::place(1, 1, 2, 2, true, placement).ok());
  EXPECT_EQ(placement.gpuOf(0), 1);
  EXPECT_EQ(placement.describe(), "GPU 1");
}

TEST(GpuPlacement, AProcessThatSeesOnlyItsOwnGpusTakesThem) {
  GpuPlacement placement;
  // Slurm's --gpus-per-task=2: replica 3 of 4 on the node sees 2 GPUs.
  ASSERT_TRUE(GpuPlacement::place(2, 3, 4, 2, true, placement).ok());
  EXPECT_EQ(placement.gpuOf(0), 0);
  EXPECT_EQ(placement.gpuOf(1), 1);
  // Fewer GPUs than its own devices: refused.
  Status status = GpuPlacement::place(2, 0, 1, 1, true, placement);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("this replica runs 2 devices, each on a "
                                  "GPU of its own"),
            std::string::npos)
      << status.message();
}

TEST(GpuPlacement, AGpuSharedByTwoReplicasIsRefused) {
  // 2 replicas of 2 devices on a 2-GPU node, both seeing the node's GPUs:
  // each takes its first two.
  std::vector<std::string> ids = {"GPU-a", "GPU-b", "GPU-a", "GPU-b"};
  Status status = checkGpusDistinct(ids, 2, 2, 2);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("replica 0's device 0 and replica 1's "
                                  "device 0 would share GPU GPU-a"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("this node runs 2 replicas of 2 devices "
                                  "and so needs 4 GPUs, and it has 2: start "
                                  "at most 1 a node (mpirun --map-by "
                                  "ppr:1:node), or compile with --devices=1"),
            std::string::npos)
      << status.message();
  // Two devices of one replica on one GPU: as bad (two communicators).
  EXPECT_FALSE(checkGpusDistinct({"GPU-a", "GPU-a"}, 2, 1, 1).ok());
  // Distinct GPUs, on one node or several.
  EXPECT_TRUE(
      checkGpusDistinct({"GPU-a", "GPU-b", "GPU-c", "GPU-d"}, 2, 2, 4).ok());
}

TEST(GpuPlacement, PeerAccessIsCheckedBothWays) {
  // GPU 1 may read GPU 0, not the other way round.
  auto oneWay = [](int a, int b) { return a == 1 && b == 0; };
  Status status = checkPeerAccess({0, 1}, oneWay);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("GPU 0 cannot read GPU 1's memory"),
            std::string::npos)
      << status.message();
  EXPECT_TRUE(checkPeerAccess({0, 1}, [](int, int) { return true; }).ok());
  // One GPU needs no peer.
  EXPECT_TRUE(checkPeerAccess({3}, [](int, int) { return false; }).ok());
}
