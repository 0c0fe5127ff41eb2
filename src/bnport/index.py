"""One pass over a parsed module: every node's parent and scope, the module's strings, and the
scopes with their assignments and accesses.

The scope objects answer the questions libcst's ScopeProvider answers, with the same model (an
assignment knows its accesses, an access the assignments it may read, `scope[name]` what a name
means there), so the analysis reads them the same way. Building them is one traversal that skips
whitespace nodes and dispatches only on the node types that bind or read names: several times
cheaper than ScopeProvider plus ParentNodeProvider, which is most of what a conversion costs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator

import libcst as cst

# Fields that hold only whitespace, comments or punctuation: nothing the analysis asks about.
_SKIPPED_FIELDS = frozenset({
    "leading_lines", "lines_after_decorators", "header", "footer", "lpar", "rpar", "comma",
    "semicolon", "colon", "equal", "dot", "lbracket", "rbracket", "lbrace", "rbrace", "newline",
    "asynchronous", "star_tok", "whitespace_before_colon",
})
# Where libcst declares fields out of source order; the order decides which reads see a binding
# (`except E as e:` binds e before its body runs).
_SOURCE_ORDER = {
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.MatchCase: ("pattern", "guard", "body"),
}
_fields_by_type: dict[type, tuple[str, ...]] = dict(_SOURCE_ORDER)


def _fields(kind: type) -> tuple[str, ...]:
    names = _fields_by_type.get(kind)
    if names is None:
        names = _fields_by_type[kind] = tuple(
            f.name for f in dataclasses.fields(kind)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace"))
    return names


class Assignment:
    __slots__ = ("name", "scope", "node", "index", "references")

    def __init__(self, name: str, scope: Scope, node: cst.CSTNode, index: int):
        self.name = name
        self.scope = scope
        self.node = node  # the Name stored to, or the def / class / import / Param that binds
        self.index = index  # order among the scope's assignments: reads see only earlier ones
        self.references: list[Access] = []


class ImportAssignment(Assignment):
    __slots__ = ()


class Access:
    __slots__ = ("node", "scope", "index", "referents", "_attribute")

    def __init__(self, node: cst.Name, scope: Scope, attribute: cst.Attribute | None):
        self.node: cst.CSTNode = node  # the Name, or the Attribute spelling a dotted import (`torch.nn`)
        self.scope = scope
        self.index = scope.count
        self.referents: set[Assignment] = set()
        self._attribute = attribute


class Assignments:
    """A scope's own assignments: iterate over all of them, or index by name."""

    __slots__ = ("_by_name",)

    def __init__(self, by_name: dict[str, list[Assignment]]):
        self._by_name = by_name

    def __iter__(self) -> Iterator[Assignment]:
        for assignments in self._by_name.values():
            yield from assignments

    def __getitem__(self, name: str) -> list[Assignment]:
        return self._by_name.get(name, [])


class Scope:
    def __init__(self, parent: Scope | None, node: cst.CSTNode):
        self.parent = parent
        self.node = node
        self.globals: Scope = parent.globals if parent is not None else self
        self.count = 0
        self._by_name: dict[str, list[Assignment]] = {}
        self._declared: dict[str, Scope] = {}  # `global` / `nonlocal` names -> the scope they live in
        self.assignments = Assignments(self._by_name)

    def visible_from(self, scope: Scope) -> bool:
        return True

    def record(self, name: str, node: cst.CSTNode, kind: type = Assignment):
        target = self
        declared = self._declared.get(name)
        if declared is not None:
            target = self._visible_parent(self, declared)
        target._by_name.setdefault(name, []).append(kind(name, target, node, target.count))

    def resolve(self, name: str, from_scope: Scope) -> list[Assignment]:
        declared = self._declared.get(name)
        if declared is not None:
            scope = self._visible_parent(from_scope, declared)
            return scope.resolve(name, from_scope) if scope is not None else []
        found = self._by_name.get(name)
        if found:
            return found
        parent = self._visible_parent(from_scope, self.parent)
        return parent.resolve(name, from_scope) if parent is not None else []

    @staticmethod
    def _visible_parent(from_scope: Scope, scope: Scope | None) -> Scope | None:
        while scope is not None and not scope.visible_from(from_scope):
            scope = scope.parent
        return scope

    def __getitem__(self, name: str) -> set[Assignment]:
        """What `name` may mean when read in this scope."""
        return set(self.resolve(name, self))

    def __contains__(self, name: str) -> bool:
        return bool(self.resolve(name, self))


