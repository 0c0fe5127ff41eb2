"""What every module of a project exports that bears on BatchNorm, resolved across modules.

From the modules' summaries (``summary``), each module-level name is followed through imports,
re-exports (``__init__.py``, ``from .x import *``) and module aliases to what it finally is:
- the source API itself under another path (``from torch.nn import BatchNorm2d`` re-exported by a
  package): importers convert it exactly like the source API (``names`` maps it there);
- an **alias** of a source class, converted in its own module (``BatchNorm2d = torch.nn.BatchNorm2d``,
  a ``partial`` of one): importers keep the name and convert their calls through it;
- a **subclass** of a source class (``class BatchNormAct2d(nn.BatchNorm2d)``): its instances are
  layers; without its own ``__init__``, calls of it take the base's arguments;
- a **factory** whose every ``return`` builds such a layer (``def get_norm(...): return nn.BatchNorm2d(c)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_MAX_DEPTH = 32  # re-export chains longer than this are not followed


@dataclass(frozen=True)
class Export:
    kind: str  # "alias" | "subclass" | "factory" | "ambiguous"
    api: str  # the source API it holds, derives from or builds (torch.nn.BatchNorm2d)
    module: str  # where it is defined
    init: bool = False  # a subclass with its own __init__ (its calls need no conversion)
    offset: int = 0  # an alias through partial: the positionals the partial already binds
    certain: bool = True  # a factory: every return builds that kind
    candidates: tuple[str, ...] = ()  # "ambiguous": what the name may be (the module binds it to several)


@dataclass
class ProjectIndex:
    names: dict[str, str] = field(default_factory=dict)  # project name -> the name it stands for
    exports: dict[str, Export] = field(default_factory=dict)  # (final) project name -> what it is
    config_types: dict[str, Export | None] = field(default_factory=dict)  # registry key -> its class (None: ambiguous)
    registries: set[str] = field(default_factory=set)  # registries with a BatchNorm class among their keys
    tokens: tuple[bytes, ...] = ()  # last components of the exported names, quoted registry keys (the byte prefilter)
    # module -> its names that are spelled like a source API but are something else (`class BatchNorm2d(nn.GroupNorm)`):
    # a star import of the module binds them over an import of the API
    shadows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    root: str = ""  # the project's directory
    src: tuple[str, ...] = ("src", ".")  # its source roots (module names are relative to them)
    _prefixes: frozenset[str] | None = None
    _under: dict[str, tuple[str, ...]] | None = None

    def for_path(self, path: str) -> "ProjectIndex":
        return self

    def mentioned_in(self, data: bytes) -> bool:
        """Cheap byte test: can this file use a name the project exports."""
        return any(token in data for token in self.tokens)

    def package_of(self, path: str) -> str | None:
        """The package a file of the project belongs to (for its relative imports), or None."""
        import os

        from bnport.project.build import module_name

        if not self.root or not path:
            return None
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        if relative.startswith("../"):
            return None
        module, package = module_name(relative, self.src)
        if module is None:
            return None
        return module if package else module.rpartition(".")[0]

    def relevant(self, name: str) -> bool:
        """May something under this name be a project name that matters (a prefix of one)."""
        if self._prefixes is None:
            names = [*self.names, *self.exports, *self.registries]
            self._prefixes = frozenset(n.rsplit(".", i)[0] for n in names for i in range(n.count(".") + 1))
        return name in self._prefixes

    def canonical(self, name: str) -> str:
        """The name a dotted project name finally stands for (itself when it is not a project name)."""
        if name in self.names:
            return self.names[name]
        head, _, tail = name.rpartition(".")
        while head:  # `pkg.layers.nn.BatchNorm2d` where `pkg.layers.nn` is `torch.nn`
            if head in self.names:
                return self.canonical(f"{self.names[head]}.{name[len(head) + 1:]}")
            head, _, _ = head.rpartition(".")
        return name

    def star_names(self, module: str) -> tuple[str, ...]:
        """The names of `module` that matter here and `from <module> import *` binds (no leading underscore)."""
        if self._under is None:
            under: dict[str, list[str]] = {}
            for name in (*self.exports, *self.names, *self.registries):
                parent, _, last = name.rpartition(".")
                if not last.startswith("_"):
                    under.setdefault(parent, []).append(last)
            for parent, names in self.shadows.items():
                under.setdefault(parent, []).extend(names)
            self._under = {k: tuple(dict.fromkeys(v)) for k, v in under.items()}
        return self._under.get(module, ())

    def export(self, name: str) -> Export | None:
        return self.exports.get(self.canonical(name))


@dataclass
class ProjectSet:
    """The indexes of several projects a run spans (pre-commit on files of two packages of a
    repository): each file is converted with the index of the project that holds it."""

    indexes: dict[str, ProjectIndex]

    def for_path(self, path: str) -> ProjectIndex | None:
        import os

        absolute = os.path.abspath(path)
        roots = [root for root in self.indexes if absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep)]
        return self.indexes[max(roots, key=len)] if roots else None


def build_index(summaries: dict[str, dict], wanted, relevant, api_names: frozenset = frozenset()) -> ProjectIndex:
    """`summaries`: module name -> its summary. `wanted(name)`: a source API; `relevant(prefix)`: a
    prefix of one; `api_names`: their last components. Keeps only what leads to BatchNorm (so workers
    get a small index)."""
    resolver = _Resolver(summaries, wanted)
    index = ProjectIndex()
    shadows: dict[str, list[str]] = {}
    for module in summaries:
        for local in resolver.locals(module):
            name = f"{module}.{local}"
            final, export = resolver.resolve(name)
            if export is not None:
                index.exports[final] = export
                if final != name:
                    index.names[name] = final
            elif final != name and (wanted(final) or relevant(final)):
                index.names[name] = final
            elif local in api_names and not local.startswith("_") and not wanted(final):
                shadows.setdefault(module, []).append(local)
    index.shadows = {module: tuple(names) for module, names in shadows.items()}
    registered: dict[str, set] = {}  # registry key -> what it is registered to (None: not a BatchNorm class)
    for module, summary in summaries.items():
        for key, entry in summary.items():
            if key.startswith("@"):
                registry, _ = resolver.resolve(resolver._local(key[1:], module))
                for config_type, dotted in entry[1]:
                    export = resolver.registered(dotted, module)
                    registered.setdefault(config_type, set()).add(export)
                    if export is not None:
                        index.registries.add(registry)
    # a key registered to two different things is ambiguous (None): configs naming it are left as they are
    index.config_types = {key: next(iter(found)) if len(found) == 1 else None
                          for key, found in registered.items() if found != {None}}
    # a name for a module (`nn` re-exported) is used with a class name after it, which is a token already
    tokens = {name.rsplit(".", 1)[-1] for name in (*index.exports, *index.registries)}
    tokens |= {name.rsplit(".", 1)[-1] for name, final in index.names.items() if final in index.exports or wanted(final)}
    tokens |= {f"{quote}{key}{quote}" for key in index.config_types for quote in "'\""}
    index.tokens = tuple(sorted(token.encode() for token in tokens))
    return index


def module_tokens(index: ProjectIndex, packages: set[str]) -> set[bytes]:
    """The last components of the modules that define exports and of the packages that re-export
    them: what a module importing them by module must mention (`from .wrappers import *`,
    `from . import layers`). Other modules that merely import an export are not followed further
    (their every importer would have to be read)."""
    modules = {export.module for export in index.exports.values()}
    modules |= {name.rpartition(".")[0] for name, final in index.names.items() if final in index.exports}
    return {m.rpartition(".")[2].encode() for m in modules if m and (m in packages or m in
                                                                    {e.module for e in index.exports.values()})}


class _Resolver:
    def __init__(self, summaries: dict[str, dict], wanted):
        self.summaries, self.wanted = summaries, wanted
        self._done: dict[str, tuple[str, Export | None]] = {}
        self._orders: dict[str, tuple] = {}

    def resolve(self, name: str, depth: int = 0) -> tuple[str, Export | None]:
        """(the name it finally stands for, its export if it is an alias, subclass or factory)."""
        if name in self._done:
            return self._done[name]
        if depth > _MAX_DEPTH or self.wanted(name):
            return name, None
        self._done[name] = (name, None)  # a cycle resolves to itself
        result = self._resolve(name, depth)
        self._done[name] = result
        return result

    def _resolve(self, name: str, depth: int) -> tuple[str, Export | None]:
        module, entry, rest = self._entry(name)
        if entry is None:
            return name, None
        return self._resolve_entry(name, module, entry, depth, rest)

    def _resolve_entry(self, name: str, module: str, entry: tuple, depth: int, rest: str = "") -> tuple[str, Export | None]:
        kind = entry[0]
        if kind == "either":
            if rest:
                return name, None
            shown, api = [], None
            for alternative in entry[1]:
                if alternative is None:
                    shown.append(f"{name} (bound to something else in {module})")
                    continue
                final, export = self._resolve_entry(name, module, alternative, depth + 1)
                shown.append(export.api if export is not None and export.api else final)
                if export is not None and export.kind != "ambiguous":
                    api = api or export.api
                elif self.wanted(final):
                    api = api or final
            return (name, Export("ambiguous", api, module, candidates=tuple(dict.fromkeys(shown)))) if api else (name, None)
        if kind == "ref":
            target = self._local(entry[1], module)
            final, export = self.resolve(f"{target}.{rest}" if rest else target, depth + 1)
            return final, export
        if rest:
            return name, None  # an attribute of a class or function: not followed
        if kind == "alias":
            final, export = self.resolve(self._local(entry[1], module), depth + 1)
            alias = self._alias(final, export, module, 0)
            return (name, alias) if alias is not None else (final, export)  # `nn = torch.nn`: stands for it
        if kind == "partial":
            final, export = self.resolve(self._local(entry[1], module), depth + 1)
            return name, self._alias(final, export, module, entry[2])
        if kind == "class":
            for base in entry[1]:
                final, export = self.resolve(self._local(base, module), depth + 1)
                api = export.api if export is not None and export.kind in ("alias", "subclass") else (
                    final if self.wanted(final) else None)
                if api is not None:
                    inherited = export.init if export is not None and export.kind == "subclass" else False
                    return name, Export("subclass", api, module, init=entry[2] or inherited)
            return name, None
        if kind == "factory":
            apis, certain = [], True
            for callee in entry[1]:
                final, export = self.resolve(self._local(callee, module), depth + 1)
                if export is not None and export.kind == "factory":  # `return make_bn(c)`: another factory
                    certain = certain and export.certain
                apis.append(export.api if export is not None and export.kind in ("alias", "subclass", "factory") else (
                    final if self.wanted(final) else None))
            known = [a for a in apis if a is not None]
            if known:
                return name, Export("factory", known[0], module, certain=certain and len(set(apis)) == 1)
        return name, None

    def _alias(self, final: str, export: Export | None, module: str, offset: int) -> Export | None:
        if export is not None and export.kind == "ambiguous":
            return export
        if export is not None and export.kind in ("alias", "subclass"):
            return Export(export.kind if export.kind == "subclass" and not offset else "alias", export.api, module,
                          init=export.init, offset=export.offset + offset)
        if export is None and self.wanted(final):
            return Export("alias", final, module, offset=offset)
        return None

    def registered(self, dotted: str, module: str) -> Export | None:
        """What a registry key is registered to: a source class, or a project alias or subclass of one."""
        final, export = self.resolve(self._local(dotted, module))
        if export is not None and export.kind in ("alias", "subclass"):
            return export
        return Export("alias", final, "") if self.wanted(final) else None

    def locals(self, module: str, seen: frozenset[str] = frozenset()) -> list[str]:
        """The names a module binds, with those its star imports bring (`from .x import *`)."""
        names = []
        for key, entry in self.summaries.get(module, {}).items():
            if key.startswith("@"):
                continue  # a registry's keys, not a name
            if not key.startswith("*"):
                names.append(key)
            elif entry[1] not in seen and len(seen) < _MAX_DEPTH:
                names += self.locals(entry[1], seen | {module})
        return list(dict.fromkeys(names))

    def _lookup(self, module: str, first: str, seen: frozenset[str] = frozenset()):
        """(the module that binds `first`, its entry), looking through star imports: the last binding
        in the module's order wins, a star import's included (as at run time)."""
        summary = self.summaries.get(module, {})
        positions, stars = self._order(module, summary)
        at = positions.get(first, -1)
        for position, star in reversed(stars):  # star imports after the module's own binding win
            if position < at:
                break
            if star not in seen and len(seen) < _MAX_DEPTH:
                found = self._lookup(star, first, seen | {module})
                if found[1] is not None:
                    return found
        return (module, summary[first]) if at >= 0 else (module, None)

    def _order(self, module: str, summary: dict):
        """(each name's position in the summary, the star imports with theirs): computed once."""
        cached = self._orders.get(module)
        if cached is None:
            keys = list(summary)
            cached = ({key: i for i, key in enumerate(keys)},
                      [(i, summary[key][1]) for i, key in enumerate(keys) if key.startswith("*")])
            self._orders[module] = cached
        return cached

    def _entry(self, name: str):
        """(module, its summary's entry for the next component, the components after it)."""
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module not in self.summaries:
                continue
            first, rest = parts[cut], ".".join(parts[cut + 1:])
            found, entry = self._lookup(module, first)
            if found != module and entry is not None:  # through a star import: the name it stands for
                return module, ("ref", f"{found}.{first}"), rest
            return found, entry, rest
        return None, None, ""

    @staticmethod
    def _local(dotted: str, module: str) -> str:
        """A summary's `.name` (a name of the module itself) as a full name."""
        return f"{module}{dotted}" if dotted.startswith(".") else dotted
