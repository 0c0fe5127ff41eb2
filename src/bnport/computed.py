"""Classes named by a value computed at run time: ``getattr(nn, f"BatchNorm{dim}d")``, and strings that
``eval`` may turn into a class (yolov5's ``m = eval(m)`` on ``"nn.BatchNorm2d"``).

``resolve`` names a ``getattr`` whose name is built from digits after the family of classes it may
pick. A direct call of such a family is converted when every member converts it the same way: one
rule, MindSpore classes of the same names under one module, the same argument plan; then only the
module changes (``getattr(mindspore.nn, f"BatchNorm{dim}d")(c, momentum=1 - m)``). Anything else is
reported with the reason and left as it is.

A string is only text to the parser, so a string that spells a converted class is reported, never
rewritten, where the module calls the builtin ``eval``: the class it evaluates to stays torch's while
the code around it (``m is nn.BatchNorm2d``, ``isinstance``) now speaks of the MindSpore class.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from bnport.calls import plan_call
from bnport.context import Context
from bnport.expressions import code_of
from bnport.index import ImportAssignment
from bnport.resolve import Reference, binding_name, qualified_name

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def family_site(analyser, reference: Reference) -> None:
    """A getattr with a computed name (`reference.members`): converted as a whole, or reported."""
    ctx: Context = analyser.ctx
    node = reference.node
    entries = [(member, *ctx.ruleset.by_source[member]) for member in reference.members if member in ctx.ruleset.by_source]
    if not entries:
        return
    rule = entries[0][1]
    if len(reference.candidates) > 1:
        ctx.report_kind(node, rule, "ambiguous", name=code_of(node), candidates=", ".join(reference.candidates))
        return
    members = ", ".join(member for member, _, _ in entries)

    def refuse(reason: str):
        ctx.report_kind(node, rule, "computed-name", name=reference.name, members=members, reason=reason)

    if len({id(r) for _, r, _ in entries}) > 1:
        return refuse("they are converted by different rules")
    if rule.report is not None:
        ctx.report(node, rule, rule.id)
        return
    modules = {api.target.rpartition(".")[0] for _, _, api in entries}
    if len(modules) != 1 or any(api.target.rpartition(".")[2] != member.rpartition(".")[2] for member, _, api in entries):
        return refuse("their MindSpore classes do not have the same names under one module")
    call = ctx.parent(node)
    if not (isinstance(call, cst.Call) and call.func is node):
        return refuse("it is used as a value; bnport converts such a class only where it is called at once")
    if rule.kind != "class" or rule.infer is not None:
        return refuse("the rule needs to know which class it is")
    paths = {api.attribute_path for _, _, api in entries}
    if len(paths) > 1 and isinstance(ctx.parent(call), (cst.Assign, cst.AnnAssign)):
        keeps = ", ".join(f"{member.rpartition('.')[2]} keeps them under .{api.attribute_path}"
                          for member, _, api in entries if api.attribute_path)
        return refuse(f"the layer is stored, and its parameters live under different attributes ({keeps})")
    mark = len(ctx.reported)
    shapes = set()
    for _, _, api in entries:
        plan = plan_call(ctx, call, rule, api, keep_func=True)
        ctx.rollback(mark)
        shapes.add(None if plan is None else (
            tuple((d.remove, d.to, d.positional, d.first) for d in plan.decisions),
            tuple(plan.leading), tuple(keyword for keyword, _ in plan.additions)))
    if len(shapes) > 1:
        return refuse("their arguments do not map the same way")
    _, _, api = entries[0]  # planned for real (a refusal, the same for all, reports itself)
    if analyser.plan(call, rule, api, layer=len(paths) == 1, keep_func=True) is not None:
        analyser.result.replacements[node.args[0].value] = (rule, modules.pop())


def eval_strings(ctx: Context) -> None:
    """String literals that spell a class of a rule (`"nn.BatchNorm2d"`), in a module that calls the
    builtin eval: reported where they are written (the string keeps torch's class)."""
    if not builtin_eval_calls(ctx.index, ctx.positions):
        return
    module_scope = ctx.index.all_scopes[0]
    for string in ctx.index.strings:
        text = string_value(string)
        if text is None or not _DOTTED.fullmatch(text.strip()):
            continue
        qualified = qualify(module_scope, text.strip())
        entry = ctx.ruleset.by_source.get(qualified or "")
        if entry is not None and entry[1].target is not None:
            rule, api = entry
            ctx.report_kind(string, rule, "eval-string", value=code_of(string), source=qualified, target=api.target)


def serialized_classes(ctx: Context) -> None:
    """`{"class_name": "BatchNormalization", ...}` (the rule files' `serialized_keys`) in a module that
    imports the rule's framework: a serialized layer config naming a converted class, built by the
    framework at run time; reported where it is written."""
    keys = ctx.ruleset.serialized_keys
    if not keys:
        return
    imported = {_imported_root(a.node) for a in ctx.index.all_scopes[0].assignments if isinstance(a, ImportAssignment)}
    imported |= {reference.name.split(".")[0] for reference in ctx.references.values() if reference.name}
    for string in ctx.index.strings:
        element = ctx.parent(string)
        if not isinstance(element, cst.DictElement) or element.value is not string:
            continue
        key = string_value(element.key)
        files = {file for file, serialized in keys if serialized == key}  # whose rules it names
        text = string_value(string)
        found = next(((name, entry) for name, entry in ctx.ruleset.by_source.items()
                      if text and name.rsplit(".", 1)[-1] == text and entry[1].target is not None
                      and entry[0].file in files and name.split(".")[0] in imported), None) if files else None
        built = _built_at(ctx, element)
        if found is not None and built != []:
            name, (rule, api) = found
            for where in built or [string]:
                ctx.report_kind(where, rule, "serialized-class", value=code_of(string), source=name, target=api.target)


def _imported_root(node) -> str:
    """The top-level module an import statement reads (`import tensorflow as tf`: tensorflow)."""
    if isinstance(node, cst.ImportFrom) and node.module is not None:
        return code_of(node.module).split(".")[0]
    if isinstance(node, cst.Import) and node.names:
        return code_of(node.names[0].name).split(".")[0]
    return ""


def _built_at(ctx: Context, element) -> list | None:
    """The calls the config literal holding `element` is given to (directly or through a name it is
    assigned to): where the layer is built; [] where nothing is built from it; None: not seen."""
    literal = ctx.parent(element)
    while isinstance(ctx.parent(literal), (cst.DictElement, cst.Element)):
        literal = ctx.parent(ctx.parent(literal))
    holder = ctx.parent(literal)
    if isinstance(holder, cst.Arg):
        return [ctx.parent(holder)]
    if isinstance(holder, (cst.Comparison, cst.ComparisonTarget)):
        return []  # compared with, not built from
    if not (isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name)):
        return None  # where it goes is not seen: said where it is written
    target = holder.targets[0].target
    scope = ctx.scopes.get(target)
    calls = []
    for assignment in scope[target.value] if scope is not None else ():
        for access in assignment.references:
            arg = ctx.parent(access.node)
            if isinstance(arg, cst.Arg) and isinstance(ctx.parent(arg), cst.Call):
                calls.append(ctx.parent(arg))
    return calls


