"""torchvision's input pipeline on an ImageFolder, timed like alexc's loader.

usage: pytorch_data.py ROOT full|prepared WORKERS BATCHES [BATCH]

full: Resize(256) + CenterCrop(256) (the paper's preprocessing, done on
every read) then RandomCrop(224) + RandomHorizontalFlip + ToTensor +
Normalize; prepared: the images are already 256x256, so RandomCrop(224) +
RandomHorizontalFlip + ToTensor + Normalize. DataLoader with WORKERS worker
processes (0: the main process decodes). Prints one JSON line.
"""
import json
import sys
import time

import torch
import torchvision
from torchvision import datasets, transforms


def main():
    root, mode, workers, batches = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 128
    torch.set_num_threads(1)
    steps = [transforms.Resize(256), transforms.CenterCrop(256)] if mode == "full" else []
    steps += [transforms.RandomCrop(224), transforms.RandomHorizontalFlip(),
              transforms.ToTensor(),
              transforms.Normalize([0.485, 0.456, 0.406], [1.0, 1.0, 1.0])]
    data = datasets.ImageFolder(root + "/train", transforms.Compose(steps))
    loader = torch.utils.data.DataLoader(data, batch_size=batch, shuffle=True,
                                         num_workers=workers, drop_last=True,
                                         persistent_workers=workers > 0)
    batches = min(batches, len(data) // batch)
    it = iter(loader)
    next(it)  # warm-up: workers start, caches fill
    start = time.perf_counter()
    for _ in range(batches - 1):
        next(it)
    seconds = time.perf_counter() - start
    print(json.dumps({"torchvision": torchvision.__version__, "workers": workers,
                      "batch": batch, "batches": batches - 1,
                      "images_per_second": round((batches - 1) * batch / seconds, 1)}))


if __name__ == "__main__":
    main()
