"""What Keras infers when a layer is built: the channel count a BatchNormalization normalises,
and the rank of its input, read from the layer before it as the code shows it.

MindSpore needs ``num_features`` in the constructor and a class per rank (BatchNorm1d/2d/3d).
The layer before is found
- in a functional chain: ``x = Conv2D(64, 3)(x)`` then ``BatchNormalization()(x)``, through earlier
  statements of the same block and of the blocks around it (not out of a loop or a function);
- in a list: ``Sequential([Conv2D(32, 3), BatchNormalization()])``;
- in a ``model.add(...)`` chain;
- where a built layer is applied: ``self.bn = BatchNormalization()`` and ``x = self.bn(self.conv(x))``.
Producers (Conv2D ``filters``, Dense ``units``) give the count; keepers (Activation, pooling, add)
pass their input's on. The count is copied as code (``4 * filters``) only where every name in it
means the same at the BatchNormalization, and is not reassigned in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import libcst as cst

from bnport.classrefs import ClassFlow
from bnport.context import Context
from bnport.expressions import code_of
from bnport.rules import Infer

_MAX_STEPS = 64  # a chain longer than this is not followed


@dataclass(frozen=True)
class Shape:
    features: cst.BaseExpression | None  # the expression giving the channel count
    rank: int | None  # rank of the input, batch included
    producer: cst.Call | None = None  # where the count was read


class Shapes:
    def __init__(self, ctx: Context, flow: ClassFlow, infer: Infer):
        self.ctx, self.flow, self.infer = ctx, flow, infer
        self._steps = 0

    def of_constructor(self, call: cst.Call) -> Shape | None:
        """The input shape of the layer `call` builds, where the code shows it."""
        self._steps = 0
        shape = self._of_constructor(call)
        if shape is not None and shape.features is not None and not self._portable(shape, call):
            shape = replace(shape, features=None)
        return shape

    def _of_constructor(self, call: cst.Call) -> Shape | None:
        ctx = self.ctx
        parent = ctx.parent(call)
        if isinstance(parent, cst.Call) and parent.func is call:  # built and applied at once
            return self._of_input(_first_arg(parent), parent)
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.List, cst.Tuple)):
            elements = ctx.parent(parent).elements
            index = next(i for i, e in enumerate(elements) if e is parent)
            return self._of_sequence([e.value for e in elements[:index]])
        if isinstance(parent, cst.Arg):
            added = self._added_before(ctx.parent(parent), parent)
            if added is not None:
                return self._of_sequence(added)
        if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is call:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            if len(targets) == 1:
                return self._of_applications(targets[0])
        return None

    # -- where a layer sits in a sequence of layers --
    def _of_sequence(self, before: list[cst.BaseExpression]) -> Shape | None:
        if not before:
            return None
        return self._of_layer(before[-1], lambda: self._of_sequence(before[:-1]))

    def _added_before(self, call, arg) -> list[cst.BaseExpression] | None:
        """`model.add(<layer>)` statements on the same name before this one, in the same block."""
        if not (isinstance(call, cst.Call) and call.args and call.args[0] is arg and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "add" and isinstance(call.func.value, cst.Name)):
            return None
        receiver = call.func.value.value
        statement = self._statement_of(call)
        block = self.ctx.parent(statement)
        body = list(getattr(block, "body", ()))
        if statement not in body:
            return None
        added = []
        for earlier in body[: body.index(statement)]:
            for small in getattr(earlier, "body", ()) if isinstance(earlier, cst.SimpleStatementLine) else ():
                value = small.value if isinstance(small, cst.Expr) else None
                if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "add"
                        and isinstance(value.func.value, cst.Name) and value.func.value.value == receiver and value.args):
                    added.append(value.args[0].value)
        return added

    # -- where a built layer object is applied --
    def _of_applications(self, target) -> Shape | None:
        uses = self._uses(target)
        shapes = []
        for use in uses:
            parent = self.ctx.parent(use)
            if isinstance(parent, cst.Call) and parent.func is use:
                shapes.append(self._of_input(_first_arg(parent), parent))
        known = [s for s in shapes if s is not None]
        if not known or len(known) != len(shapes):
            return None
        codes = {(code_of(s.features) if s.features is not None else None, s.rank) for s in known}
        return known[0] if len(codes) == 1 else None

    def _uses(self, target) -> list[cst.CSTNode]:
        ctx = self.ctx
        if isinstance(target, cst.Name):
            scope = ctx.scopes.get(target)
            assignments = scope.assignments[target.value] if scope is not None else ()
            if len(assignments) != 1:
                return []
            return [access.node for assignment in assignments for access in assignment.references]
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            klass = self.flow.enclosing_class(target)
            nodes = self.flow.self_attributes(klass).get(target.attr.value, []) if klass is not None else []
            if sum(self.flow.is_store(n) for n in nodes) != 1:
                return []
            return [n for n in nodes if not self.flow.is_store(n)]
        return []

    # -- layers and tensors --
    def _of_layer(self, layer: cst.BaseExpression, input_shape: Callable[[], Shape | None]) -> Shape | None:
        """The output shape of a layer object, given a way to learn its input's."""
        self._steps += 1
        if self._steps > _MAX_STEPS:
            return None
        constructor = layer if isinstance(layer, cst.Call) else self._constructor_of(layer)
        if constructor is None:
            return None
        name = self.ctx.name_of(constructor.func)
        producer = self.infer.producers.get(name)
        if producer is not None:
            value = _argument(constructor, producer.arg, producer.position)
            return Shape(value, producer.rank, constructor if value is not None else None)
        keeper = self.infer.keepers.get(name)
        if keeper is not None and any(_argument(constructor, arg, position) is not None or _has_star(constructor)
                                      for arg, position in keeper.unless.items()):
            return None  # e.g. DepthwiseConv2D with a depth_multiplier: the count changes
        entry = self.ctx.ruleset.by_source.get(name or "")
        if (keeper is not None and not keeper.function) or (entry is not None and entry[0].infer is self.infer):
            shape = input_shape()
            rank = keeper.rank if keeper is not None else None
            if shape is None:
                return Shape(None, rank) if rank is not None else None
            return replace(shape, rank=rank or shape.rank)
        return None

    def _constructor_of(self, layer) -> cst.Call | None:
        """The constructor call a name or `self.<attr>` is assigned from, if it is assigned once."""
        if isinstance(layer, cst.Name):
            value = self._single_value(layer)
        elif isinstance(layer, cst.Attribute) and isinstance(layer.value, cst.Name) and layer.value.value == "self":
            klass = self.flow.enclosing_class(layer)
            nodes = self.flow.self_attributes(klass).get(layer.attr.value, []) if klass is not None else []
            stores = [n for n in nodes if self.flow.is_store(n)]
            value = _assigned_value(self.ctx, stores[0]) if len(stores) == 1 else None
        else:
            value = None
        return value if isinstance(value, cst.Call) else None

    def _single_value(self, name: cst.Name) -> cst.BaseExpression | None:
        scope = self.ctx.scopes.get(name)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        if len(assignments) != 1 or not isinstance(getattr(assignments[0], "node", None), cst.Name):
            return None
        return _assigned_value(self.ctx, assignments[0].node)

    def _of_input(self, tensor: cst.BaseExpression | None, at: cst.CSTNode) -> Shape | None:
        """The shape of a tensor expression used at `at`."""
        self._steps += 1
        if tensor is None or self._steps > _MAX_STEPS:
            return None
        if isinstance(tensor, (cst.List, cst.Tuple)):  # merge layers (Add, Multiply): inputs of one shape
            for element in tensor.elements:
                shape = self._of_input(element.value, at)
                if shape is not None and shape.features is not None:
                    return shape
            return None
        if isinstance(tensor, cst.Call):
            keeper = self.infer.keepers.get(self.ctx.name_of(tensor.func) or "")
            if keeper is not None and keeper.function:
                shape = self._of_input(_first_arg(tensor), tensor)
                return replace(shape, rank=keeper.rank or shape.rank) if shape is not None else None
            return self._of_layer(tensor.func, lambda: self._of_input(_first_arg(tensor), tensor))
        if isinstance(tensor, cst.Name):
            value = self._previous_value(tensor.value, at)
            return self._of_input(value, value) if value is not None else None
        return None

    def _previous_value(self, name: str, at: cst.CSTNode) -> cst.BaseExpression | None:
        """The value last assigned to `name` before the statement holding `at`, in the same block or
        the blocks around it (not out of loops or functions); None where that is not certain."""
        ctx = self.ctx
        statement = self._statement_of(at)
        while statement is not None:
            block = ctx.parent(statement)
            body = list(getattr(block, "body", ()))
            if statement not in body:
                return None
            for earlier in reversed(body[: body.index(statement)]):
                if isinstance(earlier, cst.SimpleStatementLine):
                    for small in reversed(earlier.body):
                        if name in _stored_names(small):
                            single = (isinstance(small, cst.Assign) and len(small.targets) == 1
                                      and isinstance(small.targets[0].target, cst.Name))
                            return small.value if single else None
                elif name in _stored_names(earlier):
                    return None
            if isinstance(block, cst.Module):
                return None
            statement = self._enclosing_statement(ctx.parent(block))
        return None

    def _enclosing_statement(self, owner):
        """From the owner of a block up to the statement that sits in a body: if/elif/else, with, try."""
        while isinstance(owner, (cst.Else, cst.If, cst.With, cst.Try, cst.TryStar, cst.ExceptHandler,
                                 cst.ExceptStarHandler, cst.Finally)):
            parent = self.ctx.parent(owner)
            if isinstance(parent, (cst.IndentedBlock, cst.Module)):
                return owner
            owner = parent
        return None

    def _statement_of(self, node):
        ctx = self.ctx
        while node is not None and not isinstance(ctx.parent(node), (cst.IndentedBlock, cst.Module)):
            node = ctx.parent(node)
        return node

    # -- copying the count --
    def _portable(self, shape: Shape, site: cst.Call) -> bool:
        """Every name in the count means the same at `site`, and none is reassigned in between."""
        ctx = self.ctx
        producer_scope, site_scope = ctx.scopes.get(shape.producer), ctx.scopes.get(site)
        if producer_scope is None or site_scope is None:
            return False
        low, high = sorted((ctx.position(shape.producer), ctx.position(site)))
        for name in _loaded_names(shape.features):
            seen, here = set(producer_scope[name]), set(site_scope[name])
            if not seen or seen != here:
                return False
            for assignment in seen:
                node = getattr(assignment, "node", None)
                if node is not None and low < ctx.position(node) < high:
                    return False
        return True


