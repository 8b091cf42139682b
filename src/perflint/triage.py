"""Cheap triage with the C `ast` parser before paying for libcst.

libcst parses at a tenth of `ast`'s speed, and most code cannot hold a finding: a rule
declares `hints`, a regular expression that every place it can fire on must match (a
necessary condition, so a false match only costs time). Top-level functions and the
methods of top-level classes whose text matches no enabled rule's hints are replaced by a
one-line stub, and so are long module-level data assignments and the module docstring;
every kept line keeps its number and columns, so findings need no translation. A file
where nothing can match is not parsed by libcst at all.

The `ast` parse also gives the line of every top-level statement, which lets the engine
compute positions for one statement at a time instead of for the whole file.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import List, Optional, Pattern, Sequence, Tuple, Union

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
Stub = Tuple[int, int, str]  # first line, last line (1-based, inclusive), replacement line
# A module-level assignment this long is data, not code a rule reads.
_DATA_LINES = 3


@dataclass(frozen=True)
class Triage:
    """`text` to parse (None: nothing to parse) and the first line of each top-level
    statement of the original file (its `def`/`class` line for definitions)."""

    text: Optional[str]
    anchors: Optional[List[int]]


def hint_pattern(hints: Sequence[Optional[str]]) -> Optional[Pattern[str]]:
    """One pattern for all enabled rules; None when a rule has no hints (keep all)."""
    if not hints or any(h is None for h in hints):
        return None
    return re.compile("|".join(f"(?:{h})" for h in hints if h), re.MULTILINE)


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", ())
    return min([node.lineno] + [d.lineno for d in decorators])


def _stub(node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef], lines: Sequence[str]) -> Stub:
    line = lines[_start(node) - 1]
    indent = line[: len(line) - len(line.lstrip())]
    keyword = "class" if isinstance(node, ast.ClassDef) else "def"
    head = f"{keyword} {node.name}" + (":" if keyword == "class" else "():")
    return _start(node), node.end_lineno or node.lineno, f"{indent}{head} pass"


def _data_stub(node: ast.stmt) -> Optional[Stub]:
    """`NAME = ...` for a long module-level assignment of a literal table."""
    if not isinstance(node, ast.Assign) or (node.end_lineno or 0) - node.lineno < _DATA_LINES:
        return None
    if not isinstance(node.value, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
        return None
    if not all(isinstance(t, ast.Name) for t in node.targets) or node.col_offset != 0:
        return None
    names = " = ".join(t.id for t in node.targets)  # type: ignore[attr-defined]
    return node.lineno, node.end_lineno or node.lineno, f"{names} = ..."


def _docstring_stub(node: ast.stmt) -> Optional[Stub]:
    if (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str) and node.col_offset == 0
    ):
        return node.lineno, node.end_lineno or node.lineno, "..."
    return None


def triage(text: str, pattern: Optional[Pattern[str]]) -> Triage:
    """Reduce `text` to what the enabled rules can fire on (see the module docstring)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Triage(text, None)  # libcst will report it (or parse what ast cannot)
    anchors = [node.lineno for node in tree.body]
    if pattern is None:
        return Triage(text, anchors)
    lines = text.splitlines(keepends=True)

    def matches(node: ast.stmt) -> bool:
        return pattern.search("".join(lines[_start(node) - 1 : node.end_lineno])) is not None

    stubs: List[Stub] = []
    kept_code = False
    for node in tree.body:
        if isinstance(node, _DEFS):
            if matches(node):
                kept_code = True
            else:
                stubs.append(_stub(node, lines))
        elif isinstance(node, ast.ClassDef):
            if not matches(node):
                stubs.append(_stub(node, lines))
                continue
            header = "".join(lines[_start(node) - 1 : node.body[0].lineno - 1])
            if pattern.search(header):  # a rule about the class itself (e.g. a decorator)
                kept_code = True
                continue
            for inner in node.body:
                if isinstance(inner, _DEFS) and not matches(inner):
                    stubs.append(_stub(inner, lines))
                else:
                    kept_code = True
        else:
            stub = _data_stub(node) or _docstring_stub(node)
            if stub is not None:
                stubs.append(stub)
            elif matches(node):
                kept_code = True
    if not kept_code:
        return Triage(None, anchors)
    for first, last, replacement in stubs:
        lines[first - 1] = replacement + _ending(lines[first - 1])
        for index in range(first, last):
            lines[index] = _ending(lines[index])
    return Triage("".join(lines), anchors)


def _ending(line: str) -> str:
    """The line's line ending (kept, so a CRLF file stays CRLF)."""
    return line[len(line.rstrip("\r\n")):]
