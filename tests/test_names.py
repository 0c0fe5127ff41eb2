"""Names around BatchNorm code: every spelling of a source class (package paths, module aliases, star
imports, getattr, strings eval runs), the imports an edit must keep, the name converted code calls
mindspore by, and what MindSpore's layers reject that torch accepts. Numbers: tests/frameworks."""

import ast
import textwrap

import pytest
from conftest import convert_text, without_markers


def convert(source, path="case.py"):
    output, result = convert_text(textwrap.dedent(source), path)
    return output, [(f.line, f.code, f.severity) for f in result.findings]


def codes(findings):
    return [code for _, code, _ in findings]


# -- spellings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("import torch.nn as nn\nbn = nn.modules.BatchNorm2d(3, momentum=0.3)\n", "bn = mindspore.nn.BatchNorm2d(3, momentum=0.7)"),
    ("from torch.nn.modules import SyncBatchNorm as S\nbn = S(3)\n", "bn = mindspore.nn.SyncBatchNorm(3)"),
    ("import torch\nbn = torch.nn.modules.batchnorm.BatchNorm1d(3)\n", "bn = mindspore.nn.BatchNorm1d(3)"),
    ("import torch.nn as nn\nbnmod = nn.modules.batchnorm\nok = isinstance(m, bnmod.BatchNorm2d)\n",
     "ok = isinstance(m, mindspore.nn.BatchNorm2d)"),
    ("import torch.nn as nn\ndef f(m):\n    bn = nn.modules.batchnorm\n    bn = (bn.BatchNorm2d, bn.SyncBatchNorm)\n    return bn\n",
     "bn = (mindspore.nn.BatchNorm2d, mindspore.nn.SyncBatchNorm)"),
])
def test_package_paths_and_module_aliases(source, expected):
    output, _ = convert(source)
    assert expected in output


def test_a_name_that_may_be_the_module_alias_or_something_else_is_ambiguous():
    output, findings = convert("""\
        import torch.nn as nn
        bn = nn.modules.batchnorm
        def f():
            return bn.BatchNorm2d(3)
        bn = other
    """)
    assert "bn.BatchNorm2d(3)" in output and ("BNP001" in codes(findings))


def test_star_import_binds_the_rule_names_with_the_usual_scope_rules():
    output, findings = convert("""\
        from torch.nn import *
        a = BatchNorm2d(3, momentum=0.3)
        y = functional.batch_norm(x, rm, rv)
        BatchNorm2d = MyNorm
        b = BatchNorm2d(3, momentum=0.3)
    """)
    assert "a = mindspore.nn.BatchNorm2d(3, momentum=0.7)" in output
    assert "y = mindspore.ops.batch_norm(x, rm, rv" in output
    assert "b = BatchNorm2d(3, momentum=0.3)" in output  # may be MyNorm: reported, left
    assert "from torch.nn import *" in output  # a star import is never removed
    assert codes(findings) == ["BNP001"]


def test_star_import_shadowed_before_use_and_in_a_function_scope():
    output, _ = convert("""\
        from torch.nn.modules.batchnorm import *
        def f(BatchNorm1d):
            return BatchNorm1d(3, momentum=0.3)
        class _BatchNorm: pass
        g = _BatchNorm()
    """)
    assert without_markers(output).count("mindspore") == 0


def test_star_import_of_torch_does_not_bind_nn():
    source = "from torch import *\nimport mylib as nn\nbn = nn.BatchNorm2d(3)\n"
    output, findings = convert(source)
    assert output == source and findings == []


def test_star_import_of_keras_layers_binds_its_layers():
    output, _ = convert("""\
        from tensorflow.keras.layers import *
        model = [Conv2D(16, 3, data_format="channels_first"), BatchNormalization(axis=1)]
    """)
    assert "mindspore.nn.BatchNorm2d(16, momentum=0.99, eps=1e-3)" in output


@pytest.mark.parametrize("spelling", [
    'getattr(nn, "BatchNorm2d")', "getattr(nn, 'BatchNorm2d', None)", 'getattr(getattr(torch, "nn"), "BatchNorm2d")',
    "getattr(nn, NAME)",
])
def test_getattr_with_a_literal_name_is_the_attribute(spelling):
    output, findings = convert(f"import torch\nimport torch.nn as nn\nNAME = 'BatchNorm2d'\nbn = {spelling}(3, momentum=0.3)\n")
    assert "bn = mindspore.nn.BatchNorm2d(3, momentum=0.7)" in output and findings == []


