"""Attributes of objects known to be converted BatchNorm layers, and strings that are state-dict keys.

An object is known to be a layer when it is
- assigned from a converted constructor call (``bn = nn.BatchNorm2d(c)``, ``self.bn1 = ...``) and
  from nothing else in its scope or class;
- the subject of ``isinstance(m, <BN classes>)`` inside that ``if``'s body;
- ``self`` in a subclass of a BatchNorm class.
Its attributes follow the rule's ``attributes`` table: renamed (``weight`` -> ``gamma``, under
``bn2d`` for BatchNorm3d), reported, or, on assignment, followed by a statement (momentum).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from bnport.classrefs import ClassFlow
from bnport.context import Context
from bnport.expressions import code_of, literal_key
from bnport.rules import Api, AttrSpec, Rule


@dataclass
class AttributeEdits:
    renames: dict[cst.Attribute, tuple[Rule, str]] = field(default_factory=dict)  # node -> (rule, new path)
    after: dict[cst.CSTNode, list[str]] = field(default_factory=dict)  # small statement -> statements after it
    layer_names: set[str] = field(default_factory=set)  # `self.<name>` attributes that hold layers
    applications: list = field(default_factory=list)  # (call, Layer): a layer object applied, `bn(x, ...)`


@dataclass(frozen=True)
class Layer:
    rule: Rule
    api: Api


class Attributes:
    def __init__(self, ctx: Context, flow: ClassFlow):
        self.ctx = ctx
        self.flow = flow
        self.edits = AttributeEdits()
        self._done: set[int] = set()

    # -- where layer objects come from --
    def from_constructors(self, constructed: dict[cst.Call, Layer]):
        """Names and `self.<attr>`s assigned only from converted constructor calls."""
        ctx = self.ctx
        by_name: dict[tuple, list[Layer]] = {}
        targets: dict[tuple, object] = {}
        for call, layer in constructed.items():
            parent = ctx.parent(call)
            if not isinstance(parent, (cst.Assign, cst.AnnAssign)) or parent.value is not call:
                continue
            for target in [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]:
                key = self._binding_key(target)
                if key is not None:
                    by_name.setdefault(key, []).append(layer)
                    targets[key] = target
        for key, layers in by_name.items():
            if not _same_kind(layers):
                continue
            target = targets[key]
            if isinstance(target, cst.Name):
                scope = ctx.scopes.get(target)
                assignments = scope.assignments[target.value] if scope is not None else ()
                if len(assignments) != len(layers):
                    continue  # also assigned from something else: may not be a layer
                for node in {id(a.node): a.node for s in assignments for a in s.references}.values():
                    self._use(node, layers[0])
            else:
                klass = key[0]
                nodes = self.flow.self_attributes(klass).get(target.attr.value, [])
                if sum(self.flow.is_store(n) for n in nodes) != len(layers):
                    continue
                self.edits.layer_names.add(target.attr.value)
                for node in nodes:
                    if not self.flow.is_store(node):
                        self._use(node, layers[0])

    def _binding_key(self, target):
        if isinstance(target, cst.Name):
            scope = self.ctx.scopes.get(target)
            return (id(scope), target.value) if scope is not None else None
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            klass = self.flow.enclosing_class(target)
            return (klass, target.attr.value) if klass is not None else None
        return None

    def from_type_check(self, check: cst.Call):
        """`if isinstance(m, <classes>):` (also `and`-ed, or `or`-ed with more isinstance checks of m):
        inside the body, m is a layer if every class named is a BatchNorm class of one kind."""
        if len(check.args) != 2 or not isinstance(check.args[0].value, cst.Name):
            return
        subject = check.args[0].value.value
        guard = self._guard(check, subject)
        if guard is None or id(guard[0]) in self._done:
            return
        statement, checks = guard
        self._done.add(id(statement))
        classes = [cls for each in checks for cls in _classes(each.args[1].value)]
        layers = [self._layer_of(cls) for cls in classes]
        uses = list(_attribute_uses(statement.body, subject))
        if None in layers or not _same_kind(layers):
            mapped = [u for u in uses if any(l and u.attr.value in l.rule.attributes for l in layers)]
            if mapped:
                known = next(l for l in layers if l is not None)
                others = ", ".join(code_of(c) for c, l in zip(classes, layers) if l is None) or "BatchNorm3d (state under bn2d)"
                self.ctx.report_kind(mapped[0], known.rule, "mixed-guard", subject=subject, others=others,
                                     attributes=", ".join(sorted({u.attr.value for u in mapped})))
            return
        layer = layers[0]
        for use in uses:
            self._attribute(use, layer)

    def _guard(self, check: cst.Call, subject: str) -> tuple[cst.If, list[cst.Call]] | None:
        """The `if` whose test is this check, through `and` (narrower) and `or` with other checks of subject."""
        node, parent, checks = check, self.ctx.parent(check), [check]
        while isinstance(parent, cst.BooleanOperation):
            if isinstance(parent.operator, cst.Or):
                other = _or_operands(parent.right if parent.left is node else parent.left)
                if not all(_checks_subject(o, subject) for o in other):
                    return None  # `isinstance(m, BN) or something`: m may be anything in the body
                checks.extend(other)
            node, parent = parent, self.ctx.parent(parent)
        if isinstance(parent, cst.If) and parent.test is node:
            return parent, checks
        return None

    def _layer_of(self, cls: cst.BaseExpression) -> Layer | None:
        entry = self.ctx.ruleset.by_source.get(self.ctx.name_of(cls) or "")
        if entry is None or entry[0].kind != "class" or entry[1].target is None:
            return None
        return Layer(*entry)

    def from_subclass(self, klass: cst.ClassDef, layer: Layer):
        """In a subclass of a layer, `self` is a layer."""
        for name, nodes in self.flow.self_attributes(klass).items():
            if name in layer.rule.attributes:
                for node in nodes:
                    self._attribute(node, layer)

    # -- one attribute --
    def _use(self, node: cst.CSTNode, layer: Layer):
        parent = self.ctx.parent(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            self._attribute(parent, layer)
        elif isinstance(parent, cst.Call) and parent.func is node:
            self.edits.applications.append((parent, layer))

    def _attribute(self, node: cst.Attribute, layer: Layer):
        if id(node) in self._done:
            return
        self._done.add(id(node))
        spec: AttrSpec | None = layer.rule.attributes.get(node.attr.value)
        if spec is None:
            return
        ctx, rule = self.ctx, layer.rule
        subject = code_of(node.value)
        if spec.report is not None:
            ctx.report(node, rule, spec.report, object=subject)
            return
        path = ".".join(p for p in (layer.api.attribute_path, spec.to) if p)
        assignment = self._assignment(node)
        if assignment is not None and spec.on_assign is not None:
            refusal = spec.refuse.get(literal_key(assignment.value))
            if refusal is not None:
                ctx.report(node, rule, refusal, object=subject)
                return
            owner = ".".join(p for p in (subject, layer.api.attribute_path) if p)
            self.edits.after.setdefault(assignment, []).append(spec.on_assign.format(object=owner))
            if spec.note is not None:
                ctx.report(node, rule, spec.note, object=owner)
        if path != node.attr.value:
            self.edits.renames[node] = (rule, path)
        new = f"{subject}.{path}"
        self._torch_tensor_use(node, new, rule)

    def _assignment(self, node: cst.Attribute) -> cst.Assign | None:
        parent = self.ctx.parent(node)
        if isinstance(parent, cst.AssignTarget):
            return self.ctx.parent(parent)
        return None

    def _torch_tensor_use(self, node: cst.Attribute, new: str, rule: Rule):
        """torch.nn.init on the parameter, or torch's in-place tensor methods: MindSpore uses set_data."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.Arg):
            call = ctx.parent(parent)
            name = ctx.name_of(call.func) if isinstance(call, cst.Call) else None
            form = ctx.ruleset.initializers.get(name) if name else None
            if form is not None and call.args and call.args[0] is parent:
                value = code_of(call.args[1].value) if len(call.args) > 1 else ""
                ctx.report_kind(call, rule, "initializer", call=code_of(call.func),
                                form=form.format(param=new, value=value, mindspore="mindspore"))
        elif isinstance(parent, cst.Attribute) and parent.value is node and (parent.attr.value == "data" or parent.attr.value.endswith("_")):
            ctx.report_kind(parent, rule, "tensor-api", use=code_of(parent), parameter=new)


