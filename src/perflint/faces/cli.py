"""The `perflint` command (click). A thin face: options in, `runner` per file, text out.

Configuration comes from `[tool.perflint]` (see `config`) with the command line on top;
`-` reads one file from stdin for editors (with `--fix`, the fixed text goes to stdout).
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

from perflint import __version__
from perflint.catalog import RuleInfo
from perflint.engine import cache, sourcefile
from perflint.engine.notebook import NotebookError, is_notebook
from perflint.engine.policy import Policy, default_policy, held_summary
from perflint.engine.runner import FileResult, Settings, add_noqa, run_files, run_notebook, run_source
from perflint.engine.selection import TARGET_VERSIONS, Target, parse_target, running_target
from perflint.faces import output, progress
from perflint.measure import profiles
from perflint.model import FileError
from perflint.project.config import Config, ConfigError
from perflint.project.discovery import discover
from perflint.project.plan import Plan
from perflint.project.resolver import Resolver

STDIN = Path("-")
F = TypeVar("F", bound=Callable[..., Any])


class UserError(Exception):
    """A mistake the user can fix: reported as one line, exit code 2."""


if TYPE_CHECKING:
    from perflint.faces.profile_report import ProfileView
    from perflint.measure import profile_run

# Commands imported only when run (or listed): `perflint FILE` starts sooner without them.
_LAZY_COMMANDS = {"bench": "perflint.faces.bench:bench_command"}


class _CheckByDefault(click.Group):
    """`perflint PATHS` means `perflint check PATHS`, as `ruff` grew to need."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in (*self.commands, *_LAZY_COMMANDS):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *_LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY_COMMANDS and name not in self.commands:
            module, _, attribute = _LAZY_COMMANDS[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_CheckByDefault, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """perflint: find and fix Python performance anti-patterns."""


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, in the order given."""
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function
    return apply


@dataclass(frozen=True)
class _Selection:
    """What `check` and `profile` both read: which rules, on which files, for which Python."""

    config_file: Path | None
    select: tuple[str, ...]
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    target_version: str | None

    def resolver(self, unsafe_fixes: bool | None = None, every_rule: bool = False) -> Resolver:
        """Each file's `[tool.perflint]` with the command line on top (`every_rule`: every
        rule runs unless the command line selects, the configured ignores still hold)."""

        def overrides(config: Config) -> Config:
            config = config.with_overrides(
                _split(self.select), _split(self.ignore), _split(self.extend_select),
                _split(self.exclude), _split(self.extend_exclude), self.target_version, unsafe_fixes,
            )
            return replace(config, select=("PFL",)) if every_rule and not self.select else config

        return Resolver(self.config_file, overrides)


def _selection(function: F) -> F:
    """The selection options, handed to the command as one `selection` argument."""
    names = [field.name for field in fields(_Selection)]

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> Any:
        return function(*args, selection=_Selection(**{name: kwargs.pop(name) for name in names}), **kwargs)

    return _SELECTION_OPTIONS(command)  # type: ignore[return-value]


_SELECTION_OPTIONS = _options(
    click.option("--config", "config_file", type=click.Path(path_type=Path), help="The pyproject.toml to read (default: the nearest one with [tool.perflint])."),
    click.option("--select", multiple=True, metavar="CODES", help="Rules to run instead of the defaults: codes, prefixes (PFL3, PFL for all) or names; comma-separated."),
    click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to run in addition to the selected ones."),
    click.option("--ignore", multiple=True, metavar="CODES", help="Rules not to run (added to the configured ones)."),
    click.option("--exclude", multiple=True, metavar="PATTERNS", help="Paths not to check (gitignore-style), replacing the configured and default ones."),
    click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Paths not to check, in addition to the excluded ones."),
    click.option("--target-version", type=click.Choice(TARGET_VERSIONS), help="Oldest Python the code must run on (default: from requires-python, else the running interpreter)."),
)
# How the files are analyzed and how much is printed.
_RUNNING = _options(
    click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary."),
    click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the number of CPUs)."),
    click.option("--no-cache", is_flag=True, help="Analyze every file, ignoring and not writing the results cache."),
    click.option("--cache-dir", type=click.Path(path_type=Path), default=cache.DEFAULT_DIR, show_default=True, help="Where results of unchanged files are kept."),
)


class _Check(click.Command):
    """`perflint --help` shows the help of `check`, the default command, so it lists the
    group's other commands too, read off the group (a command added later is listed)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        group = ctx.find_root().command
        if isinstance(group, click.Group):
            others = [
                (name, command.get_short_help_str(limit=200))
                for name, command in group.commands.items()
                if command is not self and not command.hidden
            ]
            with formatter.section("Other commands (perflint COMMAND --help)"):
                formatter.write_dl(others)


