"""CPython's ast on files bnport reads but never runs: parsed quietly, names read as written."""

from __future__ import annotations

import ast
import warnings


def parse_quietly(source: bytes) -> ast.Module | None:
    """CPython's parse of a file bnport reads but never runs, without its warnings; None if it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def dotted_ast(node) -> str | None:
    """`a.b.c` as written (an ast Name or Attribute chain), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
