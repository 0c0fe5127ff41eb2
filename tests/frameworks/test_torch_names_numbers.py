"""Every spelling of a torch BatchNorm class bnport converts, and every value it rewrites for what
MindSpore accepts, checked by running both frameworks on bnport's actual output.

Each source is a whole module whose ``make()`` builds the layer; the converted module must build a
MindSpore layer that computes what the torch one computes (three training steps and inference).
"""

import pytest
from harness import TOLERANCE, build, compare_layers, convert

IMAGE = (4, 3, 3, 3)

CASES = {
    # name: (module source, input shape)
    "modules_package": ("import torch.nn as nn\ndef make():\n    return nn.modules.BatchNorm2d(3, momentum=0.3)\n", IMAGE),
    "from_modules_import": ("from torch.nn.modules import BatchNorm2d\ndef make():\n    return BatchNorm2d(3, momentum=0.3)\n", IMAGE),
    "modules_batchnorm_alias": (
        "import torch.nn as nn\ndef make():\n    bnmod = nn.modules.batchnorm\n    return bnmod.BatchNorm2d(3, momentum=0.3)\n", IMAGE),
    "star_import_torch_nn": ("import torch\nfrom torch.nn import *\ndef make():\n    return BatchNorm2d(3, momentum=0.3)\n", IMAGE),
    "star_import_batchnorm_module": (
        "from torch.nn.modules.batchnorm import *\ndef make():\n    return BatchNorm3d(3, 1e-3, 0.2)\n", (2, 3, 2, 3, 3)),
    "getattr_literal": ("import torch.nn as nn\ndef make():\n    return getattr(nn, 'BatchNorm2d')(3, momentum=0.3)\n", IMAGE),
    "getattr_literal_as_value": (
        "import torch\nNorm = getattr(torch.nn, \"BatchNorm2d\")\ndef make():\n    return Norm(3, momentum=0.3)\n", IMAGE),
    "getattr_module_constant": (
        "import torch.nn as nn\nNORM = 'BatchNorm2d'\ndef make():\n    return getattr(nn, NORM)(3, momentum=0.3)\n", IMAGE),
    "getattr_fstring_1d": (
        ("import torch.nn as nn\ndef norm(dim, c, m):\n    return getattr(nn, f'BatchNorm{dim}d')(c, momentum=m)\n"
        "def make():\n    return norm(1, 3, 0.3)\n"), (4, 3, 5)),
    "getattr_fstring_2d": (
        ("import torch.nn as nn\ndef norm(dim, c, m):\n    return getattr(nn, f'BatchNorm{dim}d')(c, momentum=m)\n"
        "def make():\n    return norm(2, 3, 0.3)\n"), IMAGE),
    "getattr_fstring_3d": (
        ("import torch.nn as nn\ndef norm(dim, c, m):\n    return getattr(nn, f'BatchNorm{dim}d')(c, eps=1e-3, momentum=m)\n"
        "def make():\n    return norm(3, 3, 0.3)\n"), (2, 3, 2, 3, 3)),
    "getattr_format_percent": (
        "import torch.nn as nn\ndef make(dim=2):\n    return getattr(nn, 'BatchNorm%dd' % dim)(3, 1e-4, 0.2, False)\n", IMAGE),
    "getattr_str_format": (
        "import torch.nn as nn\ndef make(dim=2):\n    return getattr(nn, 'BatchNorm{}d'.format(dim))(3, momentum=0.2)\n", IMAGE),
    "parameter_named_mindspore": (
        "import torch.nn as nn\ndef make(mindspore=False):\n    return nn.BatchNorm2d(3, momentum=0.3)\n", IMAGE),
    "local_ms_shadows_the_alias": (
        ("import mindspore as ms\nimport torch.nn as nn\ndef make():\n    bn = nn.BatchNorm2d(3, momentum=0.3)\n"
        "    ms = 12.5\n    return bn\n"), IMAGE),
    "walrus_in_comprehension": (
        "import torch.nn as nn\ndef make():\n    [mindspore := x for x in range(2)]\n    return nn.BatchNorm2d(3, momentum=0.3)\n", IMAGE),
    "affine_zero": ("import torch.nn as nn\ndef make():\n    return nn.BatchNorm2d(3, affine=0, momentum=0.3)\n", IMAGE),
    "affine_one": ("import torch.nn as nn\ndef make():\n    return nn.BatchNorm2d(3, 1e-5, 0.3, 1)\n", IMAGE),
    "affine_none": ("import torch.nn as nn\ndef make():\n    return nn.BatchNorm1d(3, affine=None)\n", (8, 3)),
    "sync_affine_zero_2d": ("import torch.nn as nn\ndef make():\n    return nn.SyncBatchNorm(3, affine=0, momentum=0.3)\n", (8, 3)),
    "eps_int_one": ("import torch.nn as nn\ndef make():\n    return nn.BatchNorm2d(3, eps=1, momentum=0.3)\n", IMAGE),
    "num_features_numpy": (
        ("import numpy as np\nimport torch.nn as nn\nWIDTHS = np.linspace(3, 12, 4).astype(int)\n"
        "def make():\n    return nn.BatchNorm2d(WIDTHS[0], momentum=0.3)\n"), IMAGE),
    "num_features_numpy_loop": (
        ("import numpy as np\nimport torch.nn as nn\ndef make():\n    for c in np.array([3, 4]):\n"
        "        return nn.BatchNorm2d(c, momentum=0.3)\n"), IMAGE),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_layer_computes_what_torch_computes(name):
    source, shape = CASES[name]
    converted = convert(source)
    assert converted != source
    differences = compare_layers(build(source), build(converted), shape)
    assert max(differences.values()) <= TOLERANCE, (converted, differences)