class ModuleScope(Scope):
    pass


class FunctionScope(Scope):
    pass


class ClassScope(Scope):
    def visible_from(self, scope: Scope) -> bool:
        return False  # a class body's names are not seen from its methods or comprehensions


class ComprehensionScope(Scope):
    pass


@dataclasses.dataclass
class Index:
    parents: dict[cst.CSTNode, cst.CSTNode]
    scopes: dict[cst.CSTNode, Scope]  # node -> the scope it is evaluated in
    all_scopes: list[Scope]
    strings: list[cst.SimpleString]
    self_attributes: list[cst.Attribute]  # every `self.<name>`


def build_index(module: cst.Module, star_names: Callable[[str], Iterable[str]] | None = None,
                package: str | None = None) -> Index:
    """`star_names(module)`: the names `from <module> import *` binds that the caller cares about
    (Python binds the module's public names; only the caller's data knows which they are)."""
    indexer = _Indexer(module, star_names, package)
    indexer.visit(module, None, False)
    indexer.resolve_accesses()
    return Index(indexer.parents, indexer.scope_of, indexer.all_scopes, indexer.strings, indexer.self_attributes)


def dotted_names(node: cst.BaseExpression) -> Iterator[tuple[str, cst.BaseExpression]]:
    """`a.b.c` -> ("a.b.c", a.b.c), ("a.b", a.b), ("a", a): the names an import may have bound."""
    if isinstance(node, cst.Name):
        yield node.value, node
        return
    value = node.value
    if isinstance(value, cst.Call):
        if isinstance(value.func, (cst.Attribute, cst.Name)):
            yield from dotted_names(value.func)
    elif isinstance(value, (cst.Attribute, cst.Name)):
        inner = dotted_names(value)
        first = next(inner, None)
        if first is not None:
            yield f"{first[0]}.{node.attr.value}", node
            yield first
            yield from inner


