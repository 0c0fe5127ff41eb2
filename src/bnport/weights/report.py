"""What `bnport weights` prints: the key map (--diff), a text report, or one JSON document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TextIO

from bnport.weights.mapping import Plan
from bnport.weights.model import Finding
from bnport.weights.read import Checkpoint
from bnport.weights.write import Written

NEEDS_ATTENTION = ("warning", "error")


@dataclass
class Outcome:
    checkpoint: Checkpoint
    plan: Plan
    findings: list[Finding]  # reading, --source and mapping, in that order
    written: Written | None  # None with --diff
    output: str | None
    expected: bool = False  # --expect was given

    @property
    def needs_attention(self) -> bool:
        return any(f.severity in NEEDS_ATTENTION for f in self.findings)

    def summary(self) -> dict:
        plan = self.plan
        return {"layers": len(plan.layers), "renamed": len(plan.renamed), "dropped": len(plan.dropped),
                "filled": len(plan.filled), "unchanged": len(plan.unchanged), "tensors": len(plan.items),
                "findings": len(self.findings)}


def key_map(outcome: Outcome, stream: TextIO, verbose: bool = False) -> None:
    """--diff: every renamed, dropped and filled key, then the counts (the unchanged keys with -v)."""
    plan = outcome.plan
    for old, new in plan.renamed:
        stream.write(f"{old} -> {new}\n")
    for key, reason in plan.dropped:
        stream.write(f"{key} -> (dropped: {reason})\n")
    for key, value, reason in plan.filled:
        stream.write(f"(added) -> {key} = {value} ({reason})\n")
    if verbose:
        for key in plan.unchanged:
            stream.write(f"{key} (unchanged)\n")
    stream.write(f"{len(plan.renamed)} renamed, {len(plan.dropped)} dropped, {len(plan.filled)} added, "
                 f"{len(plan.unchanged)} unchanged\n")


def text(outcome: Outcome, stream: TextIO, quiet: bool = False, verbose: bool = False) -> None:
    checkpoint, plan = outcome.checkpoint, outcome.plan
    name = checkpoint.path
    for finding in outcome.findings:
        if quiet and finding.severity not in NEEDS_ATTENTION:
            continue
        where = f"{name}: {finding.key}" if finding.key is not None else name
        stream.write(f"{where}: {finding.severity}: {finding.message}\n")
    if quiet:
        return
    if verbose:
        for layer in plan.layers:
            under = f" (entries under {layer.path}.)" if layer.path else ""
            stream.write(f"{name}: {layer.prefix or '(top level)'}: {layer.label}{under}, decided by {layer.decided_by}\n")
        for key in plan.unchanged:
            stream.write(f"{name}: {key}: unchanged (not BatchNorm)\n")
    stream.write(f"{name}: {len(plan.layers)} BatchNorm layer(s): {len(plan.renamed)} entries renamed, "
                 f"{len(plan.dropped)} dropped, {len(plan.filled)} added; {len(plan.unchanged)} entries unchanged"
                 f"{'' if verbose or not plan.unchanged else ' (-v lists them)'}\n")
    if outcome.written is not None:
        stream.write(f"wrote {outcome.written.path} ({outcome.written.format}, {outcome.written.tensors} tensors, "
                     f"{_size(outcome.written.bytes)})\n")
    else:
        stream.write("nothing written (--diff)\n")


def json_document(outcome: Outcome) -> str:
    checkpoint, plan, written = outcome.checkpoint, outcome.plan, outcome.written
    document = {
        "version": 1,
        "input": {"path": checkpoint.path, "format": checkpoint.format, "container": checkpoint.container,
                  "stripped_prefix": checkpoint.stripped, "memory_mapped": checkpoint.memory_mapped},
        "output": None if written is None else {"path": written.path, "format": written.format,
                                                "tensors": written.tensors, "bytes": written.bytes},
        "layers": [{"prefix": l.prefix, "class": l.label, "attribute_path": l.path, "decided_by": l.decided_by}
                   for l in plan.layers],
        "renamed": [{"from": old, "to": new} for old, new in plan.renamed],
        "dropped": [{"key": key, "reason": reason} for key, reason in plan.dropped],
        "added": [{"key": key, "value": value, "reason": reason} for key, value, reason in plan.filled],
        "unchanged": plan.unchanged,
        "findings": [f.to_json() for f in outcome.findings],
        "summary": outcome.summary(),
    }
    if outcome.expected:
        document["expect"] = {"missing": plan.missing, "unexpected": plan.unexpected}
    return json.dumps(document, indent=2)


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} bytes"
