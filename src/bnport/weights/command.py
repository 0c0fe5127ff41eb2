"""The pipeline behind `bnport weights`: check the arguments, read, scan the source, map, write, report.

Exit codes as in the rest of bnport: 0 done; 1 done, but something needs attention (a layer whose
kind could not be decided where it matters, a layer bnport reports instead of renaming, --expect
names that do not match); 2 bad usage or input, with one line and nothing written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bnport import __version__
from bnport.weights.model import WeightsError

EXIT_OK, EXIT_ATTENTION, EXIT_ERROR = 0, 1, 2


def run(checkpoint_path: str, output: str | None, *, sources: tuple[str, ...] = (), bn3d: tuple[str, ...] = (),
        expect: str | None = None, diff: bool = False, force: bool = False, output_format: str = "text",
        quiet: bool = False, verbose: bool = False, rules_dir: Path | None = None) -> int:
    from bnport.rules import RuleError, load_rules
    from bnport.weights import mapping, report
    from bnport.weights.read import PARALLEL_PREFIX, open_checkpoint
    from bnport.weights.write import write

    if output is None and not diff:
        raise WeightsError("-o OUT is required (or --diff to print the key map and write nothing)")
    if output is not None and not diff:
        _check_output(checkpoint_path, output, force)
    expected = _read_names(expect) if expect is not None else None
    try:
        ruleset = load_rules(rules_dir)
    except RuleError as exc:
        raise WeightsError(f"invalid rules: {exc}") from None
    kinds = None
    if sources:
        from bnport.weights.source import layer_kinds

        family = mapping.Family.from_rules(ruleset)
        wanted = set(family.classes) | {s for layer in ruleset.checkpoint_layers for s in layer.sources}
        kinds = layer_kinds(sources, wanted)
    with open_checkpoint(checkpoint_path) as checkpoint:
        prefixes = tuple(p[len(PARALLEL_PREFIX):] if checkpoint.stripped and p.startswith(PARALLEL_PREFIX) else p
                         for p in bn3d)
        plan = mapping.plan(checkpoint.entries, ruleset, bn3d=prefixes, expected=expected, kinds=kinds)
        findings = [*checkpoint.findings, *(kinds.findings if kinds else []), *plan.findings]
        if kinds is not None and kinds.files == 0:
            findings.append(_finding("warning", f"--source: no Python files found in {', '.join(sources)}"))
        written = None
        if not diff:
            written = write(output, plan.items, force=force,
                            metadata={"format": "ms", "converted_by": f"bnport {__version__}",
                                      "source": os.path.basename(checkpoint_path)})
        outcome = report.Outcome(checkpoint, plan, findings, written, output, expected=expected is not None)
        if output_format == "json":  # the document carries the key map, --diff or not
            sys.stdout.write(report.json_document(outcome) + "\n")
        else:
            if diff:
                report.key_map(outcome, sys.stdout, verbose)
            report.text(outcome, sys.stderr if diff else sys.stdout, quiet, verbose)
    return EXIT_ATTENTION if outcome.needs_attention else EXIT_OK


def _check_output(checkpoint_path: str, output: str, force: bool) -> None:
    if os.path.isdir(output):
        raise WeightsError(f"{output}: is a directory; name the output file")
    if os.path.exists(output):
        if os.path.exists(checkpoint_path) and os.path.samefile(output, checkpoint_path):
            raise WeightsError(f"{output}: is the input checkpoint; write the result to another file")
        if not force:
            raise WeightsError(f"{output}: exists; pass --force to replace it")
    parent = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(parent):
        raise WeightsError(f"{output}: no such directory: {parent}")


def _read_names(path: str) -> set[str]:
    """One parameter name per line; blank lines and lines starting with # are ignored."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WeightsError(f"--expect: {path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    names = {line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")}
    if not names:
        raise WeightsError(f"--expect: {path}: holds no names (one parameter name per line)")
    return names


def _finding(severity, message):
    from bnport.weights.model import Finding

    return Finding(severity, None, message)
