"""Type tests for a converted class on what a source module's walk over its submodules yields.

`for m in model.modules(): if isinstance(m, nn.BatchNorm2d): ...` (and `named_modules()`,
`children()`, `model.apply(init_fn)`): torch registers only torch modules, so a MindSpore cell
stored on a torch module is never among them, and the converted test silently matches nothing
(weights not initialised, layers not frozen). Reported once per walk, where it is (the rule file's
`traversals`).
"""

from __future__ import annotations

import libcst as cst

from bnport.expressions import code_of, strip_parens


def report_traversals(ctx, guards, objects, tests) -> None:
    walks = ctx.ruleset.traversals
    if not walks:
        return
    done: set[int] = set()
    for node in tests:
        layer = objects.layer_classes.get(id(strip_parens(node)))
        found = guards._class_test(node) if layer is not None else None
        if found is None or id(found[0]) in done:
            continue
        test, subject = found[0], strip_parens(found[1]) if found[1] is not None else None
        walk = _walk_of(ctx, subject, walks) if isinstance(subject, cst.Name) else None
        done.add(id(test))
        if walk is not None and id(walk) not in done:  # said once per walk, where the walk is
            done.add(id(walk))
            ctx.report_kind(walk, layer.rule, "traversal", walk=code_of(walk.func) + "()",
                            framework=layer.rule.apis[0].sources[0].split(".")[0], target=layer.api.target)


def _walk_of(ctx, name: cst.Name, walks) -> cst.Call | None:
    """The walk that gives `name` its value: the loop (or comprehension) over `x.modules()`, or
    `x.apply(fn)` for a parameter of `fn`."""
    scope = ctx.scopes.get(name)
    for assignment in scope[name.value] if scope is not None else ():
        binder = assignment.node
        if isinstance(binder, cst.Param):
            call = _applied(ctx, binder, walks)
            if call is not None:
                return call
            continue
        holder = ctx.parent(binder)
        while isinstance(holder, (cst.Element, cst.Tuple, cst.List)):
            holder = ctx.parent(holder)
        if isinstance(holder, (cst.For, cst.CompFor)):
            call = _traversal(strip_parens(holder.iter), walks)
            if call is not None:
                return call
    return None


def _traversal(node, walks) -> cst.Call | None:
    """`x.modules()`, also inside `enumerate(...)` / `list(...)`."""
    if not isinstance(node, cst.Call):
        return None
    if isinstance(node.func, cst.Attribute) and node.func.attr.value in walks:
        return node
    if isinstance(node.func, cst.Name) and node.func.value in ("enumerate", "list", "tuple", "reversed") and node.args:
        return _traversal(strip_parens(node.args[0].value), walks)
    return None


def _applied(ctx, param: cst.Param, walks) -> cst.Call | None:
    """`model.apply(fn)` where `param` is fn's first parameter."""
    function = ctx.parent(ctx.parent(param))
    if not (isinstance(function, cst.FunctionDef) and function.params.params and function.params.params[0] is param):
        return None
    scope = ctx.scopes.get(function)
    for assignment in scope[function.name.value] if scope is not None else ():
        for access in assignment.references:
            arg = ctx.parent(access.node)
            call = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
            if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in walks
                    and "apply" == call.func.attr.value):
                return call
    return None
