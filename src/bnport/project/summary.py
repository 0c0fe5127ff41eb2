"""What one module exports that may bear on BatchNorm, read with CPython's `ast` (fast, never run).

A summary maps each module-level name to where its value comes from, unresolved: another
module's name (an import, a re-export, an alias `BN = nn.BatchNorm2d`, a `partial` of one), a
class whose bases are such names (with whether it defines `__init__`), or a function whose every
`return` calls such a name (a factory). `project.index` resolves the references across modules.
Summaries are plain data (tuples and strings): they are cached on disk and sent to workers.
"""

from __future__ import annotations

import ast
import re

from bnport.pyast import dotted_ast, parse_quietly

# name -> ("ref", dotted)                  imported: another module's name (or a module)
#         ("alias", dotted)                 assigned once from another name (`BN = nn.BatchNorm2d`)
#         ("partial", dotted, positionals) functools.partial(<dotted>, ...)
#         ("class", (base dotted, ...), has_init)
#         ("factory", (dotted, ...))        every return statement calls one of these
#         ("star", module)                  (key "*<module>") every name of another module
#         ("either", (entry or None, ...))  bound to several things (branches, rebinding): which, unknown
#         ("registry", ((key, dotted), ...)) (key "@<registry>") string keys registered to classes: a dict
#                                           literal `{"BN": nn.BatchNorm2d}` or `<name>.register_module(...)`
Summary = dict[str, tuple]

_PARTIALS = ("functools.partial",)


def summarise(source: bytes, module: str, is_package: bool) -> Summary:
    """The module's exports; {} if it cannot be parsed (the conversion reports that file)."""
    tree = parse_quietly(source)
    if tree is None:
        return {}
    package = module if is_package else module.rpartition(".")[0]
    binder = _Binder(package)
    for statement in tree.body:
        binder.statement(statement)
    for name in _global_writes(source):
        binder.bind(name, None)  # rebound when some function runs: not known
    return binder.result()


class _Binder:
    """Module-level bindings in execution order. A name bound again to something else (another
    value, a def or class, a tuple or loop target, `del`, a branch of an if or try) is not known:
    it exports nothing. The summary keeps the order of the last bindings, star imports included, so
    that the last one wins (as at run time)."""

    def __init__(self, package: str):
        self.package = package
        self.names: dict[str, str] = {}  # local name -> dotted name it was imported as (for expressions)
        self.summary: Summary = {}
        self._seen: dict[str, list] = {}  # name -> every entry it is bound to (None: something unknown)

    def bind(self, name: str, entry: tuple | None) -> None:
        entries = self._seen.setdefault(name, [])
        if entry not in entries:
            entries.append(entry)
        self.summary.pop(name, None)
        if entry is not None:
            self.summary[name] = entry  # at the end: the last binding

    def result(self) -> Summary:
        result = {}
        for name, entry in self.summary.items():
            alternatives = self._seen.get(name, [entry])
            result[name] = entry if len(alternatives) == 1 else ("either", tuple(alternatives))
        for name, alternatives in self._seen.items():
            if name not in result and len(alternatives) > 1:  # last bound to something unknown
                result[name] = ("either", tuple(alternatives))
        return result

    def statement(self, statement) -> None:
        names, summary = self.names, self.summary
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                    self.bind(alias.asname, ("ref", alias.name))
                else:
                    root = alias.name.split(".")[0]
                    names[root] = root
                    self.bind(root, ("ref", root))
        elif isinstance(statement, ast.ImportFrom):
            base = _absolute(statement.module, statement.level, self.package)
            for alias in statement.names:
                if base is None:
                    self.bind(alias.asname or alias.name, None)
                elif alias.name == "*":
                    summary.pop(f"*{base}", None)
                    summary[f"*{base}"] = ("star", base)
                else:
                    local = alias.asname or alias.name
                    names[local] = f"{base}.{alias.name}"
                    self.bind(local, ("ref", f"{base}.{alias.name}"))
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            for target in targets:
                if isinstance(target, ast.Name) and isinstance(value, ast.Dict):
                    keys = _registry_dict(value, names)
                    if keys:
                        _register(summary, f".{target.id}", keys)
                if isinstance(target, ast.Name) and value is not None and not isinstance(statement, ast.AugAssign):
                    self.bind(target.id, _value(value, names))
                else:
                    for name in _target_names(target):
                        self.bind(name, None)
        elif isinstance(statement, ast.Delete):
            for target in statement.targets:
                for name in _target_names(target):
                    self.bind(name, None)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            registered = _registration(statement.value, names, None)
            if registered is not None:
                _register(summary, *registered)
        elif isinstance(statement, ast.ClassDef):
            for decorator in statement.decorator_list:
                registered = _registration(decorator, names, statement.name)
                if registered is not None:
                    _register(summary, *registered)
            bases = tuple(b for b in (_dotted(base, names) for base in statement.bases) if b)
            has_init = any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in ("__init__", "__new__")
                           and not _forwards(s) for s in statement.body)
            self.bind(statement.name, ("class", bases, has_init) if bases else None)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            returned = _factory(statement, names) if isinstance(statement, ast.FunctionDef) else ()
            self.bind(statement.name, ("factory", returned) if returned else None)
        elif isinstance(statement, (ast.If, ast.Try, ast.For, ast.While, ast.With)):
            # each branch binds in turn: a name two branches bind differently is not known
            for child in [*statement.body, *getattr(statement, "orelse", []), *getattr(statement, "finalbody", [])]:
                self.statement(child)
            for handler in getattr(statement, "handlers", []):
                for child in handler.body:
                    self.statement(child)
            if isinstance(statement, (ast.For, ast.With)):
                targets = [statement.target] if isinstance(statement, ast.For) else [
                    item.optional_vars for item in statement.items if item.optional_vars is not None]
                for target in targets:
                    for name in _target_names(target):
                        self.bind(name, None)


