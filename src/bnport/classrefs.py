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
from bnport.expressions import string_text, strip_parens
from bnport.index import ClassScope, ModuleScope
from bnport.rules import Rule

TYPE_CHECKS = ("isinstance", "issubclass")


@dataclass
class Flow:
    escapes: list[cst.CSTNode] = field(default_factory=list)  # where the class leaves sight
    foreign_calls: list[cst.Call] = field(default_factory=list)  # calls that may reach other classes too
    alias_calls: list[tuple[cst.Call, int]] = field(default_factory=list)  # (call, positional offset)
    tests: list[cst.CSTNode] = field(default_factory=list)  # where it is looked at: type tests, annotations
    bases: list[tuple[cst.CSTNode, cst.ClassDef]] = field(default_factory=list)  # (node, class it is a base of)
    partials: list[tuple[cst.Call, int]] = field(default_factory=list)  # partial(<it>, ...) that hold only it
    exports: list[cst.Name] = field(default_factory=list)  # module-level names listed in __all__ that hold it
    builds: list[tuple[cst.Call, bool]] = field(default_factory=list)  # calls needing no change: (call, only this class)
    tuples: dict[int, bool] = field(default_factory=dict)  # class tuples looked at: whether only type tests read them


class ClassFlow:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._by_class: dict[cst.ClassDef, dict[str, list[cst.Attribute]]] | None = None
        self._attributes: dict[str, list[cst.Attribute]] | None = None

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
                flow.tests.append(node)
                return
            if isinstance(owner, cst.ClassDef):
                if parent in owner.bases:
                    flow.bases.append((node, owner))
                return
            if isinstance(owner, cst.Call) and self._passed(owner, parent, node, rule, sole, offset, flow, seen):
                return
            if isinstance(owner, cst.Call) and _is_default(owner, parent):
                self._expression(owner, rule, False, offset, flow, seen)  # `NORMS.get(t, nn.BatchNorm2d)`
                return
            if isinstance(owner, cst.Call) and parent.keyword is not None and isinstance(owner.func, cst.Name) \
                    and owner.func.value == "dict" and parent.keyword.value not in ctx.ruleset.config_keys \
                    and self._registry(owner, rule, offset, flow, seen):
                return  # `_NORM_MAP = dict(batchnorm=nn.BatchNorm2d, ...)`
            flow.escapes.append(owner if isinstance(owner, cst.Call) else parent)
        elif isinstance(parent, cst.Element):
            container = ctx.parent(parent)
            holder = ctx.parent(container)
            if isinstance(holder, cst.Arg) and isinstance(ctx.parent(holder), cst.Call) and is_type_check(ctx.parent(holder)):
                flow.tests.append(node)
                return
            if isinstance(holder, (cst.Comparison, cst.ComparisonTarget)):
                flow.tests.append(node)
                return  # `type(m) in (BN1, BN2)`
            if self._class_tuple(container, holder, flow, rule, offset, seen):
                return
            if isinstance(holder, cst.Subscript) and holder.value is container:
                index = _literal_key(_subscript_key(holder))
                if not isinstance(index, int) or index == container.elements.index(parent):
                    self._expression(holder, rule, False, offset, flow, seen)  # `(nn.BatchNorm1d, ...)[dim - 1]`
                return
            if isinstance(holder, cst.Return) and holder.value is container and isinstance(container, cst.Tuple) \
                    and self._returned(holder, container.elements.index(parent), rule, sole, offset, flow, seen):
                return  # `return nn.BatchNorm1d, False`: the callers unpack it
            flow.escapes.append(container)
        elif isinstance(parent, cst.DictElement) and parent.value is node:
            container = ctx.parent(parent)
            if not self._registry(container, rule, offset, flow, seen, keys=(_literal_key(parent.key),)):
                flow.escapes.append(container)
        elif isinstance(parent, cst.Param) and parent.default is node:
            self._name(ctx.scopes.get(parent.name), parent.name.value, rule, False, offset, flow, seen)
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            for target in targets:
                self._target(target, rule, sole, offset, flow, seen)
        elif _inspects(parent, node):
            flow.tests.append(node)
        elif isinstance(parent, cst.Return) and parent.value is node and self._returned(
                parent, None, rule, sole, offset, flow, seen):
            return
        else:
            flow.escapes.append(parent if parent is not None else node)

    def _returned(self, statement: cst.Return, index: int | None, rule, sole: bool, offset: int, flow: Flow,
                  seen: set) -> bool:
        """A class returned by a function of this file (not a method), alone or as element `index` of a
        returned tuple: followed at each call; with other returns, calls may build another class. Also
        said to leave where the function may be called out of sight (another module, a reference)."""
        ctx = self.ctx
        function = ctx.parent(statement)
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            function = ctx.parent(function)
        if not isinstance(function, cst.FunctionDef) or isinstance(ctx.parent(ctx.parent(function)), cst.ClassDef):
            return False
        scope = ctx.scopes.get(function)
        # the name bound to something else too (a fallback def, a lambda, an import): calls may run that
        rebound = scope is None or len(scope.assignments[function.name.value]) != 1
        key = ("returned", id(function), index)
        if key in seen:
            return True
        seen.add(key)
        only = sole and len(returns_of(function)) == 1 and not rebound
        registered = self._registered_by_decorator(function, rule, offset, flow, seen)
        names = _direct_calls(ctx, function)
        calls = [ctx.parent(n) for n in names if isinstance(ctx.parent(n), cst.Call) and ctx.parent(n).func is n]
        for call in calls:
            if index is None:
                self._expression(call, rule, only, offset, flow, seen)
            else:
                self._unpacked(call, index, rule, only, offset, flow, seen)
        public = isinstance(ctx.parent(function), cst.Module) and not function.name.value.startswith("_")
        return bool(calls) and len(calls) == len(names) and not public and not rebound and not registered

    def _registered_by_decorator(self, function: cst.FunctionDef, rule, offset: int, flow: Flow, seen: set) -> bool:
        """`@Norm.factory_function("batch") def batch_factory(dim): return nn.BatchNorm2d` (MONAI's
        LayerFactory): the function is registered into `Norm`, so what `Norm[...]` or `Norm.get(...)`
        gives in this file may be the class (calls with arguments are warned)."""
        found = False
        for decorator in function.decorators:
            made = decorator.decorator
            expression = made.func if isinstance(made, cst.Call) else made
            holder = expression.value if isinstance(expression, cst.Attribute) else None
            # the name it is registered under (`factory_function("batch")`), compared without case
            name = string_text(made.args[0].value) if isinstance(made, cst.Call) and made.args else None
            scope = self.ctx.scopes.get(holder) if isinstance(holder, cst.Name) else None
            for assignment in scope[holder.value] if scope is not None else ():
                for access in assignment.references:
                    picked = self.ctx.parent(access.node)
                    first = _first_key(picked) if isinstance(picked, cst.Subscript) else None
                    if name is not None and isinstance(first, str) and first.lower() != name.lower():
                        continue
                    if isinstance(picked, cst.Subscript) and picked.value is access.node and not self.is_store(picked):
                        found = True
                        self._expression(picked, rule, False, offset, flow, seen)
        return found

    def _unpacked(self, call: cst.Call, index: int, rule, sole: bool, offset: int, flow: Flow, seen: set) -> None:
        """Element `index` of a tuple a call returns: `ctor, bias = f(mode)` or `f(mode)[0]`."""
        ctx = self.ctx
        parent = ctx.parent(call)
        if isinstance(parent, cst.Subscript) and parent.value is call and len(parent.slice) == 1 \
                and isinstance(parent.slice[0].slice, cst.Index) and isinstance(parent.slice[0].slice.value, cst.Integer):
            if int(parent.slice[0].slice.value.value) == index:
                self._expression(parent, rule, sole, offset, flow, seen)
            return
        if isinstance(parent, cst.Assign) and parent.value is call:
            for target in (t.target for t in parent.targets):
                if isinstance(target, (cst.Tuple, cst.List)) and index < len(target.elements) and not any(
                        isinstance(e, cst.StarredElement) for e in target.elements):
                    self._target(target.elements[index].value, rule, sole, offset, flow, seen)
                    continue
                flow.escapes.append(call)
            return
        flow.escapes.append(call)  # the tuple goes where it is not followed

    def _passed(self, call: cst.Call, arg: cst.Arg, node, rule, sole: bool, offset: int, flow: Flow, seen: set) -> bool:
        """The class given to `partial(<it>, ...)` or to a function of this file: followed there."""
        ctx = self.ctx
        if call.args and call.args[0] is arg and arg.keyword is None and ctx.name_of(call.func) in ctx.ruleset.partials:
            if only_first_argument(call, rule, offset, skip=1):
                self._expression(call, rule, sole, offset, flow, seen)
            elif sole:
                flow.partials.append((call, offset))
            else:
                flow.foreign_calls.append(call)
            return True
        function, skip, calls = _callee(ctx, call)
        if function is None or arg.star:
            return False
        params = list(function.params.params)[skip:]
        if arg.keyword is not None:
            param = next((p for p in [*params, *function.params.kwonly_params] if p.name.value == arg.keyword.value), None)
        else:
            index = list(call.args).index(arg)
            param = params[index] if index < len(params) and not any(a.keyword or a.star for a in call.args[:index]) else None
        if param is None:
            return False
        # The parameter holds only this class if this is the function's one call and nothing else is a default.
        only = sole and calls == 1 and param.default is None
        self._name(ctx.scopes.get(param.name), param.name.value, rule, only, offset, flow, seen)
        return True

    def _registry(self, container, rule, offset: int, flow: Flow, seen: set, depth: int = 0,
                  keys: tuple = ()) -> bool:
        """`NORM_LAYERS = {"bn": nn.BatchNorm2d, ...}` then `NORM_LAYERS[key](...)` or `.get(key)(...)`:
        calls through it take the arguments of whichever class the key picks. `depth`: the dicts it is
        nested in (`{"batch": {2: nn.BatchNorm2d}}` is picked by `TABLE[name][dims]`)."""
        ctx = self.ctx
        holder = ctx.parent(container)
        if isinstance(container, cst.Dict) and isinstance(holder, cst.Subscript) and holder.value is container:
            self._expression(holder, rule, False, offset, flow, seen)  # `{"BN": BatchNorm2d, ...}[norm]`
            return True
        if isinstance(holder, cst.DictElement) and holder.value is container and depth < 3:
            return self._registry(ctx.parent(holder), rule, offset, flow, seen, depth + 1,
                                  (_literal_key(holder.key), *keys))
        if not (isinstance(holder, cst.Assign) and holder.value is container
                and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name)):
            return False
        target = holder.targets[0].target
        key = ("registry", id(container), keys)
        if key in seen:
            return True
        seen.add(key)
        scope = ctx.scopes.get(target)
        assignments = scope.assignments[target.value] if scope is not None else []
        if len(assignments) != 1:
            return False
        if isinstance(container, cst.Dict):
            values = [e.value for e in container.elements if isinstance(e, cst.DictElement)]
            complete = len(values) == len(container.elements)
        else:  # `dict(batchnorm=nn.BatchNorm2d, ...)`
            values = [a.value for a in container.args if a.keyword is not None]
            complete = len(values) == len(container.args)
        rules = {id(ctx.ruleset.by_source.get(ctx.name_of(v) or "", (None,))[0]) for v in values}
        if not assignments[0].references:
            return False  # read nowhere in this file: where it goes is not seen
        sole = complete and len(rules) == 1 and None not in [
            ctx.ruleset.by_source.get(ctx.name_of(v) or "") for v in values] and not any(
            isinstance(ctx.parent(a.node), cst.Subscript) and self.is_store(ctx.parent(a.node))
            for a in assignments[0].references)
        self._registry_loads(assignments[0], rule, sole and not depth, offset, flow, seen, depth=depth, keys=keys)
        return True

    def _registry_loads(self, assignment, rule, sole: bool, offset: int, flow: Flow, seen: set,
                        key: str | None = None, depth: int = 0, keys: tuple = ()) -> None:
        """`REG[key](...)` and `REG.get(key)(...)`: the class the key picks; `REG[key] = X`: another entry.
        `key`: the one string key the class is stored under; a read of another string key picks another class."""
        ctx = self.ctx
        for access in assignment.references:
            load = access.node
            picked = ctx.parent(load)
            if isinstance(picked, cst.Subscript) and picked.value is load:
                reads = [picked]
                for _ in range(depth):  # `TABLE[name][dims]`
                    inner = ctx.parent(picked)
                    if not (isinstance(inner, cst.Subscript) and inner.value is picked):
                        break
                    picked = inner
                    reads.append(picked)
                if any(None not in (want, got := _literal_key(_subscript_key(read))) and got != want
                       for read, want in zip(reads, keys)):
                    continue  # a literal key other than the one the class is stored under: another entry
                if not self.is_store(picked) and _may_pick(_subscript_key(picked), key) \
                        and ("read", id(picked)) not in seen:
                    seen.add(("read", id(picked)))
                    self._expression(picked, rule, sole, offset, flow, seen)
            elif (isinstance(picked, cst.Attribute) and picked.value is load and picked.attr.value == "get"
                  and isinstance(ctx.parent(picked), cst.Call)):
                call = ctx.parent(picked)
                if _may_pick(call.args[0].value if call.args else None, key) and ("read", id(call)) not in seen:
                    seen.add(("read", id(call)))
                    self._expression(call, rule, False, offset, flow, seen)
            else:
                flow.escapes.append(load)

    def _registered(self, target: cst.Subscript, rule, offset: int, flow: Flow, seen: set) -> bool:
        """`_NORM_LAYERS["BN"] = nn.BatchNorm2d` into a mapping bound once (`{}`, `dict()`, an instance
        of a registry class): a registry whose other entries are not known, so calls through it may
        build another class."""
        ctx = self.ctx
        name = target.value
        if not isinstance(name, cst.Name):
            return False
        scope = ctx.scopes.get(name)
        assignments = [a for a in scope[name.value]] if scope is not None else []
        if len(assignments) != 1:
            return False
        statement = ctx.parent(ctx.parent(assignments[0].node))
        value = strip_parens(statement.value) if isinstance(statement, cst.Assign) else None
        if not isinstance(value, (cst.Dict, cst.Call)):  # a call: `dict()`, `Registry()` (a dict subclass)...
            return False
        # a plain dict gives back what was stored under the key; a registry class may map keys (`.lower()`)
        plain = isinstance(value, cst.Dict) or (isinstance(value.func, cst.Name) and value.func.value == "dict")
        stored = _subscript_key(target) if plain else None
        key = ("registry", id(value), string_text(stored) if stored is not None else None)
        if key not in seen:
            seen.add(key)
            self._registry_loads(assignments[0], rule, False, offset, flow, seen, key[2])
        return True

    def _class_tuple(self, container, holder, flow: Flow, rule, offset: int, seen: set) -> bool:
        """`BN_TYPES = (nn.BatchNorm1d, nn.BatchNorm2d)` read only by type tests: they are its uses."""
        if not (isinstance(holder, cst.Assign) and holder.value is container and len(holder.targets) == 1
                and isinstance(holder.targets[0].target, cst.Name)):
            return False
        if id(container) in flow.tuples:  # (spread into several tuples: looked at once)
            return flow.tuples[id(container)]
        flow.tuples[id(container)] = True  # (a tuple spread into itself: as if tested)
        flow.tuples[id(container)] = only = self._tested_tuple(container, holder, flow, rule, offset, seen)
        return only

    def _tested_tuple(self, container, holder, flow: Flow, rule, offset: int, seen: set) -> bool:
        """Whether every read of the tuple is seen: type tests, a spread into another such tuple, or a
        pick of its classes (`T[0](c, ...)`, `for t in T`), which may be any of them."""
        ctx = self.ctx
        target = holder.targets[0].target
        scope = ctx.scopes.get(target)
        assignments = scope.assignments[target.value] if scope is not None else []
        if len(assignments) != 1:
            return False
        loads = [access.node for access in assignments[0].references]
        if isinstance(scope, ClassScope):  # `_BN_TYPES = (...)` in a class body, read as `self._BN_TYPES`
            klass = self._class_of_body(target)
            loads = [n for owner in self.subclasses(klass) for n in
                     self.self_attributes(owner).get(target.value, []) + self._through_class(owner, target.value)]
            if any(self.is_store(n) for n in loads):
                return False
        elif isinstance(scope, ModuleScope) and target.value in _exported(ctx, scope):
            return False
        for load in loads:
            parent = ctx.parent(load)
            tested = (isinstance(parent, cst.Arg) and isinstance(ctx.parent(parent), cst.Call)
                      and is_type_check(ctx.parent(parent))) or isinstance(parent, (cst.Comparison, cst.ComparisonTarget))
            if tested:
                flow.tests.append(load)
            elif isinstance(parent, cst.StarredElement) and isinstance(outer := ctx.parent(parent), (cst.Tuple, cst.List)):
                if not self._class_tuple(outer, ctx.parent(outer), flow, rule, offset, seen):  # `(*ALL_BNS, nn.LayerNorm)`
                    return False
            elif isinstance(parent, cst.Subscript) and parent.value is load and not self.is_store(parent):
                self._expression(parent, rule, False, offset, flow, seen)  # `T[0](c, momentum=m)`
            elif isinstance(parent, cst.CompFor) and parent.iter is load:
                self._target(parent.target, rule, False, offset, flow, seen)  # `[t(c) for t in T]`
            elif isinstance(parent, cst.For) and parent.iter is load and isinstance(parent.target, cst.Name):
                for read in _loop_reads(ctx, parent):  # `for t in T: t(c, momentum=m)` (this loop's t only)
                    self._expression(read, rule, False, offset, flow, seen)
            else:
                return False
        return True

    def _target(self, target, rule, sole, offset, flow, seen):
        if isinstance(target, cst.Name):
            scope = self.ctx.scopes.get(target)
            self._name(scope, target.value, rule, sole, offset, flow, seen)
            if isinstance(scope, ClassScope):  # a class attribute, reached as self.<name> in methods
                self._self_attribute(self._class_of_body(target), target.value, 1, rule, sole, offset, flow, seen)
            elif isinstance(scope, ModuleScope) and target.value in _exported(self.ctx, scope):
                flow.exports.append(target)
        elif isinstance(target, cst.Attribute) and _is_self(target.value):
            klass = self.enclosing_class(target)
            if klass is None:
                flow.escapes.append(target)
                return
            self._self_attribute(klass, target.attr.value, 0, rule, sole, offset, flow, seen)
        elif not (isinstance(target, cst.Subscript) and self._registered(target, rule, offset, flow, seen)):
            flow.escapes.append(target)

    def _self_attribute(self, klass, name, stores, rule, sole, offset, flow, seen):
        """Loads of self.<name> (also `cls.<name>`, `<Class>.<name>`) in the class and its subclasses in
        the file; `stores` counts assignments made outside methods. A subclass that assigns the name
        again makes it hold another value there."""
        key = (id(klass), name)
        if klass is None or key in seen:
            return
        seen.add(key)
        nodes = []
        for owner in self.subclasses(klass):
            nodes += self.self_attributes(owner).get(name, []) + self._through_class(owner, name)
        stores += sum(1 for n in nodes if self.is_store(n)) + self.stores_around(klass, name)
        for load in (n for n in nodes if not self.is_store(n)):
            self._expression(load, rule, sole and stores == 1, offset, flow, seen)
        # a base class's methods read it too, on instances of this class or of its other subclasses
        for base in self.bases(klass):
            for load in (n for n in self.self_attributes(base).get(name, []) if not self.is_store(n)):
                self._expression(load, rule, False, offset, flow, seen)
        # `cfg.norm_layer(...)` on an instance (a dataclass field's default): the instance may have been
        # given another class, so calls through it may build something else
        for load in self._through_instances(klass, name):
            self._expression(load, rule, False, offset, flow, seen)

    def _through_instances(self, klass: cst.ClassDef, name: str) -> list[cst.Attribute]:
        """`x.<name>` where x may be an instance of the class: a parameter annotated with it, a name
        assigned `Class(...)`, or `self.<attr>` stored from one of those (`self.cfg = cfg`)."""
        return [attribute for attribute in self.attributes_named(name)
                if not self.is_store(attribute) and not _is_self(attribute.value)
                and _local_class(self.ctx, attribute.value) is None  # `Cfg.norm_layer`: the class's own (_through_class)
                and (self._instance_of(attribute.value, klass, set()) or not self._known_other(attribute.value, klass))]

    def _known_other(self, holder, klass: cst.ClassDef) -> bool:
        """Whether `holder` is known not to be an instance of the class: a module, or built only by
        calls of other classes of the file. (An instance made by a factory, a classmethod, a copy, a
        loop over several, another field: it may be one.)"""
        holder = strip_parens(holder)
        if isinstance(holder, cst.Call):
            other = _local_class(self.ctx, holder.func)
            return other is not None and other is not klass and klass not in self.bases(other)
        if not isinstance(holder, cst.Name):
            return False
        scope = self.ctx.scopes.get(holder)
        assignments = list(scope[holder.value]) if scope is not None else []
        if not assignments:
            return True  # a builtin or a name bound nowhere in sight
        for assignment in assignments:
            if isinstance(assignment.node, (cst.Import, cst.ImportFrom)) or type(assignment).__name__ == "ImportAssignment":
                continue
            statement = self.ctx.parent(self.ctx.parent(assignment.node)) if isinstance(assignment.node, cst.Name) else None
            if not (isinstance(statement, cst.Assign) and self._known_other(statement.value, klass)):
                return False
        return True

    def _instance_of(self, holder, klass: cst.ClassDef, seen: set) -> bool:
        holder = strip_parens(holder)
        if isinstance(holder, cst.Call):
            return isinstance(holder.func, cst.Name) and holder.func.value == klass.name.value
        if isinstance(holder, cst.BooleanOperation):  # `cfg or Cfg()`
            return self._instance_of(holder.left, klass, seen) or self._instance_of(holder.right, klass, seen)
        if isinstance(holder, cst.IfExp):
            return self._instance_of(holder.body, klass, seen) or self._instance_of(holder.orelse, klass, seen)
        if isinstance(holder, cst.Name) and not _is_self(holder):
            scope = self.ctx.scopes.get(holder)
            key = (id(scope), holder.value)
            if scope is None or key in seen:
                return False
            seen.add(key)
            return any(self._binds_instance(a.node, klass, seen) for a in scope[holder.value])
        if isinstance(holder, cst.Attribute) and _is_self(holder.value):
            owner = self.enclosing_class(holder)
            key = (id(owner), holder.attr.value)
            if owner is None or key in seen:
                return False
            seen.add(key)
            return any(self._binds_instance(node, klass, seen)
                       for node in self.self_attributes(owner).get(holder.attr.value, ()) if self.is_store(node))
        return False

    def _binds_instance(self, binder, klass: cst.ClassDef, seen: set) -> bool:
        """Whether a parameter or an assignment target binds an instance of the class."""
        if isinstance(binder, cst.Param):
            return binder.annotation is not None and names_class(binder.annotation.annotation, klass.name.value)
        parent = self.ctx.parent(binder)
        if isinstance(parent, cst.AnnAssign) and parent.target is binder:
            return names_class(parent.annotation.annotation, klass.name.value) or (
                parent.value is not None and self._instance_of(parent.value, klass, seen))
        statement = self.ctx.parent(parent) if isinstance(parent, cst.AssignTarget) else None
        return isinstance(statement, cst.Assign) and self._instance_of(statement.value, klass, seen)

    def attributes_named(self, name: str) -> list[cst.Attribute]:
        """Every `<x>.<name>` attribute node of the module."""
        if self._attributes is None:
            self._attributes = {}
            for node in self.ctx.index.parents:
                if type(node) is cst.Attribute:
                    self._attributes.setdefault(node.attr.value, []).append(node)
        return self._attributes.get(name, [])

    def stores_around(self, klass: cst.ClassDef, name: str) -> int:
        """Stores of `<name>` that reach the class's instances besides its own methods': class-level
        ones in its subclasses, and those of its bases (their methods run for it too)."""
        bases = self.bases(klass)
        return (sum(_class_level_stores(owner, name) for owner in self.subclasses(klass) if owner is not klass)
                + sum(_class_level_stores(base, name) for base in bases)
                + sum(1 for base in bases for n in self.self_attributes(base).get(name, []) if self.is_store(n)))

    def bases(self, klass: cst.ClassDef) -> list[cst.ClassDef]:
        """The classes of this file the class derives from (by name, transitively)."""
        found, todo = [], [klass]
        while todo and len(found) < 50:
            for base in todo.pop().bases:
                local = _local_class(self.ctx, base.value)
                if local is not None and local is not klass and local not in found:
                    found.append(local)
                    todo.append(local)
        return found

    def subclasses(self, klass: cst.ClassDef) -> list[cst.ClassDef]:
        """The class and the classes of this file that derive from it (by name, transitively)."""
        found = [klass]
        changed = True
        while changed:
            changed = False
            for scope in self.ctx.index.all_scopes:
                for assignment in scope.assignments:
                    other = assignment.node
                    if isinstance(other, cst.ClassDef) and other not in found and any(
                            isinstance(b.value, cst.Name) and b.value.value in {k.name.value for k in found}
                            for b in other.bases):
                        found.append(other)
                        changed = True
        return found

    def _through_class(self, klass: cst.ClassDef, name: str) -> list[cst.Attribute]:
        """`cls.<name>` in the class's methods and `<Class>.<name>` anywhere."""
        ctx = self.ctx
        found = []
        scope = ctx.scopes.get(klass)
        for assignment in scope.assignments[klass.name.value] if scope is not None else ():
            if assignment.node is klass:
                for access in assignment.references:
                    parent = ctx.parent(access.node)
                    if isinstance(parent, cst.Attribute) and parent.value is access.node and parent.attr.value == name:
                        found.append(parent)
        for statement in klass.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.params.params:
                first = statement.params.params[0].name.value
                if first == "cls":
                    found += [n for n in _attributes_of(statement, first, name)]
        return found

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
            flow.builds.append((call, sole))  # nothing to convert, but it builds a layer (maybe)
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
        """Whether node is written to: an assignment target, also inside a tuple or list target."""
        ctx = self.ctx
        parent = ctx.parent(node)
        while isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
            node, parent = parent, ctx.parent(parent)
        return (isinstance(parent, cst.AssignTarget) or (isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node)
                or (isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node))


