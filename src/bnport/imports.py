"""Import bookkeeping for a conversion: which import bindings the edit leaves unused, and how
the module reaches ``mindspore``.

An import is removed only if the edit made it unused: it had references and every one of them
lies inside a node the edit replaces. Imports the user already left unused are not ours to touch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import libcst as cst

from bnport.index import ImportAssignment, Scope
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


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
