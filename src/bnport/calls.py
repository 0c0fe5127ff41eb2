"""Decide what one call of a source API becomes, argument by argument, without changing anything yet.

A plan says, for every argument of the call, whether it is kept, renamed, re-valued or removed
(removed ones survive as a ``# bnport: removed ...`` comment), and what is added. The call may be
a direct call (``nn.BatchNorm2d(64)``, the callee is replaced), a call through a name that stands
for the class (``BN(64)``, ``super().__init__(...)``: the callee is kept) or a ``partial`` (the
arguments after the class are mapped, the class itself is a reference rewritten elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from bnport.context import Context
from bnport.expressions import (
    code_of,
    dotted,
    fill_template,
    keep_parens,
    int_literal,
    literal_key,
    number_literal,
    one_minus,
    strip_parens,
)
from bnport.features import Sizing
from bnport.origins import computed_by
from bnport.rank import rank_where_built, visible_rank
from bnport.rules import Api, ArgSpec, Interval, Rule


@dataclass(frozen=True)
class Env:
    """What is known only while applying: the module's name for mindspore, and the code of the
    call's arguments after the edits inside them (a renamed attribute, for instance)."""

    alias: str
    codes: dict[str, str]


# Builds the new value of an argument from its old value (edits inside it already made).
ValueMaker = Callable[[cst.BaseExpression, Env], cst.BaseExpression]


@dataclass
class ArgDecision:
    remove: bool = False
    to: str | None = None  # keyword to write; None keeps the argument as it is
    positional: bool = False  # written positionally (same position in both signatures)
    first: bool = False  # moved to the front and written positionally (a positional-only target)
    make_value: ValueMaker | None = None


@dataclass
class CallPlan:
    rule: Rule
    api: Api
    decisions: list[ArgDecision]  # one per argument of the call, in order
    additions: list[tuple[str, Callable[[Env], str]]] = field(default_factory=list)  # (keyword, Env -> source)
    leading: list[str] = field(default_factory=list)  # positional arguments written first (an inferred num_features)
    bound: dict[str, int] = field(default_factory=dict)  # source parameter -> index of its argument
    replaced: list[cst.CSTNode] = field(default_factory=list)  # original nodes whose names go away
    keep_func: bool = False  # the callee is not the class itself (an alias, super().__init__, partial)
    input_rank: int | None = None  # the rank of the layer's input, where the code makes it certain (Keras)


def plan_changes(call: cst.Call, plan: CallPlan) -> bool:
    """Does the plan change the call's text (a value, a keyword, an argument's place, the callee)."""
    if plan.additions or plan.leading or not plan.keep_func:
        return True
    for arg, decision in zip(call.args, plan.decisions):
        keyword = arg.keyword.value if arg.keyword is not None else None
        if decision.remove or decision.first or decision.make_value is not None:
            return True
        if decision.to is not None and decision.to != keyword and not (keyword is None and decision.positional):
            return True
    return False


class Refuse(Exception):
    """The call cannot be converted faithfully; it is left as it is, with one error finding."""

    def __init__(self, node, param: str | None, code: str | None = None, kind: str | None = None, **values):
        super().__init__(code or kind)
        self.node, self.param, self.code, self.kind, self.values = node, param, code, kind, values


def plan_call(ctx: Context, call: cst.Call, rule: Rule, api: Api, *, keep_func: bool = False,
              skip: int = 0, offset: int = 0, defaults: bool = True, sizing: Sizing | None = None,
              keep: frozenset = frozenset()) -> CallPlan | None:
    """Plan `call` as a call of `api`. `skip` leading arguments are kept as they are (partial's class);
    the rest bind to the source signature from position `offset` (a partial may bind some already).
    For a rule that infers num_features, `sizing` is what the code makes certain about the input."""
    if rule.report is not None:
        ctx.report(call, rule, rule.id)
        return None
    planner = _CallPlanner(ctx, call, rule, api, keep_func, sizing=sizing)
    planner.keep = keep
    return _plan(ctx, call, planner, skip, offset, defaults)


