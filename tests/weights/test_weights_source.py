"""weights/source.py: attribute paths the code assigns layer classes to, found without importing it."""

import textwrap

from bnport.weights.source import layer_kinds

CLASSES = {"torch.nn.BatchNorm2d", "torch.nn.BatchNorm3d", "torch.nn.SyncBatchNorm", "torch.nn.LayerNorm",
           "torch.nn.BatchNorm1d", "mindspore.nn.BatchNorm2d", "mindspore.nn.BatchNorm3d"}


def _kinds(tmp_path, source: str, **more):
    (tmp_path / "model.py").write_text(textwrap.dedent(source))
    for name, text in more.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return layer_kinds([str(tmp_path)], CLASSES)


def _classes(kinds, prefix):
    return sorted(site.klass.rsplit(".", 1)[-1] for site in kinds.lookup(prefix))


def test_attributes_through_every_import_form(tmp_path):
    kinds = _kinds(tmp_path, """
        import torch
        import torch.nn as nn
        from torch import nn as tnn
        from torch.nn import BatchNorm3d as BN3

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = torch.nn.BatchNorm2d(3)
                self.b: nn.Module = tnn.SyncBatchNorm(3)
                self.c = BN3(3)
                self.d = nn.LayerNorm(3)
                self.e = nn.Conv2d(3, 3, 1)
        """)
    assert _classes(kinds, "a") == ["BatchNorm2d"] and _classes(kinds, "x.y.b") == ["SyncBatchNorm"]
    assert _classes(kinds, "layer.c") == ["BatchNorm3d"] and _classes(kinds, "d") == ["LayerNorm"]
    assert _classes(kinds, "e") == [] and _classes(kinds, "") == []
    site = next(iter(kinds.lookup("c")))
    assert site.where.endswith("model.py:12")


def test_containers_give_positions_and_keys(tmp_path):
    kinds = _kinds(tmp_path, """
        from collections import OrderedDict
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())
                self.named = nn.Sequential(OrderedDict([("conv", nn.Conv3d(3, 8, 3)), ("norm", nn.BatchNorm3d(8))]))
                self.blocks = nn.ModuleList([nn.Sequential(nn.Conv2d(8, 8, 1), nn.SyncBatchNorm(8)) for _ in range(3)])
                self.heads = nn.ModuleDict({"cls": nn.BatchNorm1d(4)})
                self.pair = nn.ModuleList([nn.BatchNorm2d(2), nn.BatchNorm3d(2)])
                self.add_module("extra", nn.BatchNorm3d(2))
                setattr(self, "other", nn.LayerNorm(2))
                self.grown = nn.ModuleList()
                self.grown.append(nn.BatchNorm3d(2))
        """)
    assert _classes(kinds, "features.1") == ["BatchNorm2d"] and _classes(kinds, "features.0") == []
    assert _classes(kinds, "named.norm") == ["BatchNorm3d"]
    assert _classes(kinds, "blocks.2.1") == ["SyncBatchNorm"] and _classes(kinds, "blocks.2.0") == []
    assert _classes(kinds, "heads.cls") == ["BatchNorm1d"]
    assert _classes(kinds, "pair.0") == ["BatchNorm2d"] and _classes(kinds, "pair.1") == ["BatchNorm3d"]
    assert _classes(kinds, "extra") == ["BatchNorm3d"] and _classes(kinds, "other") == ["LayerNorm"]
    assert _classes(kinds, "grown.4") == ["BatchNorm3d"]


def test_a_list_built_then_unpacked_into_sequential(tmp_path):
    kinds = _kinds(tmp_path, """
        import torch.nn as nn

        def make_layers(cfg):
            layers = []
            for v in cfg:
                layers += [nn.Conv2d(3, v, 3), nn.BatchNorm2d(v), nn.ReLU()]
            return layers

        class VGG(nn.Module):
            def __init__(self):
                super().__init__()
                layers = [nn.Conv3d(3, 3, 1)]
                layers.append(nn.BatchNorm3d(3))
                self.features = nn.Sequential(*layers)
        """)
    assert _classes(kinds, "features.1") == ["BatchNorm3d"]


