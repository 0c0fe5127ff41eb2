"""The benchmark runs (a smoke run on the fixtures, one run per figure; no thresholds: timing on a
shared CI machine says nothing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_prints_every_figure_and_ratio():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--corpus", str(ROOT / "fixtures"),
                          "--runs", "1"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for line in ("python -c pass", "bnport --version", "bnport rewrite --check (no BN file)", "floor A", "floor B",
                 "rewrite --check --jobs 1", "rewrite --jobs 1"):
        assert line in out, out
    rewrite = next(row for row in out.splitlines() if row.strip().startswith("rewrite --jobs 1"))
    assert rewrite.rstrip().endswith("x") and rewrite.count("x") == 2, rewrite  # ratios to both floors
