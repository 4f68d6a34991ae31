"""neighbours' answers against a brute-force search in NumPy over the
features `features` wrote for both splits (the same decoding and crop).

  neighbours_check.py DATASET TRAIN.npy VAL.npy NEIGHBOURS_OUTPUT COUNT
"""
import os
import sys

import numpy as np


def listing(root, split):
    # ImageFolder order: class folders sorted, files sorted within.
    paths = []
    for folder in sorted(os.listdir(os.path.join(root, split))):
        for name in sorted(os.listdir(os.path.join(root, split, folder))):
            paths.append(f"{split}/{folder}/{name}")
    return paths


root, train_npy, val_npy, printed, count = sys.argv[1:6]
count = int(count)
train, val = np.load(train_npy).astype(np.float64), np.load(val_npy).astype(np.float64)
train_paths, val_paths = listing(root, "train"), listing(root, "val")
assert len(train_paths) == len(train) and len(val_paths) == len(val)
same_class = answered = 0
for line in open(printed):
    if ": " not in line or line.startswith("contact sheet"):
        continue
    query, answers = line.rstrip("\n").split(": ", 1)
    j = val_paths.index(os.path.relpath(query, root))
    distances = ((train - val[j]) ** 2).sum(axis=1)
    want = [train_paths[i] for i in np.argsort(distances, kind="stable")[:count]]
    got = [a.rsplit(" (", 1)[0] for a in answers.strip().split(", ")]
    assert got == want, (query, got, want)
    label = val_paths[j].split("/")[1]
    same_class += sum(g.split("/")[1] == label for g in got)
    answered += 1
print(f"{answered} queries: the {count} nearest as NumPy finds them; "
      f"{same_class} of {answered * count} of the query's class")