def _local_definition(ctx, func, kind):
    """The `def` or `class` (of `kind`) a name is bound to once in this file, or None."""
    if not isinstance(func, cst.Name):
        return None
    scope = ctx.scopes.get(func)
    assignments = list(scope[func.value]) if scope is not None else []
    if len(assignments) == 1 and isinstance(assignments[0].node, kind):
        return assignments[0].node
    return None


def _local_function(ctx, func) -> cst.FunctionDef | None:
    return _local_definition(ctx, func, cst.FunctionDef)


def _callee(ctx, call: cst.Call) -> tuple[cst.FunctionDef | None, int, int]:
    """(the function of this file a call runs, the leading parameters it does not pass, how many
    places call it): a function, a class's __init__ (`ConvBN(c, nn.BatchNorm2d)`), or a base class's
    __init__ through `super().__init__(...)` (which other places may call too: counted as many)."""
    function = _local_function(ctx, call.func)
    if function is not None:
        return function, 0, len(_direct_calls(ctx, function))
    func = call.func
    if (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name) and func.value.func.value == "super" and not func.value.args):
        klass = _enclosing_class(ctx, call)
        bases = [_local_class(ctx, b.value) for b in klass.bases] if klass is not None else []
        init = _init_of(bases[0]) if bases and bases[0] is not None else None
        return init, 1, 2
    klass = _local_class(ctx, func)
    init = _init_of(klass) if klass is not None else None
    if init is None:
        return None, 0, 0
    scope = ctx.scopes.get(klass)
    uses = sum(len(a.references) for a in scope.assignments[klass.name.value]) if scope is not None else 2
    return init, 1, uses


