"""Attributes stored and read by name: `setattr(self, "bn", layer)`, `self.add_module("bn", layer)`,
`getattr(self, "bn")`, and the numbered forms `setattr(self, f"bn{i}", ...)` / `getattr(self, f"bn{i}")`.

A name is a key: the literal text, or for an f-string its pattern (`bn{}`: literal parts kept, each
expression a `{}`), which stands for every attribute name the pattern matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from bnport.expressions import string_text, strip_parens

HOLE = "{}"


@dataclass(frozen=True)
class NamedAccess:
    call: cst.Call
    store: bool  # setattr / add_module (True) or getattr (False)
    subject: cst.BaseExpression  # the object whose attribute it is
    key: str | None  # the name, or its pattern; None: a name computed otherwise (`add_module(name, m)`)
    value: cst.BaseExpression | None  # what a store stores
    default: bool = False  # getattr with a default: the attribute may be absent


def name_key(node) -> str | None:
    """The key a name argument spells: a string literal's text or an f-string's pattern."""
    node = strip_parens(node)
    if isinstance(node, cst.SimpleString):
        text = string_text(node)
        return text if text is not None and HOLE not in text else None
    if isinstance(node, cst.FormattedString):
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if "{" in part.value or "}" in part.value:
                    return None
                parts.append(part.value)
            else:
                parts.append(HOLE)
        pattern = "".join(parts)
        return pattern if pattern.replace(HOLE, "") else None  # f"{name}" alone could be anything
    return None


def key_matches(stored: str, wanted: str, numbered: bool = False) -> bool:
    """Whether a store under `stored` may be the attribute read as `wanted`. `numbered`: a hole stands
    for digits only (an attribute with stores of its own is reached by a pattern only as `bn{i}`)."""
    if stored == wanted:
        return True
    if (HOLE in stored) == (HOLE in wanted):
        return False
    pattern, text = (stored, wanted) if HOLE in stored else (wanted, stored)
    hole = "[0-9]+" if numbered else ".+"
    return re.fullmatch(hole.join(re.escape(p) for p in pattern.split(HOLE)), text) is not None


def named_accesses(ctx, methods: frozenset[str], builtin) -> list[NamedAccess]:
    """Every store or read by name in the module. `builtin(name)` says a Name is the builtin."""
    found = []
    for node in ctx.index.parents:
        if type(node) is not cst.Call or any(a.star or a.keyword for a in node.args):
            continue
        func, args = node.func, node.args
        if isinstance(func, cst.Name) and func.value in ("setattr", "getattr") and len(args) in (2, 3) and builtin(func):
            key = name_key(args[1].value)
            if func.value == "setattr" and len(args) == 3:
                found.append(NamedAccess(node, True, args[0].value, key, args[2].value))
            elif func.value == "getattr" and key is not None:
                found.append(NamedAccess(node, False, args[0].value, key, None, default=len(args) == 3))
        elif isinstance(func, cst.Attribute) and func.attr.value in methods and len(args) == 2:
            found.append(NamedAccess(node, True, func.value, name_key(args[0].value), args[1].value))
    return found
