"""Where `import mindspore` goes: where isort (ruff's I001, default settings) would put it.

ruff itself is the judge: every converted fixture whose source was sorted is sorted after the
conversion, and so is every generated file whose imports ruff sorted first.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnport.convert import convert_file
from bnport.rules import load_rules
from conftest import convert_text, fixture_options

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if (p / "before.py").is_file())
NOTEBOOKS = sorted(p for p in FIXTURES.glob("*/*") if (p / "before.ipynb").is_file())


def ruff(source: str, *args: str, name: str = "case.py", cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`ruff check --isolated --select I` on source text (from an empty directory: no first-party modules)."""
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I", "--stdin-filename", name,
                           *args, "-"], input=source, capture_output=True, text=True, cwd=cwd)


def is_sorted(source: str, name: str = "case.py", cwd: Path | None = None) -> bool:
    result = ruff(source, name=name, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


def sort(source: str, cwd: Path) -> str:
    result = ruff(source, "--fix", "--quiet", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_converted_fixtures_are_sorted_as_ruff_sorts(case, tmp_path):
    before, after = (case / "before.py").read_text(), (case / "after.py").read_text()
    if is_sorted(before, cwd=tmp_path):
        assert is_sorted(after, cwd=tmp_path)
    else:  # not sorted to begin with: sorting, then converting, gives the sorted conversion
        options = fixture_options().get(before)  # a fixture converted with its own bnport.toml
        assert convert_text(sort(before, tmp_path), options=options)[0] == sort(after, tmp_path)


@pytest.mark.parametrize("case", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_converted_notebooks_are_sorted_as_ruff_sorts(case, tmp_path):
    for name in ("before.ipynb", "after.ipynb"):
        assert is_sorted((case / name).read_text(), name=name, cwd=tmp_path), name


# -- generated files whose imports ruff sorted first stay sorted -------------------------------------

FUTURE = ["from __future__ import annotations"]
STDLIB = ["import os", "import sys", "import collections", "from typing import Optional", "from os import path",
          "import math"]
THIRD_PARTY = ["import numpy as np", "import torch", "import torchvision", "import Mindx", "import aaa", "import zzz",
               "import mindspore_hub", "from PIL import Image", "from numpy import zeros", "from timm import create_model",
               "import keras", "from aaa import b", "import scipy.signal"]
LOCAL = ["from . import utils", "from .models import resnet", "from ..common import helpers"]
TORCH_NN = ["import torch.nn as nn", "from torch import nn"]


@st.composite
def sorted_files(draw, tmp_path):
    imports = (draw(st.lists(st.sampled_from(FUTURE), max_size=1, unique=True))
               + draw(st.lists(st.sampled_from(STDLIB), max_size=3, unique=True))
               + draw(st.lists(st.sampled_from(THIRD_PARTY), max_size=4, unique=True))
               + [draw(st.sampled_from(TORCH_NN))]
               + draw(st.lists(st.sampled_from(LOCAL), max_size=2, unique=True)))
    imports = draw(st.permutations(imports))
    head = draw(st.sampled_from(["", '"""A module."""\n', "# A licence.\n\n", "#!/usr/bin/env python\n"]))
    uses = "conv = nn.Conv2d(1, 1, 1)\n" if draw(st.booleans()) else ""  # keeps the torch.nn import, or not
    body = draw(st.sampled_from(["bn = nn.BatchNorm2d(3)\n", "\n\ndef make():\n    return nn.BatchNorm2d(3)\n"]))
    return sort(head + "\n".join(imports) + "\n" + uses + body, tmp_path)


@given(st.data())
def test_sorted_imports_stay_sorted(tmp_path_factory, data):
    directory = tmp_path_factory.mktemp("ruff")
    source = data.draw(sorted_files(directory))
    assert is_sorted(source, cwd=directory), source
    output, result = convert_text(source)
    assert result.status == "changed"
    assert output.count("import mindspore\n") == 1
    assert is_sorted(output, cwd=directory), output


# -- the cases from the issue -----------------------------------------------------------------------

def test_not_between_an_import_and_an_assert():
    source = "import sys\n\nassert sys.version_info >= (3, 8)\nimport torch\n\nx = torch.zeros(1)\nbn = torch.nn.BatchNorm2d(3)\n"
    assert convert_text(source)[0] == ("import sys\n\nassert sys.version_info >= (3, 8)\nimport mindspore\nimport torch\n\n"
                                       "x = torch.zeros(1)\nbn = mindspore.nn.BatchNorm2d(3)\n")


def test_not_after_local_imports():
    source = "import torch\n\nfrom .models import Head\n\nx = torch.zeros(1)\nbn = torch.nn.BatchNorm2d(3)\n"
    assert convert_text(source)[0].startswith("import mindspore\nimport torch\n\nfrom .models import Head\n")


def test_a_removed_torch_import_stays_replaced_only_where_sorted():
    # `import torch.nn as nn` goes; `import mindspore` sorts before `import torch`, not in its place.
    source = "import torch\nimport torch.nn as nn\n\nx = torch.zeros(1)\nbn = nn.BatchNorm2d(3)\n"
    assert convert_text(source)[0] == "import mindspore\nimport torch\n\nx = torch.zeros(1)\nbn = mindspore.nn.BatchNorm2d(3)\n"
    # here its place is the sorted one: the line (and its comment) stays
    source = "import os\n\nimport torch.nn as nn  # layers\n\nbn = nn.BatchNorm2d(3)\n"
    assert convert_text(source)[0] == "import os\n\nimport mindspore  # layers\n\nbn = mindspore.nn.BatchNorm2d(3)\n"


def test_moved_import_line_leaves_its_comments_behind():
    source = "import numpy as np\n# the layers\nimport torch.nn as nn  # nn\nbn = nn.BatchNorm2d(3)\n"
    assert convert_text(source)[0] == "import mindspore\nimport numpy as np\n# the layers\n# nn\nbn = mindspore.nn.BatchNorm2d(3)\n"


def test_unsorted_imports_get_it_after_the_last_third_party_import():
    source = "import torch\nimport numpy as np\nimport os\n\nx = torch.zeros(1)\nbn = torch.nn.BatchNorm2d(3)\n"
    assert convert_text(source)[0].startswith("import torch\nimport numpy as np\nimport mindspore\nimport os\n\n")


def test_without_third_party_imports_it_starts_its_own_section():
    source = '"""Doc."""\nimport os\n\nfrom . import layers\n\n\ndef make():\n    import torch.nn as nn\n    return nn.BatchNorm2d(3)\n'
    assert convert_text(source)[0].startswith('"""Doc."""\nimport os\n\nimport mindspore\n\nfrom . import layers\n')


def test_notebook_import_goes_to_the_cell_with_the_imports_not_the_pip_cell():
    cells = [{"cell_type": "code", "metadata": {}, "source": "!pip install -q torch mindspore\n"},
             {"cell_type": "code", "metadata": {}, "source": "import os\n\nimport torch\n"},
             {"cell_type": "code", "metadata": {}, "source": "x = torch.zeros(1)\nbn = torch.nn.BatchNorm2d(3)\n"}]
    data = json.dumps({"cells": cells}, indent=1).encode()
    result = convert_file("nb.ipynb", data, load_rules())
    sources = [cell["source"] for cell in json.loads(result.converted)["cells"]]
    assert sources[:2] == ["!pip install -q torch mindspore\n", "import os\n\nimport mindspore\nimport torch\n"]
