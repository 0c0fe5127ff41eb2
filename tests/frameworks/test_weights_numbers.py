"""`bnport weights` end to end: a torch network's checkpoint, converted, loads into the MindSpore network
whose BatchNorm code bnport rewrote, with nothing missing and nothing unexpected, and computes the same.

The network's BatchNorm layers are built by one function, ``build(self, ...)``, written for torch.
Torch runs it as written; MindSpore runs bnport's rewrite of it (``convert_file``), with the layers
bnport does not convert (Conv2d, Conv3d, Dense, SequentialCell, CellList) passed in by hand. So the
MindSpore network has exactly the names bnport's code produces: BatchNorm1d/2d/3d, SyncBatchNorm,
affine=False, a ModuleList of Sequentials, and a BatchNorm3d whose entries sit under ``bn2d.``.
"""

import json
import os

import numpy as np
import pytest
import torch
from click.testing import CliRunner

import mindspore as ms
from harness import TOLERANCE, convert
from bnport.cli import main

TORCH_SOURCE = '''\
import torch.nn as nn


def build(self, conv2d, conv3d, linear, sequential=nn.Sequential, module_list=nn.ModuleList):
    self.stem = conv2d(3, 8)
    self.bn1 = nn.BatchNorm2d(8, momentum=0.2)
    self.frozen = nn.BatchNorm2d(8, affine=False)
    self.sync = nn.SyncBatchNorm(8, eps=1e-3)
    self.blocks = module_list([sequential(conv2d(8, 8), nn.BatchNorm2d(8)) for _ in range(2)])
    self.video = conv3d(8, 4)
    self.bn3 = nn.BatchNorm3d(4, eps=1e-4)
    self.head = sequential(linear(4, 6), nn.BatchNorm1d(6))
'''


def _namespace(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<model>", "exec"), namespace)
    return namespace


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        _namespace(TORCH_SOURCE)["build"](
            self,
            conv2d=lambda i, o: torch.nn.Conv2d(i, o, 3, padding=1),
            conv3d=lambda i, o: torch.nn.Conv3d(i, o, (1, 3, 3), padding=(0, 1, 1)),
            linear=torch.nn.Linear,
        )

    def forward(self, x):
        x = torch.relu(self.bn1(self.stem(x)))
        x = self.sync(self.frozen(x))
        for block in self.blocks:
            x = torch.relu(block(x)) + x
        x = self.bn3(self.video(x.unsqueeze(2)))
        return self.head(x.mean(dim=(2, 3, 4)))


class MindSporeNet(ms.nn.Cell):
    def __init__(self, converted: str):
        super().__init__()
        _namespace(converted)["build"](
            self,
            conv2d=lambda i, o: ms.nn.Conv2d(i, o, 3, pad_mode="pad", padding=1, has_bias=True),
            conv3d=lambda i, o: ms.nn.Conv3d(i, o, (1, 3, 3), pad_mode="pad", padding=(0, 0, 1, 1, 1, 1), has_bias=True),
            linear=ms.nn.Dense,
            sequential=lambda *cells: ms.nn.SequentialCell(list(cells)),
            module_list=lambda cells: ms.nn.CellList(list(cells)),
        )

    def construct(self, x):
        x = ms.ops.relu(self.bn1(self.stem(x)))
        x = self.sync(self.frozen(x))
        for block in self.blocks:
            x = ms.ops.relu(block(x)) + x
        x = self.bn3(self.video(x.unsqueeze(2)))
        return self.head(x.mean(axis=(2, 3, 4)))


@pytest.fixture(scope="module")
def converted_source():
    return convert(TORCH_SOURCE)


@pytest.fixture(scope="module")
def torch_net():
    torch.manual_seed(0)
    net = TorchNet()
    with torch.no_grad():  # statistics and affine parameters far from their defaults, so a lost entry shows
        for module in net.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c))
                module.running_var.copy_(torch.rand(c) + 0.5)
                if module.affine:
                    module.weight.copy_(torch.rand(c) + 0.5)
                    module.bias.copy_(torch.randn(c))
    return net.eval()


def _input():
    return np.random.default_rng(3).normal(size=(2, 3, 6, 6)).astype(np.float32)


def _save(net, tmp_path, kind: str) -> str:
    if kind == "pt_dataparallel":
        path = tmp_path / "model.pt"
        torch.save(torch.nn.DataParallel(net).state_dict(), path)
    elif kind == "pt_training_checkpoint":
        path = tmp_path / "checkpoint.pth"
        torch.save({"model_state_dict": net.state_dict(), "epoch": 7, "optimizer": {"lr": 0.1}}, path)
    elif kind == "safetensors":
        from safetensors.torch import save_file

        path = tmp_path / "model.safetensors"
        save_file(dict(net.state_dict()), str(path))
    else:
        raise AssertionError(kind)
    return str(path)


