"""Issue 5: configuration, stdin, CI output formats, the rule catalogue, --jobs independence."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from bnport.cli import main

TORCH = "import torch.nn as nn\n\nbn = nn.BatchNorm2d(64, momentum=0.01, device='cpu')\n"
KERAS = "from keras import layers\nx = layers.Conv2D(8, 3, data_format=\"channels_first\")(x)\nx = layers.BatchNormalization(axis=1)(x)\n"
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


def bnport(*args, stdin=None):
    result = CliRunner().invoke(main, [*map(str, args)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.bnport]\nignore = ['KBN']\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(TORCH)
    (tmp_path / "src" / "keras_model.py").write_text(KERAS)
    (tmp_path / "src" / "legacy").mkdir()
    (tmp_path / "src" / "legacy" / "old.py").write_text(TORCH)
    return tmp_path


# -- configuration --

def test_nearest_pyproject_applies_and_flags_override_it(project):
    code, out, _ = bnport("rewrite", "--check", project / "src")
    assert "would rewrite" in out and "keras_model.py" not in out  # ignore = ['KBN'] from pyproject
    code, out, _ = bnport("rewrite", "--check", "--ignore", "", project / "src")
    assert "keras_model.py" in out  # the flag replaces the config's list
    code, out, _ = bnport("rewrite", "--check", "--isolated", project / "src")
    assert "keras_model.py" in out  # --isolated: no config at all


def test_config_file_flag_wins_over_the_nearest_pyproject(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("conf") / "bnport.toml"
    other.write_text("select = ['KBN']\nextend-exclude = ['legacy']\ncomments = false\n")
    code, out, _ = bnport("rewrite", "--check", "--config", other, "-v", project / "src")
    rewritten = [line for line in out.splitlines() if line.startswith("would rewrite")]
    assert len(rewritten) == 1 and rewritten[0].startswith(f"would rewrite {project / 'src' / 'keras_model.py'}")


def test_excludes_and_extend_exclude(project):
    (project / "pyproject.toml").write_text("[tool.bnport]\nextend-exclude = ['legacy']\n")
    code, out, err = bnport("rewrite", "--check", "-v", project / "src")
    assert "old.py" not in out.split("skipped")[0]
    assert "excluded by 'legacy'" in out
    assert "config: " in err and "pyproject.toml" in err


def test_explicit_paths_ignore_excludes_unless_forced(project):
    (project / "pyproject.toml").write_text("[tool.bnport]\nextend-exclude = ['legacy']\n")
    old = project / "src" / "legacy" / "old.py"
    code, out, _ = bnport("rewrite", "--check", old)
    assert code == 1 and "would rewrite" in out
    code, out, _ = bnport("rewrite", "--check", "--force-exclude", old)
    assert code == 0 and "would rewrite" not in out


def test_comments_false_writes_no_removal_comment(project):
    (project / "pyproject.toml").write_text("[tool.bnport]\ncomments = false\n")
    bnport("rewrite", project / "src" / "model.py")
    assert "# bnport" not in (project / "src" / "model.py").read_text()


@pytest.mark.parametrize("table, message", [
    ("colour = 'red'", "tool.bnport.colour: unknown key (allowed: assume, cache-dir, comments, exclude, "),
    ("exlude = ['x']", "tool.bnport.exlude: unknown key; did you mean 'exclude'?"),
    ("extend_exclude = ['x']", "tool.bnport.extend_exclude: unknown key; did you mean 'extend-exclude'?"),
    ("select = ['TBN01']", "tool.bnport.select: 'TBN01' is not a rule id, finding code or prefix of one; did you mean 'TBN001'?"),
    ("select = 'TBN'", "tool.bnport.select: expected a list"),
    ("select = ['XBN']", "tool.bnport.select: 'XBN' is not a rule id, finding code or prefix"),
    ("comments = 'no'", "tool.bnport.comments: expected true or false"),
    ("target = 'paddle'", "tool.bnport.target: expected one of mindspore"),
    ("assume = ['layers']", "tool.bnport.assume: expected a table of names and modules"),
    ("assume = {layers = 'keras layers'}", "tool.bnport.assume: layers: 'keras layers' is not a dotted module path"),
    ("assume = {'2x' = 'keras.layers'}", "tool.bnport.assume: '2x' is not a Python name"),
])
def test_bad_config_is_one_error_naming_key_and_file_exit_2(project, table, message):
    (project / "pyproject.toml").write_text(f"[tool.bnport]\n{table}\n")
    before = (project / "src" / "model.py").read_bytes()
    code, out, err = bnport("rewrite", project / "src")
    assert code == 2 and message in err and str(project / "pyproject.toml") in err
    assert (project / "src" / "model.py").read_bytes() == before


@pytest.mark.parametrize("flag, code, message", [
    ("--select", "TNB001", "--select: 'TNB001' is not a rule id, finding code or prefix of one; did you mean 'TBN001'?"),
    ("--select", "tbn004", "--select: 'tbn004' is not a rule id, finding code or prefix of one; did you mean 'TBN004'?"),
    ("--ignore", "KNB", "--ignore: 'KNB' is not a rule id, finding code or prefix of one; did you mean 'KBN'?"),
    ("--ignore", "XYZ", "--ignore: 'XYZ' is not a rule id, finding code or prefix of one (bnport rules lists them)"),
])
def test_unknown_rule_codes_get_the_closest_rule(project, flag, code, message):
    got, out, err = bnport("rewrite", "--check", flag, code, project / "src")
    assert got == 2 and err.startswith("bnport: invalid configuration: ") and message in err


def test_a_code_from_another_config_file_names_that_file(tmp_path):
    other = tmp_path / "bnport.toml"
    other.write_text("select = ['TBN01']\n")
    code, _, err = bnport("rewrite", "--check", "--config", other, tmp_path)
    assert code == 2 and f"bnport.toml: (top level).select: 'TBN01' is not a rule id, finding code or prefix of one; did you mean 'TBN001'?" in err


INJECTED = """\
layers = None


