"""The `bnport rewrite` command as a user drives it: modes, exit codes, output formats, bad input."""

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bnport.cli import main

TORCH = "import torch.nn as nn\n\nbn = nn.BatchNorm2d(64, momentum=0.01)\n"
CONVERTED = "import mindspore\n\nbn = mindspore.nn.BatchNorm2d(64, momentum=0.99)\n"
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]{3}\d{3}) (?P<severity>error|warning|info): .+$")


def bnport(*args):
    result = CliRunner().invoke(main, ["rewrite", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "model.py").write_text(TORCH)
    (tmp_path / "plain.py").write_text("x = 1  # BatchNorm2d is mentioned, nothing else\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "layers.py").write_text("from torch import nn\nnorm = nn.BatchNorm1d(8, device='cpu')\n")
    return tmp_path


def snapshot(root):
    """The tree's files, without bnport's cache of the project index (tests/test_project.py checks it)."""
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".bnport_cache" not in p.parts}


def test_rewrite_in_place(tree):
    plain = tree / "plain.py"
    before_plain, mtime = plain.read_bytes(), plain.stat().st_mtime_ns
    code, out, _ = bnport(tree)
    assert code == 0
    assert (tree / "model.py").read_text() == CONVERTED
    assert "mindspore.nn.BatchNorm1d(8)" in (tree / "pkg" / "layers.py").read_text()
    assert plain.read_bytes() == before_plain and plain.stat().st_mtime_ns == mtime
    assert "3 files scanned: 2 changed, 1 unchanged, 0 failed; 2 edits; findings: 0 errors, 0 warnings, 1 info" in out


def test_check_writes_nothing_and_exits_1(tree):
    before = snapshot(tree)
    code, out, _ = bnport("--check", tree)
    assert code == 1
    assert snapshot(tree) == before
    assert f"would rewrite {tree / 'model.py'}" in out


def test_check_on_converted_tree_exits_0(tree):
    bnport(tree)
    before = snapshot(tree)
    code, out, _ = bnport("--check", tree)
    assert code == 0 and snapshot(tree) == before
    assert "0 would change" in out


def test_diff_prints_a_unified_diff_and_writes_nothing(tree):
    before = snapshot(tree)
    code, out, err = bnport("--diff", tree / "model.py")
    assert code == 1 and snapshot(tree) == before
    assert f"--- {tree / 'model.py'}" in out
    assert "-bn = nn.BatchNorm2d(64, momentum=0.01)\n+bn = mindspore.nn.BatchNorm2d(64, momentum=0.99)" in out
    assert "would rewrite" in err  # the report goes to stderr so stdout is only the diff


def test_json_is_one_document_of_the_documented_shape(tree):
    code, out, _ = bnport("--output-format", "json", "--check", tree)
    assert code == 1
    document = json.loads(out)  # the whole of stdout is one JSON document
    assert document["version"] == 1 and document["target"] == "mindspore"
    assert document["summary"] == {"files": 3, "changed": 2, "unchanged": 1, "errors": 0, "edits": 2,
                                   "approximate": 0, "findings": 1}
    assert document["approximate"] == {}  # no approximate edits, so no notes
    by_path = {f["path"]: f for f in document["files"]}
    model = by_path[str(tree / "model.py")]
    assert model["status"] == "changed" and model["error"] is None
    assert model["edits"] == [{"line": 3, "column": 6, "rule": "TBN001",
                               "source": "nn.BatchNorm2d(64, momentum=0.01)",
                               "target": "mindspore.nn.BatchNorm2d(64, momentum=0.99)", "safety": "exact"}]
    finding = by_path[str(tree / "pkg" / "layers.py")]["findings"][0]
    assert finding == {"line": 2, "column": 26, "code": "TBN101", "rule": "TBN001", "severity": "info",
                       "argument": "device", "message": finding["message"]}
    assert finding["message"].startswith("removed device='cpu': MindSpore places cells through its context")
    assert document["statistics"] == [{"code": "TBN101", "count": 1, "severity": "info",
                                       "title": "device has no MindSpore counterpart"}]
    assert document["remaining"] == []  # the converted files use no torch any more


def test_text_findings_have_the_documented_format(tree):
    (tree / "model.py").write_text("import torch.nn as nn\nbn = nn.BatchNorm2d(64, momentum=None)\n")
    code, out, _ = bnport("--check", tree)
    lines = [line for line in out.splitlines() if FINDING.match(line)]
    assert [FINDING.match(line)["severity"] for line in lines] == ["error", "info"]
    assert lines[0].startswith(f"{tree / 'model.py'}:2:25: TBN105 error: momentum=None")
    assert code == 1


def test_unconvertible_call_makes_the_run_exit_1(tree):
    (tree / "model.py").write_text("import torch.nn as nn\nbn = nn.LazyBatchNorm2d()\n")
    code, out, _ = bnport(tree / "model.py")
    assert code == 1
    assert "TBN003 error" in out


def test_quiet_prints_only_errors(tree):
    (tree / "bad.py").write_text("import torch.nn as nn\nprint 'BatchNorm2d'\n")
    code, out, _ = bnport("-q", tree)
    assert code == 1
    assert out.splitlines() == [f"{tree / 'bad.py'}:2:1: cannot parse: Missing parentheses in call to 'print'. Did you mean print(...)?"]


def test_a_file_that_cannot_be_parsed_is_reported_and_the_run_goes_on(tree):
    bad = tree / "bad.py"
    bad.write_bytes(b"import torch.nn as nn\nx = nn.BatchNorm2d(3\n")
    code, out, _ = bnport(tree)
    assert code == 1
    assert bad.read_bytes() == b"import torch.nn as nn\nx = nn.BatchNorm2d(3\n"
    assert (tree / "model.py").read_text() == CONVERTED
    errors = [line for line in out.splitlines() if "cannot parse" in line]
    assert len(errors) == 1 and errors[0].startswith(f"{bad}:2:")
    assert "1 failed" in out


def test_undecodable_file_is_reported_and_untouched(tree):
    bad = tree / "bytes.py"
    data = b"import torch.nn as nn\nx = nn.BatchNorm2d(3)  # \xff\xfe\n"
    bad.write_bytes(data)
    code, out, _ = bnport(tree)
    assert code == 1 and bad.read_bytes() == data
    assert f"{bad}:2:26: cannot parse: not valid utf-8 (byte 0xff)" in out


def test_missing_path_is_reported_and_the_others_converted(tree):
    code, out, _ = bnport(tree / "nope.py", tree / "model.py")
    assert code == 1
    assert f"{tree / 'nope.py'}: no such file or directory" in out
    assert (tree / "model.py").read_text() == CONVERTED


@pytest.mark.parametrize("mode", [[], ["--check"], ["--diff"]])
def test_a_tree_without_python_files_says_so_and_exits_0(tmp_path, mode):
    (tmp_path / "README.md").write_text("nn.BatchNorm2d\n")
    (tmp_path / "data").mkdir()
    code, out, err = bnport(*mode, tmp_path)
    assert code == 0 and out == "" and err == "no Python files found\n"
    code, out, _ = bnport(*mode, "--output-format", "json", tmp_path)
    assert code == 0 and json.loads(out)["summary"]["files"] == 0


def test_a_tree_whose_python_files_are_all_excluded_says_so_and_exits_0(tmp_path):
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "model.py").write_text(TORCH)
    code, out, err = bnport("--isolated", tmp_path)
    assert code == 0 and out == "" and err == "no Python files found (1 path excluded; -v lists them)\n"
    code, out, err = bnport("--isolated", "-v", tmp_path)
    assert code == 0 and "excluded by 'venv'" in out and err.endswith("no Python files found (1 path excluded)\n")
    code, out, err = bnport("--isolated", "-q", tmp_path)
    assert code == 0 and out == err == ""
    assert (tmp_path / "venv" / "model.py").read_text() == TORCH


