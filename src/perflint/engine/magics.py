"""Which lines of a notebook cell are IPython syntax rather than Python.

IPython runs a cell after rewriting a few forms no Python parser accepts: line magics
(`%timeit f()`), shell escapes (`!pip install x`, `files = !ls`), help (`obj?`, `??obj`),
the autocall escapes (`/f 1`, `,f a b`, `;f a b`), automagic (`pip install x`, a magic
called without its `%`) and cell magics (`%%bash` on the first line, which hands the
whole cell to another program). perflint does what IPython does, without IPython: it
finds those lines, so the notebook can mask them, and never parses them. A form counts
only where a statement can start (not inside a string or brackets), as IPython reads
it; a magic goes on to the next line after a `\\` or inside brackets, as a statement
would.

A cell magic whose body is Python that IPython runs (`%%time`, `%%timeit`, ...) only
masks its first line; any other cell magic makes the cell not Python at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence, Set

# Cell magics that run their body as Python (the first line only holds options).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# Names IPython also runs without the `%` (automagic): its line magics and shell aliases.
AUTOMAGICS = frozenset(
    """alias alias_magic autoawait autocall automagic bookmark cat cd clear code_wrap colors
    conda config cp debug dhist dirs doctest_mode edit env gui history killbgscripts ldir
    less lf lk ll load load_ext loadpy logoff logon logstart logstate logstop ls lsmagic lx
    macro magic mamba man matplotlib micromamba mkdir more mv notebook page pastebin pdb
    pdef pdoc pfile pinfo pinfo2 pip popd pprint precision prun psearch psource pushd pwd
    pycat pylab quickref recall rehashx reload_ext rerun reset reset_selective rm rmdir run
    save sc set_env sx system tb time timeit unalias unload_ext who who_ls whos xdel
    xmode""".split()
)
_ESCAPES = "%!?/,;"
_ASSIGNED_ESCAPE = re.compile(r"[ \t]*[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*[!%]")  # files = !ls
_FIRST_WORD = re.compile(r"[ \t]*([A-Za-z_]\w*)[ \t]+\S")
_CELL_MAGIC = re.compile(r"%%([\w.]*)")
_OPENING = "([{"
_CLOSING = ")]}"


@dataclass
class _State:
    """Where a line starts: inside a string (its closing quotes), inside brackets, or
    after a line ending in a backslash."""

    quote: str = ""
    depth: int = 0
    continued: bool = False

    @property
    def at_statement(self) -> bool:
        return not self.quote and not self.depth and not self.continued


@dataclass(frozen=True)
class Cell:
    """What IPython syntax a cell holds: the indexes of its masked lines, those of them
    that go on with a magic from the line before, and whether the cell ends inside a
    string, brackets or a continued line (it could not run alone)."""

    masked: Set[int]
    continuing: Set[int]
    incomplete: bool


def scan(lines: Sequence[str]) -> Optional[Cell]:
    """The IPython lines of a cell's physical lines (each with its line ending), or None
    when a cell magic hands the cell to something other than Python."""
    masked: Set[int] = set()
    continuing: Set[int] = set()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        cell_magic = _CELL_MAGIC.match(lines[first])
        if cell_magic is not None:
            if cell_magic.group(1) not in PYTHON_CELL_MAGICS:
                return None
            masked.add(first)
    state = _State()
    magic: Optional[_State] = None  # where a magic spanning lines has got to
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if index in masked:
            continue
        if magic is not None or (state.at_statement and _is_ipython(body)):
            masked.add(index)
            if magic is not None:
                continuing.add(index)
            magic, _ = _advance(magic or _State(), body)
            magic = None if magic.at_statement else magic
            continue
        after, question = _advance(state, body)
        if question and state.at_statement:
            masked.add(index)  # `obj?`, `obj.method??`: help
            after = _State()
        state = after
    return Cell(masked, continuing, not state.at_statement or magic is not None)


def _is_ipython(body: str) -> bool:
    """Whether a line that starts a statement is one IPython rewrites (help with a
    trailing `?` is found while scanning the line). A magic called without `%` must
    be a whole line that is not Python (`pip install x`; not `time = 3`, nor the first
    line of `colors = cycler(...)`)."""
    stripped = body.lstrip(" \t")
    if not stripped:
        return False
    if stripped[0] in _ESCAPES or _ASSIGNED_ESCAPE.match(body):
        return True
    word = _FIRST_WORD.match(body)
    if word is None or word.group(1) not in AUTOMAGICS:
        return False
    return _advance(_State(), body)[0].at_statement and not _compiles(stripped)


def _compiles(statement: str) -> bool:
    """Whether one line is Python on its own: `time = 3` is, `pip install x` is not."""
    try:
        compile(statement, "<cell>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _advance(state: _State, body: str) -> "tuple[_State, bool]":
    """The state after `body`, a line without its ending, starting in `state`; and
    whether a `?` stands in code (never Python: IPython's help)."""
    quote, depth = state.quote, state.depth
    question = comment = False
    index, end = 0, len(body)
    while quote or index < end:
        if quote:
            index = _string_end(body, index, quote)
            if index < 0:  # the string goes on past this line (a one-quote one only after a `\`)
                single = len(quote) == 1
                return _State("" if single and not body.endswith("\\") else quote, depth, False), question
            quote = ""
            continue
        char = body[index]
        if char == "#":
            comment = True
            break
        if char in "'\"":
            quote = char * 3 if body.startswith(char * 3, index) else char
            index += len(quote)
            continue
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif char == "?":
            question = True
        index += 1
    return _State("", depth, not comment and body.endswith("\\")), question


def _string_end(body: str, index: int, quote: str) -> int:
    """The index just past the string's closing `quote`, searching from `index`; -1 when
    the line ends first. A backslash escapes the next character (in raw strings too, as
    far as where the string ends)."""
    end = len(body)
    while index < end:
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if body.startswith(quote, index):
            return index + len(quote)
        index += 1
    return -1