class _Indexer:
    def __init__(self, module: cst.Module, star_names: Callable[[str], Iterable[str]] | None = None,
                 package: str | None = None):
        self.star_names = star_names
        self.package = package  # the module's package, for `from .x import *` (a project's module)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.scope_of: dict[cst.CSTNode, Scope] = {}
        self.scope: Scope = ModuleScope(None, module)
        self.all_scopes: list[Scope] = [self.scope]
        self.strings: list[cst.SimpleString] = []
        self.self_attributes: list[cst.Attribute] = []
        self.accesses: list[Access] = []
        self.attribute: cst.Attribute | None = None  # the outermost Attribute being read, if any

    # -- traversal --
    def visit(self, node: cst.CSTNode, parent: cst.CSTNode | None, store) -> None:
        """`store`: False (a read), True (a name is bound here) or "del"."""
        if parent is not None:
            self.parents[node] = parent
        self.scope_of[node] = self.scope
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, store)
        else:
            self.children(node, store)

    def children(self, node: cst.CSTNode, store=False) -> None:
        visit = self.visit
        for name in _fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                visit(value, node, store)
            elif type(value) in (tuple, list):
                for child in value:
                    if isinstance(child, cst.CSTNode):
                        visit(child, node, store)

    def mark(self, node: cst.CSTNode | None, parent: cst.CSTNode) -> None:
        """Parent and scope for a subtree that binds and reads nothing (import names, attributes)."""
        if node is not None:
            self.parents[node] = parent
            self.scope_of[node] = self.scope
            self.mark_fields(node)

    def mark_fields(self, node: cst.CSTNode) -> None:
        for name in _fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                self.mark(value, node)
            elif type(value) in (tuple, list):
                for child in value:
                    if isinstance(child, cst.CSTNode):
                        self.mark(child, node)

    def field(self, value, parent: cst.CSTNode, store=False) -> None:
        if isinstance(value, cst.CSTNode):
            self.visit(value, parent, store)
        elif type(value) in (tuple, list):
            for child in value:
                self.visit(child, parent, store)

    def enter(self, kind: type, node: cst.CSTNode) -> Scope:
        scope = kind(self.scope, node)
        self.all_scopes.append(scope)
        self.scope = scope
        return scope

    # -- names --
    def name(self, node: cst.Name, store) -> None:
        if store is True:
            self.scope.record(node.value, node)
        else:
            self.accesses.append(Access(node, self.scope, self.attribute))

    def attribute_(self, node: cst.Attribute, store) -> None:
        outermost = self.attribute is None
        if outermost:
            self.attribute = node
        if type(node.value) is cst.Name and node.value.value == "self":
            self.self_attributes.append(node)
        self.visit(node.value, node, False)
        self.mark(node.attr, node)
        if outermost:
            self.attribute = None

    def call(self, node: cst.Call, store) -> None:
        saved, self.attribute = self.attribute, None
        self.children(node)
        self.attribute = saved

    def arg(self, node: cst.Arg, store) -> None:
        self.mark(node.keyword, node)  # a keyword is neither a read nor a binding
        self.visit(node.value, node, False)

    def subscript(self, node: cst.Subscript, store) -> None:
        self.children(node, False)

    def string(self, node: cst.SimpleString, store) -> None:
        self.strings.append(node)

    # -- bindings --
    def imports(self, node: cst.Import | cst.ImportFrom, store) -> None:
        self.mark_fields(node)
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                for name, _ in dotted_names(bound):
                    self.scope.record(name, node, ImportAssignment)
        elif self.star_names is not None and (node.module is not None or node.relative):
            # `from m import *` binds m's public names here, like an import of each of them.
            target = _star_module(node, self.package)
            for name in self.star_names(target) if target else ():
                self.scope.record(name, node, ImportAssignment)
        self.scope.count += 1

    def declaration(self, node: cst.Global | cst.Nonlocal, store) -> None:
        self.mark_fields(node)
        scope = self.scope
        if not isinstance(scope, ModuleScope):
            where = scope.globals if isinstance(node, cst.Global) else scope.parent
            for item in node.names:
                scope._declared[item.name.value] = where
        scope.count += 1

    def assign(self, node: cst.Assign, store) -> None:
        for target in node.targets:
            self.parents[target] = node
            self.scope_of[target] = self.scope
            self.visit(target.target, target, True)
        self.visit(node.value, node, False)
        self.scope.count += 1

    def target_first(self, node, store) -> None:
        """AnnAssign, AugAssign, NamedExpr: the target is bound, the rest is read."""
        self.visit(node.target, node, True)
        for name in _fields(type(node)):
            if name != "target":
                self.field(getattr(node, name), node)
        self.scope.count += 1

    def as_name(self, node: cst.AsName, store) -> None:
        self.visit(node.name, node, True)
        self.scope.count += 1

    def with_item(self, node: cst.WithItem, store) -> None:
        self.children(node)
        self.scope.count += 1

    def delete(self, node: cst.Del, store) -> None:
        self.visit(node.target, node, "del")

    def for_(self, node: cst.For, store) -> None:
        self.visit(node.target, node, True)
        self.scope.count += 1
        for name in ("iter", "body", "orelse"):
            self.field(getattr(node, name), node)

    # -- scopes --
    def function(self, node: cst.FunctionDef, store) -> None:
        outer = self.scope
        outer.record(node.name.value, node)
        self.mark(node.name, node)
        self.field(node.type_parameters, node)
        self.enter(FunctionScope, node)
        self.visit(node.params, node, False)
        self.visit(node.body, node, False)
        self.scope = outer
        self.field(node.decorators, node)
        if node.returns is not None:
            self.visit(node.returns, node, False)
        outer.count += 1

    def lambda_(self, node: cst.Lambda, store) -> None:
        outer = self.scope
        self.enter(FunctionScope, node)
        self.visit(node.params, node, False)
        self.visit(node.body, node, False)
        self.scope = outer

    def parameters(self, node: cst.Parameters, store) -> None:
        self.children(node)
        self.scope.count += 1

    def param(self, node: cst.Param, store) -> None:
        inner = self.scope
        inner.record(node.name.value, node)
        self.mark(node.name, node)
        self.scope = inner.parent  # defaults and annotations are evaluated outside the function
        self.field(node.annotation, node)
        self.field(node.default, node)
        self.scope = inner

    def class_(self, node: cst.ClassDef, store) -> None:
        outer = self.scope
        outer.record(node.name.value, node)
        self.mark(node.name, node)
        self.field(node.decorators, node)
        self.field(node.type_parameters, node)
        self.field(node.bases, node)
        self.field(node.keywords, node)
        self.enter(ClassScope, node)
        self.visit(node.body, node, False)
        self.scope = outer
        outer.count += 1

    def comprehension(self, node, store) -> None:
        outer = self.scope
        for_in = node.for_in
        self.parents[for_in] = node
        self.scope_of[for_in] = outer
        self.visit(for_in.iter, for_in, False)  # the first iterable is evaluated outside
        self.enter(ComprehensionScope, node)
        self.visit(for_in.target, for_in, True)
        self.scope.count += 1
        self.field(for_in.ifs, for_in)
        self.field(for_in.inner_for_in, for_in)
        for name in ("key", "value") if isinstance(node, cst.DictComp) else ("elt",):
            self.visit(getattr(node, name), node, False)
        self.scope = outer

    def comp_for(self, node: cst.CompFor, store) -> None:
        self.visit(node.target, node, True)
        self.visit(node.iter, node, False)
        self.field(node.ifs, node)
        self.field(node.inner_for_in, node)
        self.scope.count += 1

    # -- after the traversal: what each read may mean --
    def resolve_accesses(self) -> None:
        for access in self.accesses:
            scope = access.scope
            name = access.node.value
            if access._attribute is not None:
                # `import torch.nn` binds `torch.nn`: the read is the Attribute that spells it.
                for dotted, node in dotted_names(access._attribute):
                    if dotted in scope:
                        access.node, name = node, dotted
                        break
            assignments = scope.resolve(name, scope)
            earlier = [a for a in assignments if a.scope is not scope or a.index < access.index]
            if not earlier and assignments and scope.parent is not None:
                earlier = scope.parent.resolve(name, scope)  # read before the local binding
            access.referents = set(earlier)
            for assignment in earlier:
                assignment.references.append(access)