def _local_class(ctx, func) -> cst.ClassDef | None:
    return _local_definition(ctx, func, cst.ClassDef)


def _init_of(klass: cst.ClassDef) -> cst.FunctionDef | None:
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    return next((s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)


def _enclosing_class(ctx, node) -> cst.ClassDef | None:
    current = ctx.parent(node)
    while current is not None and not isinstance(current, cst.ClassDef):
        current = ctx.parent(current)
    return current


def _direct_calls(ctx, function: cst.FunctionDef) -> list:
    scope = ctx.scopes.get(function)
    calls = []
    for assignment in scope.assignments[function.name.value] if scope is not None else ():
        for access in assignment.references:
            calls.append(access.node)
    return calls


def _exported(ctx, scope) -> set[str]:
    """Names a module lists in `__all__` (a list or tuple of strings)."""
    names = set()
    for assignment in scope.assignments["__all__"]:
        statement = ctx.parent(ctx.parent(assignment.node))
        value = getattr(statement, "value", None)
        if isinstance(value, (cst.List, cst.Tuple)):
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString):
                    try:
                        names.add(element.value.evaluated_value)
                    except (ValueError, SyntaxError):
                        pass
    return names


def _class_level_stores(klass: cst.ClassDef, name: str) -> int:
    count = 0
    for statement in klass.body.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign):
                count += sum(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.name.value == name:
            count += 1
    return count


def _attributes_of(function: cst.FunctionDef, owner: str, name: str) -> list[cst.Attribute]:
    found = []

    class _Visit(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute):
            if isinstance(node.value, cst.Name) and node.value.value == owner and node.attr.value == name:
                found.append(node)

    function.body.visit(_Visit())
    return found


def is_type_check(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Name) and call.func.value in TYPE_CHECKS


def only_first_argument(call: cst.Call, rule: Rule, offset: int, skip: int = 0) -> bool:
    """Passes nothing but the first parameter (num_features), which means the same on both sides."""
    first = rule.source_signature[0] if rule.source_signature else None
    for index, arg in enumerate(call.args[skip:]):
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
    if isinstance(parent, cst.MatchClass) and parent.cls is node:
        return True  # `case nn.BatchNorm2d():` tests the match subject's class
    return isinstance(parent, (cst.If, cst.While)) and parent.test is node


def _is_self(node) -> bool:
    return isinstance(node, cst.Name) and node.value == "self"


def own_nodes(node):
    """Nodes under `node`, not inside nested functions, classes or lambdas (their own scopes)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(reversed(current.children))


def returns_of(function: cst.FunctionDef) -> list[cst.Return]:
    return [n for n in own_nodes(function.body) if isinstance(n, cst.Return)]


def param_for(function: cst.FunctionDef, call: cst.Call, arg: cst.Arg, skip: int = 0) -> cst.Param | None:
    """The parameter an argument of a call of `function` binds to, if that can be told; `skip`: the
    leading parameters the call does not pass (a method's self)."""
    params = [*function.params.posonly_params, *function.params.params][skip:]
    if arg.keyword is not None:
        return next((p for p in (*function.params.params, *function.params.kwonly_params)
                     if p.name.value == arg.keyword.value), None)
    if arg.star:
        return None
    index = [a for a in call.args].index(arg)
    if any(a.star or a.keyword for a in call.args[:index]):
        return None
    return params[index] if index < len(params) else None


def _is_default(call: cst.Call, arg: cst.Arg) -> bool:
    """The default of a lookup, which the lookup may give back: `d.get(k, <arg>)`, `d.pop(k, <arg>)`,
    `getattr(x, name, <arg>)`."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("get", "pop", "setdefault"):
        return len(positional) == 2 and positional[1] is arg
    return isinstance(call.func, cst.Name) and call.func.value == "getattr" and len(positional) == 3 \
        and positional[2] is arg


def _loop_reads(ctx, loop: cst.For) -> list:
    """The reads of a `for` loop's variable inside its body (another loop may reuse the name)."""
    scope = ctx.scopes.get(loop.target)
    found = []
    for assignment in scope[loop.target.value] if scope is not None else ():
        for access in assignment.references:
            node = access.node
            while node is not None and node is not loop.body and node is not loop:
                node = ctx.parent(node)
            if node is loop.body and access.node not in found:
                found.append(access.node)
    return found


def _subscript_key(subscript: cst.Subscript) -> cst.BaseExpression | None:
    elements = subscript.slice
    return elements[0].slice.value if len(elements) == 1 and isinstance(elements[0].slice, cst.Index) else None


def _literal_key(node):
    """A dict key or subscript written as a literal: its text, or its int; else None."""
    node = strip_parens(node) if node is not None else None
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    return string_text(node) if node is not None else None


def _first_key(subscript: cst.Subscript):
    """The first literal of `R["batch", 2]` or `R["batch"]`."""
    first = subscript.slice[0].slice if subscript.slice else None
    value = first.value if isinstance(first, cst.Index) else None
    value = strip_parens(value) if value is not None else None
    if isinstance(value, cst.Tuple) and value.elements:
        value = value.elements[0].value
    return _literal_key(value)


def _may_pick(read, key: str | None) -> bool:
    """Whether a read with key expression `read` may pick the entry stored under the string `key`."""
    text = string_text(read) if read is not None else None
    return key is None or text is None or text == key


def names_class(annotation, name: str) -> bool:
    """An annotation naming the class: `Cfg`, `"Cfg"`, `Optional[Cfg]`, `Cfg | None`."""
    annotation = strip_parens(annotation) if annotation is not None else None
    if isinstance(annotation, cst.Name):
        return annotation.value == name
    if isinstance(annotation, cst.SimpleString):
        return annotation.value.strip("'\"") == name
    if isinstance(annotation, cst.Subscript):
        return any(isinstance(e.slice, cst.Index) and names_class(e.slice.value, name) for e in annotation.slice)
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return names_class(annotation.left, name) or names_class(annotation.right, name)
    return False
