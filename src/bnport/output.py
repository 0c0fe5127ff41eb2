"""Reports: text for people (rich), JSON for machines, unified diffs."""

from __future__ import annotations

import difflib
import io
import json
import sys
import tokenize
from collections import Counter

from bnport.model import FileResult


def summary(results: list[FileResult]) -> dict:
    statuses = Counter(r.status for r in results)
    return {
        "files": len(results) - statuses["excluded"],
        "changed": statuses["changed"],
        "unchanged": statuses["unchanged"] + statuses["skipped"],
        "errors": statuses["error"],
        "edits": sum(len(r.edits) for r in results),
        "approximate": sum(e.safety == "approximate" for r in results for e in r.edits),
        "findings": sum(len(r.findings) for r in results),
    }


def approximation_notes(results: list[FileResult], ruleset) -> dict[str, str]:
    """Why the approximate edits of this run are approximate, once per rule that made them."""
    ids = sorted({e.rule for r in results for e in r.edits if e.safety == "approximate"})
    return {rule_id: ruleset.rule(rule_id).approximate or "" for rule_id in ids}


def json_document(results: list[FileResult], target: str, with_diff: bool, notes: dict[str, str] | None = None) -> str:
    files = []
    for result in results:
        if result.status in ("unchanged", "excluded") and not result.findings:
            continue
        entry = result.to_json()
        if with_diff and result.diff is not None:
            entry["diff"] = result.diff
        files.append(entry)
    document = {"version": 1, "target": target, "files": files, "summary": summary(results),
                "approximate": notes or {}}
    return json.dumps(document, indent=2)


def unified_diff(result: FileResult) -> str:
    before, after = _text(result.original), _text(result.converted)
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=_diff_name("a", result.path), tofile=_diff_name("b", result.path),
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _diff_name(side: str, path: str) -> str:
    return path if path.startswith("/") else f"{side}/{path}"


def _text(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_text(results: list[FileResult], mode: str, quiet: bool, verbose: bool, stream=None,
               notes: dict[str, str] | None = None) -> None:
    """`path:line:col: RULE severity: message` per finding, then one summary line."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream or sys.stdout, highlight=False, soft_wrap=True)
    severities: Counter = Counter()
    for result in results:
        if result.status == "excluded":
            if verbose:
                console.print(f"skipped {escape(result.path)} ({escape(result.error)})", style="dim")
            continue
        if result.status in ("error", "skipped"):
            # Parse errors carry their own `line:col: `; other errors follow the path after ": ".
            where = result.error if result.error[:1].isdigit() else f" {result.error}"
            if result.status == "error" or not quiet:
                console.print(f"[bold]{escape(result.path)}[/]:{escape(where)}", style="red" if result.status == "error" else "yellow")
        for finding in result.findings:
            severities[finding.severity] += 1
            if quiet and finding.severity != "error":
                continue
            console.print(
                f"[bold]{escape(result.path)}[/]:{finding.line}:{finding.column}: {finding.rule} "
                f"[{_STYLES[finding.severity]}]{finding.severity}[/]: {escape(finding.message)}"
            )
        if result.status == "changed" and not quiet:
            verb = {"write": "rewrote", "check": "would rewrite", "diff": "would rewrite"}[mode]
            approximate = sum(e.safety == "approximate" for e in result.edits)
            extra = f", {approximate} approximate" if approximate else ""
            console.print(f"{verb} {escape(result.path)} ({_plural(len(result.edits), 'edit')}{extra})")
        elif verbose and result.status == "unchanged":
            console.print(f"unchanged {escape(result.path)}", style="dim")
    if quiet:
        return
    s = summary(results)
    changed = "changed" if mode == "write" else "would change"
    found = ", ".join(_plural(severities[k], k) for k in ("error", "warning", "info"))
    approximate = f" ({s['approximate']} approximate)" if s["approximate"] else ""
    console.print(
        f"{s['files']} files scanned: {s['changed']} {changed}, {s['unchanged']} unchanged, "
        f"{s['errors']} failed; {_plural(s['edits'], 'edit')}{approximate}; findings: {found}"
    )
    for rule_id, why in (notes or {}).items():
        console.print(f"approximate ({rule_id}): {escape(' '.join(why.split()))}", style="yellow")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