@cli.command(cls=_Check)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_selection
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files (stdin: print the fixed source).")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply fixes that may change behaviour in edge cases (with --fix or --diff).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even if findings remain.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each finding.")
@click.option("--output-format", type=click.Choice(output.FORMATS), help="full: each finding with its source and its fix (the default on a terminal); concise (or text): one line per finding (the default elsewhere); json, sarif, github: for tools.")
@click.option("--stdin-filename", metavar="PATH", help="The name of the file read from stdin (`-`), for messages and per-file-ignores.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with a finding (to adopt perflint on a large codebase).")
@_RUNNING
@click.option("--profile", "profile_file", metavar="FILE", help="Rank findings by the share of run time a profile gives them: cProfile/profile output, py-spy speedscope or raw (collapsed) stacks, or a line_profiler text report (text and json output).")
@click.option("--profile-format", type=click.Choice(("auto", *profiles.FORMATS)), default="auto", show_default=True, help="The --profile file's format (auto: detected from its content).")
@click.option("--min-share", metavar="PERCENT", help="With --profile: hide findings under this share of run time, e.g. 1%.")
@click.option("--allow-pickle", is_flag=True, help="Allow --profile to read a line_profiler .lprof file. It is a pickle, and loading a pickle can run code: only for files you made yourself.")
@click.version_option(__version__, "--version", prog_name="perflint")
def check(
    paths: tuple[Path, ...],
    selection: _Selection,
    fix: bool,
    unsafe_fixes: bool | None,
    diff: bool,
    exit_zero: bool,
    statistics: bool,
    output_format: str | None,
    stdin_filename: str | None,
    add_noqa: bool,
    quiet: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path,
    profile_file: str | None,
    profile_format: str,
    min_share: str | None,
    allow_pickle: bool,
) -> None:
    """Check PATHS (files or directories, default `.`; `-` for stdin) for slow patterns.

    Exit status: 0 no findings remain, 1 findings remain (with --diff: 1 if it has changes),
    2 usage or configuration error, or a file that cannot be read, parsed or written.
    """
    from_stdin = paths == (STDIN,) or (not paths and stdin_filename is not None)
    if STDIN in paths and not from_stdin:
        raise UserError("'-' (stdin) cannot be combined with other paths")
    if add_noqa and from_stdin:
        raise UserError("--add-noqa writes the files it checks: it cannot read stdin")
    if add_noqa and (fix or diff):
        raise UserError(f"--add-noqa cannot be combined with {'--fix' if fix else '--diff'}")
    prints_source = from_stdin and fix and not diff  # findings then go to stderr
    fmt = output.chosen(output_format, sys.stderr if prints_source else sys.stdout)
    resolver = selection.resolver(unsafe_fixes)
    target = resolver.base.target(running_target())
    profile = _profile_view(profile_file, profile_format, min_share, allow_pickle, fix or diff or add_noqa, target)

    def settings(config: Config) -> Settings:
        target = config.target(running_target())
        # A profile measures what is hot, whatever the rule: it replaces the default policy.
        policy = Policy() if profile is not None else default_policy(target, _explicit(config))
        return Settings(
            _rules(config, target), target, fix=fix or diff, unsafe_fixes=config.unsafe_fixes, diff=diff,
            describe_fixes=fmt == "json", preview_fixes=output.FIX_PREVIEWS if fmt == "full" else 0,
            policy=policy, line_length=config.line_length,
        )

    plan = Plan(resolver, settings)
    report = _Report(fmt, statistics, quiet, plan)
    report.profile = profile
    if from_stdin:
        sys.exit(_check_stdin(stdin_filename or "-", plan, report, exit_zero))
    if add_noqa:
        sys.exit(_add_noqa(_files(paths, resolver), plan))
    show_progress = progress.wanted(fmt, quiet, sys.stderr)
    results = _analyze(_files(paths, resolver), plan, jobs, None if no_cache else cache_dir, show_progress)
    report.show(results, plan.base)
    sys.exit(_exit_code(results, plan.base, exit_zero))


