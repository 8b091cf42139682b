"""`perflint profile`: run the user's command under a profiler, in a process of its own.

The command's first word decides how:
- a Python interpreter (`python`, `python3.12`, `pypy3`, a path to one) running a script
  or `-m module`: that interpreter runs it under cProfile (see `cprofile_main`);
- a console script of an environment (`pytest`, `sphinx-build`): the Python its shebang
  names runs the script file under cProfile, the same way;
- anything else (a shell script, `make`, `uv run`): py-spy, if it is installed, samples
  the command and the Python processes it starts (from the moment it finds them, so the
  first tenth of a second or so of a child process can go unsampled).

perflint never imports the user's code: the profiled program runs in the child process
only. Its output goes to perflint's stderr, so that stdout carries only the report.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from perflint.measure.speedups import Version

_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?$")
# Interpreter options followed by a value, as in `python -W error app.py`.
_WITH_VALUE = frozenset({"-W", "-X", "--check-hash-based-pycs"})
_CHILD = Path(__file__).with_name("cprofile_main.py")


class CannotStart(Exception):
    """The command cannot be run as asked; the message says why, in one line."""


@dataclass(frozen=True)
class Run:
    """A finished run: where its profile is, how the command ended, what ran it."""

    profile: Path
    status: int  # the command's exit status
    profiler: str  # "cProfile" or "py-spy"
    interpreter: str = ""  # "CPython 3.12.1" when a Python ran under cProfile, else ""
    version: Optional[Version] = None


def is_python(executable: str) -> bool:
    return bool(_PYTHON.match(Path(executable).name))


def _resolve(word: str) -> str:
    """The file a shell would run for `word`."""
    found = shutil.which(word) if os.sep not in word else (word if os.access(word, os.X_OK) and os.path.isfile(word) else None)
    if found is None:
        hint = " (to profile a script, name its interpreter: -- python SCRIPT)" if word.endswith(".py") else ""
        raise CannotStart(f"cannot run `{word}`: no such command{hint}")
    return found


def shebang_python(script: str) -> Optional[str]:
    """The Python interpreter a script's first lines name, if any: `#!/venv/bin/python`,
    `#!/usr/bin/env python3`, or the `exec` line pip writes under `#!/bin/sh` for long paths."""
    try:
        with open(script, "rb") as handle:
            head = handle.read(1024).decode("utf-8", "replace").splitlines()[:2]
    except OSError:
        return None
    if not head or not head[0].startswith("#!"):
        return None
    words = head[0][2:].split()
    if words[:1] and Path(words[0]).name == "env":
        words = words[1:]
    if words and is_python(words[0]):
        return shutil.which(words[0]) if os.sep not in words[0] else words[0]
    exec_line = re.match(r"""^'''exec' "?([^"]+?)"? "\$0" "\$@"$""", head[1]) if len(head) > 1 else None
    return exec_line.group(1) if exec_line and is_python(exec_line.group(1)) else None


def _split_interpreter_options(arguments: Sequence[str]) -> tuple[list[str], list[str]]:
    """`-u -X dev app.py args` -> (["-u", "-X", "dev"], ["app.py", "args"])."""
    at = 0
    while at < len(arguments) and arguments[at].startswith("-") and arguments[at] != "-m":
        if arguments[at] == "-" or arguments[at].startswith("-c"):
            raise CannotStart("cProfile runs a script or `-m module`, not `-c` code or stdin: put the code in a file")
        at += 2 if arguments[at] in _WITH_VALUE else 1
    options, rest = list(arguments[:at]), list(arguments[at:])
    if not rest or rest == ["-m"]:
        raise CannotStart("name the script or `-m module` for Python to run")
    return options, rest


def cprofile_command(python: str, arguments: Sequence[str], status: Path, profile: Path) -> list[str]:
    options, program = _split_interpreter_options(arguments)
    return [python, *options, "-c", _CHILD.read_text(encoding="utf-8"), str(status), str(profile), *program]


def run(command: Sequence[str], profile: Path) -> Run:
    """Run `command` under cProfile (Python) or py-spy (anything else, if installed),
    writing the profile to `profile`. Raises CannotStart."""
    if not command:
        raise CannotStart("no command to profile: give it after `--`, e.g. perflint profile . -- python app.py")
    executable = _resolve(command[0])
    python, arguments = (executable, command[1:]) if is_python(command[0]) else (shebang_python(executable), [executable, *command[1:]])
    if python is not None:
        return _under_cprofile(python, arguments, profile)
    spy = find_py_spy()
    if spy is None:
        raise CannotStart(
            f"`{command[0]}` is neither a Python interpreter nor a Python console script; "
            "install py-spy to profile other commands"
        )
    return _under_py_spy(spy, [executable, *command[1:]], profile)


def find_py_spy() -> Optional[str]:
    """py-spy on PATH, or beside the Python running perflint (an environment not activated)."""
    return shutil.which("py-spy") or shutil.which("py-spy", path=os.path.dirname(sys.executable))


def _under_py_spy(spy: str, command: Sequence[str], profile: Path) -> Run:
    """py-spy samples the command and the Python processes it starts. Its own exit
    status does not tell the command's, so where there is a POSIX shell, a shell (which
    py-spy does not sample) runs the command and writes its status down."""
    shell = shutil.which("sh")
    with tempfile.TemporaryDirectory(prefix="perflint-") as scratch:
        status_file = Path(scratch) / "status"
        wrapped = list(command)
        if shell is not None:
            wrapped = [shell, "-c", 'out=$1; shift; "$@"; echo $? > "$out"', "sh", str(status_file), *command]
        spied = [spy, "record", "--subprocesses", "--format", "raw", "--output", str(profile), "--", *wrapped]
        status = _wait(spied)
        if shell is not None:
            try:
                status = int(status_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass  # py-spy itself failed before the command ended: its status stands
    return Run(profile, status, "py-spy")


def _under_cprofile(python: str, arguments: Sequence[str], profile: Path) -> Run:
    with tempfile.TemporaryDirectory(prefix="perflint-") as scratch:
        status_file = Path(scratch) / "status.json"
        status = _wait(cprofile_command(python, arguments, status_file, profile))
        try:
            record = json.loads(status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CannotStart(f"`{python}` did not start the profiled program (is it Python 3?)") from None
    if record["error"]:
        raise CannotStart(f"cannot run the command: {record['error']}")
    version = tuple(int(part) for part in record["version"].split(".")[:2])
    return Run(profile, status, "cProfile", f"{record['implementation']} {record['version']}", (version[0], version[1]))


def _wait(command: Sequence[str]) -> int:
    """Run to the end, the command's output going to our stderr; its exit status."""
    sys.stderr.flush()
    try:
        stderr = sys.stderr.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # a stream in memory (tests, IDEs)
        stderr = None
    try:
        done = subprocess.run(
            list(command), stdout=stderr if stderr is not None else subprocess.PIPE,
            stderr=None if stderr is not None else subprocess.STDOUT, check=False,
        )
    except OSError as error:
        raise CannotStart(f"cannot run `{command[0]}`: {error.strerror or error}") from None
    if done.stdout:
        sys.stderr.write(done.stdout.decode(errors="replace"))
    return done.returncode
