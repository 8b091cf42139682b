"""The progress bar: on a terminal's stderr during long runs, never in output for tools."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cli_helpers import SLOW, on_a_terminal, write

from perflint.faces import progress


def _long_run(root: Path) -> None:
    """Files that take well over `progress.DELAY` to check."""
    for name in ("a.py", "b.py"):
        write(root / name, "\n\n".join(SLOW.replace("first_seen", f"f{n}") for n in range(400)))


def test_a_long_run_on_a_terminal_shows_files_done_and_rate_then_erases_the_bar(tmp_path: Path) -> None:
    _long_run(tmp_path)
    status, stdout, terminal = on_a_terminal("--no-cache", "-j", "2", "--select", "PFL310", ".", cwd=tmp_path)
    assert status == 1 and stdout.endswith("800 findings, 800 fixable with --fix.\n")
    assert "Checking" in terminal and "/2" in terminal and "files/s" in terminal
    assert terminal.endswith(progress._ERASE), "the bar is erased: the report reads as without it"


def test_no_bar_in_output_for_tools_evenon_a_terminal(tmp_path: Path) -> None:
    _long_run(tmp_path)
    status, stdout, terminal = on_a_terminal("--no-cache", "--select", "PFL310", "--output-format", "github", ".", cwd=tmp_path)
    assert status == 1 and stdout.startswith("::warning ") and terminal == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("fmt", "quiet", "stream", "expected"),
    [
        ("concise", False, _Terminal(), True),
        ("full", False, _Terminal(), True),
        ("text", False, _Terminal(), True),
        ("json", False, _Terminal(), False),
        ("sarif", False, _Terminal(), False),
        ("github", False, _Terminal(), False),
        ("concise", True, _Terminal(), False),
        ("concise", False, io.StringIO(), False),  # a pipe, a log, pre-commit
    ],
)
def test_when_a_bar_may_be_drawn(fmt: str, quiet: bool, stream: io.StringIO, expected: bool) -> None:
    assert progress.wanted(fmt, quiet, stream) is expected


def test_a_quick_run_never_shows_the_bar() -> None:
    terminal = _Terminal()
    with progress.Progress(3, terminal) as bar:
        bar.advance(3)
    assert terminal.getvalue() == ""
