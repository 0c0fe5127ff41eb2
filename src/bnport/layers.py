"""Where converted layer objects are in a module.

A converted BatchNorm is a MindSpore cell, not a torch module, so every use of one must be mapped
or reported (``layer_uses``). This module finds the expressions that hold one:

- a converted constructor call, and what holds its result: a name, ``self.<attr>`` (in the class
  and its subclasses in the file), a tuple element, a list or other collection (its elements, in
  loops and subscripts), an instance of a class whose ``self.<attr>`` is one (``block.bn``);
- the subject of a type test, inside what the test guards: ``isinstance(m, <BN>)`` (also through
  an alias or a tuple constant of classes), ``type(m) is/== <BN>`` (also through ``t = type(m)``),
  a class-name test (``m.__class__.__name__.find('BatchNorm') != -1``); the guarded region is the
  ``if`` body, the rest of an ``and``, a comprehension's element, or the rest of the block after
  ``if not isinstance(m, <BN>): continue``;
- a parameter annotated with a BatchNorm class, or one that every call in the file passes a layer;
- ``self`` in a subclass (and its subclasses in the file).

A value held only by layers of one kind is *certain*: its torch names are rewritten. One that may
also hold something else (two assignments, ``a if c else b``, a class-name test, an ``isinstance``
tuple with other classes) is *uncertain*: its torch names are reported, never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import libcst as cst

from bnport.classrefs import ClassFlow, _local_definition, is_type_check, param_for, returns_of
from bnport.context import Context
from bnport.expressions import code_of, string_text, strip_parens
from bnport.index import Scope
from bnport.named_attributes import HOLE, NamedAccess, key_matches, named_accesses
from bnport.resolve import qualified_name
from bnport.rules import Api, Rule

_LOOKS = frozenset({"isinstance", "issubclass", "type", "id", "print", "repr", "str", "hash", "len", "vars", "dir",
                    "callable", "bool", "format"})
_BY_NAME = frozenset({"getattr", "hasattr", "setattr", "delattr"})


@dataclass(frozen=True)
class Layer:
    rule: Rule
    api: Api


@dataclass(frozen=True)
class Fact:
    """What an expression holds: a converted layer (or a collection of them)."""

    layer: Layer
    certain: bool
    line: int  # where the layer was built or recognised, for messages
    origin: int  # id of that node: escapes are reported once per origin
    collection: bool = False  # a list / tuple / ModuleList of such layers
    others: str = ""  # the other classes a type test allows (reported by name)
    own: bool = False  # `self` in the layer's own class (a subclass): its methods run as the layer

    def element(self) -> Fact:
        return replace(self, collection=False)

    def uncertain(self) -> Fact:
        return replace(self, certain=False)


def same_kind(layers) -> bool:
    """Layers whose members are named alike (BatchNorm2d and SyncBatchNorm; not BatchNorm3d)."""
    first = layers[0]
    return all(l.api.attribute_path == first.api.attribute_path and l.rule.attributes == first.rule.attributes
               for l in layers)


def combine(facts: list[Fact | None]) -> Fact | None:
    """The fact for a value that is any of these: certain only if all are certain layers of one kind."""
    known = [f for f in facts if f is not None]
    if not known:
        return None
    first = known[0]
    alike = (len(known) == len(facts) and all(f.certain and f.collection == first.collection for f in known)
             and same_kind([f.layer for f in known]))
    return first if alike else first.uncertain()


class LayerObjects:
    """Facts about expressions, computed on demand from the module's bindings."""

    def __init__(self, ctx: Context, flow: ClassFlow):
        self.ctx, self.flow = ctx, flow
        self.constructed: dict[cst.Call, Layer] = {}  # converted constructor calls
        self.maybe_constructed: dict[cst.Call, Layer] = {}  # calls that may build a converted layer or another
        self.subclasses: dict[cst.ClassDef, Layer] = {}  # classes in the file whose base is a converted class
        self.layer_classes: dict[int, Layer] = {}  # id of an expression naming a converted class -> its layer
        self.mixed_classes: set[int] = set()  # ids of those that stand for several kinds (Keras' BatchNormalization)
        self._bindings: dict[tuple, Fact | None] = {}
        self._stack: set[tuple] = set()
        self._classes: dict[str, list[cst.ClassDef]] | None = None
        self._named: list[NamedAccess] | None = None
        self._adding: set[tuple] = set()  # bindings whose added elements are being looked for
        self._storing: set[tuple] = set()  # bindings whose stored values are being read
        self._returning: set[cst.FunctionDef] = set()  # functions whose returned values are being read
        self._returns: dict[cst.FunctionDef, Fact | None] = {}
        self.comprehension_facts: dict[int, Fact] = {}  # id of a filtering comprehension -> its elements' fact
        self.filters: list[cst.Call] = []  # `filter(lambda m: isinstance(m, BN), ms)` calls: collections of layers

    # -- what an expression holds --
    def value(self, node: cst.BaseExpression) -> Fact | None:
        ctx = self.ctx
        node = strip_parens(node)
        if isinstance(node, cst.Call):
            layer = self.constructed.get(node) or self._instance_layer(node)
            if layer is not None:
                return Fact(layer, True, ctx.position(node)[0], id(node))
            if id(node) in self.comprehension_facts:  # `filter(lambda m: isinstance(m, BN), ms)`
                return replace(self.comprehension_facts[id(node)], collection=True)
            if self.is_copy(node):  # `copy.deepcopy(bn)` is a layer like bn
                return self.value(node.args[0].value)
            if node in self.maybe_constructed:
                return Fact(self.maybe_constructed[node], False, ctx.position(node)[0], id(node))
            if self._container(node):
                held = combine([self.value(a.value) for a in node.args if not a.keyword])
                if held is not None:
                    return held if held.collection else replace(held, collection=True)
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "values" and not node.args:
                held = self.value(node.func.value)  # `layers.values()` of a dict of layers
                return held if held is not None and held.collection else None
            function = _local_definition(ctx, node.func, cst.FunctionDef)
            held = self.returned(function) if function is not None else None  # `make_norm(c)` of this file
            if held is not None:
                return held
            read = next((a for a in self.named() if a.call is node and not a.store), None)
            if read is not None:  # `getattr(self, f"bn{i}")`
                owner = self.owner_class(read.subject)
                held = self.binding(("attr", owner, read.key)) if owner is not None else None
                return held.uncertain() if held is not None and read.default else held
            if isinstance(node.func, cst.Attribute):  # `bn.eval()`: a method that gives the layer back
                held = self.value(node.func.value)
                spec = held.layer.rule.attributes.get(node.func.attr.value) if held is not None and not held.collection else None
                if spec is not None and spec.returns_self:
                    return held
            return None
        if isinstance(node, cst.Name):
            return self.binding(self._name_key(node))
        if isinstance(node, cst.Attribute):
            return self.attribute(node)
        if isinstance(node, cst.Subscript):
            held = self.value(node.value)
            return held.element() if held is not None and held.collection else None
        if isinstance(node, cst.IfExp):
            return combine([self.value(node.body), self.value(node.orelse)])
        if isinstance(node, cst.BooleanOperation):
            held = combine([self.value(node.left), self.value(node.right)])
            return held.uncertain() if held is not None else None
        if isinstance(node, cst.Dict):  # `{"bn": nn.BatchNorm2d(c)}`: its values
            values = [e.value for e in node.elements if isinstance(e, cst.DictElement)]
            held = combine([self.value(v) for v in values]) if values else None
            return replace(held, collection=True) if held is not None and len(values) == len(node.elements) else None
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            elements = [e.value for e in node.elements if not isinstance(e, cst.StarredElement)]
            held = combine([self.value(e) for e in elements]) if elements else None
            return replace(held, collection=True) if held is not None and len(elements) == len(node.elements) else None
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            held = self._guarded_element(node) or self.value(node.value if isinstance(node, cst.DictComp) else node.elt)
            return replace(held, collection=True) if held is not None and not held.collection else None
        return None

    def attribute(self, node: cst.Attribute) -> Fact | None:
        """`self.<attr>` in a class (or a subclass), or `<instance>.<attr>` of a class in the file. An
        object that only may be an instance of such a class (an element of a collection changed after it
        was built) may hold the class's layer: uncertain."""
        owner = self.owner_class(node.value)
        if owner is not None:
            return self.binding(("attr", owner, node.attr.value))
        held = combine([self.binding(("attr", k, node.attr.value)) for k in self.possible_classes(node.value)])
        return held.uncertain() if held is not None else None

    def owner_class(self, node: cst.BaseExpression, depth: int = 0) -> cst.ClassDef | None:
        """The class in this file whose instance an expression is, where that is certain: `self`,
        `Block(c)`, a function that returns one, a name or attribute every store gives one
        (`model.stem` where Net's `self.stem = Stem(c)`), an element of a collection of them."""
        node = strip_parens(node)
        if depth > 6:
            return None
        if isinstance(node, cst.Name) and node.value == "self":
            return self.flow.enclosing_class(node)
        if isinstance(node, cst.Call):  # `Block().bn1`, `make_block(c).bn1`
            klass = self._called_class(node)
            if klass is None and (function := _local_definition(self.ctx, node.func, cst.FunctionDef)) is not None:
                returns = [r.value for r in returns_of(function)]
                klass = self._one_class(returns, depth) if returns and None not in returns else None
            return klass
        if isinstance(node, cst.Name):
            key = self._name_key(node)
            if key is not None and key[0] == "param":  # `def fuse(m: Block)`: the annotation is trusted
                return self._annotated_class(key[1])
            return self._one_class(self._stored_values(key), depth)
        if isinstance(node, cst.Attribute):
            owner = self.owner_class(node.value, depth + 1)
            return self._one_class(self._stored_values(("attr", owner, node.attr.value)), depth) if owner else None
        if isinstance(node, cst.Subscript):
            return self._element_class(node.value, depth + 1)
        return None

    def _one_class(self, values, depth: int) -> cst.ClassDef | None:
        """The class all these stored values are instances of, if one."""
        if not values:
            return None
        classes = set()
        for value in values:
            if isinstance(value, _Holding):
                return None  # a container, not an instance
            klass = self._element_class(value.container, depth + 1) if isinstance(value, _Element) else \
                self.owner_class(value, depth + 1)
            if klass is None:
                return None
            classes.add(klass)
        return classes.pop() if len(classes) == 1 else None

    def _element_class(self, container, depth: int) -> cst.ClassDef | None:
        """The class of every element of a collection: `nn.ModuleList([Block(c) for _ in ...])`."""
        if isinstance(container, _Holding):
            return self.owner_class(container.element, depth + 1)
        container = strip_parens(container)
        if depth > 6:
            return None
        if isinstance(container, cst.Call) and self._container(container):
            args = [a for a in container.args if not a.keyword and not a.star]
            if len(args) != len(container.args) or not args:
                return None
            if len(args) == 1 and isinstance(strip_parens(args[0].value), (cst.List, cst.Tuple, cst.ListComp,
                                                                              cst.GeneratorExp, cst.Name)):
                return self._element_class(args[0].value, depth + 1)
            return self._one_class([a.value for a in args], depth)
        if isinstance(container, (cst.List, cst.Tuple)):
            if any(isinstance(e, cst.StarredElement) for e in container.elements):
                return None
            return self._one_class([e.value for e in container.elements], depth)
        if isinstance(container, (cst.ListComp, cst.GeneratorExp)):
            return self.owner_class(container.elt, depth + 1)
        key = None
        if isinstance(container, cst.Name):
            key = self._name_key(container)
        elif isinstance(container, cst.Attribute):
            owner = self.owner_class(container.value, depth + 1)
            key = ("attr", owner, container.attr.value) if owner else None
        values = self._stored_values(key) if key is not None and self._sealed(key) else None
        classes = {self._element_class(v, depth + 1) if not isinstance(v, _Element) else None for v in values or ()}
        return classes.pop() if len(classes) == 1 and values else None

    def possible_classes(self, node, depth: int = 0) -> list[cst.ClassDef]:
        """The classes of this file an expression may be an instance of, from the stores seen (a value
        not seen adds none): where owner_class finds no single certain class."""
        if isinstance(node, _Holding):
            return self.possible_classes(node.element, depth + 1)
        if isinstance(node, _Element):
            return self._possible_elements(node.container, depth + 1)
        node = strip_parens(node)
        if depth > 6:
            return []
        if isinstance(node, cst.Name) and node.value == "self":
            return [k for k in [self.flow.enclosing_class(node)] if k is not None]
        if isinstance(node, cst.Call):
            klass = self._called_class(node)
            if klass is not None:
                return [klass]
            function = _local_definition(self.ctx, node.func, cst.FunctionDef)
            return _union(self.possible_classes(r.value, depth + 1) for r in returns_of(function)
                          if r.value is not None) if function is not None else []
        if isinstance(node, (cst.IfExp, cst.BooleanOperation)):
            sides = (node.body, node.orelse) if isinstance(node, cst.IfExp) else (node.left, node.right)
            return _union(self.possible_classes(side, depth + 1) for side in sides)
        if isinstance(node, cst.Subscript):
            return self._possible_elements(node.value, depth + 1)
        if isinstance(node, cst.Name) and (key := self._name_key(node)) is not None and key[0] == "param":
            return self._annotation_classes(key[1])[0]  # `m: Union[ConvBN, Other]`: maybe a ConvBN
        return _union(self.possible_classes(v, depth + 1) for v in self._possible_stores(node, depth) or ())

    def _possible_stores(self, node, depth: int) -> list | None:
        """The values stored into a name or an attribute (of each class its object may be)."""
        if isinstance(node, cst.Name):
            return self._stored_values(self._name_key(node))
        if isinstance(node, cst.Attribute):
            owners = self.possible_classes(node.value, depth + 1)
            return [v for k in owners for v in self._stored_values(("attr", k, node.attr.value)) or ()]
        return None

    def _possible_elements(self, container, depth: int) -> list[cst.ClassDef]:
        if isinstance(container, _Holding):
            return self.possible_classes(container.element, depth + 1)
        if isinstance(container, _Element) or depth > 6:
            return []
        container = strip_parens(container)
        if isinstance(container, cst.Call) and self._container(container):
            return _union(self._possible_elements(a.value, depth + 1) if len(container.args) == 1 and not isinstance(
                strip_parens(a.value), cst.Call) else self.possible_classes(a.value, depth + 1)
                for a in container.args if not a.keyword)
        if isinstance(container, (cst.List, cst.Tuple, cst.Set)):
            return _union(self.possible_classes(e.value, depth + 1) for e in container.elements)
        if isinstance(container, (cst.ListComp, cst.GeneratorExp)):
            return self.possible_classes(container.elt, depth + 1)
        return _union(self._possible_elements(v, depth + 1) for v in self._possible_stores(container, depth) or ())

    def _sealed(self, key: tuple) -> bool:
        """Whether every read of a container is one whose effect is seen: iterated, indexed, its
        length taken, or grown with append/insert/extend/add_module (not aliased or passed on)."""
        for load in self.loads(key):
            parent = self.ctx.parent(load)
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is load:
                continue
            if isinstance(parent, cst.Subscript) and parent.value is load:
                continue
            if isinstance(parent, cst.Attribute) and parent.value is load:
                continue  # a method: growing ones are read by _with_added; others do not replace elements
            if isinstance(parent, cst.Arg) and isinstance(call := self.ctx.parent(parent), cst.Call) and isinstance(
                    call.func, cst.Name) and call.func.value in ("len", "enumerate", "zip", "reversed", "iter"):
                continue
            return False
        return True

    def binding(self, key: tuple | None) -> Fact | None:
        """A name's or attribute's fact: what all its stores hold."""
        if key is None:
            return None
        if key in self._bindings:
            return self._bindings[key]
        if key in self._stack:
            return None  # a cycle: nothing is learned from it
        self._stack.add(key)
        try:
            fact = self._binding(key)
        finally:
            self._stack.discard(key)
        self._bindings[key] = fact
        return fact

    def _binding(self, key: tuple) -> Fact | None:
        if key[0] == "param":
            return self._parameter(key[1])
        values = self._stored_values(key)
        if not values:
            return None
        return combine([self._stored_fact(value) for value in values])

    def _stored_fact(self, value) -> Fact | None:
        if isinstance(value, _Holding):
            held = self.value(value.element)
            return replace(held, collection=True) if held is not None and not held.collection else None
        if isinstance(value, _Element):
            held = self.value(value.container)
            return held.element() if held is not None and held.collection else None
        if value is None:
            return None
        return self.value(value)

    # -- bindings: every value stored into a name or attribute --
    def _name_key(self, node: cst.Name) -> tuple | None:
        scope = self.ctx.scopes.get(node)
        if scope is None:
            return None
        assignments = scope[node.value]
        if not assignments:
            return None
        owner = next(iter(assignments)).scope
        if any(a.scope is not owner for a in assignments):
            return None
        if len(assignments) == 1 and isinstance(next(iter(assignments)).node, cst.Param):
            return ("param", next(iter(assignments)).node)
        return ("name", owner, node.value)

    def _stored_values(self, key: tuple) -> list | None:
        if key in self._storing:
            return None  # a cycle (`self.a.add_module(...)` while finding what self.a holds): not known
        self._storing.add(key)
        try:
            values = self._assigned_values(key)
            return self._with_added(key, values) if values is not None else None
        finally:
            self._storing.discard(key)

    def _with_added(self, key: tuple, values: list) -> list:
        """`layers.append(bn)`, `.insert(i, bn)`, `.extend(bns)` on a binding's reads add elements to
        what it holds; an empty container it starts as (`nn.ModuleList()`, `[]`) then holds nothing."""
        if key[0] not in ("name", "attr"):
            return values
        added = self._added(key, any(self._is_container(v) for v in values))
        if not added:
            return values
        return [v for v in values if not self._empty_container(v)] + added

    def _added(self, key: tuple, container: bool) -> list:
        """What the reads of a binding add to the container it holds (also in the functions of the file
        it is passed to: `add_head(self.blocks, c)`)."""
        if key in self._adding:
            return []
        self._adding.add(key)
        added = []
        try:
            for load in self.loads(key):
                method = self.ctx.parent(load)
                if container and isinstance(method, (cst.Assign, cst.AnnAssign)) and method.value is load:
                    added.append(_OPAQUE)  # `more = norms`: what is added through the alias is not seen
                    continue
                if container and isinstance(method, cst.Arg) and isinstance(call := self.ctx.parent(method), cst.Call):
                    function = _local_definition(self.ctx, call.func, cst.FunctionDef)
                    param = param_for(function, call, method) if function is not None else None
                    if param is not None:
                        added += self._added(("param", param), True)
                    continue
                if isinstance(method, cst.Subscript) and method.value is load and self.flow.is_store(method):
                    stored = self._store_value(method)  # `self.blocks[-1] = GNBlock(c)`
                    added.append(_Holding(stored) if isinstance(stored, cst.BaseExpression) else _OPAQUE)
                    continue
                call = self.ctx.parent(method) if isinstance(method, cst.Attribute) and method.value is load else None
                if (isinstance(call, cst.Call) and call.func is method and method.attr.value in self.ctx.ruleset.named_stores
                        and len(call.args) == 2):
                    added.append(_Holding(call.args[1].value))  # `seq.add_module("gn", GNBlock(c))`
                    continue
                if not (isinstance(call, cst.Call) and call.func is method and method.attr.value in GROWS):
                    continue
                args = [a.value for a in call.args if not a.keyword and not a.star]
                if len(args) != len(call.args) or len(args) != GROWS[method.attr.value] + 1:
                    added.append(_OPAQUE)
                elif method.attr.value == "extend":
                    added.append(args[-1])
                else:
                    added.append(_Holding(args[-1]))
        finally:
            self._adding.discard(key)
        return added

    def _is_container(self, value) -> bool:
        value = strip_parens(value) if isinstance(value, cst.BaseExpression) else None
        return isinstance(value, (cst.List, cst.Dict, cst.ListComp, cst.DictComp)) or (
            isinstance(value, cst.Call) and self._container(value))

    def _empty_container(self, value) -> bool:
        value = strip_parens(value) if not isinstance(value, _Element) else None
        if isinstance(value, (cst.List, cst.Tuple, cst.Dict)):
            return not value.elements
        return isinstance(value, cst.Call) and not value.args and self._container(value)

    def _assigned_values(self, key: tuple) -> list | None:
        """The expressions stored into a binding (an _Element for a loop variable); None if any store
        cannot be read (augmented, with-as, except-as, a parameter, an import, a def)."""
        if key is None:
            return None  # a name bound nowhere in sight (a builtin, a star import)
        if key[0] == "name":
            scope: Scope = key[1]
            values = []
            for assignment in scope.assignments[key[2]]:
                value = self._store_value(assignment.node)
                if value is _UNKNOWN:
                    return None
                if value is not _NOTHING:
                    values.append(value)
            return values
        if key[0] == "attr":
            klass, name = key[1], key[2]
            values = []
            related = self.related_classes(klass)
            # a base class's methods store into this class's instances too (its __init__ runs first)
            storing = related + [b for b in self.local_bases(klass, transitive=True) if b not in related]
            stores = {id(n): n for owner in storing for attr, nodes in self.flow.self_attributes(owner).items()
                      if key_matches(attr, name) for n in nodes if self.flow.is_store(n)}
            # `block.bn = nn.GroupNorm(...)` from outside the class replaces the attribute too
            stores.update({id(n): n for n in self.attributes_named(name)
                           if self.flow.is_store(n) and self.owner_class(n.value) in related})
            for node in stores.values():
                value = self._store_value(node)
                if value is _UNKNOWN:
                    return None
                if value is not _NOTHING:
                    values.append(value)
            own = HOLE not in name and bool(values)  # the attribute has stores of its own
            for store in self.named():
                if not store.store or (store.key is not None and not key_matches(store.key, name, numbered=own)):
                    continue
                if self.owner_class(store.subject) in related:
                    # `add_module(name, m)` under a computed name: any attribute may be this one
                    values.append(_OPAQUE if store.key is None else store.value)
            values += self._property_values(name, related)
            for owner in storing:
                for statement in owner.body.body:  # class-level `name = ...`
                    for small in getattr(statement, "body", ()) if isinstance(statement, cst.SimpleStatementLine) else ():
                        if isinstance(small, cst.Assign) and any(
                                isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
                            values.append(small.value)
            return values
        return None

    def named(self) -> list[NamedAccess]:
        """Every `setattr` / `getattr` / `add_module` with a literal or f-string name in the module."""
        if self._named is None:
            self._named = named_accesses(self.ctx, self.ctx.ruleset.named_stores, self._builtin)
        return self._named

    def _property_values(self, name: str, related: list[cst.ClassDef]) -> list:
        """What a `@property` named `name` returns (mmpretrain's `def norm1(self): return self._norm1`)."""
        values = []
        for owner in related:
            for statement in owner.body.body:
                if (isinstance(statement, cst.FunctionDef) and statement.name.value == name and any(
                        isinstance(d.decorator, cst.Name) and d.decorator.value == "property" for d in statement.decorators)):
                    returns = [r.value for r in returns_of(statement)]
                    values += returns if returns and None not in returns else [_OPAQUE]
        return values

    def _store_value(self, target: cst.CSTNode):
        """The value a store writes: an expression, an _Element (a loop variable), or _UNKNOWN."""
        ctx = self.ctx
        if isinstance(target, cst.Param):
            return _OPAQUE  # what a caller passes: unknown, but the name's other stores still count
        parent = ctx.parent(target)
        if isinstance(parent, cst.AssignTarget):
            statement = ctx.parent(parent)
            return statement.value if len(statement.targets) == 1 else _UNKNOWN
        if isinstance(parent, cst.AnnAssign) and parent.target is target:
            return parent.value if parent.value is not None else _NOTHING  # `m: nn.BatchNorm2d` binds nothing
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List)):
            tuple_ = ctx.parent(parent)
            holder = ctx.parent(tuple_)
            index = next(i for i, e in enumerate(tuple_.elements) if e is parent)
            if isinstance(holder, cst.AssignTarget):
                value = strip_parens(ctx.parent(holder).value)
                if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(tuple_.elements) and not any(
                        isinstance(e, cst.StarredElement) for e in value.elements):
                    return value.elements[index].value
            if isinstance(holder, (cst.For, cst.CompFor)) and holder.target is tuple_:
                container = self.zipped(holder.iter, index, len(tuple_.elements))
                return _Element(container) if container is not None else _UNKNOWN
            return _UNKNOWN
        if isinstance(parent, cst.For) and parent.target is target:
            return _Element(parent.iter)
        if isinstance(parent, cst.CompFor) and parent.target is target:
            return _Element(parent.iter)
        return _UNKNOWN

    def zipped(self, iterable, index: int, width: int):
        """`for i, bn in enumerate(bns)`, `for conv, bn in zip(convs, bns)`, `for name, bn in
        bns.items()`: the container whose elements the `index`-th loop variable takes (builtin
        enumerate and zip only)."""
        call = strip_parens(iterable)
        if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "items"
                and not call.args and width == 2 and index == 1):
            return call.func.value
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in ("enumerate", "zip")
                and not any(a.star or a.keyword for a in call.args) and self._builtin(call.func)):
            return None
        if call.func.value == "enumerate":
            return call.args[0].value if len(call.args) == 1 and width == 2 and index == 1 else None
        return call.args[index].value if len(call.args) == width else None

    def _builtin(self, name: cst.Name) -> bool:
        scope = self.ctx.scopes.get(name)
        return scope is not None and not scope[name.value]

    def _parameter(self, param: cst.Param) -> Fact | None:
        """A parameter: annotated with a BatchNorm class (and no call in the file visibly passes
        something else), or passed a layer by every call in the file."""
        ctx = self.ctx
        function = ctx.parent(ctx.parent(param))
        if param.annotation is not None:
            layer = self.layer_classes.get(id(strip_parens(param.annotation.annotation)))
            if layer is not None:
                annotated = Fact(layer, True, ctx.position(param)[0], id(param))
                # The annotation is a promise the calls in the file may break (a FrozenBatchNorm2d passed
                # where nn.BatchNorm2d is annotated): what they visibly pass decides; the rest is trusted.
                facts = [annotated]
                for call in (self._calls_of(function) if isinstance(function, cst.FunctionDef) else None) or ():
                    fact = self._passed(call, function, param)
                    if fact is None and not self._other_object(self._passed_value(call, function, param)):
                        fact = annotated  # what it passes is out of sight
                    facts.append(fact)
                return combine(facts)
        if not isinstance(function, cst.FunctionDef):
            return None
        calls = self._calls_of(function)
        if not calls:
            return None
        facts = [self._passed(call, function, param) for call in calls]
        fact = combine(facts)
        return fact

    def _calls_of(self, function: cst.FunctionDef) -> list[cst.Call] | None:
        """Every call of a function in the file (a class's `__init__`: of the class), if it is only
        ever called directly by name (a class may also be type-tested)."""
        klass = _init_class(self.ctx, function)
        definition = klass or function
        scope = self.ctx.scopes.get(definition)
        if scope is None:
            return None
        calls = []
        for assignment in scope.assignments[definition.name.value]:
            if assignment.node is not definition:
                return None
            for access in assignment.references:
                parent = self.ctx.parent(access.node)
                if isinstance(parent, cst.Call) and parent.func is access.node:
                    calls.append(parent)
                elif not (klass is not None and isinstance(parent, cst.Arg)
                          and isinstance(test := self.ctx.parent(parent), cst.Call) and is_type_check(test)):
                    return None  # passed around (a base, a value): called from elsewhere with anything
        return calls

    def _passed(self, call: cst.Call, function: cst.FunctionDef, param: cst.Param) -> Fact | None:
        value = self._passed_value(call, function, param)
        return self.value(value) if value is not None else None

    @staticmethod
    def _passed_value(call: cst.Call, function: cst.FunctionDef, param: cst.Param) -> cst.BaseExpression | None:
        """What a call gives the parameter (its default if nothing); None where it cannot be told."""
        params = list(function.params.params)[1:] if function.name.value == "__init__" else list(function.params.params)
        position = params.index(param) if param in params else None
        for index, arg in enumerate(call.args):
            if arg.star:
                return None
            if (arg.keyword is not None and arg.keyword.value == param.name.value) or (
                    arg.keyword is None and index == position):
                return arg.value
        return param.default

    def _other_object(self, value) -> bool:
        """Visibly not a converted layer: an instance of another class of this file, or of a
        source-framework class that is not converted (`nn.GroupNorm(...)`), directly or through a
        name that holds only such instances."""
        value = strip_parens(value) if value is not None else None
        if isinstance(value, cst.Name):
            values = self._stored_values(self._name_key(value))
            return bool(values) and all(not isinstance(v, (_Element, _Holding)) and self._other_object(v) for v in values)
        if not isinstance(value, cst.Call) or value in self.constructed or value in self.maybe_constructed:
            return False
        klass = self._class_named(value.func)
        if klass is not None:
            return self.subclass_layer(klass) is None
        name = qualified_name(self.ctx, value.func)
        roots = {source.split(".")[0] for source in self.ctx.ruleset.by_source}
        return name is not None and name.split(".")[0] in roots and name not in self.ctx.ruleset.by_source

    # -- classes in the file --
    def related_classes(self, klass: cst.ClassDef) -> list[cst.ClassDef]:
        """The class and its subclasses in the file (they share `self.<attr>`)."""
        found = [klass]
        for other in self._all_classes():
            if other is not klass and klass in self.local_bases(other, transitive=True):
                found.append(other)
        return found

    def local_bases(self, klass: cst.ClassDef, transitive: bool = False) -> list[cst.ClassDef]:
        bases = []
        for base in klass.bases:
            target = self._class_named(base.value)
            if target is not None and target is not klass and target not in bases:
                bases.append(target)
                if transitive:
                    bases += [b for b in self.local_bases(target, True) if b not in bases]
        return bases

    def _class_named(self, node) -> cst.ClassDef | None:
        if not isinstance(node, cst.Name):
            return None
        scope = self.ctx.scopes.get(node)
        assignments = scope[node.value] if scope is not None else ()
        if len(assignments) == 1 and isinstance(next(iter(assignments)).node, cst.ClassDef):
            return next(iter(assignments)).node
        return None

    def _annotated_class(self, param: cst.Param) -> cst.ClassDef | None:
        """The class of this file a parameter's annotation names (`Block`, `"Block"`, `Optional[Block]`),
        when it names no other class."""
        classes, complete = self._annotation_classes(param)
        return classes[0] if complete and len(classes) == 1 else None

    def _annotation_classes(self, param: cst.Param) -> tuple[list[cst.ClassDef], bool]:
        """(the classes of this file an annotation names, whether it names nothing else but None)."""
        if param.annotation is None:
            return [], False
        found, complete = [], True

        def visit(node, depth: int = 0) -> None:
            nonlocal complete
            node = strip_parens(node)
            if depth > 4:
                complete = False
            elif isinstance(node, cst.Name) and node.value == "None":
                pass
            elif isinstance(node, cst.Name):
                klass = self._class_named(node)  # through the scope: not a nested class of the same name
                if klass is None:
                    complete = False
                elif klass not in found:
                    found.append(klass)
            elif isinstance(node, cst.SimpleString):
                named = self._classes_by_name().get(string_text(node) or "", [])
                if len(named) == 1 and isinstance(self.ctx.parent(named[0]), cst.Module):
                    found.append(named[0]) if named[0] not in found else None
                else:
                    complete = False
            elif isinstance(node, cst.Subscript) and (qualified_name(self.ctx, node.value) or code_of(node.value)).rsplit(
                    ".", 1)[-1] in ("Optional", "Union"):
                for element in node.slice:
                    if isinstance(element.slice, cst.Index):
                        visit(element.slice.value, depth + 1)
            elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
                visit(node.left, depth + 1)
                visit(node.right, depth + 1)
            else:
                complete = False

        visit(param.annotation.annotation)
        return found, complete

    def _classes_by_name(self) -> dict[str, list[cst.ClassDef]]:
        self._all_classes()
        return self._classes

    def _all_classes(self) -> list[cst.ClassDef]:
        if self._classes is None:
            self._classes = {}
            for scope in self.ctx.index.all_scopes:
                for assignment in scope.assignments:
                    if isinstance(assignment.node, cst.ClassDef):
                        self._classes.setdefault(assignment.name, []).append(assignment.node)
        return [k for ks in self._classes.values() for k in ks]

    def _called_class(self, value) -> cst.ClassDef | None:
        value = strip_parens(value) if value is not None and not isinstance(value, (_Element, _Holding)) else None
        return self._class_named(value.func) if isinstance(value, cst.Call) else None

    def _instance_layer(self, call: cst.Call) -> Layer | None:
        """A call of a class in the file that subclasses a converted class (directly or not)."""
        klass = self._class_named(call.func)
        return self.subclass_layer(klass) if klass is not None else None

    def subclass_layer(self, klass: cst.ClassDef) -> Layer | None:
        if klass in self.subclasses:
            return self.subclasses[klass]
        for base in self.local_bases(klass, transitive=True):
            if base in self.subclasses:
                return self.subclasses[base]
        return None

    def _container(self, call: cst.Call) -> bool:
        """`list(...)`, `tuple(...)`, `nn.ModuleList([...])`, `nn.Sequential(...)`: their elements are the arguments'."""
        if isinstance(call.func, cst.Name) and call.func.value in ("list", "tuple", "dict"):
            return True
        name = qualified_name(self.ctx, call.func) or ""
        return name.rsplit(".", 1)[-1] in ("ModuleList", "ModuleDict", "Sequential", "SequentialCell", "CellList", "CellDict")

    def returned(self, function: cst.FunctionDef) -> Fact | None:
        """What a function of this file returns (computed once per function: chains of factories)."""
        if function in self._returns:
            return self._returns[function]
        if function in self._returning or isinstance(function.asynchronous, cst.Asynchronous):
            return None
        returns = [r.value for r in returns_of(function)]
        self._returning.add(function)
        try:
            held = combine([self.value(v) for v in returns]) if returns and None not in returns else None
        finally:
            self._returning.discard(function)
        self._returns[function] = held
        return held

    def is_copy(self, call: cst.Call) -> bool:
        """`copy.deepcopy(x)` / `copy.copy(x)`: an object like x."""
        return (len(call.args) == 1 and not call.args[0].star and call.args[0].keyword is None
                and qualified_name(self.ctx, call.func) in ("copy.deepcopy", "copy.copy"))

    def _guarded_element(self, comprehension) -> Fact | None:
        """`[m for m in ms if isinstance(m, BN)]`: the elements the comprehension's tests let through."""
        return self.comprehension_facts.get(id(comprehension))

    # -- attribute nodes by name, for `<instance>.<attr>` --
    def attributes_named(self, name: str) -> list[cst.Attribute]:
        return self.flow.attributes_named(name)

    def attributes_matching(self, key: str) -> list[cst.Attribute]:
        """The attribute nodes a name or an f-string pattern (`bn{}`) may read."""
        if HOLE not in key:
            return self.attributes_named(key)
        self.attributes_named(key)
        return [n for name, nodes in self.flow._attributes.items() if key_matches(key, name) for n in nodes]

    def possible_loads(self, key: tuple) -> list[cst.Attribute]:
        """`<x>.<attr>` where x only may be an instance of the key's class (or one related to it)."""
        if key[0] != "attr" or HOLE in key[2]:
            return []
        related = self.related_classes(key[1])
        return [node for node in self.attributes_named(key[2])
                if not self.flow.is_store(node) and self.owner_class(node.value) is None
                and any(k in related for k in self.possible_classes(node.value))]

    def loads(self, key: tuple) -> Iterator[cst.CSTNode]:
        """The expressions that read a binding."""
        if key[0] in ("name", "param"):
            if key[0] == "param":
                scope = self.ctx.scopes.get(key[1].name)
                assignments = scope.assignments[key[1].name.value] if scope is not None else ()
            else:
                assignments = key[1].assignments[key[2]]
            seen = set()
            for assignment in assignments:
                for access in assignment.references:
                    if id(access.node) not in seen:
                        seen.add(id(access.node))
                        yield access.node
        elif key[0] == "attr":
            klass, name = key[1], key[2]
            related = self.related_classes(klass)
            for node in self.attributes_matching(name):
                if self.flow.is_store(node):
                    continue
                if HOLE in name and not key_matches(name, node.attr.value, numbered=True) and any(
                        self.flow.is_store(n) for k in related for n in self.flow.self_attributes(k).get(node.attr.value, ())):
                    continue  # `self.bn_extra`, stored itself, is not one of the `bn{i}`
                owner = self.owner_class(node.value)
                if owner is not None and owner in related:
                    yield node
            for read in self.named():  # `getattr(self, f"bn{i}")` is followed under its own pattern
                if not read.store and read.key == name and self.owner_class(read.subject) in related:
                    yield read.call


def _init_class(ctx, function: cst.FunctionDef) -> cst.ClassDef | None:
    """The class whose `__init__` this is."""
    klass = ctx.parent(ctx.parent(function)) if function.name.value == "__init__" else None
    return klass if isinstance(klass, cst.ClassDef) else None


def _union(groups) -> list:
    found = []
    for group in groups:
        found += [k for k in group if k not in found]
    return found


class _Element:
    """A loop variable's value: an element of `container`."""

    __slots__ = ("container",)

    def __init__(self, container):
        self.container = container


class _Holding:
    """A container's value that holds `element` (added with append / insert)."""

    __slots__ = ("element",)

    def __init__(self, element):
        self.element = element


# methods that add to a container: how many arguments come before the element(s)
GROWS = {"append": 0, "insert": 1, "extend": 0}

_UNKNOWN = object()
_OPAQUE = cst.Ellipsis()  # a value nothing is known of (a property that returns nothing readable)
_NOTHING = object()  # a store that writes no value (a bare annotation)
