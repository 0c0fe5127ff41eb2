"""Findings that last: markers written beside the code, reported until done or suppressed."""

from click.testing import CliRunner

from bnport.cli import main
from bnport.convert import convert_file
from bnport.model import Options
from bnport.rules import load_rules, load_selected

RULES = load_rules()
BIAS = "import torch.nn as nn\nbn = nn.BatchNorm2d(8, bias=False)\n"


def convert(source: str, rules=RULES, **options):
    result = convert_file("m.py", source.encode(), rules, Options(**options))
    text = result.converted.decode() if result.status == "changed" else source
    return text, result.findings


def test_a_warning_is_written_above_its_statement_and_reported_again_until_removed():
    once, findings = convert(BIAS)
    assert once == ("import mindspore\n"
                    "# bnport: TBN102 removed bias=False (bias has no counterpart: MindSpore always creates beta)\n"
                    "bn = mindspore.nn.BatchNorm2d(8)\n")
    assert [(f.code, f.severity) for f in findings] == [("TBN102", "warning")]
    twice, again = convert(once)
    assert twice == once  # not written twice, not changed
    assert [(f.line, f.code, f.severity) for f in again] == [(2, "TBN102", "warning")]
    assert "open" in again[0].message and "ignore[TBN102]" in again[0].message
    done = once.replace("# bnport: TBN102 removed bias=False (bias has no counterpart: MindSpore always creates beta)\n", "")
    assert convert(done)[1] == []


def test_turning_the_marker_into_a_suppression_acknowledges_it():
    once, _ = convert(BIAS)
    acknowledged = once.replace("# bnport: TBN102", "# bnport: ignore[TBN102]")
    text, findings = convert(acknowledged)
    assert text == acknowledged and findings == []
    assert convert(acknowledged, unused_suppressions=True)[1] == []  # an acknowledged marker is never "unused"


def test_an_info_marker_is_a_record_not_an_open_item():
    once, findings = convert("import torch.nn as nn\nbn = nn.BatchNorm2d(8, device='cpu')\n")
    assert "# bnport: TBN101 removed device='cpu'" in once and [f.severity for f in findings] == ["info"]
    assert convert(once) == (once, [])


def test_an_error_left_unconverted_keeps_one_marker_and_one_finding():
    source = "import torch.nn as nn\nbn = nn.BatchNorm2d(8, momentum=None)\n"
    once, _ = convert(source)
    twice, findings = convert(once)
    assert twice == once and once.count("# bnport: TBN105") == 1
    assert [(f.code, f.line) for f in findings] == [("TBN105", 3)]  # the live finding; the marker is not repeated


def test_a_marker_on_the_first_statement_of_a_module_is_not_repeated():
    source = "import torch.nn as nn; bn = nn.BatchNorm2d(8, momentum=None)\n"
    once, _ = convert(source)
    assert once.startswith("# bnport: TBN105")
    assert convert(once)[0] == once


def test_a_trailing_suppression_covers_its_statement():
    source = "import torch.nn as nn\nbn = nn.BatchNorm2d(\n    8, bias=False)  # bnport: ignore[TBN102]\n"
    text, findings = convert(source)
    assert findings == [] and "# bnport: TBN102" not in text and "bias" not in text.split("\n", 2)[2].split("#")[0]


def test_a_bare_suppression_covers_every_code_and_a_list_only_its_codes():
    source = "import torch.nn as nn\nbn = nn.BatchNorm2d(8, device='cpu', bias=False)  # bnport: ignore\n"
    assert convert(source)[1] == []
    source = "import torch.nn as nn\nbn = nn.BatchNorm2d(8, device='cpu', bias=False)  # bnport: ignore[TBN101]\n"
    assert [f.code for f in convert(source)[1]] == ["TBN102"]


def test_a_suppression_on_its_own_line_covers_the_statement_below():
    source = "import torch.nn as nn\n# bnport: ignore[TBN105]\nbn = nn.BatchNorm2d(8, momentum=None)\nx = nn.BatchNorm2d(8, momentum=None)\n"
    text, findings = convert(source)
    assert [(f.code, f.line) for f in findings] == [("TBN105", 4)]
    assert text.count("# bnport: TBN105") == 1


def test_unused_suppressions_are_reported_only_when_asked():
    source = "import torch.nn as nn\nbn = nn.BatchNorm2d(8)  # bnport: ignore[TBN102]\n"
    assert convert(source)[1] == []
    [unused] = convert(source, unused_suppressions=True)[1]
    assert unused.code == RULES.common["unused-suppression"] and "ignore[TBN102]" in unused.message


def test_a_marker_with_an_unknown_code_is_reported():
    source = "import torch.nn as nn\n# bnport: TBN999 port this by hand\nbn = nn.BatchNorm2d(8)\n"
    [finding] = convert(source)[1]
    assert finding.code == RULES.common["open-marker"] and "TBN999 port this by hand" in finding.message


