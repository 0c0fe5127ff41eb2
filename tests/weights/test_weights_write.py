"""weights/write.py: the streamed safetensors file, atomic and never clobbering, and .ckpt."""

import os
import struct

import numpy as np
import pytest

from bnport.weights.model import WeightsError
from bnport.weights.write import safetensors_header, write


class Item:
    def __init__(self, name, array, dtype="F32"):
        self.name, self.array, self.dtype = name, array, dtype
        self.shape = array.shape
        self.nbytes = array.nbytes
        self.reads = self.releases = 0

    def read(self):
        self.reads += 1
        return memoryview(self.array).cast("B")

    def release(self):
        self.releases += 1


def _items():
    return [Item("a.gamma", np.arange(3, dtype=np.float32)), Item("b", np.ones((2, 5), np.float32)),
            Item("c", np.zeros((0,), np.float32)), Item("s", np.array(7, np.int64), "I64")]


def test_output_is_a_safetensors_file_the_library_reads(tmp_path):
    from safetensors import safe_open

    items = _items()
    written = write(str(tmp_path / "o.safetensors"), items, metadata={"format": "ms"})
    assert written.tensors == 4 and written.bytes == os.path.getsize(tmp_path / "o.safetensors")
    with safe_open(str(tmp_path / "o.safetensors"), "numpy") as f:
        assert f.metadata() == {"format": "ms"}
        for item in items:
            assert np.array_equal(f.get_tensor(item.name), item.array)
    assert all(item.reads == 1 and item.releases == 1 for item in items)  # one tensor at a time, each once


def test_header_is_padded_to_eight_bytes_and_data_follows_it(tmp_path):
    header = safetensors_header(_items(), {})
    assert len(header) % 8 == 0
    write(str(tmp_path / "o.safetensors"), _items())
    data = (tmp_path / "o.safetensors").read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    assert length % 8 == 0 and data[8 + length:8 + length + 12] == np.arange(3, dtype=np.float32).tobytes()


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(tmp_path):
    out = tmp_path / "o.safetensors"
    out.write_bytes(b"precious")
    with pytest.raises(WeightsError, match="exists; pass --force"):
        write(str(out), _items())
    assert out.read_bytes() == b"precious" and os.listdir(tmp_path) == ["o.safetensors"]
    write(str(out), _items(), force=True)
    assert out.read_bytes() != b"precious" and os.listdir(tmp_path) == ["o.safetensors"]


def test_a_failure_midway_leaves_nothing_behind(tmp_path):
    items = _items()
    items[1].nbytes += 4  # reads fewer bytes than its header promised
    with pytest.raises(WeightsError, match="read 40 bytes, expected 44"):
        write(str(tmp_path / "o.safetensors"), items)
    assert os.listdir(tmp_path) == []


def test_the_file_gets_ordinary_permissions(tmp_path):
    write(str(tmp_path / "o.safetensors"), _items())
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "o.safetensors").stat().st_mode & 0o777 == 0o666 & ~umask


def test_ckpt_through_mindspore(tmp_path):
    import mindspore as ms

    items = [item for item in _items() if item.name != "c"]
    written = write(str(tmp_path / "o.ckpt"), items)
    assert written.format == "ckpt"
    loaded = ms.load_checkpoint(str(tmp_path / "o.ckpt"))
    for item in items:
        assert np.array_equal(loaded[item.name].asnumpy(), item.array)
    assert [p for p in os.listdir(tmp_path)] == ["o.ckpt"]


def test_ckpt_refuses_a_tensor_without_elements_which_mindspore_would_drop(tmp_path):
    with pytest.raises(WeightsError, match="c has no elements"):
        write(str(tmp_path / "o.ckpt"), _items())
    assert os.listdir(tmp_path) == []


class SpanItem(Item):
    def __init__(self, name, array, path, offset):
        super().__init__(name, array)
        self.span = (str(path), offset)


def _span_items(tmp_path):
    source = tmp_path / "in.bin"
    arrays = [np.arange(5, dtype=np.float32), np.full((3, 3), 2.5, np.float32)]
    source.write_bytes(b"junk" + arrays[0].tobytes() + b"more" + arrays[1].tobytes())
    return [SpanItem("a", arrays[0], source, 4), Item("filled", np.ones(2, np.float32)),
            SpanItem("b", arrays[1], source, 4 + 20 + 4)]


def test_spans_are_copied_in_kernel_without_reading(tmp_path):
    from safetensors.numpy import load_file

    items = _span_items(tmp_path)
    write(str(tmp_path / "o.safetensors"), items)
    assert [item.reads for item in items] == [0, 1, 0]
    loaded = load_file(str(tmp_path / "o.safetensors"))
    assert all(np.array_equal(loaded[item.name], item.array) for item in items)


def test_without_in_kernel_copy_the_bytes_are_read(tmp_path, monkeypatch):
    from safetensors.numpy import load_file

    def unsupported(*args):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "copy_file_range", unsupported, raising=False)
    monkeypatch.setattr(os, "sendfile", unsupported, raising=False)
    items = _span_items(tmp_path)
    write(str(tmp_path / "o.safetensors"), items)
    assert [item.reads for item in items] == [1, 1, 1]
    loaded = load_file(str(tmp_path / "o.safetensors"))
    assert all(np.array_equal(loaded[item.name], item.array) for item in items)


def test_a_span_beyond_the_input_is_an_error(tmp_path):
    items = _span_items(tmp_path)
    items[2].span = (items[2].span[0], 40)  # the input ends after 4 of its 36 bytes
    with pytest.raises(WeightsError, match="ends before offset"):
        write(str(tmp_path / "o.safetensors"), items)
    assert sorted(os.listdir(tmp_path)) == ["in.bin"]
