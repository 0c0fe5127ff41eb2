"""weights/read.py: containers, prefixes, refusing pickled code, safetensors parsing, lazy bytes."""

import json
import struct
import subprocess
import sys

import numpy as np
import pytest
import torch

from bnport.weights.model import WeightsError
from bnport.weights.read import open_checkpoint

STATE = {"conv.weight": torch.randn(4, 3, 3, 3), "bn.running_mean": torch.randn(4), "bn.running_var": torch.rand(4),
         "bn.num_batches_tracked": torch.tensor(5)}


def _names(path):
    with open_checkpoint(str(path)) as checkpoint:
        return [e.name for e in checkpoint.entries], checkpoint


@pytest.mark.parametrize("wrap, container", [
    (lambda s: s, None),
    (lambda s: {"state_dict": s, "epoch": 3}, "state_dict"),
    (lambda s: {"model": s, "optimizer": {"state": {}}}, "model"),
    (lambda s: {"model_state_dict": s}, "model_state_dict"),
])
def test_usual_containers_are_unwrapped(tmp_path, wrap, container):
    torch.save(wrap(STATE), tmp_path / "m.pt")
    names, checkpoint = _names(tmp_path / "m.pt")
    assert names == list(STATE) and checkpoint.container == container and checkpoint.format == "torch"
    assert checkpoint.memory_mapped


def test_the_dataparallel_prefix_is_stripped_and_reported(tmp_path):
    torch.save({f"module.{k}": v for k, v in STATE.items()}, tmp_path / "m.pt")
    names, checkpoint = _names(tmp_path / "m.pt")
    assert names == list(STATE) and checkpoint.stripped == "module."
    assert any("module." in f.message for f in checkpoint.findings)


def test_a_prefix_on_only_some_keys_is_kept(tmp_path):
    torch.save({"module.a": torch.ones(1), "b": torch.ones(1)}, tmp_path / "m.pt")
    assert _names(tmp_path / "m.pt")[0] == ["module.a", "b"]


def test_bytes_are_the_tensor_bytes_and_survive_release(tmp_path):
    torch.save(STATE, tmp_path / "m.pt")
    with open_checkpoint(str(tmp_path / "m.pt")) as checkpoint:
        for entry in checkpoint.entries:
            data = bytes(entry.read())
            entry.release()
            assert data == STATE[entry.name].numpy().tobytes() == bytes(entry.read())
            assert entry.nbytes == len(data)


def test_non_contiguous_and_bfloat16_tensors_are_read_in_c_order(tmp_path):
    state = {"t": torch.arange(6, dtype=torch.float32).reshape(2, 3).t(), "b": torch.tensor([1.5, -2.0], dtype=torch.bfloat16)}
    torch.save(state, tmp_path / "m.pt")
    with open_checkpoint(str(tmp_path / "m.pt")) as checkpoint:
        t, b = checkpoint.entries
        assert t.shape == (3, 2) and bytes(t.read()) == state["t"].contiguous().numpy().tobytes()
        assert b.dtype == "BF16" and bytes(b.read()) == state["b"].view(torch.int16).numpy().tobytes()


def test_a_checkpoint_that_would_run_code_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    # The pickle of this object calls os.system when it is unpickled in full.
    script = f"""
import os, torch
class Payload:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))
torch.save({{"bn.running_mean": torch.zeros(2), "hook": Payload()}}, {str(tmp_path / 'evil.pt')!r})
"""
    subprocess.run([sys.executable, "-c", script], check=True)
    assert not marker.exists()
    with pytest.raises(WeightsError) as refused:
        open_checkpoint(str(tmp_path / "evil.pt"))
    assert "refused" in str(refused.value) and "system" in str(refused.value)
    assert not marker.exists()


def test_a_pickled_module_is_refused(tmp_path):
    torch.save(torch.nn.BatchNorm2d(3), tmp_path / "module.pt")
    with pytest.raises(WeightsError, match="refused: the checkpoint holds more than tensors"):
        open_checkpoint(str(tmp_path / "module.pt"))


