"""`bnport weights` on the command line: exit codes, one-line errors, --diff, JSON, lazy imports."""

import json
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

from bnport.cli import main


def bnport(*args):
    result = CliRunner().invoke(main, ["weights", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def checkpoint(tmp_path):
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(), torch.nn.LayerNorm(4))
    path = tmp_path / "model.pt"
    torch.save(net.state_dict(), path)
    return path


def test_version_imports_no_framework_numpy_libcst_or_rich():
    code = ("import sys; from bnport.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('torch', 'numpy', 'safetensors', 'mindspore', 'libcst', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")


def test_convert_then_report(checkpoint, tmp_path):
    code, out, _ = bnport(checkpoint, "-o", tmp_path / "out.safetensors")
    assert code == 0, out
    assert "1 BatchNorm layer(s): 4 entries renamed, 1 dropped, 0 added; 4 entries unchanged" in out
    assert f"wrote {tmp_path / 'out.safetensors'} (safetensors, 8 tensors" in out


def test_diff_prints_the_key_map_and_writes_nothing(checkpoint, tmp_path):
    code, out, err = bnport(checkpoint, "--diff", "-o", tmp_path / "out.safetensors")
    assert code == 0
    assert out.splitlines()[0] == "1.weight -> 1.gamma" and "1.num_batches_tracked -> (dropped:" in out
    assert out.splitlines()[-1] == "4 renamed, 1 dropped, 0 added, 4 unchanged"
    assert "nothing written (--diff)" in err and not (tmp_path / "out.safetensors").exists()
    code, out, _ = bnport(checkpoint, "--diff", "-v")
    assert "0.weight (unchanged)" in out


def test_json_document(checkpoint, tmp_path):
    code, out, _ = bnport(checkpoint, "-o", tmp_path / "o.safetensors", "--output-format", "json")
    document = json.loads(out)
    assert document["version"] == 1 and document["input"]["format"] == "torch"
    assert document["layers"] == [{"prefix": "1", "class": "BatchNorm1d/BatchNorm2d/SyncBatchNorm",
                                   "attribute_path": "", "decided_by": "assumed"}]
    assert {"from": "1.running_var", "to": "1.moving_variance"} in document["renamed"]
    assert document["unchanged"] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert document["summary"]["tensors"] == 8 and document["output"]["tensors"] == 8


def test_findings_that_need_attention_exit_1_and_the_file_is_still_written(checkpoint, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "net.py").write_text("import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n"
                                   "        super().__init__()\n        self.net = nn.Sequential(nn.Conv2d(3, 4, 3), "
                                   "nn.BatchNorm2d(4), nn.Flatten(), nn.LayerNorm(4))\n")
    torch.save({f"net.{k}": v for k, v in torch.load(checkpoint).items()}, tmp_path / "n.pt")  # N's keys
    code, out, _ = bnport(tmp_path / "n.pt", "-o", tmp_path / "o.safetensors", "--source", source)
    assert code == 1
    assert ("net.3: warning: net.3 is a torch.nn.LayerNorm: MindSpore's mindspore.nn.LayerNorm names these entries "
            "net.3.weight -> net.3.gamma") in out
    assert (tmp_path / "o.safetensors").exists()
    code, out, _ = bnport(tmp_path / "n.pt", "-o", tmp_path / "p.safetensors", "--source", source, "-q")
    assert code == 1 and "info" not in out and "wrote" not in out


@pytest.mark.parametrize("args, message", [
    ((), "bnport: -o OUT is required (or --diff"),
    (("-o", "{tmp}"), "is a directory"),
    (("-o", "{ckpt}", "--force"), "is the input checkpoint"),
    (("-o", "{tmp}/missing/o.safetensors"), "no such directory"),
    (("--diff", "--expect", "{tmp}/none.txt"), "--expect: "),
])
def test_usage_errors_are_one_line_exit_2(checkpoint, tmp_path, args, message):
    args = [a.format(tmp=tmp_path, ckpt=checkpoint) for a in args]
    code, out, err = bnport(checkpoint, *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and out == ""


def test_an_existing_output_needs_force(checkpoint, tmp_path):
    out = tmp_path / "o.safetensors"
    out.write_bytes(b"keep")
    code, _, err = bnport(checkpoint, "-o", out)
    assert code == 2 and "exists; pass --force" in err and out.read_bytes() == b"keep"
    code, _, _ = bnport(checkpoint, "-o", out, "--force")
    assert code == 0 and out.read_bytes() != b"keep"


def test_a_checkpoint_that_would_run_code_is_one_line_and_exit_2(tmp_path):
    marker = tmp_path / "ran"
    script = (f"import os, torch\nclass P:\n    def __reduce__(self):\n        return (os.system, ('touch {marker}',))\n"
              f"torch.save({{'w': torch.ones(1), 'p': P()}}, {str(tmp_path / 'evil.pt')!r})")
    subprocess.run([sys.executable, "-c", script], check=True)
    run = subprocess.run([sys.executable, "-m", "bnport", "weights", str(tmp_path / "evil.pt"), "-o",
                          str(tmp_path / "o.safetensors")], capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("bnport: ") and "refused" in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not marker.exists() and not (tmp_path / "o.safetensors").exists()


def test_safetensors_in_and_out_without_torch(tmp_path):
    from safetensors.torch import save_file

    save_file({"bn.running_mean": torch.zeros(3), "bn.running_var": torch.ones(3)}, str(tmp_path / "m.safetensors"))
    code = ("import sys; sys.modules['torch'] = None; sys.modules['mindspore'] = None\nfrom bnport.cli import main\n"
            "main(sys.argv[1:])")
    run = subprocess.run([sys.executable, "-c", code, "weights", str(tmp_path / "m.safetensors"), "-o",
                          str(tmp_path / "o.safetensors")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    from safetensors.numpy import load_file

    assert sorted(load_file(str(tmp_path / "o.safetensors"))) == ["bn.beta", "bn.gamma", "bn.moving_mean", "bn.moving_variance"]
    run = subprocess.run([sys.executable, "-c", code, "weights", str(tmp_path / "m.safetensors"), "-o",
                          str(tmp_path / "o.ckpt")], capture_output=True, text=True)
    assert run.returncode == 2 and "writing .ckpt needs MindSpore" in run.stderr


def test_expect_mismatch_is_exit_1_with_both_lists(checkpoint, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("# parameters\n0.weight\n0.bias\n1.gamma\n1.beta\n1.moving_mean\n1.moving_variance\n3.gamma\n3.beta\n")
    code, out, _ = bnport(checkpoint, "--diff", "--expect", names, "--output-format", "json")
    assert code == 1
    assert json.loads(out)["expect"] == {"missing": ["3.beta", "3.gamma"], "unexpected": ["3.bias", "3.weight"]}
