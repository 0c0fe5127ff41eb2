"""Whole-project analysis: names a module of the project exports (aliases, subclasses, factories,
registry keys) are converted where other modules use them, whichever files a run is given.

fixtures/projects/<case>/before is a small package modelled on a real layout; after is what
`bnport rewrite` makes of it, findings.txt the findings (`path:line:col CODE severity`)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from bnport.cli import main
from bnport.project import load_project
from bnport.project.build import module_name
from bnport.rules import load_rules

PROJECTS = Path(__file__).resolve().parent.parent / "fixtures" / "projects"
CASES = sorted(p for p in PROJECTS.iterdir() if (p / "before").is_dir())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".bnport_cache" not in p.parts}


def rewrite(where: Path, *args: str):
    """Run `bnport rewrite` in `where` (the JSON report, the exit code)."""
    result = CliRunner().invoke(main, ["rewrite", "--output-format", "json", *args], catch_exceptions=False,
                                env={"PWD": str(where)})
    return json.loads(result.stdout), result.exit_code


def run_in(where: Path, *args: str):
    import os

    old = os.getcwd()
    os.chdir(where)
    try:
        return rewrite(where, *args)
    finally:
        os.chdir(old)


def findings(report: dict) -> list[str]:
    return sorted(f"{f['path']}:{x['line']}:{x['column']} {x['code']} {x['severity']}"
                  for f in report["files"] for x in f["findings"])


@pytest.fixture
def copy(tmp_path):
    def make(case: Path, part: str = "before") -> Path:
        target = tmp_path / case.name
        shutil.copytree(case / part, target)
        return target
    return make


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_project_converts_to_golden_tree(case, jobs, copy):
    root = copy(case)
    report, _ = run_in(root, "--jobs", jobs, ".")
    assert tree(root) == tree(case / "after")
    assert findings(report) == (case / "findings.txt").read_text().splitlines()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_converted_project_is_stable(case, copy):
    root = copy(case, "after")
    report, _ = run_in(root, ".")
    assert [f["path"] for f in report["files"] if f["edits"]] == []
    assert tree(root) == tree(case / "after")


@pytest.mark.parametrize("case, importer", [
    ("detectron2_layout", "d2lite/modeling/resnet.py"),
    ("timm_layout", "src/tlite/models/efficientnet.py"),
    ("mmcv_layout", "mlite/models/mobilenet.py"),
])
def test_one_file_is_converted_with_the_project_s_knowledge(case, importer, copy):
    """What pre-commit does: only the file that uses the project's names is given."""
    root = copy(PROJECTS / case)
    report, _ = run_in(root, importer)
    assert (root / importer).read_bytes() == (PROJECTS / case / "after" / importer).read_bytes()
    expected = [line for line in (PROJECTS / case / "findings.txt").read_text().splitlines()
                if line.startswith(importer + ":")]
    assert findings(report) == expected


def test_cache_is_reused_and_follows_edits(copy):
    root = copy(PROJECTS / "detectron2_layout")
    importer = "d2lite/modeling/resnet.py"
    cold, _ = run_in(root, "--check", importer)
    cache = root / ".bnport_cache" / "project.json"
    assert cache.is_file() and (root / ".bnport_cache" / ".gitignore").is_file()
    warm, _ = run_in(root, "--check", importer)
    assert warm == cold
    # The alias stops being BatchNorm: the importer is left alone from the next run on.
    wrappers = root / "d2lite" / "layers" / "wrappers.py"
    wrappers.write_text(wrappers.read_text().replace("torch.nn.BatchNorm2d", "torch.nn.GroupNorm"))
    changed, _ = run_in(root, "--check", importer)
    edited = [edit for f in changed["files"] if f["path"] == importer for edit in f["edits"]]
    assert any("momentum=0.01" in edit["source"] for f in cold["files"] for edit in f["edits"])
    assert not any("momentum=0.01" in edit["source"] for edit in edited)


def test_no_cache_writes_nothing_and_cache_dir_moves_it(copy, tmp_path):
    root = copy(PROJECTS / "timm_layout")
    run_in(root, "--check", "--no-cache", ".")
    assert not (root / ".bnport_cache").exists()
    elsewhere = tmp_path / "elsewhere"
    run_in(root, "--check", "--cache-dir", str(elsewhere), ".")
    assert (elsewhere / "project.json").is_file() and not (root / ".bnport_cache").exists()


