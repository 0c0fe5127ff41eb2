"""Module names bound at run time: `layers = None` filled by `get_submodules_from_kwargs(kwargs)`.

keras-applications keeps `backend = layers = models = keras_utils = None` at module level and lets
`get_submodules_from_kwargs` fill them; efficientnet binds `backend, layers, models, utils` from that
call inside its builders. bnport never runs code, so such a name is no import: it cannot tell that
`layers.BatchNormalization` is Keras'. Two ways out:

- ``assume = {layers = "keras.layers"}`` under ``[tool.bnport]`` (or ``--assume layers=keras.layers``)
  declares it: a read of `layers` resolves as if `import keras.layers as layers` were in effect,
  wherever every binding the read can see is a placeholder (see `placeholder`) or the file binds the
  name nowhere. An import, a def or class, or any other assignment of the name is the user's own
  binding and wins (a read that may see both stays ambiguous, as it would without the key).
- without it, one warning per file names the uses that look like a converted API
  (`<name>.BatchNormalization`) through such a name, and the key that would resolve them.

`layers = importlib.import_module("tensorflow.keras.layers")` (a literal, and the name's only binding
in its scope) needs no key: it is an import spelled as a call, and resolves as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.expressions import strip_parens
from bnport.index import Index


@dataclass
class _Access:
    """A read of a name the file binds nowhere (shaped like index.Access)."""

    node: cst.CSTNode
    referents: set = field(default_factory=set)


@dataclass
class _Binding:
    """The binding an `assume` entry declares (shaped like index.Assignment for resolve)."""

    name: str
    references: list = field(default_factory=list)


def placeholder(assignment, parents: dict) -> bool:
    """A binding that leaves the value to run time: a parameter, `name = None`, or a target of an
    assignment from a call (`backend, layers = get_submodules_from_kwargs(kwargs)`)."""
    node = assignment.node
    if isinstance(node, cst.Param):
        return True
    if not isinstance(node, cst.Name):
        return False
    parent, direct = parents.get(node), True
    while isinstance(parent, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
        parent, direct = parents.get(parent), False
    statement = parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
    if not isinstance(statement, (cst.Assign, cst.AnnAssign)) or statement.value is None:
        return False
    value = strip_parens(statement.value)
    if isinstance(value, cst.Name) and value.value == "None":
        return direct
    return isinstance(value, cst.Call)


def injected_reads(index: Index, names) -> dict[str, list]:
    """Reads of each name whose every visible binding is a placeholder, or that the file binds nowhere."""
    names = set(names)
    found: dict[str, list] = {name: [] for name in names}
    seen: set[int] = set()
    for scope in index.all_scopes:
        for assignment in scope.assignments:
            if assignment.name not in names:
                continue
            for access in assignment.references:
                if id(access) in seen or not access.referents:
                    continue
                seen.add(id(access))
                if isinstance(access.node, cst.Name) and all(placeholder(a, index.parents) for a in access.referents):
                    found[assignment.name].append(access)
    for node, scope in index.scopes.items():  # names bound nowhere, read as `name.attr`
        if type(node) is cst.Name and node.value in names:
            parent = index.parents.get(node)
            if isinstance(parent, cst.Attribute) and parent.value is node and not scope.resolve(node.value, scope):
                found[node.value].append(_Access(node))
    return found


def assumed(index: Index, assume: dict[str, str]) -> list[tuple[_Binding, str]]:
    """(binding, module) for find_references: the reads an `assume` entry resolves."""
    return [(_Binding(name, reads), assume[name]) for name, reads in injected_reads(index, assume).items() if reads]


def lines_of_bindings(name: str, index: Index, positions) -> list[str]:
    """How a name is bound, for the message: "None on line 32", "a call on line 193", "a parameter"."""
    described = []
    for scope in index.all_scopes:
        for assignment in scope.assignments[name]:
            node = assignment.node
            if isinstance(node, cst.Param):
                text = "a parameter"
            elif placeholder(assignment, index.parents):
                value = _assigned_value(node, index.parents)
                line = positions.start(node)[0]
                text = f"None on line {line}" if isinstance(value, cst.Name) else f"a call on line {line}"
            else:
                continue
            if text not in described:
                described.append(text)
    if not described:
        star = any(isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar) for node in index.scopes)
        described.append("nothing in this file" + (" but a star import (from ... import *)" if star else ""))
    return described


def _assigned_value(node, parents):
    parent = parents.get(node)
    while isinstance(parent, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
        parent = parents.get(parent)
    statement = parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
    return strip_parens(statement.value)


def report_unresolved(ctx, assume: dict[str, str]) -> None:
    """One warning per file: uses like `layers.BatchNormalization(...)` through a name bound at run time
    (rules with an `unresolved` code), naming them and the `assume` entry that would resolve them."""
    index, ruleset = ctx.index, ctx.ruleset
    sources = [(rule, source) for rule in ruleset.rules if rule.unresolved for api in rule.apis for source in api.sources]
    tokens = {source.rsplit(".", 1)[-1] for _, source in sources}
    if not tokens:
        return
    uses: dict[str, list] = {}  # head name -> [(node, rule, module)]
    for node, scope in index.scopes.items():
        if type(node) is not cst.Attribute or node.attr.value not in tokens or node in ctx.references:
            continue
        head, parts = node, []
        while isinstance(head, cst.Attribute):
            parts.insert(0, head.attr.value)
            head = head.value
        if not isinstance(head, cst.Name) or head.value in assume or head.value in ("self", "cls"):
            continue  # (`self.layers.BatchNormalization`: an attribute of the user's object, not a module name)
        tail = "." + ".".join(parts)
        match = next(((rule, source[: -len(tail)]) for rule, source in sources if source.endswith(tail)), None)
        bindings = scope.resolve(head.value, scope)
        if match is None or (bindings and not all(placeholder(b, index.parents) for b in bindings)):
            continue
        uses.setdefault(head.value, []).append((node, *match))
    if not uses:
        return
    first = min((entry for entries in uses.values() for entry in entries), key=lambda e: ctx.position(e[0]))
    described, keys, flags = [], [], []
    for name, entries in uses.items():
        lines = sorted({ctx.position(node)[0] for node, _, _ in entries})
        shown = ", ".join(map(str, lines[:6])) + (f" and {len(lines) - 6} more" if len(lines) > 6 else "")
        spelled = sorted({f"{name}.{node.attr.value}" for node, _, _ in entries})
        described.append(f"{' and '.join(spelled)} (line{'s' if len(lines) > 1 else ''} {shown}; {name} is bound to "
                         f"{', '.join(lines_of_bindings(name, index, ctx.positions))})")
        module = entries[0][2]
        keys.append(f'{name} = "{module}"')
        flags.append(f"--assume {name}={module}")
    ctx.report(first[0], first[1], first[1].unresolved, uses="; ".join(described), key=", ".join(keys),
               flags=" ".join(flags))


def reassignments(ctx, references) -> dict:
    """Rules whose API the module assigns to (`tf.keras.layers.BatchNormalization = MyBN`), with the first
    such target and the value's code: every use of them in the module may build that value instead."""
    found: dict = {}
    for reference in references:
        entry = ctx.ruleset.by_source.get(reference.name)
        if entry is None or entry[0].reassigned is None or entry[0] in found:
            continue
        parent = ctx.parent(reference.node)
        if isinstance(parent, cst.AssignTarget) and parent.target is reference.node:
            value = ctx.parent(parent).value
        elif isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is reference.node:
            value = parent.value
        else:
            continue
        text = " ".join(cst.Module([]).code_for_node(value).split()) if value is not None else "a value"
        found[entry[0]] = (reference.node, text if len(text) <= 40 else text[:37] + "...")
    return found