def plan_layer_call(ctx: Context, call: cst.Call, rule: Rule, api: Api) -> CallPlan | None:
    """`bn(x, training=True)` on a converted layer: its call arguments (rule.call_args); None if nothing changes."""
    target = tuple(rule.call_args[p].to or p if p in rule.call_args else p for p in rule.call_signature)
    planner = _CallPlanner(ctx, call, rule, api, True, signature=rule.call_signature, args=rule.call_args,
                           target_signature=target)
    plan = _plan(ctx, call, planner, 0, 0, False)
    if plan is None or not any(d.remove or d.make_value or (d.to and not d.positional) for d in plan.decisions):
        return None
    return plan


def _plan(ctx: Context, call: cst.Call, planner: _CallPlanner, skip: int, offset: int, defaults: bool) -> CallPlan | None:
    rule = planner.rule
    mark = len(ctx.reported)
    try:
        return planner.plan(skip, offset, defaults)
    except Refuse as refusal:
        # Keep only the refusal: the call is untouched, so per-argument notes would mislead.
        ctx.rollback(mark)
        if refusal.code is not None:
            ctx.report(refusal.node, rule, refusal.code, refusal.param, **refusal.values)
        else:
            ctx.report_kind(refusal.node, rule, refusal.kind, refusal.param, **refusal.values)
        return None