def _rules(config: Config, target: Target) -> list[RuleInfo]:
    try:
        return list(config.rules(target))
    except ConfigError as error:
        raise UserError(str(error)) from None


def _explicit(config: Config) -> frozenset[str]:
    try:
        return config.explicit()
    except ConfigError as error:
        raise UserError(str(error)) from None


def _files(paths: Sequence[Path], resolver: Resolver) -> list[Path]:
    """The files to check; a warning when there are none (as Ruff warns), since "No
    findings." alone would read as a clean bill for code that was never looked at."""
    roots = list(paths) or [Path(".")]
    try:
        files = list(discover(roots, resolver.exclusions))
    except FileNotFoundError as error:
        raise UserError(f"{error}: no such file or directory") from None
    if not files:
        click.echo(f"perflint: warning: no Python files found under {', '.join(map(str, roots))}", err=True)
    return files


def _analyze(
    files: Sequence[Path], plan: Plan, jobs: int | None, cache_dir: Path | None, show_progress: bool
) -> list[FileResult]:
    """Check the files, each with its configuration's settings (cached in `cache_dir`
    unless it is None), with a progress bar on stderr if `show_progress`."""
    work = [(path, plan.for_file(path)) for path in files]
    results_cache = None if cache_dir is None else cache.Cache(cache_dir, cache.fingerprint(plan.base.inline_noqa))
    if not show_progress:
        return run_files(work, jobs or os.cpu_count() or 1, results_cache)
    with progress.Progress(len(work), sys.stderr) as bar:
        return run_files(work, jobs or os.cpu_count() or 1, results_cache, bar.advance)


def _profile_view(
    file: str | None, fmt: str, min_share: str | None, allow_pickle: bool, changes_code: bool, target: Target
) -> ProfileView | None:
    if file is None:
        if min_share is not None:
            raise UserError("--min-share needs --profile")
        return None
    from perflint.faces.profile_report import ProfileView, ShareError, parse_share
    if changes_code:
        raise UserError("--profile cannot be combined with --fix, --diff or --add-noqa (fix first, then profile again)")
    try:
        return ProfileView(profiles.from_file(file, fmt, allow_pickle), target, parse_share(min_share or "0"))
    except (profiles.ProfileError, ShareError) as error:
        raise UserError(str(error)) from None


def _exit_code(results: Sequence[FileResult], settings: Settings, exit_zero: bool) -> int:
    """2 for a file that failed; with --diff, 1 when it would change something (as Ruff:
    what remains unfixed is for a run without --diff to report); else 1 when findings remain."""
    if any(r.error is not None for r in results):
        return 2
    if settings.diff:
        return 1 if any(r.diff for r in results) else 0
    remaining = any(r.diagnostics for r in results)
    return 1 if remaining and not exit_zero else 0


def _check_stdin(name: str, plan: Plan, report: _Report, exit_zero: bool) -> int:
    """Check the source on stdin, with the configuration of the file it names; with
    --fix, print it (fixed, or as it came) to stdout."""
    data = sys.stdin.buffer.read()
    settings = plan.for_file(Path(name))
    sources: dict[str, str] = {}  # the text findings are shown in (full output)
    if is_notebook(name):
        result, fixed_data = run_notebook(data, name, settings)
    else:
        try:
            text, encoding = sourcefile.decode(data)
        except sourcefile.SourceError as error:
            result, fixed_data = FileResult(name, error=FileError(name, str(error))), data
        else:
            result, fixed = run_source(text, name, settings)
            fixed_data = data if fixed == text else fixed.encode(encoding)
            sources[name] = fixed if settings.fix and not settings.diff else text
    prints_source = settings.fix and not settings.diff
    if prints_source:
        sys.stdout.buffer.write(fixed_data)
        sys.stdout.flush()
    report.show([result], settings, err=prints_source, sources=sources)
    return _exit_code([result], settings, exit_zero)


