"""Notebooks: code cells rewritten, magics and shell lines kept, outputs and layout untouched."""

import json
from pathlib import Path

from click.testing import CliRunner

from bnport.cli import main
from bnport.convert import convert_file
from bnport.rules import load_rules

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "training"


def convert(data: bytes, path="nb.ipynb"):
    return convert_file(path, data, load_rules())


def test_notebook_is_rewritten_byte_for_byte_as_expected():
    result = convert((FIXTURE / "before.ipynb").read_bytes())
    assert result.status == "changed"
    assert result.converted == (FIXTURE / "after.ipynb").read_bytes()
    got = [f"cell {f.cell}:{f.line}:{f.column} {f.code} {f.severity}" for f in result.findings]
    assert got == (FIXTURE / "findings.txt").read_text().splitlines()


def test_outputs_metadata_markdown_and_magics_are_untouched():
    before = json.loads((FIXTURE / "before.ipynb").read_text(encoding="utf-8"))
    after = json.loads((FIXTURE / "after.ipynb").read_text(encoding="utf-8"))
    assert after["metadata"] == before["metadata"]
    for old, new in zip(before["cells"], after["cells"], strict=True):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    assert after["cells"][0] == before["cells"][0]  # markdown
    assert after["cells"][3] == before["cells"][3]  # %%bash cell magic
    magic_lines = [line for cell in before["cells"] for line in cell["source"] if line.lstrip()[:1] in "%!" or "?" in line]
    after_lines = [line for cell in after["cells"] for line in cell["source"]]
    assert all(line in after_lines for line in magic_lines)


def test_second_run_changes_nothing():
    result = convert((FIXTURE / "after.ipynb").read_bytes())
    assert result.status == "unchanged" and result.edits == []


def test_invalid_json_is_one_line_and_untouched(tmp_path):
    notebook = tmp_path / "broken.ipynb"
    notebook.write_text('{"cells": [ nn.BatchNorm2d(3)')
    result = CliRunner().invoke(main, ["rewrite", str(notebook)])
    lines = [line for line in result.stdout.splitlines() if "broken.ipynb" in line]
    assert result.exit_code == 1 and len(lines) == 1 and "not a valid notebook" in lines[0]
    assert notebook.read_text() == '{"cells": [ nn.BatchNorm2d(3)'


def test_layout_that_cannot_be_reproduced_is_left_untouched():
    data = b'{"cells": [{"cell_type": "code", "source": "import torch.nn as nn\\nnn.BatchNorm2d(3)"}],   "nbformat": 4}'
    result = convert(data)
    assert result.status == "error" and "cannot be written back" in result.error


def test_compact_and_ascii_escaped_notebooks_keep_their_layout():
    cells = [{"cell_type": "code", "metadata": {}, "source": ["import torch.nn as nn\n", "bn = nn.BatchNorm2d(3)  # é\n"]}]
    for data in (json.dumps({"cells": cells}, separators=(",", ":")).encode(),
                 json.dumps({"cells": cells}, indent=2, ensure_ascii=True).encode()):
        result = convert(data)
        assert result.status == "changed"
        text = result.converted.decode()
        assert ("\n" in text) == (b"\n" in data) and ("\\u00e9" in text) == (b"\\u00e9" in data)
        assert json.loads(text)["cells"][0]["source"][-1] == "bn = mindspore.nn.BatchNorm2d(3)  # é\n"


def test_a_syntax_error_names_the_cell():
    cells = [{"cell_type": "code", "metadata": {}, "source": "import torch.nn as nn"},
             {"cell_type": "code", "metadata": {}, "source": "x = (\nnn.BatchNorm2d(3"}]
    result = convert(json.dumps({"cells": cells}, indent=1).encode())
    assert result.status == "error" and result.error.startswith("cell 2:")


# -- property: masked lines and the blank lines around them come back byte for byte --------------

from hypothesis import given
from hypothesis import strategies as st

IMPORT = "import torch.nn as nn"
CALL, CONVERTED = "bn = nn.BatchNorm2d(3, momentum=0.01)", "bn = mindspore.nn.BatchNorm2d(3, momentum=0.99)"
MAGICS = ["!ls", "!pip install -q torch", "x = !pwd", "files = %sx ls", "%load_ext autoreload", "%time y = 1",
          "%matplotlib inline", "nn?", "np.zeros??"]
PLAIN = ["x = 1", "print(x)", "# a comment", "y = [\n    1,\n\n    2,\n]", "import os", "import numpy as np",
         "from numpy import zeros"]
BLANK = ["", "", "   ", "\t"]


def _block(lines):
    """An indented block whose body mixes magics, blank lines and code."""
    return "for i in range(2):\n" + "\n".join("    " + line if line.strip() else line for line in lines) + "\n    pass"


