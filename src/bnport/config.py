"""`[tool.bnport]` in pyproject.toml: where it is found, what it may say, and its errors.

Like ruff, bnport uses the nearest pyproject.toml with a ``[tool.bnport]`` table, searching upward
from the paths given (their common directory); ``--config FILE`` names one instead and
``--isolated`` ignores them all. Globs in include / exclude are gitignore-style patterns, read
relative to the directory of the file that sets them: ``build`` or ``*_pb2.py`` match at any depth,
``legacy/*.py`` only there. ``exclude`` replaces the default excludes; ``extend-exclude`` adds to them.
"""

from __future__ import annotations

import os
from functools import lru_cache
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out",
    "dist", "node_modules", "site-packages", "venv", "__pycache__",
)
DEFAULT_INCLUDE = ("*.py", "*.pyi", "*.ipynb")
TARGETS = ("mindspore",)


class ConfigError(Exception):
    """`<file>: <key>: <reason>`; the CLI exits 2 with it."""


@dataclass(frozen=True)
class Config:
    file: Path | None = None  # where it was read from; None: the defaults
    root: Path = field(default_factory=Path.cwd)  # globs are relative to it
    target: str = "mindspore"
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()  # rule ids or prefixes; empty: every rule
    ignore: tuple[str, ...] = ()
    comments: bool = True  # write `# bnport: CODE removed ...` beside dropped arguments
    todo_comments: bool = True  # write `# bnport: CODE ...` above statements with a warning or an error
    src: tuple[str, ...] = ("src", ".")  # source roots: module names of the project are relative to them
    cache_dir: str | None = None  # where the project index is cached (default: <project root>/.bnport_cache)
    assume: tuple[tuple[str, str], ...] = ()  # (name, module): names bound at run time, read as that module

    def describe(self) -> str:
        source = str(self.file) if self.file else "defaults (no [tool.bnport] found)"
        return (f"config: {source}; target={self.target}; select={list(self.select) or 'all'}; "
                f"ignore={list(self.ignore)}; exclude={list(self.exclude)}; extend-exclude={list(self.extend_exclude)}; "
                f"include={list(self.include)}; comments={self.comments}; todo-comments={self.todo_comments}; "
                f"src={list(self.src)}; cache-dir={self.cache_dir or '<project root>/.bnport_cache'}; "
                f"assume={dict(self.assume)}")

    def excluded(self, path: Path, is_dir: bool | None = None) -> str | None:
        """The pattern that excludes `path` (a file or directory), if any."""
        patterns = (*self.exclude, *self.extend_exclude)
        relative = _relative(path, self.root)
        if (path.is_dir() if is_dir is None else is_dir):
            relative += "/"
        if not _matcher(patterns).match_file(relative):  # one combined test; the culprit only on a match
            return None
        return next(p for p in patterns if _matcher((p,)).match_file(relative))

    def included(self, path: Path) -> bool:
        return _matcher(self.include).match_file(_relative(path, self.root))


_KEYS = {"target", "include", "exclude", "extend-exclude", "select", "ignore", "comments", "todo-comments", "src",
         "cache-dir", "assume"}


def find(paths: list[str]) -> Path | None:
    """The nearest pyproject.toml with a [tool.bnport] table, upward from the paths' common directory."""
    absolute = [os.path.abspath(p) for p in paths] or [os.getcwd()]
    start = Path(os.path.commonpath(absolute))
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{candidate}: (file): {exc}") from None
            if "bnport" in data.get("tool", {}):
                return candidate
    return None


