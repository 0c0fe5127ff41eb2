"""How fast is bnport on real model code, next to the floors it cannot beat by much?

Builds a corpus from PyPI wheels (their sources are real model zoos), then prints, all measured
in this one run, each figure the median of --runs runs:

- `bnport rewrite --check` and `bnport rewrite` (on a fresh copy each time), with --jobs 1 and
  with all cores: wall time, files/s, MB/s, peak memory (the largest bnport process);
- floor A: libcst parsing and printing only the files that contain a BatchNorm token, in one
  process; floor B: reading every file;
- start-up: `bnport --version` and `bnport rewrite --check` on one file without BatchNorm,
  next to `python -c pass`;
- the ratios to the floors.

    python benchmarks/run.py                       # timm and keras wheels from PyPI
    python benchmarks/run.py --corpus fixtures     # any directory, as it is (CI's smoke run)

Every timed command is a fresh process, so start-up is counted everywhere alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PACKAGES = ("timm==1.0.31", "keras==3.15.1")
TOKENS = (b"BatchNorm", b"batch_norm")  # the floor's own test, independent of bnport's rules

FLOOR_A = """
import sys, pathlib, libcst
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    data = path.read_bytes()
    if any(token in data for token in (b"BatchNorm", b"batch_norm")):
        libcst.parse_module(data).bytes
"""
FLOOR_B = """
import sys, pathlib
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    path.read_bytes()
"""
# Runs a command and reports the peak memory of its largest process (workers included).
MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append",
                        help="a directory to measure as it is (repeatable); default: the PyPI wheels")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is printed (default 3)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bnport-bench",
                        help="where wheels are downloaded and unpacked")
    args = parser.parse_args()
    corpora = [(path.name, path) for path in args.corpus] if args.corpus else build_corpora(args.cache)
    cores = os.cpu_count() or 1
    print(f"python {sys.version.split()[0]}, {cores} cores, median of {args.runs} runs\n")
    startup(args.runs)
    for name, root in corpora:
        print()
        measure_corpus(name, root, args.runs, cores)


def build_corpora(cache: Path) -> list[tuple[str, Path]]:
    corpora = []
    for requirement in PACKAGES:
        name = requirement.split("==")[0]
        root = cache / requirement
        if not root.exists():
            wheels = cache / "wheels"
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
                            "-d", str(wheels), requirement], check=True)
            wheel = next(wheels.glob(f"{name}-{requirement.split('==')[1]}-*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(root)
        corpora.append((requirement, root))
    return corpora


def timed(command: list[str], runs: int, prepare=None) -> tuple[float, float, int]:
    """(median wall seconds, median peak MB, exit code of the last run)."""
    walls, peaks, code = [], [], 0
    for _ in range(runs):
        argv = prepare() if prepare else command
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=True).stdout
        walls.append(time.perf_counter() - start)
        code, peak_kb = (int(x) for x in out.split())
        peaks.append(peak_kb / 1024)
    return statistics.median(walls), statistics.median(peaks), code


def startup(runs: int):
    runs = max(runs, 5)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp, "plain.py")
        plain.write_text("import math\n\nprint(math.pi)\n")
        base, _, _ = timed([sys.executable, "-c", "pass"], runs)
        version, _, _ = timed([*BNPORT, "--version"], runs)
        one, _, code = timed([*BNPORT, "rewrite", "--check", str(plain)], runs)
        assert code == 0, "bnport rewrite --check on a file without BatchNorm must exit 0"
    print("start-up                                 wall     vs python -c pass")
    print(f"  python -c pass                      {base * 1000:6.0f} ms")
    print(f"  bnport --version                    {version * 1000:6.0f} ms    {version / base:5.2f}x")
    print(f"  bnport rewrite --check (no BN file) {one * 1000:6.0f} ms    {one / base:5.2f}x")


BNPORT = [sys.executable, "-m", "bnport"]


def measure_corpus(name: str, root: Path, runs: int, cores: int):
    files = sorted(root.rglob("*.py"))
    size = sum(f.stat().st_size for f in files)
    with_token = sum(1 for f in files if any(t in f.read_bytes() for t in TOKENS))
    floor_a, peak_a, _ = timed([sys.executable, "-c", FLOOR_A, str(root)], runs)
    floor_b, _, _ = timed([sys.executable, "-c", FLOOR_B, str(root)], runs)
    print(f"{name}: {len(files)} files, {size / 1e6:.1f} MB, {with_token} with a BatchNorm token")
    print(f"  floor A (libcst parse + print of the {with_token} files, 1 process) {floor_a:6.2f} s  {peak_a:4.0f} MB")
    print(f"  floor B (read every file)                       {floor_b:6.2f} s")
    print("  bnport                        wall    files/s    MB/s   peak MB   vs floor A   vs floor B")
    scratch = Path(tempfile.mkdtemp(prefix="bnport-bench-"))
    try:
        for mode in ("--check", "rewrite"):
            for jobs in (1, cores):
                def fresh_copy(jobs=jobs, mode=mode):
                    target = scratch / "tree"
                    shutil.rmtree(target, ignore_errors=True)
                    shutil.copytree(root, target)
                    flags = ["--check"] if mode == "--check" else []
                    return [*BNPORT, "rewrite", "-q", "--jobs", str(jobs), *flags, str(target)]

                wall, peak, code = timed([], runs, prepare=fresh_copy)
                assert code in (0, 1), f"bnport failed on the corpus (exit {code})"
                label = f"rewrite {'--check ' if mode == '--check' else ''}--jobs {jobs}"
                print(f"  {label:26s} {wall:6.2f} s {len(files) / wall:8.0f} {size / 1e6 / wall:8.2f} "
                      f"{peak:8.0f}   {wall / floor_a:8.2f}x   {wall / floor_b:8.1f}x")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
