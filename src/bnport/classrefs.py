"""Follow a BatchNorm class used as a value, to see where it is called with torch-style arguments.

Once ``norm_layer=nn.BatchNorm2d`` becomes ``norm_layer=mindspore.nn.BatchNorm2d``, every later
``norm_layer(...)`` builds a MindSpore layer, so an argument written for torch there (a momentum
above all) changes meaning. Starting from the rewritten reference, the flow goes through ``or`` /
``if-else``, assignments to names and to ``self.<attr>``, parameter defaults and ``partial``:

- a call through a name that holds only this class (``BN = nn.BatchNorm2d``) is converted like a
  direct call, keeping its callee;
- a call through a name that may hold other classes too, passing more than num_features, gets a
  warning at that call;
- where the class leaves sight (passed to a call, returned, put in a container), one info
  finding at the reference says that arguments given there later are not converted.

Type checks (``isinstance``, comparisons) and annotations do not call the class and need nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.context import Context
from bnport.index import ClassScope
from bnport.rules import Rule

TYPE_CHECKS = ("isinstance", "issubclass")


@dataclass
class Flow:
    escapes: list[cst.CSTNode] = field(default_factory=list)  # where the class leaves sight
    foreign_calls: list[cst.Call] = field(default_factory=list)  # calls that may reach other classes too
    alias_calls: list[tuple[cst.Call, int]] = field(default_factory=list)  # (call, positional offset)


class ClassFlow:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._by_class: dict[cst.ClassDef, dict[str, list[cst.Attribute]]] | None = None

    def follow(self, start: cst.BaseExpression, rule: Rule, offset: int = 0) -> Flow:
        flow = Flow()
        self._expression(start, rule, True, offset, flow, set())
        return flow

    # -- where an expression holding the class goes --
    def _expression(self, node, rule, sole: bool, offset: int, flow: Flow, seen: set):
        ctx = self.ctx
        parent = ctx.parent(node)
        while isinstance(parent, cst.BooleanOperation) or (isinstance(parent, cst.IfExp) and parent.test is not node):
            node, parent, sole = parent, ctx.parent(parent), False  # `x or BN`: x may be another class
        if isinstance(parent, cst.Call) and parent.func is node:
            self._call(parent, rule, sole, offset, flow)
        elif isinstance(parent, cst.Arg):
            owner = ctx.parent(parent)
            if isinstance(owner, cst.Call) and is_type_check(owner):
                return
            if isinstance(owner, cst.ClassDef):
                return  # a base class: the caller reports subclasses
            flow.escapes.append(owner if isinstance(owner, cst.Call) else parent)
        elif isinstance(parent, cst.Element):
            container = ctx.parent(parent)
            holder = ctx.parent(container)
            if isinstance(holder, cst.Arg) and isinstance(ctx.parent(holder), cst.Call) and is_type_check(ctx.parent(holder)):
                return
            if isinstance(holder, (cst.Comparison, cst.ComparisonTarget)):
                return  # `type(m) in (BN1, BN2)`
            flow.escapes.append(container)
        elif isinstance(parent, cst.Param) and parent.default is node:
            self._name(ctx.scopes.get(parent.name), parent.name.value, rule, False, offset, flow, seen)
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            for target in targets:
                self._target(target, rule, sole, offset, flow, seen)
        elif not _inspects(parent, node):
            flow.escapes.append(parent if parent is not None else node)

    def _target(self, target, rule, sole, offset, flow, seen):
        if isinstance(target, cst.Name):
            scope = self.ctx.scopes.get(target)
            self._name(scope, target.value, rule, sole, offset, flow, seen)
            if isinstance(scope, ClassScope):  # a class attribute, reached as self.<name> in methods
                self._self_attribute(self._class_of_body(target), target.value, 1, rule, sole, offset, flow, seen)
        elif isinstance(target, cst.Attribute) and _is_self(target.value):
            klass = self.enclosing_class(target)
            if klass is None:
                flow.escapes.append(target)
                return
            self._self_attribute(klass, target.attr.value, 0, rule, sole, offset, flow, seen)
        else:
            flow.escapes.append(target)

    def _self_attribute(self, klass, name, stores, rule, sole, offset, flow, seen):
        """Loads of self.<name> in the class; `stores` counts assignments made outside methods."""
        key = (id(klass), name)
        if klass is None or key in seen:
            return
        seen.add(key)
        nodes = self.self_attributes(klass).get(name, [])
        stores += sum(1 for n in nodes if self.is_store(n))
        for load in (n for n in nodes if not self.is_store(n)):
            self._expression(load, rule, sole and stores == 1, offset, flow, seen)

    def _class_of_body(self, node) -> cst.ClassDef | None:
        while node is not None and not isinstance(node, cst.ClassDef):
            node = self.ctx.parent(node)
        return node

    def _name(self, scope, name: str, rule, sole: bool, offset: int, flow: Flow, seen: set):
        if scope is None:
            return
        key = (id(scope), name)
        if key in seen:
            return
        seen.add(key)
        assignments = scope.assignments[name]
        sole = sole and len(assignments) == 1
        accesses = {id(a.node): a.node for assignment in assignments for a in assignment.references}
        for node in accesses.values():
            self._expression(node, rule, sole, offset, flow, seen)

    def _call(self, call: cst.Call, rule: Rule, sole: bool, offset: int, flow: Flow):
        if only_first_argument(call, rule, offset):
            return
        if sole:
            flow.alias_calls.append((call, offset))
        else:
            flow.foreign_calls.append(call)

    # -- classes and `self` --
    def enclosing_class(self, node) -> cst.ClassDef | None:
        """The class whose method contains node (for `self.<attr>`)."""
        function = None
        while node is not None:
            node = self.ctx.parent(node)
            if isinstance(node, cst.FunctionDef) and function is None:
                function = node
            elif isinstance(node, cst.ClassDef):
                return node if function is not None else None
        return None

    def self_attributes(self, klass: cst.ClassDef) -> dict[str, list[cst.Attribute]]:
        """Every `self.<name>` in the class's methods (not in nested classes: they have their own self), by name."""
        if self._by_class is None:
            self._by_class = {}
            for attribute in self.ctx.index.self_attributes:
                owner = self._class_of_body(attribute)
                if owner is not None:
                    self._by_class.setdefault(owner, {}).setdefault(attribute.attr.value, []).append(attribute)
        return self._by_class.get(klass, {})

    def is_store(self, node: cst.CSTNode) -> bool:
        parent = self.ctx.parent(node)
        return isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.AnnAssign) and parent.target is node)


def is_type_check(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Name) and call.func.value in TYPE_CHECKS


def only_first_argument(call: cst.Call, rule: Rule, offset: int) -> bool:
    """Passes nothing but the first parameter (num_features), which means the same on both sides."""
    first = rule.source_signature[0] if rule.source_signature else None
    for index, arg in enumerate(call.args):
        if arg.star:
            return False
        if arg.keyword is not None:
            if arg.keyword.value != first:
                return False
        elif index + offset != 0:
            return False
    return True


def _inspects(parent, node) -> bool:
    """The class is only looked at here (annotation, comparison, `not`, a test), never called."""
    if isinstance(parent, (cst.Annotation, cst.Comparison, cst.ComparisonTarget, cst.UnaryOperation, cst.IfExp)):
        return True  # an IfExp reached here holds the class in its test
    return isinstance(parent, (cst.If, cst.While)) and parent.test is node


def _is_self(node) -> bool:
    return isinstance(node, cst.Name) and node.value == "self"
