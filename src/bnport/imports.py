"""Import bookkeeping for a conversion: which import bindings the edit leaves unused, and how
the module reaches ``mindspore``.

An import is removed only if the edit made it unused: it had references and every one of them
lies inside a node the edit replaces. Imports the user already left unused are not ours to touch,
nor are imports something out of the parser's sight may still need: a name in ``__all__`` or any
import of a package's ``__init__.py`` (importers take it from here), a name a string reads when
the module evaluates strings (yolov5's ``eval("nn.Upsample")``).

The alias converted code uses for mindspore must mean mindspore wherever code is written: a
parameter called ``mindspore`` or a local ``ms`` around an edit makes bnport import it under a
free name (``import mindspore as mindspore_``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

import libcst as cst

from bnport.expressions import code_of
from bnport.index import ImportAssignment, Scope
from bnport.resolve import dotted_name


@dataclass
class KeptImport:
    """An import the edit left unused that stays, because something out of the parser's sight needs it."""

    assignment: ImportAssignment
    reason: str  # "eval": a string eval may run names it; "exported": importers may take it from here
    detail: str  # the string (eval), or where the module exports it (`__all__`, a package's __init__.py)


@dataclass
class ImportPlan:
    # Import / ImportFrom node -> names whose bindings go away
    removals: dict[cst.CSTNode, set[str]]
    mindspore_alias: str  # how converted code spells the mindspore module
    add_mindspore: bool  # no usable `import mindspore [as x]` yet
    kept: list[KeptImport] = field(default_factory=list)


@dataclass
class Exports:
    """What the module shows beyond its code: names importers may take from it, strings eval may run."""

    package: bool = False  # an __init__.py: every import in it may be re-exported
    names: frozenset[str] = frozenset()  # listed in __all__
    evaluated: tuple[tuple[cst.SimpleString, str], ...] = ()  # (string, text) that eval may run
    opaque: str | None = None  # an eval of text out of sight (`eval(m)`, line 14): it may read any name


def plan_imports(module: cst.Module, scopes: list[Scope], replaced: list[cst.CSTNode], sites=(),
                 parents: dict | None = None, exports: Exports = Exports()) -> ImportPlan:
    """`sites`: the nodes the edit writes converted code into (the mindspore alias must mean mindspore there)."""
    replaced_ids = {id(node) for root in replaced for node in _walk(root)}
    removals: dict[cst.CSTNode, set[str]] = defaultdict(set)
    kept: list[KeptImport] = []
    for scope in scopes:
        for assignment in scope.assignments:
            if not isinstance(assignment, ImportAssignment):
                continue
            references = assignment.references
            if references and all(id(ref.node) in replaced_ids for ref in references):
                reason = _needed_elsewhere(assignment, scope, exports)
                if reason is not None:
                    kept.append(KeptImport(assignment, *reason))
                else:
                    removals[assignment.node].add(assignment.name)
    alias, add = _mindspore_alias(module, sites, parents or {})
    return ImportPlan(dict(removals), alias, add, kept)


def _needed_elsewhere(assignment: ImportAssignment, scope: Scope, exports: Exports) -> tuple[str, str] | None:
    if exports.opaque is not None:
        return "eval", f"{exports.opaque} runs text out of bnport's sight, which may read it"
    head = assignment.name.split(".")[0]
    for string, text in exports.evaluated:
        if head in _names_read(text):
            return "eval", f"{code_of(string)} reads it when eval runs it"
    if scope.parent is None:  # only the module's own names can be imported from it
        if assignment.name in exports.names:
            return "exported", "it is listed in __all__"
        if exports.package:
            return "exported", "this is a package's __init__.py"
    return None


def _names_read(text: str) -> set[str]:
    """The names an expression in a string reads when eval runs it (none if it is not an expression)."""
    if len(text) > 300:
        return set()
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def find_exports(module: cst.Module, path: str, strings: list[cst.SimpleString], evals: list[ast.Call]) -> Exports:
    """`evals`: the module's calls of the builtin eval. One whose text is not a literal (`eval(m)`) may
    run anything (yolov5 reads the strings from yaml files), so every import stays."""
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                names.update(_all_names(small))
    evaluated, opaque = (), None
    if evals:
        evaluated = tuple((s, text) for s in strings if (text := _string_text(s)) is not None)
        hidden = [call for call in evals if not (call.args and isinstance(call.args[0], ast.Constant))]
        if hidden:
            opaque = f"{ast.unparse(hidden[0])} (line {hidden[0].lineno})"
    return Exports(PurePath(path).name in ("__init__.py", "__init__.pyi"), frozenset(names), evaluated, opaque)


def _all_names(small: cst.BaseSmallStatement) -> list[str]:
    """Strings in `__all__ = [...]`, `__all__ += [...]`, `__all__.extend([...])`, `__all__.append(...)`."""
    value = None
    if isinstance(small, cst.Assign) and any(_is_all(t.target) for t in small.targets):
        value = small.value
    elif isinstance(small, (cst.AugAssign, cst.AnnAssign)) and _is_all(small.target):
        value = small.value
    elif (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and isinstance(small.value.func, cst.Attribute)
          and _is_all(small.value.func.value) and small.value.func.attr.value in ("extend", "append") and small.value.args):
        value = small.value.args[0].value
    if value is None:
        return []
    elements = value.elements if isinstance(value, (cst.List, cst.Tuple, cst.Set)) else [value]
    found = []
    for element in elements:
        text = _string_text(element.value if isinstance(element, cst.BaseElement) else element)
        if text is not None:
            found.append(text)
    return found


