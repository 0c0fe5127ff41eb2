"""Class references, partial, subclasses, attributes assigned later and F.batch_norm, checked by
running both frameworks: the MindSpore side is always built from bnport's output text."""

import numpy as np
import pytest

from harness import TOLERANCE, MindSporeSide, TorchSide, batches, build, compare_layers, convert, random_state

PRELUDE = """\
from functools import partial
import torch
import torch.nn as nn
C = 3
"""

LAYERS = {
    # name: (module body that defines make(), input shape)
    "partial_momentum_eps": (
        "norm = partial(nn.BatchNorm2d, eps=1e-3, momentum=0.01)\n"
        "def make():\n    return norm(C)\n", (4, 3, 3, 3)),
    "partial_then_call_with_momentum": (
        "norm = partial(nn.BatchNorm2d, eps=1e-3)\n"
        "def make():\n    return norm(C, momentum=0.3)\n", (4, 3, 3, 3)),
    "class_reference_default_called_with_num_features": (
        "def make(norm_layer=nn.BatchNorm2d):\n    return norm_layer(C)\n", (4, 3, 3, 3)),
    "class_reference_or_default": (
        "def make(norm_layer=None):\n    norm_layer = norm_layer or nn.BatchNorm1d\n    return norm_layer(C)\n", (8, 3)),
    "module_alias_called_with_momentum": (
        "BN = nn.BatchNorm2d\n"
        "def make():\n    return BN(C, 1e-4, 0.3)\n", (4, 3, 3, 3)),
    "subclass_super_init": (
        "class TfBatchNorm(nn.BatchNorm2d):\n"
        "    def __init__(self, num_features):\n"
        "        super().__init__(num_features, eps=1e-3, momentum=0.01)\n"
        "def make():\n    return TfBatchNorm(C)\n", (4, 3, 3, 3)),
    "momentum_and_eps_assigned_later": (
        "def make():\n    bn = nn.BatchNorm2d(C)\n    bn.momentum = 0.3\n    bn.eps = 1e-3\n    return bn\n", (4, 3, 3, 3)),
    "momentum_assigned_in_isinstance_loop": (
        "def make():\n    layers = [nn.BatchNorm2d(C)]\n"
        "    for m in layers:\n        if isinstance(m, nn.BatchNorm2d):\n            m.momentum = 0.3\n"
        "    return layers[0]\n", (4, 3, 3, 3)),
    "batchnorm3d_momentum_assigned_later": (
        "def make():\n    bn = nn.BatchNorm3d(C)\n    bn.momentum = 0.3\n    return bn\n", (2, 3, 3, 3, 3)),
    "sync_batchnorm_momentum_assigned_later": (
        "def make():\n    bn = nn.SyncBatchNorm(C, momentum=0.2)\n    bn.momentum = 0.05\n    return bn\n", (4, 3, 3, 3)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_converted_reference_computes_what_torch_computes(name):
    body, shape = LAYERS[name]
    source = PRELUDE + body
    converted = convert(source)
    assert "mindspore.nn." in converted
    differences = compare_layers(build(source), build(converted), shape)
    assert max(differences.values()) <= TOLERANCE, (converted, differences)


def test_assigning_momentum_the_way_the_issue_text_says_is_wrong():
    """`m.momentum = 1 - (x)` alone changes nothing in MindSpore 2.10: the primitive keeps the
    constructor's momentum. So bnport keeps the torch value and updates the primitive instead."""
    import mindspore
    import torch

    reference = torch.nn.BatchNorm2d(3)
    reference.momentum = 0.3
    literal = mindspore.nn.BatchNorm2d(3)
    literal.momentum = 1 - (0.3)
    assert compare_layers(reference, literal, (4, 3, 3, 3))["running_mean"] > 1e-2
    unchanged = mindspore.nn.BatchNorm2d(3)
    unchanged.momentum = 0.3  # right value, but the primitive is not told
    assert compare_layers(reference, unchanged, (4, 3, 3, 3))["running_mean"] > 1e-2


def test_renamed_attributes_read_the_same_numbers():
    source = PRELUDE + (
        "def make():\n    return nn.BatchNorm2d(C, momentum=0.2)\n"
        "def state(m):\n"
        "    if isinstance(m, nn.BatchNorm2d):\n"
        "        return [m.weight, m.bias, m.running_mean, m.running_var, m.momentum, m.eps, m.num_features]\n"
    )
    converted = convert(source)
    assert "m.moving_variance" in converted
    torch_ns, ms_ns = {}, {}
    exec(compile(source, "<torch>", "exec"), torch_ns)
    exec(compile(converted, "<mindspore>", "exec"), ms_ns)
    state = random_state(3)
    sides = [TorchSide(torch_ns["make"](), state), MindSporeSide(ms_ns["make"](), state)]
    for x in batches((4, 3, 3, 3), 2, seed=5):
        for side in sides:
            side.run(x, True)
    torch_values = [_number(v) for v in torch_ns["state"](sides[0].layer)]
    ms_values = [_number(v) for v in ms_ns["state"](sides[1].layer)]
    for got, want in zip(ms_values, torch_values, strict=True):
        assert np.max(np.abs(np.asarray(got) - np.asarray(want))) <= TOLERANCE


def _number(value):
    if hasattr(value, "asnumpy"):
        return value.asnumpy()
    if hasattr(value, "detach"):
        return value.detach().numpy()
    return value


FUNCTIONAL = {
    # name: (call, input shape)
    "all_positional": ("F.batch_norm(x, rm, rv, w, b, training, 0.2, 1e-3)", (4, 3, 3, 3)),
    "keywords": ("F.batch_norm(x, rm, rv, weight=w, bias=b, training=training, momentum=0.3, eps=1e-4)", (4, 3, 3, 3)),
    "weight_bias_none": ("F.batch_norm(x, rm, rv, None, None, training, 0.2)", (4, 3, 3, 3)),
    "weight_bias_absent_input_keyword": ("F.batch_norm(input=x, running_mean=rm, running_var=rv, training=training)", (8, 3)),
    "aten_order": ("torch.batch_norm(x, w, b, rm, rv, training, 0.2, 1e-3, False)", (4, 3, 5)),
    "eps_int_one": ("F.batch_norm(x, rm, rv, w, b, training, 0.2, eps=1)", (4, 3, 3, 3)),  # MindSpore needs 1.0
}


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_batch_norm_matches(name, training):
    import mindspore
    import torch

    call, shape = FUNCTIONAL[name]
    source = (
        "import torch\nimport torch.nn.functional as F\n"
        f"def step(x, rm, rv, w, b, training):\n    return {call}\n"
    )
    converted = convert(source)
    assert "mindspore.ops.batch_norm(" in converted
    torch_step = build_function(source)
    ms_step = build_function(converted)
    state = random_state(shape[1])
    t_rm, t_rv = torch.from_numpy(state["mean"].copy()), torch.from_numpy(state["var"].copy())
    m_rm = mindspore.Parameter(mindspore.Tensor(state["mean"].copy()), name="rm")
    m_rv = mindspore.Parameter(mindspore.Tensor(state["var"].copy()), name="rv")
    t_w, t_b = torch.from_numpy(state["gamma"]), torch.from_numpy(state["beta"])
    m_w, m_b = mindspore.Tensor(state["gamma"]), mindspore.Tensor(state["beta"])
    worst = 0.0
    for x in batches(shape, 3, seed=7):
        want = torch_step(torch.from_numpy(x), t_rm, t_rv, t_w, t_b, training).numpy()
        got = ms_step(mindspore.Tensor(x), m_rm, m_rv, m_w, m_b, training).asnumpy()
        worst = max(worst, np.abs(got - want).max(),
                    np.abs(m_rm.asnumpy() - t_rm.numpy()).max(), np.abs(m_rv.asnumpy() - t_rv.numpy()).max())
    assert worst <= TOLERANCE, (converted, worst)
    if training:
        assert np.abs(t_rm.numpy() - state["mean"]).max() > 1e-2  # the statistics did move


def test_functional_momentum_inverted_would_be_caught():
    """Control: inverting momentum for F.batch_norm (as for the layers) gives other statistics (g-2)."""
    import mindspore
    import torch
    import torch.nn.functional as F

    x = batches((4, 3, 3, 3), 1, seed=3)[0]
    t_rm, t_rv = torch.zeros(3), torch.ones(3)
    F.batch_norm(torch.from_numpy(x), t_rm, t_rv, training=True, momentum=0.2)
    m_rm = mindspore.Parameter(mindspore.Tensor(np.zeros(3, np.float32)), name="rm")
    m_rv = mindspore.Parameter(mindspore.Tensor(np.ones(3, np.float32)), name="rv")
    ones, zeros = mindspore.Tensor(np.ones(3, np.float32)), mindspore.Tensor(np.zeros(3, np.float32))
    mindspore.ops.batch_norm(mindspore.Tensor(x), m_rm, m_rv, ones, zeros, training=True, momentum=1 - 0.2)
    assert np.abs(m_rm.asnumpy() - t_rm.numpy()).max() > 1e-2


def build_function(source: str):
    namespace: dict = {}
    exec(compile(source, "<case>", "exec"), namespace)
    return namespace["step"]