def load(file: Path) -> Config:
    """[tool.bnport] of a pyproject.toml; any other file (bnport.toml) holds the keys at its top level."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: (file): cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{file}: (file): {exc}") from None
    if file.name == "pyproject.toml":
        table, where = data.get("tool", {}).get("bnport"), "tool.bnport"
        if not isinstance(table, dict):
            raise ConfigError(f"{file}: tool.bnport: expected a [tool.bnport] table")
    else:
        table, where = data, "(top level)"
    for key in table:
        if key not in _KEYS:
            hint = _did_you_mean(key, sorted(_KEYS)) or f" (allowed: {', '.join(sorted(_KEYS))})"
            raise ConfigError(f"{file}: {where}.{key}: unknown key{hint}")
    config = Config(file=file.resolve(), root=file.resolve().parent)
    changes = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if key == "target":
            if value not in TARGETS:
                raise ConfigError(f"{file}: {where}.target: expected one of {', '.join(TARGETS)}, got {value!r}")
            changes[name] = value
        elif key in ("comments", "todo-comments"):
            if not isinstance(value, bool):
                raise ConfigError(f"{file}: {where}.{key}: expected true or false, got {value!r}")
            changes[name] = value
        elif key == "assume":
            if not isinstance(value, dict):
                raise ConfigError(f'{file}: {where}.assume: expected a table of names and modules, such as '
                                  f'{{layers = "keras.layers"}}, got {value!r}')
            problem = next((assume_problem(n, m) for n, m in value.items() if assume_problem(n, m)), None)
            if problem:
                raise ConfigError(f"{file}: {where}.assume: {problem}")
            changes[name] = tuple(value.items())
        elif key == "cache-dir":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{file}: {where}.{key}: expected a directory name, got {value!r}")
            changes[name] = str(file.resolve().parent / value)  # relative to the configuration file
        else:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ConfigError(f"{file}: {where}.{key}: expected a list of non-empty strings, got {value!r}")
            changes[name] = tuple(value)
    return replace(config, **changes)


def assume_problem(name: object, module: object) -> str | None:
    """Why `name = module` is not a valid assume entry (a Python name and a dotted module path), or None."""
    if not isinstance(name, str) or not name.isidentifier():
        return f"{name!r} is not a Python name"
    if not isinstance(module, str) or not all(part.isidentifier() for part in module.split(".")):
        return f"{name}: {module!r} is not a dotted module path (such as \"keras.layers\")"
    return None


def check_rule_codes(config: Config, rule_ids: list[str], flags: tuple[str, ...] = (), codes: tuple[str, ...] = ()) -> None:
    """select / ignore entries must name a rule or finding code, or a prefix of one. `flags`: the keys the command
    line gave (their codes came from --select / --ignore, not from the file)."""
    for key in ("select", "ignore"):
        for code in getattr(config, key):
            if not any(known.startswith(code) for known in (*rule_ids, *codes)):
                table = "tool.bnport" if config.file and config.file.name == "pyproject.toml" else "(top level)"
                where = f"{config.file}: {table}.{key}" if config.file and key not in flags else f"--{key}"
                families = sorted({rule_id.rstrip("0123456789") for rule_id in rule_ids})
                hint = (_did_you_mean(code.upper(), [*families, *rule_ids]) or _did_you_mean(code.upper(), list(codes))
                        or " (bnport rules lists them)")
                raise ConfigError(f"{where}: {code!r} is not a rule id, finding code or prefix of one{hint}")


def _did_you_mean(word: str, choices: list[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or '' when none is close."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _relative(path: Path, root: Path) -> str:
    if path.is_absolute() or path.exists():
        resolved = _resolved_directory(str(path.parent)) / path.name  # symlinks resolved once per directory
        if path.is_symlink():
            resolved = path.resolve()
    else:
        resolved = Path(os.path.abspath(path))
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.name  # outside the root: only basename patterns can match


@lru_cache(maxsize=4096)
def _resolved_directory(directory: str) -> Path:
    return Path(directory).resolve()


_MATCHERS: dict[tuple[str, ...], object] = {}


def _matcher(patterns: tuple[str, ...]):
    matcher = _MATCHERS.get(patterns)
    if matcher is None:
        import pathspec

        matcher = _MATCHERS[patterns] = pathspec.GitIgnoreSpec.from_lines(list(patterns))
    return matcher


def resolve(paths: list[str], config_file: str | None, isolated: bool, select: tuple[str, ...] | None,
            ignore: tuple[str, ...] | None, extend_exclude: tuple[str, ...],
            assume: tuple[tuple[str, str], ...] = ()) -> Config:
    """Command-line flags over --config FILE over the nearest [tool.bnport] over the defaults."""
    if isolated:
        config = Config()
    elif config_file is not None:
        config = load(Path(config_file))
    else:
        found = find(paths)
        config = load(found) if found is not None else Config()
    changes: dict = {}
    if select is not None:
        changes["select"] = select
    if ignore is not None:
        changes["ignore"] = ignore
    if extend_exclude:
        changes["extend_exclude"] = config.extend_exclude + extend_exclude
    if assume:  # --assume adds to the configured names, and wins for a name both give
        changes["assume"] = tuple({**dict(config.assume), **dict(assume)}.items())
    return replace(config, **changes)
