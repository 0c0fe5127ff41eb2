"""Where a converted registry config goes: `norm_cfg = dict(type=nn.BatchNorm2d, momentum=0.1)`.

Its own keys are converted where it is written; the configs made from it take more of the class's
arguments: `dict(norm_cfg, momentum=0.3)` is converted the same way (its keywords are the class's
arguments), and a key added another way (`cfg["momentum"] = m`, `cfg.update(momentum=m)`,
`cfg.setdefault("eps", e)`, `{**cfg, "momentum": m}`) is reported: its value keeps the source's
meaning. The config is followed through names, `self` attributes, tuple unpacking, copies (`cfg.copy()`, `copy.deepcopy(cfg)`) and the
parameters of functions of the file it is passed to.
"""

from __future__ import annotations

import libcst as cst

from bnport.classrefs import _direct_calls, _is_self, _local_function, param_for as _param_for
from bnport.expressions import code_of, string_text, strip_parens
from bnport.resolve import qualified_name
from bnport.index import ClassScope
from bnport.value_flow import loads_after, others_reach, statement_of

_COPIES = ("copy.copy", "copy.deepcopy")


class ConfigFlow:
    def __init__(self, ctx, classes, plan, rule, api, line: int):
        """`plan(call, skip)` converts a derived `dict(cfg, ...)` call's keywords; `classes` finds
        `self.<attr>` in a class's methods."""
        self.ctx, self.classes, self.plan, self.rule, self.api, self.line = ctx, classes, plan, rule, api, line
        self._seen: set[int] = set()
        # the keys whose value the conversion changes (momentum; not eps)
        self.changed = {name for name, spec in rule.args.items()
                        if spec.to != name or spec.transform or spec.drop or spec.otherwise}
        self.converted: set[str] = set()  # the changed keys written (and converted) in the config
        self._roots = {source.split(".")[0] for source in ctx.ruleset.by_source}

    def follow(self, node, sole: bool = True) -> None:
        """`sole`: the config reaches here only from the converted one (a function's parameter that
        other calls give other dicts is not: its derived configs are reported, not converted)."""
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        ctx = self.ctx
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
            self.converted |= {a.keyword.value for a in node.args if a.keyword is not None} & self.changed
        parent = ctx.parent(node)
        if isinstance(parent, cst.Assign) and parent.value is node:
            for target in (t.target for t in parent.targets):
                self._target(target, sole)
        elif isinstance(parent, (cst.AnnAssign, cst.NamedExpr)) and parent.value is node:
            self._target(parent.target, sole)  # `cfg: dict = dict(...)`, `(cfg := dict(...))`
        elif isinstance(parent, cst.Param) and parent.default is node:
            self._name(parent.name, False)  # `def __init__(self, norm_cfg=dict(...))`: callers may pass others
        elif isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List)):
            self._unpacked(ctx.parent(parent), parent, sole)  # `cfg, other = dict(...), 1`
        elif isinstance(parent, cst.Arg):
            call = ctx.parent(parent)
            if not isinstance(call, cst.Call):
                return
            name = qualified_name(ctx, call.func)
            if isinstance(call.func, cst.Name) and call.func.value == "dict" and call.args[0] is parent:
                retyped = [a for a in call.args if a.keyword is not None and a.keyword.value in ctx.ruleset.config_keys]
                if sole and not retyped:
                    self.plan(call, 1)  # `dict(cfg, momentum=0.3)`
                    self.follow(call)
                else:  # another class (`type=`), or maybe not this config: its keys are the source's
                    for arg in call.args[1:]:
                        self._added(call, arg.keyword.value if arg.keyword is not None else None)
                    if not retyped:
                        self.follow(call, False)  # and what is added to the copy later
            elif name in _COPIES:
                self.follow(call, sole)
            elif (function := _local_function(ctx, call.func)) is not None:
                param = _param_for(function, call, parent)
                if param is not None:
                    self._name(param.name, sole and len(_direct_calls(ctx, function)) == 1)
            elif (method := self._method(call)) is not None:  # `self._make_norm(norm_cfg, c)`
                param = _param_for(method, call, parent, skip=1)
                if param is not None:
                    self._name(param.name, False)
            elif parent.star == "**" and self.converted and name is not None and name.split(".")[0] in self._roots \
                    and name not in ctx.ruleset.by_source:  # `nn.InstanceNorm2d(c, **cfg)`: still torch
                self._read(call, ", ".join(sorted(self.converted)))
        elif isinstance(parent, cst.Attribute) and parent.value is node:
            call = ctx.parent(parent)
            if not (isinstance(call, cst.Call) and call.func is parent):
                return
            method = parent.attr.value
            if method in ("copy", "items"):  # `dict(cfg.items(), momentum=m)` is a copy too
                self.follow(call, sole)
            elif method == "update":
                for arg in call.args:
                    if arg.keyword is not None:
                        self._added(call, arg.keyword.value)
                    elif isinstance(strip_parens(arg.value), cst.Dict):
                        self._dict_keys(call, strip_parens(arg.value))
                    else:
                        self._added(call, None)
            elif method == "setdefault" and call.args:
                self._added(call, string_text(call.args[0].value))
            elif method in ("get", "pop") and call.args and string_text(call.args[0].value) in self.converted:
                self._read(call, string_text(call.args[0].value))
        elif isinstance(parent, cst.Subscript) and parent.value is node:
            key = parent.slice[0].slice.value if len(parent.slice) == 1 and isinstance(
                parent.slice[0].slice, cst.Index) else None
            text = string_text(key) if key is not None else None
            if _stored(ctx, parent):
                self._added(parent, text)
            elif text in self.converted:
                self._read(parent, text)  # `cfg["momentum"]`: MindSpore's value now
        elif isinstance(parent, cst.StarredDictElement):
            self._dict_keys(ctx.parent(parent), ctx.parent(parent))
        elif isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.BitOr) and parent.left is node:
            self._merged(parent, parent.right)  # `cfg | {"momentum": m}`
        elif isinstance(parent, cst.AugAssign) and isinstance(parent.operator, cst.BitOrAssign) and parent.target is node:
            self._merged(parent, parent.value)  # `cfg |= dict(momentum=m)`

    def literal(self, literal: cst.Dict, class_value) -> None:
        """The keys written beside the class in a dict literal config are left as the source's: those
        whose value the conversion changes (momentum; not eps) are reported."""
        for element in literal.elements:
            if isinstance(element, cst.DictElement) and element.value is class_value:
                continue
            key = string_text(element.key) if isinstance(element, cst.DictElement) else None
            spec = self.rule.args.get(key) if key is not None else None
            if key is None or (spec is not None and (spec.to != key or spec.transform or spec.drop or spec.otherwise)):
                self.ctx.report_kind(element, self.rule, "config-literal", key=key or "**-spread keys",
                                     target=self.api.target, where=_element_code(element))

    def _method(self, call: cst.Call) -> cst.FunctionDef | None:
        """The method of the caller's class (or a base of it in the file) a `self.<name>(...)` call runs."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and _is_self(func.value)):
            return None
        klass = self.classes.enclosing_class(call)
        for owner in ([klass, *self.classes.bases(klass)] if klass is not None else []):
            for statement in owner.body.body:
                if isinstance(statement, cst.FunctionDef) and statement.name.value == func.attr.value:
                    return statement
        return None

    def _target(self, target, sole: bool) -> None:
        if isinstance(target, cst.Name) and isinstance(self.ctx.scopes.get(target), ClassScope):
            self._class_attribute(target, sole)  # `norm_cfg = dict(...)` in a class body, read as self.norm_cfg
        elif isinstance(target, cst.Name):
            self._name(target, sole)
        elif isinstance(target, cst.Attribute) and _is_self(target.value):
            self._attribute(target, sole)

    def _unpacked(self, sequence, element, sole: bool) -> None:
        """The target an element of `a, b = x, y` goes to, where both sides have the same shape."""
        assign = self.ctx.parent(sequence)
        if not (isinstance(assign, cst.Assign) and assign.value is sequence):
            return
        index = sequence.elements.index(element)
        for target in (t.target for t in assign.targets):
            if isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == len(sequence.elements) \
                    and not any(isinstance(e, cst.StarredElement) for e in target.elements):
                self._target(target.elements[index].value, sole)

    def _name(self, name: cst.Name, sole: bool) -> None:
        # the reads this assignment reaches: up to the name's next assignment (`cfg = dict(lr=...)`)
        for load in loads_after(self.ctx, name, augmented=True):
            self.follow(load, sole and not others_reach(self.ctx, name, load))

    def _class_attribute(self, target: cst.Name, sole: bool) -> None:
        self._name(target, sole)  # (read in the class body itself)
        klass = self.ctx.parent(self.ctx.parent(statement_of(self.ctx, target)))
        if isinstance(klass, cst.ClassDef):
            self._attribute(target, sole, klass, stored=1)

    def _attribute(self, target, sole: bool, klass: cst.ClassDef | None = None, stored: int = 0) -> None:
        """`self.norm_cfg = dict(...)`: its reads in the class's methods and its subclasses'; another
        store of the attribute may give it another config. `stored`: stores in the class body."""
        classes = self.classes
        klass = klass or classes.enclosing_class(target)
        if klass is None:
            return
        name = target.value if isinstance(target, cst.Name) else target.attr.value
        nodes = [n for owner in classes.subclasses(klass) for n in classes.self_attributes(owner).get(name, [])]
        stored += classes.stores_around(klass, name)
        updated = [n for n in nodes if isinstance(self.ctx.parent(n), cst.AugAssign)]  # `self.cfg |= ...`
        stores = [n for n in nodes if classes.is_store(n) and n not in updated]
        for node in nodes:
            if node not in stores:
                self.follow(node, sole and len(stores) + stored == 1)
        for base in classes.bases(klass):  # read in a base class's methods: other subclasses may set others
            for node in classes.self_attributes(base).get(name, []):
                if not classes.is_store(node) or node in updated:
                    self.follow(node, False)

    def _merged(self, where, other) -> None:
        other = strip_parens(other)
        if isinstance(other, cst.Dict):
            self._dict_keys(where, other)
        elif isinstance(other, cst.Call) and isinstance(other.func, cst.Name) and other.func.value == "dict":
            for arg in other.args:
                self._added(where, arg.keyword.value if arg.keyword is not None else None)
        else:
            self._added(where, None)

    def _dict_keys(self, where, literal: cst.Dict) -> None:
        for element in literal.elements:
            if isinstance(element, cst.DictElement):
                self._added(where, string_text(element.key))

    def _read(self, where, key: str) -> None:
        self.ctx.report_kind(where, self.rule, "config-read", key=key, target=self.api.target, line=self.line,
                             where=code_of(where).split("\n")[0][:60])

    def _added(self, where, key: str | None) -> None:
        """A key given to a config of the class another way than where it is written."""
        if key is not None and key not in self.changed and key not in self.ctx.ruleset.config_keys:
            return  # a key whose value means the same in both (eps); a new `type` makes the converted arguments another class's
        self.ctx.report_kind(where, self.rule, "config-key", key=key or "a key", target=self.api.target,
                             line=self.line, where=code_of(where).split("\n")[0][:60])


def _stored(ctx, node) -> bool:
    parent = ctx.parent(node)
    return isinstance(parent, cst.AssignTarget) or (isinstance(parent, (cst.AugAssign, cst.AnnAssign))
                                                    and parent.target is node)


def _element_code(element) -> str:
    """`"momentum": 0.1` (without the comma), or `**cfg`."""
    if isinstance(element, cst.DictElement):
        return f"{code_of(element.key)}: {code_of(element.value)}".split("\n")[0][:60]
    return f"**{code_of(element.value)}"[:60]
