"""Run the README's worked example and check (or reprint) what it prints.

    python scripts/readme_example.py           # exit 1 if the README's outputs differ beyond timings
    python scripts/readme_example.py --write   # reprint the README's outputs from a fresh run

The example sits between `<!-- example:start -->` and `<!-- example:end -->`: its python
block is `app.py`, and each console block holds `$ ` commands, each followed by what it
prints. They run in order in a scratch directory, through the shell, with this
environment's `perflint` and `python` first on PATH. Timings differ from run to run, so
the check masks the numbers inside the `[...]` of profiled findings and the
interpreter's version; everything else must match exactly: the program's own output,
which findings, in which order, at which lines, and the summaries.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Tuple

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- example:start -->", "<!-- example:end -->"
_BLOCK = re.compile(r"```(python|console)\n(.*?)```", re.S)
_BRACKET = re.compile(r"  \[.*\]$")

Command = Tuple[str, List[str]]  # the command, the lines the README shows it printing


def parse(readme: str) -> Tuple[str, List[Command]]:
    """app.py's source and the commands of the example, in order."""
    section = readme.split(START, 1)[1].split(END, 1)[0]
    source, commands = "", []
    for kind, body in _BLOCK.findall(section):
        if kind == "python":
            source = body
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
    return source, commands


def run(source: str, commands: List[Command]) -> List[List[str]]:
    """What each command prints, stdout and stderr as a terminal shows them."""
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    printed = []
    with tempfile.TemporaryDirectory(prefix="perflint-example-") as scratch:
        Path(scratch, "app.py").write_text(source, encoding="utf-8")
        for command, _ in commands:
            done = subprocess.run(command, shell=True, cwd=scratch, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, check=False)
            printed.append(done.stdout.splitlines())
    return printed


def masked(line: str) -> str:
    """A line with what differs between runs (timings, the interpreter) made uniform."""
    bracket = _BRACKET.search(line)
    if bracket is None:
        return line
    return line[: bracket.start()] + re.sub(r"\d[\d,.]*", "#", bracket.group())


def rewrite(readme: str, printed: List[List[str]]) -> str:
    """The README with each command of the example followed by what it printed now."""
    head, rest = readme.split(START, 1)
    section, tail = rest.split(END, 1)
    outputs = iter(printed)

    def block(match: re.Match) -> str:
        if match.group(1) == "python":
            return match.group()
        lines = []
        for line in match.group(2).splitlines():
            if line.startswith("$ "):
                lines += [line, *next(outputs)]
        return "```console\n" + "\n".join(lines) + "\n```"

    return head + START + _BLOCK.sub(block, section) + END + tail


def differences(readme: str) -> List[str]:
    source, commands = parse(readme)
    found = []
    for (command, shown), got in zip(commands, run(source, commands)):
        if [masked(line) for line in shown] != [masked(line) for line in got]:
            found.append(f"$ {command}\nREADME:\n" + "\n".join(shown) + "\nnow:\n" + "\n".join(got))
    return found


def main(argv: List[str]) -> int:
    readme = README.read_text(encoding="utf-8")
    if argv == ["--write"]:
        source, commands = parse(readme)
        README.write_text(rewrite(readme, run(source, commands)), encoding="utf-8")
        return 0
    found = differences(readme)
    print("\n\n".join(found) if found else "The README's example prints what it shows.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