def eval_comparisons(ctx: Context, replacements: dict) -> None:
    """A converted class compared with a value eval made (yolov5: `m = eval(m)` on strings from a yaml
    file, then `m is nn.BatchNorm2d`): eval still makes the source framework's class, so the check is
    false from now on. Reported at the check."""
    reported: set[int] = set()
    for node, (rule, target) in replacements.items():
        check, others = _compared(ctx, node)
        for other in others:
            made = _made_by_eval(ctx, other)
            if made is not None and id(check) not in reported:
                reported.add(id(check))
                ctx.report_kind(check, rule, "eval-compare", value=code_of(other), line=ctx.position(made)[0],
                                target=target)


def _compared(ctx: Context, node) -> tuple[cst.CSTNode | None, list[cst.BaseExpression]]:
    """The comparison (`x is C`, `x in {C, D}`) or type check (`isinstance(x, (C, D))`) node takes part
    in, and the expressions it is compared with."""
    parent = ctx.parent(node)
    if isinstance(parent, cst.Element):
        parent = ctx.parent(ctx.parent(parent))  # a member of a tuple, list or set
    if isinstance(parent, cst.ComparisonTarget):
        comparison = ctx.parent(parent)
        sides = [comparison.left, *(t.comparator for t in comparison.comparisons)]
        return comparison, [side for side in sides if side is not node and not isinstance(side, (cst.Set, cst.Tuple, cst.List))]
    if isinstance(parent, cst.Comparison):
        return parent, [t.comparator for t in parent.comparisons]
    if isinstance(parent, cst.Arg):
        call = ctx.parent(parent)
        if (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in ("isinstance", "issubclass")
                and len(call.args) == 2 and call.args[1] is parent):
            return call, [call.args[0].value]
    return None, []


