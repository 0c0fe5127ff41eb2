"""Write the converted tensors: safetensors streamed one tensor at a time, or a MindSpore .ckpt.

safetensors: the header (dtype, shape and byte offsets of every tensor) depends only on shapes and
dtypes, so it is written first and then each tensor's bytes, one at a time: copied inside the kernel
from where they lie in the input file when the reader knows (both readers do, for tensors stored
contiguously), else fetched and released: memory stays near the largest tensor. The header is padded with spaces to a multiple of 8 bytes, as
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
    with _Staged(path, ".tmp", force) as (tmp, _), open(tmp, "wb", buffering=0) as f, _Copier() as copier:
        _write_all(f, struct.pack("<Q", len(header)) + header)
        total = 8 + len(header)
        for item in items:
            span = getattr(item, "span", None)
            if not (span and item.nbytes and copier.copy(span, item.nbytes, f.fileno())):
                data = item.read()
                size = data.nbytes if isinstance(data, memoryview) else len(data)
                if size != item.nbytes:
                    raise WeightsError(f"{item.name}: read {size} bytes, expected {item.nbytes}; nothing written")
                _write_all(f, data)
                if isinstance(data, memoryview):
                    data.release()
                item.release()
            total += item.nbytes
        if os.fstat(f.fileno()).st_size != total:
            raise WeightsError(f"{path}: wrote {os.fstat(f.fileno()).st_size} bytes, expected {total}; nothing written")
        os.fsync(f.fileno())
    return Written(path, "safetensors", len(items), total)


def _write_all(f, data) -> None:
    view = memoryview(data).cast("B")
    while view:
        view = view[f.write(view):]


class _Copier:
    """Copy byte ranges of the input file straight into the output, inside the kernel (copy_file_range,
    else sendfile): the bytes never pass through this process, like shutil.copyfile. Any failure
    before a byte is copied falls back to reading the tensor."""

    def __init__(self):
        self.files: dict[str, int] = {}
        self.broken = not (hasattr(os, "copy_file_range") or hasattr(os, "sendfile"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for fd in self.files.values():
            os.close(fd)
        return False

    def copy(self, span: tuple[str, int], count: int, out: int) -> bool:
        if self.broken:
            return False
        source, offset = span
        try:
            if source not in self.files:
                self.files[source] = os.open(source, os.O_RDONLY)
            fd = self.files[source]
            done = self._step(fd, out, offset, count)
        except OSError:
            done = 0
        if done == 0:
            self.broken = True  # not on this system or file system: read instead, from now on
            return False
        while done < count:  # once started, a failure is an error: part of the tensor is written
            step = self._step(fd, out, offset + done, count - done)
            if step == 0:
                raise WeightsError(f"{source}: ends before offset {offset + count}; nothing written")
            done += step
        return True

    @staticmethod
    def _step(fd: int, out: int, offset: int, count: int) -> int:
        if hasattr(os, "copy_file_range"):
            try:
                return os.copy_file_range(fd, out, count, offset)
            except OSError as exc:
                if not hasattr(os, "sendfile") or exc.errno not in (18, 38, 95, 22):  # EXDEV ENOSYS EOPNOTSUPP EINVAL
                    raise
        return os.sendfile(out, fd, offset, count)


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
