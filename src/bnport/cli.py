"""The `bnport` command. Heavy modules (libcst, rich) are imported only when a command runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from bnport import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bnport", message="%(prog)s %(version)s")
def main():
    """Rewrite PyTorch and Keras BatchNorm code to MindSpore."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--to", "target", type=click.Choice(["mindspore"]), default="mindspore", show_default=True,
              help="Target framework.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of what would change.")
@click.option("--check", is_flag=True, help="Write nothing; list what would change and exit 1 if anything would.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also list unchanged files.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores). Results do not depend on it.")
def rewrite(paths, target, show_diff, check, output_format, quiet, verbose, jobs):
    """Rewrite BatchNorm code in PATHS (files or directories) to MindSpore, in place."""
    from bnport.output import approximation_notes, json_document, print_text
    from bnport.rules import RuleError, load_rules
    from bnport.runner import run

    try:
        # BNPORT_RULES points at another rules directory (for rule authors and tests).
        rules_dir = os.environ.get("BNPORT_RULES")
        ruleset = load_rules(Path(rules_dir) if rules_dir else None)
    except RuleError as exc:
        click.echo(f"bnport: invalid rules: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    mode = "diff" if show_diff else "check" if check else "write"
    jobs = jobs or os.cpu_count() or 1
    results = run(list(paths), ruleset, write=mode == "write", want_diff=show_diff, jobs=jobs)

    notes = approximation_notes(results, ruleset)
    if output_format == "json":
        click.echo(json_document(results, target, with_diff=show_diff, notes=notes))
    else:
        if show_diff:
            for result in results:
                if result.diff is not None:
                    sys.stdout.write(result.diff)
        print_text(results, mode, quiet, verbose, stream=sys.stderr if show_diff else sys.stdout, notes=notes)
    sys.exit(exit_code(results, mode))


def exit_code(results, mode: str) -> int:
    if any(r.error and r.error.startswith("internal error") for r in results):
        return EXIT_ERROR
    failed = any(r.status == "error" for r in results)
    pending = mode != "write" and any(r.status == "changed" for r in results)
    unconverted = any(f.severity == "error" for r in results for f in r.findings)
    return EXIT_FINDINGS if failed or pending or unconverted else EXIT_OK
