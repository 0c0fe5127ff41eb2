"""`bnport weights` on a large generated checkpoint: wall time against copying the file, and peak
memory against the largest tensor.

    python benchmarks/weights.py               # a 1 GB checkpoint (default)
    python benchmarks/weights.py --size-mb 64  # smaller

A ResNet-like state_dict (conv weights with a BatchNorm after each, one large final layer) is
generated in a temporary directory and saved twice, as .pt (torch.save) and as .safetensors. Every
measured command runs in a fresh process; its peak resident memory comes from wait4's rusage. The
page cache is warm (each input is read once before timing), and each figure is the median of --runs.
Floors: `shutil.copyfile` of the input (with and without fsync, since bnport flushes its output to
disk before renaming it into place), and the peak memory of a process that only imports what bnport
needs (torch for .pt, nothing heavy for .safetensors).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def generate(directory: Path, size_mb: int) -> tuple[Path, Path, int, int, int]:
    """A .pt and a .safetensors of about size_mb; returns their paths, tensor count, BN layers, largest bytes."""
    import torch
    from safetensors.torch import save_file

    largest = max(MB // 4, min(64 * MB, size_mb * MB // 8))  # one big final layer
    conv = max(MB // 16, min(8 * MB, size_mb * MB // 64))  # per block
    channels = 512
    state: dict = {}
    generator = torch.Generator().manual_seed(0)
    total = 0
    block = 0
    while total + largest + conv < size_mb * MB:
        state[f"layer{block // 8}.{block % 8}.conv.weight"] = torch.randn(conv // 4 // channels, channels, generator=generator)
        for name, shape in (("weight", (channels,)), ("bias", (channels,)), ("running_mean", (channels,)),
                            ("running_var", (channels,))):
            state[f"layer{block // 8}.{block % 8}.bn.{name}"] = torch.rand(shape, generator=generator)
        state[f"layer{block // 8}.{block % 8}.bn.num_batches_tracked"] = torch.tensor(100)
        total += conv + 4 * channels * 4
        block += 1
    state["fc.weight"] = torch.randn(largest // 4 // 1024, 1024, generator=generator)
    state["fc.bias"] = torch.randn(largest // 4 // 1024, generator=generator)
    pt, st = directory / "model.pt", directory / "model.safetensors"
    torch.save(state, pt)
    save_file(state, str(st))
    return pt, st, len(state), block, largest


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS bytes of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode()
    process.stderr.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error}")
    return elapsed, usage.ru_maxrss * 1024  # kilobytes on Linux


def median_run(command: list[str], runs: int, cleanup: Path | None = None) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        if cleanup is not None and cleanup.exists():
            cleanup.unlink()
        results.append(measure(command))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)  # the child that writes the files
    args = parser.parse_args(argv)
    if args.generate:
        print(json.dumps([str(p) if isinstance(p, Path) else p for p in generate(Path(args.generate), args.size_mb)]))
        return 0
    env_python = [sys.executable]
    with tempfile.TemporaryDirectory(prefix="bnport-weights-bench-") as tmp:
        directory = Path(tmp)
        # Generated in a child: a child forked from a parent holding the tensors would count them in its peak RSS.
        made = subprocess.run(env_python + [__file__, "--generate", tmp, "--size-mb", str(args.size_mb)],
                              capture_output=True, text=True, check=True)
        pt, st, tensors, layers, largest = json.loads(made.stdout)
        pt, st = Path(pt), Path(st)
        size = pt.stat().st_size
        print(f"checkpoint: {size / MB:.0f} MB as .pt, {st.stat().st_size / MB:.0f} MB as .safetensors; {tensors} tensors "
              f"({layers} BatchNorm layers); largest tensor {largest / MB:.1f} MB")
        copy = directory / "copy.bin"
        copy_cmd = env_python + ["-c", f"import shutil; shutil.copyfile({str(pt)!r}, {str(copy)!r})"]
        sync_cmd = env_python + ["-c", f"import os, shutil; shutil.copyfile({str(pt)!r}, {str(copy)!r}); "
                                       f"f = os.open({str(copy)!r}, os.O_RDONLY); os.fsync(f)"]
        measure(copy_cmd)  # warm the page cache for both inputs
        measure(env_python + ["-c", f"open({str(st)!r}, 'rb').read()"])
        copy_time, _ = median_run(copy_cmd, args.runs, copy)
        sync_time, _ = median_run(sync_cmd, args.runs, copy)
        print(f"{'floor: shutil.copyfile (.pt)':<44} {copy_time:7.2f} s")
        print(f"{'floor: shutil.copyfile + fsync (.pt)':<44} {sync_time:7.2f} s")
        floors = {}
        for name, code in (("torch", "import bnport.weights.read, torch, numpy"), ("python", "import bnport.weights.read")):
            floors[name] = median_run(env_python + ["-c", code], args.runs)
            print(f"{'floor: start-up, ' + code:<44} {floors[name][0]:7.2f} s  peak RSS {floors[name][1] / MB:6.0f} MB")
        for label, source, floor in ((".pt -> .safetensors", pt, floors["torch"]),
                                     (".safetensors -> .safetensors", st, floors["python"])):
            out = directory / "out.safetensors"
            command = env_python + ["-m", "bnport", "weights", str(source), "-o", str(out), "--force"]
            wall, peak = median_run(command, args.runs, out)
            work = max(wall - floor[0], 1e-9)
            above = max(peak - floor[1], 0)
            print(f"{'bnport weights ' + label:<44} {wall:7.2f} s  peak RSS {peak / MB:6.0f} MB")
            print(f"{'  less its start-up floor':<44} {work:7.2f} s = {work / copy_time:.2f}x copy, "
                  f"{work / sync_time:.2f}x copy+fsync;  {above / MB:6.0f} MB = {above / largest:.2f}x the largest "
                  f"tensor, {above / size:.3f}x the file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
