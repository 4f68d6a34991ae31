"""PyTorch CPU timing of the models alexc benchmarks, on the same shapes.

usage: python3 pytorch_cpu.py VARIANT BATCH STEPS [MOMENTUM WEIGHT_DECAY [PRECISION]]
VARIANT is paper (models/alexnet.model), fmnist (models/alexnet-fmnist.model),
fashion (models/fashion.model) or tiny (models/tiny.model). Times one full
training step (forward, loss, backward, SGD with the model's momentum and
weight decay, bench/cpu.sh reads them from the compiled binary; 0.9 and
5e-4 by default) and prints one JSON line with the median and the BLAS
library PyTorch's linear layers loaded.

PRECISION is fp32 (the default) or bf16: the forward pass and the loss
under torch.autocast("cpu", dtype=torch.bfloat16), as PyTorch users train
in bf16 on a CPU. Autocast runs the convolutions and linear layers on
bf16 copies of their operands (oneDNN's bf16 kernels, fp32 accumulation;
their backward passes follow in bf16) and keeps the loss in fp32; the
parameters, their gradients and the SGD step stay fp32 (master weights).
No loss scaling: bf16 has fp32's exponent range.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn


def lrn():
    # PyTorch divides alpha by size: 5e-4 / 5 = the paper's 1e-4.
    return nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)


def paper():
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, 4, 2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, 1, 2, groups=2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, 1, 1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, 1, 1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))


def fmnist():
    return nn.Sequential(
        nn.Conv2d(1, 96, 11, 4, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))


def tiny():
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, 1, 2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(8, 16, 3, 1, 1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(576, 32), nn.ReLU(),
        nn.Linear(32, 10))


def fashion():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, 1, 2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(32, 64, 3, 1, 1, groups=2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 96, 3, 1, 1), nn.ReLU(),
        nn.Flatten(), nn.Linear(3456, 256), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(256, 10))


SHAPES = {"paper": (paper, (3, 224, 224), 1000),
          "fmnist": (fmnist, (1, 224, 224), 10),
          "fashion": (fashion, (1, 28, 28), 10),
          "tiny": (tiny, (1, 28, 28), 10)}


def blas_library():
    """The BLAS library this process has loaded (Debian's torch reaches
    libblas.so.3, whichever implementation the alternatives point to)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower()
                 and line.split()[-1].startswith("/")}
    return os.path.realpath(sorted(paths)[0]) if paths else "none"


def main():
    variant, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    momentum = float(sys.argv[4]) if len(sys.argv) > 4 else 0.9
    weight_decay = float(sys.argv[5]) if len(sys.argv) > 5 else 5e-4
    precision = sys.argv[6] if len(sys.argv) > 6 else "fp32"
    if precision not in ("fp32", "bf16"):
        sys.exit(f"unknown precision {precision!r}: expected fp32 or bf16")
    make, image, classes = SHAPES[variant]
    # Every core, as alexc's BLAS uses them.
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    torch.manual_seed(0)
    net = make()
    x = torch.rand(batch, *image)
    y = torch.randint(0, classes, (batch,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=momentum,
                          weight_decay=weight_decay)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        # Disabled, autocast changes nothing: the fp32 step is as before.
        with torch.autocast("cpu", dtype=torch.bfloat16,
                            enabled=precision == "bf16"):
            loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    step()  # warm-up
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps(dict(variant=variant, batch=batch, steps=steps,
                          threads=torch.get_num_threads(),
                          torch=torch.__version__, blas=blas_library(),
                          momentum=momentum, weight_decay=weight_decay,
                          precision=precision,
                          ms_per_step=round(median, 3),
                          images_per_second=round(batch * 1e3 / median, 1))))


if __name__ == "__main__":
    main()
