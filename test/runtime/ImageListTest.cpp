//===- ImageListTest.cpp - ImageFolder and list-file layouts --------------===//

#include "runtime/data/folders/ImageList.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace alexrt;
namespace fs = std::filesystem;

namespace {
void touch(const TempDir &dir, const std::string &path) {
  fs::create_directories(fs::path(dir.file(path)).parent_path());
  std::ofstream(dir.file(path)) << "x";
}

std::string errorOf(const std::string &root, const std::string &split,
                    int64_t classes = 10,
                    const std::vector<std::string> *train = nullptr) {
  ImageList list;
  Status status = listImages(root, split, classes, train, list);
  EXPECT_FALSE(status.ok());
  return status.message();
}
} // namespace

// Classes in sorted folder order, files sorted and found at any depth,
// hidden entries ignored; the validation split takes the training classes.
TEST(ImageList, ImageFolder) {
  TempDir dir;
  for (const char *path :
       {"train/n02/b.JPEG", "train/n02/a.png", "train/n01/x/deep.jpg",
        "train/n01/.hidden", "train/n10/z.JPEG", "train/.git/ignored",
        "val/n10/v.JPEG", "val/n01/w.JPEG"})
    touch(dir, path);
  std::string root = dir.path.string();
  ImageList train;
  ASSERT_TRUE(listImages(root, "train", 10, nullptr, train).ok());
  EXPECT_EQ(train.classNames, (std::vector<std::string>{"n01", "n02", "n10"}));
  EXPECT_EQ(train.paths,
            (std::vector<std::string>{"train/n01/x/deep.jpg", "train/n02/a.png",
                                      "train/n02/b.JPEG", "train/n10/z.JPEG"}));
  EXPECT_EQ(train.labels, (std::vector<int32_t>{0, 1, 1, 2}));
  EXPECT_EQ(train.fullPath(1), root + "/train/n02/a.png");
  ImageList val;
  ASSERT_TRUE(listImages(root, "val", 10, &train.classNames, val).ok());
  EXPECT_EQ(val.labels, (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(val.classNames, train.classNames);
}

TEST(ImageList, FolderErrors) {
  TempDir dir;
  std::string root = dir.path.string();
  EXPECT_NE(errorOf(root + "/none", "train").find("does not exist"),
            std::string::npos);
  EXPECT_NE(errorOf(root, "train").find("has no train split"),
            std::string::npos);
  fs::create_directories(dir.file("train"));
  EXPECT_NE(errorOf(root, "train").find("has no class folders"),
            std::string::npos);
  touch(dir, "train/a/1.JPEG");
  fs::create_directories(dir.file("train/b"));
  EXPECT_NE(errorOf(root, "train")
                .find("class folder '" + root + "/train/b' holds no files"),
            std::string::npos);
  touch(dir, "train/b/1.JPEG");
  touch(dir, "train/c/1.JPEG");
  EXPECT_NE(errorOf(root, "train", 2)
                .find("3 class folders but the model "
                      "has 2 outputs"),
            std::string::npos);
  touch(dir, "val/zebra/1.JPEG");
  std::vector<std::string> classes = {"a", "b", "c"};
  EXPECT_NE(errorOf(root, "val", 10, &classes)
                .find("'" + root +
                      "/val/zebra' is not a class of the "
                      "training split"),
            std::string::npos);
}

// Caffe's convention: the label is the last field, paths may hold spaces;
// blank lines and CRLF endings are fine. A list file wins over a folder.
TEST(ImageList, ListFiles) {
  TempDir dir;
  touch(dir, "train/a/1.JPEG");
  std::ofstream(dir.file("train.txt"))
      << "images/one.JPEG 3\r\n\nimages/with space.JPEG  0\nx/two.png\t1\n";
  std::string root = dir.path.string();
  ImageList list;
  ASSERT_TRUE(listImages(root, "train", 5, nullptr, list).ok());
  EXPECT_EQ(list.paths,
            (std::vector<std::string>{"images/one.JPEG",
                                      "images/with space.JPEG", "x/two.png"}));
  EXPECT_EQ(list.labels, (std::vector<int32_t>{3, 0, 1}));
  EXPECT_EQ(list.classNames, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(list.origin, dir.file("train.txt"));

  std::ofstream(dir.file("classes.txt")) << "cat\ndog\nemu\nfox\n";
  ASSERT_TRUE(listImages(root, "train", 5, nullptr, list).ok());
  EXPECT_EQ(list.classNames,
            (std::vector<std::string>{"cat", "dog", "emu", "fox"}));
}

TEST(ImageList, ListFileErrors) {
  TempDir dir;
  std::string root = dir.path.string(), file = dir.file("train.txt");
  std::ofstream(file) << "a.JPEG 1\n\nb.JPEG one\n";
  EXPECT_NE(errorOf(root, "train")
                .find(file + ":3: expected 'relative/path "
                             "label'"),
            std::string::npos);
  std::ofstream(file) << "a.JPEG 1\nb.JPEG 10\n";
  EXPECT_NE(errorOf(root, "train")
                .find(file + ":2: label 10 is out of range (the model has 10 "
                             "outputs)"),
            std::string::npos);
  std::ofstream(file) << "a.JPEG -1\n";
  EXPECT_NE(errorOf(root, "train").find(file + ":1:"), std::string::npos);
  std::ofstream(file) << "\n\n";
  EXPECT_NE(errorOf(root, "train").find("lists no images"), std::string::npos);
  std::ofstream(file) << "a.JPEG 2\n";
  std::ofstream(dir.file("classes.txt")) << "cat\ndog\n";
  EXPECT_NE(errorOf(root, "train").find("classes.txt names 2 classes"),
            std::string::npos);
}
