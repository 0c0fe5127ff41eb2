"""The member table (rules/torch_nn.toml [rule.attributes]): every counterpart bnport writes is
checked by running torch and the converted MindSpore code from the same state; every member it
reports is shown to be reported where it is used."""

import numpy as np
import pytest
import torch

import mindspore as ms

from harness import TOLERANCE, MindSporeSide, TorchSide, batches, build, compare_layers, convert, random_state

from bnport.convert import convert_file
from bnport.rules import load_rules

PRELUDE = "import torch\nimport torch.nn as nn\n"


def _numbers(value):
    if isinstance(value, torch.Tensor):
        return value.detach().numpy()
    if isinstance(value, ms.Tensor):
        return value.asnumpy()
    return np.asarray(value, np.float64)


def run_both(body: str, shape=(4, 3, 5, 5)):
    """`act(bn, x)` from `body`, run on a torch layer and on the converted MindSpore layer (same state,
    both in training mode first); returns (converted source, torch result, MindSpore result, layers)."""
    source = PRELUDE + "def make():\n    return nn.BatchNorm2d(3, momentum=0.2)\n" + body
    converted = convert(source)
    state = random_state(shape[1], 7)
    x = batches(shape, 1, 3)[0]
    torch_namespace, ms_namespace = {}, {}
    exec(compile(source, "<torch>", "exec"), torch_namespace)
    exec(compile(converted, "<mindspore>", "exec"), ms_namespace)
    torch_layer, ms_layer = torch_namespace["make"](), ms_namespace["make"]()
    TorchSide(torch_layer, state).layer.train(True)
    MindSporeSide(ms_layer, state).layer.set_train(True)
    with torch.no_grad():
        torch_result = torch_namespace["act"](torch_layer, torch.from_numpy(x))
    ms_result = ms_namespace["act"](ms_layer, ms.Tensor(x))
    return converted, torch_result, ms_result, (torch_layer, ms_layer)


def assert_same(a, b):
    assert float(np.max(np.abs(_numbers(a).astype(np.float64) - _numbers(b).astype(np.float64)))) <= TOLERANCE


@pytest.mark.parametrize("call, written", [
    ("bn.eval()", "bn.set_train(False)"),
    ("bn.train(False)", "bn.set_train(False)"),
    ("bn.train(mode=False)", "bn.set_train(mode=False)"),
])
def test_switching_to_inference_gives_the_same_outputs(call, written):
    converted, torch_out, ms_out, _ = run_both(f"def act(bn: nn.BatchNorm2d, x):\n    {call}\n    return bn(x)\n")
    assert written in converted
    assert_same(torch_out, ms_out)


def test_train_switches_back_to_batch_statistics():
    converted, torch_out, ms_out, layers = run_both("def act(bn: nn.BatchNorm2d, x):\n    bn.eval()\n    bn.train()\n    return bn(x)\n")
    assert "bn.set_train()" in converted
    assert_same(torch_out, ms_out)
    assert_same(layers[0].running_mean, layers[1].moving_mean)  # both updated by the training step


def test_forward_called_directly_is_construct():
    converted, torch_out, ms_out, _ = run_both("def act(bn: nn.BatchNorm2d, x):\n    return bn.forward(x)\n")
    assert "bn.construct(x)" in converted
    assert_same(torch_out, ms_out)


@pytest.mark.parametrize("call", ["bn.reset_running_stats()", "bn.reset_parameters()"])
def test_resets_give_the_same_state(call):
    converted, _, _, (torch_layer, ms_layer) = run_both(f"def act(bn: nn.BatchNorm2d, x):\n    {call}\n")
    assert "set_data" in converted and call not in converted
    for torch_name, ms_name in (("running_mean", "moving_mean"), ("running_var", "moving_variance"),
                                ("weight", "gamma"), ("bias", "beta")):
        assert_same(getattr(torch_layer, torch_name), getattr(ms_layer, ms_name))


@pytest.mark.parametrize("call", ["nn.init.constant_(bn.weight, 0.3)", "nn.init.constant(bn.bias, -1.5)",
                                  "nn.init.ones_(bn.bias)", "nn.init.zeros_(bn.weight)",
                                  "torch.nn.init.constant_(bn.weight, val=2.0)"])
def test_exact_initialisers_give_the_same_parameters(call):
    converted, _, _, (torch_layer, ms_layer) = run_both(f"def act(bn: nn.BatchNorm2d, x):\n    {call}\n")
    assert "set_data(" in converted and "nn.init" not in converted.split("def act", 1)[1]
    assert_same(torch_layer.weight, ms_layer.gamma)
    assert_same(torch_layer.bias, ms_layer.beta)


@pytest.mark.parametrize("body, written", [
    ('def act(bn: nn.BatchNorm2d, x):\n    return getattr(bn, "running_var")\n', '"moving_variance"'),
    ("def act(bn: nn.BatchNorm2d, x):\n    return getattr(bn, 'weight', None)\n", "'gamma'"),
    ('def act(bn: nn.BatchNorm2d, x):\n    return float(hasattr(bn, "running_mean"))\n', '"moving_mean"'),
])
def test_members_looked_up_by_name_read_the_same_values(body, written):
    converted, torch_out, ms_out, _ = run_both(body)
    assert written in converted
    assert_same(torch_out, ms_out)


