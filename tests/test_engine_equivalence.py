"""bnport's fast machinery against libcst's own metadata, on the fixtures, real framework sources
and generated programs:

- positions placed from CPython's statement positions equal libcst's PositionProvider;
- what each name read may mean (bnport's index) equals libcst's ScopeProvider;
- a converted module printed from the original text of its untouched statements equals libcst
  printing the whole module.

Where bnport's index deliberately differs from ScopeProvider it follows Python: libcst skips
the first argument of typing.TypeVar/NewType and parses string annotations; those reads are
left out of the comparison.
"""

import ast
import importlib.util
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from libcst.metadata import BuiltinAssignment, MetadataWrapper, PositionProvider, ScopeProvider
from bnport.analysis import analyse
from bnport.config import load as load_config
from bnport.applier import Applier
from bnport.convert import parse
from bnport.imports import plan_imports
from bnport.index import build_index
from bnport.positions import Positions
from bnport.printing import print_module
from bnport.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()

TRICKY = '''\
# -*- coding: utf-8 -*-
"""Ünïcode docstring: columns are characters, CPython counts bytes."""
import torch.nn as nn
from torch import nn as tnn
try:
    from torch.nn import BatchNorm2d
except ImportError:  # a fallback binding
    BatchNorm2d = None


@decorator(nn.BatchNorm1d)
# a comment between decorator and def
@another
def build(c, norm=nn.BatchNorm2d, *, m=0.1):
    bn = norm(c, momentum=m); x = 1
    if c: y = nn.BatchNorm2d(c)
    elif c > 2: y = tnn.BatchNorm3d(c)  # elif
    else:
        y = None
    z = [nn.BatchNorm2d(i) for i in range(c) if i]
    w = {k: v for k, v in zip("ab", "cd")}
    lam = lambda q, r=nn.BatchNorm1d: r(q)
    try:
        pass
    except (ValueError, TypeError) as err:
        raise RuntimeError(err) from err
    finally:
        del x
    with open("f") as fh, open("g") as gh:
        total = (yield fh)
    while (n := c) > 0:
        c -= 1
    else:
        pass
    for i, (a, *b) in enumerate([]):
        global G
        G = i
    return bn if bn else nn.BatchNorm2d(
        c,  # channels
        momentum=m,
    )


class Net(nn.Module):
    layer: "nn.BatchNorm2d"
    norm = nn.BatchNorm2d

    def __init__(self):
        super().__init__()
        self.bn = self.norm(3)
        def inner():
            nonlocal_target = 1
            def deeper():
                nonlocal nonlocal_target
                nonlocal_target = nn.BatchNorm2d(4)
            return deeper

    def forward(self, x):
        match x:
            case [a, b] if a > b:
                return self.bn(a)
            case {"k": v, **rest}:
                return v
            case _:
                return x
'''


def _installed(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"{package} is part of the test extras"
    return Path(spec.submodule_search_locations[0], *parts)


def sources():
    yield "tricky", TRICKY.encode("utf-8")
    yield "crlf", TRICKY.replace("\n", "\r\n").encode("utf-8")
    for path in sorted(ROOT.glob("fixtures/*/*/before.py")):
        yield str(path.relative_to(ROOT)), path.read_bytes()
    for package, parts in [
        ("torch", ("nn", "modules", "batchnorm.py")),
        ("torch", ("nn", "utils", "fusion.py")),
        ("torch", ("fx", "experimental", "optimization.py")),
        ("keras", ("src", "layers", "normalization", "batch_normalization.py")),
        ("keras", ("src", "applications", "resnet.py")),
        ("keras", ("src", "applications", "mobilenet_v3.py")),
    ]:
        path = _installed(package, *parts)
        yield f"{package}/{'/'.join(parts)}", path.read_bytes()


SOURCES = dict(sources())
# Nothing to rewrite: names like torch's bound elsewhere, no BatchNorm, or only findings.
NOTHING_TO_CONVERT = {"fixtures/torch/lookalikes/before.py", "fixtures/torch/no_batchnorm/before.py",
                      "torch/nn/utils/fusion.py", "keras/src/layers/normalization/batch_normalization.py"}


def libcst_positions(module):
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def assert_positions_match(data: bytes):
    module, text, tree = parse(data)
    index = build_index(module)
    expected = libcst_positions(module)
    positions = Positions(module, text, tree, index.parents)
    whole = Positions(module, text, ast.parse("pass"), index.parents)  # cannot pair: prints the whole module
    assert whole.anchors == {} and positions.anchors
    for node in index.parents:
        start = expected[node].start
        assert positions.start(node) == (start.line, start.column), cst.Module([]).code_for_node(node)[:60]
        assert whole.start(node) == (start.line, start.column)


def assert_scopes_match(data: bytes):
    module = cst.parse_module(data)
    expected = {}
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    for scope in {id(s): s for s in scopes.values() if s is not None}.values():
        for access in scope.accesses:
            referents = {(a.name, id(a.node)) for a in access.referents if not isinstance(a, BuiltinAssignment)}
            if referents and not isinstance(access.node, cst.BaseString):
                expected[id(access.node)] = referents
    got: dict[int, set] = {}
    for scope in build_index(module).all_scopes:
        for assignment in scope.assignments:
            for access in assignment.references:
                got.setdefault(id(access.node), set()).add((assignment.name, id(assignment.node)))
    typing_reads = {id(call.args[0].value) for call in _calls(module, {"TypeVar", "NewType"}) if call.args}
    assert {k: v for k, v in got.items() if k not in typing_reads} == expected


def _calls(module, names):
    found = []

    class _Visit(cst.CSTVisitor):
        def visit_Call(self, node):
            func = node.func
            name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
            if name in names:
                found.append(node)

    module.visit(_Visit())
    return found


def converted_both_ways(data: bytes, assume: dict | None = None):
    module, text, tree = parse(data)
    index = build_index(module)
    positions = Positions(module, text, tree, index.parents)
    analysis = analyse(module, RULES, index, positions, assume=assume)
    if not analysis.changes_anything:
        return None
    imports = plan_imports(module, index.all_scopes, analysis.replaced)
    converted = module.visit(Applier(analysis, imports, positions, index.parents))
    return print_module(module, converted, text, positions), converted.code


@pytest.mark.parametrize("name", list(SOURCES))
def test_positions_equal_libcst(name):
    assert_positions_match(SOURCES[name])


@pytest.mark.parametrize("name", list(SOURCES))
def test_name_resolution_equals_libcst(name):
    assert_scopes_match(SOURCES[name])


@pytest.mark.parametrize("name", list(SOURCES))
def test_printing_untouched_statements_from_the_text_equals_printing_everything(name):
    config = ROOT / Path(name).parent / "bnport.toml"  # a fixture converted with its configuration (assume)
    both = converted_both_ways(SOURCES[name], dict(load_config(config).assume) if config.is_file() else None)
    if name in NOTHING_TO_CONVERT:
        assert both is None
        return
    (code, fresh), whole = both
    assert code == whole
    assert len(fresh) < len(code)  # some statements were reused, not printed


@given(hypothesmith.from_grammar())
def test_generated_programs_with_batchnorm_agree(source):
    data = f"import torch.nn as nn\n{source}\nbn = nn.BatchNorm2d(3, momentum=0.1)\n".encode()
    try:
        ast.parse(data)
        cst.parse_module(data)
    except (SyntaxError, cst.ParserSyntaxError):
        return  # the generated program does not combine with the lines around it
    assert_positions_match(data)
    assert_scopes_match(data)
    (code, _), whole = converted_both_ways(data)
    assert code == whole
