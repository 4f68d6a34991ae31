"""PyTorch checkpoints for test/tools/pth-to-safetensors.test.

  make GOOD.safetensors OUT.pth    GOOD's tensors as a training script saves
      them: {"model": state_dict, "step": ...}, the first two as bf16, the
      next two as f16, the rest f32, and an int64 counter among them
  same OUT.pth FILE.safetensors    FILE holds each floating-point tensor of
      OUT.pth (a training script's checkpoint or a plain state_dict) with
      its name, shape, dtype and bits
"""
import json
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    return {name: (entry, body[entry["data_offsets"][0]:entry["data_offsets"][1]])
            for name, entry in header.items() if name != "__metadata__"}


def make(good, out):
    state = {}
    for i, (name, (entry, raw)) in enumerate(sorted(read_safetensors(good).items())):
        tensor = torch.from_numpy(
            np.frombuffer(raw, dtype="<f4").reshape(entry["shape"]).copy())
        state[name] = tensor.to(torch.bfloat16 if i < 2 else
                                torch.float16 if i < 4 else torch.float32)
    state["num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)
    torch.save({"model": state, "step": 12}, out)


def same(pth, path):
    state = torch.load(pth)
    state = state.get("model", state)  # a training script's, or a state_dict
    written = read_safetensors(path)
    names = {n for n, t in state.items() if t.is_floating_point()}
    assert names == set(written), f"names differ: {names ^ set(written)}"
    dtypes = {torch.float32: "F32", torch.float16: "F16",
              torch.bfloat16: "BF16"}
    for name in sorted(names):
        tensor, (entry, raw) = state[name], written[name]
        assert entry["dtype"] == dtypes[tensor.dtype], name
        assert entry["shape"] == list(tensor.shape), name
        bits = tensor.view(torch.int16) if tensor.dtype == torch.bfloat16 else tensor
        assert raw == bits.numpy().tobytes(), f"{name}: bits differ"
    print(f"{len(names)} tensors as torch saved them")


if __name__ == "__main__":
    {"make": make, "same": same}[sys.argv[1]](*sys.argv[2:4])
