"""The `bnport` command. Heavy modules (libcst, rich) are imported only when a command runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from bnport import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 48  # a progress bar only for trees of more than a few dozen files


def _codes(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(code.strip() for code in value.split(",") if code.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bnport", message="%(prog)s %(version)s")
def main():
    """Rewrite PyTorch and Keras BatchNorm code to MindSpore."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--to", "target", type=click.Choice(["mindspore"]), default=None,
              help="Target framework (default: the config's target, mindspore).")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of what would change.")
@click.option("--check", is_flag=True, help="Write nothing; list what would change and exit 1 if anything would.")
@click.option("--output-format", type=click.Choice(["text", "json", "github", "sarif"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also show the config used, unchanged files and skipped files with the reason.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores). Results do not depend on it.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Read the configuration from this file instead of the nearest pyproject.toml.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--select", default=None, help="Comma-separated rule ids, finding codes or prefixes to apply (replaces the config's).")
@click.option("--ignore", default=None, help="Comma-separated rule ids, finding codes or prefixes to leave out (replaces the config's).")
@click.option("--statistics", "show_statistics", is_flag=True, help="Print the number of findings per code instead of each finding.")
@click.option("--extend-exclude", multiple=True, help="Another exclude glob (repeatable).")
@click.option("--assume", multiple=True, metavar="NAME=MODULE",
              help="Read NAME, bound at run time (layers = None, get_submodules_from_kwargs), as MODULE (repeatable).")
@click.option("--force-exclude", is_flag=True, help="Apply the excludes to paths named explicitly too (for pre-commit).")
@click.option("--stdin-filename", default=None, help="With PATH '-': the file name stdin stands for (config, excludes, report).")
@click.option("--no-cache", is_flag=True, help="Build the project index from scratch and write no cache.")
@click.option("--no-project", is_flag=True,
              help="Analyse each file alone: names other modules of the project export are not followed.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Where the project index is cached (default: .bnport_cache in the project root).")
def rewrite(paths, target, show_diff, check, output_format, quiet, verbose, jobs, config_file, isolated,
            select, ignore, show_statistics, extend_exclude, assume, force_exclude, stdin_filename, no_cache, no_project, cache_dir):
    """Rewrite BatchNorm code in PATHS (files or directories; '-' for stdin) to MindSpore, in place."""
    from bnport.config import ConfigError, assume_problem, check_rule_codes, resolve
    from bnport.model import Options
    from bnport.rules import RuleError, load_rules, load_selected

    if isolated and config_file:
        _fail("--isolated and --config exclude each other")
    stdin = paths == ("-",)
    if "-" in paths and not stdin:
        _fail("'-' (stdin) cannot be combined with other paths")
    if stdin_filename is not None and not stdin:
        _fail("--stdin-filename needs the path '-'")
    where = [stdin_filename] if stdin and stdin_filename else ([] if stdin else list(paths))
    assumed = []
    for entry in assume:
        name, _, module = entry.partition("=")
        problem = assume_problem(name.strip(), module.strip()) if "=" in entry else f"{entry!r} is not NAME=MODULE"
        if problem:
            _fail(f"--assume: {problem}")
        assumed.append((name.strip(), module.strip()))
    try:
        config = resolve(where, config_file, isolated, _codes(select), _codes(ignore), tuple(extend_exclude),
                         tuple(assumed))
        directory = _rules_dir()
        everything = load_rules(directory)
        flags = tuple(key for key, value in (("select", select), ("ignore", ignore)) if value is not None)
        check_rule_codes(config, [rule.id for rule in everything.rules], flags, tuple(everything.codes))
        ruleset = load_selected(directory, config.select, config.ignore)
    except ConfigError as exc:
        _fail(f"invalid configuration: {exc}")
    except RuleError as exc:
        _fail(f"invalid rules: {exc}")
    options = Options(comments=config.comments, todo_comments=config.todo_comments, unused_suppressions=verbose,
                      assume=config.assume)
    target = target or config.target
    mode = "diff" if show_diff else "check" if check else "write"
    jobs = jobs or os.cpu_count() or 1
    project = None if no_project else _project_while_importing(where, ruleset, config, cache_dir, not no_cache, jobs)
    if stdin:
        sys.exit(_rewrite_stdin(stdin_filename or "-", mode, output_format, quiet, verbose, ruleset, config,
                                options, force_exclude, target, show_statistics, project))
    if verbose and not quiet and output_format == "text":
        click.echo(config.describe(), err=True)

    from bnport.runner import run

    with _progress(enabled=output_format == "text" and not quiet) as (on_files, advance):
        results = run(list(paths), ruleset, write=mode == "write", want_diff=show_diff, jobs=jobs, config=config,
                      force_exclude=force_exclude, options=options, progress=advance, on_files=on_files,
                      keep_text=output_format == "sarif", project=project)
    _report(results, mode, output_format, quiet, verbose, ruleset, target, show_diff, show_statistics=show_statistics)
    sys.exit(exit_code(results, mode))


def _report(results, mode, output_format, quiet, verbose, ruleset, target, show_diff, stream=None,
            show_statistics=False, stdin=False):
    from bnport.leftover import summarise
    from bnport.output import (approximation_notes, github_lines, json_document, print_text, sarif_document,
                               statistics)

    stream = stream or sys.stdout
    notes = approximation_notes(results, ruleset)
    leftover = summarise([r.remaining for r in results])
    if output_format == "json":
        stream.write(json_document(results, target, with_diff=show_diff, notes=notes,
                                   statistics=statistics(results, ruleset), leftover=leftover) + "\n")
    elif output_format == "github":
        for line in github_lines(results, mode):
            stream.write(line + "\n")
    elif output_format == "sarif":
        stream.write(sarif_document(results, ruleset, __version__) + "\n")
    else:
        if show_diff and stream is sys.stdout:
            for result in results:
                if result.diff is not None:
                    sys.stdout.write(result.diff)
            stream = sys.stderr
        print_text(results, mode, quiet, verbose, stream=stream, notes=notes, stdin=stdin,
                   statistics=statistics(results, ruleset) if show_statistics else None, leftover=leftover)


def _project_while_importing(where: list[str], ruleset, config, cache_dir, use_cache: bool, jobs: int):
    """On a tree with several workers, the project index is built in a forked process while this one
    imports the converter (libcst), which the workers then inherit instead of each importing it."""
    if jobs <= 1 or not hasattr(os, "fork") or not any(os.path.isdir(p) for p in where):
        return _project(where, ruleset, config, cache_dir, use_cache, jobs)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def build():  # runs in the forked child: nothing is pickled but the index it sends back
        try:
            sender.send(("index", _project(where, ruleset, config, cache_dir, use_cache, 1)))
        except BaseException as exc:  # noqa: BLE001 - told to the parent, which builds it itself
            sender.send(("failed", repr(exc)))

    child = context.Process(target=build, daemon=True)
    child.start()
    sender.close()
    import bnport.convert  # noqa: F401 - the workers fork from here with it loaded

    try:
        kind, value = receiver.recv()
    except EOFError:
        kind, value = "failed", "the process building the index ended"
    child.join()
    return value if kind == "index" else _project(where, ruleset, config, cache_dir, use_cache, jobs)


def _project(where: list[str], ruleset, config, cache_dir, use_cache: bool, jobs: int):
    """The index of what the project's modules export, or None (stdin without a file name)."""
    if not where:
        return None
    from bnport.project import load_project, project_root
    from bnport.project.index import ProjectSet

    roots = []
    for path in where:  # each path's own project (pre-commit may pass files of several)
        root = project_root([path])
        if root is None:  # no pyproject.toml or .git above: the directory given is the project
            absolute = Path(os.path.abspath(path))
            root = absolute if absolute.is_dir() else absolute.parent
        if root not in roots:
            roots.append(root)
    directory = Path(cache_dir) if cache_dir else (Path(config.cache_dir) if config.cache_dir else None)
    patterns = (*config.exclude, *config.extend_exclude)
    indexes = {}
    for root in roots:
        cache = directory / root.name if directory is not None and len(roots) > 1 else directory
        indexes[str(root)] = load_project(
            root, ruleset, config.src, cache, use_cache, jobs,
            excluded=lambda relative, root=root: config.excluded(root / relative, False) is not None,
            exclusions=(str(config.root), *patterns))
    return next(iter(indexes.values())) if len(indexes) == 1 else ProjectSet(indexes)


def _rewrite_stdin(name, mode, output_format, quiet, verbose, ruleset, config, options, force_exclude, target,
                   show_statistics=False, project=None) -> int:
    """Source on stdin; the rewritten source (or the diff) on stdout; the report on stderr."""
    from bnport.files import excluded_path
    from bnport.model import FileResult
    from bnport.output import unified_diff

    data = sys.stdin.buffer.read()
    if verbose and not quiet and output_format == "text":
        click.echo(config.describe(), err=True)
    pattern = excluded_path(name, config) if force_exclude and name != "-" else None
    project = project.for_path(name) if project is not None else None
    try:
        if pattern is not None:
            result = FileResult(path=name, status="excluded", error=f"excluded by {pattern!r} (--force-exclude)", original=data)
        elif ruleset.mentioned_in(data) or (project is not None and project.mentioned_in(data)):
            from bnport.convert import convert_file

            result = convert_file(name, data, ruleset, options, project)
        else:
            result = FileResult(path=name, original=data)
    except Exception as exc:  # a bug in bnport must not lose the user's buffer
        result = FileResult(path=name, status="error", error=f"internal error: {type(exc).__name__}: {exc}", original=data)
    if mode == "write":
        sys.stdout.buffer.write(result.converted if result.status == "changed" else data)
        sys.stdout.flush()
    elif mode == "diff" and result.status == "changed":
        sys.stdout.write(unified_diff(result))
    _report([result], mode, output_format, quiet, verbose, ruleset, target, False, stream=sys.stderr,
            show_statistics=show_statistics, stdin=True)
    return exit_code([result], mode)


class _progress:
    """A rich progress bar on stderr for trees of more than a few dozen files, when stderr is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None
        self.task = None

    def __enter__(self):
        return self._on_files, self._advance

    def _on_files(self, count: int):
        if self.enabled and count > PROGRESS_MIN_FILES:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("converting", total=count)

    def _advance(self, step: int):
        if self.bar is not None:
            self.bar.advance(self.task, step)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


@main.command("rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a table on a terminal, plain aligned lines otherwise; json: a list of rules.")
def rules_command(output_format):
    """List every rule: id, source API, target and fix safety."""
    from bnport.catalogue import rules_json, rules_table, rules_text

    ruleset = _ruleset()
    if output_format == "json":
        click.echo(rules_json(ruleset))
    elif sys.stdout.isatty():
        from rich.console import Console

        Console().print(rules_table(ruleset))
    else:  # a pipe or a file: no table drawing, no identifier folded across lines
        click.echo(rules_text(ruleset), nl=False)


@main.command("codes")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per code; json: a list with messages, why and what to do.")
def codes_command(output_format):
    """List every finding code: code, severity and what it says (bnport explain CODE for more)."""
    from bnport.catalogue import codes_json, codes_text

    ruleset = _ruleset()
    click.echo(codes_json(ruleset) if output_format == "json" else codes_text(ruleset), nl=output_format == "json")


@main.command("explain")
@click.argument("rule_id")
def explain_command(rule_id):
    """Show one rule's or finding code's documentation: what, why, an example, what to do."""
    from bnport.catalogue import explain, explain_code

    ruleset = _ruleset()
    wanted = rule_id.upper()
    matches = [rule for rule in ruleset.rules if rule.id == wanted]
    if matches:
        click.echo(explain(matches[0]), nl=False)
    elif wanted in ruleset.codes:
        click.echo(explain_code(ruleset.codes[wanted], ruleset), nl=False)
    else:
        _fail(f"unknown rule or code {rule_id!r} (bnport rules lists them)")


@main.command("weights")
@click.argument("checkpoint", type=click.Path())
@click.option("-o", "--output", "output", type=click.Path(), default=None,
              help="Where to write: .safetensors (streamed), or .ckpt (needs MindSpore).")
@click.option("--source", "sources", multiple=True, type=click.Path(),
              help="The model's code (a directory or file; repeatable): tells BatchNorm3d, SyncBatchNorm, LayerNorm, ... apart.")
@click.option("--bn3d", multiple=True, metavar="PREFIX", help="This prefix is a BatchNorm3d (repeatable); the prefixes not named are not.")
@click.option("--expect", type=click.Path(), default=None, metavar="NAMES",
              help="A file with the MindSpore network's parameter names, one per line: report missing and unexpected names.")
@click.option("--diff", is_flag=True, help="Print the key map (old -> new, dropped, counts); write nothing.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print only what needs attention.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every layer with how it was decided, and the unchanged entries.")
def weights_command(checkpoint, output, sources, bn3d, expect, diff, force, output_format, quiet, verbose):
    """Convert the BatchNorm entries of a PyTorch checkpoint (.pt/.pth/.bin/.safetensors) to MindSpore's names."""
    from bnport.weights.command import run
    from bnport.weights.model import WeightsError

    try:
        code = run(checkpoint, output, sources=sources, bn3d=bn3d, expect=expect, diff=diff, force=force,
                   output_format=output_format, quiet=quiet, verbose=verbose, rules_dir=_rules_dir())
    except WeightsError as exc:
        _fail(str(exc))
    sys.exit(code)


def _rules_dir() -> Path | None:
    """BNPORT_RULES names another rules directory (for rule authors and tests)."""
    rules_dir = os.environ.get("BNPORT_RULES")
    return Path(rules_dir) if rules_dir else None


def _ruleset():
    from bnport.rules import RuleError, load_rules

    try:
        return load_rules(_rules_dir())
    except RuleError as exc:
        _fail(f"invalid rules: {exc}")


def _fail(message: str):
    click.echo(f"bnport: {message}", err=True)
    sys.exit(EXIT_ERROR)


def exit_code(results, mode: str) -> int:
    if any(r.error and r.error.startswith("internal error") for r in results):
        return EXIT_ERROR
    failed = any(r.status == "error" for r in results)
    pending = mode != "write" and any(r.status == "changed" for r in results)
    # A warning or error needs a person until it is dealt with or suppressed (# bnport: ignore[CODE]).
    open_findings = any(f.severity in ("error", "warning") for r in results for f in r.findings)
    return EXIT_FINDINGS if failed or pending or open_findings else EXIT_OK
