"""Running the real `perflint` command, as a user's shell or an editor would."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from perflint.faces.cli import main

# A local bound to a dict literal: PFL310 (in-dict-keys) offers a safe fix here.
SLOW = '''def first_seen(words):
    seen = {}
    for word in words:
        if word in seen.keys():
            continue
        seen[word] = 1
    return seen
'''
FAST = SLOW.replace("seen.keys()", "seen")


# An unsafe fix that adds an import: its json edits touch three places.
QUEUE = '''def drain(items):
    queue = list(items)
    while queue:
        item = queue.pop(0)
        if item:
            queue.append(item - 1)
'''


def apply_edits(text: str, edits: list) -> str:
    """Apply json edits (1-based lines and columns) from the last to the first."""
    lines = text.splitlines(keepends=True) + [""]
    offsets = [sum(len(line) for line in lines[:index]) for index in range(len(lines))]
    for edit in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        start = offsets[edit["line"] - 1] + edit["column"] - 1
        end = offsets[edit["end_line"] - 1] + edit["end_column"] - 1
        text = text[:start] + edit["content"] + text[end:]
    return text


def perflint(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the `perflint` command in this process with its own stdin, stdout, stderr and cwd.

    Output is text, or bytes when stdin bytes are given (the stdin face writes source back).
    In-process keeps the suite fast; `run_module` is the same through a real subprocess.
    """
    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdin, sys.stdout, sys.stderr, os.getcwd()
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    )
    sys.stdin, sys.stdout, sys.stderr = streams
    os.chdir(cwd)
    try:
        code = main(list(args))
        output, errors = out.getvalue(), err.getvalue()
    finally:
        sys.stdin, sys.stdout, sys.stderr, cwd_before = saved
        os.chdir(cwd_before)
    if stdin is None:
        return _checked(subprocess.CompletedProcess(args, code, output.decode(), errors.decode()))
    return _checked(subprocess.CompletedProcess(args, code, output, errors))


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m perflint ARGS` in a subprocess: the entry point exactly as installed."""
    command = [sys.executable, "-m", "perflint", *args]
    return _checked(subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False))


def on_a_terminal(
    *args: str, cwd: Path, stdout_too: bool = False, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """`python -m perflint ARGS` with stderr (and, if `stdout_too`, stdout) on a
    pseudo-terminal: (status, stdout if not on the terminal, what the terminal received).
    Skips the test where there is no pseudo-terminal."""
    pty = pytest.importorskip("pty", reason="needs a pseudo-terminal")
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "perflint", *args]
    stdout = tempfile.TemporaryFile()  # not a pipe: a full one would block the run while the terminal is read
    process = subprocess.Popen(
        command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=follower if stdout_too else stdout, stderr=follower,
        env={**os.environ, **(env or {})},
    )
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


def _checked(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert "Traceback" not in str(result.stderr), result.stderr
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def as_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The `perflint` command run by a user without privileges, as permission tests need
    (root may write any file): in this process when it has none, else as `nobody` in a
    subprocess (`setpriv`), on a tree that user can reach. Skips the test where neither
    is possible."""
    if not hasattr(os, "geteuid"):
        pytest.skip("needs POSIX users and permissions")
    if os.geteuid() != 0:
        return perflint(*args, cwd=cwd)
    command = [*_as_nobody(), sys.executable, "-m", "perflint", *args]
    return _checked(subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False))


@functools.lru_cache(maxsize=None)
def _as_nobody() -> tuple[str, ...]:
    """`setpriv` arguments that run a command as `nobody`, once checked to run perflint."""
    import pwd  # POSIX only

    setpriv = shutil.which("setpriv")
    try:
        user = pwd.getpwnam("nobody")
    except KeyError:
        user = None
    if setpriv is None or user is None:
        pytest.skip("running as root without setpriv or a user `nobody` to drop privileges to")
    prefix = (setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups")
    probe = subprocess.run([*prefix, sys.executable, "-c", "import perflint"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"user `nobody` cannot run perflint here: {probe.stderr.strip().splitlines()[-1:]}")
    return prefix
