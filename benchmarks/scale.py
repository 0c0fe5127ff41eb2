"""Scale check: generate a tree of N Python files (a tenth with BatchNorm), run `bnport rewrite`
over it in a subprocess, and print wall time, files/s and the child's peak memory.

    python benchmarks/scale.py            # 10,000 files
    python benchmarks/scale.py --files 500
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WITH_BN = '''"""Generated module {i} with BatchNorm."""
import torch
import torch.nn as nn


class Block{i}(nn.Module):
    def __init__(self, channels, momentum=0.01):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels, momentum=momentum)  # note
        self.bn2 = nn.BatchNorm2d(channels, eps=1e-3, momentum=0.1,
                                  track_running_stats=False)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn2(self.bn(self.conv(x))))
'''

WITHOUT_BN = '''"""Generated module {i}."""
import math


def area_{i}(radius):
    return math.pi * radius ** 2


class Shape{i}:
    def __init__(self, sides):
        self.sides = sides

    def angles(self):
        return [(self.sides - 2) * 180 / self.sides] * self.sides
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(args.files):
            folder = root / f"pkg{i // 500}"
            folder.mkdir(exist_ok=True)
            (folder / f"m{i}.py").write_text((WITH_BN if i % 10 == 0 else WITHOUT_BN).format(i=i))
        size = sum(p.stat().st_size for p in root.rglob("*.py"))
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "bnport", "rewrite", "-q", str(root)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        changed = sum("mindspore.nn.BatchNorm2d" in p.read_text() for p in root.rglob("*.py"))
    print(f"files: {args.files} ({size / 1e6:.1f} MB), with BatchNorm: {(args.files + 9) // 10}, converted: {changed}")
    print(f"exit code: {run.returncode}")
    print(f"wall time: {elapsed:.1f} s ({args.files / elapsed:.0f} files/s)")
    print(f"peak memory of bnport: {peak:.0f} MB")
    if run.returncode != 0 or changed != (args.files + 9) // 10:
        print(run.stdout[-2000:], run.stderr[-2000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
