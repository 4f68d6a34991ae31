"""Figure 3 for test/e2e/kernels.test, from both ends.

  make OUT.safetensors           tiny's tensors with known conv1 kernels:
                                 kernel k holds k + 0.01 * (y * 5 + x)**2
  check KERNELS.png TOWERS       the grid's size and every pixel, derived
                                 here from those kernels independently
"""
import sys

import numpy as np
from PIL import Image
from safetensors_check import write_safetensors  # beside this file

# tiny.model's parameters.
SHAPES = {"conv1.weight": (8, 1, 5, 5), "conv1.bias": (8,),
          "conv2.weight": (16, 4, 3, 3), "conv2.bias": (16,),
          "fc3.weight": (32, 576), "fc3.bias": (32,),
          "fc4.weight": (10, 32), "fc4.bias": (10,)}


def kernels():
    k = np.arange(8, dtype=np.float32).reshape(8, 1, 1, 1)
    yx = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    return (k + 0.01 * yx ** 2).astype("<f4")


def make(path):
    tensors = {}
    for name, shape in SHAPES.items():
        array = kernels() if name == "conv1.weight" else np.zeros(shape, "<f4")
        tensors[name] = ({"dtype": "F32"}, array)
    write_safetensors(path, {}, tensors)


def check(path, towers):
    image = np.asarray(Image.open(path))
    w = kernels()
    per_tower = 8 // towers
    columns, rows = min(16, per_tower), -(-per_tower // min(16, per_tower))
    scale = -(-40 // 5)  # kernels enlarged to at least 40 pixels
    cell, gap, tower_gap = 5 * scale, 2, 8
    block = rows * cell + (rows - 1) * gap
    expected_size = (towers * block + (towers - 1) * tower_gap,
                     columns * cell + (columns - 1) * gap)
    assert image.shape == expected_size, (image.shape, expected_size)
    for k in range(8):
        kernel = w[k, 0]
        level = np.rint(255 * (kernel - kernel.min()) / (kernel.max() - kernel.min()))
        tower, index = divmod(k, per_tower)
        top = tower * (block + tower_gap) + (index // columns) * (cell + gap)
        left = (index % columns) * (cell + gap)
        drawn = image[top:top + cell, left:left + cell]
        want = np.kron(level, np.ones((scale, scale))).astype(np.uint8)
        assert np.array_equal(drawn, want), f"kernel {k} differs"
    assert (image[:, cell:cell + gap] == 255).all(), "gaps are white"
    print(f"{image.shape[1]}x{image.shape[0]} grid, 8 kernels as expected")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], int(sys.argv[3]))
