"""Import bookkeeping for a conversion: which import bindings the edit leaves unused, and how
the module reaches ``mindspore``.

An import is removed only if the edit made it unused: it had references and every one of them
lies inside a node the edit replaces. Imports the user already left unused are not ours to touch,
nor are imports something out of the parser's sight may still need: a name in ``__all__`` or any
import of a package's ``__init__.py`` (importers take it from here), a name a string reads when
the module evaluates strings (yolov5's ``eval("nn.Upsample")``).

A new ``import mindspore`` goes where isort (ruff's I001, default settings) would put it: into
the first group of third-party imports, in sorted position (``import x`` lines before
``from x import y`` lines, names compared case-insensitively, numbers naturally). In a group that
is not sorted to begin with it goes after the group's last third-party import, or takes the place
of the torch import line the edit removed from that group. Without third-party imports it starts
a section of its own after the standard-library ones (before local imports); without any
imports, after the docstring. Notebook cells are separate import blocks.

The alias converted code uses for mindspore must mean mindspore wherever code is written: a
parameter called ``mindspore`` or a local ``ms`` around an edit makes bnport import it under a
free name (``import mindspore as mindspore_``).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

import libcst as cst

from bnport.expressions import code_of
from bnport.index import ClassScope, ComprehensionScope, ImportAssignment, Scope
from bnport.notebook import CELL_MARKER
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
                 scope_of: dict | None = None, tree: ast.Module | None = None, exports: Exports | None = None,
                 text: str | None = None) -> ImportPlan:
    """`sites`: the nodes the edit writes converted code into (the mindspore alias must mean mindspore there)."""
    exports = exports or Exports()
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
    alias, add = _mindspore_alias(module, sites, scope_of or {}, tree, text)
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
    if ((isinstance(small, cst.Assign) and any(_is_all(t.target) for t in small.targets))
            or (isinstance(small, (cst.AugAssign, cst.AnnAssign)) and _is_all(small.target))):
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


def _mindspore_alias(module: cst.Module, sites, scope_of: dict, tree: ast.Module | None, text: str | None) -> tuple[str, bool]:
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
    if not existing and text is not None and "mindspore" not in text:
        return "mindspore", True  # nothing in the module can be called mindspore
    taken = _names_around(sites, scope_of, tree) if sites else set()
    for name in existing:
        if name not in taken:
            return name, False
    for name in ("mindspore", "mindspore_", *(f"mindspore_{n}" for n in range(2, 100))):
        if name not in taken and name not in existing:
            return name, True
    raise AssertionError("no free name for mindspore")


def _names_around(sites, scope_of: dict, tree: ast.Module | None) -> set[str]:
    """Every name bound in a scope that encloses one of the sites (a class body only where it is the
    innermost scope; the module's own `import mindspore [as x]` aside), plus the names the scopes do
    not record, wherever they are bound: walrus targets (inside a comprehension they bind in the
    enclosing scope) and match captures."""
    taken: set[str] = set()
    seen: set[int] = set()
    for site in sites:
        scope, innermost = scope_of.get(site), True
        while scope is not None:
            if id(scope) not in seen and (innermost or not isinstance(scope, ClassScope)):
                seen.add(id(scope))
                taken.update(a.name for a in scope.assignments if not _imports_mindspore(a))
            innermost = innermost and isinstance(scope, ComprehensionScope)
            scope = scope.parent
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            taken.add(node.target.id)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            taken.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            taken.add(node.rest)
    return taken


def _imports_mindspore(assignment) -> bool:
    """`import mindspore [as x]` at module level: the binding bnport reuses, not one in its way."""
    node = assignment.node
    return (isinstance(assignment, ImportAssignment) and assignment.scope.parent is None and isinstance(node, cst.Import)
            and any(dotted_name(alias.name) == "mindspore" and bound_name(alias, False) == assignment.name
                    for alias in node.names))


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


_FUTURE, _STDLIB, _THIRD_PARTY, _LOCAL = range(4)


def place_mindspore(body: list[cst.BaseStatement], placeholder: cst.Import | None = None,
                    replaced: cst.SimpleStatementLine | None = None, markers: frozenset[str] = frozenset(),
                    alias: str = "mindspore") -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """The module's statements with an ``import mindspore`` line where isort would put it, and
    lines left over for the footer.

    `placeholder` is the ``import mindspore`` the applier wrote in place of `replaced`, a torch
    import line the edit removed. It stays if its group is the first with third-party imports and
    sorted with it, or if the group was not sorted to begin with; otherwise its line goes (its
    comments pass to the next statement, as for any removed import line) and a new line is
    inserted. `markers`: the comment lines bnport wrote above statements; they stay with theirs."""
    body = list(body)
    at = next((i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)
               and any(small is placeholder for small in s.body)), None) if placeholder is not None else None
    spare: list[cst.EmptyLine] = []
    if at is not None:
        groups = _groups(body)
        group = next(group for group in groups if at in group)
        first = next(g for g in groups if any(_key(body[i])[0] == _THIRD_PARTY for i in g))
        if group is first and _sorted(body, group):
            return body, spare
        if replaced is not None and not _sorted([*body[:at], replaced, *body[at + 1:]], group):
            return body, spare
        line = body.pop(at)
        carried = [*line.leading_lines]
        if line.trailing_whitespace.comment is not None:
            carried.append(cst.EmptyLine(indent=True, comment=line.trailing_whitespace.comment))
        if at < len(body):
            body[at] = body[at].with_changes(leading_lines=[*carried, *body[at].leading_lines])
        else:
            spare = carried
    index, mode = _target(body)
    statement = cst.SimpleStatementLine(body=[mindspore_import(alias)])
    after = body[index] if index < len(body) else None
    before = body[index - 1] if index > 0 else None
    if after is not None and (mode == "first" or mode == "section" and _key(before) is None):
        # The first line of its group: it takes the blank lines above the group (and a cell
        # marker); comments right above the next import belong to that import, as in isort.
        split = len(after.leading_lines) if index == 0 else 0
        for i, empty in enumerate(after.leading_lines):
            if _blank(empty) or _marker(empty):
                split = max(split, i + 1)
        ours = [i for i, empty in enumerate(after.leading_lines) if empty.comment is not None and empty.comment.value in markers]
        if ours:
            split = min(split, ours[0])
        if split:  # (otherwise `after` stays the same object, and keeps its original text)
            statement = statement.with_changes(leading_lines=after.leading_lines[:split])
            after = after.with_changes(leading_lines=after.leading_lines[split:])
    if mode == "section":
        if _key(before) is not None:  # a blank line between sections
            statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
        if after is not None and (_key(after) is None or _key(after)[0] != _THIRD_PARTY) and not _starts_block(after) \
                and not (after.leading_lines and _blank(after.leading_lines[0])):
            # and below it: as isort, two blank lines above a def or class, else one
            blanks = 2 if isinstance(after, (cst.FunctionDef, cst.ClassDef)) else 1
            after = after.with_changes(leading_lines=[*(cst.EmptyLine() for _ in range(blanks)), *after.leading_lines])
    if after is not None:
        body[index] = after
    body.insert(index, statement)
    return body, spare


def _target(body: list[cst.BaseStatement]) -> tuple[int, str]:
    """Where `import mindspore` goes, and how: "first" of an import group, "inside" one, or
    starting a "section" of its own."""
    groups = _groups(body)
    for group in groups:
        keys = [_key(body[i]) for i in group]
        third_party = [i for i, key in zip(group, keys) if key[0] == _THIRD_PARTY]
        if not third_party:
            continue
        if _sorted(body, group):  # where isort would put it
            index = next((i for i, key in zip(group, keys) if key > _MINDSPORE_KEY), group[-1] + 1)
            return index, "first" if index == group[0] else "inside"
        return third_party[-1] + 1, "inside"  # not sorted: after the group's last third-party import
    if groups:
        # No third-party imports: a section of its own in the first block, before local imports.
        block = _block(body, groups[0][0])
        return next((i for i in block if _key(body[i])[0] > _THIRD_PARTY), block[-1] + 1), "section"
    return insertion_index(body), "section"


def _sorted(body, group: list[int]) -> bool:
    keys = [_key(body[i]) for i in group]
    return all(a <= b for a, b in zip(keys, keys[1:]))


def _groups(body) -> list[list[int]]:
    """Runs of top-level import lines; a blank line above a line, a cell marker or another
    statement ends a run."""
    groups: list[list[int]] = []
    previous = False
    for i, statement in enumerate(body):
        if _key(statement) is None:
            previous = False
            continue
        if previous and not _has_blank(statement) and not _starts_block(statement):
            groups[-1].append(i)
        else:
            groups.append([i])
        previous = True
    return groups


def _block(body, start: int) -> list[int]:
    """The import lines from `start` until another statement or a cell marker (blank lines allowed)."""
    end = start + 1
    while end < len(body) and _key(body[end]) is not None and not _starts_block(body[end]):
        end += 1
    return list(range(start, end))


def _key(statement) -> tuple | None:
    """isort's order of an import line: section, `import` before `from`, name; None for other statements."""
    if not isinstance(statement, cst.SimpleStatementLine) or not all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body):
        return None
    first = statement.body[0]
    if isinstance(first, cst.Import):
        name, style = dotted_name(first.names[0].name), 0
    else:
        name, style = "." * len(first.relative) + (dotted_name(first.module) if first.module else ""), 1
    top = name.split(".")[0]
    section = (_LOCAL if name.startswith(".") else _FUTURE if top == "__future__"
               else _STDLIB if top in sys.stdlib_module_names else _THIRD_PARTY)
    return section, style, _natural(name.lower()), _natural(name)


def _natural(text: str) -> tuple:
    """Digits compare as numbers (`torch2` before `torch10`), as ruff's natural order has it."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", text)))


_MINDSPORE_KEY = (_THIRD_PARTY, 0, _natural("mindspore"), _natural("mindspore"))


def _blank(line: cst.EmptyLine) -> bool:
    return line.comment is None


def _has_blank(statement) -> bool:
    return any(_blank(line) for line in statement.leading_lines)


def _marker(line: cst.EmptyLine) -> bool:
    return line.comment is not None and line.comment.value.startswith(CELL_MARKER)


def _starts_block(statement) -> bool:
    return any(_marker(line) for line in statement.leading_lines)


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