@pytest.mark.parametrize("body", [
    'def act(bn: nn.BatchNorm2d, x):\n    setattr(bn, "momentum", 0.6)\n',
    "def act(bn: nn.BatchNorm2d, x):\n    bn.momentum *= 3\n",
    "def act(bn: nn.BatchNorm2d, x):\n    bn.momentum, bn.eps = 0.45, 1e-3\n",
])
def test_momentum_set_after_construction_trains_the_same(body):
    source = PRELUDE + "def make():\n    bn = nn.BatchNorm2d(3, momentum=0.2)\n    act(bn, None)\n    return bn\n" + body
    converted = convert(source)
    assert "add_prim_attr" in converted
    differences = compare_layers(build(source), build(converted), (4, 3, 5, 5))
    assert max(differences.values()) <= TOLERANCE, (converted, differences)


@pytest.mark.parametrize("method", ["clone()", "sum()", "mean()", "abs()", "sqrt()", "pow(2)", "reshape(1, -1)",
                                    "view(-1, 1)", "flatten()", "norm()", "float()", "numpy()", "tolist()"])
def test_tensor_methods_measured_the_same_are_left_and_agree(method):
    converted, torch_out, ms_out, _ = run_both(f"def act(bn: nn.BatchNorm2d, x):\n    return bn.running_var.{method}\n")
    assert f"bn.moving_variance.{method}" in converted
    assert_same(torch_out, ms_out)


def findings_of(body: str):
    source = PRELUDE + "bn = nn.BatchNorm2d(3)\n" + body
    result = convert_file("m.py", source.encode(), load_rules())
    return [(f.line, f.code, f.severity) for f in result.findings]


REPORTED = {
    # member use -> code of its finding (the table's `report`, or the engine's for torch tensor code)
    "bn.parameters()": "TBN210", "bn.named_parameters()": "TBN210", "bn.buffers()": "TBN211",
    "bn.named_buffers()": "TBN211", "bn.state_dict()": "TBN212", "bn.load_state_dict(sd)": "TBN212",
    "bn.zero_grad()": "TBN213", "bn.requires_grad_(False)": "TBN214", "bn.to('cpu')": "TBN215",
    "bn.cuda()": "TBN215", "bn.cpu()": "TBN215", "bn.half()": "TBN216", "bn.float()": "TBN216",
    "bn.double()": "TBN216", "bn.bfloat16()": "TBN216", "bn.type(torch.float64)": "TBN216", "bn.modules()": "TBN217",
    "bn.children()": "TBN217", "bn.named_modules()": "TBN217", "bn.named_children()": "TBN217",
    "bn.register_forward_hook(h)": "TBN218", "bn.register_forward_pre_hook(h)": "TBN218",
    "bn.register_full_backward_hook(h)": "TBN218", "bn.register_backward_hook(h)": "TBN218",
    "bn.register_buffer('s', t)": "TBN219", "bn.register_parameter('s', p)": "TBN219", "bn.add_module('s', m)": "TBN219",
    "bn._check_input_dim(x)": "TBN220", "bn._load_from_state_dict(*a)": "TBN220", "bn._version": "TBN220",
    "bn.num_batches_tracked": "TBN201", "bn.affine": "TBN202", "bn.track_running_stats": "TBN203",
    "bn.training": "TBN209", "bn.extra_repr()": "TBN221",
    "bn.running_mean.detach()": "BNP014", "bn.weight.data.fill_(1)": "BNP014", "bn.weight.data.zero_()": "BNP014",
    "bn.bias.mul_(2)": "BNP014", "bn.running_var.cpu()": "BNP014",
    "torch.sqrt(bn.running_var + bn.eps)": "BNP021", "nn.Sequential(bn)": "BNP021",
    "nn.init.normal_(bn.weight, 1.0, 0.02)": "BNP013", "nn.init.kaiming_normal_(bn.weight)": "BNP013",
    "bn.running_mean is None": "TBN208", "f = bn.eval": "BNP025",
}


@pytest.mark.parametrize("use", sorted(REPORTED))
def test_every_member_without_a_counterpart_is_reported_where_it_is_used(use):
    assert (4, REPORTED[use], load_rules().codes[REPORTED[use]].severity) in findings_of(f"y = {use}\n" if "=" not in use else use + "\n")


def test_the_member_table_covers_torch_batchnorm_api():
    """Every public method and attribute torch's BatchNorm has (beyond nn.Module's plumbing) is in the table."""
    table = load_rules().rule("TBN001").attributes
    layer = torch.nn.BatchNorm2d(3)
    names = {n for n in dir(layer) if not n.startswith("__")} - {"T_destination", "call_super_init", "dump_patches"}
    plumbing = {n for n in names if n.startswith("_") and n not in ("_check_input_dim", "_load_from_state_dict", "_version")}
    public = {n for n in names - plumbing}
    missing = sorted(n for n in public if n not in table and n not in OUT_OF_TABLE)
    assert missing == [], missing


# Public members left out of the table, and why: the same name and meaning on a MindSpore cell
# (apply, the hook removal handles), or whole-model APIs that the model (not the BatchNorm) carries.
OUT_OF_TABLE = {
    "apply", "compile", "get_buffer", "get_extra_state", "get_parameter", "get_submodule", "ipu", "mtia", "xpu",
    "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook", "register_module",
    "register_state_dict_post_hook", "register_state_dict_pre_hook", "register_full_backward_pre_hook",
    "set_extra_state", "set_submodule", "share_memory", "to_empty",
}