def _classes(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    return [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]


def _or_operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        return _or_operands(node.left) + _or_operands(node.right)
    return [node]


def _checks_subject(node, subject: str) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "isinstance"
            and len(node.args) == 2 and isinstance(node.args[0].value, cst.Name) and node.args[0].value.value == subject)


def _same_kind(layers: list[Layer]) -> bool:
    """Layers whose attributes are named alike (BatchNorm2d and SyncBatchNorm; not BatchNorm3d)."""
    first = layers[0]
    return all(l.api.attribute_path == first.api.attribute_path and l.rule.attributes == first.rule.attributes for l in layers)


def _attribute_uses(body: cst.CSTNode, subject: str):
    """Attribute nodes `<subject>.<attr>` in a block, not inside nested functions or classes."""
    found: list[cst.Attribute] = []

    class _Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node):
            return False

        def visit_ClassDef(self, node):
            return False

        def visit_Lambda(self, node):
            return False

        def visit_Attribute(self, node: cst.Attribute):
            if isinstance(node.value, cst.Name) and node.value.value == subject:
                found.append(node)

    body.visit(_Collect())
    return found


_KEY = re.compile(r"^\w+(?:\.\w+)*$")  # dotted module path, e.g. layer1.0.bn1.running_var


def state_dict_keys(ctx: Context, layer_names: set[str]):
    """Report string literals that are torch BatchNorm state-dict keys; strings are never rewritten."""
    keyed: dict[str, list[tuple[Rule, AttrSpec, Api]]] = {}
    for rule in ctx.ruleset.rules:
        for spec in rule.attributes.values():
            if spec.state_key is not None and spec.name not in keyed:
                keyed[spec.name] = [(rule, spec, api) for api in rule.apis]
    if not keyed:
        return

    for node in ctx.index.strings:
        if not any(name in node.value for name in keyed):
            continue  # cheap: most strings name no state-dict entry
        try:
            value = node.evaluated_value
        except (ValueError, SyntaxError):  # an invalid escape: not a key
            continue
        if not isinstance(value, str) or not _KEY.match(value):
            continue
        parts = value.split(".")
        entries = keyed.get(parts[-1])
        if not entries:
            continue
        rule, spec, _ = entries[0]
        if spec.state_key == "prefixed" and (len(parts) < 2 or parts[-2] not in layer_names):
            continue
        prefix = ".".join(parts[:-1])
        if spec.to is None:
            text = ctx.ruleset.codes[spec.report].text(object=prefix or "<layer>")
            ctx.report_kind(node, rule, "state-key-report", key=value, text=text)
            continue
        keys = []
        for _, _, api in entries:
            key = ".".join(p for p in (prefix, api.attribute_path, spec.to) if p)
            if key not in keys:
                keys.append(key)
        alternatives = f"{keys[0]!r}" + "".join(f" ({k!r} for a BatchNorm3d)" for k in keys[1:])
        ctx.report_kind(node, rule, "state-key", key=value, target=alternatives)