def test_a_comment_inside_a_string_is_not_a_marker():
    source = 'import torch.nn as nn\nDOC = """\n# bnport: TBN102 not a comment\n"""\nbn = nn.BatchNorm2d(8)\n'
    assert convert(source)[1] == []


def test_todo_comments_off_keeps_removed_arguments_visible_but_writes_no_todo():
    source = "import torch.nn as nn\nbn = nn.BatchNorm2d(8, device='cpu')\nx = nn.BatchNorm2d(8, momentum=None)\n"
    text, findings = convert(source, todo_comments=False)
    assert "# bnport: TBN101" in text and "# bnport: TBN105" not in text
    assert [f.code for f in findings] == ["TBN101", "TBN105"]
    text, _ = convert(source, comments=False, todo_comments=False)
    assert "# bnport:" not in text


def test_ignoring_a_code_hides_its_finding_and_its_marker_but_not_the_conversion():
    rules = load_selected(None, (), ("TBN102",))
    text, findings = convert(BIAS, rules)
    assert findings == [] and text == "import mindspore\nbn = mindspore.nn.BatchNorm2d(8)\n"
    rules = load_selected(None, ("TBN001",), ())
    assert [f.code for f in convert(BIAS, rules)[1]] == ["TBN102"]  # selecting the rule shows its findings


def test_an_open_marker_fails_the_run_until_suppressed(tmp_path):
    model = tmp_path / "m.py"
    model.write_text(BIAS)
    runner = CliRunner()
    first = runner.invoke(main, ["rewrite", "--isolated", str(model)])
    assert first.exit_code == 1 and "TBN102 warning" in first.output
    again = runner.invoke(main, ["rewrite", "--isolated", str(model)])
    assert again.exit_code == 1 and "TBN102 warning" in again.output and "rewrote" not in again.output
    model.write_text(model.read_text().replace("# bnport: TBN102", "# bnport: ignore[TBN102]"))
    done = runner.invoke(main, ["rewrite", "--isolated", str(model)])
    assert done.exit_code == 0 and "0 errors, 0 warnings" in done.output


def test_verbose_reports_unused_suppressions(tmp_path):
    model = tmp_path / "m.py"
    model.write_text("import torch.nn as nn\nbn = nn.BatchNorm2d(8)  # bnport: ignore[TBN102]\n")
    quiet = CliRunner().invoke(main, ["rewrite", "--isolated", "--check", str(model)])
    loud = CliRunner().invoke(main, ["rewrite", "--isolated", "--check", "-v", str(model)])
    assert "suppresses nothing" not in quiet.output and "suppresses nothing" in loud.output


def test_statistics_count_findings_per_code(tmp_path):
    (tmp_path / "a.py").write_text("import torch.nn as nn\n" + "".join(f"b{i} = nn.BatchNorm2d(8, **kw)\n" for i in range(3)))
    (tmp_path / "b.py").write_text(BIAS)
    result = CliRunner().invoke(main, ["rewrite", "--isolated", "--check", "--statistics", str(tmp_path)])
    rows = [line.split() for line in result.output.splitlines() if line.strip()[:1].isdigit() and "files scanned" not in line]
    assert [row[:3] for row in rows] == [["3", "TBN109", "warning"], ["1", "TBN102", "warning"]]
    assert ":2:" not in result.output  # the findings themselves are not listed


def test_identical_findings_in_a_file_are_merged_with_a_count(tmp_path):
    (tmp_path / "a.py").write_text("import torch.nn as nn\n" + "".join(f"b{i} = nn.BatchNorm2d(8, **kw)\n" for i in range(4)))
    result = CliRunner().invoke(main, ["rewrite", "--isolated", "--check", str(tmp_path)])
    lines = [line for line in result.output.splitlines() if "TBN109" in line]
    assert len(lines) == 1 and lines[0].endswith("[and 3 more like it: lines 3, 4, 5]")
    assert "findings: 0 errors, 4 warnings" in result.output


def test_the_summary_says_what_the_rewrite_did_not_cover(tmp_path):
    (tmp_path / "net.py").write_text(
        "import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n        self.bn = nn.BatchNorm2d(8)\n")
    (tmp_path / "data.py").write_text("import torch\nx = torch.zeros(3)\n")
    (tmp_path / "done.py").write_text("import torch.nn as nn\nbn = nn.BatchNorm2d(8)\n")
    result = CliRunner().invoke(main, ["rewrite", "--isolated", str(tmp_path)])
    # data.py has no BatchNorm code: it is not read for the summary
    assert ("1 file with BatchNorm code still uses torch: torch.nn.Conv2d 1, torch.nn.Module 1 (files using each) "
            "- bnport converts BatchNorm only") in result.output
    document = CliRunner().invoke(main, ["rewrite", "--isolated", "--check", "--output-format", "json", str(tmp_path)]).output
    import json

    [torch] = json.loads(document)["remaining"]
    assert torch["framework"] == "torch" and torch["files"] == 1
