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
    literal_key,
    one_minus,
)
from bnport.rank import visible_rank
from bnport.rules import Api, ArgSpec, Rule


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
    comments: list[str] = field(default_factory=list)  # lines written above the statement
    additions: list[tuple[str, Callable[[Env], str]]] = field(default_factory=list)  # (keyword, Env -> source)
    bound: dict[str, int] = field(default_factory=dict)  # source parameter -> index of its argument
    replaced: list[cst.CSTNode] = field(default_factory=list)  # original nodes whose names go away
    keep_func: bool = False  # the callee is not the class itself (an alias, super().__init__, partial)


class Refuse(Exception):
    """The call cannot be converted faithfully; it is left as it is. Args: node, argument, message."""


def plan_call(ctx: Context, call: cst.Call, rule: Rule, api: Api, *, keep_func: bool = False,
              skip: int = 0, offset: int = 0, defaults: bool = True) -> CallPlan | None:
    """Plan `call` as a call of `api`. `skip` leading arguments are kept as they are (partial's class);
    the rest bind to the source signature from position `offset` (a partial may bind some already)."""
    if rule.report is not None:
        ctx.finding(call, rule, rule.report_severity, rule.report)
        return None
    mark = len(ctx.findings)
    try:
        return _CallPlanner(ctx, call, rule, api, keep_func).plan(skip, offset, defaults)
    except Refuse as refusal:
        # Keep only the refusal: the call is untouched, so per-argument notes would mislead.
        del ctx.findings[mark:]
        node, argument, message = refusal.args
        ctx.finding(node, rule, "error", message, argument)
        return None


