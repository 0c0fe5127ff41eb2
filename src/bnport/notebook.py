"""Jupyter notebooks: convert the code cells as one module, then put each cell back.

The code cells are joined with a marker line between them, so imports in the first cell reach
uses in later ones, and converted once. IPython lines (``%magic``, ``!shell``, ``x = !cmd``,
``obj?``) are masked as ``pass`` lines first and restored after; a cell that starts with a cell
magic (``%%bash``, ``%%writefile``) is left as it is, except the magics that run their body as Python
(``%%time``, ``%%timeit``, ``%%capture``, ``%%prun``, ``%%debug``), whose first line is masked too. Outputs, metadata and markdown cells are not touched. The JSON is
written back the way it was read (indent, key order, ASCII escaping, trailing newline); a notebook
whose layout bnport cannot reproduce exactly is reported and left untouched.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from bnport.model import FileResult, Finding, Options

_MAGIC = re.compile(r"^(\s*)(?:[%!]|\w+\s*=\s*[%!]|[\w.]+\?\??\s*$)")
_MASK = "pass  # __bnport_magic_{}__"
# Within one line ([^\S\n], not \s): \s would also match the blank lines above a masked line,
# and the substitution would drop them.
_MASKED = re.compile(r"^([^\S\n]*)pass  # __bnport_magic_(\d+)__$", re.MULTILINE)
CELL_MARKER = "# __bnport_cell_"  # the line between cells (imports.py: each cell has its own import blocks)
_CELL = CELL_MARKER + "{}__\n"
# Cell magics whose body is Python that IPython runs: the magic line is masked like any other.
_PYTHON_CELL_MAGIC = re.compile(r"^%%(time|timeit|capture|prun|debug)\b")
_WRITES_PYTHON = re.compile(r"^%%(?:writefile|file)(\s+-a)?\s+(['\"]?).+\.py\2\s*$", re.MULTILINE)
_CELL_SPLIT = re.compile(r"^# __bnport_cell_(\d+)__\n", re.MULTILINE)


def _suppressed(text: str, code: str) -> bool:
    """`# bnport: ignore` or `# bnport: ignore[<code>, ...]` anywhere in the cell."""
    return any(m.group(1) is None or code in m.group(1)
               for m in re.finditer(r"#\s*bnport:\s*ignore(\[[^\]]*\])?", text))


class NotebookError(Exception):
    """One line: why the notebook is left untouched."""


def convert_notebook(path: str, data: bytes, ruleset, options: Options, convert_source) -> FileResult:
    """`convert_source(name, bytes)` converts Python source and returns its FileResult."""
    result = FileResult(path=path, original=data)
    try:
        notebook, layout = _load(data)
        cells = [(i, cell) for i, cell in enumerate(notebook.get("cells", []))
                 if isinstance(cell, dict) and cell.get("cell_type") == "code"]
        masks: list[str] = []
        pieces, kept, written = [], [], []
        cells_by_index = dict(cells)
        for index, cell in cells:
            text = _source_text(cell)
            if text.lstrip().startswith("%%") and not _PYTHON_CELL_MAGIC.match(text.lstrip()):
                if _WRITES_PYTHON.match(text.lstrip()) and ruleset.mentioned_in(text.encode("utf-8")):
                    written.append((index, text.lstrip().split("\n", 1)[0]))
                continue  # a cell magic whose body is not Python (%%bash, %%writefile)
            kept.append((index, cell, text))
            pieces.append(_CELL.format(index) + _mask(text, masks) + ("" if text.endswith("\n") or not text else "\n"))
    except NotebookError as exc:
        return replace(result, status="error", error=f"1:1: cannot parse: {exc}")
    # `%%writefile model.py` with BatchNorm code: a file the notebook imports later, not converted here
    code = ruleset.codes[ruleset.common["cell-file"]]
    written_findings = [Finding(1, 1, code.id, code.severity, code.text(magic=magic), cell=index + 1)
                        for index, magic in written if not _suppressed(_source_text(cells_by_index[index]), code.id)]
    result.findings = list(written_findings)
    joined = "".join(pieces)
    if not kept or not ruleset.mentioned_in(joined.encode("utf-8")):
        return result
    inner = convert_source(path, joined.encode("utf-8"))
    if inner.status == "error":
        return replace(result, status="error", error=_cell_error(inner.error, joined))
    starts = _cell_starts(joined)

    def in_cell(item):  # a finding or edit of the joined text, placed in its cell
        cell, start = starts[_cell_at(starts, item.line)]
        return replace(item, line=item.line - start, cell=cell + 1)

    result.findings = written_findings + [in_cell(f) for f in inner.findings]
    result.edits = [in_cell(e) for e in inner.edits]
    if inner.status != "changed":
        return result
    converted = _unmask(inner.converted.decode("utf-8"), masks)
    parts = _CELL_SPLIT.split(converted)
    if parts[0].strip() or len(parts) != 2 * len(kept) + 1:
        return replace(result, status="error", error="1:1: internal error: the cell markers did not survive; notebook left untouched",
                       findings=[], edits=[])
    for (index, cell, text), number, body in zip(kept, parts[1::2], parts[2::2], strict=True):
        if int(number) != index:
            return replace(result, status="error", error="1:1: internal error: cells out of order; notebook left untouched")
        if text and not text.endswith("\n") and body.endswith("\n"):
            body = body[:-1]
        if body != text:
            cell["source"] = body.splitlines(keepends=True) if isinstance(cell.get("source"), list) else body
    result.status = "changed"
    result.converted = _dump(notebook, layout)
    return result


def _load(data: bytes):
    try:
        text = data.decode("utf-8")
        notebook = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"not a valid notebook (JSON: {exc})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", []), list):
        raise NotebookError("not a valid notebook (no list of cells)")
    for layout in _layouts(text):
        if _dump(notebook, layout) == data:
            return notebook, layout
    raise NotebookError("its JSON layout cannot be written back byte for byte; left untouched")


def _layouts(text: str):
    """The JSON writers' settings this text may have come from (nbformat: indent 1, no ASCII escaping)."""
    indent_match = re.search(r"\n( +)\"", text)
    indent = len(indent_match.group(1)) if indent_match else None
    newline = text.endswith("\n")
    for ensure_ascii in (False, True):
        for separators in ((",", ": "), (", ", ": "), (",", ":")):
            yield {"indent": indent, "ensure_ascii": ensure_ascii, "newline": newline, "separators": separators}


