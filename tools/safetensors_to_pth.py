#!/usr/bin/env python3
"""A safetensors file (alexc's `export`) as a PyTorch state_dict file.

  python3 tools/safetensors_to_pth.py IN.safetensors OUT.pth

Every tensor keeps its name and dtype (F32, F16, BF16, F64); with
`export --names pytorch` the names are the model's PyTorch names, so

  model.load_state_dict(torch.load("OUT.pth"))

takes the file as it is. OUT is written to a temporary file and renamed,
so an existing file is never left half-written. Needs torch
(python3-torch); the safetensors package is not needed. The reverse is
tools/pth_to_safetensors.py.
"""
import io
import sys

from safetensors_io import (NUMPY_DTYPES, SafetensorsError, read_safetensors,
                            write_atomically)


def fail(message):
    print(f"safetensors_to_pth: error: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: safetensors_to_pth.py IN.safetensors OUT.pth")
    source, target = sys.argv[1:]
    try:
        import numpy as np
        import torch
    except ImportError:
        fail("needs torch (apt install python3-torch)")
    try:
        tensors = read_safetensors(source)
    except SafetensorsError as error:
        fail(str(error))
    state = {}
    for name, (dtype, shape, data) in tensors.items():
        if dtype not in NUMPY_DTYPES:
            fail(f"tensor '{name}' is {dtype}; expected F32, F16, BF16 or F64")
        array = np.frombuffer(data, dtype=NUMPY_DTYPES[dtype]).reshape(shape)
        tensor = torch.from_numpy(array.copy())
        if dtype == "BF16":  # the 16-bit patterns, as bfloat16
            tensor = tensor.view(torch.bfloat16)
        state[name] = tensor
    if not state:
        fail(f"'{source}' holds no tensor")
    buffer = io.BytesIO()
    torch.save(state, buffer)
    try:
        write_atomically(target, [buffer.getvalue()])
    except SafetensorsError as error:
        fail(str(error))
    print(f"wrote {len(state)} tensors to {target}")


if __name__ == "__main__":
    main()
