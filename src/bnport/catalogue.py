"""`bnport rules` and `bnport explain ID`: the rule catalogue and the finding codes, generated from the rule data."""

from __future__ import annotations

from bnport.rules import Rule, RuleSet

SAFETY_TEXT = {
    "exact": "exact: the converted layer computes the same numbers (checked by running both frameworks)",
    "approximate": "approximate: the edit is made and marked approximate in the report",
    "report-only": "report-only: nothing is rewritten; each use is reported",
}


def rules_table(ruleset: RuleSet):
    from rich.table import Table

    table = Table(title="bnport rules", show_lines=False)
    for column in ("id", "source API", "target", "safety"):
        table.add_column(column, overflow="fold")
    for rule in ruleset.rules:
        table.add_row(rule.id, "\n".join(_sources(rule)), "\n".join(_targets(rule)) or "(none)", rule.safety)
    return table


def rules_text(ruleset: RuleSet) -> str:
    """The catalogue as plain aligned text, one line per rule (for pipes and files: no wrapping,
    no identifier broken across lines); the short columns first."""
    rows = [("id", "safety", "source API", "target")]
    rows += [(rule.id, rule.safety, ", ".join(_sources(rule)), ", ".join(_targets(rule)) or "(none)")
             for rule in ruleset.rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "".join("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[3]]) + "\n"
                   for row in rows)


def rules_json(ruleset: RuleSet) -> str:
    """The catalogue for machines: id, title, every source name, targets, safety."""
    import json

    return json.dumps([{"id": rule.id, "title": rule.title, "sources": _sources(rule, every=True),
                        "targets": _targets(rule), "safety": rule.safety} for rule in ruleset.rules], indent=2)


def codes_text(ruleset: RuleSet) -> str:
    """Every finding code, one plain aligned line each: code, severity, title."""
    codes = sorted(ruleset.codes.values(), key=lambda c: c.id)
    width = max(len(c.severity) for c in codes)
    return "".join(f"{c.id}  {c.severity.ljust(width)}  {c.title}\n" for c in codes)


def codes_json(ruleset: RuleSet) -> str:
    import json

    return json.dumps([{"code": c.id, "severity": c.severity, "title": c.title, "message": c.message,
                        "why": c.why, "fix": c.fix} for c in sorted(ruleset.codes.values(), key=lambda c: c.id)], indent=2)


def explain(rule: Rule) -> str:
    """What the rule does, why, an example, and how safe its edit is (markdown-ish plain text)."""
    lines = [f"{rule.id}: {rule.title}", "", "Source APIs:"]
    lines += [f"  {source}" for source in _sources(rule, every=True)]
    targets = _targets(rule)
    lines += ["", "Target:" if targets else "Target: none (report-only)"] + [f"  {t}" for t in targets]
    lines += ["", "Why:", *("  " + line for line in rule.why.splitlines())]
    if rule.report:
        lines += ["", "Finding:", f"  {rule.report}"]
    arguments = [f"  {name}: {_argument(spec)}" for name, spec in rule.args.items()]
    if arguments:
        lines += ["", "Arguments:", *arguments]
    lines += ["", f"Fix safety: {SAFETY_TEXT[rule.safety]}"]
    if rule.approximate:
        lines += ["  " + " ".join(rule.approximate.split())]
    for number, example in enumerate(rule.examples, 1):
        lines += ["", f"Example {number}, before:", *_indented(example.before), "after:", *_indented(example.after)]
    return "\n".join(lines) + "\n"


def _sources(rule: Rule, every: bool = False) -> list[str]:
    """Source names; without `every`, one spelling per class (the shortest module path)."""
    names = [s for api in rule.apis for s in api.sources]
    if every:
        return names
    shortest: dict[str, str] = {}
    for name in names:
        last = name.rsplit(".", 1)[-1]
        if last not in shortest or len(name) < len(shortest[last]):
            shortest[last] = name
    return list(shortest.values())


def _targets(rule: Rule) -> list[str]:
    targets = [api.target for api in rule.apis if api.target] + [v.target for v in rule.variants.values() if v.target]
    return list(dict.fromkeys(targets))


def _argument(spec) -> str:
    parts = []
    if spec.to:
        parts.append(f"-> {spec.to}" + (" (1 - value)" if spec.transform == "one_minus" else "")
                     + (f", written out as {spec.default} when not given" if spec.default else ""))
    if spec.drop:
        parts.append(f"removed and reported: {spec.drop}")
    for literal, action in spec.values.items():
        if action.kind == "to":
            parts.append(f"{literal} -> {action.to}={action.value}")
        elif action.kind == "target":
            parts.append(f"{literal} -> builds the {action.target} variant")
        else:
            parts.append(f"{literal}: {action.kind} ({action.message})")
    if spec.otherwise:
        parts.append(f"otherwise -> {spec.otherwise.to}={spec.otherwise.template}")
    return "; ".join(parts)


def _indented(code: str) -> list[str]:
    return ["    " + line for line in code.strip("\n").splitlines()]


def explain_code(code, ruleset: RuleSet) -> str:
    """One finding code, ruff-style: what it says, why, an example that raises it, what to do."""
    lines = [f"{code.id}: {code.title}", "", f"Severity: {code.severity}"
             + (" (needs a person: written beside the code as a marker until it is done or suppressed)"
                if code.severity != "info" else ""),
             "", "What it says:", f"  {code.message}", "", "Why:", f"  {code.why}", "", "What to do:", f"  {code.fix}"]
    example = example_of(code, ruleset)
    if example is not None:
        result = run_example(example, ruleset)
        said = [f"  {result.path}:{f.line}:{f.column}: {f.code} {f.severity}: {f.message}"
                for f in result.findings if f.code == code.id]
        after = example if result.status != "changed" or result.path.endswith(".ipynb") else result.converted.decode()
        lines += ["", "Example:", *_indented(example), "bnport says:", *said, "and writes:", *_indented(after)]
    lines += ["", f"Suppress one: # bnport: ignore[{code.id}]   All of them: --ignore {code.id}"]
    return "\n".join(lines) + "\n"


def run_example(example: str, ruleset: RuleSet):
    """Convert an example: Python source, or (starting with a cell magic) one notebook cell."""
    import json

    from bnport.convert import convert_file

    if example.startswith("%%"):
        cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": example}
        notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        return convert_file("example.ipynb", (json.dumps(notebook, indent=1) + "\n").encode(), ruleset)
    return convert_file("example.py", example.encode(), ruleset)


def example_of(code, ruleset: RuleSet) -> str | None:
    """Source that raises the code: its own example, else the first rule example that does."""
    if code.example:
        return code.example.lstrip("\n")
    from bnport.convert import convert_file

    for rule in ruleset.rules:
        for example in rule.examples:
            result = convert_file("example.py", example.before.encode(), ruleset)
            if any(f.code == code.id for f in result.findings):
                return example.before
    return None
