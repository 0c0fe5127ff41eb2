"""Type tests for a converted class on what a source module's walk over its submodules yields.

`for m in model.modules(): if isinstance(m, nn.BatchNorm2d): ...` (and `named_modules()`,
`children()`, `model.apply(init_fn)`): torch registers only torch modules, so a MindSpore cell
stored on a torch module is never among them, and the converted test silently matches nothing
(weights not initialised, layers not frozen). Reported once per walk, where it is (the rule file's
`traversals`).
"""

from __future__ import annotations

import libcst as cst

from bnport.expressions import code_of, string_text, strip_parens


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
        walk = _walk_of(ctx, subject, walks, test) if isinstance(subject, cst.Name) else None
        done.add(id(test))
        if walk is not None and id(walk) not in done:  # said once per walk, where the walk is
            done.add(id(walk))
            ctx.report_kind(walk, layer.rule, "traversal", walk=code_of(walk.func) + "()",
                            framework=layer.rule.apis[0].sources[0].split(".")[0], target=layer.api.target)


def _walk_of(ctx, name: cst.Name, walks, test) -> cst.Call | None:
    """The walk that gives `name` its value at `test`: the innermost loop (or comprehension) around
    the test that binds the name, over `x.modules()`; or `x.apply(fn)` for a parameter of `fn`."""
    child, current = test, ctx.parent(test)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        loop = current if isinstance(current, cst.For) and child is current.body else None
        if isinstance(current, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            loop = current.for_in
        if loop is not None and any(isinstance(n, cst.Name) and n.value == name.value for n in _names(loop.target)):
            return _traversal(strip_parens(loop.iter), walks)
        child, current = current, ctx.parent(current)
    scope = ctx.scopes.get(name)
    for assignment in scope[name.value] if scope is not None else ():
        if isinstance(assignment.node, cst.Param):
            call = _applied(ctx, assignment.node, walks)
            if call is not None:
                return call
    return None


def _names(target) -> list:
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names(e.value)]
    return [target]


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
    if not isinstance(function, cst.FunctionDef):
        return None
    params = function.params.params
    method = isinstance(ctx.parent(ctx.parent(function)), cst.ClassDef) and len(params) > 1 and params[1] is param
    if not (params and (params[0] is param or method)):
        return None
    scope = ctx.scopes.get(function)
    found = [access.node for assignment in (scope[function.name.value] if scope is not None else ())
             for access in assignment.references]
    if method:  # `self.apply(self._init_weights)`: the method read through self
        found = [a for a in _attributes_named(ctx, function.name.value)]
    for node in found:
        arg = ctx.parent(node)
        call = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
        if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in walks
                and call.func.attr.value == "apply"):
            return call
    return None


def _attributes_named(ctx, name: str) -> list:
    return [n for n in ctx.index.self_attributes if n.attr.value == name]


def report_submodule_lookups(ctx, objects) -> None:
    """`model.get_submodule("stem.bn")` (the rule file's `submodule_lookups`) where the path leads,
    through the classes of the file, to a converted layer: torch never registered it."""
    lookups = ctx.ruleset.submodule_lookups
    for method in lookups:
        for attribute in objects.attributes_named(method):
            call = ctx.parent(attribute)
            path = string_text(call.args[0].value) if isinstance(call, cst.Call) and call.func is attribute \
                and call.args else None
            owner = objects.owner_class(attribute.value) if path else None
            fact = None
            for part in (path.split(".") if owner is not None else ()):
                if owner is None:
                    fact = None
                    break
                fact = objects.binding(("attr", owner, part))
                owner = objects._one_class(objects._stored_values(("attr", owner, part)), 0)
            if fact is not None and not fact.collection:
                ctx.report_kind(call, fact.layer.rule, "submodule-lookup", call=code_of(call)[:60], path=path,
                                framework=fact.layer.rule.apis[0].sources[0].split(".")[0],
                                target=fact.layer.api.target)
