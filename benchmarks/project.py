"""What whole-project analysis costs: the project phase (the index of what every module exports)
cold and cached, the whole-tree `rewrite --check` against the libcst floor, and a pre-commit-style
run on one file of a large repository against the same run without the project phase.

    python benchmarks/project.py                 # timm and keras wheels, and a 10,000-file git tree
    python benchmarks/project.py --files 2000    # a smaller generated tree

Corpora:
- timm and keras from PyPI (as benchmarks/run.py builds them);
- a generated git repository of N files (`--files`, default 10,000) laid out as a model zoo: a
  layers package that defines a BatchNorm alias and a norm-act subclass and re-exports them, model
  modules that import them (one in ten), and plain modules.

Every figure is the median of --runs fresh processes. "cold": no cache on disk (it is written);
"cached": the cache of the previous run is read. The floor is benchmarks/run.py's floor A: libcst
parsing and printing only the files that contain a BatchNorm token, in one process.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BNPORT, FLOOR_A, build_corpora  # noqa: E402

PHASE = """
import sys, time, pathlib
from bnport.cli import _rules_dir
from bnport.project import load_project
from bnport.rules import load_rules
root, use_cache, jobs = pathlib.Path(sys.argv[1]), sys.argv[2] == "cache", int(sys.argv[3])
ruleset = load_rules(_rules_dir())
start = time.perf_counter()
index = load_project(root, ruleset, use_cache=use_cache, jobs=jobs)
print(time.perf_counter() - start, len(index.exports), len(index.names))
"""

LAYERS_INIT = "from .wrappers import BatchNorm2d\nfrom .norm_act import BatchNormAct2d\n"
WRAPPERS = "import torch\n\nBatchNorm2d = torch.nn.BatchNorm2d\n"
NORM_ACT = '''from torch import nn


class BatchNormAct2d(nn.BatchNorm2d):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, apply_act=True):
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.act = nn.ReLU() if apply_act else nn.Identity()
'''
MODEL = '''from torch import nn

from zoo.layers import BatchNorm2d, BatchNormAct2d


class Block{i}(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = BatchNorm2d(channels, momentum=0.01)
        self.bn_act = BatchNormAct2d(channels, momentum=0.03)

    def forward(self, x):
        return self.bn_act(self.bn(self.conv(x)))
'''
PLAIN = '''"""Generated plain module {i}."""
import math


def area_{i}(radius):
    return math.pi * radius ** 2


class Shape{i}:
    def __init__(self, size):
        self.size = size

    def scaled(self, factor):
        return Shape{i}(self.size * factor)
'''


def generate(root: Path, files: int) -> Path:
    """A git repository of `files` modules: zoo/layers (the definitions), zoo/models (one in ten imports them)."""
    if (root / ".git").exists() and len(list(root.rglob("*.py"))) == files:
        return root
    shutil.rmtree(root, ignore_errors=True)
    layers, models = root / "zoo" / "layers", root / "zoo" / "models"
    layers.mkdir(parents=True)
    models.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "zoo"\nversion = "0"\n')
    (root / "zoo" / "__init__.py").write_text("")
    (layers / "__init__.py").write_text(LAYERS_INIT)
    (layers / "wrappers.py").write_text(WRAPPERS)
    (layers / "norm_act.py").write_text(NORM_ACT)
    (models / "__init__.py").write_text("")
    for i in range(files - 5):
        package = models / f"group{i // 500}"
        if not package.exists():
            package.mkdir()
            (package / "__init__.py").write_text("")
        (package / f"m{i}.py").write_text(MODEL.format(i=i) if i % 10 == 0 else PLAIN.format(i=i))
    # group __init__ files are extra modules: drop plain ones to keep the count exact
    extra = len(list(root.rglob("*.py"))) - files
    for path in sorted(models.rglob("m*.py"), reverse=True)[:max(extra, 0)]:
        if "BatchNorm" not in path.read_text():
            path.unlink()
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return root


def median_of(runs: int, run) -> float:
    return statistics.median(run() for _ in range(runs))


def wall(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def phase(root: Path, cached: bool, jobs: int) -> tuple[float, int, int]:
    if not cached:
        shutil.rmtree(root / ".bnport_cache", ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", PHASE, str(root), "cache", str(jobs)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def measure(name: str, root: Path, runs: int, jobs: int, one_file: Path | None):
    files = list(root.rglob("*.py"))
    print(f"{name}: {len(files)} files")
    for label, cached in (("cold", False), ("cached", True)):
        if cached:
            phase(root, False, jobs)  # the cache the cached runs read
        times = [phase(root, cached, jobs) for _ in range(runs)]
        seconds = statistics.median(t[0] for t in times)
        print(f"  project phase, {label:6s} (--jobs {jobs})   {seconds * 1000:8.0f} ms   "
              f"{times[0][1]} exports, {times[0][2]} re-exported names")
    floor = median_of(runs, lambda: wall([sys.executable, "-c", FLOOR_A, str(root)]))
    cold = median_of(runs, lambda: (shutil.rmtree(root / ".bnport_cache", ignore_errors=True),
                                    wall([*BNPORT, "rewrite", "-q", "--check", "--jobs", "2", "."], root))[1])
    cached = median_of(runs, lambda: wall([*BNPORT, "rewrite", "-q", "--check", "--jobs", "2", "."], root))
    alone = median_of(runs, lambda: wall([*BNPORT, "rewrite", "-q", "--check", "--jobs", "2", "--no-project", "."], root))
    print(f"  floor A (libcst parse + print, 1 process)      {floor:6.2f} s")
    print(f"  rewrite --check --jobs 2, cold cache           {cold:6.2f} s   {cold / floor:5.2f}x floor A")
    print(f"  rewrite --check --jobs 2, cached               {cached:6.2f} s   {cached / floor:5.2f}x floor A")
    print(f"  rewrite --check --jobs 2 --no-project          {alone:6.2f} s   {alone / floor:5.2f}x floor A")
    if one_file is not None:
        relative = str(one_file.relative_to(root))
        wall([*BNPORT, "rewrite", "-q", "--check", relative], root)  # the cache
        today = median_of(runs, lambda: wall([*BNPORT, "rewrite", "-q", "--check", "--no-project", relative], root))
        project = median_of(runs, lambda: wall([*BNPORT, "rewrite", "-q", "--check", relative], root))
        print(f"  one file, as pre-commit (--no-project)        {today * 1000:6.0f} ms")
        print(f"  one file, as pre-commit (project, cached)     {project * 1000:6.0f} ms   {project / today:5.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000, help="files in the generated tree (default 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is printed (default 3)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bnport-bench",
                        help="where wheels are downloaded and the tree is generated")
    parser.add_argument("--no-wheels", action="store_true", help="only the generated tree")
    args = parser.parse_args()
    jobs = min(2, os.cpu_count() or 1)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.runs} runs\n")
    if not args.no_wheels:
        for name, root in build_corpora(args.cache):
            measure(name, root, args.runs, jobs, None)
            print()
    tree = generate(args.cache / f"zoo-{args.files}", args.files)
    measure(f"generated git tree", tree, args.runs, jobs, tree / "zoo" / "models" / "group0" / "m0.py")


if __name__ == "__main__":
    main()