@pytest.mark.parametrize("spelling, codes", [
    ("getattr(nn, f'{kind}BatchNorm2d')", []),
    # the name comes from data, and a string of the module names a BatchNorm class: it may pick one
    ("getattr(nn, name)", ["BNP027"]), ("getattr(nn, NAME)", ["BNP027"]),
])
def test_getattr_with_a_name_out_of_sight_is_left(spelling, codes):
    source = f"import torch.nn as nn\nNAME = 'BatchNorm2d'\nNAME = other\nbn = {spelling}(3, momentum=0.3)\n"
    output, findings = convert(source)
    assert [line for line in output.splitlines() if not line.lstrip().startswith("#")] == source.splitlines()
    assert [code for _, code, _ in findings] == codes


def test_getattr_with_a_name_from_data_is_reported_only_where_a_string_names_a_converted_class():
    _, findings = convert("import torch.nn as nn\nact = getattr(nn, cfg['act'])()\nCFG = {'act': 'ReLU'}\n")
    assert findings == []


def test_a_getattr_of_the_module_own_is_not_the_builtin():
    source = "import torch.nn as nn\ndef getattr(o, n):\n    return o\nbn = getattr(nn, 'BatchNorm2d')(3, momentum=0.3)\n"
    output, findings = convert(source)
    assert output == source and findings == []


@pytest.mark.parametrize("name", ["f'BatchNorm{dim}d'", "'BatchNorm{}d'.format(dim)", "'BatchNorm{d}d'.format(d=dim)",
                                  "'BatchNorm%dd' % dim", "'BatchNorm%dd' % (dim,)"])
def test_getattr_with_a_dimension_converts_the_whole_family(name):
    output, findings = convert(f"import torch.nn as nn\ndef f(dim, c):\n    return getattr(nn, {name})(c, momentum=0.3)\n")
    assert f"return getattr(mindspore.nn, {name})(c, momentum=0.7)" in output and findings == []


@pytest.mark.parametrize("body", [
    "layer = getattr(nn, f'BatchNorm{dim}d')(c)\n    return layer",  # stored: BatchNorm3d keeps its parameters under bn2d
    "return getattr(nn, f'BatchNorm{dim}d')",  # a value
    "return getattr(nn, f'BatchNorm{dim}d')(c, track_running_stats=False, dtype=torch.float64)",  # refused for all
])
def test_getattr_family_that_cannot_be_converted_alike_is_reported(body):
    source = f"import torch\nimport torch.nn as nn\ndef f(dim, c):\n    {body}\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    assert [s for _, _, s in findings] and all(s in ("warning", "error") for _, _, s in findings)


def test_getattr_family_of_a_report_only_rule_is_reported():
    _, findings = convert("import torch.nn as nn\nbn = getattr(nn, f'LazyBatchNorm{d}d')()\n")
    assert codes(findings) == ["TBN003"]


def test_strings_eval_may_run_are_reported_when_they_name_a_converted_class():
    source = """\
        import torch.nn as nn
        from torch.nn import SyncBatchNorm
        SPEC = [["nn.BatchNorm2d", [64]], ["SyncBatchNorm", [8]], ["nn.ReLU", []], ["other.BatchNorm2d", []]]
        layers = [eval(m)(*a) for m, a in SPEC]
        ok = m is nn.BatchNorm2d
    """
    output, findings = convert(source)
    # nn stays imported: "nn.BatchNorm2d" reads it (eval would fail without it)
    assert [(line, code) for line, code, _ in findings] == [(1, "BNP029"), (3, "BNP028"), (3, "BNP028")]
    assert "ok = m is mindspore.nn.BatchNorm2d" in output


@pytest.mark.parametrize("evaluator", ["", "def eval(s):\n    return s\nx = eval(SPEC)\n"])
def test_strings_are_not_reported_without_the_builtin_eval(evaluator):
    _, findings = convert(f"import torch.nn as nn\nSPEC = 'nn.BatchNorm2d'\n{evaluator}")
    assert findings == []


# -- imports the edit must keep -----------------------------------------------------------------

def test_import_read_by_an_evaluated_string_is_kept():
    output, findings = convert("""\
        import torch.nn as nn
        ACTS = ["nn.ReLU()", "nn.SiLU"]
        acts = [eval(a) for a in ACTS]
        bn = nn.BatchNorm2d(3)
    """)
    assert output.startswith("import mindspore\nimport torch.nn as nn\n")  # kept, and mindspore sorted before it
    assert findings == [(1, "BNP029", "info")]


def test_import_listed_in_all_is_kept_and_reported():
    output, findings = convert("""\
        from torch.nn import BatchNorm2d, BatchNorm1d
        __all__ = ["BatchNorm2d"]
        a = BatchNorm2d(3)
        b = BatchNorm1d(3)
    """)
    assert without_markers(output).startswith("import mindspore\nfrom torch.nn import BatchNorm2d\n")
    assert findings == [(1, "BNP030", "warning")]


