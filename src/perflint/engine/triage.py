"""Cheap triage with the C `ast` parser before paying for libcst.

libcst parses at a tenth of `ast`'s speed, and most code cannot hold a finding. Each rule
states a necessary condition for firing in a region (`Rule.may_fire`: its `hints`,
regular expressions, and whatever else it can read cheaply off the region's text, its
loop lines and its `ast` statements; a false yes only costs time). A file that no enabled
rule can fire in is only checked for syntax errors. Otherwise top-level functions and
the methods of top-level classes no rule can fire in are replaced by a one-line stub, and
so are long module-level data assignments and the module docstring; every kept line keeps
its number and columns, so findings need no translation. On the standard library, libcst
then sees about a fifth of the lines (`benchmarks/triage_check.py`).

The `ast` parse also gives the line of every top-level statement, which lets the engine
compute positions for one statement at a time instead of for the whole file.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple, Type, Union

from perflint.rules.hints import STATEMENT_BLOCKS, Region, source_lines

if TYPE_CHECKING:
    from perflint.rules.base import Rule

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
Stub = Tuple[int, int, str]  # first line, last line (1-based, inclusive), replacement line
# A module-level assignment this long is data, not code a rule reads.
_DATA_LINES = 3
# A `global` statement: at a line's start, or after a `:` or `;` on it.
_GLOBAL = re.compile(r"(?:^|[:;])[ \t]*global\s", re.MULTILINE)


@dataclass(frozen=True)
class Anchors:
    """Where `ast` says statements start: each top-level statement, and each statement in
    the body of a top-level class (by the class's index). A definition starts on its
    `def`/`class` line."""

    top: List[int]
    members: Dict[int, List[int]]


def _anchors(tree: ast.Module) -> Anchors:
    members = {
        index: [inner.lineno for inner in node.body]
        for index, node in enumerate(tree.body)
        if isinstance(node, ast.ClassDef)
    }
    return Anchors([node.lineno for node in tree.body], members)


@dataclass(frozen=True)
class Triage:
    """`text` to parse (None: nothing to parse), where the original's statements start,
    and the rules that may fire somewhere in the file."""

    text: Optional[str]
    anchors: Optional[Anchors]
    rules: Sequence[Type[Rule]] = ()


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
    names = " = ".join([t.id for t in node.targets])  # type: ignore[attr-defined]
    return node.lineno, node.end_lineno or node.lineno, f"{names} = ..."


def _docstring_stub(node: ast.stmt) -> Optional[Stub]:
    if (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str) and node.col_offset == 0
    ):
        return node.lineno, node.end_lineno or node.lineno, '""'  # still a docstring (imports go below it)
    return None


def _imports(tree: ast.Module) -> Dict[str, str]:
    """What every import statement of the file binds (reading statements only, which
    is cheap next to a walk of every expression)."""
    found: Dict[str, str] = {}
    stack: List[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    found[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                found[alias.asname or alias.name] = f"{module}.{alias.name}"
        else:
            for field in STATEMENT_BLOCKS:
                stack.extend(getattr(node, field, ()))
    return found


def _parse(text: str) -> Optional[ast.Module]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # libcst will report it (or parse what ast cannot)


def anchors(text: str) -> Optional[Anchors]:
    tree = _parse(text)
    return None if tree is None else _anchors(tree)


def triage(text: str, rules: Sequence[Type[Rule]]) -> Triage:
    """Reduce `text` to what `rules` can fire on (see the module docstring)."""
    tree = _parse(text)
    if tree is None:  # a syntax error is reported whatever the rules (libcst says where)
        return Triage(text, None, rules)
    starts = _anchors(tree)
    imports = _imports(tree)
    file = Region(text, "", imports)
    candidates = [rule for rule in rules if rule.may_fire_in_file(file)]
    if not candidates:
        return Triage(None, starts)
    lines = source_lines(text)

    def matches(node: ast.stmt, reading_class: bool = False, in_class: bool = False) -> bool:
        text = "".join(lines[_start(node) - 1 : node.end_lineno])
        if not reading_class and "global" in text and _GLOBAL.search(text):
            return True  # it rebinds module names other code is judged by (its method is kept alone)
        region = Region(text, getattr(node, "name", ""), imports, node, lines, in_class, file)
        return any(rule.may_fire(region) for rule in candidates if rule.reads_class or not reading_class)

    stubs: List[Stub] = []
    others: List[ast.stmt] = []
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
            elif matches(node, reading_class=True):  # a rule that reads the whole class
                kept_code = True
            else:
                for inner in node.body:
                    if isinstance(inner, _DEFS) and not matches(inner, in_class=True):
                        stubs.append(_stub(inner, lines))
                    else:
                        kept_code = True
        else:
            stub = _data_stub(node) or _docstring_stub(node)
            if stub is not None:
                stubs.append(stub)
            else:
                others.append(node)
    # Other statements are never stubbed: they only decide whether the file is parsed at
    # all, so they are judged only when no definition was kept.
    if not kept_code and not any(matches(node) for node in others):
        return Triage(None, starts)
    for first, last, replacement in stubs:
        lines[first - 1] = replacement + _ending(lines[first - 1])
        for index in range(first, last):
            lines[index] = _ending(lines[index])
    return Triage("".join(lines), starts, candidates)


def _ending(line: str) -> str:
    """The line's line ending (kept, so a CRLF file stays CRLF)."""
    return line[len(line.rstrip("\r\n")):]
