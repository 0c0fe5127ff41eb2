"""Print a converted module: the original text of every top-level statement the conversion left
alone (the applier keeps those as the very same objects), libcst's printing for the rest.

Printing a whole module costs about a third of parsing it, and most of a converted file is
usually untouched. Where the module's own edges changed (header, footer, a file without a final
newline) or its statements could not be placed, the whole module is printed.
"""

from __future__ import annotations

import libcst as cst

from bnport.positions import NEWLINE, Positions


def print_module(original: cst.Module, converted: cst.Module, text: str, positions: Positions) -> tuple[str, str]:
    """(the converted source, the source of only the statements printed anew)."""
    first_lines = positions.first_lines()
    if (first_lines is None or not original.body or not _same(converted.header, original.header)
            or not _same(converted.footer, original.footer) or not original.has_trailing_newline):
        code = converted.code
        return code, code
    line_starts = [0] + [m.end() for m in NEWLINE.finditer(text)]
    footer_line = len(line_starts) - len(original.footer)  # 1-based line where the footer starts
    bounds = [*first_lines, footer_line]
    if any(a >= b for a, b in zip(bounds, bounds[1:])) or bounds[-1] > len(line_starts):
        code = converted.code
        return code, code
    offsets = [line_starts[line - 1] for line in bounds]
    spans = {id(statement): (offsets[i], offsets[i + 1]) for i, statement in enumerate(original.body)}
    pieces = [text[:offsets[0]]]
    fresh = []
    for statement in converted.body:
        span = spans.get(id(statement))
        if span is not None:  # the original object (ids are unique while it lives)
            pieces.append(text[span[0]:span[1]])
        else:
            code = converted.code_for_node(statement)
            pieces.append(code)
            fresh.append(code)
    pieces.append(text[offsets[-1]:])
    return "".join(pieces), "".join(fresh)



def _same(nodes, others) -> bool:
    return len(nodes) == len(others) and all(a is b for a, b in zip(nodes, others))