def imported_by_call(index: Index) -> list[tuple[_Binding, str]]:
    """`layers = importlib.import_module("tensorflow.keras.layers")`, the only binding of its name in its
    scope: (binding, module), resolved like `import tensorflow.keras.layers as layers`."""
    found = []
    for scope in index.all_scopes:
        for assignment in scope.assignments:
            node = assignment.node
            statement = index.parents.get(index.parents.get(node)) if isinstance(node, cst.Name) else None
            if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1
                    and statement.targets[0].target is node and len(scope.assignments[assignment.name]) == 1):
                continue
            module = _import_module_literal(statement.value, index)
            if module is not None:
                found.append((_Binding(assignment.name, list(assignment.references)), module))
    return found


def _import_module_literal(value, index: Index) -> str | None:
    """The module a call `importlib.import_module("<literal>")` imports (any import form of importlib)."""
    from bnport.index import ImportAssignment
    from bnport.resolve import binding_name

    value = strip_parens(value)
    if not (isinstance(value, cst.Call) and len(value.args) == 1 and value.args[0].keyword is None
            and not value.args[0].star and isinstance(value.args[0].value, cst.SimpleString)):
        return None
    func = value.func
    head = func.value if isinstance(func, cst.Attribute) else func
    scope = index.scopes.get(head)
    if not isinstance(head, cst.Name) or scope is None:
        return None
    bindings = scope.resolve(head.value, scope)
    if len(bindings) != 1 or not isinstance(bindings[0], ImportAssignment):
        return None
    qualified = binding_name(bindings[0])
    if isinstance(func, cst.Attribute) and qualified is not None:
        qualified = f"{qualified}.{func.attr.value}"
    if qualified != "importlib.import_module":
        return None
    try:
        text = value.args[0].value.evaluated_value
    except (ValueError, SyntaxError):
        return None
    return text if isinstance(text, str) and all(part.isidentifier() for part in text.split(".")) else None
