"""Which files a run touches, and reading and writing them without ever losing a byte.

Directories are walked for *.py, honouring .gitignore files (the walked directory's own, those
below it, and those above it up to the repository root) and skipping the directories ruff
skips by default. Symlinks met during a walk are not followed. Paths named explicitly are taken
as they are. Writes go to a temporary file beside the target and are renamed over it, only if
the file still holds the bytes that were converted.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXCLUDES = frozenset({
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out",
    "dist", "node_modules", "site-packages", "venv", "__pycache__",
})


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    status: str = "error"  # "error" fails the run; "skipped" is only reported


class FileError(Exception):
    """A file could not be read or written; the message is one line."""


def discover(paths: list[str]) -> tuple[list[str], list[Problem]]:
    """Files to convert, in a stable order, and the paths that could not be used."""
    found: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: str):
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        if os.path.isdir(given) and not os.path.islink(given):
            for path in _walk(Path(given)):
                add(str(path))
        elif os.path.islink(given) and os.path.exists(given):
            # Writing through a link could touch a file outside the paths given.
            problems.append(Problem(given, "is a symlink; not followed (name its target instead)", "skipped"))
        elif os.path.isfile(given):
            add(given)
        elif os.path.islink(given):
            problems.append(Problem(given, "is a symlink that resolves to nothing (broken, or a loop)"))
        else:
            problems.append(Problem(given, "no such file or directory"))
    return found, problems


def _walk(root: Path):
    ignores = _ancestor_ignores(root)
    yield from _walk_dir(root, ignores)


def _walk_dir(directory: Path, ignores: list):
    spec = _load_gitignore(directory)
    if spec is not None:
        ignores = [*ignores, (directory.resolve(), spec)]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        path = Path(entry.path)
        if entry.is_dir():
            if entry.name in DEFAULT_EXCLUDES or _ignored(path, ignores, is_dir=True):
                continue
            yield from _walk_dir(path, ignores)
        elif entry.name.endswith(".py") and entry.is_file() and not _ignored(path, ignores, is_dir=False):
            yield path


def _ancestor_ignores(root: Path) -> list:
    """.gitignore files above the walked directory, up to the repository root."""
    ignores = []
    current = root.resolve().parent
    chain = []
    for directory in [current, *current.parents]:
        chain.append(directory)
        if (directory / ".git").exists():
            break
    else:
        return []
    for directory in reversed(chain):
        spec = _load_gitignore(directory)
        if spec is not None:
            ignores.append((directory, spec))
    return ignores


def _load_gitignore(directory: Path):
    try:
        text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _ignored(path: Path, ignores: list, is_dir: bool) -> bool:
    """Whether any .gitignore above ``path`` excludes it (bases are resolved when loaded)."""
    if not ignores:
        return False
    resolved = path.resolve()
    for base, spec in ignores:
        try:
            relative = resolved.relative_to(base).as_posix()
        except ValueError:
            continue
        if spec.match_file(relative + "/" if is_dir else relative):
            return True
    return False


def read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise FileError(f"cannot read: {exc.strerror or exc}") from None


def write_if_unchanged(path: str, expected: bytes, data: bytes) -> None:
    """Atomically replace ``path`` with ``data`` if it still holds ``expected``; keep its mode."""
    target = path
    if not os.access(target, os.W_OK):
        raise FileError("cannot write: the file is read-only; left untouched")
    if read(target) != expected:
        raise FileError("cannot write: the file changed while bnport was working on it; left untouched")
    directory = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        fd, temporary = tempfile.mkstemp(prefix=".bnport-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FileError(f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise FileError(f"cannot write: {exc.strerror or exc}") from None