@pytest.mark.parametrize("path, kept", [("pkg/__init__.py", True), ("pkg/layers.py", False)])
def test_every_import_of_a_package_init_is_kept(path, kept):
    output, findings = convert("from torch.nn import BatchNorm2d\nimport torch.nn as nn\nbn = BatchNorm2d(3)\nx = nn.BatchNorm1d(2)\n", path)
    assert ("from torch.nn import BatchNorm2d" in output) == kept
    assert ("import torch.nn as nn" in output) == kept
    assert codes(findings) == (["BNP030"] if kept else [])  # a module import is kept without a word


# -- the name converted code calls mindspore by ------------------------------------------------

SHADOWING = {
    "parameter": "def f(c, mindspore=False):\n    return nn.BatchNorm2d(c)\n",
    "lambda": "f = lambda mindspore: nn.BatchNorm2d(3)\n",
    "comprehension": "bns = [nn.BatchNorm2d(c) for mindspore in range(3)]\n",
    "class body": "class Net:\n    mindspore = True\n    norm = nn.BatchNorm2d\n",
    "nested function": "def outer(mindspore):\n    def inner():\n        return nn.BatchNorm2d(3)\n    return inner\n",
    "global": "def configure():\n    global mindspore\n    mindspore = True\nbn = nn.BatchNorm2d(3)\n",
    "nonlocal": "def outer():\n    mindspore = 0\n    def set_():\n        nonlocal mindspore\n        mindspore = 1\n    return nn.BatchNorm2d(3)\n",
    "except as": "def f():\n    try:\n        pass\n    except ImportError as mindspore:\n        pass\n    return nn.BatchNorm2d(3)\n",
    "with as": "def f():\n    with open('x') as mindspore:\n        return nn.BatchNorm2d(3)\n",
    "walrus in comprehension": "def f(xs):\n    [mindspore := x for x in xs]\n    return nn.BatchNorm2d(3)\n",
    "match capture": "def f(x):\n    match x:\n        case [mindspore]:\n            return nn.BatchNorm2d(3)\n",
    "match mapping rest": "def f(x):\n    match x:\n        case {'a': 1, **mindspore}:\n            pass\n    return nn.BatchNorm2d(3)\n",
    "for target": "for mindspore in range(2):\n    bn = nn.BatchNorm2d(3)\n",
    "import inside a function": "def f():\n    import mylib as mindspore\n    return nn.BatchNorm2d(3)\n",
    "module assignment after": "bn = nn.BatchNorm2d(3)\nmindspore = None\n",
}


@pytest.mark.parametrize("kind", sorted(SHADOWING))
def test_mindspore_bound_around_an_edit_gets_another_name(kind):
    output, _ = convert("import torch.nn as nn\n" + SHADOWING[kind])
    assert "import mindspore as mindspore_\n" in output, output
    assert "mindspore_.nn.BatchNorm2d" in output and "= mindspore.nn" not in output and "(mindspore.nn" not in output
    ast.parse(output)


@pytest.mark.parametrize("source", [
    "def elsewhere(mindspore):\n    return mindspore\nbn = nn.BatchNorm2d(3)\n",  # not around the edit
    "class Net:\n    mindspore = True\n    def build(self):\n        return nn.BatchNorm2d(3)\n",  # class names are not seen from methods
])
def test_mindspore_bound_only_away_from_the_edits_is_no_reason_to_rename(source):
    output, _ = convert("import torch.nn as nn\n" + source)
    assert "import mindspore\n" in output and "mindspore.nn.BatchNorm2d(3)" in output


def test_the_module_alias_is_reused_unless_shadowed_then_the_next_free_name():
    reused, _ = convert("import mindspore as ms\nimport torch.nn as nn\nbn = nn.BatchNorm2d(3)\n")
    assert reused == "import mindspore as ms\nbn = ms.nn.BatchNorm2d(3)\n"
    shadowed, _ = convert("import mindspore as ms\nimport torch.nn as nn\ndef f(ms):\n    return nn.BatchNorm2d(3)\n")
    assert shadowed == "import mindspore as ms\nimport mindspore\ndef f(ms):\n    return mindspore.nn.BatchNorm2d(3)\n"
    both, _ = convert("import mindspore as ms\nimport torch.nn as nn\ndef f(ms, mindspore, mindspore_):\n    return nn.BatchNorm2d(3)\n")
    assert "import mindspore as mindspore_2\n" in both and "return mindspore_2.nn.BatchNorm2d(3)" in both


# -- what MindSpore's layers reject that torch accepts -----------------------------------------

