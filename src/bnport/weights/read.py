"""Open a checkpoint without running anything in it, and hand out its tensors one at a time.

- torch files (``.pt``, ``.pth``, ``.bin``: a zip archive, or the legacy pickle) are read with
  ``torch.load(weights_only=True, mmap=True)``: the restricted unpickler builds only tensors and
  plain containers, and a file that needs anything else is refused (no code in it runs). The zip
  format is memory-mapped; the legacy one cannot be and is read into memory (reported).
- safetensors files are parsed here (an 8-byte little-endian header length, a JSON header, raw
  bytes) and memory-mapped: no torch, no numpy, and bfloat16 is just bytes.

Each entry's bytes are fetched when the writer asks for them, and afterwards the pages of the
mapping are given back to the kernel (``madvise(MADV_DONTNEED)``; only pages that are part of the
input file's own mapping, which are never written, so they are re-read from the file if needed
again): peak memory stays near the largest tensor however large the file.

The usual containers are unwrapped (a bare state_dict, ``{"state_dict": ...}``, ``{"model": ...}``,
``{"model_state_dict": ...}``), and a ``module.`` prefix on every key (DataParallel/DDP) is stripped;
both are reported.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from math import prod

from bnport.weights.model import Finding, WeightsError

# safetensors dtype codes and their sizes in bytes
DTYPE_SIZES = {
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "F8_E4M3": 1, "F8_E5M2": 1,
    "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1,
}
_TORCH_DTYPES = {
    "torch.float64": "F64", "torch.float32": "F32", "torch.float16": "F16", "torch.bfloat16": "BF16",
    "torch.float8_e4m3fn": "F8_E4M3", "torch.float8_e5m2": "F8_E5M2",
    "torch.int64": "I64", "torch.int32": "I32", "torch.int16": "I16", "torch.int8": "I8",
    "torch.uint64": "U64", "torch.uint32": "U32", "torch.uint16": "U16", "torch.uint8": "U8", "torch.bool": "BOOL",
}
CONTAINERS = ("state_dict", "model_state_dict", "model")  # keys a training script wraps its state_dict in
PARALLEL_PREFIX = "module."  # torch.nn.DataParallel / DistributedDataParallel
MAX_HEADER = 100 * 1024 * 1024  # the safetensors library's own limit
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(eq=False)
class Entry:
    """One tensor of the checkpoint: its name, safetensors dtype code and shape, and its bytes on demand."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    _fetch: Callable[[], memoryview | bytes]
    _release: Callable[[], None] = lambda: None
    span: tuple[str, int] | None = None  # (file, offset) where these very bytes lie: the writer may copy in-kernel

    @property
    def nbytes(self) -> int:
        return prod(self.shape) * DTYPE_SIZES[self.dtype]

    def read(self) -> memoryview | bytes:
        """The raw bytes (C order, little-endian). Release a memoryview before the checkpoint closes."""
        return self._fetch()

    def release(self) -> None:
        """Give the pages this tensor occupied back to the kernel (they are re-read if needed again)."""
        self._release()


