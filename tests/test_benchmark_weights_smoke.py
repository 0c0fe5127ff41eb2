"""benchmarks/weights.py runs (a tiny checkpoint, one run per figure; no thresholds: timing on a shared
CI machine says nothing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_weights_benchmark_prints_every_figure():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "weights.py"), "--size-mb", "4", "--runs", "1"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for line in ("checkpoint: ", "largest tensor", "floor: shutil.copyfile (.pt)", "floor: shutil.copyfile + fsync",
                 "floor: start-up", "bnport weights .pt -> .safetensors", "bnport weights .safetensors -> .safetensors"):
        assert line in out, out
    assert out.count("x the largest tensor") == 2 and out.count("x copy+fsync") == 2, out