_HANDLERS = {
    cst.Name: _Indexer.name,
    cst.Attribute: _Indexer.attribute_,
    cst.Call: _Indexer.call,
    cst.Arg: _Indexer.arg,
    cst.Subscript: _Indexer.subscript,
    cst.SimpleString: _Indexer.string,
    cst.Import: _Indexer.imports,
    cst.ImportFrom: _Indexer.imports,
    cst.Global: _Indexer.declaration,
    cst.Nonlocal: _Indexer.declaration,
    cst.Assign: _Indexer.assign,
    cst.AnnAssign: _Indexer.target_first,
    cst.AugAssign: _Indexer.target_first,
    cst.NamedExpr: _Indexer.target_first,
    cst.AsName: _Indexer.as_name,
    cst.WithItem: _Indexer.with_item,
    cst.Del: _Indexer.delete,
    cst.For: _Indexer.for_,
    cst.FunctionDef: _Indexer.function,
    cst.Lambda: _Indexer.lambda_,
    cst.Parameters: _Indexer.parameters,
    cst.Param: _Indexer.param,
    cst.ClassDef: _Indexer.class_,
    cst.ListComp: _Indexer.comprehension,
    cst.SetComp: _Indexer.comprehension,
    cst.GeneratorExp: _Indexer.comprehension,
    cst.DictComp: _Indexer.comprehension,
    cst.CompFor: _Indexer.comp_for,
}


def _star_module(node: cst.ImportFrom, package: str | None) -> str | None:
    """The module `from <m> import *` reads: absolute, or relative to `package` when it is known."""
    module = next(dotted_names(node.module))[0] if node.module is not None else ""
    if not node.relative:
        return module
    if package is None:
        return None
    parts = package.split(".") if package else []
    if len(node.relative) - 1 > len(parts):
        return None
    base = parts[: len(parts) - (len(node.relative) - 1)]
    return ".".join([*base, module] if module else base) or None
