"""Convert one file's bytes: prefilter, parse, plan, apply, verify.

The output is accepted only if CPython parses it; otherwise the file is reported as an error and
its bytes are not replaced. (That a second conversion changes nothing is a property the test
suite checks over fixtures, real corpora and generated programs, not a cost every run pays.)
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

import libcst as cst

from bnport.analysis import analyse
from bnport.applier import Applier
from bnport.computed import builtin_eval_calls
from bnport.context import Context
from bnport.imports import KeptImport, find_exports, plan_imports
from bnport.index import build_index
from bnport.marks import plan_markers, read_comments, settle
from bnport.model import FileResult, Options
from bnport.notebook import convert_notebook
from bnport.positions import NEWLINE, Positions
from bnport.printing import print_module
from bnport.resolve import binding_name
from bnport.project.index import ProjectIndex
from bnport.rules import RuleSet


class CannotParse(Exception):
    """The message is `line:col: cannot parse: reason`."""


def convert_file(path: str, data: bytes, ruleset: RuleSet, options: Options = Options(),
                 project: ProjectIndex | None = None) -> FileResult:
    """`project`: what the other modules of the file's project export (whole-project analysis)."""
    if path.endswith(".ipynb"):
        return convert_notebook(path, data, ruleset, options,
                                lambda name, source: convert_python(name, source, ruleset, options, project))
    return convert_python(path, data, ruleset, options, project)


def convert_python(path: str, data: bytes, ruleset: RuleSet, options: Options = Options(),
                   project: ProjectIndex | None = None) -> FileResult:
    result = FileResult(path=path, original=data)
    if not (ruleset.mentioned_in(data) or (project is not None and project.mentioned_in(data))):
        return result
    try:
        converted, edits, findings = _convert(data, ruleset, options, path, project)
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


def _convert(data: bytes, ruleset: RuleSet, options: Options, path: str = "", project: ProjectIndex | None = None):
    module, text, tree = parse(data)
    package = project.package_of(path) if project else None
    star_names = ruleset.star_names if project is None else (
        lambda name: (*ruleset.star_names(name), *project.star_names(name)))
    index = build_index(module, star_names, package)
    positions = Positions(module, text, tree, index.parents)
    analysis = analyse(module, ruleset, index, positions, project, package, dict(options.assume))
    exports = find_exports(module, path, index.strings, builtin_eval_calls(index, positions))
    imports = plan_imports(module, index.all_scopes, analysis.replaced,
                           [*analysis.plans, *analysis.replacements, *analysis.after], index.scopes, tree, exports, text)
    _report_kept(imports.kept, analysis, ruleset, index, positions)
    shown = [entry for entry in analysis.reported if ruleset.shows(entry[0].code, entry[0].rule)]
    findings = settle([finding for finding, _, _ in shown], read_comments(text, tree), ruleset.codes,
                      lambda kind: ruleset.code_for(None, kind), options.unused_suppressions)
    open_ids = {id(finding) for finding in findings}
    header = [line.comment.value for line in module.header if line.comment is not None]
    markers = plan_markers([entry for entry in shown if id(entry[0]) in open_ids], ruleset.codes, index.parents,
                           header, comments=options.comments, todo=options.todo_comments)
    if not (analysis.changes_anything or markers):
        return data, [], findings
    applier = Applier(analysis, imports, positions, index.parents, markers)
    code, fresh = print_module(module, module.visit(applier), text, positions)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(fresh)  # the statements kept as they were parsed already
    except Exception as exc:  # the edit itself produced something invalid: never write it
        raise CannotParse(f"1:1: internal error: the converted code does not parse ({exc}); file left untouched") from None
    return code.encode(module.encoding), sorted(applier.edits, key=lambda e: (e.line, e.column)), findings


def _report_kept(kept: list[KeptImport], analysis, ruleset: RuleSet, index, positions) -> None:
    """Imports the edit left unused that stay: a finding at each (importers of a converted class
    still get the source framework's; a string eval may run reads the name)."""
    if not kept:
        return
    ctx = Context(ruleset, {}, index, positions)
    for entry in kept:
        node, name = entry.assignment.node, entry.assignment.name
        if entry.reason == "eval":
            ctx.report_kind(node, None, "eval-import", name=name, reason=entry.detail)
            continue
        source = binding_name(entry.assignment)
        found = ruleset.by_source.get(source or "")
        if found is not None and found[1].target is not None:
            ctx.report_kind(node, found[0], "exported-import", name=name, where=entry.detail, source=source,
                            target=found[1].target)
    analysis.reported = sorted([*analysis.reported, *ctx.reported], key=lambda r: (r[0].line, r[0].column))


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
        return _keep_footer(cst.parse_module(data), text, tree), text, tree
    except cst.ParserSyntaxError as exc:
        first = exc.message.splitlines()[0] if exc.message else "syntax error"
        raise CannotParse(f"{exc.raw_line}:{exc.raw_column + 1}: cannot parse: {first}") from None
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise CannotParse(f"1:1: cannot parse: {exc}") from None


_FOOTER_LINE = re.compile(r"([ \t\f]*)(#[^\r\n]*)?(\r\n|\r|\n)")


def _keep_footer(module: cst.Module, text: str, tree: ast.Module) -> cst.Module:
    """libcst (1.9) loses the blank lines above a whitespace-only or indented comment line at the
    end of a module (`x = 1\\n\\n   \\n` prints as `x = 1\\n   \\n`); put the module's tail back
    as its footer. Checked only when such a line follows the last statement (one extra print)."""
    last = tree.body[-1].end_lineno if tree.body else 0
    if not any(line[:1] in (" ", "\t", "\f") for line in NEWLINE.split(text)[last:] if line):
        return module
    if module.code == text:
        return module
    body = module.with_changes(footer=(), has_trailing_newline=True).code
    if not text.startswith(body):
        return module
    rest = text[len(body):] + ("" if module.has_trailing_newline else module.default_newline)
    footer, position = [], 0
    while position < len(rest):
        match = _FOOTER_LINE.match(rest, position)
        if match is None:
            return module
        whitespace, comment, newline = match.groups()
        footer.append(cst.EmptyLine(
            indent=False, whitespace=cst.SimpleWhitespace(whitespace),
            comment=cst.Comment(comment) if comment else None,
            newline=cst.Newline(None if newline == module.default_newline else newline)))
        position = match.end()
    repaired = module.with_changes(footer=footer)
    return repaired if repaired.code == text else module


def _decode_error(data: bytes, exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        offset = exc.start
        line, column = _line_column(data, offset)
        return f"{line}:{column}: cannot parse: not valid {exc.encoding} (byte 0x{data[offset]:02x}); add a coding cookie or re-encode the file"
    return f"1:1: cannot parse: {exc}"


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of a byte offset."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1
