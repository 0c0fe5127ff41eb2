"""String literals that are torch BatchNorm state-dict keys: reported with the MindSpore key, never rewritten.

A literal that names a BatchNorm-only attribute (``running_mean``) and is looked up by name on an
object bnport cannot tell (``hasattr(m, 'running_mean')``: duck typing) is a warning: the lookup
silently gives another answer on a converted layer."""

from __future__ import annotations

import re

import libcst as cst

from bnport.context import Context
from bnport.expressions import code_of
from bnport.rules import Api, AttrSpec, Rule

_KEY = re.compile(r"^\w+(?:\.\w+)*$")  # dotted module path, e.g. layer1.0.bn1.running_var


_BY_NAME = ("getattr", "hasattr", "setattr", "delattr")


def state_dict_keys(ctx: Context, layer_names: set[str], renamed: dict | None = None, layer_classes=()):
    """Report string literals that are torch BatchNorm state-dict keys; strings are never rewritten
    (except those `renamed` already, the names of a known layer's members). `layer_classes`: the
    file's classes that are converted layers (their own buffers are a layer's entries)."""
    keyed: dict[str, list[tuple[Rule, AttrSpec, Api]]] = {}
    for rule in ctx.ruleset.rules:
        for spec in rule.attributes.values():
            if spec.state_key is not None and spec.name not in keyed:
                keyed[spec.name] = [(rule, spec, api) for api in rule.apis]
    if not keyed:
        return

    for node in ctx.index.strings:
        if not any(name in node.value for name in keyed) or node in (renamed or {}):
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
        rule, spec, api = entries[0]
        if _own_buffer(ctx, node, layer_classes):
            continue
        lookup = _looked_up(ctx, node)
        if lookup is not None and spec.state_key == "always" and len(parts) == 1:
            target = ".".join(p for p in (api.attribute_path, spec.to) if p) if spec.to else None
            ctx.report_kind(lookup, rule, "name-lookup", call=code_of(lookup), name=value,
                            target=repr(target) if target else "not there")
            continue
        if spec.state_key == "prefixed" and (len(parts) < 2 or parts[-2] not in layer_names):
            continue
        prefix = ".".join(parts[:-1])
        if spec.to is None:
            text = ctx.ruleset.codes[spec.report].text(object=value, layer=prefix or "<layer>")
            ctx.report_kind(node, rule, "state-key-report", key=value, text=text)
            continue
        keys = []
        for _, _, api in entries:
            key = ".".join(p for p in (prefix, api.attribute_path, spec.to) if p)
            if key not in keys:
                keys.append(key)
        alternatives = f"{keys[0]!r}" + "".join(f" ({k!r} for a BatchNorm3d)" for k in keys[1:])
        ctx.report_kind(node, rule, "state-key", key=value, target=alternatives)



def _looked_up(ctx: Context, string):
    """The getattr / hasattr / setattr / delattr call that takes this string as the attribute name."""
    arg = ctx.parent(string)
    call = ctx.parent(arg)
    if (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
            and call.func.value in _BY_NAME and len(call.args) >= 2 and call.args[1] is arg):
        return call
    return None


def _own_buffer(ctx: Context, string, layer_classes) -> bool:
    """`self.register_buffer("running_mean", ...)` in a module that is not a converted layer (a
    FrozenBatchNorm2d): the name of that module's own buffer, not a converted layer's key."""
    arg = ctx.parent(string)
    call = ctx.parent(arg)
    if not (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("register_buffer", "register_parameter") and call.args and call.args[0] is arg):
        return False
    klass = call
    while klass is not None and not isinstance(klass, cst.ClassDef):
        klass = ctx.parent(klass)
    return klass not in layer_classes