def build(**kwargs):
    global layers
    layers = get_submodules_from_kwargs(kwargs)
    x = layers.Conv2D(8, 3, data_format="channels_first")(kwargs["inputs"])
    return layers.BatchNormalization(axis=1)(x)
"""


def test_assume_in_the_config_resolves_a_name_bound_at_run_time(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.bnport]\nassume = {layers = "keras.layers"}\n')
    (tmp_path / "model.py").write_text(INJECTED)
    code, out, err = bnport("rewrite", "-v", tmp_path / "model.py")
    assert "mindspore.nn.BatchNorm2d(8, momentum=0.99, eps=1e-3)(x)" in (tmp_path / "model.py").read_text()
    assert "assume={'layers': 'keras.layers'}" in err


def test_assume_flag_adds_to_the_config_and_wins_for_the_same_name(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.bnport]\nassume = {layers = "mylib.layers"}\n')
    (tmp_path / "model.py").write_text(INJECTED)
    code, out, _ = bnport("rewrite", "--check", tmp_path / "model.py")
    assert code == 0  # mylib.layers is not Keras: nothing to do, and no warning (the user said what it is)
    code, out, _ = bnport("rewrite", "--check", "--assume", "layers=keras.layers", tmp_path / "model.py")
    assert code == 1 and "would rewrite" in out


def test_without_assume_one_warning_names_the_uses_and_the_key(tmp_path):
    (tmp_path / "model.py").write_text(INJECTED + "\ndef head(layers):\n    return layers.BatchNormalization()\n")
    code, out, _ = bnport("rewrite", "--check", "--isolated", tmp_path / "model.py")
    warnings = [line for line in out.splitlines() if "KBN303" in line]
    assert code == 1 and len(warnings) == 1
    assert "layers.BatchNormalization (lines 8, 11; layers is bound to None on line 1, a call on line 6, a parameter)" in warnings[0]
    assert '[tool.bnport.assume] as layers = "keras.layers"' in warnings[0] and "--assume layers=keras.layers" in warnings[0]


@pytest.mark.parametrize("entry", ["layers", "layers=", "=keras.layers", "layers=keras layers"])
def test_a_bad_assume_flag_is_a_usage_error(tmp_path, entry):
    (tmp_path / "model.py").write_text(INJECTED)
    code, _, err = bnport("rewrite", "--check", "--assume", entry, tmp_path / "model.py")
    assert code == 2 and "--assume" in err


# -- stdin --

def test_stdin_writes_source_to_stdout_and_report_to_stderr(project):
    code, out, err = bnport("rewrite", "-", "--stdin-filename", project / "src" / "model.py", stdin=TORCH)
    assert code == 0
    assert out.startswith("import mindspore\n") and "momentum=0.99" in out
    # no file was written, and the report says so
    assert err.splitlines()[-1] == f"{project / 'src' / 'model.py'} (stdin): converted, 1 edit; the result is on stdout"
    assert "rewrote" not in err and "files scanned" not in err
    assert (project / "src" / "model.py").read_text() == TORCH


@pytest.mark.parametrize("args, source, code, last", [
    ([], "x = 1\n", 0, "m.py (stdin): unchanged; the input is on stdout as it was"),
    (["--check"], TORCH, 1, "m.py (stdin): would be converted, 1 edit"),
    (["--diff"], TORCH, 1, "m.py (stdin): would be converted, 1 edit; the diff is on stdout"),
    (["--check"], "x = 1\n", 0, "m.py (stdin): unchanged"),
    ([], "def (:\n  BatchNorm2d\n", 1, "m.py (stdin): not converted; the input is on stdout as it was"),
    (["--isolated"], KERAS, 0, "m.py (stdin): converted, 1 edit (1 approximate); the result is on stdout"),
])
def test_stdin_report_says_what_happened_and_where_the_result_is(args, source, code, last):
    got, out, err = bnport("rewrite", "-", "--stdin-filename", "m.py", *args, stdin=source)
    lines = [line for line in err.splitlines() if not line.startswith("approximate (")]
    assert got == code and lines[-1] == last
    got, out, err = bnport("rewrite", "-", "-q", "--stdin-filename", "m.py", *args, stdin=source)
    assert "(stdin)" not in err  # -q: errors only


def test_stdin_without_a_filename_is_called_stdin():
    code, out, err = bnport("rewrite", "-", stdin=TORCH)
    assert err.splitlines()[-1] == "stdin: converted, 1 edit; the result is on stdout"


def test_stdin_config_and_excludes_resolve_against_the_filename(project):
    code, out, _ = bnport("rewrite", "-", "--stdin-filename", project / "src" / "keras_model.py", stdin=KERAS)
    assert out == KERAS  # ignore = ['KBN'] in the pyproject above that path
    (project / "pyproject.toml").write_text("[tool.bnport]\nextend-exclude = ['legacy']\n")
    code, out, err = bnport("rewrite", "-", "--force-exclude", "--stdin-filename", project / "src" / "legacy" / "old.py", stdin=TORCH)
    assert code == 0 and out == TORCH
    assert err == f"{project / 'src' / 'legacy' / 'old.py'} (stdin): excluded by 'legacy' (--force-exclude); the input is on stdout as it was\n"


def test_stdin_check_and_diff(project):
    code, out, err = bnport("rewrite", "-", "--check", "--stdin-filename", "m.py", stdin=TORCH)
    assert code == 1 and out == ""
    code, out, err = bnport("rewrite", "-", "--diff", "--stdin-filename", "m.py", stdin=TORCH)
    assert code == 1 and "+bn = mindspore.nn.BatchNorm2d(64, momentum=0.99)" in out


def test_stdin_that_does_not_parse_comes_back_unchanged():
    code, out, err = bnport("rewrite", "-", "--stdin-filename", "m.py", stdin="def (:\n  BatchNorm2d\n")
    assert code == 1 and out == "def (:\n  BatchNorm2d\n" and "cannot parse" in err


# -- CI formats --

def test_github_format_annotates_findings_and_files(project):
    code, out, _ = bnport("rewrite", "--check", "--output-format", "github", "--isolated", project / "src")
    lines = out.splitlines()
    assert any(line.startswith(f"::notice file={project / 'src' / 'model.py'},line=3,col=") and "title=bnport TBN101::removed device" in line
               for line in lines)
    assert any(line.startswith("::notice file=") and "title=bnport KBN101::removed axis=1" in line for line in lines)
    assert any(line.startswith("::notice file=") and "would rewrite this file" in line for line in lines)


def test_sarif_is_valid_2_1_0_and_carries_the_rewrite_as_a_fix(project):
    code, out, _ = bnport("rewrite", "--check", "--output-format", "sarif", "--isolated", project / "src")
    document = json.loads(out)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    results = document["runs"][0]["results"]
    fixes = [r for r in results if "fixes" in r]
    assert len(fixes) == 3
    model = next(f for f in fixes if f["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("src/model.py"))
    replacement = model["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == {"charOffset": 0, "charLength": len(TORCH)}
    assert replacement["insertedContent"]["text"].startswith("import mindspore\n")
    rule_ids = [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]]
    assert all(r["ruleId"] in rule_ids for r in results if "ruleId" in r)


# -- catalogue --

def test_rules_lists_every_rule_with_safety():
    code, out, _ = bnport("rules")
    assert code == 0
    for rule_id in ("TBN001", "TBN004", "KBN001", "KBN003"):
        assert rule_id in out
    assert "exact" in out and "approximate" in out and "report-only" in out


def test_rules_off_a_terminal_is_plain_aligned_text_one_line_per_rule():
    code, out, _ = bnport("rules")  # CliRunner's stdout is not a terminal
    lines = out.splitlines()
    assert code == 0 and not any(c in out for c in "│┃━─")  # no table drawing
    ids = [line.split()[0] for line in lines[1:]]
    assert lines[0].split() == ["id", "safety", "source", "API", "target"] and "TBN001" in ids and "KBN001" in ids
    tbn001 = lines[1 + ids.index("TBN001")]
    assert "torch.nn.BatchNorm3d" in tbn001.split() and "torch.nn.BatchNorm2d," in tbn001.split()  # identifiers whole
    assert "keras.layers.experimental.SyncBatchNormalization" in lines[1 + ids.index("KBN001")].split()
    assert len({line.index(line.split()[1]) for line in lines}) == 1  # the safety column is aligned
    assert len({line.index(line.split()[2]) for line in lines}) == 1  # and so is the source column


def test_rules_as_json():
    code, out, _ = bnport("rules", "--output-format", "json")
    rules = {rule["id"]: rule for rule in json.loads(out)}
    assert code == 0 and set(rules["TBN001"]) == {"id", "title", "sources", "targets", "safety"}
    assert "torch.nn.BatchNorm2d" in rules["TBN001"]["sources"] and "mindspore.nn.BatchNorm2d" in rules["TBN001"]["targets"]
    assert "tensorflow.keras.layers.BatchNormalization" in rules["KBN001"]["sources"]  # every spelling
    assert rules["TBN003"]["targets"] == [] and rules["TBN003"]["safety"] == "report-only"
    assert rules["KBN001"]["safety"] == "approximate" and rules["TBN001"]["title"].startswith("torch.nn.BatchNorm1d/2d/3d")


def test_explain_shows_what_why_example_and_safety():
    code, out, _ = bnport("explain", "tbn001")
    assert code == 0
    assert out.startswith("TBN001: torch.nn.BatchNorm1d/2d/3d -> mindspore.nn.BatchNorm1d/2d/3d")
    for part in ("Why:", "Arguments:", "momentum: -> momentum (1 - value)", "Fix safety: exact", "Example 1, before:"):
        assert part in out
    code, _, err = bnport("explain", "XBN999")
    assert code == 2 and "unknown rule" in err


# -- jobs --

def test_results_and_order_do_not_depend_on_jobs(tmp_path):
    for i in range(30):
        (tmp_path / f"m{i:02d}.py").write_text(TORCH if i % 3 else KERAS)
    outputs = []
    for jobs in ("1", "2"):
        code, out, _ = bnport("rewrite", "--check", "--output-format", "json", "--jobs", jobs, tmp_path)
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["summary"]["changed"] == 30


def test_version_does_not_import_libcst_or_rich():
    code = "import sys; from bnport.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\nprint('libcst' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False False")


def test_a_hook_run_over_files_without_batchnorm_imports_neither_libcst_nor_rich(tmp_path):
    """pre-commit passes the staged files, usually without BatchNorm: that run must stay cheap."""
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("import torch\nx = torch.zeros(3)  # no norm layer here\n")
    code = ("import sys; from bnport.cli import main\ntry:\n    main(['rewrite', '--check', '-j', '2', *sys.argv[1:]])\n"
            "except SystemExit as exit:\n    print(exit.code, 'libcst' in sys.modules, 'rich' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.py"), str(tmp_path / "b.py")],
                         capture_output=True, text=True, check=True)
    assert "2 files scanned: 0 would change, 2 unchanged" in run.stdout
    assert run.stdout.strip().endswith("0 False False")


def test_progress_bar_only_on_a_terminal_and_for_more_than_a_few_dozen_files(monkeypatch):
    import io

    from bnport import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, files, shown in ((Terminal(), 100, True), (Terminal(), 10, False), (io.StringIO(), 100, False)):
        monkeypatch.setattr(sys, "stderr", stream)
        with cli._progress(enabled=True) as (on_files, advance):
            on_files(files)
            for _ in range(files):
                advance(1)
        assert ("converting" in stream.getvalue()) == shown, (files, stream.getvalue()[:80])
