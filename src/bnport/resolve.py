"""Find every expression that names a wanted API, by following the module's import bindings.

Only names bound by an import can reach torch, so instead of qualifying every name in the file
(as libcst's QualifiedNameProvider does) bnport walks the import assignments of each scope and the
accesses recorded for them; the climb from an access through `.attr` also tells it which
Attribute node spells the whole name. ``import torch.nn as nn`` followed
by ``nn.BatchNorm2d`` yields the Attribute ``nn.BatchNorm2d`` named ``torch.nn.BatchNorm2d``; a
parameter or local variable called ``nn`` is never an import binding, so it is never matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import libcst as cst

from bnport.index import ImportAssignment


@dataclass(frozen=True)
class Reference:
    node: cst.BaseExpression  # the Name or Attribute (or getattr call) that spells the whole wanted name
    name: str  # its qualified name, e.g. "torch.nn.BatchNorm2d"
    candidates: tuple[str, ...]  # every name it may stand for; more than one when bindings compete
    # a name computed at run time (`getattr(nn, f"BatchNorm{dim}d")`): the wanted names it may be;
    # `name` then shows the computation (`torch.nn.BatchNorm<dim>d`) and `node` is the getattr call
    members: tuple[str, ...] = ()
    binding: cst.CSTNode | None = None  # the import statement (or alias assignment) the name is read through


def dotted_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


def binding_name(assignment: ImportAssignment, package: str | None = None) -> str | None:
    """The qualified name an import assignment binds, or None (a relative import outside a known
    package: `package` is the dotted package of the module, when its project is known)."""
    node = assignment.node
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted_name(alias.name)
            if alias.asname is not None:
                if dotted_name(alias.asname.name) == assignment.name:
                    return full
            elif full == assignment.name or full.startswith(assignment.name + "."):
                return assignment.name  # `import torch.nn` binds both `torch.nn` and `torch`
        return None
    if node.relative:
        if package is None:
            return None
        parts = package.split(".") if package else []
        if len(node.relative) - 1 > len(parts):
            return None
        base = parts[: len(parts) - (len(node.relative) - 1)]
        module = ".".join([*base, *([dotted_name(node.module)] if node.module is not None else [])])
        if not module:
            return None
    elif node.module is None:
        return None
    else:
        module = dotted_name(node.module)
    if isinstance(node.names, cst.ImportStar):
        return f"{module}.{assignment.name}"  # recorded only for the names the star import binds
    for alias in node.names:
        bound = dotted_name(alias.asname.name) if alias.asname is not None else dotted_name(alias.name)
        if bound == assignment.name:
            return f"{module}.{dotted_name(alias.name)}"
    return None


def find_references(
    scopes: Iterable, parents: dict, wanted: Callable[[str], bool], relevant: Callable[[str], bool],
    scope_of: dict | None = None, names_under: Callable[[str], Iterable[str]] | None = None,
    package: str | None = None, canonical: Callable[[str], str] | None = None, assumed: Iterable = (),
) -> dict[cst.CSTNode, Reference]:
    """Wanted names reached through imports. ``relevant(q)``: may something under q be wanted.

    A name assigned from a module path (``layers = tf.keras.layers``) is followed like an import, from
    that assignment: a read that may also see another binding of the name is ambiguous. So are the
    (binding, module) pairs of `assumed` (names the configuration declares, injected.py).
    ``getattr(<module>, "Name")`` is ``<module>.Name``; with ``names_under(module)`` (the wanted names
    directly under a module), ``getattr(<module>, f"Name{dim}d")`` names the family of those it matches.
    With a project (``package``: the module's own package, for relative imports; ``canonical``: what a
    project name finally stands for), names the project re-exports resolve to their origin."""
    climber = _Climber(parents, wanted, relevant, scope_of, names_under, canonical=canonical or (lambda n: n),
                       package=package)
    found: dict[cst.CSTNode, Reference] = {}
    seen: set[int] = set()
    work = []
    for scope in scopes:
        for assignment in scope.assignments:
            if isinstance(assignment, ImportAssignment):
                bound = binding_name(assignment, package)
                if bound is not None and relevant(climber.canonical(bound)):
                    work.append((assignment, bound))
    pinned = {id(binding) for binding, _ in assumed}
    work.extend((binding, bound) for binding, bound in assumed if relevant(bound))
    while work:
        assignment, bound = work.pop()
        for access in assignment.references:
            if id(access.node) in seen:
                continue
            seen.add(id(access.node))
            reference, path = climber.climb(access, bound, id(assignment) in pinned)
            if reference is not None:
                found[reference.node] = replace(reference, binding=getattr(assignment, "node", None))
            elif path is not None and scope_of is not None:
                alias = _module_alias(path, parents, scope_of)
                if alias is not None and id(alias) not in climber.aliases:
                    climber.aliases[id(alias)] = path[1]
                    work.append((alias, path[1]))
    return found


@dataclass
class _Climber:
    parents: dict
    wanted: Callable[[str], bool]
    relevant: Callable[[str], bool]
    scope_of: dict | None
    names_under: Callable[[str], Iterable[str]] | None
    aliases: dict[int, str] = field(default_factory=dict)  # id of a module alias's Assignment -> its module path
    canonical: Callable[[str], str] = lambda name: name  # a project name -> the name it finally stands for
    package: str | None = None  # the module's package (for relative imports)

    def climb(self, access, bound: str, pinned: bool = False):
        """Extend the accessed name through `.attr` (and `getattr(x, "attr")`) until it names something
        wanted. Otherwise, the longest module path it spells (node, qualified name), which an assignment
        may alias. `pinned`: the binding is declared (assume), so it is the only candidate."""
        node, suffix = access.node, ""
        path = None
        while True:
            name = self.canonical(bound + suffix)
            if self.wanted(name):
                return Reference(node, name, (name,) if pinned else self.candidates(access, suffix)), None
            if self.relevant(name) and (pinned or len(access.referents) == 1):
                path = (node, name)
            parent = self.parents.get(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                node, suffix = parent, f"{suffix}.{parent.attr.value}"
                continue
            lookup = self.getattr_call(node)
            if lookup is None:
                return None, path
            call, attribute = lookup
            literal = _literal_name(self.constant(attribute))
            if literal is not None:
                node, suffix = call, f"{suffix}.{literal}"
                continue
            if self.names_under is not None and self.relevant(name):
                family = _family(attribute, name, self.names_under(name))
                if family is not None:
                    shown, members = family
                    return Reference(call, shown, (shown,) if pinned else self.candidates(access, suffix), members), None
            return None, path

    def getattr_call(self, node) -> tuple[cst.Call, cst.BaseExpression] | None:
        """`getattr(node, name[, default])` with the builtin getattr: (the call, the name expression)."""
        arg = self.parents.get(node)
        call = self.parents.get(arg)
        if not (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
                and call.func.value == "getattr" and call.args and call.args[0] is arg and len(call.args) in (2, 3)):
            return None
        if any(a.keyword is not None or a.star for a in call.args):
            return None
        scope = self.scope_of.get(call.func) if self.scope_of is not None else None
        if scope is None or "getattr" in scope:
            return None  # a getattr of the file's own
        return call, call.args[1].value

    def constant(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """A name bound once, by `NAME = <string>`, stands for the string (`NORM = "BatchNorm2d"`)."""
        scope = self.scope_of.get(node) if isinstance(node, cst.Name) and self.scope_of is not None else None
        if scope is None:
            return node
        assignments = scope[node.value]
        if len(assignments) != 1:
            return node
        [assignment] = assignments
        target = assignment.node
        statement = self.parents.get(self.parents.get(target))
        if (isinstance(target, cst.Name) and isinstance(statement, cst.Assign) and len(statement.targets) == 1
                and statement.targets[0].target is target and len(assignment.scope.assignments[node.value]) == 1):
            return statement.value
        return node

    def candidates(self, access, suffix: str) -> tuple[str, ...]:
        """What each binding that may reach the read stands for; bindings that stand for the same
        thing (two star imports that both bring torch's `nn`) are one."""
        names = set()
        for referent in access.referents:
            bound = binding_name(referent, self.package) if isinstance(referent, ImportAssignment) \
                else self.aliases.get(id(referent))
            names.add(self.canonical(bound + suffix) if bound else f"{referent.name}{suffix} (assigned in this file)")
        return tuple(sorted(names))


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _literal_name(node: cst.BaseExpression) -> str | None:
    """The attribute a string literal names (`"BatchNorm2d"`), if it is one."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - an escape libcst cannot evaluate
            return None
        if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
            return value
    return None


def _family(node: cst.BaseExpression, module: str, names: Iterable[str]) -> tuple[str, tuple[str, ...]] | None:
    """A name computed from digits, `f"BatchNorm{dim}d"` (also `"BatchNorm{}d".format(dim)` and
    `"BatchNorm%dd" % dim`): how it reads (`torch.nn.BatchNorm<dim>d`) and the wanted names it may be.
    Only digit fields count (the dimension idiom): `f"{kind}Norm2d"` may be any class at all."""
    pattern = _name_pattern(node)
    if pattern is None:
        return None
    regex, shown = pattern
    members = tuple(f"{module}.{name}" for name in names if regex.fullmatch(name))
    return (f"{module}.{shown}", members) if members else None


def _name_pattern(node: cst.BaseExpression) -> tuple[re.Pattern, str] | None:
    parts: list[tuple[str, str]] = []  # (literal text, "") or ("", the field's code)
    if isinstance(node, cst.FormattedString) and not node.prefix.lower().startswith("r"):
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append((part.value, ""))
            elif part.format_spec is None and part.conversion is None:
                parts.append(("", "<" + _code(part.expression) + ">"))
            else:
                return None
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        template = _string_value(node.func.value)
        fields = [a for a in node.args if not a.star]
        if template is None or len(fields) != len(node.args):
            return None
        pieces = re.split(r"\{([A-Za-z0-9_]*)\}", template)
        if "{" in "".join(pieces[::2]) or "}" in "".join(pieces[::2]):
            return None  # escaped braces or format specs
        positional = iter(a for a in fields if a.keyword is None)
        keywords = {a.keyword.value: a for a in fields if a.keyword is not None}
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                parts.append((piece, ""))
            else:
                arg = keywords.get(piece) if piece and not piece.isdigit() else next(positional, None)
                if arg is None:
                    return None
                parts.append(("", "<" + _code(arg.value) + ">"))
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        template = _string_value(node.left)
        if template is None or template.replace("%d", "").count("%"):
            return None
        pieces = template.split("%d")
        values = node.right.elements if isinstance(node.right, cst.Tuple) else [node.right]
        if len(pieces) - 1 != len(values):
            return None
        for i, piece in enumerate(pieces):
            parts.append((piece, ""))
            if i < len(values):
                value = values[i].value if isinstance(values[i], cst.BaseElement) else values[i]
                parts.append(("", "<" + _code(value) + ">"))
    else:
        return None
    if not any(text for text, _ in parts) or not any(field for _, field in parts):
        return None  # no literal part (any name at all) or no field (a plain string)
    regex = "".join(re.escape(text) if not field else "[0-9]+" for text, field in parts)
    return re.compile(regex), "".join(text or field for text, field in parts)


def _string_value(node) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001
            return None
        return value if isinstance(value, str) else None
    return None


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _module_alias(path, parents: dict, scope_of: dict):
    """`name = <module path>`: its Assignment (the reads that may see it are that assignment's references;
    detectron2 rebinds the name at once: `bn = nn.modules.batchnorm; bn = (bn.BatchNorm2d, ...)`)."""
    node, _ = path
    statement = parents.get(node)
    if not (isinstance(statement, cst.Assign) and statement.value is node and len(statement.targets) == 1):
        return None
    target = statement.targets[0].target
    scope = scope_of.get(target) if isinstance(target, cst.Name) else None
    if scope is None:
        return None
    return next((a for a in scope.assignments[target.value] if a.node is target), None)


def _candidates(access, suffix: str) -> tuple[str, ...]:
    names = set()
    for referent in access.referents:
        bound = binding_name(referent) if isinstance(referent, ImportAssignment) else None
        names.add(bound + suffix if bound else f"{referent.name}{suffix} (assigned in this file)")
    return tuple(sorted(names))


def qualified_name(ctx, node: cst.BaseExpression) -> str | None:
    """The dotted name an expression spells through its import (`nn.Sequential` -> torch.nn.Sequential),
    if its root is bound by one import only; builtins and other names give None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    scope = ctx.scopes.get(node)
    assignments = scope[node.value] if scope is not None else ()
    if len(assignments) != 1:
        return None
    assignment = next(iter(assignments))
    if not isinstance(assignment, ImportAssignment):
        return None
    bound = binding_name(assignment)
    if bound is None:
        return None
    # `import torch.nn` binds `torch` (and `torch.nn`): the bound name stands for the root read here.
    return ".".join([bound, *reversed(parts)])