def _add_noqa(files: Sequence[Path], plan: Plan) -> int:
    """Silence every current finding with a `# noqa: CODE` comment on its line."""
    added, failed = 0, False
    for path in files:
        try:
            changed = add_noqa(path, plan.for_file(path))
        except (sourcefile.SourceError, sourcefile.WriteError, NotebookError) as error:
            _echo_error(FileError(str(path), str(error)))
            failed = True
            continue
        added += changed
    click.echo(f"Added noqa comments to {added} line{'' if added == 1 else 's'}.")
    return 2 if failed else 0


def _echo_error(error: FileError) -> None:
    click.echo(f"{error.path}: error: {error.reason}", err=True)


class _Report:
    """Prints results in the chosen format (findings on stderr when stdout carries source)."""

    def __init__(self, fmt: str, statistics: bool, quiet: bool, plan: Plan) -> None:
        self.fmt, self.statistics, self.quiet, self.plan = fmt, statistics, quiet, plan
        self.profile: ProfileView | None = None

    def show(
        self, results: Sequence[FileResult], settings: Settings, err: bool = False, sources: Mapping[str, str] | None = None
    ) -> None:
        """`sources`: the text of files that are not on disk (stdin), by path."""
        for result in results:
            if result.error is not None:
                _echo_error(result.error)
            if settings.diff and result.diff:
                click.echo(result.diff, nl=False)
        color = output.colored(sys.stderr if err else sys.stdout)
        for line in self._lines(results, settings, color, sources):
            click.echo(line, err=err)

    def _lines(
        self, results: Sequence[FileResult], settings: Settings, color: bool, sources: Mapping[str, str] | None
    ) -> list[str]:
        diagnostics = [d for r in results for d in r.diagnostics]
        unsafe = settings.unsafe_fixes
        if self.profile is not None and not self.statistics and self.fmt not in ("sarif", "github"):
            return self.profile.lines(results, unsafe, "json" if self.fmt == "json" else "text", self.quiet)
        if self.fmt == "json":
            return [output.statistics_json(diagnostics, unsafe) if self.statistics else output.as_json(results)]
        if self.fmt == "sarif":
            return [output.as_sarif(results, self.plan.rules())]
        if self.fmt == "github":
            return output.github_lines(results)
        if self.statistics:
            lines = output.statistics(diagnostics, unsafe)
        elif settings.diff:
            lines = []
        elif self.fmt == "full":
            lines = output.full_lines(results, unsafe, color, sources)
        else:
            lines = [output.text_line(d, unsafe) for d in diagnostics]
        if self.quiet:
            return lines
        applied = sum(r.applied for r in results)
        if settings.diff:
            lines.append(output.would_fix(applied, diagnostics, unsafe))
        else:
            if applied:
                lines.append(f"Fixed {applied} finding{'s' if applied != 1 else ''}.")
            lines.append(output.summary(diagnostics, unsafe, [r.error for r in results if r.error is not None]))
        held = held_summary([d for r in results for d in r.held], settings.policy)
        if held is not None:
            lines.append(held)
        return lines


DEFAULT_MIN_SHARE = "1%"
_COMMAND = "perflint.command"


