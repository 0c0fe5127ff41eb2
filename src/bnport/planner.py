"""Decide what every BatchNorm call in a module becomes, without changing anything yet.

Callees are matched by the qualified names libcst's scope analysis gives them, so
``import torch.nn as nn; nn.BatchNorm2d`` matches and a parameter named ``nn`` does not.
The result is a plan per call; ``applier`` carries the plans out in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import libcst as cst
from libcst.metadata import QualifiedNameSource

from bnport.expressions import code_of, dotted, fill_template, keep_parens, literal_key, one_minus
from bnport.model import Finding
from bnport.rules import Api, ArgSpec, Rule, RuleSet

# Builds the new value of an argument from its (already transformed) old value and the mindspore alias.
ValueMaker = Callable[[cst.BaseExpression, str], cst.BaseExpression]


@dataclass
class ArgDecision:
    remove: bool = False
    to: str | None = None  # keyword to write; None keeps the argument as it is
    positional: bool = False  # written positionally (same position in both signatures)
    make_value: ValueMaker | None = None


@dataclass
class CallPlan:
    rule: Rule
    api: Api
    decisions: list[ArgDecision]  # one per argument of the call, in order
    comments: list[str] = field(default_factory=list)  # lines written above the statement
    additions: list[tuple[str, str]] = field(default_factory=list)  # (keyword, source) written at the end
    replaced: list[cst.CSTNode] = field(default_factory=list)  # original nodes whose names go away


@dataclass
class Analysis:
    plans: dict[cst.Call, CallPlan]
    findings: list[Finding]


class _Refuse(Exception):
    """The call cannot be converted faithfully; it is left as it is."""


class Planner:
    def __init__(self, ruleset: RuleSet, qualified_names: dict, positions: dict):
        self.ruleset = ruleset
        self.qualified_names = qualified_names
        self.positions = positions
        self.findings: list[Finding] = []

    def names(self, node: cst.CSTNode) -> set:
        value = self.qualified_names.get(node, set())
        return value() if callable(value) else value

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.positions[node].start
        return start.line, start.column + 1

    def finding(self, node, rule: Rule, severity: str, message: str, argument: str | None = None):
        line, column = self.position(node)
        self.findings.append(Finding(line, column, rule.id, severity, message, argument))

    def match(self, call: cst.Call) -> tuple[Rule, Api] | None:
        names = self.names(call.func)
        hits = {self.ruleset.by_source.get(q.name) for q in names if q.source is QualifiedNameSource.IMPORT}
        hits.discard(None)
        if not hits:
            return None
        if len(hits) != 1 or len(names) != 1:
            # Several candidate bindings (e.g. an import in try/except with a fallback): never guessed.
            rule = next(iter(hits))[0]
            candidates = ", ".join(sorted(q.name for q in names))
            self.finding(call, rule, "warning", f"{code_of(call.func)} may be any of {candidates}; left unconverted")
            return None
        return hits.pop()

    def plan(self, call: cst.Call) -> CallPlan | None:
        matched = self.match(call)
        if matched is None:
            return None
        rule, api = matched
        if rule.report is not None:
            self.finding(call, rule, "error", rule.report)
            return None
        mark = len(self.findings)
        try:
            return self._plan(call, rule, api)
        except _Refuse as refusal:
            # Keep only the refusal: the call is untouched, so per-argument notes would mislead.
            del self.findings[mark:]
            node, argument, message = refusal.args
            self.finding(node, rule, "error", message, argument)
            return None

    def _plan(self, call: cst.Call, rule: Rule, api: Api) -> CallPlan:
        plan = CallPlan(rule, api, [], replaced=[call.func])
        signature = rule.source_signature
        star_seen = False
        bound: set[str] = set()
        positional_ok = True  # positions line up until the first argument that moves or goes
        for index, arg in enumerate(call.args):
            if arg.star:
                star_seen = star_seen or arg.star == "*"
                self.finding(
                    arg, rule, "warning",
                    f"{arg.star}{code_of(arg.value)} is kept, but its contents cannot be checked: a momentum "
                    "passed through it is not inverted and a device is not removed",
                )
                plan.decisions.append(ArgDecision())
                continue
            if arg.keyword is not None:
                name = arg.keyword.value
            elif star_seen or index >= len(signature):
                raise _Refuse(arg, None, f"cannot bind positional argument {code_of(arg.value)}; the call is left unconverted")
            else:
                name = signature[index]
            decision = self._decide(arg, name, rule, plan)
            if arg.keyword is None:
                decision.positional = (
                    positional_ok and decision.to is not None and not decision.remove
                    and index < len(api.target_signature) and api.target_signature[index] == decision.to
                )
                positional_ok = decision.positional
            plan.decisions.append(decision)
            bound.add(name)
        for name, spec in rule.args.items():
            if spec.default is not None and name not in bound:
                if any(arg.star == "**" for arg in call.args):
                    self.finding(call, rule, "warning", f"{name} may come through ** and is not written out; "
                                 f"if it does not, set {spec.to}={spec.default} (the defaults differ)", name)
                else:
                    plan.additions.append((spec.to, spec.default))
        return plan

    def _decide(self, arg: cst.Arg, name: str, rule: Rule, plan: CallPlan) -> ArgDecision:
        spec: ArgSpec | None = rule.args.get(name)
        if spec is None:
            self.finding(arg, rule, "warning", f"unknown argument {name!r}: kept as it is", name)
            return ArgDecision(to=name)
        action = spec.values.get(literal_key(arg.value))
        if action is not None:
            if action.kind == "refuse":
                raise _Refuse(arg, name, action.message)
            if action.kind == "to":
                value = action.value
                return ArgDecision(to=action.to, make_value=lambda old, alias: keep_parens(old, cst.parse_expression(value)))
            return self._remove(arg, name, rule, plan, action.message, "info" if action.kind == "omit" else action.severity)
        if spec.drop is not None:
            return self._remove(arg, name, rule, plan, spec.drop, spec.severity)
        if spec.to is None:
            template = spec.otherwise
            self.finding(arg, rule, template.severity, template.message, name)
            return ArgDecision(to=template.to, make_value=lambda old, alias: fill_template(template.template, old))
        if spec.transform == "one_minus":
            return ArgDecision(to=spec.to, make_value=lambda old, alias: one_minus(old))
        if spec.transform == "dtype":
            return self._dtype(arg, name, spec, rule, plan)
        return ArgDecision(to=spec.to)

    def _remove(self, arg, name, rule, plan, reason: str, severity: str) -> ArgDecision:
        text = _one_line(code_of(arg.value))
        comments = [_one_line(c.value) for c in _comments_in(arg)]
        note = f"removed {name}={text} ({reason})"
        if comments:
            note += f"; its comment: {' '.join(comments)}"
        plan.comments.append(f"# bnport: {note}")
        self.finding(arg, rule, severity, note, name)
        return ArgDecision(remove=True)

    def _dtype(self, arg, name, spec, rule, plan) -> ArgDecision:
        targets = {self.ruleset.dtypes.get(q.name) for q in self.names(arg.value)} - {None}
        if len(targets) != 1:
            self.finding(
                arg, rule, "warning",
                f"dtype {code_of(arg.value)} is not a known torch dtype: kept as it is, "
                "but MindSpore needs a MindSpore dtype (mindspore.float32, ...)",
                name,
            )
            return ArgDecision(to=spec.to)
        target = targets.pop()
        plan.replaced.append(arg.value)
        return ArgDecision(to=spec.to, make_value=lambda old, alias: keep_parens(old, dotted(target, alias)))


def analyse(module: cst.Module, ruleset: RuleSet, qualified_names: dict, positions: dict) -> Analysis:
    planner = Planner(ruleset, qualified_names, positions)
    plans: dict[cst.Call, CallPlan] = {}

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call):
            plan = planner.plan(node)
            if plan is not None:
                plans[node] = plan

    module.visit(_Calls())
    return Analysis(plans, planner.findings)


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _comments_in(node: cst.CSTNode) -> list[cst.Comment]:
    found: list[cst.Comment] = []

    class _Collect(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment):
            found.append(comment)

    node.visit(_Collect())
    return found
