"""Line and column of a node, computed only for the nodes a conversion reports or edits.

libcst's PositionProvider prints the whole module once to place every node, which costs more
than parsing it. Here CPython's parser, which the conversion runs anyway, places every
*statement*; a node's position is then found by printing only its innermost statement, up to
the node. The answers are PositionProvider's (1-based line, 0-based column in characters); a
file whose statements cannot be paired with CPython's is placed by printing it whole.
"""

from __future__ import annotations

import ast
import re
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState  # the hook libcst's own PositionProvider uses

NEWLINE = re.compile(r"\r\n|\r|\n")
_SIMPLE_LINES = (cst.SimpleStatementLine, cst.SimpleStatementSuite)
_COMPOUND = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.Try: (ast.Try,),
    cst.TryStar: (ast.TryStar,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Match: (ast.Match,),
}


class _Unpaired(Exception):
    pass


class _Reached(Exception):
    pass


class _Tracking(CodegenState):
    """Prints while counting characters; records where each node's syntax starts."""

    def __init__(self, module: cst.Module, indent: str = "", stop: cst.CSTNode | None = None):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        if indent:
            self.indent_tokens.append(indent)
        self.offset = 0
        self.starts: dict[cst.CSTNode, int] = {}
        self.stop = stop

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.tokens.append(token)
            self.offset += len(token)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts[node] = self.offset  # with its whitespace; its syntax, if recorded, replaces it

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node is self.stop:
            raise _Reached

    @contextmanager
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        if start_node is None:
            self.starts[node] = self.offset
            if node is self.stop:
                raise _Reached  # placed: the rest of it (a class body, say) need not be printed
            yield
        else:
            yield
            self.starts[node] = self.starts[start_node]