def _bnport(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["weights", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _load_and_compare(net_ms, out: str, torch_net):
    fmt = "ckpt" if out.endswith(".ckpt") else "safetensors"
    params = ms.load_checkpoint(out, format=fmt)
    not_loaded, unused = ms.load_param_into_net(net_ms, params, strict_load=True)
    assert not_loaded == [] and unused == [], (not_loaded, unused)
    net_ms.set_train(False)
    x = _input()
    with torch.no_grad():
        expected = torch_net(torch.from_numpy(x)).numpy()
    actual = net_ms(ms.Tensor(x)).asnumpy()
    difference = float(np.max(np.abs(expected - actual)))
    assert difference <= TOLERANCE, difference
    return difference


CASES = {
    # name: (how torch saved it, how the BatchNorm3d is told, output)
    "pt_dataparallel_source": ("pt_dataparallel", "source", "out.safetensors"),
    "safetensors_source": ("safetensors", "source", "out.safetensors"),
    "training_checkpoint_bn3d_flag_ckpt": ("pt_training_checkpoint", "bn3d", "out.ckpt"),
    "pt_dataparallel_expect": ("pt_dataparallel", "expect", "out.safetensors"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_checkpoint_loads_completely_and_computes_what_torch_computes(name, tmp_path, torch_net,
                                                                                converted_source):
    saved, decided, out_name = CASES[name]
    checkpoint = _save(torch_net, tmp_path, saved)
    net_ms = MindSporeNet(converted_source)
    out = tmp_path / out_name
    options = []
    if decided == "source":
        (tmp_path / "src").mkdir()
        (tmp_path / "src" / "model.py").write_text(TORCH_SOURCE)
        options = ["--source", tmp_path / "src"]
    elif decided == "bn3d":
        options = ["--bn3d", "bn3"]
    elif decided == "expect":
        names = tmp_path / "names.txt"
        names.write_text("\n".join(p.name for p in net_ms.get_parameters()) + "\n")
        options = ["--expect", names]
    code, output = _bnport(checkpoint, "-o", out, *options, "--output-format", "json")
    assert code == 0, output
    report = json.loads(output)
    layers = {layer["prefix"]: layer for layer in report["layers"]}
    assert layers["bn3"]["attribute_path"] == "bn2d" and layers["bn3"]["decided_by"].startswith(f"--{decided}")
    assert set(layers) == {"bn1", "frozen", "sync", "blocks.0.1", "blocks.1.1", "bn3", "head.1"}
    assert {a["key"] for a in report["added"]} == {"frozen.gamma", "frozen.beta"}
    assert len(report["dropped"]) == 7  # one num_batches_tracked per layer
    if decided == "expect":
        assert report["expect"] == {"missing": [], "unexpected": []}
    _load_and_compare(net_ms, str(out), torch_net)


def test_without_conversion_the_checkpoint_does_not_load(tmp_path, torch_net, converted_source):
    """The comparison can fail: torch's own names leave MindSpore's BatchNorm parameters unloaded."""
    from safetensors.torch import save_file

    path = tmp_path / "raw.safetensors"
    save_file(dict(torch_net.state_dict()), str(path))
    not_loaded, unused = ms.load_param_into_net(MindSporeNet(converted_source), ms.load_checkpoint(str(path), format="safetensors"))
    assert "bn1.gamma" in not_loaded and "bn3.bn2d.moving_mean" in not_loaded


def test_a_bn3d_left_undecided_is_a_warning_and_does_not_load(tmp_path, torch_net, converted_source):
    checkpoint = _save(torch_net, tmp_path, "pt_dataparallel")
    out = tmp_path / "out.safetensors"
    code, output = _bnport(checkpoint, "-o", out)
    assert code == 1, output
    assert "warning: 7 BatchNorm layer(s) undecided: the checkpoint holds 5-D tensors" in output
    not_loaded, unused = ms.load_param_into_net(MindSporeNet(converted_source),
                                                ms.load_checkpoint(str(out), format="safetensors"))
    assert "bn3.bn2d.gamma" in not_loaded and "bn3.gamma" in unused


def test_bfloat16_and_float16_checkpoints_load_into_mindspore_unchanged(tmp_path):
    torch.manual_seed(1)
    state = {
        "bn.weight": torch.rand(5, dtype=torch.bfloat16) + 0.5,
        "bn.bias": torch.randn(5, dtype=torch.bfloat16),
        "bn.running_mean": torch.randn(5, dtype=torch.bfloat16),
        "bn.running_var": torch.rand(5, dtype=torch.bfloat16) + 0.5,
        "bn.num_batches_tracked": torch.tensor(3),
        "half.running_mean": torch.randn(4, dtype=torch.float16),
        "half.running_var": torch.rand(4, dtype=torch.float16) + 0.5,
        "fc.weight": torch.randn(3, 5, dtype=torch.bfloat16),
    }
    torch.save(state, tmp_path / "m.pt")
    for out_name in ("out.safetensors", "out.ckpt"):
        out = tmp_path / out_name
        code, output = _bnport(tmp_path / "m.pt", "-o", out)
        assert code == 0, output
        loaded = ms.load_checkpoint(str(out), format="ckpt" if out_name.endswith(".ckpt") else "safetensors")
        for old, new in (("bn.weight", "bn.gamma"), ("bn.running_var", "bn.moving_variance"), ("fc.weight", "fc.weight")):
            assert loaded[new].dtype == ms.bfloat16
            assert np.array_equal(loaded[new].float().asnumpy(), state[old].float().numpy())
        assert loaded["half.moving_mean"].dtype == ms.float16
        assert np.array_equal(loaded["half.moving_mean"].asnumpy(), state["half.running_mean"].numpy())
        assert loaded["half.gamma"].dtype == ms.float16 and np.all(loaded["half.gamma"].asnumpy() == 1)
        assert "bn.num_batches_tracked" not in loaded
