"""What every use of a converted layer becomes.

Starting from the expressions ``layers`` and ``guards`` find, each use of a layer is one of:
- a member (``m.weight``, ``m.eval()``): the rule's member table renames it, rewrites the call
  (``m.set_train(False)``), rewrites a whole statement (``m.reset_running_stats()``), or reports it;
- a parameter's value flowing on (``m.gamma``): a tensor method MindSpore does not do the same
  (``detach``, ``fill_``), a source initialiser, a comparison with None, or code of the source
  framework receiving it (``torch.sqrt(m.moving_variance)``) is reported, once per statement;
- the layer itself going somewhere: held by another name or attribute, a loop variable, a
  parameter of a function in the file (followed), a source-framework call (``nn.Sequential``:
  reported), or out of sight (returned, passed to an unknown function: reported once, as info).
An uncertain object's members are reported, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.classrefs import (ClassFlow, _local_definition, _local_function, _loop_reads, only_first_argument,
                              param_for as _param_for)
from bnport.context import Context
from bnport.expressions import code_of, literal_key, short_code as _short, strip_parens
from bnport.guards import Guards
from bnport.layers import _BY_NAME, _LOOKS, GROWS, Fact, LayerObjects, combine
from bnport.resolve import qualified_name
from bnport.rules import AttrSpec, Rule
from bnport.named_attributes import key_matches
from bnport.value_flow import ValueFlow, inside, loads_after, statement_of as _statement_of

_DERIVED = AttrSpec(name="", tensor=True)  # a value computed from a layer's tensors
# where a value is followed on from (an assignment, a member, an application, an argument)
_FOLLOWED = (cst.Assign, cst.AnnAssign, cst.Attribute, cst.Call, cst.Arg)
_SAME_ELEMENTS = frozenset({"list", "tuple", "sorted", "reversed", "set", "iter"})  # builtins that keep the elements
_MAPPINGS = frozenset({"dict", "collections.OrderedDict", "typing.OrderedDict"})  # `OrderedDict([("bn", bn)])`


@dataclass
class LayerEdits:
    renames: dict[cst.Attribute, tuple[Rule, str]] = field(default_factory=dict)  # node -> (rule, new path)
    after: dict[cst.CSTNode, list[str]] = field(default_factory=dict)  # small statement -> statements after it
    layer_names: set[str] = field(default_factory=set)  # `self.<name>` attributes that hold layers
    applications: list = field(default_factory=list)  # (call, Layer): a layer object applied, `bn(x, ...)`
    # member call -> (rule, template, where the layer keeps its state): `m.eval()` -> `m.set_train(False)`
    calls: dict[cst.Call, tuple[Rule, str, str]] = field(default_factory=dict)
    statements: dict[cst.CSTNode, tuple[Rule, str, str]] = field(default_factory=dict)  # Expr -> the same, as statements
    strings: dict[cst.SimpleString, tuple[Rule, str]] = field(default_factory=dict)  # "weight" -> "gamma"
    initializers: dict[cst.Call, tuple[Rule, str]] = field(default_factory=dict)  # nn.init call -> MindSpore form
    looked_up: set = field(default_factory=set)  # name strings already handled (renamed or reported)


class LayerUses:
    def __init__(self, ctx: Context, flow: ClassFlow, objects: LayerObjects):
        self.ctx, self.flow, self.objects = ctx, flow, objects
        self.guards = Guards(ctx, objects)
        self.edits = LayerEdits()
        self._done: set[int] = set()
        self._keys: set[tuple] = set()
        self._escaped: set[int] = set()
        self._boundary: dict[int, list] = {}  # id(statement) -> [node, rule, callees, values]
        roots = {source.split(".")[0] for source in ctx.ruleset.by_source}
        self._roots = roots  # a call under these is source-framework code
        # source tensor attributes (`.weight`, `.running_mean`), not those MindSpore's cells have too (Keras' gamma)
        tensors = {name for rule in ctx.ruleset.rules for name, spec in rule.attributes.items() if spec.tensor}
        targets = {spec.to for rule in ctx.ruleset.rules for spec in rule.attributes.values() if spec.to}
        self.values = ValueFlow(ctx, objects, roots, (tensors - targets) | {"data", "grad"})  # what tensors meet

    # -- driving --
    def follow(self, node: cst.CSTNode, fact: Fact) -> None:
        if id(node) in self._done:
            return
        self._done.add(id(node))
        self.use(node, fact)

    def follow_binding(self, key: tuple | None) -> None:
        if key is None or key in self._keys:
            return
        self._keys.add(key)
        fact = self.objects.binding(key)
        if fact is None:
            return
        if key[0] == "attr" and fact.certain and "{" not in key[2]:
            self.edits.layer_names.add(key[2])
        if key[0] == "attr" and "{" not in key[2]:  # `getattr(self, f"bn{i}")` may read this attribute
            for read in self.objects.named():
                if (not read.store and read.key is not None and "{" in read.key and key_matches(read.key, key[2])
                        and self.objects.owner_class(read.subject) in self.objects.related_classes(key[1])):
                    self.follow_binding(("attr", key[1], read.key))
        for load in list(self.objects.loads(key)):
            loop = self._loop_of(load, key) if key[0] == "name" else None
            if loop is None:
                self.follow(load, fact)
            elif loop[1] is not None:  # a loop variable reused by several loops: this loop's own elements
                self.follow(load, loop[1])
        if fact.certain or fact.collection:
            for load in self.objects.possible_loads(key):  # `blk.bn` where blk may be another class's
                self.follow(load, fact.uncertain())
        if key[0] == "attr":  # `self.bn` in a base class's methods: what every subclass stores there
            for base in self.objects.local_bases(key[1], transitive=True):
                base_key = ("attr", base, key[2])
                if any(self.flow.is_store(n) for n in self.flow.self_attributes(base).get(key[2], ())):
                    self.follow_binding(base_key)
                elif base_key not in self._keys and (held := self.objects.binding(base_key)) is not None:
                    self._keys.add(base_key)  # set only by subclasses: other modules may subclass it too
                    for load in list(self.objects.loads(base_key)):  # (the base's own reads)
                        if isinstance(load, cst.Attribute) and self.objects.owner_class(load.value) is base:
                            self.follow(load, held.uncertain())

    def _loop_of(self, load, key) -> tuple | None:
        """(the loop, what its variable holds) for a read inside the body of a `for` that binds the name."""
        ctx = self.ctx
        child, current = load, ctx.parent(load)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if isinstance(current, cst.For) and child is current.body:
                for name in _target_names(current.target):
                    if name.value == key[2] and self.objects._name_key(name) == key:
                        if any(a.node is not name and inside(self.ctx, a.node, current) for a in key[1].assignments[key[2]]):
                            return None  # also assigned in the loop: not only the loop's elements
                        return current, self.objects._stored_fact(self.objects._store_value(name))
            child, current = current, ctx.parent(current)
        return None

    def follow_guard(self, guard) -> None:
        if guard is None:
            return
        for each in guard.all():
            for load in self.guards.loads(each):
                self.follow(load, each.fact)
        for call in self.objects.filters:
            self.follow(call, self.objects.value(call))

    def follow_owners(self) -> None:
        """`isinstance(m, Bottleneck)` where Bottleneck's `self.bn3` is a layer: `m.bn3` is one there.
        With several classes (`isinstance(m, (Bottleneck, BasicBlock))`), `m.<name>` is certain only
        where every one of them that has the attribute holds a layer of one kind in it."""
        ctx = self.ctx
        owners: dict[cst.ClassDef, set[str]] = {}
        for key in list(self._keys):
            if key[0] == "attr" and self.objects.binding(key) is not None:  # (an uncertain one stays uncertain)
                for klass in self.objects.related_classes(key[1]):
                    owners.setdefault(klass, set()).add(key[2])
        for klass in owners:
            scope = ctx.scopes.get(klass)
            for assignment in scope.assignments[klass.name.value] if scope is not None else ():
                if assignment.node is not klass:
                    continue
                for access in assignment.references:
                    found = self.guards.from_owner(access.node)
                    if found is None:
                        continue
                    guard, classes = found
                    tested = [self.objects._class_named(strip_parens(c)) for c in classes]
                    for load in (load for each in guard.all() for load in self.guards.loads(each)):
                        parent = ctx.parent(load)
                        if isinstance(parent, cst.Attribute) and parent.value is load:
                            fact = self._owned(tested, owners, parent.attr.value)
                            if fact is not None:
                                self.follow(parent, fact)

    def _owned(self, tested: list, owners: dict, name: str) -> Fact | None:
        """What `<instance of one of the tested classes>.<name>` holds."""
        if not any(k is not None and name in owners.get(k, ()) for k in tested):
            return None
        facts = []
        for klass in tested:
            if klass is None:
                facts.append(None)  # a class of another module: its attribute is not known
            elif name in owners.get(klass, ()):
                facts.append(self.objects.binding(("attr", klass, name)))
            elif self.objects._stored_values(("attr", klass, name)):
                facts.append(None)  # this class has the attribute (however stored), and it is not a layer
        return combine(facts)

    # -- a layer (or a collection of layers) used --
    def use(self, node: cst.CSTNode, fact: Fact) -> None:
        ctx = self.ctx
        parent = ctx.parent(node)
        if fact.collection:
            self._collection(node, parent, fact)
            return
        if isinstance(parent, cst.Attribute) and parent.value is node:
            self.member(parent, fact)
        elif isinstance(parent, cst.Call) and parent.func is node:
            if fact.certain:
                self.edits.applications.append((parent, fact.layer))
                statement = _statement_of(ctx, parent)
                for arg in () if fact.layer.rule.symbolic_inputs else parent.args:  # `bn(torch.cat(xs, 1))`: the MindSpore layer is given a torch tensor
                    self.values.meets(statement, fact.layer.rule, node, arg.value, "operand")
        elif isinstance(parent, cst.Arg):
            self._argument(node, parent, fact)
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
            self._stored(parent, fact, node)
        elif isinstance(parent, cst.Element):
            container = ctx.parent(parent)
            self.follow(container, self._as_collection(fact))
        elif isinstance(parent, cst.DictElement) and parent.value is node:
            self.follow(ctx.parent(parent), self._as_collection(fact))
        elif (isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp)) and parent.elt is node) or (
                isinstance(parent, cst.DictComp) and parent.value is node):
            self.follow(parent, self._as_collection(fact))
        elif isinstance(parent, cst.Return) and self._returned(parent):
            return
        elif isinstance(parent, (cst.Return, cst.Yield)):
            self._escape(node, fact)
        elif isinstance(parent, (cst.IfExp, cst.BooleanOperation)) and getattr(parent, "test", None) is not node:
            self.follow(parent, fact.uncertain())

    @staticmethod
    def _as_collection(fact: Fact) -> Fact:
        from dataclasses import replace

        return replace(fact, collection=True)

    def _collection(self, node, parent, fact: Fact) -> None:
        ctx = self.ctx
        if isinstance(parent, cst.Subscript) and parent.value is node:
            self.follow(parent, fact.element())
        elif isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in ("values", "items"):
            call = ctx.parent(parent)
            loop = ctx.parent(call) if isinstance(call, cst.Call) and call.func is parent else None
            if parent.attr.value == "values" and isinstance(call, cst.Call):
                self.follow(call, fact)
            elif isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is call:
                for name in _target_names(loop.target):
                    self.follow_binding(self.objects._name_key(name))
        elif isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            for name in _target_names(parent.target):
                self.follow_binding(self.objects._name_key(name))
        elif isinstance(parent, cst.Arg):
            self._argument(node, parent, fact)
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
            self._stored(parent, fact, node)
        elif isinstance(parent, cst.Element):
            # a tuple on the right of a tuple assignment: the element is stored into the target's element
            container = ctx.parent(parent)
            holder = ctx.parent(container)
            if isinstance(holder, cst.Assign) and holder.value is container:
                self._stored(holder, fact, container)
            else:
                self.follow(container, fact)  # `[("bn", bn), ...]`: a collection that holds it too
        elif isinstance(parent, (cst.Return, cst.Yield)):
            self._escape(node, fact)

    def _stored(self, statement, fact: Fact, value) -> None:
        targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
        for target in targets:
            for name in _target_names(target):
                self.follow_binding(self.objects._name_key(name))
            for attribute in _target_attributes(target):
                owner = self.objects.owner_class(attribute.value)
                if owner is not None:
                    self.follow_binding(("attr", owner, attribute.attr.value))
                elif not fact.collection:
                    self._escape(value, fact)
            if isinstance(target, cst.Subscript):  # `norms["bn"] = bn`: the container holds it now
                container = self._container_key(target.value)
                if container is None:
                    self._escape(value, fact)
                else:
                    self.follow_binding(container)

    def _argument(self, node, arg: cst.Arg, fact: Fact) -> None:
        ctx = self.ctx
        call = ctx.parent(arg)
        if not isinstance(call, cst.Call):
            return  # a class base or keyword: not a use of the object
        func = call.func
        loop = ctx.parent(call)
        width = len(call.args) if getattr(func, "value", None) == "zip" else 2
        if isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is call and any(
                self.objects.zipped(call, i, width) is node for i in range(width)):
            for name in _target_names(loop.target):  # `for i, bn in enumerate(bns)`: the loop variable
                self.follow_binding(self.objects._name_key(name))
            return
        if isinstance(func, cst.Name) and func.value == "type" and isinstance(built := ctx.parent(call), cst.Call) \
                and built.func is call and not only_first_argument(built, fact.layer.rule, 0):
            # `type(m)(n, eps=m.eps, momentum=m.momentum)`: builds the layer's (MindSpore) class with torch arguments
            ctx.report_kind(built, fact.layer.rule, "foreign-call", callee=code_of(call), target=fact.layer.api.target,
                            reference=fact.layer.api.sources[0], line=fact.line, first=fact.layer.rule.source_signature[0])
            return
        if isinstance(func, cst.Name) and func.value in _LOOKS:
            return
        if (isinstance(func, cst.Name) and func.value in _SAME_ELEMENTS and len(call.args) == 1 and fact.collection
                and self.objects._builtin(func)):
            self.follow(call, fact)  # `list(filter(...))`, `sorted(bns)`: the same layers
            return
        if self.objects.is_copy(call):
            self.follow(call, fact)  # `teacher = copy.deepcopy(bn)`: the copy is a layer too
            return
        store = next((a for a in self.objects.named() if a.call is call and a.store and a.value is node), None)
        if store is not None:  # `setattr(self, f"bn{i}", layer)`, `self.add_module("bn", layer)`
            owner = self.objects.owner_class(store.subject)
            if isinstance(func, cst.Attribute):  # torch's add_module takes torch modules only
                self._cross(call, node, fact.layer.rule)
            if owner is not None and store.key is not None:
                self.follow_binding(("attr", owner, store.key))
            else:
                self._escape(node, fact)
            return
        if isinstance(func, cst.Attribute) and func.attr.value in GROWS and arg is call.args[-1]:
            self._added(call, node, fact)  # `self.bns.append(bn)`
            return
        if isinstance(func, cst.Name) and func.value in _BY_NAME:
            self._by_name(call, fact)
            return
        name = qualified_name(ctx, func)
        if name is not None and name.split(".")[0] in self._roots or self._base_init(call):
            self._cross(call, node, fact.layer.rule)  # (`super().__init__(conv, bn)` of an nn.Sequential too)
            return
        if (name in _MAPPINGS or getattr(func, "value", None) == "dict") and (
                fact.collection or arg.keyword is not None):
            self.follow(call, self._as_collection(fact))  # `OrderedDict(bn=bn)`: a mapping that holds it
            return
        function = _local_function(self.ctx, func)
        if function is not None:
            param = _param_for(function, call, arg)
            if param is not None:
                self.follow_binding(("param", param))
                return
        klass = _local_definition(self.ctx, func, cst.ClassDef)
        init = next((s for s in klass.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                    None) if klass is not None else None
        if init is not None and (param := _param_for(init, call, arg, skip=1)) is not None:
            self.follow_binding(("param", param))  # `DeepInversionFeatureHook(module)`: its __init__'s parameter
            return
        self._escape(node, fact)

    def _base_init(self, call: cst.Call) -> bool:
        """`super().__init__(...)` (or `super(Cls, self).__init__`) in a class whose first base is
        the source framework's (`class Conv2dReLU(nn.Sequential)`)."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Name) and func.value.func.value == "super"):
            return False
        klass = self.flow.enclosing_class(call)
        base = qualified_name(self.ctx, klass.bases[0].value) if klass is not None and klass.bases else None
        return base is not None and base.split(".")[0] in self._roots

    def _added(self, call: cst.Call, node, fact: Fact) -> None:
        """A layer added to a container: the container's binding now holds it (followed). A source
        framework's container (torch's ModuleList) takes only its own modules: reported."""
        key = self._container_key(call.func.value)
        values = self.objects._assigned_values(key) if key is not None else None
        for value in values or ():
            made = strip_parens(value) if isinstance(value, cst.BaseExpression) else None
            name = qualified_name(self.ctx, made.func) if isinstance(made, cst.Call) else None
            if name is not None and name.split(".")[0] in self._roots:
                self._cross(call, node, fact.layer.rule)
                break
        if values is None:
            self._escape(node, fact)
        else:
            self.follow_binding(key)

    def _returned(self, statement: cst.Return) -> bool:
        """A layer returned by a `@property` (its reads are the layer) or by a function of this file
        that is only ever called here (its calls are the layer): followed there. Else an escape."""
        ctx = self.ctx
        function = ctx.parent(statement)
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            function = ctx.parent(function)
        if not isinstance(function, cst.FunctionDef):
            return False
        klass = ctx.parent(ctx.parent(function))
        if isinstance(klass, cst.ClassDef) and any(
                isinstance(d.decorator, cst.Name) and d.decorator.value == "property" for d in function.decorators):
            self.follow_binding(("attr", klass, function.name.value))
            return True
        calls = self.objects._calls_of(function) if not isinstance(klass, cst.ClassDef) else None
        if not calls or isinstance(function.asynchronous, cst.Asynchronous):
            return False
        fact = self.objects.returned(function)
        if fact is None:
            return False
        if id(function) not in self._done:
            self._done.add(id(function))
            for call in calls:
                self.follow(call, fact)
        # followed where each call's value goes; said to leave where one goes out of sight, or where
        # other modules may import the function
        public = isinstance(ctx.parent(function), cst.Module) and not function.name.value.startswith("_")
        return not public and all(isinstance(ctx.parent(call), _FOLLOWED) for call in calls)

    def _container_key(self, receiver) -> tuple | None:
        receiver = strip_parens(receiver)
        if isinstance(receiver, cst.Name):
            return self.objects._name_key(receiver)
        if isinstance(receiver, cst.Attribute) and (owner := self.objects.owner_class(receiver.value)) is not None:
            return ("attr", owner, receiver.attr.value)
        return None

    def _escape(self, node, fact: Fact) -> None:
        # a collection that may hold converted layers among others is still said to leave (mmcv's vgg layers)
        if fact.origin in self._escaped or not (fact.certain or fact.collection):
            return
        self._escaped.add(fact.origin)
        self.ctx.report_kind(node, fact.layer.rule, "layer-escape", object=code_of(node), line=fact.line)

    # -- members --
    def member(self, node: cst.Attribute, fact: Fact) -> None:
        ctx = self.ctx
        layer, rule = fact.layer, fact.layer.rule
        name = node.attr.value
        spec: AttrSpec | None = rule.attributes.get(name)
        if spec is None:
            return  # a name the code gave the object itself, or one both frameworks share
        subject = code_of(node.value)
        owner = ".".join(p for p in (subject, layer.api.attribute_path) if p)
        path = ".".join(p for p in (layer.api.attribute_path, spec.to) if p) if spec.to else None
        if spec.report is not None and not fact.certain:
            ctx.report(node, rule, spec.report, object=code_of(node), name=name, layer=subject)
            return
        if not fact.certain:
            assignment = _assignment(ctx, node) if spec.on_assign is not None else None
            if assignment is not None:
                # `m.momentum = x` keeps its name but needs a statement after it on a MindSpore layer
                follow = spec.on_assign.format(object=owner)
                ctx.report_kind(node, rule, "maybe-layer", subject=subject, line=fact.line, object=code_of(node),
                                target=f"the same, followed by {follow}")
            elif path != name or spec.call or spec.statement:
                target = f"{subject}.{path}" if path else _method_target(spec, subject, owner)
                if fact.others and "BatchNorm" not in fact.others and not fact.others.startswith("any class"):
                    ctx.report_kind(node, rule, "mixed-guard", subject=subject, others=fact.others, attributes=name)
                else:
                    ctx.report_kind(node, rule, "maybe-layer", subject=subject, line=fact.line, object=code_of(node),
                                    target=target)
            elif spec.tensor:
                self._tensor(node, f"{subject}.{name}", spec, fact)
            return
        call = ctx.parent(node)
        called = isinstance(call, cst.Call) and call.func is node
        if called and spec.returns_self:
            self.follow(call, fact)  # `bn.eval().requires_grad_(False)`: the result is the layer
        if spec.report is not None:
            if not (fact.own and spec.outside):
                ctx.report(node, rule, spec.report, object=code_of(node), name=name, layer=subject)
            return
        if spec.call is not None or spec.statement is not None:
            statement = ctx.parent(call) if called else None
            if called and spec.call is not None:
                self.edits.calls[call] = (rule, spec.call, layer.api.attribute_path)
            elif called and spec.statement is not None and isinstance(statement, cst.Expr) and statement.value is call:
                self.edits.statements[statement] = (rule, spec.statement, layer.api.attribute_path)
            else:
                ctx.report_kind(node, rule, "method-value", object=code_of(node),
                                target=_method_target(spec, subject, owner))
            return
        assignment = _assignment(ctx, node)
        if assignment is not None and (spec.on_assign is not None or spec.refuse):
            value = _assigned(assignment, node)
            refusal = spec.refuse.get(literal_key(value)) if value is not None else None
            if refusal is not None:
                ctx.report(node, rule, refusal, object=code_of(node), layer=subject)
                return
            if spec.refuse and value is not None and self._may_be_none(value):
                ctx.report_kind(node, rule, "maybe-none", object=code_of(node), value=code_of(value))
            if spec.on_assign is not None:
                self._add_after(assignment, spec.on_assign.format(object=owner))
                if spec.note is not None:
                    ctx.report(node, rule, spec.note, object=code_of(node), layer=owner)
        if path != name:
            self.edits.renames[node] = (rule, path)
        if spec.tensor and assignment is not None:
            self._assigned_tensor(_assigned(assignment, node), node, rule)
        elif spec.tensor:
            self._tensor(node, f"{subject}.{path}", spec, fact)

    def _assigned_tensor(self, value, node, rule: Rule) -> None:
        """A value given to a layer's Parameter: where it is the source framework's, the statement is reported."""
        if value is not None:
            self.values.meets(_statement_of(self.ctx, node), rule, node, value, "operand")

    def _by_name(self, call: cst.Call, fact: Fact) -> None:
        """getattr / hasattr / setattr / delattr with a literal name: the member it names."""
        ctx = self.ctx
        if len(call.args) < 2 or not isinstance(strip_parens(call.args[1].value), cst.SimpleString):
            return
        string = strip_parens(call.args[1].value)
        try:
            name = string.evaluated_value
        except (ValueError, SyntaxError):
            return
        layer, rule = fact.layer, fact.layer.rule
        spec = rule.attributes.get(name) if isinstance(name, str) else None
        if spec is None:
            return
        path = ".".join(p for p in (layer.api.attribute_path, spec.to) if p) if spec.to else None
        self.edits.looked_up.add(string)
        if not fact.certain or spec.to is None or "." in (path or ""):
            ctx.report_kind(call, rule, "name-lookup", call=code_of(call), name=name,
                            target=repr(path) if path else "not there")
            return
        if path != name:
            quote = string.value[0] if string.value[0] in "'\"" else '"'
            self.edits.strings[string] = (rule, f"{quote}{path}{quote}")
        if call.func.value == "getattr" and spec.none_check is not None and self._compared_with_none(call):
            ctx.report(call, rule, spec.none_check, object=code_of(call), layer=code_of(call.args[0].value))
        if call.func.value == "getattr" and spec.tensor and len(call.args) == 2:
            self._tensor(call, code_of(call), spec, fact)  # `torch.sum(getattr(bn, "weight"))`: the Parameter
        if call.func.value == "setattr" and spec.tensor and len(call.args) > 2:
            # `setattr(bn, "weight", nn.Parameter(w))`
            self._assigned_tensor(call.args[2].value, call, rule)
        if call.func.value == "setattr" and spec.on_assign is not None:
            statement = ctx.parent(call)
            owner = ".".join(p for p in (code_of(call.args[0].value), layer.api.attribute_path) if p)
            if isinstance(statement, cst.Expr):
                self._add_after(statement, spec.on_assign.format(object=owner))
            else:  # inside a lambda or an expression: no statement to add after it
                ctx.report_kind(call, rule, "update-in-expression", call=code_of(call), name=name,
                                update=spec.on_assign.format(object=owner))

    # -- a parameter's value --
    def _tensor(self, node: cst.CSTNode, new: str, spec: AttrSpec, fact: Fact, derived: bool = False) -> None:
        """Follow a MindSpore tensor read from a layer (or a name computed from one, `derived`) through
        methods, operators, containers and assignments; report what MindSpore does not do, and record
        what it meets."""
        ctx, rule, values = self.ctx, fact.layer.rule, self.values
        same, plain = ctx.ruleset.tensor_same, ctx.ruleset.tensor_plain
        current = node
        parameter = not derived  # still the Parameter itself (or its .data), not a value computed from it
        while True:
            values.known(current)
            parent = ctx.parent(current)
            statement = _statement_of(ctx, current)
            if isinstance(parent, cst.Attribute) and parent.value is current:
                call = ctx.parent(parent)
                called = isinstance(call, cst.Call) and call.func is parent
                if parent.attr.value not in same:
                    use = call if called else parent
                    if parameter:  # a Parameter's API
                        ctx.report_kind(use, rule, "tensor-api", use=code_of(use), parameter=new)
                        return
                    if parent.attr.value in ctx.ruleset.tensor_absent:  # a computed tensor's
                        ctx.report_kind(use, rule, "tensor-missing", use=_short(code_of(use)),
                                        method=parent.attr.value)
                        return
                    if not called:
                        return  # an attribute of a computed tensor
                    current = call  # `.rsqrt()`: MindSpore's Tensor has it; the result is one too
                    continue
                if parent.attr.value in plain or not (called or parent.attr.value == "data"):
                    return  # `.item()`, `.shape`: a Python value from here on
                for arg in call.args if called else ():
                    values.meets(statement, rule, current, arg.value, "argument")  # `copy_(torch.ones(c))`
                parameter = parameter and not called
                current = call if called else parent
            elif isinstance(parent, cst.BinaryOperation):
                other = parent.right if parent.left is current else parent.left
                values.meets(statement, rule, current, other, "operand")
                if values.foreign_now(other):
                    return  # the statement is reported; what it computes is neither framework's value
                current, parameter = parent, False
            elif isinstance(parent, cst.UnaryOperation) or (isinstance(parent, cst.Subscript) and parent.value is current) \
                    or (isinstance(parent, cst.IfExp) and parent.test is not current):
                current, parameter = parent, parameter and isinstance(parent, cst.IfExp)
            elif isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.List, cst.Tuple)):
                # `gamma, beta = bn.weight, bn.bias`, `for p in (bn.weight, bn.bias)`, `return bn.running_mean, ...`
                if self._element(parent, current, statement, fact, parameter):
                    return
                current = ctx.parent(parent)  # `torch.stack([bn.running_mean, ...])`: the list reaches the call
            elif isinstance(parent, cst.NamedExpr) and parent.value is current:
                if isinstance(parent.target, cst.Name):
                    self._derived(parent.target, fact)
                current = parent
            elif isinstance(parent, cst.Arg):
                call = ctx.parent(parent)
                if not isinstance(call, cst.Call):
                    return
                name = qualified_name(ctx, call.func)
                form = ctx.ruleset.initializers.get(name) if name else None
                function = _local_function(self.ctx, call.func)
                if form is not None and call.args and call.args[0] is parent and current is node and not derived:
                    self._initializer(call, form, new, rule)
                elif name is not None and name.split(".")[0] in self._roots:
                    self._cross(call, current, rule)
                elif function is not None and (param := _param_for(function, call, parent)) is not None:
                    self._derived(param.name, fact)
                elif isinstance(call.func, cst.Attribute) and call.func.attr.value in ctx.ruleset.named_stores:
                    self._cross(call, current, rule)  # `self.register_buffer("m", bn.running_mean)`: torch's
                elif isinstance(call.func, cst.Attribute):
                    values.meets(statement, rule, current, call.func, "receiver")  # `t.copy_(value)`
                return
            elif isinstance(parent, cst.AugAssign) and parent.value is current:
                values.meets(statement, rule, current, parent.target, "target")
                return
            elif isinstance(parent, cst.AssignTarget) and current is not node:
                # `bn.weight.data = torch.ones(c)`, `bn.running_mean[:] = t`: stored into the MindSpore tensor
                values.meets(statement, rule, current, ctx.parent(parent).value, "operand")
                return
            elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is current:
                targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
                for target in targets:
                    if not isinstance(target, (cst.Tuple, cst.List)):
                        self._stored_in(target, current, statement, fact, parameter)
                return
            elif isinstance(parent, cst.Return) and parent.value is current:
                self._returned_value(parent, fact)
                return
            elif isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
                if spec.none_check is not None and current is node and self._compared_with_none(node):
                    ctx.report(node, rule, spec.none_check, object=new, layer=code_of(node.value))
                return
            else:
                return

    def _element(self, element: cst.Element, value, statement, fact: Fact, parameter: bool = False) -> bool:
        """An element of a tuple or list followed to where it lands: a target of the same place in an
        unpacking assignment (nested too), a loop variable (also through `zip`), or the same place in
        what the callers of a function that returns the tuple unpack. False: the sequence goes on whole."""
        ctx = self.ctx
        path, sequence = [], ctx.parent(element)
        path.append(sequence.elements.index(element))
        holder = ctx.parent(sequence)
        while isinstance(holder, cst.Element) and isinstance(ctx.parent(holder), (cst.Tuple, cst.List)):
            path.append(ctx.parent(holder).elements.index(holder))
            sequence = ctx.parent(holder)
            holder = ctx.parent(sequence)
        path.reverse()
        if isinstance(holder, cst.Assign) and holder.value is sequence:
            for target in (t.target for t in holder.targets):
                self._land(_at_path(target, path), value, statement, fact, parameter)
            return True
        if len(path) == 1 and isinstance(holder, (cst.For, cst.CompFor)) and holder.iter is sequence:
            self._land(holder.target, value, statement, fact, parameter)  # each element in turn
            return True
        if len(path) == 1 and isinstance(holder, cst.Arg) and isinstance(call := ctx.parent(holder), cst.Call) \
                and isinstance(call.func, cst.Name) and call.func.value == "zip" and not holder.keyword:
            loop = ctx.parent(call)
            if isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is call:
                self._land(_at_path(loop.target, [call.args.index(holder)]), value, statement, fact, parameter)
                return True
        if isinstance(holder, cst.Return) and holder.value is sequence:
            function = ctx.parent(holder)
            while function is not None and not isinstance(function, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                function = ctx.parent(function)
            calls = self.objects._calls_of(function) if isinstance(function, cst.FunctionDef) else None
            for call in calls or ():
                assign = ctx.parent(call)
                if isinstance(assign, cst.Assign) and assign.value is call:
                    for target in (t.target for t in assign.targets):
                        self._land(_at_path(target, path), value, statement, fact)
            return bool(calls)
        return False

    def _land(self, target, value, statement, fact: Fact, parameter: bool = False) -> None:
        """A MindSpore tensor bound to `target` (None: a place not followed, a starred rest);
        `parameter`: still the Parameter itself, whose tensor API is checked too."""
        ctx = self.ctx
        loop = ctx.parent(target) if isinstance(target, cst.Name) else None
        if isinstance(loop, (cst.CompFor, cst.For)) and loop.target is target:
            # a loop variable: read in the comprehension's element (written first) or in the loop's own
            # body (another loop may reuse the name)
            if isinstance(loop, cst.CompFor):
                scope = ctx.scopes.get(target)
                reads = [a.node for assignment in (scope[target.value] if scope is not None else ())
                         for a in assignment.references]
            else:
                reads = _loop_reads(ctx, loop)
            for read in reads:
                if id(read) not in self._done:
                    self._done.add(id(read))
                    self._tensor(read, target.value, _DERIVED, fact, derived=not parameter)
        elif target is not None and not isinstance(target, (cst.Tuple, cst.List)):
            self._stored_in(target, value, statement, fact, parameter)

    def _stored_in(self, target, value, statement, fact: Fact, parameter: bool = False) -> None:
        """A tensor assigned to `target`: a name carries it on; anything else is a store it meets."""
        if isinstance(target, cst.Name):
            self._derived(target, fact, parameter)
        else:
            self.values.meets(statement, fact.layer.rule, value, target, "target")

    def _returned_value(self, statement: cst.Return, fact: Fact) -> None:
        """A tensor returned by a function of this file called only here: its calls give it to the
        callers (RepVGG's `_fuse_bn_tensor` returns `kernel * t, beta - ...`)."""
        function = self.ctx.parent(statement)
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            function = self.ctx.parent(function)
        calls = self.objects._calls_of(function) if isinstance(function, cst.FunctionDef) else None
        for call in calls or ():
            if id(call) not in self._done:
                self._done.add(id(call))
                self._tensor(call, code_of(call.func), _DERIVED, fact, derived=True)

    def _derived(self, name: cst.Name, fact: Fact, parameter: bool = False) -> None:
        """A name given a value computed from a layer's tensors (or the Parameter itself, `parameter`):
        its later loads are MindSpore values too."""
        if id(name) in self._done:
            return
        self._done.add(id(name))
        for load in loads_after(self.ctx, name):
            if id(load) not in self._done:
                self._done.add(id(load))
                self._tensor(load, name.value, _DERIVED, fact, derived=not parameter)

    def _add_after(self, small: cst.CSTNode, text: str) -> None:
        """Statements to write after `small`, unless they already follow it (a second run)."""
        wanted = [code_of(x).strip().rstrip(";").strip() for x in cst.parse_statement(text).body]
        following = _smalls_after(self.ctx, small, len(wanted))
        if [code_of(x).strip().rstrip(";").strip() for x in following] != wanted:
            self.edits.after.setdefault(small, []).append(text)

    def _may_be_none(self, value) -> bool:
        """A parameter whose default is None (`def set_bn_momentum(model, momentum=None)`)."""
        value = strip_parens(value)
        scope = self.ctx.scopes.get(value) if isinstance(value, cst.Name) else None
        assignments = list(scope[value.value]) if scope is not None else []
        return any(isinstance(a.node, cst.Param) and a.node.default is not None and literal_key(a.node.default) == "None"
                   for a in assignments)

    def _compared_with_none(self, node) -> bool:
        """`<node> is None`, `<node> is not None`, `None == <node>`..."""
        parent = self.ctx.parent(node)
        comparison = parent if isinstance(parent, cst.Comparison) else self.ctx.parent(parent)
        if not isinstance(comparison, cst.Comparison):
            return False
        return any(literal_key(side) == "None" for side in (comparison.left, *(c.comparator for c in comparison.comparisons)))

    def _initializer(self, call: cst.Call, form, new: str, rule: Rule) -> None:
        value = next((a.value for a in call.args[1:] if a.keyword is None or a.keyword.value == "val"), None)
        exact = form.exact and not any(a.star for a in call.args) and ("{value}" not in form.form or value is not None)
        if exact:
            self.edits.initializers[call] = (rule, form.form)
            return
        shown = form.form.format_map({"param": new, "value": code_of(value) if value is not None else "<value>",
                                      "mindspore": "mindspore"})
        self.ctx.report_kind(call, rule, "initializer", call=code_of(call.func), form=shown)

    def _cross(self, call: cst.Call, value, rule: Rule, shown: str | None = None) -> None:
        """Source-framework code receives a MindSpore value: one finding per statement."""
        statement = _statement_of(self.ctx, call)
        entry = self._boundary.setdefault(id(statement), [call, rule, [], []])
        callee = code_of(call.func)
        if callee not in entry[2]:
            entry[2].append(callee)
        shown = shown or _short(code_of(value))
        if shown not in entry[3]:
            entry[3].append(shown)

    def finish(self) -> None:
        for node, rule, callees, values in self._boundary.values():
            name = qualified_name(self.ctx, node.func)  # a method of a source object has none
            framework = (name or rule.apis[0].sources[0]).split(".")[0]
            self.ctx.report_kind(node, rule, "boundary", callee=", ".join(callees), framework=framework,
                                 values=", ".join(values))
        boundary = set(self._boundary)

        def mixed(node, rule, **values):
            if id(_statement_of(self.ctx, node)) not in boundary:  # one finding per statement
                self.ctx.report_kind(node, rule, "mixed-values", **values)

        self.values.finish(mixed)


def _at_path(target, path: list[int]):
    """The part of an unpacking target at `path` (indices into nested tuples), if its shape shows it."""
    for index in path:
        target = strip_parens(target) if isinstance(target, cst.BaseExpression) else target
        if not isinstance(target, (cst.Tuple, cst.List)):
            return None
        elements = target.elements
        star = next((i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)), None)
        if star is not None and index >= star:
            return None  # gathered into the starred list (or counted from the end): not followed
        if index >= len(elements):
            return None
        target = elements[index].value
    return target


