"""The progress bar: on a terminal's stderr during long runs, never in output for tools."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cli_helpers import SLOW, write

from perflint import progress

pty = pytest.importorskip("pty", reason="needs a pseudo-terminal")


def _on_a_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """`python -m perflint ARGS` with stderr on a pseudo-terminal: (status, stdout, what
    the terminal received)."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "perflint", *args]
    stdout = tempfile.TemporaryFile()  # not a pipe: a full one would block the run while the terminal is read
    process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=follower)
    os.close(follower)
    received = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        received.append(data)
    os.close(leader)
    status = process.wait()
    stdout.seek(0)
    return status, stdout.read().decode(), b"".join(received).decode()


def _long_run(root: Path) -> None:
    """Files that take well over `progress.DELAY` to check."""
    for name in ("a.py", "b.py"):
        write(root / name, "\n\n".join(SLOW.replace("first_seen", f"f{n}") for n in range(400)))


def test_a_long_run_on_a_terminal_shows_files_done_and_rate_then_erases_the_bar(tmp_path: Path) -> None:
    _long_run(tmp_path)
    status, stdout, terminal = _on_a_terminal("--no-cache", "-j", "2", "--select", "PFL310", ".", cwd=tmp_path)
    assert status == 1 and stdout.endswith("800 findings, 800 fixable with --fix.\n")
    assert "Checking" in terminal and "/2" in terminal and "files/s" in terminal
    assert terminal.endswith(progress._ERASE), "the bar is erased: the report reads as without it"


def test_no_bar_in_output_for_tools_even_on_a_terminal(tmp_path: Path) -> None:
    _long_run(tmp_path)
    status, stdout, terminal = _on_a_terminal("--no-cache", "--select", "PFL310", "--output-format", "github", ".", cwd=tmp_path)
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