def test_cache_dir_from_configuration(copy):
    root = copy(PROJECTS / "timm_layout")
    config = root / "pyproject.toml"
    config.write_text(config.read_text() + 'cache-dir = "build/bnport"\n')
    run_in(root, "--check", ".")
    assert (root / "build" / "bnport" / "project.json").is_file()


def test_a_corrupt_cache_is_rebuilt(copy):
    root = copy(PROJECTS / "mmcv_layout")
    cold, _ = run_in(root, "--check", ".")
    (root / ".bnport_cache" / "project.json").write_text("{not json")
    again, _ = run_in(root, "--check", ".")
    assert again == cold


def test_src_layout_needs_its_source_root(copy):
    """Without `src = ["src"]` the modules are `src.tlite...` and `tlite.layers` is not the project's."""
    root = copy(PROJECTS / "timm_layout")
    config = root / "pyproject.toml"
    config.write_text(config.read_text().replace('src = ["src"]', 'src = ["."]'))
    report, _ = run_in(root, "--check", ".")
    resnet = [f for f in report["files"] if f["path"] == "src/tlite/models/resnet.py"]
    assert not resnet or not resnet[0]["findings"]  # `from tlite.layers import ...` no longer resolves


def test_git_repository_root_and_staged_content(copy):
    root = copy(PROJECTS / "detectron2_layout")
    (root / "pyproject.toml").unlink()
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    importer = root / "d2lite" / "modeling" / "resnet.py"
    report, _ = run_in(root / "d2lite" / "modeling", "resnet.py")  # the root is found from the .git above
    assert importer.read_bytes() == (PROJECTS / "detectron2_layout" / "after" / "d2lite/modeling/resnet.py").read_bytes()


def test_stdin_with_a_file_name_sees_the_project(copy):
    root = copy(PROJECTS / "timm_layout")
    importer = "src/tlite/models/efficientnet.py"
    import os

    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["rewrite", "-", "--stdin-filename", importer],
                                    input=(root / importer).read_bytes())
    finally:
        os.chdir(old)
    assert result.stdout_bytes == (PROJECTS / "timm_layout" / "after" / importer).read_bytes()


# -- the index itself --
def test_module_names_under_source_roots():
    assert module_name("src/pkg/layers/wrappers.py", ("src", ".")) == ("pkg.layers.wrappers", False)
    assert module_name("pkg/layers/__init__.py", ("src", ".")) == ("pkg.layers", True)
    assert module_name("scripts/my-tool.py", (".",)) == (None, False)