def test_legacy_format_is_read_without_mmap_and_reported(tmp_path):
    torch.save(STATE, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    names, checkpoint = _names(tmp_path / "old.pt")
    assert names == list(STATE) and not checkpoint.memory_mapped
    assert any("legacy" in f.message for f in checkpoint.findings)


@pytest.mark.parametrize("content, message", [
    (b"hello world, not a checkpoint", "not a PyTorch checkpoint"),
    (b"PK\x03\x04" + b"\0" * 40, "cannot read"),
    (struct.pack("<Q", 10) + b'{"a": 1}  ', "not a valid safetensors file"),
    (struct.pack("<Q", 2) + b"{}", "holds no tensors"),
])
def test_bad_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(WeightsError, match=message) as error:
        open_checkpoint(str(path))
    assert "\n" not in str(error.value)


def test_missing_and_directory_inputs(tmp_path):
    with pytest.raises(WeightsError, match="no such file"):
        open_checkpoint(str(tmp_path / "nope.pt"))
    with pytest.raises(WeightsError, match="is a directory"):
        open_checkpoint(str(tmp_path))


def test_a_dict_without_tensors_names_its_keys(tmp_path):
    torch.save({"epoch": 3, "config": {"lr": 0.1}}, tmp_path / "m.pt")
    with pytest.raises(WeightsError, match="no state_dict found.*'epoch', 'config'"):
        open_checkpoint(str(tmp_path / "m.pt"))


def _safetensors(path, header: dict, data: bytes):
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + data)


def test_safetensors_is_read_without_torch_and_checked(tmp_path):
    from safetensors.numpy import save_file

    arrays = {"bn.running_mean": np.arange(3, dtype=np.float32), "x": np.ones((2, 2), np.float16)}
    save_file(arrays, str(tmp_path / "m.safetensors"), metadata={"format": "pt"})
    code = ("import sys; sys.modules['torch'] = None\nfrom bnport.weights.read import open_checkpoint\n"
            f"c = open_checkpoint({str(tmp_path / 'm.safetensors')!r})\n"
            "print(sorted((e.name, e.dtype, e.shape, bytes(e.read()).hex()) for e in c.entries))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(sorted((k, {"float32": "F32", "float16": "F16"}[str(v.dtype)], v.shape, v.tobytes().hex())
                                     for k, v in arrays.items()))


@pytest.mark.parametrize("info, message", [
    ({"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}, "unknown dtype"),
    ({"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}, "do not hold"),
    ({"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "beyond the end"),
    ({"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}, "bad shape"),
])
def test_safetensors_headers_are_validated(tmp_path, info, message):
    _safetensors(tmp_path / "m.safetensors", {"t": info}, b"\0" * 8)
    with pytest.raises(WeightsError, match=message):
        open_checkpoint(str(tmp_path / "m.safetensors"))


def test_without_torch_a_torch_checkpoint_names_the_extra(tmp_path):
    torch.save(STATE, tmp_path / "m.pt")
    code = ("import sys; sys.modules['torch'] = None\nfrom bnport.weights.read import open_checkpoint\n"
            f"open_checkpoint({str(tmp_path / 'm.pt')!r})")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert 'pip install "bnport[torch]"' in run.stderr


@pytest.mark.parametrize("save", ["torch", "safetensors"])
def test_spans_point_at_the_tensor_bytes_in_the_file(tmp_path, save):
    state = {**STATE, "bf": torch.tensor([1.5, -2.0], dtype=torch.bfloat16), "t": torch.arange(6.0).reshape(2, 3)}
    path = tmp_path / "m.bin"
    if save == "torch":
        state["view"] = torch.arange(12.0).reshape(3, 4).t()  # not contiguous: no span, read instead
        torch.save(state, path)
    else:
        from safetensors.torch import save_file

        save_file(state, str(path))
    data = path.read_bytes()
    with open_checkpoint(str(path)) as checkpoint:
        spans = {}
        for entry in checkpoint.entries:
            expected = bytes(entry.read())
            if entry.span is not None:
                file, offset = entry.span
                assert file == str(path) and data[offset:offset + entry.nbytes] == expected, entry.name
            spans[entry.name] = entry.span
    assert all(spans[name] is not None for name in STATE)
    if save == "torch":
        assert spans["view"] is None
