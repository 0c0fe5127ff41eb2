"""Build (or load) the index of a project: find its root, list its modules, summarise the ones whose
content changed since the cache was written, and resolve names across modules.

The root is the nearest directory above the paths that holds a pyproject.toml or .git (as for the
configuration). Module names come from the source roots (`src` in [tool.bnport], default
`["src", "."]`, as ruff's): `src/pkg/layers/wrappers.py` is `pkg.layers.wrappers`. Which files
changed is read from git where the root is a repository (`git ls-files -s` gives each tracked
file's content hash; `git diff-files` and `git ls-files -o` the ones that differ from it, hashed),
else from each file's size and modification time in nanoseconds (as ruff's cache): a copy that
keeps both (`cp -p`, `rsync -a`) over a changed file is not seen there; `--no-cache` builds from
scratch and writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
import json
import os
import subprocess
from pathlib import Path

from bnport.project.index import Export, ProjectIndex, build_index, module_tokens
from bnport.project.summary import summarise

CACHE_VERSION = 7
CACHE_NAME = "project.json"
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox", "build", "dist",
              ".mypy_cache", ".ruff_cache", ".bnport_cache", ".pytest_cache", "site-packages", ".eggs"}


def project_root(paths: list[str]) -> Path | None:
    """The nearest directory above the paths' common directory with a pyproject.toml or .git."""
    absolute = [os.path.abspath(p) for p in paths] or [os.getcwd()]
    start = Path(os.path.commonpath(absolute))
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file() or (directory / ".git").exists():
            return directory
    return None


def load_project(root: Path, ruleset, src: tuple[str, ...] = ("src", "."), cache_dir: Path | None = None,
                 use_cache: bool = True, jobs: int = 1, excluded=None, exclusions: tuple = ()) -> ProjectIndex:
    """The project's index; the cache (under `cache_dir`, default `<root>/.bnport_cache`) is read and
    updated unless `use_cache` is False.

    Only modules that can export something are parsed: first those naming a source API (the rules'
    byte prefilter), then, until nothing new turns up, those naming what the parsed ones export (a
    re-export names the class or the module it comes from), and those a parsed one star-imports
    (`from .layers import *` may bring the `nn` its BatchNorm references use). A module skipped once is re-read only
    when a token it was not tested for appears. `excluded(relative path)`: a module bnport does not
    convert (the configuration's excludes, `exclusions` their patterns) exports nothing: its
    importers keep calling the source framework's class."""
    # a source root that is itself a package (`src/__init__.py`, imported as `src.x`) is not a root
    src = tuple(r for r in src if r in (".", "") or not (root / r / "__init__.py").is_file()) or (".",)
    files = _signatures(root)
    cache_file = (cache_dir or root / ".bnport_cache") / CACHE_NAME
    fingerprint = _rules_fingerprint(ruleset, (*src, "|", *exclusions))
    cached = _read_cache(cache_file, fingerprint) if use_cache else None
    old = cached["files"] if cached else {}
    checked = {t.encode() for t in cached.get("checked", ())} if cached else set()  # what skipped files were tested for
    # relative path -> [signature, module, package, summary or None (skipped), imports only (a re-exporter)]
    entries: dict[str, list] = {}
    fresh = []  # (relative, signature, module, package) new or changed since the cache
    for relative, signature in files.items():
        module, package = module_name(relative, src)
        if module is None or (relative.endswith(".pyi") and relative[:-1] in files):
            continue  # a stub beside its module: the module is what runs
        previous = old.get(relative)
        if previous is not None and previous[0] == signature and previous[1] == module:
            entries[relative] = previous
        else:
            fresh.append((relative, signature, module, package))
    if cached and not fresh and len(entries) == len(old) and "index" in cached:
        index = _index_from_json(cached["index"])  # nothing changed: the index as it was
        index.root, index.src = str(root), tuple(src)
        return index
    tokens = set(ruleset.tokens) | checked
    contents: dict[str, bytes] = {}
    pending = [(relative, signature, module, package, tokens) for relative, signature, module, package in fresh]
    starred: list = []  # skipped modules a read one star-imports: what they bind is the importer's
    forced: set[str] = set()
    while True:
        wanted = starred
        for relative, signature, module, package, checking in pending:
            matched = _mentions(root, relative, checking, contents)
            if matched is not None:
                wanted.append((relative, signature, module, package, matched == "imports"))
            elif relative not in entries or entries[relative][3] is None:
                entries[relative] = [signature, module, package, None, False]
        for relative, signature, module, package, summary, partial in _summarise_all(root, wanted, jobs, contents):
            entries[relative] = [signature, module, package, summary, partial]
        summaries = {entry[1]: _tuples(entry[3]) for relative, entry in entries.items()
                     if entry[3] and not (excluded is not None and excluded(relative))}
        index = build_index(summaries, *_classes(ruleset))
        packages = {entry[1] for entry in entries.values() if entry[2]}
        new = (set(index.tokens) | {_IMPORT + m for m in module_tokens(index, packages)}) - tokens
        imported = {entry[1] for summary in summaries.values() for key, entry in summary.items() if key.startswith("*")}
        starred = [(relative, entry[0], entry[1], entry[2], True) for relative, entry in entries.items()
                   if entry[3] is None and entry[1] in imported and relative not in forced]
        forced |= {item[0] for item in starred}
        if not new and not starred:
            break
        tokens |= new
        # skipped files, and re-exporters read for their imports only, are tested for the new tokens
        pending = [(relative, entry[0], entry[1], entry[2], new if entry[3] is None else {t for t in new if not t.startswith(_IMPORT)})
                   for relative, entry in entries.items() if entry[3] is None or entry[4]]
    index.root, index.src = str(root), tuple(src)
    if use_cache:
        _write_cache(cache_file, {"version": CACHE_VERSION, "rules": fingerprint, "files": entries,
                                  "checked": sorted(t.decode() for t in tokens), "index": _index_to_json(index)})
    return index


