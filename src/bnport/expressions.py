"""Small expression builders: exact momentum folding, templates with minimal parentheses, dotted names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import libcst as cst

_EMPTY = cst.Module(body=[])
_PLACEHOLDER = "__bnport_value__"

# Python's operator precedence, low to high; an atom (name, call, literal, parenthesised) is highest.
ATOM = 16
_BINARY = {
    cst.BitOr: 6, cst.BitXor: 7, cst.BitAnd: 8, cst.LeftShift: 9, cst.RightShift: 9,
    cst.Add: 10, cst.Subtract: 10,
    cst.Multiply: 11, cst.Divide: 11, cst.FloorDivide: 11, cst.Modulo: 11, cst.MatrixMultiply: 11,
    cst.Power: 13,
}


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def precedence(node: cst.BaseExpression) -> int:
    if getattr(node, "lpar", None):
        return ATOM
    if isinstance(node, (cst.NamedExpr, cst.Yield)):
        return -1
    if isinstance(node, cst.Lambda):
        return 0
    if isinstance(node, cst.IfExp):
        return 1
    if isinstance(node, cst.BooleanOperation):
        return 2 if isinstance(node.operator, cst.Or) else 3
    if isinstance(node, cst.UnaryOperation):
        return 4 if isinstance(node.operator, cst.Not) else 12
    if isinstance(node, cst.Comparison):
        return 5
    if isinstance(node, cst.BinaryOperation):
        return _BINARY[type(node.operator)]
    if isinstance(node, cst.Await):
        return 14
    return ATOM


def parenthesize(node: cst.BaseExpression, needed: int) -> cst.BaseExpression:
    """``node`` wrapped in parentheses if its precedence is below ``needed``."""
    if precedence(node) >= needed:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def strip_parens(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node


def keep_parens(old: cst.BaseExpression, new: cst.BaseExpression) -> cst.BaseExpression:
    """``new`` inside the parentheses the user wrote around ``old`` (and any comments in them)."""
    return new.with_changes(lpar=old.lpar, rpar=old.rpar) if getattr(old, "lpar", None) else new


def literal_key(node: cst.BaseExpression) -> str:
    """Source text of a value with its outer parentheses removed: ``(None)`` is ``None``."""
    return code_of(strip_parens(node))


def number_literal(node: cst.BaseExpression) -> Decimal | None:
    """The value of a number literal (`1e-5`, `-0.5`, `(1)`), exactly; None for anything else."""
    value = strip_parens(node)
    sign = 1
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, (cst.Minus, cst.Plus)):
        sign = -1 if isinstance(value.operator, cst.Minus) else 1
        value = strip_parens(value.expression)
    if not isinstance(value, (cst.Float, cst.Integer)):
        return None
    text = value.value.replace("_", "")
    try:
        return sign * (Decimal(int(text, 0)) if isinstance(value, cst.Integer) else Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def int_literal(node: cst.BaseExpression) -> int | None:
    """The value of an integer literal, signed (`-1`), or None."""
    value = strip_parens(node)
    sign = 1
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        sign, value = -1, strip_parens(value.expression)
    if isinstance(value, cst.Integer):
        try:
            return sign * int(value.value.replace("_", ""), 0)
        except ValueError:
            return None
    return None


def fold_one_minus(value: cst.BaseExpression) -> str | None:
    """``1 - value`` as exact decimal text when value is a plain number (0.1 -> 0.9), else None."""
    value = strip_parens(value)
    if not isinstance(value, (cst.Float, cst.Integer)):
        return None
    text = value.value.replace("_", "")
    try:
        number = Decimal(int(text, 0)) if isinstance(value, cst.Integer) else Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    result = format(Decimal(1) - number, "f")
    if "." in result:
        result = result.rstrip("0")
    return result + "0" if result.endswith(".") else (result if "." in result else result + ".0")


def one_minus(value: cst.BaseExpression) -> cst.BaseExpression:
    """torch momentum -> MindSpore momentum: a folded literal, or ``1 - value``."""
    folded = fold_one_minus(value)
    if folded is not None:
        return keep_parens(value, cst.Float(folded))
    return fill_template("1 - {value}", value)


def fill_template(template: str, value: cst.BaseExpression) -> cst.BaseExpression:
    """Parse ``template`` and put ``value`` where ``{value}`` stands, with parentheses only where needed."""
    skeleton = cst.parse_expression(template.replace("{value}", _PLACEHOLDER))
    if _is_placeholder(skeleton):
        return value
    return skeleton.visit(_Fill(value)).visit(_Fallback(value))


def _is_placeholder(node) -> bool:
    return isinstance(node, cst.Name) and node.value == _PLACEHOLDER


class _Fill(cst.CSTTransformer):
    """Replaces the placeholder; each parent knows how tightly its operand slots bind."""

    def __init__(self, value: cst.BaseExpression):
        self.value = value

    def _put(self, child, needed: int):
        return parenthesize(self.value, needed) if _is_placeholder(child) else child

    def leave_BinaryOperation(self, original, updated):
        level = _BINARY[type(updated.operator)]
        right_assoc = isinstance(updated.operator, cst.Power)
        return updated.with_changes(
            left=self._put(updated.left, level + right_assoc),
            right=self._put(updated.right, level + (not right_assoc)),
        )

    def leave_IfExp(self, original, updated):
        return updated.with_changes(
            body=self._put(updated.body, 2), test=self._put(updated.test, 2), orelse=self._put(updated.orelse, 1)
        )

    def leave_UnaryOperation(self, original, updated):
        return updated.with_changes(expression=self._put(updated.expression, precedence(updated)))

    def leave_BooleanOperation(self, original, updated):
        level = precedence(updated)
        return updated.with_changes(left=self._put(updated.left, level), right=self._put(updated.right, level + 1))

    def leave_Arg(self, original, updated):
        return updated.with_changes(value=self._put(updated.value, 0))



class _Fallback(cst.CSTTransformer):
    """A placeholder in a slot without a precedence rule gets parentheses unless it is an atom."""

    def __init__(self, value: cst.BaseExpression):
        self.value = value

    def leave_Name(self, original, updated):
        return parenthesize(self.value, ATOM) if _is_placeholder(updated) else updated


def dotted(name: str, mindspore_alias: str = "mindspore") -> cst.BaseExpression:
    """An expression for a dotted name, with the ``mindspore`` root spelled as the module imports it."""
    parts = name.split(".")
    if parts[0] == "mindspore":
        parts = mindspore_alias.split(".") + parts[1:]
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def short_code(code: str, limit: int = 60) -> str:
    """Code shown in a one-line message: its lines joined, cut at `limit` characters."""
    text = " ".join(line.strip() for line in code.splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def string_text(node) -> str | None:
    """The text a plain string literal spells (`"momentum"`), else None."""
    node = strip_parens(node)
    if not isinstance(node, cst.SimpleString):
        return None
    try:
        value = node.evaluated_value
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None