def test_index_follows_re_exports_stars_and_registries(tmp_path):
    files = {
        "pkg/__init__.py": "from .layers import *\n",
        "pkg/layers/__init__.py": "from .wrappers import *\nfrom . import norms\n",
        "pkg/layers/wrappers.py": "import torch.nn as nn\nBN = nn.BatchNorm2d\nclass Conv(nn.Conv2d): pass\n",
        "pkg/layers/norms.py": ("from functools import partial\nimport torch\nfrom .wrappers import BN\n"
                                "FastBN = partial(BN, 1e-3)\nclass BNAct(BN):\n    def __init__(self, c): super().__init__(c)\n"
                                "class Frozen(BNAct): pass\n"
                                "def get_norm(c):\n    if c is None:\n        return None\n    return BN(c)\n"
                                "REG = {'BN': BN, 'GN': torch.nn.GroupNorm, 'Act': ('act', BNAct)}\n"),
        "pkg/other.py": "from pkg.layers.norms import BNAct as B\nREG2 = {'BN': B}\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    index = load_project(tmp_path, load_rules(), use_cache=False)
    assert index.export("pkg.BN").kind == "alias" and index.export("pkg.BN").api == "torch.nn.BatchNorm2d"
    assert index.export("pkg.layers.norms.FastBN").offset == 1
    assert index.export("pkg.layers.norms.BNAct").init
    assert index.export("pkg.layers.norms.Frozen").init  # inherited
    assert index.export("pkg.layers.norms.get_norm").kind == "factory"
    assert index.export("pkg.layers.wrappers.Conv") is None
    assert index.config_types["Act"].kind == "subclass"
    assert index.config_types["BN"] is None  # two registries give it two different classes
    assert "GN" not in index.config_types
    assert index.package_of(str(tmp_path / "pkg" / "layers" / "norms.py")) == "pkg.layers"


def test_results_do_not_depend_on_jobs(copy):
    """Enough files for the worker pool (and for the project phase's own): reports equal for 1 and 2 jobs."""
    root = copy(PROJECTS / "timm_layout")
    models = root / "src" / "tlite" / "models"
    for i in range(70):
        (models / f"net{i}.py").write_text(
            "from tlite.layers import BatchNormAct2d\n\n\n"
            f"def make{i}(c):\n    bn = BatchNormAct2d(c, momentum=0.{i % 9 + 1})\n    return bn.running_mean\n"
            if i % 2 else f"import math\n\nVALUE = math.pi * {i}\n")
    one, _ = run_in(root, "--check", "--no-cache", "--jobs", "1", ".")
    two, _ = run_in(root, "--check", "--no-cache", "--jobs", "2", ".")
    assert one == two
    assert sum(1 for f in one["files"] if f["path"].startswith("src/tlite/models/net") and f["edits"]) == 35


# -- partial runs: what pre-commit does, one file at a time --
ZOO = {
    "pyproject.toml": '[project]\nname = "zoo"\n',
    "zoo/__init__.py": "",
    "zoo/layers.py": "import torch\n\nBatchNorm2d = torch.nn.BatchNorm2d\n",
    "zoo/model.py": ("from torch import nn\n\nfrom zoo.layers import BatchNorm2d  # the zoo's own\n\n\n"
                     "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                     "        self.bn = BatchNorm2d(8, momentum=0.01)\n"),
}


@pytest.fixture
def zoo(tmp_path):
    for name, text in ZOO.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_an_importer_converted_alone_is_marked_and_not_converted_twice(zoo):
    run_in(zoo, "zoo/model.py")
    once = (zoo / "zoo" / "model.py").read_text()
    assert "BatchNorm2d(8, momentum=0.99)" in once
    assert "from zoo.layers import BatchNorm2d  # the zoo's own  # bnport: converted\n" in once
    report, code = run_in(zoo, "zoo/model.py")  # the definition is still torch's: nothing flips back
    assert (zoo / "zoo" / "model.py").read_text() == once and code == 0
    run_in(zoo, ".")  # now the definition; the importer stays as it is
    assert (zoo / "zoo" / "model.py").read_text() == once
    assert "mindspore.nn.BatchNorm2d" in (zoo / "zoo" / "layers.py").read_text()


def test_an_importer_after_its_converted_definition_is_converted(zoo):
    run_in(zoo, "zoo/layers.py")  # committed first: the alias now holds MindSpore's class
    run_in(zoo, "zoo/model.py")
    text = (zoo / "zoo" / "model.py").read_text()
    assert "BatchNorm2d(8, momentum=0.99)" in text and "# bnport: converted" in text
    again, _ = run_in(zoo, ".")
    assert (zoo / "zoo" / "model.py").read_text() == text and not any(f["edits"] for f in again["files"])


def test_a_converted_definition_used_where_the_framework_cannot_be_told_is_reported(zoo):
    from bnport.catalogue import example_of

    run_in(zoo, "zoo/layers.py")
    rules = load_rules()
    code = rules.common["project-target"]
    (zoo / "zoo" / "keras_model.py").write_text(example_of(rules.codes[code], rules))
    report, exit_code = run_in(zoo, "zoo/keras_model.py")
    assert [x["code"] for f in report["files"] for x in f["findings"]] == [code] and exit_code == 1
    assert "momentum=0.9)" in (zoo / "zoo" / "keras_model.py").read_text()  # left as it is


def test_a_converted_mark_still_lets_members_convert(zoo):
    run_in(zoo, "zoo/model.py")
    model = zoo / "zoo" / "model.py"
    model.write_text(model.read_text() + "\n    def stats(self):\n        return self.bn.running_mean\n")
    run_in(zoo, "zoo/model.py")
    text = model.read_text()
    assert "self.bn.moving_mean" in text and "momentum=0.99" in text


# -- projects an adversarial review built (tests/data/projects): each converted, then converted again --
CASES_DIR = Path(__file__).resolve().parent / "data" / "projects"


def _text(root: Path, name: str) -> str:
    return (root / "pkg" / name).read_text()


def _codes(report: dict, path: str) -> list[str]:
    return [x["code"] for f in report["files"] if f["path"] == path for x in f["findings"]]


EXPECTED = {
    # a subclass (no __init__) of a project class whose own __init__ converts: its calls are not converted
    "inherited_init_double_conversion": lambda root, report: (
        "FrozenBatchNormAct2d(8, momentum=0.01)" in _text(root, "model.py")),
    # a subclass of a project alias: its calls are converted once, and the import is marked
    "subclass_in_importer_flips": lambda root, report: (
        "FrozenBN(8, momentum=0.99)" in _text(root, "model.py") and "# bnport: converted" in _text(root, "model.py")),
    "marked_import_readds_prim_lines": lambda root, report: (
        _text(root, "model.py").count('add_prim_attr("momentum"') == 1),
    # MindSpore code that imports torch for a checkpoint: left as it is, with a warning
    "mindspore_file_importing_torch": lambda root, report: (
        "momentum=0.9)" in _text(root, "model.py") and "BNP032" in _codes(report, "pkg/model.py")),
    "keras_alias_importer": lambda root, report: "BNP035" in _codes(report, "pkg/model.py"),
    "ambiguous_project_name_silent": lambda root, report: (
        "BNP001" in _codes(report, "pkg/model.py") and "momentum=0.01" in _text(root, "model.py")),
    # an excluded module is not converted: its importers keep calling torch's class with torch's arguments
    "excluded_definition": lambda root, report: "momentum=0.01" in _text(root, "model.py"),
    # a fallback import (apex or torch): may be either, as in one file
    "try_except_reexport": lambda root, report: (
        "BNP001" in _codes(report, "pkg/model.py") and "mindspore" not in _text(root, "model.py").split("#")[0]),
    # a name bound again to something else exports nothing
    "rebinding_not_seen": lambda root, report: _text(root, "model.py").count("momentum=0.01") == 4,
    # the last star import wins: its class converts its own momentum
    "star_import_order": lambda root, report: "BatchNorm2d(8, momentum=0.01)" in _text(root, "model.py"),
    # names an importer takes from a star import of a project module (yolov5's models/yolo.py)
    "star_import_in_importer": lambda root, report: (
        "BN(c, momentum=0.97, eps=1e-3)" in _text(root, "yolo.py") and "self.bn.moving_mean" in _text(root, "yolo.py")),
    # a registry looked up with a key it registers to one class: converted as that class
    "registry_lookup_call": lambda root, report: _text(root, "model.py").count("momentum=0.99)  # bnport: converted") == 2,
    # a factory that returns another factory's layer
    "factory_chain": lambda root, report: (
        "a.moving_mean, b.moving_mean, b.gamma" in _text(root, "model.py")),
    # a stub beside its module does not stand for it
    "stub_overrides_module": lambda root, report: "BatchNorm2d(8, momentum=0.99)" in _text(root, "model.py"),
    # mmcv's requires_grad is the builder's key, not the layer's: no finding for it
    "requires_grad_config_noise": lambda root, report: not [
        x for f in report["files"] if f["path"] == "mlite/models/extra.py" for x in f["findings"]],
    # `src/__init__.py`: src is a package (`from src.norms import BN`), not a source root
    "src_is_a_package": lambda root, report: (
        "BN(8, momentum=0.99)" in (root / "src" / "model.py").read_text()
        and "BN(8, momentum=0.99)" in (root / "src" / "model_rel.py").read_text()),
}


def test_files_of_two_projects_each_use_their_own(tmp_path):
    """pre-commit passes the files a commit touches, from any package of a repository: each file is
    converted with the index of the project (the nearest pyproject.toml) that holds it."""
    root = tmp_path / "repo"
    shutil.copytree(CASES_DIR / "monorepo_two_projects", root)
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    run_in(root, "projA/pkg/model.py", "projB/lib/net.py")
    assert "Norm(8, momentum=0.99)" in (root / "projA" / "pkg" / "model.py").read_text()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_reviewed_project_converts_faithfully_and_stays(case, tmp_path):
    root = tmp_path / case
    shutil.copytree(CASES_DIR / case, root)
    report, _ = run_in(root, "--no-cache", ".")
    assert EXPECTED[case](root, report), json.dumps(report["files"], indent=1)[:3000]
    converted = tree(root)
    again, _ = run_in(root, ".")
    assert tree(root) == converted and not any(f["edits"] for f in again["files"])


def test_a_subclass_whose_init_only_forwards_is_called_like_its_base(tmp_path):
    # detectron2's NaiveSyncBatchNorm: __init__(self, *args, stats_mode="", **kwargs) forwards to the base
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "norms.py").write_text(
        "import torch.nn as nn\n\n\nclass MyBN(nn.BatchNorm2d):\n"
        "    def __init__(self, *args, stats_mode='', **kwargs):\n"
        "        super().__init__(*args, **kwargs)\n        self._stats_mode = stats_mode\n")
    (tmp_path / "pkg" / "model.py").write_text(
        "from pkg.norms import MyBN\n\nbn = MyBN(8, momentum=0.01)\nbn2 = MyBN(8, 1e-3, 0.2)\n")
    run_in(tmp_path, ".")
    text = (tmp_path / "pkg" / "model.py").read_text()
    assert "MyBN(8, momentum=0.99)" in text and "MyBN(8, 1e-3, 0.8)" in text


@pytest.mark.parametrize("newline, body", [("\r\n", "def reset():\r\n    global NORM\r\n    NORM = nn.GroupNorm\r\n"),
                                           ("\n", "def reset(): global NORM; NORM = nn.GroupNorm\n")])
def test_a_global_rebinding_in_any_spelling_makes_an_export_unknown(tmp_path, newline, body):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "norms.py").write_bytes(
        ("import torch.nn as nn" + newline + "NORM = nn.BatchNorm2d" + newline + body).encode())
    (tmp_path / "pkg" / "model.py").write_text("from pkg.norms import NORM\n\nbn = NORM(64, momentum=0.1)\n")
    report, _ = run_in(tmp_path, ".")
    assert "momentum=0.1" in (tmp_path / "pkg" / "model.py").read_text()  # not converted with certainty
    assert "BNP001" in [x["code"] for f in report["files"] for x in f["findings"] if f["path"].endswith("model.py")]


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_a_module_alias_brought_by_a_star_import_of_a_module_without_batchnorm_is_resolved(tmp_path, cache):
    # gen-efficientnet's efficientnet_builder.py: `from .conv2d_layers import *` brings `nn`
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "layers.py").write_text(
        "import torch.nn as nn\n\n\ndef conv3x3(c):\n    return nn.Conv2d(c, c, 3, padding=1)\n")
    (tmp_path / "pkg" / "blocks.py").write_text(
        "from .layers import *\n\nbn = nn.BatchNorm2d(8, momentum=0.01)\nbn.running_mean.zero_()\n")
    report, _ = run_in(tmp_path, *cache, ".")
    text = (tmp_path / "pkg" / "blocks.py").read_text()
    assert "mindspore.nn.BatchNorm2d(8, momentum=0.99)" in text and "bn.moving_mean" in text
    assert (tmp_path / "pkg" / "layers.py").read_text().startswith("import torch.nn as nn\n")


