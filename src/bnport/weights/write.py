"""Write the converted tensors: safetensors streamed one tensor at a time, or a MindSpore .ckpt.

safetensors: the header (dtype, shape and byte offsets of every tensor) depends only on shapes and
dtypes, so it is written first and then each tensor's bytes, fetched and released one at a time:
memory stays near the largest tensor. The header is padded with spaces to a multiple of 8 bytes, as
the safetensors library does, so the data is aligned. MindSpore 2.4+ loads the file with
``mindspore.load_checkpoint(path, format="safetensors")``.

.ckpt: through ``mindspore.save_checkpoint`` (MindSpore must be installed). Its protobuf writer takes
every tensor at once, so this format holds the whole checkpoint in memory. bfloat16 goes through
float32 (exact both ways).

Both are written to a temporary file in the target directory, flushed to disk and then renamed into
place: a reader never sees half a file. Without ``force`` an existing file is never replaced, even
one created while bnport was writing (the rename is a hard link, which fails if the name exists).
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from dataclasses import dataclass

from bnport.weights.model import WeightsError

_NUMPY_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
                 "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}


@dataclass(frozen=True)
class Written:
    path: str
    format: str  # "safetensors" | "ckpt"
    tensors: int
    bytes: int


def output_format(path: str) -> str:
    return "ckpt" if path.lower().endswith(".ckpt") else "safetensors"


def write(path: str, items: list, *, force: bool = False, metadata: dict[str, str] | None = None) -> Written:
    """Write ``items`` (objects with name, dtype, shape, nbytes, read(), release()) to ``path``."""
    if output_format(path) == "ckpt":
        return _write_ckpt(path, items, force)
    return _write_safetensors(path, items, force, metadata or {})


def safetensors_header(items: list, metadata: dict[str, str]) -> bytes:
    header: dict = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for item in items:
        header[item.name] = {"dtype": item.dtype, "shape": list(item.shape), "data_offsets": [offset, offset + item.nbytes]}
        offset += item.nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode()
    return encoded + b" " * (-len(encoded) % 8)


def _write_safetensors(path: str, items: list, force: bool, metadata: dict[str, str]) -> Written:
    header = safetensors_header(items, metadata)
    with _Staged(path, ".tmp", force) as (tmp, _):
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(header)))
            f.write(header)
            total = 8 + len(header)
            for item in items:
                data = item.read()
                size = data.nbytes if isinstance(data, memoryview) else len(data)
                if size != item.nbytes:
                    raise WeightsError(f"{item.name}: read {size} bytes, expected {item.nbytes}; nothing written")
                f.write(data)
                if isinstance(data, memoryview):
                    data.release()
                item.release()
                total += size
            f.flush()
            os.fsync(f.fileno())
    return Written(path, "safetensors", len(items), total)


def _write_ckpt(path: str, items: list, force: bool) -> Written:
    try:
        import mindspore
        import numpy
    except ImportError:
        raise WeightsError("writing .ckpt needs MindSpore (pip install mindspore); or write .safetensors, which "
                           "MindSpore 2.4+ loads with mindspore.load_checkpoint(path, format='safetensors')") from None
    empty = [item.name for item in items if item.nbytes == 0 and item.shape != ()]
    if empty:  # MindSpore's .ckpt writer leaves tensors without elements out, silently (checked: 2.10)
        raise WeightsError(f"{empty[0]} has no elements, and MindSpore's .ckpt cannot hold such a tensor (it is left "
                           "out silently); write .safetensors instead")
    records = []
    for item in items:
        data = item.read()
        raw = bytes(data)
        if isinstance(data, memoryview):
            data.release()
        item.release()
        if item.dtype == "BF16":
            halves = numpy.frombuffer(raw, "<u2").astype(numpy.uint32) << 16
            tensor = mindspore.Tensor(halves.view(numpy.float32).reshape(item.shape)).astype(mindspore.bfloat16)
        elif item.dtype in _NUMPY_DTYPES:
            tensor = mindspore.Tensor(numpy.frombuffer(raw, _NUMPY_DTYPES[item.dtype]).reshape(item.shape).copy())
        else:
            raise WeightsError(f"{item.name}: {item.dtype} tensors cannot be written to .ckpt; write .safetensors")
        records.append({"name": item.name, "data": tensor})
    with _Staged(path, ".ckpt", force) as (tmp, _):
        mindspore.save_checkpoint(records, tmp)
    return Written(path, "ckpt", len(items), os.path.getsize(path))


class _Staged:
    """A temporary file beside ``path``; on success it is moved into place, on failure removed."""

    def __init__(self, path: str, suffix: str, force: bool):
        self.path = path
        self.suffix = suffix
        self.force = force

    def __enter__(self):
        directory = os.path.dirname(os.path.abspath(self.path))
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=self.suffix, dir=directory)
        except OSError as exc:
            raise WeightsError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes it private; a checkpoint is an ordinary file
        return self.tmp, directory

    def __exit__(self, kind, exc, tb):
        try:
            if kind is None:
                self._publish()
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WeightsError):
            raise WeightsError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        return False

    def _publish(self):
        if self.force:
            os.replace(self.tmp, self.path)
            return
        try:
            os.link(self.tmp, self.path)  # fails if the name exists: never replaces a file without --force
        except FileExistsError:
            raise WeightsError(f"{self.path}: exists; pass --force to replace it") from None
        except OSError:  # a filesystem without hard links
            if os.path.exists(self.path):
                raise WeightsError(f"{self.path}: exists; pass --force to replace it") from None
            os.replace(self.tmp, self.path)
