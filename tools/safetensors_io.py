"""safetensors files without the safetensors package: what the tools share.

The format: an 8-byte little-endian header length, a JSON header naming
each tensor's dtype, shape and byte range, then the tensors' bytes.
"""
import json
import os
import struct
import tempfile

# numpy's little-endian dtypes of the safetensors dtypes alexc writes or
# reads (BF16 has no numpy dtype: its 16-bit patterns are read as int16).
NUMPY_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "BF16": "<i2"}


class SafetensorsError(Exception):
    """A file that is not a safetensors file, or one that cannot be written."""


def read_safetensors(path):
    """{name: (dtype, shape, bytes)} of the file at `path`, in file order."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise SafetensorsError(f"cannot read '{path}': {error.strerror}")
    if len(data) < 8:
        raise SafetensorsError(f"'{path}' is too short for a safetensors file")
    (size,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8:8 + size])
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise SafetensorsError(f"'{path}' has no safetensors header")
    body = data[8 + size:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape = entry["dtype"], [int(n) for n in entry["shape"]]
            begin, end = (int(n) for n in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise SafetensorsError(
                f"tensor '{name}' in '{path}' has a malformed header entry")
        if not 0 <= begin <= end:
            raise SafetensorsError(
                f"tensor '{name}' in '{path}' has a malformed byte range")
        if end > len(body):
            raise SafetensorsError(f"'{path}' is truncated in tensor '{name}'")
        count = 1
        for n in shape:
            count *= n
        width = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2}.get(dtype)
        if width is not None and count * width != end - begin:
            raise SafetensorsError(
                f"tensor '{name}' in '{path}' has {end - begin} bytes for "
                f"{dtype} of shape {shape}")
        tensors[name] = (dtype, shape, body[begin:end])
    return tensors


def write_atomically(target, chunks):
    """Writes the byte strings `chunks` to a temporary file beside `target`,
    then renames it: an existing file is never left half-written."""
    directory = os.path.dirname(os.path.abspath(target))
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    except OSError as error:
        raise SafetensorsError(
            f"cannot write beside '{target}': {error.strerror}")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp's 0600, as a new file would be under the umask.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, target)
    except OSError as error:
        os.unlink(temporary)
        raise SafetensorsError(f"cannot write '{target}': {error.strerror}")
    except BaseException:
        os.unlink(temporary)
        raise