@dataclass(eq=False)
class Checkpoint:
    path: str
    format: str  # "torch" | "safetensors"
    entries: list[Entry]
    container: str | None = None  # the key the state_dict was found under
    stripped: str | None = None  # the prefix removed from every key
    memory_mapped: bool = True
    findings: list[Finding] = field(default_factory=list)
    _close: Callable[[], None] = lambda: None

    def close(self) -> None:
        self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def open_checkpoint(path: str) -> Checkpoint:
    """Read a torch or safetensors checkpoint (told apart by content, not by suffix)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except IsADirectoryError:
        raise WeightsError(f"{path}: is a directory, not a checkpoint file") from None
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such file") from None
    except OSError as exc:
        raise WeightsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if _looks_like_safetensors(head):
        checkpoint = _read_safetensors(path)
    elif head.startswith(_ZIP_MAGIC) or head[:1] == b"\x80":  # a zip archive, or a pickle (protocol 2+)
        checkpoint = _read_torch(path, zipped=head.startswith(_ZIP_MAGIC))
    else:
        raise WeightsError(f"{path}: not a PyTorch checkpoint (zip or pickle) nor a safetensors file")
    _strip_parallel_prefix(checkpoint)
    if not checkpoint.entries:
        checkpoint.close()
        raise WeightsError(f"{path}: holds no tensors")
    return checkpoint


def _looks_like_safetensors(head: bytes) -> bool:
    return len(head) >= 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] < MAX_HEADER


# -- safetensors ----------------------------------------------------------------------------------

def _read_safetensors(path: str) -> Checkpoint:
    f = open(path, "rb")
    try:
        size = os.fstat(f.fileno()).st_size
        (length,) = struct.unpack("<Q", f.read(8))
        if length > size - 8:
            raise WeightsError(f"{path}: not a valid safetensors file: its header is longer than the file")
        try:
            header = json.loads(f.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WeightsError(f"{path}: not a valid safetensors file: header: {exc}") from None
        if not isinstance(header, dict):
            raise WeightsError(f"{path}: not a valid safetensors file: the header is not a JSON object")
        header.pop("__metadata__", None)
        base = 8 + length
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size > base else None
    except BaseException:
        f.close()
        raise
    entries = []
    for name, info in header.items():
        dtype, shape, begin, end = _header_entry(path, name, info)
        if base + end > size:
            _close_all(mapped, f)
            raise WeightsError(f"{path}: not a valid safetensors file: {name}: its data lies beyond the end of the file")
        entries.append(Entry(name, dtype, shape, _slice(mapped, base + begin, base + end),
                             _drop_pages(mapped, base + begin, base + end), (path, base + begin)))
    return Checkpoint(path, "safetensors", entries, _close=lambda: _close_all(mapped, f))


def _header_entry(path: str, name: str, info) -> tuple[str, tuple[int, ...], int, int]:
    def bad(why: str):
        raise WeightsError(f"{path}: not a valid safetensors file: {name}: {why}")

    if not isinstance(info, dict):
        bad("expected an object with dtype, shape and data_offsets")
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if dtype not in DTYPE_SIZES:
        bad(f"unknown dtype {dtype!r}")
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        bad(f"bad shape {shape!r}")
    if (not isinstance(offsets, list) or len(offsets) != 2 or not all(isinstance(n, int) for n in offsets)
            or not 0 <= offsets[0] <= offsets[1]):
        bad(f"bad data_offsets {offsets!r}")
    if offsets[1] - offsets[0] != prod(shape) * DTYPE_SIZES[dtype]:
        bad(f"data_offsets {offsets} do not hold a {dtype} tensor of shape {shape}")
    return dtype, tuple(shape), offsets[0], offsets[1]


def _slice(mapped, begin: int, end: int):
    if begin == end:
        return lambda: b""
    return lambda: memoryview(mapped)[begin:end]


_PAGE = mmap.PAGESIZE


def _drop_pages(mapped, begin: int, end: int):
    if mapped is None or begin == end or not hasattr(mmap, "MADV_DONTNEED"):
        return lambda: None
    start = begin - begin % _PAGE

    def release():
        try:
            mapped.madvise(mmap.MADV_DONTNEED, start, end - start)
        except (OSError, ValueError):
            pass  # only memory is at stake, never the data

    return release


def _close_all(mapped, f) -> None:
    if mapped is not None:
        mapped.close()
    f.close()


# -- torch ----------------------------------------------------------------------------------------

def _read_torch(path: str, zipped: bool) -> Checkpoint:
    try:
        import torch
    except ImportError:
        raise WeightsError(f'{path}: reading a PyTorch checkpoint needs torch: pip install "bnport[torch]" '
                           "(or convert it to .safetensors first)") from None
    import pickle

    findings = []
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True, mmap=zipped)
    except pickle.UnpicklingError as exc:
        message = str(exc)
        if message.startswith("Weights only load failed"):
            raise WeightsError(f"{path}: refused: the checkpoint holds more than tensors ({_blocked(message)}); "
                               "loading it would need a full unpickle, which can run code from the file. bnport "
                               "reads tensors only (torch.load weights_only=True): save the model's state_dict() "
                               "instead") from None
        raise WeightsError(f"{path}: cannot read: {_first_line(message)}") from None
    except Exception as exc:  # torch reports a damaged archive as RuntimeError, a short file as EOFError, ...
        raise WeightsError(f"{path}: cannot read: {_first_line(str(exc)) or type(exc).__name__}") from None
    if not zipped:
        findings.append(Finding("info", None, "legacy (pre-1.6) torch format: it cannot be memory-mapped, so the "
                                              "whole file is read into memory"))
    state, container, ignored = _unwrap(path, loaded, torch.Tensor)
    if ignored:
        findings.append(Finding("info", None, f"state_dict found under {container!r}; other top-level entries "
                                              f"ignored: {', '.join(map(str, ignored))}"))
    elif container:
        findings.append(Finding("info", None, f"state_dict found under {container!r}"))
    regions = _file_regions(path) if zipped else []
    entries = []
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            findings.append(Finding("info", str(name), f"not a tensor ({type(value).__name__}): left out"))
            continue
        problem = _unsupported(value, torch)
        if problem:
            findings.append(Finding("warning", name, f"{problem}: cannot be written to safetensors; left out"))
            continue
        entries.append(Entry(name, _TORCH_DTYPES[str(value.dtype)], tuple(value.shape), _torch_bytes(value, torch),
                             _torch_release(value, regions), _torch_span(path, value, regions)))
    return Checkpoint(path, "torch", entries, container=container, memory_mapped=zipped, findings=findings)


def _unwrap(path: str, loaded, tensor_type) -> tuple[dict, str | None, list]:
    """The state_dict in what torch.load returned: itself, or under one of the usual container keys."""
    if not isinstance(loaded, dict):
        raise WeightsError(f"{path}: holds a {type(loaded).__name__}, not a state_dict (a dict of tensors)")
    if _is_state_dict(loaded, tensor_type):
        return loaded, None, []
    for key in CONTAINERS:
        inner = loaded.get(key)
        if isinstance(inner, dict) and _is_state_dict(inner, tensor_type):
            return inner, key, [k for k in loaded if k != key]
    keys = ", ".join(map(repr, list(loaded)[:8]))
    raise WeightsError(f"{path}: no state_dict found: expected a dict of tensors, or one under "
                       f"{', '.join(map(repr, CONTAINERS))}; its top-level keys are {keys}")


def _is_state_dict(value: dict, tensor_type) -> bool:
    values = list(value.values())
    return (all(isinstance(k, str) for k in value) and any(isinstance(v, tensor_type) for v in values)
            and not any(isinstance(v, dict) for v in values))


def _unsupported(tensor, torch) -> str | None:
    if tensor.layout != torch.strided:
        return f"a {tensor.layout} tensor"
    if tensor.is_quantized:
        return "a quantized tensor"
    if str(tensor.dtype) not in _TORCH_DTYPES:
        return f"dtype {tensor.dtype} has no safetensors code"
    return None


def _torch_bytes(tensor, torch):
    def fetch():
        if tensor.numel() == 0:
            return b""
        flat = tensor.detach().resolve_conj().resolve_neg().contiguous().reshape(-1)
        return memoryview(flat.view(torch.uint8).numpy())  # any dtype, bfloat16 included, as raw bytes

    return fetch


def _in_file(tensor, regions):
    """The mapping of the input file that holds all of a contiguous tensor's bytes, if any."""
    if not regions or tensor.numel() == 0 or not tensor.is_contiguous():
        return None
    begin = tensor.data_ptr()
    end = begin + tensor.numel() * tensor.element_size()
    return next(((low, high, offset) for low, high, offset in regions if low <= begin and end <= high), None)


