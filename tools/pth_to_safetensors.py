#!/usr/bin/env python3
"""A PyTorch checkpoint as a safetensors file that alexc's `import` reads.

  python3 tools/pth_to_safetensors.py MODEL.pth OUT.safetensors

MODEL.pth is what torch.save wrote: a state_dict, or a dict holding one
under "state_dict" or "model" (as training scripts often save). Every
floating-point tensor is written under its own name (features.0.weight,
...) in its own dtype (F32, F16, BF16 or F64; `import` converts to fp32);
integer buffers such as BatchNorm's num_batches_tracked are counters, not
parameters, and are left out by name. OUT is written to a temporary file
and renamed, so an existing file is never left half-written. Needs torch
(python3-torch); the safetensors package is not needed.
"""
import json
import struct
import sys

from safetensors_io import SafetensorsError, write_atomically

DTYPES = {"float32": "F32", "float16": "F16", "bfloat16": "BF16",
          "float64": "F64"}


def fail(message):
    print(f"pth_to_safetensors: error: {message}", file=sys.stderr)
    sys.exit(1)


def state_dict_of(checkpoint):
    for key in ("state_dict", "model"):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    if isinstance(checkpoint, dict):
        return checkpoint
    fail("the file holds a " + type(checkpoint).__name__ +
         ", not a state_dict (save model.state_dict())")


def raw_bytes(torch, tensor):
    """The tensor's little-endian bytes, bfloat16 as its 16-bit pattern."""
    tensor = tensor.detach().cpu().contiguous()
    if tensor.dtype == torch.bfloat16:
        tensor = tensor.view(torch.int16)
    array = tensor.numpy()
    return array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()


def main():
    if len(sys.argv) != 3:
        fail("usage: pth_to_safetensors.py MODEL.pth OUT.safetensors")
    source, target = sys.argv[1:]
    try:
        import torch
    except ImportError:
        fail("needs torch (apt install python3-torch)")
    try:
        # Tensors and plain containers only: no code from the file runs.
        checkpoint = torch.load(source, map_location="cpu", weights_only=True)
    except Exception as error:  # pickle's errors have no common base
        fail(f"cannot read '{source}' as a PyTorch checkpoint: {error}")
    header, parts, offset, skipped = {}, [], 0, []
    for name, tensor in state_dict_of(checkpoint).items():
        if not torch.is_tensor(tensor):
            fail(f"'{name}' is a {type(tensor).__name__}, not a tensor")
        dtype = DTYPES.get(str(tensor.dtype).replace("torch.", ""))
        if dtype is None:
            skipped.append(f"{name} ({str(tensor.dtype).replace('torch.', '')})")
            continue
        data = raw_bytes(torch, tensor)
        header[name] = {"dtype": dtype, "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        parts.append(data)
        offset += len(data)
    if not header:
        fail(f"'{source}' holds no floating-point tensor")
    text = json.dumps(header, ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    try:
        write_atomically(target, [struct.pack("<Q", len(text)) + text] + parts)
    except SafetensorsError as error:
        fail(str(error))
    counts = {}
    for entry in header.values():
        counts[entry["dtype"]] = counts.get(entry["dtype"], 0) + 1
    kinds = ", ".join(f"{n} {d}" for d, n in sorted(counts.items()))
    print(f"wrote {len(header)} tensors ({kinds}) to {target}" +
          (f"; left out {', '.join(skipped)}" if skipped else ""))


if __name__ == "__main__":
    main()
