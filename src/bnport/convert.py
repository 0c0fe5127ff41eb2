"""Convert one file's bytes: prefilter, parse, plan, apply, verify.

The output is accepted only if CPython parses it; otherwise the file is reported as an error and
its bytes are not replaced. (That a second conversion changes nothing is a property the test
suite checks over fixtures, real corpora and generated programs, not a cost every run pays.)
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

import libcst as cst

from bnport.analysis import analyse
from bnport.applier import Applier
from bnport.imports import plan_imports
from bnport.index import build_index
from bnport.marks import plan_markers, read_comments, settle
from bnport.model import FileResult, Options
from bnport.notebook import convert_notebook
from bnport.positions import Positions
from bnport.printing import print_module
from bnport.rules import RuleSet


class CannotParse(Exception):
    """The message is `line:col: cannot parse: reason`."""


def convert_file(path: str, data: bytes, ruleset: RuleSet, options: Options = Options()) -> FileResult:
    if path.endswith(".ipynb"):
        return convert_notebook(path, data, ruleset, options,
                                lambda name, source: convert_python(name, source, ruleset, options))
    return convert_python(path, data, ruleset, options)


def convert_python(path: str, data: bytes, ruleset: RuleSet, options: Options = Options()) -> FileResult:
    result = FileResult(path=path, original=data)
    if not ruleset.mentioned_in(data):
        return result
    try:
        converted, edits, findings = _convert(data, ruleset, options)
    except CannotParse as exc:
        result.status = "error"
        result.error = str(exc)
        return result
    except RecursionError:
        result.status = "error"
        result.error = "1:1: cannot parse: nested too deeply to analyse; file left untouched"
        return result
    result.findings = findings
    if converted != data:
        result.status = "changed"
        result.edits = edits
        result.converted = converted
    return result


def _convert(data: bytes, ruleset: RuleSet, options: Options):
    module, text, tree = parse(data)
    index = build_index(module)
    positions = Positions(module, text, tree, index.parents)
    analysis = analyse(module, ruleset, index, positions, dict(options.assume))
    shown = [entry for entry in analysis.reported if ruleset.shows(entry[0].code, entry[0].rule)]
    findings = settle([finding for finding, _, _ in shown], read_comments(text, tree), ruleset.codes,
                      lambda kind: ruleset.code_for(None, kind), options.unused_suppressions)
    open_ids = {id(finding) for finding in findings}
    header = [line.comment.value for line in module.header if line.comment is not None]
    markers = plan_markers([entry for entry in shown if id(entry[0]) in open_ids], ruleset.codes, index.parents,
                           header, comments=options.comments, todo=options.todo_comments)
    if not (analysis.changes_anything or markers):
        return data, [], findings
    imports = plan_imports(module, index.all_scopes, analysis.replaced)
    applier = Applier(analysis, imports, positions, index.parents, markers)
    code, fresh = print_module(module, module.visit(applier), text, positions)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(fresh)  # the statements kept as they were parsed already
    except Exception as exc:  # the edit itself produced something invalid: never write it
        raise CannotParse(f"1:1: internal error: the converted code does not parse ({exc}); file left untouched") from None
    return code.encode(module.encoding), sorted(applier.edits, key=lambda e: (e.line, e.column)), findings


def parse(data: bytes) -> tuple[cst.Module, str, ast.Module]:
    """Parse with libcst (and CPython); decoding and syntax problems become one-line CannotParse errors."""
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _line_column(data, nul)
        raise CannotParse(f"{line}:{column}: cannot parse: binary content (a NUL byte), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except SyntaxError as exc:
        raise CannotParse(f"1:1: cannot parse: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    except (UnicodeDecodeError, LookupError) as exc:
        raise CannotParse(_decode_error(data, exc)) from None
    # CPython's parser first: it refuses nesting that overflows libcst's native parser (a crash,
    # not an exception), and its syntax errors are the ones users know.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are the user's business, not ours
            tree = ast.parse(text)
    except SyntaxError as exc:
        raise CannotParse(f"{exc.lineno or 1}:{exc.offset or 1}: cannot parse: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise CannotParse("1:1: cannot parse: nested too deeply to analyse; file left untouched") from None
    try:
        return cst.parse_module(data), text, tree
    except cst.ParserSyntaxError as exc:
        first = exc.message.splitlines()[0] if exc.message else "syntax error"
        raise CannotParse(f"{exc.raw_line}:{exc.raw_column + 1}: cannot parse: {first}") from None
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise CannotParse(f"1:1: cannot parse: {exc}") from None


def _decode_error(data: bytes, exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        offset = exc.start
        line, column = _line_column(data, offset)
        return f"{line}:{column}: cannot parse: not valid {exc.encoding} (byte 0x{data[offset]:02x}); add a coding cookie or re-encode the file"
    return f"1:1: cannot parse: {exc}"


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of a byte offset."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1