class _CallPlanner:
    def __init__(self, ctx: Context, call: cst.Call, rule: Rule, api: Api, keep_func: bool, *,
                 sizing: Sizing | None = None, signature: tuple[str, ...] | None = None,
                 args: dict[str, ArgSpec] | None = None, target_signature: tuple[str, ...] | None = None):
        self.ctx, self.call, self.rule, self.api = ctx, call, rule, api
        self.sizing = sizing
        self.signature = rule.source_signature if signature is None else signature
        self.args = rule.args if args is None else args
        self.target_signature = target_signature
        self.result = CallPlan(rule, api, [], keep_func=keep_func)
        self.bound: dict[str, cst.Arg] = {}
        self.overrides: dict[str, ArgDecision] = {}
        self.variant: str | None = None  # chosen by a value (Keras synchronized=True)
        self.keep: frozenset = frozenset()  # ids of arguments that are not the API's (a config's type=)

    def plan(self, skip: int, offset: int, defaults: bool) -> CallPlan:
        ctx, call, rule, plan = self.ctx, self.call, self.rule, self.result
        signature = self.signature
        infer = rule.infer if self.args is rule.args else None
        names: list[str | None] = []
        star_seen = False
        for index, arg in enumerate(call.args):
            position = index - skip + offset
            if index < skip or id(arg) in self.keep:
                names.append(None)
            elif arg.star:
                star_seen = star_seen or arg.star == "*"
                ctx.report_kind(arg, rule, "star-args", value=f"{arg.star}{code_of(arg.value)}")
                names.append(None)
            elif arg.keyword is not None:
                names.append(arg.keyword.value)
            elif star_seen or position >= len(signature):
                raise Refuse(arg, None, kind="positional-unbound", value=code_of(arg.value))
            else:
                names.append(signature[position])
        self.bound = {name: arg for name, arg in zip(names, call.args) if name is not None}
        self.result.bound = {name: index for index, name in enumerate(names) if name is not None}
        self._together()
        decisions = [ArgDecision() if name is None else self._decide(arg, name) for arg, name in zip(call.args, names)]
        api = self._chosen_api(infer)
        target_signature = api.target_signature if self.target_signature is None else self.target_signature
        if infer is not None and infer.param not in self.bound and not plan.keep_func:
            plan.leading.append(self._inferred_count(infer, api))
        if infer is not None and infer.axis not in self.bound:
            self._layout(infer, None)
        shift = len(plan.leading)
        positional_ok = True  # positions line up (partial forwards its positionals first) until one moves
        for index, (arg, name, decision) in enumerate(zip(call.args, names, decisions, strict=True)):
            if name is not None and arg.keyword is None and not decision.first:
                position = index - skip + offset + shift
                decision.positional = (
                    positional_ok and decision.to is not None and not decision.remove
                    and position < len(target_signature) and target_signature[position] == decision.to
                )
                positional_ok = decision.positional
            plan.decisions.append(decision)
        plan.api = api
        plan.input_rank = self.sizing.rank if self.sizing is not None else None
        if not plan.keep_func:
            plan.replaced.append(call.func)
        if defaults:
            self._add_defaults()
        if rule.max_rank is not None:
            _check_rank(ctx, call, rule, self.bound.get(signature[0]))
        if rule.input_ranks and self.args is rule.args and rule.ranks_target in (None, api.target):
            _check_input_ranks(ctx, call, rule, plan.input_rank)
        return plan

    def _chosen_api(self, infer) -> Api:
        if self.variant is not None:
            return self.rule.variants[self.variant]
        if infer is None or not self.api.by_rank:
            return self.api
        rank = self.sizing.class_rank if self.sizing is not None else None
        return self.rule.variants[infer.ranks.get(rank, infer.default_variant)]

    def _inferred_count(self, infer, api: Api) -> str:
        """num_features where the code makes it certain, else a placeholder that fails loudly; an error
        finding where the count or the class (the input's rank) is not certain."""
        sizing = self.sizing
        target = api.target.rsplit(".", 1)[-1]
        if sizing is not None and sizing.count is not None:
            if sizing.rank is None:
                self.ctx.report(self.call, self.rule, infer.messages["rank_unknown"], infer.param,
                                count=sizing.count, target=target)
            return sizing.count
        key, values = sizing.problem if sizing is not None and sizing.problem is not None else ("unknown", {})
        self.ctx.report(self.call, self.rule, infer.messages[key], infer.param,
                        placeholder=infer.placeholder, target=target, **values)
        return infer.placeholder

    def _layout(self, infer, arg: cst.Arg | None) -> ArgDecision | None:
        """The channel axis: MindSpore normalises axis 1 (channels-first); Keras the last one by default."""
        messages = infer.messages
        rank = self.sizing.rank if self.sizing is not None else None
        count_known = self.sizing is not None and self.sizing.count is not None
        axis = -1 if arg is None else int_literal(arg.value)
        where = self.call if arg is None else arg
        text = "the default -1" if arg is None else f"axis={code_of(arg.value)}"
        if axis is None:
            code = messages["axis_variable"]
        elif rank is None:  # with the count known, the error on the class says it (rank_unknown)
            code = None if axis == 1 or count_known else messages["axis_unknown_rank"]
        else:
            channel = axis + rank if axis < 0 else axis
            code = None if channel == 1 else messages["channels_last"] if channel == rank - 1 else messages["axis_other"]
        if arg is None:
            if code is not None:
                self.ctx.report(where, self.rule, code, infer.axis, axis=text, rank=rank)
            return None
        return self._remove(arg, infer.axis, code or self.args[infer.axis].drop, axis=text, rank=rank)

    def _together(self):
        """Arguments that map only as a group (center=False and scale=False -> affine=False)."""
        for group in self.rule.together:
            args = [self.bound.get(name) for name in group.args]
            if any(a is None for a in args) or any(_value_key(a.value) != group.args[n] for a, n in zip(args, group.args)):
                continue
            ordered = sorted(args, key=lambda a: self.call.args.index(a))
            value = group.value
            self.overrides[id(ordered[0])] = ArgDecision(
                to=group.to, make_value=lambda old, env: keep_parens(old, cst.parse_expression(value)))
            for other in ordered[1:]:
                self.overrides[id(other)] = ArgDecision(remove=True)

    def _add_defaults(self):
        ctx, call, rule = self.ctx, self.call, self.rule
        for name, spec in rule.args.items():
            if spec.default is None or name in self.bound:
                continue
            if any(arg.star == "**" for arg in call.args):
                ctx.report_kind(call, rule, "kwargs-default", name, argument=name, to=spec.to, default=spec.default)
            else:
                source = self._source(spec.default, call, name)
                self.result.additions.append((spec.to, source))

    def _source(self, template: str, node, argument: str) -> Callable[[Env], str]:
        """A value template (`{mindspore}`, `{<argument>}`) as a function of what is known when applying."""
        used = []
        for name, arg in self.bound.items():
            if "{" + name + "}" in template:
                if not _repeatable(arg.value):
                    raise Refuse(node, argument, kind="template-repeat", argument=argument,
                                 form=_shown(template), name=name, value=code_of(arg.value))
                used.append(name)
        for name in self.rule.source_signature:
            if "{" + name + "}" in template and name not in used:
                raise Refuse(node, argument, kind="template-missing", argument=argument,
                             form=_shown(template), name=name)
        return lambda env: template.format(mindspore=env.alias, **{name: env.codes[name] for name in used})

    def _decide(self, arg: cst.Arg, name: str) -> ArgDecision:
        ctx, rule = self.ctx, self.rule
        if id(arg) in self.overrides:
            return self.overrides[id(arg)]
        spec: ArgSpec | None = self.args.get(name)
        if spec is None:
            ctx.report_kind(arg, rule, "unknown-argument", name, argument=name)
            return ArgDecision(to=name)
        if rule.infer is not None and self.args is rule.args and name == rule.infer.axis:
            return self._layout(rule.infer, arg)
        action = spec.values.get(_value_key(arg.value))
        if action is None and spec.values:
            constant = _constant(ctx, arg.value)  # `momentum=BN_MOMENTUM` with `BN_MOMENTUM = None`
            action = spec.values.get(_value_key(constant)) if constant is not None else None
            if action is not None and action.kind not in ("refuse", "to"):
                action = None  # only refusals and exact values need the constant's value; the name stays
        if action is None and spec.values:
            default = _parameter_default(ctx, arg.value)  # `def norm(c, momentum=None)`: None unless passed
            refused = spec.values.get(_value_key(default)) if default is not None else None
            if refused is not None and refused.kind == "refuse":
                ctx.report_kind(arg, rule, "maybe-none", name, object=name, value=code_of(arg.value))
        if action is not None:
            if action.kind == "refuse":
                raise Refuse(arg, name, action.code, argument=name, value=code_of(arg.value))
            if action.kind == "to":
                source = self._source(action.value, arg, name)
                if action.code:
                    ctx.report(arg, rule, action.code, name, argument=name, value=code_of(arg.value))
                return ArgDecision(to=action.to, first=spec.positional and arg.keyword is not None,
                                   make_value=lambda old, env: keep_parens(old, cst.parse_expression(source(env))))
            if action.kind == "target":
                self.variant = action.target
                return ArgDecision(remove=True)
            if action.kind == "omit":
                return self._remove(arg, name, None, reason=action.message)
            return self._remove(arg, name, action.code)
        if spec.within is not None:
            _check_within(arg, name, spec.within)
        made = self._from_call(arg, spec)
        if made is not None:
            return made
        if spec.drop is not None:
            return self._remove(arg, name, spec.drop)
        if spec.otherwise is not None:
            template = spec.otherwise
            ctx.report(arg, rule, template.code, name, argument=name, value=code_of(arg.value))
            return ArgDecision(to=template.to, make_value=lambda old, env: fill_template(template.template, old))
        if spec.transform == "one_minus":
            return ArgDecision(to=spec.to, make_value=lambda old, env: one_minus(old))
        if spec.transform == "dtype":
            return self._dtype(arg, name, spec)
        coerce = spec.coerce
        if coerce is not None and computed_by(ctx, arg.value, coerce.modules):
            ctx.report(arg, rule, coerce.code, name, argument=name, value=code_of(arg.value))
            return ArgDecision(to=spec.to, first=spec.positional and arg.keyword is not None,
                               make_value=lambda old, env: keep_parens(old, fill_template(coerce.template, strip_parens(old))))
        return ArgDecision(to=spec.to, first=spec.positional and arg.keyword is not None)

    def _from_call(self, arg: cst.Arg, spec: ArgSpec) -> ArgDecision | None:
        """A value that is a known call (keras.initializers.Constant(0.5)) rewritten through its template."""
        value = strip_parens(arg.value)
        if not spec.calls or not isinstance(value, cst.Call):
            return None
        template = spec.calls.get(self.ctx.name_of(value.func) or "")
        if template is None or any(a.star for a in value.args) or len(value.args) > len(template.signature):
            return None
        given = {}
        for position, inner in enumerate(value.args):
            key = inner.keyword.value if inner.keyword is not None else template.signature[position]
            if key not in template.signature:
                return None
            given[key] = code_of(inner.value)
        if any("{" + key + "}" not in template.template for key in given):
            return None  # an argument the template cannot carry (a seed): not rewritten
        codes = {**template.defaults, **given}
        if any("{" + key + "}" in template.template and key not in codes for key in template.signature):
            return None
        text = template.template
        if template.per_channel in given:
            kind = self._number_or_sequence(_argument_node(value, template.signature, template.per_channel))
            if kind != "number":  # MindSpore takes a number, or a Tensor (not an ndarray or a list)
                text = text.replace("{" + template.per_channel + "}", template.tensor)
                if kind is None:
                    self.ctx.report(arg, self.rule, template.tensor_code, spec.name, argument=spec.name,
                                    value=code_of(arg.value))
        self.result.replaced.append(value.func)
        return ArgDecision(to=spec.to, make_value=lambda old, env: keep_parens(
            old, cst.parse_expression(text.format(mindspore=env.alias, **codes))))

    def _number_or_sequence(self, node, depth: int = 0) -> str | None:
        """"number" or "sequence" where the code shows which a value is (a literal, or a name assigned
        one once); None otherwise."""
        node = strip_parens(node)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
            node = strip_parens(node.expression)
        if isinstance(node, (cst.Integer, cst.Float)):
            return "number"
        if isinstance(node, (cst.List, cst.Tuple)):
            return "sequence"
        scope = self.ctx.scopes.get(node)
        if isinstance(node, cst.Name) and scope is not None and depth < 4:
            assignments = list(scope[node.value])
            target = getattr(assignments[0], "node", None) if len(assignments) == 1 else None
            statement = self.ctx.parent(self.ctx.parent(target)) if isinstance(target, cst.Name) else None
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and statement.targets[0].target is target:
                return self._number_or_sequence(statement.value, depth + 1)
        return None

    def _remove(self, arg, name, code: str | None, **values) -> ArgDecision:
        """The argument goes; its finding (the code, or, for a value equal to the target's default, the
        engine's note) keeps its source text and any comment inside it, in the report and beside the code."""
        comments = [one_line(c.value) for c in comments_in(arg)]
        suffix = f"; its comment: {' '.join(comments)}" if comments else ""
        values = {"argument": name, "value": one_line(code_of(arg.value)), **values}
        if code is None:
            code = self.ctx.ruleset.code_for(self.rule, "default-removed").id
        self.ctx.report(arg, self.rule, code, name, removal=True, suffix=suffix, **values)
        return ArgDecision(remove=True)

    def _dtype(self, arg, name, spec) -> ArgDecision:
        source = self.ctx.name_of(arg.value)
        if source is None and isinstance(strip_parens(arg.value), cst.SimpleString):
            source = _value_key(arg.value)  # a dtype string ("float32"), keyed by its repr
        target = self.ctx.ruleset.dtypes.get(source) if source else None
        if target is None:
            self.ctx.report_kind(arg, self.rule, "dtype-unknown", name, value=code_of(arg.value))
            return ArgDecision(to=spec.to)
        limit = spec.targets.get(target)  # what the target does with this dtype
        if limit is not None and limit.kind == "refuse":
            raise Refuse(arg, name, limit.code, argument=name, value=code_of(arg.value), target=target)
        if limit is not None:
            self.ctx.report(arg, self.rule, limit.code, name, argument=name, value=code_of(arg.value), target=target)
        self.result.replaced.append(arg.value)
        return ArgDecision(to=spec.to, make_value=lambda old, env: keep_parens(old, dotted(target, env.alias)))


