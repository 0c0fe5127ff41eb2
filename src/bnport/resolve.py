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

from bnport.index import ImportAssignment


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
    scopes: Iterable, parents: dict, wanted: Callable[[str], bool], relevant: Callable[[str], bool],
    scope_of: dict | None = None, assumed: Iterable = (),
) -> dict[cst.CSTNode, Reference]:
    """Wanted names reached through imports. ``relevant(q)``: may something under q be wanted.

    A name assigned once from a module path (``layers = tf.keras.layers``) is followed like an import,
    and so are the (binding, module) pairs of `assumed` (names the configuration declares, injected.py)."""
    found: dict[cst.CSTNode, Reference] = {}
    seen: set[int] = set()
    work = []
    for scope in scopes:
        for assignment in scope.assignments:
            if isinstance(assignment, ImportAssignment):
                bound = binding_name(assignment)
                if bound is not None and relevant(bound):
                    work.append((assignment, bound))
    pinned = {id(binding) for binding, _ in assumed}
    work.extend((binding, bound) for binding, bound in assumed if relevant(bound))
    while work:
        assignment, bound = work.pop()
        for access in assignment.references:
            if id(access.node) in seen:
                continue
            seen.add(id(access.node))
            reference, path = _climb(access, bound, parents, wanted, relevant, id(assignment) in pinned)
            if reference is not None:
                found[reference.node] = reference
            elif path is not None and scope_of is not None:
                alias = _module_alias(path, parents, scope_of)
                if alias is not None:
                    work.append((alias, path[1]))
    return found


def _climb(access, bound: str, parents: dict, wanted, relevant, pinned: bool = False):
    """Extend the accessed name through `.attr` until it names something wanted. Otherwise, the
    longest module path it spells (node, qualified name), which an assignment may alias.
    `pinned`: the binding is declared (assume), so it is the only candidate."""
    node, suffix = access.node, ""
    path = None
    while True:
        if wanted(bound + suffix):
            candidates = (bound + suffix,) if pinned else _candidates(access, suffix)
            return Reference(node, bound + suffix, candidates), None
        if relevant(bound + suffix) and (pinned or len(access.referents) == 1):
            path = (node, bound + suffix)
        parent = parents.get(node)
        if not (isinstance(parent, cst.Attribute) and parent.value is node):
            return None, path
        node, suffix = parent, f"{suffix}.{parent.attr.value}"


def _module_alias(path, parents: dict, scope_of: dict):
    """`name = <module path>` where name is assigned nowhere else in its scope: its Assignment."""
    node, _ = path
    statement = parents.get(node)
    if not (isinstance(statement, cst.Assign) and statement.value is node and len(statement.targets) == 1):
        return None
    target = statement.targets[0].target
    scope = scope_of.get(target) if isinstance(target, cst.Name) else None
    if scope is None:
        return None
    assignments = list(scope.assignments[target.value])
    if len(assignments) != 1 or assignments[0].node is not target:
        return None
    return assignments[0]


def _candidates(access, suffix: str) -> tuple[str, ...]:
    names = set()
    for referent in access.referents:
        bound = binding_name(referent) if isinstance(referent, ImportAssignment) else None
        names.add(bound + suffix if bound else f"{referent.name}{suffix} (assigned in this file)")
    return tuple(sorted(names))
