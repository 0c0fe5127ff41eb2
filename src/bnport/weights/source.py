"""Which layer classes the user's code assigns to which attribute names: a static scan, never an import.

A checkpoint's entries tell a BatchNorm from other layers, but not a BatchNorm3d (whose MindSpore
entries sit one level deeper, under ``bn2d.``) from a BatchNorm2d, nor a LayerNorm from other
layers with a 1-D ``weight``. The code does: ``self.bn3 = nn.BatchNorm3d(c)`` makes every entry
prefix ending in ``bn3`` a BatchNorm3d. This module reads the Python files of a directory with
CPython's ``ast`` and records, for each attribute path, the classes constructed there:

- ``self.<name> = <Class>(...)``, ``self.add_module("<name>", ...)``, ``setattr(self, "<name>", ...)``;
- containers: ``nn.Sequential(a, b)`` (or MindSpore's ``SequentialCell([a, b])``) gives ``<name>.0``, ``<name>.1``; ``nn.Sequential(OrderedDict(...))``
  and ``nn.ModuleDict({...})`` their keys; ``nn.ModuleList([...])`` positions, and ``<name>.*`` for a
  comprehension, a ``*list`` or ``self.<name>.append(...)``;
- the class through import aliases, a name assigned a class (``BN = nn.BatchNorm3d``), a parameter
  default (``norm_layer=nn.BatchNorm2d``), ``norm_layer or nn.BatchNorm2d`` and ``functools.partial``.

The classes may be torch's or their MindSpore targets, so the scan works before and after
``bnport rewrite``. ``layer_kinds(paths, classes)`` is the one entry point, so that a whole-project index can replace it.
A checkpoint prefix is looked up by its longest suffix that is a recorded path.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from bnport.weights.model import Finding

# Containers whose children are named by position or key. MindSpore's are here too: --source may be
# the code after `bnport rewrite` (mindspore.nn.BatchNorm3d inside a SequentialCell([...])).
SEQUENTIAL = ("torch.nn.Sequential", "torch.nn.modules.container.Sequential", "mindspore.nn.SequentialCell")
MODULE_LIST = ("torch.nn.ModuleList", "torch.nn.modules.container.ModuleList", "mindspore.nn.CellList")
MODULE_DICT = ("torch.nn.ModuleDict", "torch.nn.modules.container.ModuleDict")
ORDERED_DICT = ("collections.OrderedDict", "typing.OrderedDict")
PARTIAL = ("functools.partial",)
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "node_modules", "site-packages",
                        ".tox", ".nox", "build", "dist", ".eggs"})
ANY = "*"  # a path component standing for any position of a ModuleList or Sequential


@dataclass(frozen=True)
class Site:
    klass: str  # the qualified torch class
    where: str  # "file:line" of the constructor call


@dataclass
class LayerKinds:
    paths: dict[tuple[str, ...], set[Site]] = field(default_factory=dict)  # attribute path -> classes built there
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    def lookup(self, prefix: str) -> set[Site]:
        """The classes the code assigns at the longest recorded suffix of ``prefix`` (empty: it does not say)."""
        parts = tuple(prefix.split(".")) if prefix else ()
        for length in range(len(parts), 0, -1):
            tail = parts[-length:]
            found = {site for key, sites in self._by_length().get(length, ()) if _matches(key, tail) for site in sites}
            if found:
                return found
        return set()

    def _by_length(self) -> dict[int, list]:
        if getattr(self, "_index", None) is None:
            index: dict[int, list] = {}
            for key, sites in self.paths.items():
                index.setdefault(len(key), []).append((key, sites))
            self._index = index
        return self._index


def _matches(key: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    return all(k == p or (k == ANY and p.isdigit()) for k, p in zip(key, parts))


def layer_kinds(paths: Iterable[str], classes: Collection[str]) -> LayerKinds:
    """Scan the Python files under ``paths`` (files or directories) for the ``classes`` (qualified names)."""
    wanted = frozenset(classes)
    kinds = LayerKinds()
    for path in _python_files(paths, kinds.findings):
        try:
            with open(path, "rb") as f:
                data = f.read()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(data, filename=path)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            kinds.findings.append(Finding("info", None, f"--source: {path}: skipped, cannot parse: "
                                                        f"{getattr(exc, 'msg', None) or exc}"))
            continue
        kinds.files += 1
        _Scan(path, tree, wanted, kinds.paths).run()
    return kinds


def _python_files(paths: Iterable[str], findings: list[Finding]) -> list[str]:
    found = []
    for given in paths:
        if os.path.isfile(given):
            found.append(given)
        elif os.path.isdir(given):
            for root, dirs, files in os.walk(given):  # symlinked directories are not followed
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                found += [os.path.join(root, f) for f in sorted(files) if f.endswith((".py", ".pyi"))]
        else:
            findings.append(Finding("warning", None, f"--source: {given}: no such file or directory"))
    return found


class _Scan:
    def __init__(self, path: str, tree: ast.Module, wanted: frozenset[str], out: dict):
        self.path = path
        self.tree = tree
        self.wanted = wanted
        self.out = out
        self.imports = _imports(tree)

    def run(self):
        module_aliases = self._aliases(self.tree.body, {})
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._function(node, module_aliases)

    # -- names -----------------------------------------------------------------------------------
    def qualify(self, node) -> str | None:
        if isinstance(node, ast.Name):
            return self.imports.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def classes(self, node, aliases: dict[str, set[str]]) -> set[str]:
        """The qualified classes an expression may stand for (empty when unknown)."""
        if isinstance(node, ast.Name) and node.id in aliases:
            return aliases[node.id]
        if isinstance(node, ast.BoolOp):
            return set().union(*(self.classes(v, aliases) for v in node.values))
        if isinstance(node, ast.IfExp):
            return self.classes(node.body, aliases) | self.classes(node.orelse, aliases)
        if isinstance(node, ast.Call) and self.qualify(node.func) in PARTIAL and node.args:
            return self.classes(node.args[0], aliases)
        name = self.qualify(node)
        return {name} if name else set()

    def _aliases(self, body: list, inherited: dict[str, set[str]], params=None) -> dict[str, set[str]]:
        """Names bound to classes in a body (not descending into nested functions or classes)."""
        aliases = dict(inherited)
        if params is not None:
            positional = params.posonlyargs + params.args
            defaults = list(zip(positional[len(positional) - len(params.defaults):], params.defaults))
            defaults += [(a, d) for a, d in zip(params.kwonlyargs, params.kw_defaults) if d is not None]
            for arg, default in defaults:
                found = self.classes(default, aliases)
                if found:
                    aliases[arg.arg] = found
        for node in _body_nodes(body):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                found = self.classes(node.value, aliases)
                if found & self._interesting():
                    aliases[node.targets[0].id] = aliases.get(node.targets[0].id, set()) | found
        return aliases

    def _interesting(self) -> frozenset[str]:
        return self.wanted | frozenset(SEQUENTIAL + MODULE_LIST + MODULE_DICT)

    # -- structures ------------------------------------------------------------------------------
    def _function(self, function, module_aliases: dict[str, set[str]]):
        aliases = self._aliases(function.body, module_aliases, function.args)
        lists = _local_lists(function.body)
        params = function.args.posonlyargs + function.args.args
        receiver = params[0].arg if params else "self"
        for node in _body_nodes(function.body):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and _is_name(target.value, receiver):
                        self._record((target.attr,), node.value, aliases, lists)
            elif isinstance(node, ast.Call):
                self._call(node, receiver, aliases, lists)

    def _call(self, call: ast.Call, receiver: str, aliases, lists):
        func, args = call.func, call.args
        literal = len(args) == 2 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
        if isinstance(func, ast.Attribute) and func.attr in ("add_module", "register_module") and literal:
            if _is_name(func.value, receiver):
                self._record((args[0].value,), args[1], aliases, lists)
            elif isinstance(func.value, ast.Attribute) and _is_name(func.value.value, receiver):
                self._record((func.value.attr, args[0].value), args[1], aliases, lists)
        elif (isinstance(func, ast.Name) and func.id == "setattr" and len(args) == 3 and _is_name(args[0], receiver)
              and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)):
            self._record((args[1].value,), args[2], aliases, lists)
        elif (isinstance(func, ast.Attribute) and func.attr in ("append", "extend") and len(args) == 1
              and isinstance(func.value, ast.Attribute) and _is_name(func.value.value, receiver)):
            elements = _elements(args[0]) if func.attr == "extend" else [args[0]]
            for element in elements or ():
                self._record((func.value.attr, ANY), element, aliases, lists)

    def _record(self, path: tuple[str, ...], value, aliases, lists):
        for relative, klass, line in self._structure(value, aliases, lists, depth=0):
            self.out.setdefault(path + relative, set()).add(Site(klass, f"{self.path}:{line}"))

    def _structure(self, node, aliases, lists, depth: int):
        """(relative path, class, line) for every wanted layer an expression builds."""
        if depth > 8 or not isinstance(node, ast.Call):
            return []
        found = []
        callee = self.classes(node.func, aliases)
        if callee & set(SEQUENTIAL + MODULE_LIST + MODULE_DICT):
            for key, child in self._children(node, callee, lists):
                found += [((key,) + rel, k, line) for rel, k, line in self._structure(child, aliases, lists, depth + 1)]
            return found
        return [((), klass, node.lineno) for klass in sorted(callee & self.wanted)]

    def _children(self, call: ast.Call, callee: set[str], lists):
        args = call.args
        single = args[0] if len(args) == 1 else None
        if callee & set(SEQUENTIAL) and not (single is not None and self._named(single)):
            position: int | None = 0
            if single is not None and _elements(single) is not None:
                args = _elements(single)  # SequentialCell([a, b])
            elif single is not None and _name(single) in lists:
                args = [ast.Starred(single)]  # SequentialCell(layers): its elements, positions unknown
            for arg in args:
                if isinstance(arg, ast.Starred):
                    position = None  # positions after a *list are unknown
                    for element in _elements(arg.value) or lists.get(_name(arg.value), []):
                        yield ANY, element
                else:
                    yield (str(position) if position is not None else ANY), arg
                    if position is not None:
                        position += 1
        elif single is not None and self._named(single):
            yield from self._named(single)
        elif callee & set(MODULE_LIST) and single is not None:
            elements = _elements(single)
            if elements is not None:
                yield from ((str(i), e) for i, e in enumerate(elements))
            elif isinstance(single, (ast.ListComp, ast.GeneratorExp)):
                yield ANY, single.elt
            else:
                yield from ((ANY, e) for e in lists.get(_name(single), []))

    def _named(self, node) -> list[tuple[str, ast.AST]]:
        """Children of an OrderedDict([("name", layer), ...]) or a {"name": layer} literal."""
        if isinstance(node, ast.Dict):
            pairs = list(zip(node.keys, node.values))
        elif isinstance(node, ast.Call) and self.qualify(node.func) in ORDERED_DICT and node.args:
            pairs = [tuple(e.elts) for e in _elements(node.args[0]) or [] if isinstance(e, ast.Tuple) and len(e.elts) == 2]
        else:
            return []
        return [(k.value, v) for k, v in pairs if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> qualified name for every import in the file; a name bound to two things is dropped."""
    bound: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound.setdefault(alias.asname, set()).add(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    bound.setdefault(top, set()).add(top)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    bound.setdefault(alias.asname or alias.name, set()).add(f"{node.module}.{alias.name}")
    return {name: next(iter(names)) for name, names in bound.items() if len(names) == 1}


def _body_nodes(body: list):
    """Every node of a body, not descending into nested function or class definitions."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _local_lists(body: list) -> dict[str, list]:
    """`layers = [...]`, `layers.append(x)`, `layers += [...]`, `layers.extend([...])`: the elements."""
    lists: dict[str, list] = {}
    for node in _body_nodes(body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            elements = _elements(node.value)
            if elements is not None:
                lists.setdefault(node.targets[0].id, []).extend(elements)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            lists.setdefault(node.target.id, []).extend(_elements(node.value) or [])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
              and node.func.attr in ("append", "extend") and len(node.args) == 1):
            elements = [node.args[0]] if node.func.attr == "append" else _elements(node.args[0]) or []
            lists.setdefault(node.func.value.id, []).extend(elements)
    return lists


def _elements(node) -> list | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e for e in node.elts if not isinstance(e, ast.Starred)]
    return None


def _name(node) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _is_name(node, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