def _dump(notebook, layout) -> bytes:
    text = json.dumps(notebook, indent=layout["indent"], ensure_ascii=layout["ensure_ascii"],
                      separators=layout["separators"])
    return (text + ("\n" if layout["newline"] else "")).encode("utf-8")


def _source_text(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise NotebookError("a code cell's source is neither a string nor a list of strings")


def _mask(text: str, masks: list[str]) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = _MAGIC.match(line)
        if match and line.strip():
            masks.append(line)
            lines[i] = match.group(1) + _MASK.format(len(masks) - 1)
    return "\n".join(lines)


def _unmask(text: str, masks: list[str]) -> str:
    return _MASKED.sub(lambda m: masks[int(m.group(2))], text)


def _cell_starts(joined: str) -> list[tuple[int, int]]:
    """(cell index, the line number in the joined text of the marker line) for each cell, in order."""
    starts = []
    for line_number, line in enumerate(joined.split("\n"), 1):
        match = _CELL_SPLIT.match(line + "\n")
        if match:
            starts.append((int(match.group(1)), line_number))
    return starts


def _cell_at(starts, line: int) -> int:
    position = 0
    for i, (_, start) in enumerate(starts):
        if start < line:
            position = i
    return position


def _cell_error(error: str | None, joined: str) -> str:
    """A parse error's `line:col` in the joined text, as `cell N:line:col`."""
    match = re.match(r"^(\d+):(\d+): (.*)$", error or "")
    if not match:
        return error or "error"
    starts = _cell_starts(joined)
    line = int(match.group(1))
    cell, start = starts[_cell_at(starts, line)] if starts else (0, 0)
    return f"cell {cell + 1}:{line - start}:{match.group(2)}: {match.group(3)}"
