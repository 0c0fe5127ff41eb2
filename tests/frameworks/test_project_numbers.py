"""The fixture packages of fixtures/projects, run in both frameworks: the torch side imports the
original package, the MindSpore side the package as `bnport rewrite` converts it in a fresh copy
(whole-project analysis: layers built in one module from names another module exports). Same
weights and statistics, three training steps and inference, compared number by number."""

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import TOLERANCE, compare_layers

PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
SHAPE = (4, 8, 3, 3)

# case -> [(label, module, expression building the layer from that module)]
LAYERS = {
    "detectron2_layout": [
        ("re-exported alias called with momentum", "d2lite.modeling.resnet", "module.BasicBlock(8).bn1"),
        ("subclass of the alias, its own __init__", "d2lite.modeling.resnet", "module.BasicBlock(8).bn2"),
        ("factory of the alias", "d2lite.modeling.resnet", "module.BasicBlock(8).bn3"),
        ("subclass from the package", "d2lite.layers", "module.NaiveSyncBatchNorm(8, momentum=0.3)"),
    ],
    "timm_layout": [
        ("norm-act subclass called with momentum", "tlite.models.resnet", "module.Bottleneck(8).bn1"),
        ("norm-act subclass through a default", "tlite.models.resnet", "module.Bottleneck(8).bn2"),
        ("partial of the subclass", "tlite.models.resnet", "module.resnet_norm(8)"),
        ("inherited __init__, module alias", "tlite.models.efficientnet", "module.frozen(8)"),
        ("positional momentum through a module alias", "tlite.layers", "module.BatchNormAct2d(8, 1e-3, 0.2, apply_act=False)"),
    ],
    "mmcv_layout": [
        ("registry config as a default", "mlite.models.mobilenet", "module.InvertedResidual(8).norm"),
        ("registry config in a config file", "mlite.cnn",
         "module.build_norm_layer(__import__('configs.mobilenet_8xb32', fromlist=['model']).model['backbone']['norm_cfg'], 8)"),
    ],
}


def _source_root(root: Path) -> Path:
    return root / "src" if (root / "src").is_dir() else root


def _build(root: Path, module_name: str, expression: str):
    """Import `module_name` from the package at `root` (nothing of the other side's stays loaded)."""
    packages = {p.name for p in _source_root(root).iterdir() if p.is_dir()} | {"configs"}
    for name in [n for n in sys.modules if n.split(".")[0] in packages]:
        del sys.modules[name]
    sys.path[:0] = [str(_source_root(root)), str(root)]
    try:
        module = importlib.import_module(module_name)
        return eval(expression, {"module": module})
    finally:
        del sys.path[:2]


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    made = {}
    for case in LAYERS:
        base = tmp_path_factory.mktemp(case)
        original, converted = base / "torch", base / "mindspore"
        shutil.copytree(PROJECTS / case / "before", original)
        shutil.copytree(PROJECTS / case / "before", converted)
        done = subprocess.run([sys.executable, "-m", "bnport", "rewrite", "--no-cache", "."], cwd=converted,
                              capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        assert done.returncode in (0, 1), done.stderr
        made[case] = (original, converted)
    return made


@pytest.mark.parametrize("case, label, module, expression",
                         [(case, *layer) for case, layers in LAYERS.items() for layer in layers],
                         ids=lambda v: v if isinstance(v, str) and " " in v else None)
def test_layer_built_from_the_converted_package_matches_torch(sides, case, label, module, expression):
    original, converted = sides[case]
    torch_layer = _build(original, module, expression)
    ms_layer = _build(converted, module, expression)
    assert type(ms_layer).__module__.startswith(("mindspore", "d2lite", "tlite", "mlite")), type(ms_layer)
    differences = compare_layers(torch_layer, ms_layer, SHAPE)
    assert max(differences.values()) < TOLERANCE, differences