class _Shown(dict):
    def __missing__(self, key):
        return "mindspore" if key == "mindspore" else f"<{key}>"


def _shown(template: str) -> str:
    """A value template as a message shows it: `mindspore.ops.ones_like(<running_mean>)`."""
    return template.format_map(_Shown())


def _value_key(node: cst.BaseExpression) -> str:
    """How a value is looked up in a rule's `values`: source text, but a string by its repr ('zeros')."""
    value = strip_parens(node)
    if isinstance(value, cst.SimpleString):
        try:
            evaluated = value.evaluated_value
        except (ValueError, SyntaxError):
            return literal_key(node)
        if isinstance(evaluated, str):
            return repr(evaluated)
    return literal_key(node)


def _argument_node(call: cst.Call, signature: tuple[str, ...], name: str) -> cst.BaseExpression | None:
    for position, arg in enumerate(call.args):
        if (arg.keyword.value if arg.keyword is not None else signature[position]) == name:
            return arg.value
    return None


_LITERALS = (cst.Integer, cst.Float, cst.SimpleString)


def _constant(ctx: Context, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The literal a name is bound to once (a module or class constant such as `BN_MOMENTUM = None`)."""
    node = strip_parens(node)
    if not isinstance(node, cst.Name):
        return None
    scope = ctx.scopes.get(node)
    assignments = list(scope[node.value]) if scope is not None else []
    if len(assignments) != 1:
        return None
    target = assignments[0].node
    holder = ctx.parent(target)
    statement = ctx.parent(holder) if isinstance(holder, cst.AssignTarget) else holder
    value = getattr(statement, "value", None) if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
    if value is None or (isinstance(statement, cst.Assign) and len(statement.targets) != 1):
        return None
    bare = strip_parens(value)
    if isinstance(bare, _LITERALS) or (isinstance(bare, cst.Name) and bare.value in ("None", "True", "False")):
        return value
    return None


def _parameter_default(ctx: Context, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The literal default of the parameter a name reads, where the parameter is its only binding."""
    node = strip_parens(node)
    scope = ctx.scopes.get(node) if isinstance(node, cst.Name) else None
    assignments = list(scope[node.value]) if scope is not None else []
    if len(assignments) != 1 or not isinstance(assignments[0].node, cst.Param):
        return None
    default = assignments[0].node.default
    return default if default is not None and isinstance(strip_parens(default), (*_LITERALS, cst.Name)) else None


def _repeatable(node: cst.BaseExpression) -> bool:
    """Safe to write twice: names, attributes and subscripts of them, with no calls inside."""
    if isinstance(node, cst.Name):
        return True
    if isinstance(node, cst.Attribute):
        return _repeatable(node.value)
    if isinstance(node, cst.Subscript):
        return _repeatable(node.value) and all(
            isinstance(s.slice, cst.Index) and isinstance(s.slice.value, (cst.Integer, cst.Name, cst.SimpleString))
            for s in node.slice
        )
    return False


def _check_within(arg: cst.Arg, name: str, interval: Interval):
    """A number literal the target does not accept (eps outside (0, 1]): the call is left, with an error."""
    number = number_literal(arg.value)
    if number is not None and number not in interval:
        raise Refuse(arg, name, interval.code, argument=name, value=code_of(arg.value), interval=interval.text)


def _check_input_ranks(ctx: Context, call: cst.Call, rule: Rule, known: int | None = None):
    """A layer whose target accepts only some input ranks (SyncBatchNorm: 2-D and 4-D): an error where
    the code shows another rank, a warning where it shows none. `known`: the rank the model shows (Keras)."""
    rank = known if known is not None else rank_where_built(ctx, call)
    ranks = " and ".join(f"{r}-D" for r in rule.input_ranks)
    if rank is None:
        ctx.report(call, rule, rule.ranks_unknown, ranks=ranks)
    elif rank not in rule.input_ranks:
        raise Refuse(call, None, rule.ranks_refuse, rank=rank, ranks=ranks)


def _check_rank(ctx: Context, call: cst.Call, rule: Rule, input_arg: cst.Arg | None):
    """Report where the code shows the input has more dimensions than the target accepts."""
    if input_arg is None:
        return
    rank = visible_rank(ctx, call, input_arg.value)
    if rank is not None and rank > rule.max_rank:
        ctx.report(input_arg, rule, rule.rank_message, rank=rank)


def one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def comments_in(node: cst.CSTNode) -> list[cst.Comment]:
    found: list[cst.Comment] = []

    class _Collect(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment):
            found.append(comment)

    node.visit(_Collect())
    return found
