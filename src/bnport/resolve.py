"""Find every expression that names a wanted API, by following the module's import bindings.

Only names bound by an import can reach torch, so instead of qualifying every name in the file
(as libcst's QualifiedNameProvider does) bnport walks the import assignments of each scope and the
accesses recorded for them; the climb from an access through `.attr` also tells it which
Attribute node spells the whole name. ``import torch.nn as nn`` followed
by ``nn.BatchNorm2d`` yields the Attribute ``nn.BatchNorm2d`` named ``torch.nn.BatchNorm2d``; a
parameter or local variable called ``nn`` is never an import binding, so it is never matched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ImportAssignment


@dataclass(frozen=True)
class Reference:
    node: cst.BaseExpression  # the Name or Attribute that spells the whole wanted name
    name: str  # its qualified name, e.g. "torch.nn.BatchNorm2d"
    candidates: tuple[str, ...]  # every name it may stand for; more than one when bindings compete


def dotted_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


def binding_name(assignment: ImportAssignment) -> str | None:
    """The qualified name an import assignment binds, or None (relative or star imports)."""
    node = assignment.node
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted_name(alias.name)
            if alias.asname is not None:
                if dotted_name(alias.asname.name) == assignment.name:
                    return full
            elif full == assignment.name or full.startswith(assignment.name + "."):
                return assignment.name  # `import torch.nn` binds both `torch.nn` and `torch`
        return None
    if node.relative or isinstance(node.names, cst.ImportStar) or node.module is None:
        return None
    module = dotted_name(node.module)
    for alias in node.names:
        bound = dotted_name(alias.asname.name) if alias.asname is not None else dotted_name(alias.name)
        if bound == assignment.name:
            return f"{module}.{dotted_name(alias.name)}"
    return None


def find_references(
    scopes: Iterable, parents: dict, wanted: Callable[[str], bool], relevant: Callable[[str], bool]
) -> dict[cst.CSTNode, Reference]:
    """Wanted names reached through imports. ``relevant(q)``: may something under q be wanted."""
    found: dict[cst.CSTNode, Reference] = {}
    seen: set[int] = set()
    for scope in scopes:
        for assignment in scope.assignments:
            if not isinstance(assignment, ImportAssignment):
                continue
            bound = binding_name(assignment)
            if bound is None or not relevant(bound):
                continue
            for access in assignment.references:
                if id(access.node) in seen:
                    continue
                seen.add(id(access.node))
                reference = _climb(access, bound, parents, wanted)
                if reference is not None:
                    found[reference.node] = reference
    return found


def _climb(access, bound: str, parents: dict, wanted) -> Reference | None:
    """Extend the accessed name through `.attr` until it names something wanted."""
    node, suffix = access.node, ""
    while True:
        if wanted(bound + suffix):
            return Reference(node, bound + suffix, _candidates(access, suffix))
        parent = parents.get(node)
        if not (isinstance(parent, cst.Attribute) and parent.value is node):
            return None
        node, suffix = parent, f"{suffix}.{parent.attr.value}"


def _candidates(access, suffix: str) -> tuple[str, ...]:
    names = set()
    for referent in access.referents:
        bound = binding_name(referent) if isinstance(referent, ImportAssignment) else None
        names.add(bound + suffix if bound else f"{referent.name}{suffix} (assigned in this file)")
    return tuple(sorted(names))
