"""Reports: text for people (rich), JSON for machines, unified diffs."""

from __future__ import annotations

import difflib
import io
import json
import sys
import tokenize
from collections import Counter

from bnport.model import FileResult, Finding


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


def json_document(results: list[FileResult], target: str, with_diff: bool, notes: dict[str, str] | None = None,
                  statistics: list[dict] | None = None, leftover: list[dict] | None = None) -> str:
    files = []
    for result in results:
        if result.status in ("unchanged", "excluded") and not result.findings:
            continue
        entry = result.to_json()
        if with_diff and result.diff is not None:
            entry["diff"] = result.diff
        files.append(entry)
    document = {"version": 1, "target": target, "files": files, "summary": summary(results),
                "approximate": notes or {}, "statistics": statistics or [], "remaining": leftover or []}
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
               notes: dict[str, str] | None = None, statistics: list[dict] | None = None,
               leftover: list[dict] | None = None, stdin: bool = False) -> None:
    """`path:line:col: CODE severity: message` per finding (identical ones in a file merged, with a
    count), then one summary line; with `statistics`, a count per code instead of the findings. For
    `stdin`, the one source read from stdin: a line saying what happened to it and where the result went."""
    say = _printer(stream or sys.stdout)
    severities: Counter = Counter()
    for result in results:
        if stdin and result.status == "excluded":
            if not quiet:
                say(_stdin_line(result, mode))
            continue
        if result.status == "excluded":
            if verbose:
                say((f"skipped {result.path} ({result.error})", "dim"))
            continue
        if result.status in ("error", "skipped"):
            # Parse errors carry their own `line:col: `; other errors follow the path after ": ".
            where = result.error if result.error[:1].isdigit() else f" {result.error}"
            if result.status == "error" or not quiet:
                style = "red" if result.status == "error" else "yellow"
                say((result.path, f"bold {style}"), (f":{where}", style))
        severities.update(finding.severity for finding in result.findings)
        for finding, others in ([] if statistics is not None else merged(result.findings)):
            if quiet and finding.severity != "error":
                continue
            more = ""
            if others:
                places = ", ".join(f"{_cell(f)}{f.line}" for f in others[:10]) + (", ..." if len(others) > 10 else "")
                more = f" [and {len(others)} more like it: line{'s' if len(others) > 1 else ''} {places}]"
            say((result.path, "bold"), f":{_cell(finding)}{finding.line}:{finding.column}: {finding.code} ",
                (finding.severity, _STYLES[finding.severity]), f": {finding.message}{more}")
        if stdin:
            if not quiet:
                say(_stdin_line(result, mode))
            continue
        if result.status == "changed" and not quiet:
            verb = {"write": "rewrote", "check": "would rewrite", "diff": "would rewrite"}[mode]
            approximate = sum(e.safety == "approximate" for e in result.edits)
            extra = f", {approximate} approximate" if approximate else ""
            say(f"{verb} {result.path} ({_plural(len(result.edits), 'edit')}{extra})")
        elif verbose and result.status == "unchanged":
            say((f"unchanged {result.path}", "dim"))
    if quiet:
        return
    if statistics is not None:
        for row in statistics:
            say(f"{row['count']:>6}  {row['code']}  ", (f"{row['severity']:<7}", _STYLES[row["severity"]]), f"  {row['title']}")
    if stdin:  # the line above says it all
        for rule_id, why in (notes or {}).items():
            say((f"approximate ({rule_id}): {' '.join(why.split())}", "yellow"))
        return
    if all(r.status == "excluded" for r in results):  # an empty tree, or everything excluded: not a summary
        excluded = f" ({_plural(len(results), 'path')} excluded{'' if verbose else '; -v lists them'})" if results else ""
        _printer(sys.stderr)(f"no Python files found{excluded}")
        return
    s = summary(results)
    changed = "changed" if mode == "write" else "would change"
    found = ", ".join(_plural(severities[k], k) for k in ("error", "warning", "info"))
    approximate = f" ({s['approximate']} approximate)" if s["approximate"] else ""
    say(f"{s['files']} files scanned: {s['changed']} {changed}, {s['unchanged']} unchanged, "
        f"{s['errors']} failed; {_plural(s['edits'], 'edit')}{approximate}; findings: {found}")
    for rule_id, why in (notes or {}).items():
        say((f"approximate ({rule_id}): {' '.join(why.split())}", "yellow"))
    for entry in leftover or ():
        names = ", ".join(f"{n['name']} {n['files']}" for n in entry["most_used"])
        verb = "uses" if entry["files"] == 1 else "use"
        say((f"{_plural(entry['files'], 'file')} with BatchNorm code still {verb} {entry['framework']}"
             + (f": {names}" if names else "")
             + " (files using each) - bnport converts BatchNorm only", "dim"))


