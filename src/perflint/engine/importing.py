"""Adding the `import NAME` a fix needs where isort and Ruff (default profile) put it.

Fixes only ever need plain imports of standard-library modules (`collections`, `heapq`,
...). isort sorts a file's leading imports into sections (`__future__`, standard library,
third party, first party, local), one blank line between sections, and within a section
`import x` lines before `from x import y` lines, each group by module name ignoring case.
A new import goes into that order: into the standard-library section of the file's first
run of imports before any definition, else as a section of its own after the docstring
and `__future__` imports, followed by the blank lines Ruff asks after an import block
(two before a definition, else one). Imports inside `try:` or `if TYPE_CHECKING:` are
never touched, and neither is anything after the first `def` or `class`, which may
depend on code above it.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Sequence, Union

import libcst as cst

from perflint.rules.rewrite import Statement

_DEFINITIONS = (cst.FunctionDef, cst.ClassDef)


@dataclass(frozen=True)
class _Entry:
    """One import line of the leading run: its place in `body` and its sort position."""

    index: int
    section: str  # "future", "stdlib" or "other"
    straight: bool  # `import x` (else `from x import y`)
    key: str


def add_imports(module: cst.Module, names: Sequence[str]) -> cst.Module:
    """`module` with `import NAME` for each of `names` the module does not import yet."""
    for name in names:
        if name not in _imported_modules(module):
            module = _add(_with_header_split(module), name)
    return module


def _imported_modules(module: cst.Module) -> FrozenSet[str]:
    """The names unconditional top-level `import x` / `import x.y` lines bind to modules."""
    found = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    found |= {_dotted(alias.name).split(".")[0] for alias in small.names if alias.asname is None}
    return frozenset(found)


def _with_header_split(module: cst.Module) -> cst.Module:
    """libcst puts comments above the first statement into the module's header; those
    after the header's last blank line belong to the statement (as isort sees them)."""
    header = list(module.header)
    blanks = [i for i, line in enumerate(header) if line.comment is None]
    if not module.body or not blanks or blanks[-1] == len(header) - 1:
        return module
    cut = blanks[-1] + 1
    first: Statement = module.body[0]
    moved = first.with_changes(leading_lines=[*header[cut:], *first.leading_lines])
    return module.with_changes(header=header[:cut], body=[moved, *module.body[1:]])


def _add(module: cst.Module, name: str) -> cst.Module:
    body = list(module.body)
    line = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(_name_node(name))])])
    entries = _leading_run(body)
    stdlib = [e for e in entries if e.section == "stdlib"]
    if stdlib:
        straight = [e for e in stdlib if e.straight]
        later = [e for e in straight if e.key > _key(name)]
        if later:
            body[later[0].index : later[0].index + 1] = _split_before(body[later[0].index], line)
        elif straight:
            body.insert(straight[-1].index + 1, line)
        else:
            body[stdlib[0].index : stdlib[0].index + 1] = _split_before(body[stdlib[0].index], line)
        return module.with_changes(body=body)
    others = [e for e in entries if e.section == "other"]
    if others:  # a section of its own, before the third-party ones
        new, first = _split_before(body[others[0].index], line)
        body[others[0].index : others[0].index + 1] = [new, _with_blank_lines(first, 1)]
        return module.with_changes(body=body)
    index = entries[-1].index + 1 if entries else _after_docstring(body)
    if index == len(body):
        body.append(line.with_changes(leading_lines=[_blank()] if entries else []))
        return module.with_changes(body=body)
    new, following = _split_before(body[index], line)
    if entries:
        new = _with_blank_lines(new, 1)
    blank = 2 if isinstance(following, _DEFINITIONS) else 1
    body[index : index + 1] = [new, _with_blank_lines(following, blank)]
    return module.with_changes(body=body)


def _leading_run(body: Sequence[Statement]) -> List[_Entry]:
    """The import lines of the run isort treats as the file's imports: the first run
    (consecutive top-level import lines) before any definition that holds a standard
    library import, else the first that holds any import but `__future__` ones, else
    the `__future__` run."""
    runs: List[List[_Entry]] = [[]]
    for index, statement in enumerate(body):
        if isinstance(statement, _DEFINITIONS):
            break
        entry = _entry(index, statement)
        if entry is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(entry)
    for wanted in ({"stdlib"}, {"stdlib", "other"}, {"future"}):
        for run in runs:
            if any(e.section in wanted for e in run):
                return run
    return []


def _entry(index: int, statement: Statement) -> Optional[_Entry]:
    if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
        return None
    if not all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body):
        return None
    first = statement.body[0]
    if isinstance(first, cst.Import):
        module = _dotted(first.names[0].name)
        return _Entry(index, _section(module), True, _key(module))
    assert isinstance(first, cst.ImportFrom)
    if first.relative:
        return _Entry(index, "other", False, "")
    module = _dotted(first.module) if first.module is not None else ""
    section = "future" if module == "__future__" else _section(module)
    return _Entry(index, section, False, _key(module))


def _section(module: str) -> str:
    return "stdlib" if module.split(".")[0] in _stdlib_names() else "other"


if sys.version_info >= (3, 10):

    def _stdlib_names() -> FrozenSet[str]:
        """Top-level names of the running Python's standard library (isort and Ruff keep
        lists of their own, per version)."""
        return frozenset(sys.stdlib_module_names)

else:  # pragma: no cover - Python 3.9 only

    @functools.lru_cache(maxsize=None)
    def _stdlib_names() -> FrozenSet[str]:
        """What the standard library's folders hold, and the modules built in."""
        import pkgutil
        import sysconfig

        paths = sysconfig.get_paths()
        folders = [paths["stdlib"], os.path.join(paths["platstdlib"], "lib-dynload")]
        found = {info.name for info in pkgutil.iter_modules(folders)}
        return frozenset(found | set(sys.builtin_module_names))


def _key(module: str) -> str:
    return module.lower()


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _name_node(dotted: str) -> Union[cst.Name, cst.Attribute]:
    node: Union[cst.Name, cst.Attribute] = cst.Name(dotted.split(".")[0])
    for part in dotted.split(".")[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node


def _after_docstring(body: Sequence[Statement]) -> int:
    """Where a file without imports gets its first: after the module docstring."""
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        small = body[0].body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            return 1
    return 0


def _split_before(statement: Statement, new: cst.SimpleStatementLine) -> List[Statement]:
    """`new` placed before `statement`: it takes the blank lines (and comments above
    them) that open `statement`; the comment lines right above `statement` stay there."""
    lines = list(statement.leading_lines)
    blanks = [i for i, line in enumerate(lines) if line.comment is None]
    cut = blanks[-1] + 1 if blanks else 0
    return [new.with_changes(leading_lines=lines[:cut]), statement.with_changes(leading_lines=lines[cut:])]


def _with_blank_lines(statement: Statement, count: int) -> Statement:
    """`statement` with `count` blank lines above its own comment lines (more are kept)."""
    lines = list(statement.leading_lines)
    blanks = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
    if blanks >= count:
        return statement
    return statement.with_changes(leading_lines=[*[_blank()] * (count - blanks), *lines])


def _blank() -> cst.EmptyLine:
    return cst.EmptyLine()