class Positions:
    def __init__(self, module: cst.Module, text: str, tree: ast.Module, parents: dict):
        self.module = module
        self.parents = parents
        self.lines = NEWLINE.split(text)
        self.tree = tree
        self._anchors: dict[cst.CSTNode, tuple[int, int]] | None = None  # paired on first use
        self._printed: dict[cst.CSTNode, _Printed] = {}  # node -> the statement print that placed it
        self._whole: dict[cst.CSTNode, tuple[int, int]] | None = None
        self._elifs: set[cst.If] = set()  # printed as `elif`
        self._decorator_lines: dict[cst.CSTNode, int] = {}  # decorated def / class -> line of its first `@`

    @property
    def anchors(self) -> dict[cst.CSTNode, tuple[int, int]]:
        """Statement -> (line, column) from CPython's tree; empty if the trees could not be paired."""
        if self._anchors is None:
            self._anchors = {}
            try:
                self._pair(self.module.body, self.tree.body)
            except (_Unpaired, StopIteration, ValueError):  # ValueError: zip(strict=True), unequal case or handler counts
                self._anchors = {}
                self._whole = self._print_whole()
        return self._anchors

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        """(line, column) where the node's syntax starts, as libcst's PositionProvider gives them."""
        anchors = self.anchors
        if self._whole is not None:
            return self._whole[node]
        printed = self._printed.get(node)
        if printed is None:
            statement = node
            while statement is not None and statement not in anchors:
                statement = self.parents.get(statement)
            if statement is None:
                self._whole = self._print_whole()
                return self._whole[node]
            printed = self._print_statement(statement, node)
        return printed.place(node)

    # -- pairing libcst's statements with CPython's --
    def _pair(self, statements, nodes) -> None:
        nodes = iter(nodes)
        for statement in statements:
            if isinstance(statement, _SIMPLE_LINES):
                for small in statement.body:
                    self._anchor(small, next(nodes))
                continue
            node = next(nodes)
            if not isinstance(node, _COMPOUND.get(type(statement), ())):
                raise _Unpaired
            self._anchor(statement, node)
            if getattr(node, "decorator_list", None):
                self._decorator_lines[statement] = node.decorator_list[0].lineno
            self._pair_bodies(statement, node)
        if next(nodes, None) is not None:
            raise _Unpaired

    def _pair_bodies(self, statement, node) -> None:
        if isinstance(statement, cst.Match):
            for case, ast_case in zip(statement.cases, node.cases, strict=True):
                self._pair(_body(case.body), ast_case.body)
            return
        self._pair(_body(statement.body), node.body)
        if isinstance(statement, (cst.Try, cst.TryStar)):
            for handler, ast_handler in zip(statement.handlers, node.handlers, strict=True):
                self._anchor(handler, ast_handler)
                self._pair(_body(handler.body), ast_handler.body)
            if statement.finalbody is not None:
                self._pair(_body(statement.finalbody.body), node.finalbody)
        orelse = getattr(statement, "orelse", None)
        if isinstance(orelse, cst.If):
            self._elifs.add(orelse)
            self._pair([orelse], node.orelse)
        elif orelse is not None:
            self._pair(_body(orelse.body), node.orelse)

    def _anchor(self, statement: cst.CSTNode, node: ast.AST) -> None:
        line = self.lines[node.lineno - 1]
        column = node.col_offset
        if not line.isascii():  # CPython counts UTF-8 bytes, libcst characters
            column = len(line.encode("utf-8")[:column].decode("utf-8", "replace"))
        self.anchors[statement] = (node.lineno, column)

    def first_lines(self) -> list[int] | None:
        """The line where each top-level statement's text starts (its comments and decorators
        included), or None when the statements could not be placed."""
        anchors = self.anchors
        if self._whole is not None:
            return None
        lines = []
        for statement in self.module.body:
            if isinstance(statement, _SIMPLE_LINES):
                line = anchors[statement.body[0]][0]
            elif statement in self._decorator_lines:
                line = self._decorator_lines[statement] - len(statement.decorators[0].leading_lines)
            else:
                line = anchors[statement][0]
            lines.append(line - len(statement.leading_lines))
        return lines

    # -- printing --
    def _print_statement(self, statement: cst.CSTNode, node: cst.CSTNode) -> _Printed:
        """Print the statement up to the node; every node printed on the way is placed too."""
        line, column = self.anchors[statement]
        indent = self.lines[line - 1][:column]
        state = _Tracking(self.module, indent if not indent.strip() else "", stop=node)
        try:
            if statement in self._elifs:
                statement._codegen(state, is_elif=True)
            else:
                statement._codegen(state)
        except _Reached:
            pass
        printed = _Printed("".join(state.tokens), state.starts, line, column, state.starts[statement])
        for each in state.starts:
            self._printed[each] = printed
        return printed

    def _print_whole(self) -> dict[cst.CSTNode, tuple[int, int]]:
        state = _Tracking(self.module)
        self.module._codegen(state)
        text = "".join(state.tokens)
        return {node: _place(text, 0, offset, 1, 0) for node, offset in state.starts.items()}


class _Printed:
    def __init__(self, text: str, starts: dict, line: int, column: int, origin: int):
        self.text, self.starts, self.line, self.column, self.origin = text, starts, line, column, origin

    def place(self, node: cst.CSTNode) -> tuple[int, int]:
        return _place(self.text, self.origin, self.starts[node], self.line, self.column)


def _body(suite) -> list:
    return [suite] if isinstance(suite, cst.SimpleStatementSuite) else list(suite.body)


def _place(text: str, origin: int, offset: int, line: int, column: int) -> tuple[int, int]:
    """Position of `offset` in `text`, given that `origin` is at (line, column)."""
    if offset >= origin:
        between = text[origin:offset]
        breaks = list(NEWLINE.finditer(between))
        if not breaks:
            return line, column + len(between)
        return line + len(breaks), len(between) - breaks[-1].end()
    # Before the statement's own syntax (a decorator): count back from it.
    before = text[offset:origin]
    line -= len(NEWLINE.findall(before))
    start = max((m.end() for m in NEWLINE.finditer(text, 0, offset)), default=0)
    return line, offset - start
