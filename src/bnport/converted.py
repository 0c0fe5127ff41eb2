"""`# bnport: converted`: the comment bnport writes at the end of a statement whose BatchNorm
arguments it converted through a name another module of the project defines (an import of an alias,
a registry config). The name itself stays, so the code alone cannot tell a converted call from an
unconverted one; the comment does, and a later run (pre-commit on one file, a second run on the
tree) leaves those statements alone instead of converting their arguments twice.
"""

from __future__ import annotations

import re

import libcst as cst

CONVERTED = "# bnport: converted"
_MARK = re.compile(r"#\s*bnport:\s*converted\b")
_COMPOUND = (cst.FunctionDef, cst.ClassDef, cst.If, cst.For, cst.While, cst.With, cst.Try, cst.Match)


def statement_of(node: cst.CSTNode, parents: dict) -> cst.CSTNode | None:
    """The statement whose line(s) hold `node`: a simple statement line, or a compound statement
    whose header holds it (a default of a `def`), not one whose body does."""
    child, current = node, parents.get(node)
    while current is not None:
        if isinstance(current, cst.SimpleStatementLine):
            return current
        if isinstance(current, _COMPOUND) and child is not getattr(current, "body", None) \
                and not isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite, cst.Else, cst.ExceptHandler,
                                           cst.Finally)):
            return current
        child, current = current, parents.get(current)
    return None


def _trailing(statement: cst.CSTNode) -> cst.TrailingWhitespace | None:
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.trailing_whitespace
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.header
    if isinstance(body, cst.SimpleStatementSuite):
        return body.trailing_whitespace
    return None


def is_marked(statement: cst.CSTNode | None) -> bool:
    trailing = _trailing(statement) if statement is not None else None
    return trailing is not None and trailing.comment is not None and _MARK.search(trailing.comment.value) is not None


def with_mark(statement: cst.CSTNode) -> cst.CSTNode:
    """The statement with `# bnport: converted` at the end of its line (after a comment already there)."""
    trailing = _trailing(statement)
    if trailing is None or is_marked(statement):
        return statement
    comment = f"{trailing.comment.value}  {CONVERTED}" if trailing.comment is not None else CONVERTED
    marked = trailing.with_changes(whitespace=trailing.whitespace if trailing.comment is not None
                                   else cst.SimpleWhitespace("  "), comment=cst.Comment(comment))
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.with_changes(trailing_whitespace=marked)
    body = statement.body
    if isinstance(body, cst.IndentedBlock):
        return statement.with_changes(body=body.with_changes(header=marked))
    return statement.with_changes(body=body.with_changes(trailing_whitespace=marked))