def _first_arg(call: cst.Call) -> cst.BaseExpression | None:
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        return call.args[0].value
    return None


def _argument(call: cst.Call, name: str, position: int) -> cst.BaseExpression | None:
    positional = 0
    for arg in call.args:
        if arg.star == "*":
            return None  # the positions after it are unknown
        if arg.star:
            continue
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg.value
        elif positional == position:
            return arg.value
        else:
            positional += 1
    return None


def _has_star(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def _assigned_value(ctx: Context, target: cst.CSTNode) -> cst.BaseExpression | None:
    parent = ctx.parent(target)
    statement = ctx.parent(parent) if isinstance(parent, cst.AssignTarget) else None
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        return statement.value
    return None


def _stored_names(node: cst.CSTNode) -> set[str]:
    """Names a statement binds in its own scope (not inside nested functions or classes)."""
    names: set[str] = set()

    def targets(target):
        if isinstance(target, cst.Name):
            names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                targets(element.value)
        elif isinstance(target, cst.StarredElement):
            targets(target.value)

    class _Visit(cst.CSTVisitor):
        def visit_Assign(self, n):
            for t in n.targets:
                targets(t.target)

        def visit_AugAssign(self, n):
            targets(n.target)

        def visit_AnnAssign(self, n):
            targets(n.target)

        def visit_For(self, n):
            targets(n.target)

        def visit_AsName(self, n):
            targets(n.name)

        def visit_NamedExpr(self, n):
            targets(n.target)

        def visit_FunctionDef(self, n):
            names.add(n.name.value)
            return False

        def visit_ClassDef(self, n):
            names.add(n.name.value)
            return False

        def visit_Lambda(self, n):
            return False

    node.visit(_Visit())
    return names


def _loaded_names(node: cst.BaseExpression) -> list[str]:
    found: list[str] = []

    class _Visit(cst.CSTVisitor):
        def visit_Attribute(self, n: cst.Attribute):
            n.value.visit(self)
            return False

        def visit_Arg(self, n: cst.Arg):
            n.value.visit(self)
            return False

        def visit_Name(self, n: cst.Name):
            found.append(n.value)

    node.visit(_Visit())
    return found
