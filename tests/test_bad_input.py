"""The bad-input matrix: each row runs the real command over a small tree holding one bad input
next to a good torch file, and checks the exit code, the one line about the bad input, and the
bytes of every file afterwards (the good file converted, everything else untouched).
"""

import builtins
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bnport.cli import main

GOOD = b"import torch.nn as nn\nbn = nn.BatchNorm2d(8, momentum=0.1)\n"
GOOD_AFTER = b"import mindspore\nbn = mindspore.nn.BatchNorm2d(8, momentum=0.9)\n"
BN = b"import torch.nn as nn\nbn = nn.BatchNorm2d(8)\n"
BN_AFTER = b"import mindspore\nbn = mindspore.nn.BatchNorm2d(8)\n"


def run(*args):
    result = CliRunner().invoke(main, ["rewrite", *map(str, args)])
    return result.exit_code, result.stdout.splitlines()


def files(root: Path) -> dict:
    """The tree's files, without bnport's cache of the project index (tests/test_project.py checks it)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and ".bnport_cache" not in p.parts}


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "good.py").write_bytes(GOOD)
    return tmp_path


def expect(tree, code, got, line, others):
    """`line` is the one report line about the bad input; `others` the expected bytes of every other file."""
    assert got[0] == code
    lines = got[1]
    assert line in lines, lines
    assert files(tree) == {"good.py": GOOD_AFTER, **others}


BYTE_ROWS = {
    # name: (bytes, expected exit, expected line suffix or None for "no line", expected bytes after)
    "python2_syntax": (b'import torch.nn as nn\nprint "BatchNorm2d"\n', 1,
                       ":2:1: cannot parse: Missing parentheses in call to 'print'. Did you mean print(...)?", None),
    "latin1_with_cookie": ("# coding: latin-1\nimport torch.nn as nn\ns = 'é'\nbn = nn.BatchNorm2d(8)\n".encode("latin-1"), 0, None,
                           "# coding: latin-1\nimport mindspore\ns = 'é'\nbn = mindspore.nn.BatchNorm2d(8)\n".encode("latin-1")),
    "latin1_without_cookie": ("import torch.nn as nn\ns = 'é'\nbn = nn.BatchNorm2d(8)\n".encode("latin-1"), 1,
                              ":2:6: cannot parse: not valid utf-8 (byte 0xe9); add a coding cookie or re-encode the file", None),
    "undecodable_bytes": (b"import torch.nn as nn\nbn = nn.BatchNorm2d(8)  # \x80\n", 1,
                          ":2:27: cannot parse: not valid utf-8 (byte 0x80); add a coding cookie or re-encode the file", None),
    "utf8_bom": (b"\xef\xbb\xbf" + BN, 0, None, b"\xef\xbb\xbf" + BN_AFTER),
    "crlf": (BN.replace(b"\n", b"\r\n"), 0, None, BN_AFTER.replace(b"\n", b"\r\n")),
    "mixed_line_endings": (b"import torch.nn as nn\r\nimport os\nbn = nn.BatchNorm2d(8)\r\nx = os.sep\n", 0, None,
                           b"import mindspore\r\nimport os\nbn = mindspore.nn.BatchNorm2d(8)\r\nx = os.sep\n"),
    "tabs_and_form_feeds": (b"import torch.nn as nn\n\x0c\nif True:\n\tbn = nn.BatchNorm2d(8,\tmomentum=0.5)\n", 0, None,
                            b"import mindspore\n\x0c\nif True:\n\tbn = mindspore.nn.BatchNorm2d(8,\tmomentum=0.5)\n"),
    "empty_file": (b"", 0, None, b""),
    "binary_named_py": (b"\x00\x01BatchNorm2d\x00\xff\xfe", 1, ":1:1: cannot parse: binary content (a NUL byte), not Python source", None),
    "deeply_nested": (b"import torch.nn as nn\nx = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\nbn = nn.BatchNorm2d(8)\n", 1,
                      None, None),
}


@pytest.mark.parametrize("name", sorted(BYTE_ROWS))
def test_bad_bytes(tree, name):
    data, code, suffix, after = BYTE_ROWS[name]
    bad = tree / "bad.py"
    bad.write_bytes(data)
    got = run(tree)
    assert got[0] == code
    bad_lines = [line for line in got[1] if line.startswith(f"{bad}:")]
    if suffix is not None:
        assert bad_lines == [f"{bad}{suffix}"]
    elif code == 1:
        assert len(bad_lines) == 1 and "cannot parse" in bad_lines[0]
    assert files(tree) == {"good.py": GOOD_AFTER, "bad.py": after if after is not None else data}


def test_ten_megabyte_files(tree):
    # A generated 10 MB module of big literals with a BatchNorm call is converted; a 10 MB module
    # of 330,000 statements without one is skipped by the byte prefilter and left identical.
    blob = b"".join(b"TABLE_%03d = '%s'\n" % (i, b"x" * 100_000) for i in range(101))
    (tree / "big.py").write_bytes(BN + blob)
    many = b"".join(b"value_%07d = %d  # generated\n" % (i, i) for i in range(330_000))
    (tree / "many.py").write_bytes(many)
    assert len(blob) > 10_000_000 and len(many) > 10_000_000
    code, lines = run(tree)
    assert code == 0
    assert files(tree) == {"good.py": GOOD_AFTER, "big.py": BN_AFTER + blob, "many.py": many}


def test_directory_symlink_loop_is_not_followed(tree):
    (tree / "sub").mkdir()
    (tree / "sub" / "loop").symlink_to(tree, target_is_directory=True)
    expect(tree, 0, run(tree), "1 files scanned: 1 changed, 0 unchanged, 0 failed; 1 edit; findings: 0 errors, 0 warnings, 0 infos", {})


def test_symlink_loop_named_explicitly(tree):
    (tree / "a.py").symlink_to(tree / "b.py")
    (tree / "b.py").symlink_to(tree / "a.py")
    expect(tree, 1, run(tree / "a.py", tree / "good.py"), f"{tree / 'a.py'}: is a symlink that resolves to nothing (broken, or a loop)", {})


def test_dangling_symlink(tree):
    (tree / "gone.py").symlink_to(tree / "missing.py")
    expect(tree, 1, run(tree / "gone.py", tree / "good.py"), f"{tree / 'gone.py'}: is a symlink that resolves to nothing (broken, or a loop)", {})
    assert run(tree)[0] == 0  # met during a walk, a symlink is simply not followed


def test_symlink_to_a_file_outside_the_tree_is_never_written_through(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "model.py"
    outside.write_bytes(BN)
    (tree / "link.py").symlink_to(outside)
    expect(tree, 0, run(tree / "link.py", tree / "good.py"), f"{tree / 'link.py'}: is a symlink; not followed (name its target instead)", {})
    assert outside.read_bytes() == BN
    expect(tree, 0, run(tree), "1 files scanned: 0 changed, 1 unchanged, 0 failed; 0 edits; findings: 0 errors, 0 warnings, 0 infos", {})
    assert outside.read_bytes() == BN


def _deny(monkeypatch, path: Path, error: OSError, calls=("open",)):
    """Root ignores file modes; make the OS answer as it would for an ordinary user."""
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise error
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)


def test_unreadable_file(tree, monkeypatch):
    bad = tree / "secret.py"
    bad.write_bytes(BN)
    bad.chmod(0)
    if os.geteuid() == 0:
        _deny(monkeypatch, bad, PermissionError(13, "Permission denied"))
    try:
        got = run(tree)
    finally:
        bad.chmod(0o644)
    expect(tree, 1, got, f"{bad}: cannot read: Permission denied", {"secret.py": BN})


def test_read_only_file_that_needs_changes(tree, monkeypatch):
    bad = tree / "frozen.py"
    bad.write_bytes(BN)
    bad.chmod(0o444)
    if os.geteuid() == 0:
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK and os.fspath(p) == str(bad) else real_access(p, mode))
    got = run(tree)
    assert (bad.stat().st_mode & 0o777) == 0o444
    bad.chmod(0o644)
    expect(tree, 1, got, f"{bad}: cannot write: the file is read-only; left untouched", {"frozen.py": BN})


def test_file_that_changes_between_read_and_write(tree, monkeypatch):
    import bnport.convert as convert

    racing = tree / "racing.py"
    racing.write_bytes(BN)
    edited = BN + b"# edited by someone else meanwhile\n"
    real_convert = convert.convert_file

    def convert_then_edit(path, data, ruleset, options, project=None):
        result = real_convert(path, data, ruleset, options, project)
        if path == str(racing):
            racing.write_bytes(edited)
        return result

    monkeypatch.setattr(convert, "convert_file", convert_then_edit)
    expect(tree, 1, run(tree), f"{racing}: cannot write: the file changed while bnport was working on it; left untouched", {"racing.py": edited})


def test_path_given_twice_is_converted_once(tree):
    code, lines = run(tree / "good.py", tree / "good.py", tree)
    assert code == 0
    assert lines[-1] == "1 files scanned: 1 changed, 0 unchanged, 0 failed; 1 edit; findings: 0 errors, 0 warnings, 0 infos"
    assert files(tree) == {"good.py": GOOD_AFTER}


def test_path_that_does_not_exist(tree):
    expect(tree, 1, run(tree / "nope.py", tree), f"{tree / 'nope.py'}: no such file or directory", {})


def test_no_temporary_files_are_left_behind(tree):
    (tree / "second.py").write_bytes(BN)
    run(tree)
    assert sorted(p.name for p in tree.iterdir()) == [".bnport_cache", "good.py", "second.py"]
    assert sorted(p.name for p in (tree / ".bnport_cache").iterdir()) == [".gitignore", "project.json"]


def test_converted_code_is_never_executed(tree):
    marker = tree / "executed.txt"
    trap = (
        f"import torch.nn as nn\nopen({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)\n"
        "bn = nn.BatchNorm2d(3)\n"
    ).encode()
    (tree / "trap.py").write_bytes(trap)
    code, _ = run(tree)
    assert code == 0 and not marker.exists()
    assert b"mindspore.nn.BatchNorm2d(3)" in (tree / "trap.py").read_bytes()


def test_scale_benchmark_smoke():
    """The benchmark script runs end to end on a small tree (figures are not asserted)."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"
    run_ = subprocess.run([sys.executable, str(script), "--files", "40"], capture_output=True, text=True)
    assert run_.returncode == 0, run_.stdout + run_.stderr
    assert "converted: 4" in run_.stdout