def test_classes_through_aliases_defaults_or_and_partial(tmp_path):
    kinds = _kinds(tmp_path, """
        import functools
        import torch.nn as nn

        BN = nn.BatchNorm3d

        class Block(nn.Module):
            def __init__(self, planes, norm_layer=None):
                super().__init__()
                if norm_layer is None:
                    norm_layer = nn.BatchNorm2d
                self.bn1 = norm_layer(planes)
                self.bn2 = BN(planes)

        class Other(nn.Module):
            def __init__(self, c, norm=nn.SyncBatchNorm, act=None):
                super().__init__()
                self.n1 = norm(c)
                self.n2 = (act or nn.LayerNorm)(c)
                self.n3 = functools.partial(nn.BatchNorm3d, eps=1e-3)(c)
        """)
    assert _classes(kinds, "layer1.0.bn1") == ["BatchNorm2d"] and _classes(kinds, "bn2") == ["BatchNorm3d"]
    assert _classes(kinds, "n1") == ["SyncBatchNorm"] and _classes(kinds, "n2") == ["LayerNorm"]
    assert _classes(kinds, "n3") == ["BatchNorm3d"]


def test_one_name_two_classes_is_kept_as_both(tmp_path):
    kinds = _kinds(tmp_path, """
        import torch.nn as nn

        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm2d(3)
        """, **{"b.py": """
        import torch.nn as nn

        class B(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm3d(3)
        """})
    assert _classes(kinds, "bn") == ["BatchNorm2d", "BatchNorm3d"]


def test_the_longest_recorded_suffix_wins(tmp_path):
    kinds = _kinds(tmp_path, """
        import torch.nn as nn

        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.norm = nn.BatchNorm2d(3)
                self.video = nn.Sequential(nn.Conv3d(3, 3, 1), nn.BatchNorm3d(3))
                self.video.add_module("norm", nn.BatchNorm3d(3))
        """)
    assert _classes(kinds, "x.norm") == ["BatchNorm2d"] and _classes(kinds, "x.video.norm") == ["BatchNorm3d"]


def test_code_is_never_run_and_bad_files_are_skipped(tmp_path):
    marker = tmp_path / "ran"
    kinds = _kinds(tmp_path, f"""
        import pathlib
        import torch.nn as nn
        pathlib.Path({str(marker)!r}).touch()

        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm3d(3)
        """, **{"broken.py": "def (:\n"})
    assert not marker.exists()
    assert _classes(kinds, "bn") == ["BatchNorm3d"] and kinds.files == 1
    assert any("broken.py: skipped, cannot parse" in f.message for f in kinds.findings)


def test_hidden_and_virtualenv_directories_are_skipped(tmp_path):
    for directory in (".venv", "venv", ".git"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "m.py").write_text("import torch.nn as nn\nclass A:\n    def f(self):\n        self.bn = nn.BatchNorm3d(1)\n")
    assert layer_kinds([str(tmp_path)], CLASSES).files == 0
    assert layer_kinds([str(tmp_path / "missing")], CLASSES).findings[0].severity == "warning"


def test_code_after_bnport_rewrite(tmp_path):
    kinds = _kinds(tmp_path, """
        import mindspore
        from mindspore import nn

        class Net(nn.Cell):
            def __init__(self):
                super().__init__()
                self.features = nn.SequentialCell([nn.Conv2d(3, 8, 3), mindspore.nn.BatchNorm2d(8)])
                self.blocks = nn.CellList([mindspore.nn.BatchNorm3d(8) for _ in range(2)])
                self.bn3 = mindspore.nn.BatchNorm3d(8)
                layers = []
                layers.append(mindspore.nn.BatchNorm3d(8))
                self.tail = nn.SequentialCell(layers)
        """)
    assert _classes(kinds, "tail.0") == ["BatchNorm3d"]
    assert _classes(kinds, "features.1") == ["BatchNorm2d"] and _classes(kinds, "blocks.1") == ["BatchNorm3d"]
    assert _classes(kinds, "bn3") == ["BatchNorm3d"]
