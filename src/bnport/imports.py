"""Import bookkeeping for a conversion: which import bindings the edit leaves unused, and how
the module reaches ``mindspore``.

An import is removed only if the edit made it unused: it had references and every one of them
lies inside a node the edit replaces. Imports the user already left unused are not ours to touch.

A new ``import mindspore`` goes where isort (ruff's I001, default settings) would put it: into
the first group of third-party imports, in sorted position (``import x`` lines before
``from x import y`` lines, names compared case-insensitively, numbers naturally). In a group that
is not sorted to begin with it goes after the group's last third-party import, or takes the place
of the torch import line the edit removed from that group. Without third-party imports it starts
a section of its own after the standard-library ones (before local imports); without any
imports, after the docstring. Notebook cells are separate import blocks.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass

import libcst as cst

from bnport.index import ImportAssignment, Scope
from bnport.notebook import CELL_MARKER
from bnport.resolve import dotted_name


@dataclass
class ImportPlan:
    # Import / ImportFrom node -> names whose bindings go away
    removals: dict[cst.CSTNode, set[str]]
    mindspore_alias: str  # how converted code spells the mindspore module
    add_mindspore: bool  # no usable `import mindspore [as x]` yet


def plan_imports(module: cst.Module, scopes: list[Scope], replaced: list[cst.CSTNode]) -> ImportPlan:
    replaced_ids = {id(node) for root in replaced for node in _walk(root)}
    removals: dict[cst.CSTNode, set[str]] = defaultdict(set)
    for scope in scopes:
        for assignment in scope.assignments:
            if not isinstance(assignment, ImportAssignment):
                continue
            references = assignment.references
            if references and all(id(ref.node) in replaced_ids for ref in references):
                removals[assignment.node].add(assignment.name)
    alias = _mindspore_alias(module)
    return ImportPlan(dict(removals), alias or "mindspore", alias is None)


def _mindspore_alias(module: cst.Module) -> str | None:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if dotted_name(alias.name) == "mindspore":
                        return alias.asname.name.value if alias.asname else "mindspore"
    return None


def bound_name(alias: cst.ImportAlias, from_import: bool) -> str:
    """The name an import alias binds: `import a.b` binds `a`; `from m import a` binds `a`."""
    if alias.asname is not None:
        return alias.asname.name.value
    name = dotted_name(alias.name)
    return name if from_import else name.split(".")[0]


def mindspore_import() -> cst.Import:
    return cst.Import(names=[cst.ImportAlias(name=cst.Name("mindspore"))])


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
                    replaced: cst.SimpleStatementLine | None = None, markers: frozenset[str] = frozenset()
                    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
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
    statement = cst.SimpleStatementLine(body=[mindspore_import()])
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