def _target_names(target) -> list[str]:
    return [node.id for node in ast.walk(target) if isinstance(node, ast.Name)]


# `global A, B` on its own line or after `:` / `;` (`def f(): global A; A = ...`), any line ending
_GLOBAL = re.compile(rb"(?:^|[:;])[ \t]*global[ \t]+([\w \t,]+?)[ \t]*(?=[;#\r\n]|$)", re.MULTILINE)


def _global_writes(source: bytes) -> set[str]:
    """Module names a function declares `global` (and may rebind when it runs). Read from the lines
    (walking the tree for them was most of the time); a docstring line that reads like one only
    makes a name unknown."""
    return {name.strip() for match in _GLOBAL.finditer(source)
            for name in match.group(1).decode("utf-8", "replace").split(",") if name.strip()}


def _value(node, names) -> tuple | None:
    if isinstance(node, (ast.Name, ast.Attribute)):
        dotted = _dotted(node, names)
        return ("alias", dotted) if dotted else None
    if isinstance(node, ast.Call) and node.args and _dotted(node.func, names) in _PARTIALS:
        target = _dotted(node.args[0], names)
        if target:
            return ("partial", target, sum(1 for a in node.args[1:] if not isinstance(a, ast.Starred)))
    return None


_REGISTER = ("register_module", "register")


def _registration(node, names, class_name: str | None):
    """`R.register_module("BN", module=nn.BatchNorm2d)`, or as a class decorator `@R.register_module()`
    (the key is `name=` or the class's name): (registry name, ((key, dotted),))."""
    if isinstance(node, ast.Attribute) and class_name is not None:  # `@R.register` without a call
        node = ast.Call(func=node, args=[], keywords=[])
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _REGISTER):
        return None
    registry = _dotted(node.func.value, names)
    if not registry:
        return None
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    key = keywords.get("name", node.args[0] if node.args else None)
    target = keywords.get("module", node.args[1] if len(node.args) > 1 else None)
    dotted = f".{class_name}" if class_name is not None else (_dotted(target, names) if target is not None else None)
    if dotted is None:
        return None
    if key is None:
        key_text = class_name or dotted.rpartition(".")[2]
    elif isinstance(key, ast.Constant) and isinstance(key.value, str):
        key_text = key.value
    else:
        return None  # a computed key (or a list of keys): not followed
    return registry, ((key_text, dotted),)


def _registry_dict(node: ast.Dict, names) -> tuple:
    """`{"BN": nn.BatchNorm2d, "SyncBN": ("bn", nn.SyncBatchNorm)}`: the string keys and the classes."""
    keys = []
    for key, value in zip(node.keys, node.values):
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[-1]  # mmcv 0.x: (abbreviation, class)
        dotted = _dotted(value, names) if isinstance(value, (ast.Name, ast.Attribute)) else None
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and dotted:
            keys.append((key.value, dotted))
    return tuple(keys)


def _register(summary: Summary, registry: str, keys: tuple) -> None:
    entry = summary.get(f"@{registry}", ("registry", ()))
    summary[f"@{registry}"] = ("registry", (*entry[1], *keys))


def _factory(function: ast.FunctionDef, names) -> tuple[str, ...]:
    """The callees every `return` calls (`return nn.BatchNorm2d(c)`), or () if one returns anything else
    (but None)."""
    returned = []
    stack = list(function.body)
    while stack:  # statements only (a return is one); nested functions and classes are not this one's
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            stack.extend(getattr(node, field, ()))
        if isinstance(node, ast.Return):
            if node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None):
                continue  # `return None` on a path without a layer: what is returned otherwise is one
            if not isinstance(node.value, ast.Call):
                return ()
            callee = _dotted(node.value.func, names)
            if not callee:
                return ()
            returned.append(callee)
    return tuple(dict.fromkeys(returned))


def _dotted(node, names: dict[str, str]) -> str | None:
    """`nn.BatchNorm2d` -> `torch.nn.BatchNorm2d` through the module's imports; a local name stays local."""
    spelled = dotted_ast(node)
    if spelled is None:
        return None
    head, _, rest = spelled.partition(".")
    root = names.get(head, f".{head}")  # ".name": a name of this module itself
    return f"{root}.{rest}" if rest else root


def _absolute(module: str | None, level: int, package: str) -> str | None:
    """The absolute module a `from` import names (`from ..a import b` inside `p.q.r`)."""
    if not level:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) if base else None


def _forwards(init) -> bool:
    """`def __init__(self, *args, **kwargs): super().__init__(*args, **kwargs)` (detectron2's
    NaiveSyncBatchNorm): the base gets the call's own arguments, so calls convert as the base's."""
    if init.name != "__init__" or init.args.vararg is None or init.args.kwarg is None:
        return False
    for node in ast.walk(init):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"
                and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name)
                and node.func.value.func.id == "super"):
            return (len(node.args) == 1 and isinstance(node.args[0], ast.Starred)
                    and isinstance(node.args[0].value, ast.Name) and node.args[0].value.id == init.args.vararg.arg
                    and len(node.keywords) == 1 and node.keywords[0].arg is None
                    and isinstance(node.keywords[0].value, ast.Name) and node.keywords[0].value.id == init.args.kwarg.arg)
    return False
