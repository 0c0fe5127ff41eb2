"""What the rewrite did not cover: the source frameworks a file with BatchNorm code still uses after
bnport, counted from its code (import bindings and the dotted names read through them), never guessed.

bnport converts BatchNorm only; a converted file that still subclasses ``nn.Module`` or calls
``nn.Conv2d`` is not migrated, and the summary says so.
"""

from __future__ import annotations

import ast

from bnport.pyast import dotted_ast, parse_quietly

FRAMEWORKS = ("torch", "tensorflow", "keras", "tf_keras")
_TOKENS = tuple(name.encode() for name in FRAMEWORKS)


def remaining_uses(data: bytes) -> dict[str, int]:
    """Qualified names of the source frameworks this Python source uses -> how often; {} if none."""
    if not any(token in data for token in _TOKENS):
        return {}
    tree = parse_quietly(data)
    if tree is None:
        return {}
    aliases: dict[str, str] = {}
    uses: dict[str, int] = {}
    reads: list = []  # outermost names and attribute chains, resolved once the imports are known
    stack = [(tree, False)]
    while stack:  # one pass; an attribute's inner value is not a use of its own
        node, inner = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FRAMEWORKS:
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
                    uses.setdefault(alias.name, 0)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] in FRAMEWORKS:
                for alias in node.names:
                    name = f"{node.module}.{alias.name}"
                    if alias.name != "*":
                        aliases[alias.asname or alias.name] = name
                    uses.setdefault(name, 0)
        elif isinstance(node, (ast.Attribute, ast.Name)) and not inner:
            reads.append(node)
        stack.extend((child, isinstance(node, ast.Attribute)) for child in ast.iter_child_nodes(node))
    if not uses:
        return {}
    for node in reads:
        dotted = dotted_ast(node)
        root, _, rest = (dotted or "").partition(".")
        if root in aliases:
            name = aliases[root] + ("." + rest if rest else "")
            uses[name] = uses.get(name, 0) + 1
    return uses  # imported names count 0 until read: the file still imports the framework


def summarise(per_file: list[dict[str, int]], top: int = 5) -> list[dict]:
    """Per framework: how many files still use it, and its most used names (by files using them)."""
    summary = []
    for framework in FRAMEWORKS:
        files = 0
        counts: dict[str, int] = {}
        for uses in per_file:
            names = [n for n in uses if n.split(".")[0] == framework]
            if not names:
                continue
            files += 1
            for name in names:
                if uses[name]:
                    counts[name] = counts.get(name, 0) + 1
        if files:
            most = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
            summary.append({"framework": framework, "files": files, "most_used": [{"name": n, "files": c} for n, c in most]})
    return summary