def _made_by_eval(ctx: Context, node) -> cst.Call | None:
    """The eval call a name was assigned from (`m = eval(m) if isinstance(m, str) else m`), if any."""
    if not isinstance(node, cst.Name):
        return None
    scope = ctx.scopes.get(node)
    for assignment in scope[node.value] if scope is not None else ():
        holder = ctx.parent(assignment.node)
        statement = ctx.parent(holder) if isinstance(holder, cst.AssignTarget) else None
        if isinstance(statement, cst.Assign):
            found = _EvalCalls()
            statement.value.visit(found)
            calls = [call for call in found.found if "eval" not in (ctx.scopes.get(call.func) or {})]
            if calls:
                return calls[0]
    return None


class _EvalCalls(cst.CSTVisitor):
    def __init__(self):
        self.found: list[cst.Call] = []

    def visit_Call(self, node: cst.Call):
        if isinstance(node.func, cst.Name) and node.func.value == "eval":
            self.found.append(node)


def builtin_eval_calls(index, positions) -> list[ast.Call]:
    """The module's calls of the builtin eval (none if it binds an eval of its own anywhere)."""
    if not any("eval" in line for line in positions.lines):
        return []
    if any(scope.assignments["eval"] for scope in index.all_scopes):
        return []
    return [node for node in ast.walk(positions.tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "eval"]


def qualify(scope, text: str) -> str | None:
    """The qualified name a dotted name written in `scope` stands for, through an import binding there."""
    head, _, rest = text.partition(".")
    assignments = scope.resolve(head, scope)
    if len(assignments) != 1 or not isinstance(assignments[0], ImportAssignment):
        return None
    bound = binding_name(assignments[0])
    if bound is None:
        return None
    return f"{bound}.{rest}" if rest else bound


def string_value(node: cst.SimpleString) -> str | None:
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def data_named_lookups(ctx: Context) -> None:
    """`getattr(nn, cfg["type"])` where a string of the module names a class bnport converts
    (`{"type": "BatchNorm2d"}`): the class comes from data, so the one it picks stays the source
    framework's while the rest of the converted code expects MindSpore's. Reported at the lookup."""
    named = {string_value(s) for s in ctx.index.strings
             if not isinstance(ctx.parent(s), (cst.Expr, cst.Comparison, cst.ComparisonTarget))}  # not docstrings, tests
    if not any(source.rpartition(".")[2] in named for source in ctx.ruleset.by_source):
        return  # (most modules: no string names such a class)
    for node in ctx.index.parents:
        if not (type(node) is cst.Call and isinstance(node.func, cst.Name) and node.func.value == "getattr"
                and len(node.args) >= 2 and not any(a.keyword or a.star for a in node.args[:2])):
            continue
        if isinstance(node.args[1].value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) \
                or node in ctx.references:
            continue  # a literal, a formatted or a constant name: resolved as a reference
        module = qualified_name(ctx, node.args[0].value)
        if module is None or ctx.scopes.get(node.func) is None or ctx.scopes[node.func]["getattr"]:
            continue
        members = sorted(f"{module}.{text}" for text in named if text and f"{module}.{text}" in ctx.ruleset.by_source)
        entry = ctx.ruleset.by_source.get(members[0]) if members else None
        if entry is not None:
            ctx.report_kind(node, entry[0], "computed-name", name=code_of(node), members=", ".join(members),
                            reason="the name comes from data, and a string in this module names a class bnport converts")
