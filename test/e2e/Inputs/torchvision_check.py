"""torchvision's AlexNet for test/e2e/torchvision.test.

  save OUT.pth            a torchvision AlexNet with seeded random weights,
                          its state_dict saved as training scripts do
  load ORIGINAL.pth FILE.safetensors
                          FILE, read with numpy, loads into a fresh
                          torchvision AlexNet by load_state_dict (strict),
                          every tensor equal to ORIGINAL's bit for bit
"""
import json
import struct
import sys

import numpy as np
import torch
import torchvision


def save(out):
    torch.manual_seed(2012)
    model = torchvision.models.alexnet()
    torch.save({"model": model.state_dict(), "epoch": 89}, out)


def load(original, path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    state = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        begin, end = entry["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"])
        state[name] = torch.from_numpy(array.copy())
    model = torchvision.models.alexnet()
    model.load_state_dict(state, strict=True)
    want = torch.load(original)["model"]
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor.view(torch.int32), want[name].view(torch.int32)), \
            f"{name} differs"
    print(f"load_state_dict takes all {len(state)} tensors, "
          "equal to torchvision's bit for bit")


if __name__ == "__main__":
    {"save": save, "load": load}[sys.argv[1]](*sys.argv[2:])