_IMPORT = b"import "  # a module token: the module's name, wanted on an import line only


def _mentions(root: Path, relative: str, tokens, contents: dict[str, bytes]) -> str | None:
    """"names" if the file names one of the tokens; "imports" if it names only a module token, on a
    `from`/`import` line (then only its imports matter: it may re-export); else None."""
    data = contents.get(relative)
    if data is None:
        try:
            data = contents[relative] = (root / relative).read_bytes()
        except OSError:
            return None
    modules = [t[len(_IMPORT):] for t in tokens if t.startswith(_IMPORT)]
    if any(token in data for token in tokens if not token.startswith(_IMPORT)):
        return "names"
    if modules and any(m in data for m in modules) and _import_line(tuple(sorted(modules))).search(data):
        return "imports"
    return None


@lru_cache(maxsize=64)
def _import_line(modules: tuple[bytes, ...]):
    names = b"|".join(re.escape(m) for m in modules)
    return re.compile(rb"(?m)^[ \t]*(?:from|import)[ \t][^\n]*\b(?:" + names + rb")\b")


# -- which files, and their signatures --
def _signatures(root: Path) -> dict[str, str]:
    """relative path -> a key that changes when the content does ("git:<blob>" or "stat:<size>:<mtime>")."""
    found = _git_signatures(root)
    if found is not None:
        return found
    signatures = {}
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                    stack.append(Path(entry.path))
            elif entry.name.endswith((".py", ".pyi")) and entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                signatures[Path(entry.path).relative_to(root).as_posix()] = f"stat:{stat.st_size}:{stat.st_mtime_ns}"
    return signatures


def _git_signatures(root: Path) -> dict[str, str] | None:
    if not (root / ".git").exists():
        return None
    try:
        staged = _git(root, "ls-files", "-s", "-z", "--", "*.py", "*.pyi")
        changed = set(_git(root, "diff-files", "--name-only", "-z", "--", "*.py", "*.pyi").split("\0"))
        untracked = _git(root, "ls-files", "-o", "--exclude-standard", "-z", "--", "*.py", "*.pyi").split("\0")
    except (OSError, subprocess.CalledProcessError):
        return None
    signatures = {}
    for record in staged.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        parts = meta.split()
        if len(parts) >= 2 and parts[0] != "160000":  # not a submodule
            signatures[path] = f"git:{parts[1]}"
    for path in [*changed, *untracked]:  # their content differs from the index: hashed here
        if path and (root / path).is_file():
            signatures[path] = f"sha:{_hash(root / path)}"
        elif path in signatures:
            del signatures[path]  # deleted in the working tree
    return signatures


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def _hash(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "unreadable"


def module_name(relative: str, src: tuple[str, ...]) -> tuple[str | None, bool]:
    """(the dotted module name a file has under the first source root that holds it, is it a package)."""
    path = relative[:-4] if relative.endswith(".pyi") else relative[:-3]
    for root in src:
        prefix = "" if root in (".", "") else root.strip("/") + "/"
        if prefix and not path.startswith(prefix):
            continue
        parts = path[len(prefix):].split("/")
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts), package
    return None, False