def test_bindings_that_stand_for_the_same_module_are_not_ambiguous(tmp_path):
    # gen-efficientnet: `from .conv2d_layers import *` and `from geffnet.activations import *` both bring torch's nn
    (tmp_path / "pkg" / "act").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "layers.py").write_text("import torch.nn as nn\n")
    (tmp_path / "pkg" / "act" / "__init__.py").write_text("from .acts import *\n")
    (tmp_path / "pkg" / "act" / "acts.py").write_text("from torch import nn as nn\n")
    (tmp_path / "pkg" / "builder.py").write_text(
        "import torch.nn as nn\nfrom .layers import *\nfrom pkg.act import *\n\nbn = nn.BatchNorm2d(8, momentum=0.01)\n")
    report, _ = run_in(tmp_path, "--no-cache", ".")
    assert "mindspore.nn.BatchNorm2d(8, momentum=0.99)" in (tmp_path / "pkg" / "builder.py").read_text()
    assert "BNP001" not in [x["code"] for f in report["files"] for x in f["findings"]]


def test_a_star_import_that_rebinds_an_api_name_to_another_class_makes_it_ambiguous(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "layers.py").write_text(
        "import torch.nn as nn\n\n\nclass BatchNorm2d(nn.GroupNorm):\n    pass\n")
    (tmp_path / "pkg" / "model.py").write_text(
        "from torch.nn import BatchNorm2d\nfrom .layers import *\n\nbn = BatchNorm2d(8, momentum=0.1)\n")
    report, _ = run_in(tmp_path, "--no-cache", ".")
    assert "BatchNorm2d(8, momentum=0.1)" in (tmp_path / "pkg" / "model.py").read_text()
    assert "BNP001" in [x["code"] for f in report["files"] for x in f["findings"]]