def test_read_only_file_is_not_written_even_as_root(tree, monkeypatch):
    target = tree / "model.py"
    target.chmod(0o444)
    real_access = os.access
    # root may write anything; emulate an ordinary user so the check itself is exercised
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    code, out, _ = bnport(target)
    target.chmod(0o644)
    assert code == 1 and target.read_text() == TORCH
    assert "cannot write: the file is read-only" in out


def test_gitignored_files_are_not_walked(tree):
    (tree / ".gitignore").write_text("pkg/\n")
    code, _, _ = bnport(tree)
    assert code == 0
    assert (tree / "pkg" / "layers.py").read_text().startswith("from torch import nn")
    assert (tree / "model.py").read_text() == CONVERTED


def test_file_mode_is_kept(tree):
    target = tree / "model.py"
    target.chmod(0o751)
    bnport(target)
    assert (target.stat().st_mode & 0o777) == 0o751


def test_usage_errors_exit_2(tree):
    assert bnport()[0] == 2
    assert bnport("--output-format", "xml", tree)[0] == 2


def test_console_script_and_module_entry_points(tree):
    for command in (["bnport"], [sys.executable, "-m", "bnport"]):
        run = subprocess.run([*command, "--version"], capture_output=True, text=True)
        assert run.returncode == 0 and run.stdout.strip() == "bnport 0.1.0"
    run = subprocess.run([sys.executable, "-m", "bnport", "rewrite", "--check", str(tree)], capture_output=True, text=True)
    assert run.returncode == 1 and "would rewrite" in run.stdout


def test_jobs_do_not_change_results_or_their_order(tmp_path):
    for i in range(24):
        body = TORCH if i % 3 else "x = 1\n"
        if i % 5 == 0:
            body = "import torch.nn as nn\nbn = nn.BatchNorm2d(3, momentum=None, device='cpu')\n"
        (tmp_path / f"m{i:02d}.py").write_text(body)
    one = bnport("--jobs", "1", "--check", "--output-format", "json", tmp_path)
    two = bnport("--jobs", "2", "--check", "--output-format", "json", tmp_path)
    assert one == two
    assert json.loads(one[1])["summary"]["changed"] == 18  # 13 converted, 5 left with a marker above momentum=None


def test_jobs_rewrite_in_place_in_parallel(tmp_path):
    for i in range(12):
        (tmp_path / f"m{i:02d}.py").write_text(TORCH)
    code, _, _ = bnport("--jobs", "2", tmp_path)
    assert code == 0
    assert all(p.read_text() == CONVERTED for p in tmp_path.glob("*.py"))


def test_approximate_keras_edits_are_counted_and_explained_once(tmp_path):
    keras_source = "from keras import layers\nx = layers.Conv2D(8, 3)(x)\nx = layers.BatchNormalization(axis=1)(x)\n"
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(keras_source)
    (tmp_path / "t.py").write_text(TORCH)
    code, out, _ = bnport("--check", tmp_path)
    assert code == 1
    assert "(1 edit, 1 approximate)" in out and "3 edits (2 approximate)" in out
    notes = [line for line in out.splitlines() if line.startswith("approximate (")]
    assert len(notes) == 1 and notes[0].startswith("approximate (KBN001): ") and "biased" in notes[0]
    _, out, _ = bnport("--check", "--output-format", "json", tmp_path)
    document = json.loads(out)
    assert document["summary"]["approximate"] == 2 and list(document["approximate"]) == ["KBN001"]