line = st.one_of(st.sampled_from(MAGICS), st.sampled_from(PLAIN), st.sampled_from(BLANK),
                 st.lists(st.sampled_from(MAGICS + BLANK + ["z = i"]), min_size=1, max_size=4).map(_block))
cell_body = st.lists(line, max_size=8)


@st.composite
def notebooks(draw):
    """Code cells of magics, shell lines, blank lines and code; the torch import in one cell, the
    BatchNorm call in the same or a later one; sources as strings or lists, with or without a
    final newline; a markdown cell and a %%bash cell in between."""
    bodies = draw(st.lists(cell_body, min_size=1, max_size=4))
    first = draw(st.integers(0, len(bodies) - 1))
    second = draw(st.integers(first, len(bodies) - 1))
    bodies[first].insert(draw(st.integers(0, len(bodies[first]))), IMPORT)
    bodies[second].insert(draw(st.integers(bodies[second].index(IMPORT) + 1 if second == first else 0,
                                            len(bodies[second]))), CALL)
    cells = []
    for body in bodies:
        text = "\n".join(body) + draw(st.sampled_from(["", "\n", "\n\n"]))
        source = text.splitlines(keepends=True) if draw(st.booleans()) else text
        cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source})
        if draw(st.booleans()):
            cells.append({"cell_type": draw(st.sampled_from(["markdown", "code"])), "metadata": {},
                          "source": "%%bash\necho nn.BatchNorm2d(3)\n\n!ls\n"})
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _without_edited_lines(text: str) -> list[str]:
    if text == "":
        return []  # a cell whose only line was the removed import
    return [line for line in text.split("\n") if line not in (IMPORT, "import mindspore", CALL, CONVERTED)]


@given(notebooks())
def test_magics_and_blank_lines_round_trip_byte_for_byte(notebook):
    data = json.dumps(notebook, indent=1, ensure_ascii=False).encode() + b"\n"
    result = convert(data)
    assert result.status == "changed", result.error
    after = json.loads(result.converted)
    texts = []
    for old, new in zip(notebook["cells"], after["cells"], strict=True):
        before_text, after_text = "".join(old["source"]), "".join(new["source"])
        texts.append(after_text)
        assert type(new["source"]) is type(old["source"])
        edited = {IMPORT, CALL} & set(before_text.split("\n")) or "import mindspore" in after_text.split("\n")
        if not edited:
            assert new == old  # a cell without an edit: byte-identical
        else:  # outside the edited lines, every line (blank ones too) is where it was
            assert _without_edited_lines(after_text) == _without_edited_lines(before_text)
        if "import mindspore" in after_text.split("\n"):  # never into a cell without imports
            assert any(line.startswith(("import ", "from ")) for line in before_text.split("\n"))
    lines = "\n".join(texts).split("\n")
    assert lines.count(CONVERTED) == 1 and lines.count("import mindspore") == 1 and CALL not in lines
    assert result.converted == json.dumps(after, indent=1, ensure_ascii=False).encode() + b"\n"


def test_cell_magics_that_run_python_are_converted_and_others_left_alone():
    cells = [{"cell_type": "code", "metadata": {}, "source": "import torch.nn as nn\n"},
             {"cell_type": "code", "metadata": {}, "source": "%%time\nbn = nn.BatchNorm2d(3, momentum=0.01)\n"},
             {"cell_type": "code", "metadata": {}, "source": "%%capture out\nbn2 = nn.BatchNorm2d(3)\n"},
             {"cell_type": "code", "metadata": {}, "source": "%%writefile model.py\nbn3 = nn.BatchNorm2d(3)\n"}]
    result = convert(json.dumps({"cells": cells}, indent=1).encode())
    sources = [cell["source"] for cell in json.loads(result.converted)["cells"]]
    assert sources[1] == "%%time\nbn = mindspore.nn.BatchNorm2d(3, momentum=0.99)\n"
    assert sources[2] == "%%capture out\nbn2 = mindspore.nn.BatchNorm2d(3)\n"
    assert sources[3] == cells[3]["source"]  # not run as Python: the file it writes is converted on its own
    assert [(f.cell, f.code) for f in result.findings if f.code == "BNP042"] == [(4, "BNP042")]  # but said
    cells[3]["source"] = "%%file 'my model.py'\nbn3 = nn.BatchNorm2d(3)\n"  # IPython's alias, a quoted name
    result = convert(json.dumps({"cells": cells}, indent=1).encode())
    assert [(f.cell, f.code) for f in result.findings if f.code == "BNP042"] == [(4, "BNP042")]
    cells[3]["source"] = "%%writefile model.py\nbn3 = nn.BatchNorm2d(3)  # bnport: ignore[BNP042]\n"
    result = convert(json.dumps({"cells": cells}, indent=1).encode())
    assert not [f for f in result.findings if f.code == "BNP042"]
