"""Where a value visibly comes from: is it computed by a given module (numpy), as far as the code shows?

MindSpore's layers take ``num_features`` as a Python int and reject a numpy integer that torch accepts
(``np.linspace(3, 12, 4).astype(int)[0]``). The evidence is what the expression is built from: a call
or attribute of an import of the module, a subscript, arithmetic or iteration of such a value, through
names assigned once (a module constant, a loop variable). ``int(...)``, ``len(...)``, ``.item()`` and
``.tolist()`` give Python values, so the trail ends there. A name whose value is out of sight (a
parameter, ``self.channels``) is no evidence either way.
"""

from __future__ import annotations

import libcst as cst

from bnport.context import Context
from bnport.expressions import strip_parens
from bnport.index import ImportAssignment
from bnport.resolve import binding_name

_PYTHON_VALUES = ("int", "len", "round", "float", "bool")  # builtins that return Python scalars
_PYTHON_METHODS = ("item", "tolist")
_DEPTH = 4


def computed_by(ctx: Context, node: cst.BaseExpression, modules: tuple[str, ...], depth: int = 0) -> bool:
    if depth > _DEPTH:
        return False
    node = strip_parens(node)
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Name) and func.value in _PYTHON_VALUES and not _bound(ctx, func):
            return False
        if isinstance(func, cst.Attribute) and func.attr.value in _PYTHON_METHODS:
            return False
        return computed_by(ctx, func, modules, depth)
    if isinstance(node, (cst.Attribute, cst.Subscript)):
        return computed_by(ctx, node.value, modules, depth)
    if isinstance(node, cst.BinaryOperation):
        return computed_by(ctx, node.left, modules, depth) or computed_by(ctx, node.right, modules, depth)
    if isinstance(node, cst.UnaryOperation):
        return computed_by(ctx, node.expression, modules, depth)
    if isinstance(node, cst.Name):
        return _name(ctx, node, modules, depth)
    return False


def _name(ctx: Context, node: cst.Name, modules: tuple[str, ...], depth: int) -> bool:
    scope = ctx.scopes.get(node)
    assignments = scope[node.value] if scope is not None else set()
    if len(assignments) != 1:
        return False
    [assignment] = assignments
    if isinstance(assignment, ImportAssignment):
        bound = binding_name(assignment)
        return bound is not None and bound.split(".")[0] in modules
    target = assignment.node
    holder = ctx.parent(target)
    if isinstance(holder, cst.AssignTarget) and holder.target is target:
        statement = ctx.parent(holder)
        if isinstance(statement, cst.Assign):
            return computed_by(ctx, statement.value, modules, depth + 1)
    if isinstance(holder, (cst.For, cst.CompFor)) and holder.target is target:
        return computed_by(ctx, holder.iter, modules, depth + 1)  # an element of the iterated value
    return False


def _bound(ctx: Context, name: cst.Name) -> bool:
    scope = ctx.scopes.get(name)
    return scope is not None and name.value in scope
