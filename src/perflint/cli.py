"""The `perflint` command (click). A thin face: options in, `runner` per file, text out."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import click

from perflint import __version__, output
from perflint.docs import default_label, explain_text, rule_rows
from perflint.model import Diagnostic, FileError
from perflint.discovery import discover
from perflint.runner import FileResult, Settings, run_file
from perflint.selection import TARGET_VERSIONS, UnknownSelector, parse_target, select_rules


class UserError(Exception):
    """A mistake the user can fix: reported as one line, exit code 2."""


class _CheckByDefault(click.Group):
    """`perflint PATHS` means `perflint check PATHS`, as `ruff` grew to need."""

    def parse_args(self, ctx: click.Context, args: List[str]) -> List[str]:
        if not args or args[0] not in self.commands:
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_CheckByDefault, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """perflint: find and fix Python performance anti-patterns."""


def _split(values: Sequence[str]) -> List[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _running_target() -> Tuple[int, int]:
    return min(max(sys.version_info[:2], (3, 9)), (3, 14))


@cli.command(epilog="Other commands: `perflint rules` lists every rule; `perflint explain CODE` documents one.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, metavar="CODES", help="Rules to run instead of the defaults: codes, prefixes (PFL3, PFL for all) or names; comma-separated.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to run in addition to the selected ones.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules not to run.")
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour in edge cases (with --fix or --diff).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even if findings remain.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each finding.")
@click.option("--target-version", type=click.Choice(TARGET_VERSIONS), help="Oldest Python the code must run on (default: the running interpreter).")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.version_option(__version__, "--version", prog_name="perflint")
def check(
    paths: Tuple[Path, ...],
    select: Tuple[str, ...],
    extend_select: Tuple[str, ...],
    ignore: Tuple[str, ...],
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exit_zero: bool,
    statistics: bool,
    target_version: Optional[str],
    output_format: str,
    quiet: bool,
) -> None:
    """Check PATHS (files or directories, default `.`) for slow patterns.

    Exit status: 0 no findings remain, 1 findings remain (or --diff has changes),
    2 usage error or a file that cannot be read or parsed.
    """
    target = parse_target(target_version) if target_version else _running_target()
    try:
        rules = select_rules(target, _split(select) or None, _split(ignore), _split(extend_select))
    except UnknownSelector as error:
        raise UserError(str(error)) from None
    settings = Settings(rules, target, fix=fix or diff, unsafe_fixes=unsafe_fixes, diff=diff)
    try:
        files = list(discover(list(paths) or [Path(".")]))
    except FileNotFoundError as error:
        raise UserError(f"{error}: no such file or directory") from None
    results = [run_file(path, settings) for path in files]
    _report(results, settings, output_format, statistics, quiet)
    errors = [r.error for r in results if r.error is not None]
    remaining = [d for r in results for d in r.diagnostics]
    if errors:
        sys.exit(2)
    if diff and any(r.diff for r in results):
        sys.exit(1)
    sys.exit(1 if remaining and not exit_zero else 0)


def _report(results: Sequence[FileResult], settings: Settings, fmt: str, statistics: bool, quiet: bool) -> None:
    diagnostics: List[Diagnostic] = [d for r in results for d in r.diagnostics]
    errors: List[FileError] = [r.error for r in results if r.error is not None]
    for error in errors:
        click.echo(f"{error.path}: error: {error.reason}", err=True)
    if settings.diff:
        for result in results:
            if result.diff:
                click.echo(result.diff, nl=False)
    unsafe = settings.unsafe_fixes
    if fmt == "json":
        click.echo(output.as_json(diagnostics))
        return
    if statistics:
        for line in output.statistics(diagnostics, unsafe):
            click.echo(line)
    elif not settings.diff:
        for diagnostic in diagnostics:
            click.echo(output.text_line(diagnostic, unsafe))
    if quiet:
        return
    applied = sum(r.applied for r in results)
    if applied:
        verb = "Would fix" if settings.diff else "Fixed"
        click.echo(f"{verb} {applied} finding{'s' if applied != 1 else ''}.")
    if not settings.diff:
        click.echo(output.summary(diagnostics, unsafe))


@cli.command("rules")
@click.option("--target-version", type=click.Choice(TARGET_VERSIONS), help="Show defaults for this target.")
def list_rules(target_version: Optional[str]) -> None:
    """List every rule: code, name, whether it is on by default, and its fix."""
    target = parse_target(target_version) if target_version else _running_target()
    rows = [("code", "name", "default", "fix")] + [(c, n, default_label(r, target), f) for r, c, n, f in rule_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain RULE (a code or a name): why it is slow, what to do, examples."""
    text = explain_text(rule)
    if text is None:
        raise UserError(f"unknown rule '{rule}'")
    click.echo(text)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point: every error becomes one line on stderr and exit code 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="perflint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    except (UserError, click.UsageError) as error:
        click.echo(f"perflint: error: {_message(error)}", err=True)
        return 2
    except click.Abort:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # never a traceback: one line, and how to see more
        if os.environ.get("PERFLINT_DEBUG"):
            raise
        click.echo(f"perflint: internal error: {type(error).__name__}: {error} (set PERFLINT_DEBUG=1 for a traceback)", err=True)
        return 2
    return 0


def _message(error: Exception) -> str:
    if isinstance(error, click.UsageError):
        hint = " (see perflint --help)"
        return error.format_message() + hint
    return str(error)