def merged(findings: list[Finding]) -> list[tuple[Finding, list[Finding]]]:
    """Identical findings (same code and message) of one file: the first, and the others like it."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.code, finding.severity, finding.message), []).append(finding)
    return [(group[0], group[1:]) for group in groups.values()]


def statistics(results: list[FileResult], ruleset) -> list[dict]:
    """Findings counted per code (ruff's --statistics), most frequent first."""
    counts = Counter(f.code for r in results for f in r.findings)
    rows = []
    for code, count in counts.most_common():
        known = ruleset.codes.get(code)
        severity = known.severity if known else next(f.severity for r in results for f in r.findings if f.code == code)
        rows.append({"code": code, "count": count, "severity": severity, "title": known.title if known else ""})
    return rows


def _stdin_line(result: FileResult, mode: str) -> str:
    """What happened to the source read from stdin, and what is on stdout."""
    name = "stdin" if result.path == "-" else f"{result.path} (stdin)"
    if result.status == "changed":
        approximate = sum(e.safety == "approximate" for e in result.edits)
        edits = _plural(len(result.edits), "edit") + (f" ({approximate} approximate)" if approximate else "")
        where = {"write": "converted, {}; the result is on stdout", "diff": "would be converted, {}; the diff is on stdout",
                 "check": "would be converted, {}"}[mode]
        return f"{name}: {where.format(edits)}"
    if result.status in ("error", "excluded"):
        what = "not converted" if result.status == "error" else result.error
        return f"{name}: {what}" + ("; the input is on stdout as it was" if mode == "write" else "")
    return f"{name}: unchanged" + ("; the input is on stdout as it was" if mode == "write" else "")


def _printer(stream):
    """print(*parts), a part being text or (text, style): in colour through rich on a terminal,
    plain otherwise (pre-commit, CI, pipes), where rich is not even imported."""
    if stream.isatty():
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, soft_wrap=True)
        return lambda *parts: console.print(Text.assemble(*parts))
    return lambda *parts: stream.write("".join(p if isinstance(p, str) else p[0] for p in parts) + "\n")


def _cell(finding) -> str:
    return f"cell {finding.cell}:" if finding.cell is not None else ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def github_lines(results: list[FileResult], mode: str) -> list[str]:
    """GitHub Actions workflow commands: one annotation per finding, failed file and file to rewrite."""
    lines = []
    for result in results:
        path = _escape_property(result.path)
        if result.status == "error":
            lines.append(f"::error file={path},title=bnport::{_escape_data(result.error or '')}")
        for finding in result.findings:
            level = _GITHUB_LEVELS[finding.severity]
            title = _escape_property(f"bnport {finding.code}" + (f" (cell {finding.cell})" if finding.cell else ""))
            lines.append(f"::{level} file={path},line={finding.line},col={finding.column},"
                         f"title={title}::{_escape_data(finding.message)}")
        if result.status == "changed":
            verb = "rewrote" if mode == "write" else "would rewrite"
            lines.append(f"::notice file={path},title=bnport::{verb} this file ({_plural(len(result.edits), 'edit')})")
    return lines


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def sarif_document(results: list[FileResult], ruleset, version: str) -> str:
    """SARIF 2.1.0: a result per finding; a file bnport rewrites carries the rewrite as a fix."""
    rules = [{
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.why.split())},
        "properties": {"safety": rule.safety},
    } for rule in ruleset.rules]
    rules += [{
        "id": code.id,
        "name": code.id,
        "shortDescription": {"text": code.title},
        "fullDescription": {"text": f"{code.why} {code.fix}"},
        "defaultConfiguration": {"level": _SARIF_LEVELS[code.severity]},
    } for code in ruleset.codes.values() if code.id not in {rule.id for rule in ruleset.rules}]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    sarif_results = []
    for result in results:
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(result.path)}}}
        if result.status == "error":
            sarif_results.append({"level": "error", "message": {"text": result.error or "error"}, "locations": [location]})
        for finding in result.findings:
            region = {"startLine": finding.line, "startColumn": finding.column}
            sarif_results.append({
                "ruleId": finding.code, "ruleIndex": index[finding.code],
                "level": _SARIF_LEVELS[finding.severity], "message": {"text": finding.message},
                "locations": [{"physicalLocation": {**location["physicalLocation"], "region": region}}],
            })
        if result.status == "changed" and result.original is not None and result.converted is not None:
            first = result.edits[0]
            original, converted = _text(result.original), _text(result.converted)
            sarif_results.append({
                "ruleId": first.rule, "ruleIndex": index[first.rule], "level": "warning",
                "message": {"text": f"bnport rewrites this file for MindSpore ({_plural(len(result.edits), 'edit')})"},
                "locations": [{"physicalLocation": {**location["physicalLocation"],
                                                    "region": {"startLine": first.line, "startColumn": first.column}}}],
                "fixes": [{
                    "description": {"text": "the file as bnport rewrites it"},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": _uri(result.path)},
                        "replacements": [{"deletedRegion": {"charOffset": 0, "charLength": len(original)},
                                          "insertedContent": {"text": converted}}],
                    }],
                }],
            })
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "bnport", "version": version, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    return json.dumps(document, indent=2)


def _uri(path: str) -> str:
    from pathlib import PurePath

    return PurePath(path).as_posix()