class _WithCommand(click.Command):
    """Everything after the first `--` is the command to run, passed on untouched (its
    own options included)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            at = args.index("--")
            ctx.meta[_COMMAND], args = args[at + 1:], args[:at]
        return super().parse_args(ctx, args)


@cli.command("profile", cls=_WithCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_selection
@click.option("--min-share", metavar="PERCENT", default=DEFAULT_MIN_SHARE, show_default=True, help="Hide findings under this share of run time (0 shows them all, those never run last).")
@click.option("--save-profile", type=click.Path(path_type=Path), metavar="FILE", help="Keep the profile in FILE, for `perflint --profile FILE` later.")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
@_RUNNING
@click.pass_context
def profile(
    ctx: click.Context,
    paths: tuple[Path, ...],
    selection: _Selection,
    min_share: str,
    save_profile: Path | None,
    output_format: str,
    quiet: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path,
) -> None:
    """Run COMMAND under a profiler and rank the findings in PATHS (default `.`) by it.

    \b
    perflint profile [OPTIONS] [PATH]... -- COMMAND [ARGS]...
    perflint profile app.py -- python app.py
    perflint profile src -- pytest -x tests

    A Python script or `-m module` (`python ...`), or a console script of a Python
    environment (`pytest`), runs under cProfile in that Python; another command runs
    under py-spy, if it is installed. Every rule is considered (unless --select says
    otherwise); each finding shows its share of the run time and an estimated saving,
    share x (1 - 1/speedup), with its rule's speedup measured on the interpreter that ran
    the command (or --target-version). The command's output goes to stderr.

    Exit status: 0 no finding shown, 1 findings shown (also when the command failed,
    which is warned about), 2 the command cannot start or a usage error.
    """
    command = ctx.meta.get(_COMMAND, [])
    if not command:
        raise UserError("give the command to profile after `--`, e.g. perflint profile app.py -- python app.py")
    import shlex
    import tempfile

    from perflint.faces.profile_report import ProfileView, ShareError, parse_share

    try:
        share = parse_share(min_share)
    except ShareError as error:
        raise UserError(str(error)) from None
    resolver = selection.resolver(every_rule=True)
    target = resolver.base.target(running_target())

    def settings(config: Config) -> Settings:
        target = config.target(running_target())
        # Every finding is shown: the profile, not the default policy, says which matter.
        return Settings(_rules(config, target), target, describe_fixes=output_format == "json", policy=Policy())

    plan = Plan(resolver, settings)
    files = _files(paths, resolver)  # a wrong PATH fails before the command runs
    with tempfile.TemporaryDirectory(prefix="perflint-") as scratch:
        ran = _run_profiled(command, save_profile or Path(scratch) / "profile.out")
        if ran.status != 0:
            click.echo(f"perflint: warning: `{shlex.join(command)}` exited with status {ran.status}; the report covers the run up to there", err=True)
        try:
            loaded = profiles.from_file(str(ran.profile))
        except profiles.ProfileError as error:
            raise UserError(f"the command left no profile to read ({error})") from None
    explicit = selection.target_version
    view = ProfileView(loaded, parse_target(explicit) if explicit else ran.version or target, share)
    show_progress = progress.wanted(output_format, quiet, sys.stderr)
    results = _analyze(files, plan, jobs, None if no_cache else cache_dir, show_progress)
    for line in view.lines(results, plan.base.unsafe_fixes, output_format, quiet):
        click.echo(line)
    for result in results:
        if result.error is not None:
            _echo_error(result.error)
    sys.exit(2 if any(r.error for r in results) else 1 if view.ranked(results) else 0)


def _run_profiled(command: Sequence[str], destination: Path) -> profile_run.Run:
    from perflint.measure import profile_run

    try:
        return profile_run.run(command, destination)
    except profile_run.CannotStart as error:
        raise UserError(str(error)) from None


@cli.command("rules")
@click.option("--target-version", type=click.Choice(TARGET_VERSIONS), help="Show defaults for this target.")
def list_rules(target_version: str | None) -> None:
    """List every rule: code, name, whether it is on by default, its impact and its fix."""
    target = parse_target(target_version) if target_version else running_target()
    from perflint.docs import default_label, rule_rows

    rows = [("code", "name", "default", "impact", "fix")] + [
        (c, n, default_label(r, target), i, f) for r, c, n, i, f in rule_rows()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join([cell.ljust(width) for cell, width in zip(row, widths)]).rstrip())


@cli.command()
def server() -> None:
    """Run the language server on stdin and stdout, for editors (see the README's "Editors").

    It needs pygls, which perflint's `server` extra installs.
    """
    try:
        from perflint.faces.lsp.server import main as serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        raise UserError("perflint server needs pygls: install perflint with its 'server' extra (pip install '.[server]' in its repository) or pip install 'pygls>=2,<3'") from None
    serve()


@cli.command()
@click.argument("rule")
@click.option("--target-version", type=click.Choice(TARGET_VERSIONS), help="Show the speedup measured on this Python (default: the running interpreter).")
def explain(rule: str, target_version: str | None) -> None:
    """Explain RULE (a code or a name): why it is slow, what to do, examples, and its
    speedup measured on the running (or target) interpreter."""
    from perflint.docs import explain_text

    text = explain_text(rule, parse_target(target_version) if target_version else None)
    if text is None:
        raise UserError(f"unknown rule '{rule}'")
    click.echo(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: every error becomes one line on stderr and exit code 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="perflint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    except (UserError, ConfigError, click.UsageError) as error:
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