class _CallPlanner:
    def __init__(self, ctx: Context, call: cst.Call, rule: Rule, api: Api, keep_func: bool):
        self.ctx, self.call, self.rule, self.api = ctx, call, rule, api
        self.result = CallPlan(rule, api, [], replaced=[] if keep_func else [call.func], keep_func=keep_func)
        self.bound: dict[str, cst.Arg] = {}

    def plan(self, skip: int, offset: int, defaults: bool) -> CallPlan:
        ctx, call, rule, api, plan = self.ctx, self.call, self.rule, self.api, self.result
        signature = rule.source_signature
        names: list[str | None] = []
        star_seen = False
        for index, arg in enumerate(call.args):
            position = index - skip + offset
            if index < skip:
                names.append(None)
            elif arg.star:
                star_seen = star_seen or arg.star == "*"
                ctx.finding(
                    arg, rule, "warning",
                    f"{arg.star}{code_of(arg.value)} is kept, but its contents cannot be checked: a momentum "
                    "passed through it is not inverted and a device is not removed",
                )
                names.append(None)
            elif arg.keyword is not None:
                names.append(arg.keyword.value)
            elif star_seen or position >= len(signature):
                raise Refuse(arg, None, f"cannot bind positional argument {code_of(arg.value)}; the call is left unconverted")
            else:
                names.append(signature[position])
        self.bound = {name: arg for name, arg in zip(names, call.args) if name is not None}
        self.result.bound = {name: index for index, name in enumerate(names) if name is not None}
        positional_ok = True  # positions line up (partial forwards its positionals first) until one moves
        for index, (arg, name) in enumerate(zip(call.args, names, strict=True)):
            if name is None:
                plan.decisions.append(ArgDecision())
                continue
            decision = self._decide(arg, name)
            if arg.keyword is None and not decision.first:
                position = index - skip + offset
                decision.positional = (
                    positional_ok and decision.to is not None and not decision.remove
                    and position < len(api.target_signature) and api.target_signature[position] == decision.to
                )
                positional_ok = decision.positional
            plan.decisions.append(decision)
        if defaults:
            self._add_defaults()
        if rule.max_rank is not None:
            _check_rank(ctx, call, rule, self.bound.get(signature[0]))
        return plan

    def _add_defaults(self):
        ctx, call, rule = self.ctx, self.call, self.rule
        for name, spec in rule.args.items():
            if spec.default is None or name in self.bound:
                continue
            if any(arg.star == "**" for arg in call.args):
                ctx.finding(call, rule, "warning", f"{name} may come through ** and is not written out; "
                            f"if it does not, set {spec.to}={spec.default} (the defaults differ)", name)
            else:
                source = self._source(spec.default, call, name)
                self.result.additions.append((spec.to, source))

    def _source(self, template: str, node, argument: str) -> Callable[[Env], str]:
        """A value template (`{mindspore}`, `{<argument>}`) as a function of what is known when applying."""
        used = []
        for name, arg in self.bound.items():
            if "{" + name + "}" in template:
                if not _repeatable(arg.value):
                    raise Refuse(node, argument, f"{argument} must be written out as {template.format_map(_Keep())}, "
                                 f"which repeats {name}; {code_of(arg.value)} is not a plain name, so the call is left unconverted")
                used.append(name)
        for name in self.rule.source_signature:
            if "{" + name + "}" in template and name not in used:
                raise Refuse(node, argument, f"{argument} must be written out as {template.format_map(_Keep())}, "
                             f"but {name} is not given; the call is left unconverted")
        return lambda env: template.format(mindspore=env.alias, **{name: env.codes[name] for name in used})

    def _decide(self, arg: cst.Arg, name: str) -> ArgDecision:
        ctx, rule = self.ctx, self.rule
        spec: ArgSpec | None = rule.args.get(name)
        if spec is None:
            ctx.finding(arg, rule, "warning", f"unknown argument {name!r}: kept as it is", name)
            return ArgDecision(to=name)
        action = spec.values.get(literal_key(arg.value))
        if action is not None:
            if action.kind == "refuse":
                raise Refuse(arg, name, action.message)
            if action.kind == "to":
                source = self._source(action.value, arg, name)
                return ArgDecision(to=action.to, first=spec.positional and arg.keyword is not None,
                                   make_value=lambda old, env: keep_parens(old, cst.parse_expression(source(env))))
            return self._remove(arg, name, action.message, "info" if action.kind == "omit" else action.severity)
        if spec.drop is not None:
            return self._remove(arg, name, spec.drop, spec.severity)
        if spec.to is None:
            template = spec.otherwise
            ctx.finding(arg, rule, template.severity, template.message, name)
            return ArgDecision(to=template.to, make_value=lambda old, env: fill_template(template.template, old))
        if spec.transform == "one_minus":
            return ArgDecision(to=spec.to, make_value=lambda old, env: one_minus(old))
        if spec.transform == "dtype":
            return self._dtype(arg, name, spec)
        return ArgDecision(to=spec.to, first=spec.positional and arg.keyword is not None)

    def _remove(self, arg, name, reason: str, severity: str) -> ArgDecision:
        text = one_line(code_of(arg.value))
        comments = [one_line(c.value) for c in comments_in(arg)]
        note = f"removed {name}={text} ({reason})"
        if comments:
            note += f"; its comment: {' '.join(comments)}"
        self.result.comments.append(f"# bnport: {note}")
        self.ctx.finding(arg, self.rule, severity, note, name)
        return ArgDecision(remove=True)

    def _dtype(self, arg, name, spec) -> ArgDecision:
        source = self.ctx.name_of(arg.value)
        target = self.ctx.ruleset.dtypes.get(source) if source else None
        if target is None:
            self.ctx.finding(
                arg, self.rule, "warning",
                f"dtype {code_of(arg.value)} is not a known torch dtype: kept as it is, "
                "but MindSpore needs a MindSpore dtype (mindspore.float32, ...)",
                name,
            )
            return ArgDecision(to=spec.to)
        self.result.replaced.append(arg.value)
        return ArgDecision(to=spec.to, make_value=lambda old, env: keep_parens(old, dotted(target, env.alias)))


class _Keep(dict):
    """format_map helper that leaves placeholders as they are (for messages)."""

    def __missing__(self, key):
        return "{" + key + "}"


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


def _check_rank(ctx: Context, call: cst.Call, rule: Rule, input_arg: cst.Arg | None):
    """Report where the code shows the input has more dimensions than the target accepts."""
    if input_arg is None:
        return
    rank = visible_rank(ctx, call, input_arg.value)
    if rank is not None and rank > rule.max_rank:
        ctx.finding(input_arg, rule, "warning", rule.rank_message.format(rank=rank))


def one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def comments_in(node: cst.CSTNode) -> list[cst.Comment]:
    found: list[cst.Comment] = []

    class _Collect(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment):
            found.append(comment)

    node.visit(_Collect())
    return found