@pytest.mark.parametrize("args, after", [
    ("3, affine=0", "3, affine=False"), ("3, affine=1", "3, affine=True"), ("3, affine=None", "3, affine=False"),
    ("3, 1e-5, 0.1, 0", "3, 1e-5, 0.9, False"), ("3, eps=1", "3, eps=1.0"), ("3, affine=flag", "3, affine=flag"),
])
def test_values_mindspore_needs_in_another_type_are_folded(args, after):
    output, findings = convert(f"import torch.nn as nn\nbn = nn.BatchNorm2d({args})\n")
    assert f"mindspore.nn.BatchNorm2d({after})" in output and findings == []


@pytest.mark.parametrize("args, code", [
    ("3, dtype=torch.float64", "TBN402"), ("3, dtype=torch.double", "TBN402"), ("3, dtype=torch.bfloat16", "TBN402"),
    ("3, eps=0", "TBN404"), ("3, eps=0.0", "TBN404"), ("3, eps=-1e-5", "TBN404"), ("3, eps=1.5", "TBN404"), ("3, 2.0", "TBN404"),
    ("None", "TBN405"), ("num_features=None", "TBN405"),
])
def test_values_mindspore_rejects_are_errors_and_the_call_is_left(args, code):
    source = f"import torch\nbn = torch.nn.BatchNorm2d({args})\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    assert findings == [(2, code, "error")]


def test_float16_converts_with_a_warning():
    output, findings = convert("import torch\nbn = torch.nn.BatchNorm2d(3, dtype=torch.half)\n")
    assert "mindspore.nn.BatchNorm2d(3, dtype=mindspore.float16)" in output and findings == [(2, "TBN403", "warning")]


def test_functional_eps_has_the_same_limits():
    source = "import torch.nn.functional as F\ny = F.batch_norm(x, rm, rv, eps=2.0)\n"
    output, findings = convert(source)
    assert without_markers(output) == source and codes(findings) == ["TBN404"]
    output, _ = convert("import torch.nn.functional as F\ny = F.batch_norm(x, rm, rv, eps=1)\n")
    assert "eps=1.0" in output


@pytest.mark.parametrize("value, wrapped", [
    ("WIDTHS[0]", True), ("WIDTHS[i] * 2", True), ("np.int64(3)", True), ("int(WIDTHS[0])", False),
    ("WIDTHS[0].item()", False), ("len(WIDTHS)", False), ("channels", False), ("self.channels", False), ("c", True),
])
def test_num_features_visibly_numpy_is_written_as_int(value, wrapped):
    output, findings = convert(f"""\
        import numpy as np
        import torch.nn as nn
        WIDTHS = np.linspace(8, 32, 4).astype(int)
        def f(self, channels, i):
            for c in WIDTHS:
                return nn.BatchNorm2d({value})
    """)
    assert (f"mindspore.nn.BatchNorm2d(int({value}))" in output) == wrapped, output
    # (the layer is returned: the info that it is passed on is not this test's)
    assert [c for c in codes(findings) if c != "BNP022"] == (["TBN406"] if wrapped else [])


def test_sync_batchnorm_input_rank_error_where_visible_warning_where_not():
    source = """\
        import torch.nn as nn
        class Block3d(nn.Module):
            def __init__(self, c):
                self.bn = nn.SyncBatchNorm(c)
        class Block(nn.Module):
            def __init__(self, c):
                self.bn = nn.SyncBatchNorm(c)
    """
    output, findings = convert(source)
    assert findings == [(4, "TBN407", "error"), (7, "TBN408", "warning")]
    assert "self.bn = nn.SyncBatchNorm(c)" in output and "self.bn = mindspore.nn.SyncBatchNorm(c)" in output


def test_import_kept_for_eval_says_which_text_reads_it():
    _, result = convert_text("import torch.nn as nn\nact = eval('nn.ReLU()')\nbn = nn.BatchNorm2d(3)\n")
    [finding] = result.findings
    assert finding.code == "BNP029" and "'nn.ReLU()' reads it" in finding.message
    _, result = convert_text("import torch.nn as nn\nimport numpy as np\nact = eval(cfg)\nbn = nn.BatchNorm2d(3)\nx = np\n")
    [finding] = result.findings
    assert "eval(cfg) (line 3) runs text out of bnport's sight" in finding.message


def test_a_converted_class_compared_with_what_eval_made_is_reported():
    output, findings = convert("""\
        import torch.nn as nn
        def parse(d):
            for f, m, args in d:
                m = eval(m) if isinstance(m, str) else m
                if m in {nn.Conv2d, nn.BatchNorm2d}:
                    pass
                elif m is nn.SyncBatchNorm or isinstance(m, (nn.BatchNorm1d, nn.BatchNorm3d)):
                    pass
                k = other()
                x = k is nn.BatchNorm2d
    """)
    assert [(line, code) for line, code, _ in findings] == [(5, "BNP031"), (7, "BNP031"), (7, "BNP031")], findings
    assert "x = k is mindspore.nn.BatchNorm2d" in output