# -- summaries, in parallel when there are many --
def _summarise_all(root: Path, todo: list, jobs: int, contents: dict[str, bytes]):
    if not todo:
        return []
    if jobs <= 1 or len(todo) < 64:
        return [_summarise_one(root, item, contents.get(item[0])) for item in todo]
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(partial(_summarise_one, root), todo, chunksize=max(1, len(todo) // (jobs * 8))))


def _summarise_one(root: Path, item, data: bytes | None = None):
    relative, signature, module, package, imports_only = item
    if data is None:
        try:
            data = (root / relative).read_bytes()
        except OSError:
            return relative, signature, module, package, {}, False
    if imports_only:
        head = _import_lines(data)
        summary = summarise(head, module, package) if head is not None else None
        if summary is not None:
            return relative, signature, module, package, summary, True
    return relative, signature, module, package, summarise(data, module, package), False


_TOP_IMPORT = re.compile(rb"^(?:from|import)[ \t]")


def _import_lines(data: bytes) -> bytes | None:
    """The module-level import statements of a source, alone (a parenthesised or continued one whole);
    None when they cannot be told apart (then the whole module is read)."""
    kept, depth, going = [], 0, False
    for line in data.splitlines(keepends=True):
        if going or _TOP_IMPORT.match(line):
            kept.append(line)
            depth += line.count(b"(") - line.count(b")")
            going = depth > 0 or line.rstrip().endswith(b"\\")
            if depth < 0:
                return None
    return b"".join(kept) if not going else None


# -- the cache --
def _rules_fingerprint(ruleset, settings: tuple = ()) -> str:
    """Changes with the rules' source names and the settings the index depends on."""
    names = [*sorted(ruleset.by_source), *settings]
    return hashlib.blake2b("\n".join(names).encode(), digest_size=8).hexdigest()


def _read_cache(path: Path, fingerprint: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("rules") != fingerprint:
        return None
    return data


def _write_cache(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# Written by bnport: its cache, not to be committed.\n*\n", encoding="utf-8")
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only tree: no cache, the run goes on


def _tuples(summary: dict) -> dict:
    """JSON gives lists back; summaries are tuples all the way down (class bases, registry keys)."""
    def deep(value):
        return tuple(deep(v) for v in value) if isinstance(value, (list, tuple)) else value

    return {name: deep(entry) for name, entry in summary.items()}


def _index_to_json(index: ProjectIndex) -> dict:
    return {"names": index.names, "exports": {k: vars(v) for k, v in index.exports.items()},
            "config_types": {k: vars(v) if v is not None else None for k, v in index.config_types.items()},
            "registries": sorted(index.registries),
            "tokens": [t.decode() for t in index.tokens], "shadows": {k: list(v) for k, v in index.shadows.items()}}


def _index_from_json(data: dict) -> ProjectIndex:
    def export(fields: dict) -> Export:
        return Export(**{**fields, "candidates": tuple(fields.get("candidates", ()))})

    return ProjectIndex(names=dict(data["names"]), exports={k: export(v) for k, v in data["exports"].items()},
                        config_types={k: export(v) if v is not None else None
                                      for k, v in data.get("config_types", {}).items()},
                        registries=set(data.get("registries", ())),
                        tokens=tuple(t.encode() for t in data["tokens"]),
                        shadows={k: tuple(v) for k, v in data.get("shadows", {}).items()})


def _classes(ruleset):
    """(is a name a source API the index follows, is it a prefix of one): the rules' classes and
    functions, not the dtypes, partials and initializers the rules also name."""
    names = set(ruleset.by_source) | ruleset.targets  # a module converted already holds a target
    prefixes = {n.rsplit(".", i)[0] for n in names for i in range(n.count(".") + 1)}
    return names.__contains__, prefixes.__contains__, frozenset(n.rsplit(".", 1)[-1] for n in ruleset.by_source)