def _torch_span(path: str, tensor, regions):
    """Where a memory-mapped tensor's bytes lie in the file. torch maps the file privately and, on a
    little-endian machine, never writes to it, so those bytes are the tensor's."""
    region = _in_file(tensor, regions)
    if region is None or sys.byteorder != "little":
        return None
    low, _, offset = region
    return path, offset + tensor.data_ptr() - low


def _torch_release(tensor, regions: list[tuple[int, int, int]]):
    """Drop the pages of a tensor that lies inside the input file's own mapping, and only then."""
    if _in_file(tensor, regions) is None:
        return lambda: None
    begin = tensor.data_ptr()
    end = begin + tensor.numel() * tensor.element_size()
    madvise = _libc_madvise()
    if madvise is None:
        return lambda: None
    start = begin - begin % _PAGE
    return lambda: madvise(start, end - start, 4)  # MADV_DONTNEED


def _file_regions(path: str) -> list[tuple[int, int, int]]:
    """(start, end, file offset) where this process maps ``path`` (Linux /proc/self/maps; elsewhere none)."""
    real = os.path.realpath(path)
    try:
        with open("/proc/self/maps") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return []
    regions = []
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5] == real:
            low, high = parts[0].split("-")
            regions.append((int(low, 16), int(high, 16), int(parts[2], 16)))
    return regions


def _libc_madvise():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        madvise = libc.madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    return madvise


def _blocked(message: str) -> str:
    for line in message.splitlines():
        if "GLOBAL" in line or "Unsupported" in line:
            return line.strip().rstrip(".")
    return "an object the restricted unpickler does not allow"


def _first_line(message: str) -> str:
    return next((line.strip() for line in message.splitlines() if line.strip()), "")


# -- both -----------------------------------------------------------------------------------------

def _strip_parallel_prefix(checkpoint: Checkpoint) -> None:
    names = [entry.name for entry in checkpoint.entries]
    if names and all(name.startswith(PARALLEL_PREFIX) for name in names):
        for entry in checkpoint.entries:
            entry.name = entry.name[len(PARALLEL_PREFIX):]
        checkpoint.stripped = PARALLEL_PREFIX
        checkpoint.findings.append(Finding("info", None, f"the prefix {PARALLEL_PREFIX!r} of every key "
                                                         "(DataParallel/DistributedDataParallel) was stripped"))
