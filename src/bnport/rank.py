"""What the code shows about an input's rank (number of dimensions), without running anything.

Evidence, strongest first: the input is built by ``.view/.reshape`` with N sizes; the enclosing
function compares ``<input>.dim()`` / ``.ndim`` / ``len(<input>.shape)`` with N; the enclosing
class is a 3-D layer (its name or a base ends in ``3d``).
"""

from __future__ import annotations

import libcst as cst

from bnport.context import Context
from bnport.expressions import code_of, strip_parens

_RESHAPES = ("view", "reshape")


def visible_rank(ctx: Context, call: cst.Call, value: cst.BaseExpression) -> int | None:
    value = strip_parens(value)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value in _RESHAPES:
        sizes = [a for a in value.args if not a.star]
        if len(sizes) == len(value.args) and len(sizes) > 1:
            return len(sizes)
    function, klass = _enclosing(ctx, call)
    if function is not None:
        rank = _compared_rank(function, code_of(value))
        if rank is not None:
            return rank
    if klass is not None:
        names = [klass.name.value] + [code_of(base.value) for base in klass.bases]
        if any(name.lower().endswith("3d") for name in names):
            return 5
    return None


def rank_where_built(ctx: Context, call: cst.Call) -> int | None:
    """What the code shows, where a layer is built, of the rank of the input it will get: inside a 3-D
    class (its name or a base ends in ``3d``) it gets 5-D input."""
    _, klass = _enclosing(ctx, call)
    if klass is not None:
        names = [klass.name.value] + [code_of(base.value) for base in klass.bases]
        if any(name.lower().endswith("3d") for name in names):
            return 5
    return None


def _enclosing(ctx: Context, node: cst.CSTNode):
    function = klass = None
    while node is not None:
        node = ctx.parent(node)
        if isinstance(node, cst.FunctionDef) and function is None:
            function = node
        elif isinstance(node, cst.ClassDef):
            klass = node
            break
    return function, klass


def _compared_rank(function: cst.FunctionDef, subject: str) -> int | None:
    """N from `subject.dim() == N`, `subject.ndim != N`, `len(subject.shape) == N` in the function."""
    probes = {f"{subject}.dim()", f"{subject}.ndim", f"{subject}.ndimension()", f"len({subject}.shape)", f"len({subject}.size())"}
    found: list[int] = []

    class _Visit(cst.CSTVisitor):
        def visit_Comparison(self, node: cst.Comparison):
            sides = [node.left, *(target.comparator for target in node.comparisons)]
            if any(code_of(strip_parens(side)) in probes for side in sides):
                found.extend(int(side.value) for side in sides if isinstance(side, cst.Integer))

    function.visit(_Visit())
    return max(found) if found else None