def _method_target(spec: AttrSpec, subject: str, owner: str) -> str:
    if spec.call:
        return spec.call.format_map({"object": subject, "state": owner, "args": "...", "mindspore": "mindspore"})
    if spec.statement:
        return spec.statement.format_map({"object": subject, "state": owner, "args": "...", "mindspore": "mindspore"})
    return "not there (see bnport explain)"


def _smalls_after(ctx, small: cst.CSTNode, count: int) -> list[cst.CSTNode]:
    """The next `count` small statements after `small`: later on its line, then on the lines below."""
    line = ctx.parent(small)
    if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return []
    found = list(line.body[list(line.body).index(small) + 1:])
    block = ctx.parent(line)
    body = list(getattr(block, "body", ())) if isinstance(line, cst.SimpleStatementLine) else []
    if line in body:
        for statement in body[body.index(line) + 1:]:
            if len(found) >= count or not isinstance(statement, cst.SimpleStatementLine):
                break
            found.extend(statement.body)
    return found[:count]


def _assignment(ctx, node: cst.Attribute):
    """The statement that assigns the attribute (`=`, `+=`, a tuple target), if any."""
    parent = ctx.parent(node)
    while isinstance(parent, (cst.Element, cst.Tuple, cst.List)):
        parent = ctx.parent(parent)
    if isinstance(parent, cst.AssignTarget):
        return ctx.parent(parent)
    if isinstance(parent, cst.AugAssign) and parent.target is node:
        return parent
    if isinstance(parent, cst.AnnAssign) and parent.target is node and parent.value is not None:
        return parent  # `bn.momentum: float = 0.3` (an annotation alone assigns nothing)
    return None


def _assigned(statement, node):
    """The value an assignment gives `node` (None when it cannot be told, e.g. a tuple from a call)."""
    if isinstance(statement, cst.AugAssign):
        return None
    if isinstance(statement, cst.AnnAssign):
        return statement.value if statement.target is node else None
    for target in statement.targets:
        if target.target is node:
            return statement.value
        if isinstance(target.target, (cst.Tuple, cst.List)) and isinstance(statement.value, (cst.Tuple, cst.List)):
            for element, value in zip(target.target.elements, statement.value.elements):
                if element.value is node:
                    return value.value
    return None


def _target_names(target) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _target_attributes(target) -> list[cst.Attribute]:
    if isinstance(target, cst.Attribute):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [a for e in target.elements for a in _target_attributes(e.value)]
    return []