def _is_all(node) -> bool:
    return isinstance(node, cst.Name) and node.value == "__all__"


def _string_text(node) -> str | None:
    if not isinstance(node, cst.SimpleString):
        return None
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _mindspore_alias(module: cst.Module, sites, parents: dict) -> tuple[str, bool]:
    """The name converted code calls mindspore by: the module's own `import mindspore [as x]`, else
    `mindspore`, else `mindspore_`, `mindspore_2`, ...: the first that nothing else is bound to in
    any scope around an edit (a parameter called mindspore, a local `ms`), so it means the module there."""
    existing = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    existing += [alias.asname.name.value if alias.asname else "mindspore"
                                 for alias in small.names if dotted_name(alias.name) == "mindspore"]
    taken = _names_around(module, sites, parents, set(existing)) if sites else set()
    for name in existing:
        if name not in taken:
            return name, False
    for name in ("mindspore", "mindspore_", *(f"mindspore_{n}" for n in range(2, 100))):
        if name not in taken and name not in existing:
            return name, True
    raise AssertionError("no free name for mindspore")


_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def _names_around(module: cst.Module, sites, parents: dict, aliases: set[str]) -> set[str]:
    """Every name bound in a scope that encloses one of the sites (a class body only where it is the
    innermost scope; the module's own `import mindspore [as x]` aside), plus every name declared
    global or nonlocal anywhere (an assignment elsewhere may rebind it)."""
    scopes: dict[int, cst.CSTNode] = {id(module): module}
    for site in sites:
        node, innermost = parents.get(site), True
        while node is not None:
            if isinstance(node, _SCOPES + _COMPREHENSIONS) and (innermost or not isinstance(node, cst.ClassDef)):
                scopes[id(node)] = node
                innermost = innermost and isinstance(node, _COMPREHENSIONS)
            node = parents.get(node)
    collector = _Bindings(aliases)
    for scope in scopes.values():
        collector.scan(scope)
    declared = _Declared()
    module.visit(declared)
    return collector.names | declared.names


class _Bindings(cst.CSTVisitor):
    """Names one scope binds: assignments of every kind, imports, defs, parameters, for / with / except
    targets, walrus (also inside comprehensions, where it binds in the enclosing scope), match captures."""

    def __init__(self, aliases: set[str]):
        self.names: set[str] = set()
        self.aliases = aliases
        self._root = None

    def scan(self, scope: cst.CSTNode):
        self._root = scope
        if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
            scope.params.visit(self)
            scope.body.visit(self)
        elif isinstance(scope, cst.ClassDef):
            scope.body.visit(self)
        else:
            scope.visit(self)

    def _target(self, node):
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._target(element.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def _nested(self, node) -> bool:
        return node is not self._root

    def visit_FunctionDef(self, node):
        if self._nested(node):
            self.names.add(node.name.value)
            return False  # its body is another scope
        return True

    def visit_ClassDef(self, node):
        if self._nested(node):
            self.names.add(node.name.value)
            return False
        return True

    def visit_Lambda(self, node):
        return not self._nested(node)

    def visit_Param(self, node):
        self.names.add(node.name.value)

    def visit_AssignTarget(self, node):
        self._target(node.target)

    def visit_AnnAssign(self, node):
        self._target(node.target)

    def visit_AugAssign(self, node):
        self._target(node.target)

    def visit_NamedExpr(self, node):
        self._target(node.target)

    def visit_For(self, node):
        self._target(node.target)

    def visit_CompFor(self, node):
        self._target(node.target)

    def visit_AsName(self, node):
        self._target(node.name)

    def visit_Del(self, node):
        self._target(node.target)

    def visit_Import(self, node):
        for alias in node.names:
            name = bound_name(alias, False)
            if not (dotted_name(alias.name) == "mindspore" and name in self.aliases):
                self.names.add(name)
        return False  # its `as` names are handled here

    def visit_ImportFrom(self, node):
        if not isinstance(node.names, cst.ImportStar):
            self.names.update(bound_name(alias, True) for alias in node.names)
        return False

    def visit_MatchAs(self, node):
        if node.name is not None:
            self.names.add(node.name.value)

    def visit_MatchStar(self, node):
        if node.name is not None:
            self.names.add(node.name.value)

    def visit_MatchMapping(self, node):
        if node.rest is not None:
            self.names.add(node.rest.value)


class _Declared(cst.CSTVisitor):
    def __init__(self):
        self.names: set[str] = set()

    def visit_Global(self, node):
        self.names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node):
        self.names.update(item.name.value for item in node.names)


def bound_name(alias: cst.ImportAlias, from_import: bool) -> str:
    """The name an import alias binds: `import a.b` binds `a`; `from m import a` binds `a`."""
    if alias.asname is not None:
        return alias.asname.name.value
    name = dotted_name(alias.name)
    return name if from_import else name.split(".")[0]


def mindspore_import(alias: str = "mindspore") -> cst.Import:
    asname = None if alias == "mindspore" else cst.AsName(name=cst.Name(alias))
    return cst.Import(names=[cst.ImportAlias(name=cst.Name("mindspore"), asname=asname)])


def insertion_index(body: list[cst.BaseStatement]) -> int:
    """After the module's leading run of docstring and import lines."""
    index = 0
    for i, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        first = statement.body[0]
        if isinstance(first, (cst.Import, cst.ImportFrom)):
            index = i + 1
        elif i == 0 and isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            index = 1
        else:
            break
    return index


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
