"""Decide everything a module's conversion does, without changing anything yet.

Every place that names a source API (found through the import bindings, ``resolve``) is one of:
- a call: planned argument by argument (``calls``);
- a class used as a value (default, alias, ``partial``, ``isinstance``, base class, annotation):
  rewritten to the MindSpore class, and followed to the calls made through it (``classrefs``);
- a class attribute (``SyncBatchNorm.convert_sync_batchnorm``): reported.
Then every use of a converted layer object is planned (``layers`` finds them, ``guards`` the type
tests that narrow one, ``layer_uses`` maps or reports each use), and string literals that are
state-dict keys are reported. ``applier`` carries the result out in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.calls import CallPlan, plan_call, plan_changes, plan_layer_call
from bnport.classrefs import ClassFlow
from bnport.computed import data_named_lookups, eval_comparisons, eval_strings, family_site, serialized_classes, string_value
from bnport.context import Context
from bnport.expressions import code_of
from bnport.features import Shapes
from bnport.index import ImportAssignment, Index
from bnport.injected import assumed, imported_by_call, reassignments, report_unresolved
from bnport.config_flow import ConfigFlow
from bnport.layer_uses import LayerEdits, LayerUses
from bnport.traversals import report_submodule_lookups, report_traversals
from bnport.layers import Fact, Layer, LayerObjects
from bnport.model import Finding
from bnport.state_keys import state_dict_keys
from bnport.positions import Positions
from bnport.project.index import Export, ProjectIndex
from bnport.converted import is_marked, statement_of
from bnport.resolve import Reference, binding_name, find_references
from bnport.rules import Api, Rule, RuleSet


@dataclass
class Analysis:
    plans: dict[cst.Call, CallPlan] = field(default_factory=dict)
    replacements: dict[cst.CSTNode, tuple[Rule, str]] = field(default_factory=dict)  # class reference -> target
    templates: dict[cst.CSTNode, tuple[Rule, str]] = field(default_factory=dict)  # class reference -> expression
    layers: LayerEdits = field(default_factory=LayerEdits)  # what uses of converted layer objects become
    # (finding, the node it is about, a removed argument's marker text), in source order
    reported: list[tuple[Finding, cst.CSTNode, str | None]] = field(default_factory=list)
    # statements whose BatchNorm arguments were converted through a project name: marked `# bnport: converted`
    converted: set[cst.CSTNode] = field(default_factory=set)

    @property
    def renames(self) -> dict[cst.Attribute, tuple[Rule, str]]:
        return self.layers.renames

    @property
    def after(self) -> dict[cst.CSTNode, list[str]]:
        return self.layers.after

    @property
    def replaced(self) -> list[cst.CSTNode]:
        """Original nodes whose names the conversion removes (imports they used may go)."""
        return ([node for plan in self.plans.values() for node in plan.replaced] + list(self.replacements)
                + list(self.templates)
                + [call.func for call in self.layers.initializers])

    @property
    def edited(self) -> list[cst.CSTNode]:
        """Every node the applier changes or writes next to."""
        edits = self.layers
        return [*self.plans, *self.replacements, *self.templates, *edits.renames, *edits.after, *edits.calls, *edits.statements,
                *edits.strings, *edits.initializers, *(s for s in self.converted if s is not None)]

    @property
    def changes_anything(self) -> bool:
        return bool(self.edited)


def analyse(module: cst.Module, ruleset: RuleSet, index: Index, positions: Positions,
            project: ProjectIndex | None = None, package: str | None = None,
            assume: dict[str, str] | None = None) -> Analysis:
    """`project`: what the project's modules export (names imported from them resolve through it);
    `package`: the module's own package, for its relative imports; `assume`: names bound at run time
    (`layers = None`), read as these modules (injected.py)."""
    wanted, relevant, canonical = ruleset.wanted, ruleset.relevant, None
    if project is not None:
        canonical = project.canonical
        wanted = lambda name: ruleset.wanted(name) or name in project.exports or name in project.registries  # noqa: E731
        relevant = lambda name: ruleset.relevant(name) or project.relevant(name)  # noqa: E731
    declared = (assumed(index, assume) if assume else []) + imported_by_call(index)
    references = find_references(index.all_scopes, index.parents, wanted, relevant, index.scopes,
                                 ruleset.star_names, package=package, canonical=canonical, assumed=declared)
    ctx = Context(ruleset, references, index, positions)
    return _Analyser(ctx, project, assume or {}).run(module)


class _Analyser:
    def __init__(self, ctx: Context, project: ProjectIndex | None = None, assume: dict[str, str] | None = None):
        self.ctx = ctx
        self.project = project
        self.assume = assume or {}
        self.flow = ClassFlow(ctx)
        self.objects = LayerObjects(ctx, self.flow)
        self.uses = LayerUses(ctx, self.flow, self.objects)
        self.result = Analysis()
        self.constructed = self.objects.constructed
        self.tests: list[cst.CSTNode] = []  # class expressions in type tests and annotations
        self._foreign: set[cst.Call] = set()  # calls reported as maybe reaching another class
        self._shapes: dict[int, Shapes] = {}
        # classes of this file deriving from a project name: (its import statement, calls need no conversion)
        self._project_classes: dict[cst.ClassDef, tuple] = {}

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
            elif reference.members:
                family_site(self, reference)
            elif self.project is not None and reference.name in self.project.exports:
                statement = statement_of(reference.binding, ctx.index.parents) if reference.binding else None
                planned = set(self.result.plans)
                self.project_site(reference, self.project.exports[reference.name], converted=is_marked(statement),
                                  statement=statement)
                if statement is not None and any(plan_changes(call, plan) for call, plan in self.result.plans.items()
                                                 if call not in planned):
                    self.result.converted.add(statement)
            elif self.project is not None and reference.name in self.project.registries:
                self.registry_site(reference)
        if self.project is not None and self.project.config_types:
            self.config_types()
        report_unresolved(ctx, self.assume)
        eval_strings(ctx)
        serialized_classes(ctx)
        data_named_lookups(ctx)
        eval_comparisons(ctx, self.result.replacements)
        self.layer_objects()
        report_traversals(ctx, self.uses.guards, self.objects, self.tests)
        report_submodule_lookups(ctx, self.objects)
        for call, layer in self.uses.edits.applications:
            self.layer_call(call, layer)
        state_dict_keys(ctx, self.uses.edits.layer_names, self.uses.edits.looked_up,
                        {k for k in self.objects._all_classes() if self.objects.subclass_layer(k) is not None})
        self.result.layers = self.uses.edits
        self.result.reported = sorted(ctx.reported, key=lambda r: (r[0].line, r[0].column))
        return self.result

    def plan(self, call: cst.Call, rule: Rule, api: Api, layer: bool = True, **options) -> CallPlan | None:
        if call in self.result.plans:
            return self.result.plans[call]  # reached again (a registry of several classes)
        if rule.infer is not None and not options.get("keep_func"):
            options["sizing"] = self.shapes(rule).sizing(call)
        plan = plan_call(self.ctx, call, rule, api, **options)
        if plan is not None:
            self.result.plans[call] = plan
            if rule.kind == "function":
                # its state operands (statistics, weight, bias) are the caller's: torch buffers stay torch
                statement = statement_of(call, self.ctx.index.parents)
                for arg in call.args[1:]:
                    self.uses.values.meets(statement, rule, call, arg.value, "state")
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
            if rule.type_test is not None and self.in_type_test(node):
                template, code = rule.type_test
                self.result.templates[node] = (rule, template)
                self.objects.layer_classes[id(node)] = Layer(rule, api)
                self.objects.mixed_classes.add(id(node))
                self.tests.append(node)
                ctx.report(node, rule, code, name=code_of(node),
                           target=template.format(mindspore="mindspore"))
            else:
                ctx.report(node, rule, rule.reference_report, name=code_of(node))
        elif rule.kind == "function":
            ctx.report_kind(node, rule, "function-value", name=code_of(node), target=api.target)
        else:
            self.class_reference(node, rule, api)

    def project_site(self, reference: Reference, export: Export, converted: bool = False, statement=None):
        """A name another module of the project exports: an alias of a converted class, a subclass of
        one, or a factory that builds one. The name stays (its module converts it); what is done
        with it here is converted as for the class itself. Its module may be converted already (the
        alias holds a MindSpore class): this file's source framework then says which rule applies.
        `converted`: the import carries `# bnport: converted`; calls through it are MindSpore's already
        (members are still converted: renaming them twice changes nothing)."""
        ctx, node = self.ctx, reference.node
        entry = ctx.ruleset.by_source.get(export.api) or self.converted_export(reference, export, quiet=converted)
        if entry is None:
            return
        rule, api = entry
        if export.kind == "ambiguous":  # its module binds it to several things (a fallback import, a rebinding)
            ctx.report_kind(node, rule, "ambiguous", name=code_of(node), candidates=", ".join(export.candidates))
            return
        if len(reference.candidates) > 1:
            ctx.report_kind(node, rule, "ambiguous", name=code_of(node), candidates=", ".join(reference.candidates))
            return
        if _family(api) != "torch" and export.kind != "factory":
            # Keras layers are sized from the layer before them, which the module that names them shows
            ctx.report_kind(node, rule, "project-keras", name=code_of(node), module=export.module)
            return
        layer = Layer(rule, api)
        parent = ctx.parent(node)
        called = isinstance(parent, cst.Call) and parent.func is node
        if export.kind == "factory":
            if called:
                (self.objects.constructed if export.certain else self.objects.maybe_constructed)[parent] = layer
            return
        self.objects.layer_classes[id(node)] = layer
        klass = self.base_of(node)
        if klass is not None:
            # a class of this file deriving from it: its instances are planned later (layer_objects)
            self._project_classes[klass] = (statement, export.init or converted)
            self.subclass(klass, node, rule, api, convert_init=not (export.init or converted))
            return
        self.tests.append(node)
        if (export.kind == "subclass" and export.init) or converted:
            # Its own __init__ converts its arguments (or they are converted): calls only build layers.
            flow = self.flow.follow(node, rule, 0)
            for call, _ in [*flow.alias_calls, *flow.builds]:
                self.objects.constructed.setdefault(call, layer)
            for call in flow.foreign_calls:
                self.objects.maybe_constructed.setdefault(call, layer)
            for test in flow.tests:
                self.objects.layer_classes.setdefault(id(test), layer)
                self.tests.append(test)
            return
        self.follow_class(node, node, rule, api, export.offset, export.offset > 0)

    def converted_export(self, reference: Reference, export: Export, quiet: bool = False) -> tuple[Rule, Api] | None:
        """(rule, api) for a project name that holds a MindSpore class (its module is converted): the
        rule of the one source framework this file uses. A file that uses none is MindSpore code
        already; one whose framework cannot be told is reported."""
        ctx = self.ctx
        frameworks = self._frameworks()
        sources = frameworks - {"mindspore"}
        if not sources:
            return None  # MindSpore code (or none at all): its calls are MindSpore's
        if "mindspore" in frameworks:
            # MindSpore and a source framework in one file: whose convention its arguments follow cannot be told
            if not quiet:
                ctx.report_kind(reference.node, None, "project-target", name=code_of(reference.node),
                                target=export.api, module=export.module, frameworks=" and ".join(sorted(frameworks)))
            return None
        entries = [e for e in ctx.ruleset.sources_of_target(export.api) if _family(e[1]) in frameworks]
        rules = {id(rule) for rule, _ in entries}
        if len(rules) == 1 and _family(entries[0][1]) == "torch":
            return entries[0]
        if quiet:
            return None
        ctx.report_kind(reference.node, None, "project-target", name=code_of(reference.node), target=export.api,
                        module=export.module, frameworks=" and ".join(sorted(frameworks)))
        return None

    def _frameworks(self) -> set[str]:
        """The source frameworks this file imports (torch, keras)."""
        if not hasattr(self, "_framework_set"):
            found = set()
            for scope in self.ctx.index.all_scopes:
                for assignment in scope.assignments:
                    if isinstance(assignment, ImportAssignment):
                        bound = binding_name(assignment) or ""
                        root = bound.split(".")[0]
                        if root in _FAMILIES:
                            found.add(_FAMILIES[root])
            self._framework_set = found
        return self._framework_set

    def registry_site(self, reference: Reference):
        """A registry of the project with BatchNorm classes among its keys (mmcv's MODELS): a class it
        gives for a key (`R.get(key)(...)`, `R[key](...)`, a norm layer builder) may be a converted
        layer. `R.build(cfg)` is not followed: a general registry builds whole models from configs,
        and a config that names a BatchNorm key is converted where it is written."""
        ctx, node = self.ctx, reference.node
        parent = ctx.parent(node)
        built = None
        if isinstance(parent, cst.Attribute) and parent.value is node and isinstance(ctx.parent(parent), cst.Call):
            call = ctx.parent(parent)
            if parent.attr.value == "get":
                outer = ctx.parent(call)
                built = outer if isinstance(outer, cst.Call) and outer.func is call else None
        elif isinstance(parent, cst.Subscript) and parent.value is node:
            outer = ctx.parent(parent)
            built = outer if isinstance(outer, cst.Call) and outer.func is parent else None
        if built is not None:
            key = _literal_key(parent if isinstance(parent, cst.Subscript) else ctx.parent(parent))
            export = self.project.config_types.get(key) if key is not None else None
            if export is not None and (statement := statement_of(built, ctx.index.parents)) is not None:
                # `R.get("BN")(c, momentum=0.01)`: the key names one class
                entry = ctx.ruleset.by_source.get(export.api)
                if entry is not None and export.kind == "subclass" and export.init:
                    self.objects.constructed.setdefault(built, Layer(*entry))
                    return
                if entry is not None and is_marked(statement):
                    self.objects.constructed.setdefault(built, Layer(*entry))  # converted already
                    return
                if entry is not None:
                    plan = self.plan(built, *entry, keep_func=True)
                    if plan is not None and plan_changes(built, plan):
                        self.result.converted.add(statement)
                    return
            keys = [e for e in self.project.config_types.values() if e is not None]
            entry = ctx.ruleset.by_source.get(keys[0].api) if keys else None
            if entry is not None:
                self.objects.maybe_constructed.setdefault(built, Layer(*entry))
                rule, api = entry
                # `**cfg`: a config, converted where it is written (its key names the class)
                explicit = [a for a in built.args if not a.star]
                if len(explicit) > 1 or any(a.keyword for a in explicit):
                    ctx.report_kind(built, rule, "registry-call", callee=code_of(built.func), target=api.target,
                                    registry=code_of(node), first=rule.source_signature[0])

    def config_types(self):
        """`dict(type="BN", momentum=0.1)` where the project registers "BN" to a converted class (mmcv's
        registries): the registry builds that class from the config's other keys, which are converted
        as its arguments. A class with its own __init__ takes torch's arguments: nothing to convert."""
        ctx = self.ctx
        for string in ctx.index.strings:
            text = string_value(string)
            export = self.project.config_types.get(text) if text is not None else None
            config = self.config_around(string) if export is not None else None
            if config is None or (export.kind == "subclass" and export.init):
                continue
            statement = statement_of(config, ctx.index.parents)
            entry = ctx.ruleset.by_source.get(export.api)
            if entry is not None and not is_marked(statement):
                plan = self.plan(config, *entry, layer=False, keep_func=True,
                                 keep=self._config_keep(config, string))
                if plan is not None and plan_changes(config, plan):
                    self.result.converted.add(statement)

    def class_reference(self, node: cst.BaseExpression, rule: Rule, api: Api):
        ctx = self.ctx
        start, offset, through_partial = node, 0, False
        partial = self.partial_around(node)
        if partial is not None:
            if self.plan(partial, rule, api, layer=False, keep_func=True, skip=1) is None:
                return  # refused: the class stays torch's, with its partial arguments
            start, through_partial = partial, True
            offset = sum(1 for arg in partial.args[1:] if arg.keyword is None and not arg.star)
        config = self.config_around(node)
        if config is not None and self.plan(config, rule, api, layer=False, keep_func=True,
                                            keep=self._config_keep(config, node)) is None:
            return
        literal = self.literal_config_around(node) if config is None else None
        if config is not None or literal is not None:  # the configs made from it, and the keys added to it
            derived = ConfigFlow(ctx, self.flow, lambda call, skip: self.plan(call, rule, api, layer=False, keep_func=True,
                                                                   skip=skip, defaults=False),
                                 rule, api, ctx.position(config or literal)[0])
            if literal is not None:  # `{"type": nn.BatchNorm2d, "momentum": 0.1}`: its keys are not converted
                derived.literal(literal, node)
            derived.follow(config or literal)
        self.result.replacements[node] = (rule, api.target)
        self.objects.layer_classes[id(node)] = Layer(rule, api)
        klass = self.base_of(node)
        if klass is not None:
            self.subclass(klass, node, rule, api)
            return
        self.tests.append(node)
        self.follow_class(node, start, rule, api, offset, through_partial)

    def follow_class(self, node, start, rule: Rule, api: Api, offset: int, through_partial: bool):
        """Where the class goes from `start`: calls through names that hold only it are converted, calls
        that may reach other classes are reported, and where it leaves sight is said once."""
        ctx = self.ctx
        flow = self.flow.follow(start, rule, offset)
        for test in flow.tests:
            self.objects.layer_classes.setdefault(id(test), Layer(rule, api))
            self.tests.append(test)
        for base, klass in flow.bases:
            self.subclass(klass, base, rule, api)
        for call, sole in flow.builds:
            (self.objects.constructed if sole else self.objects.maybe_constructed).setdefault(call, Layer(rule, api))
        for call, call_offset in flow.alias_calls:
            self.plan(call, rule, api, keep_func=True, offset=call_offset, defaults=not through_partial)
        for partial, partial_offset in flow.partials:
            if self.plan(partial, rule, api, layer=False, keep_func=True, skip=1, offset=partial_offset) is not None:
                shift = sum(1 for arg in partial.args[1:] if arg.keyword is None and not arg.star)
                self.follow_class(node, partial, rule, api, partial_offset + shift, True)
        for call in flow.foreign_calls:
            self.objects.maybe_constructed.setdefault(call, Layer(rule, api))
            if call in self._foreign:
                continue  # reached from another class too (a registry): said once
            self._foreign.add(call)
            through = call.args[0].value if ctx.name_of(call.func) in ctx.ruleset.partials and call.args else call.func
            ctx.report_kind(call, rule, "foreign-call", callee=code_of(through), target=api.target,
                            reference=code_of(node), line=ctx.position(node)[0], first=rule.source_signature[0])
        for name in flow.exports:
            ctx.report(name, rule, "TBN307", name=name.value, target=api.target)
        if flow.escapes:
            ctx.report_kind(node, rule, "escape", name=code_of(node), target=api.target,
                            line=ctx.position(flow.escapes[0])[0])

    def in_type_test(self, node) -> bool:
        """`isinstance(x, <node>)` (also in a tuple), `type(x) is <node>` and the like."""
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List)):
            parent = ctx.parent(ctx.parent(parent))
        if isinstance(parent, cst.Arg):
            call = ctx.parent(parent)
            return (isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
                    and call.func.value in ("isinstance", "issubclass") and call.args[-1] is parent)
        return isinstance(parent, (cst.Comparison, cst.ComparisonTarget))

    def config_around(self, node) -> cst.Call | None:
        """`dict(type=<node>, momentum=...)`: a registry config (mmcv style), whose other keys are the
        arguments the class is built with."""
        arg = self.ctx.parent(node)
        call = self.ctx.parent(arg)
        if (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and arg.keyword is not None
                and arg.keyword.value in self.ctx.ruleset.config_keys and isinstance(call.func, cst.Name)
                and call.func.value == "dict" and self.ctx.scopes.get(call.func) is not None
                and not self.ctx.scopes[call.func]["dict"]):
            return call
        return None

    def literal_config_around(self, node) -> cst.Dict | None:
        """`{"type": <node>, "momentum": ...}`: a registry config written as a dict literal."""
        element = self.ctx.parent(node)
        literal = self.ctx.parent(element)
        if isinstance(element, cst.DictElement) and element.value is node and isinstance(literal, cst.Dict) \
                and string_value(element.key) in self.ctx.ruleset.config_keys:
            return literal
        return None

    def _config_keep(self, config: cst.Call, class_value) -> frozenset:
        """A config's arguments that are not the class's: its class key, the keys its builder takes."""
        builder = self.ctx.ruleset.builder_keys
        return frozenset(id(a) for a in config.args
                         if a.value is class_value or (a.keyword is not None and a.keyword.value in builder))

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

    def subclass(self, klass: cst.ClassDef, node, rule: Rule, api: Api, convert_init: bool = True):
        """`class X(<converted class>)`: its self is a layer; `super().__init__` reaches the converted
        class's arguments (unless `convert_init` is False: a project class whose own __init__ converts)."""
        ctx = self.ctx
        self.objects.subclasses[klass] = Layer(rule, api)
        self._torch_methods(klass, node, rule)
        first = klass.bases[0].value is node and convert_init
        for statement in klass.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                for call in _super_init_calls(statement):
                    if first:
                        self.plan(call, rule, api, layer=False, keep_func=True)
                    elif convert_init and (len(call.args) > 1 or any(a.keyword or a.star for a in call.args)):
                        # super() reaches another base first; what it passes on reaches the BatchNorm unconverted
                        ctx.report(call, rule, "TBN306", name=klass.name.value, base=code_of(klass.bases[0].value))

    def _torch_methods(self, klass: cst.ClassDef, node, rule: Rule):
        """A subclass's methods, and class attributes that replace members (`forward = helper`), follow
        torch's API: one finding at each."""
        if rule.subclass is None:
            return
        members = {name for name, spec in rule.attributes.items() if spec.call or spec.statement or spec.report}
        for statement in klass.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value != "__init__":
                self.ctx.report(statement.name, rule, rule.subclass, name=klass.name.value, methods=statement.name.value)
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name) and target.target.value in members | {"forward"}:
                            self.ctx.report(target.target, rule, rule.subclass, name=klass.name.value,
                                            methods=target.target.value)

    def layer_objects(self):
        """Every use of a converted layer: from constructors, subclasses' `self`, type tests, annotations."""
        objects, uses, ctx = self.objects, self.uses, self.ctx
        for klass in objects._all_classes():
            layer = objects.subclass_layer(klass)
            if layer is None:
                continue
            if klass not in objects.subclasses:  # a subclass of a subclass in the file
                self._torch_methods(klass, klass.name, layer.rule)
            fact = Fact(layer, True, ctx.position(klass)[0], id(klass), own=True)
            for name, nodes in self.flow.self_attributes(klass).items():
                for node in nodes:
                    uses.follow(node.value, fact)
            if self._calls_base_init(klass):
                for call in self._instances(klass):
                    if call not in self.result.plans:
                        plan = self.plan(call, layer.rule, layer.api, layer=False, keep_func=True)
                        statement = self._project_statement(klass)
                        if plan is not None and statement is not None and plan_changes(call, plan):
                            self.result.converted.add(statement)
        # Type tests first: inside what they guard, their subject is certain, whatever else reaches it.
        guards = [uses.guards.from_class(node) for node in self.tests
                  if not (isinstance(ctx.parent(node), cst.Annotation) and isinstance(ctx.parent(ctx.parent(node)), cst.Param))]
        for guard in guards:
            uses.follow_guard(guard)
        for node in self.tests:
            parent = ctx.parent(node)
            if isinstance(parent, cst.Annotation) and isinstance(ctx.parent(parent), cst.Param):
                uses.follow_binding(("param", ctx.parent(parent)))
        for call, layer in list(objects.constructed.items()):
            uses.follow(call, Fact(layer, True, ctx.position(call)[0], id(call)))
        for call, layer in list(objects.maybe_constructed.items()):
            uses.follow(call, Fact(layer, False, ctx.position(call)[0], id(call)))
        uses.follow_owners()
        self._class_name_tests()
        uses.finish()

    def _class_name_tests(self):
        """`m.__class__.__name__.find('BatchNorm') != -1` and the like narrow m, uncertainly. The names
        they may match: the source classes of the framework the module uses, and its subclasses of them."""
        ctx, objects = self.ctx, self.objects
        candidates: dict[str, Layer] = {}
        used = {id(ctx.ruleset.by_source[r.name][0]) for r in ctx.references.values() if r.name in ctx.ruleset.by_source}
        for source, (rule, api) in ctx.ruleset.by_source.items():
            if rule.kind == "class" and api.target is not None and id(rule) in used:  # the framework the module uses
                candidates.setdefault(source.rsplit(".", 1)[-1], Layer(rule, api))
        own = {k.name.value: layer for k in objects._all_classes() if (layer := objects.subclass_layer(k)) is not None}
        candidates.update(own)
        if not candidates:
            return
        names = tuple(candidates)
        for string in ctx.index.strings:
            if "Norm" not in string.value and not any(name in string.value for name in own):
                continue
            try:
                text = string.evaluated_value
            except (ValueError, SyntaxError):
                continue
            if not isinstance(text, str):
                continue
            layer = next((l for t, l in candidates.items() if text in t), None)
            if layer is not None:
                self.uses.follow_guard(self.uses.guards.from_name_string(string, names, layer))

    def _calls_base_init(self, klass: cst.ClassDef) -> bool:
        """A subclass without its own __init__ (up to the converted base): calls take the base's arguments.
        Not so where the base is a project class with its own __init__, or imported through a statement
        marked converted (its calls are MindSpore's already)."""
        chain = [klass, *self.objects.local_bases(klass, transitive=True)]
        if any(self._project_classes.get(k, (None, False))[1] for k in chain):
            return False
        return not any(isinstance(s, cst.FunctionDef) and s.name.value in ("__init__", "__new__")
                       for k in chain for s in k.body.body)

    def _project_statement(self, klass: cst.ClassDef):
        """The import statement of the project class a class of this file derives from, if any."""
        for k in [klass, *self.objects.local_bases(klass, transitive=True)]:
            if k in self._project_classes:
                return self._project_classes[k][0]
        return None

    def _instances(self, klass: cst.ClassDef) -> list[cst.Call]:
        scope = self.ctx.scopes.get(klass)
        calls = []
        for assignment in scope.assignments[klass.name.value] if scope is not None else ():
            if assignment.node is klass:
                for access in assignment.references:
                    parent = self.ctx.parent(access.node)
                    if isinstance(parent, cst.Call) and parent.func is access.node:
                        calls.append(parent)
        return calls


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


_FAMILIES = {"torch": "torch", "keras": "keras", "tensorflow": "keras", "tf_keras": "keras", "keras_core": "keras",
             "mindspore": "mindspore"}


def _family(api: Api) -> str | None:
    return _FAMILIES.get(api.sources[0].split(".")[0]) if api.sources else None


def _literal_key(lookup) -> str | None:
    """The string literal a registry is looked up with: `R["BN"]`, `R.get("BN")`."""
    if isinstance(lookup, cst.Subscript) and len(lookup.slice) == 1 and isinstance(lookup.slice[0].slice, cst.Index):
        value = lookup.slice[0].slice.value
    elif isinstance(lookup, cst.Call) and lookup.args and not lookup.args[0].keyword:
        value = lookup.args[0].value
    else:
        return None
    return string_value(value) if isinstance(value, cst.SimpleString) else None
