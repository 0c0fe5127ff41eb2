"""Decide everything a module's conversion does, without changing anything yet.

Every place that names a source API (found through the import bindings, ``resolve``) is one of:
- a call: planned argument by argument (``calls``);
- a class used as a value (default, alias, ``partial``, ``isinstance``, base class, annotation):
  rewritten to the MindSpore class, and followed to the calls made through it (``classrefs``);
- a class attribute (``SyncBatchNorm.convert_sync_batchnorm``): reported.
Then the attributes of objects known to be layers are planned (``attributes``), and string
literals that are state-dict keys are reported. ``applier`` carries the result out in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.attributes import Attributes, Layer, state_dict_keys
from bnport.calls import CallPlan, plan_call, plan_layer_call
from bnport.classrefs import ClassFlow, is_type_check
from bnport.context import Context
from bnport.expressions import code_of
from bnport.features import Shapes
from bnport.index import Index
from bnport.injected import assumed, imported_by_call, reassignments, report_unresolved
from bnport.model import Finding
from bnport.positions import Positions
from bnport.resolve import Reference, find_references
from bnport.rules import Api, Rule, RuleSet


@dataclass
class Analysis:
    plans: dict[cst.Call, CallPlan] = field(default_factory=dict)
    replacements: dict[cst.CSTNode, tuple[Rule, str]] = field(default_factory=dict)  # class reference -> target
    renames: dict[cst.Attribute, tuple[Rule, str]] = field(default_factory=dict)  # attribute -> new path
    after: dict[cst.CSTNode, list[str]] = field(default_factory=dict)  # small statement -> statements after it
    # (finding, the node it is about, a removed argument's marker text), in source order
    reported: list[tuple[Finding, cst.CSTNode, str | None]] = field(default_factory=list)

    @property
    def replaced(self) -> list[cst.CSTNode]:
        """Original nodes whose names the conversion removes (imports they used may go)."""
        return [node for plan in self.plans.values() for node in plan.replaced] + list(self.replacements)

    @property
    def changes_anything(self) -> bool:
        return bool(self.plans or self.replacements or self.renames or self.after)


def analyse(module: cst.Module, ruleset: RuleSet, index: Index, positions: Positions,
            assume: dict[str, str] | None = None) -> Analysis:
    """`assume`: names bound at run time (`layers = None`), read as these modules (injected.py)."""
    declared = (assumed(index, assume) if assume else []) + imported_by_call(index)
    references = find_references(index.all_scopes, index.parents, ruleset.wanted, ruleset.relevant, index.scopes, declared)
    ctx = Context(ruleset, references, index, positions)
    return _Analyser(ctx, assume or {}).run(module)


class _Analyser:
    def __init__(self, ctx: Context, assume: dict[str, str] | None = None):
        self.ctx = ctx
        self.assume = assume or {}
        self.flow = ClassFlow(ctx)
        self.attributes = Attributes(ctx, self.flow)
        self.result = Analysis()
        self.constructed: dict[cst.Call, Layer] = {}
        self._shapes: dict[int, Shapes] = {}

    def run(self, module: cst.Module) -> Analysis:
        ctx = self.ctx
        ordered = sorted(ctx.references.values(), key=lambda r: ctx.position(r.node))
        patched = reassignments(ctx, ordered)
        for reference in ordered:
            entry = ctx.ruleset.by_source.get(reference.name)
            if entry is not None and entry[0] in patched:
                target, value = patched[entry[0]]
                ctx.report(reference.node, entry[0], entry[0].reassigned, name=code_of(target),
                           line=ctx.position(target)[0], value=value)
            elif entry is not None:
                self.site(reference, *entry)
        report_unresolved(ctx, self.assume)
        self.attributes.from_constructors(self.constructed)
        for call, layer in self.attributes.edits.applications:
            self.layer_call(call, layer)
        state_dict_keys(ctx, self.attributes.edits.layer_names)
        self.result.renames = self.attributes.edits.renames
        self.result.after = self.attributes.edits.after
        self.result.reported = sorted(ctx.reported, key=lambda r: (r[0].line, r[0].column))
        return self.result

    def plan(self, call: cst.Call, rule: Rule, api: Api, layer: bool = True, **options) -> CallPlan | None:
        if rule.infer is not None and not options.get("keep_func"):
            options["sizing"] = self.shapes(rule).sizing(call)
        plan = plan_call(self.ctx, call, rule, api, **options)
        if plan is not None:
            self.result.plans[call] = plan
            if layer and rule.kind == "class":
                self.constructed[call] = Layer(rule, plan.api)
                applied = self.ctx.parent(call)
                if isinstance(applied, cst.Call) and applied.func is call:  # BatchNormalization(...)(x, training=...)
                    self.layer_call(applied, Layer(rule, plan.api))
        return plan

    def layer_call(self, call: cst.Call, layer: Layer):
        if layer.rule.call_args and call not in self.result.plans:
            plan = plan_layer_call(self.ctx, call, layer.rule, layer.api)
            if plan is not None:
                self.result.plans[call] = plan

    def shapes(self, rule: Rule) -> Shapes:
        key = id(rule.infer)
        if key not in self._shapes:
            self._shapes[key] = Shapes(self.ctx, self.flow, rule.infer)
        return self._shapes[key]

    def site(self, reference: Reference, rule: Rule, api: Api):
        ctx, node = self.ctx, reference.node
        if len(reference.candidates) > 1:
            # Several candidate bindings (e.g. an import in try/except with a fallback): never guessed.
            ctx.report_kind(node, rule, "ambiguous", name=code_of(node), candidates=", ".join(reference.candidates))
            return
        parent = ctx.parent(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            self.plan(parent, rule, api)
        elif isinstance(parent, cst.Attribute) and parent.value is node:
            code = rule.members.get(parent.attr.value)
            if code is not None:
                ctx.report(parent, rule, code, member=code_of(parent))
            else:
                ctx.report_kind(parent, rule, "class-member", member=code_of(parent))
        elif rule.report is not None:
            ctx.report(node, rule, rule.id)
        elif rule.reference_report is not None:
            ctx.report(node, rule, rule.reference_report, name=code_of(node))
        elif rule.kind == "function":
            ctx.report_kind(node, rule, "function-value", name=code_of(node), target=api.target)
        else:
            self.class_reference(node, rule, api)

    def class_reference(self, node: cst.BaseExpression, rule: Rule, api: Api):
        ctx = self.ctx
        start, offset, through_partial = node, 0, False
        partial = self.partial_around(node)
        if partial is not None:
            if self.plan(partial, rule, api, layer=False, keep_func=True, skip=1) is None:
                return  # refused: the class stays torch's, with its partial arguments
            start, through_partial = partial, True
            offset = sum(1 for arg in partial.args[1:] if arg.keyword is None and not arg.star)
        self.result.replacements[node] = (rule, api.target)
        klass = self.base_of(node)
        if klass is not None:
            self.subclass(klass, node, rule, api)
            return
        self.type_check(node)
        flow = self.flow.follow(start, rule, offset)
        for call, call_offset in flow.alias_calls:
            self.plan(call, rule, api, keep_func=True, offset=call_offset, defaults=not through_partial)
        for call in flow.foreign_calls:
            ctx.report_kind(call, rule, "foreign-call", callee=code_of(call.func), target=api.target,
                            reference=code_of(node), line=ctx.position(node)[0], first=rule.source_signature[0])
        if flow.escapes:
            ctx.report_kind(node, rule, "escape", name=code_of(node), target=api.target,
                            line=ctx.position(flow.escapes[0])[0])

    def partial_around(self, node) -> cst.Call | None:
        """`partial(<node>, ...)`: the partial call, if node is its first argument."""
        arg = self.ctx.parent(node)
        call = self.ctx.parent(arg)
        if (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and call.args and call.args[0] is arg
                and arg.keyword is None and not arg.star and self.ctx.name_of(call.func) in self.ctx.ruleset.partials):
            return call
        return None

    def base_of(self, node) -> cst.ClassDef | None:
        arg = self.ctx.parent(node)
        klass = self.ctx.parent(arg)
        if isinstance(klass, cst.ClassDef) and arg in klass.bases:
            return klass
        return None

    def subclass(self, klass: cst.ClassDef, node, rule: Rule, api: Api):
        ctx = self.ctx
        methods = [s.name.value for s in klass.body.body if isinstance(s, cst.FunctionDef) and s.name.value != "__init__"]
        if methods and rule.subclass is not None:
            ctx.report(node, rule, rule.subclass, name=klass.name.value, methods=", ".join(methods))
        self.attributes.from_subclass(klass, Layer(rule, api))
        if klass.bases[0].value is not node:
            return  # super() reaches another base first
        for statement in klass.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                for call in _super_init_calls(statement):
                    self.plan(call, rule, api, layer=False, keep_func=True)

    def type_check(self, node):
        """`isinstance(m, <node>)` or `isinstance(m, (<node>, ...))`: m may be a layer in the if-body."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), cst.Tuple):
            parent = ctx.parent(ctx.parent(parent))
        check = ctx.parent(parent)
        if (isinstance(parent, cst.Arg) and isinstance(check, cst.Call) and is_type_check(check)
                and check.func.value == "isinstance" and len(check.args) == 2 and check.args[1] is parent):
            self.attributes.from_type_check(check)


def _super_init_calls(function: cst.FunctionDef) -> list[cst.Call]:
    found: list[cst.Call] = []

    class _Visit(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call):
            func = node.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
                    and isinstance(func.value.func, cst.Name) and func.value.func.value == "super"):
                found.append(node)

    function.visit(_Visit())
    return found
