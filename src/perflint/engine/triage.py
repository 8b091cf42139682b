"""Cheap triage with the C `ast` parser before paying for libcst (ten times slower).

Each rule declares the facts it needs (`Rule.needs`, copied into the catalog: triage
imports no rule), found by one pass over each top-level function, method and other
statement (analysis/facts.py). A file where no enabled rule's needs are met is only
checked for syntax errors; otherwise functions and methods that meet none, long
module-level data and the module docstring become one-line stubs, every kept line in its
place, so findings need no translation (`benchmarks/triage_check.py` measures the share).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Protocol, Sequence, Set, Tuple, Union

from perflint.analysis.facts import Facts, qualified
from perflint.catalog import Needs
from perflint.engine.statements import Anchors, parse, source_lines, top_level

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
Stub = Tuple[int, int, str]  # first line, last line (1-based, inclusive), replacement line
# A module-level assignment this long is data, not code a rule reads.
_DATA_LINES = 3


class Judged(Protocol):
    """What triage reads of a rule (a rule class or its catalog entry)."""

    @property
    def needs(self) -> Needs: ...
    @property
    def reads_class(self) -> bool: ...


@dataclass(frozen=True)
class Triage:
    """`text` to parse (None: nothing to parse), where the original's statements start,
    and the rules whose needs are met somewhere in the file."""

    text: Optional[str]
    anchors: Optional[Anchors]
    rules: Sequence[Judged] = ()


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


def imports(tree: ast.Module) -> Dict[str, str]:
    """What every import statement of the file binds, and names set to an attribute of
    an imported name (`search = re.search`), read off statements only (cheap next to a
    walk of every expression)."""
    found: Dict[str, str] = {}
    aliases: List[Tuple[str, ast.Attribute]] = []
    stack: List[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                head = alias.name.split(".")[0]
                found[alias.asname or head] = alias.name if alias.asname else head
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                found[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
            aliases.extend((t.id, node.value) for t in node.targets if isinstance(t, ast.Name))
        else:
            for field in _BLOCKS:
                stack.extend(getattr(node, field, ()))
    for name, value in aliases:
        target = qualified(value, found)
        if target is not None:
            found.setdefault(name, target)
    return found


Clause = Tuple[int, FrozenSet[str], FrozenSet[str]]  # rule index, facts of the region, of the file


@functools.lru_cache(maxsize=8)
def _clauses(rules: Tuple[Judged, ...]) -> Dict[str, List[Clause]]:
    """Every rule's alternatives, by the longest (so rarest) fact each needs in its
    region: a region is checked only against the alternatives of the facts it has."""
    index: Dict[str, List[Clause]] = {}
    for i, rule in enumerate(rules):
        for clause in rule.needs:
            here = frozenset(f for f in clause if not f.startswith("file "))
            anywhere = frozenset(f[5:] for f in clause if f.startswith("file "))
            index.setdefault(max(here, key=len, default=""), []).append((i, here, anywhere))
    return index


class _Judge:
    """Which rules' needs a region's facts meet, once the whole file's facts are known
    (a need starting with "file " is met by a fact anywhere in the file, or by an import:
    `file import numpy`)."""

    def __init__(self, rules: Sequence[Judged], names: Dict[str, str]) -> None:
        self.clauses = _clauses(tuple(rules))
        self.triggers = set(self.clauses)
        self.file = {"import " + target.split(".")[0] for target in names.values()}
        self.kept: Set[int] = set()  # the rules that may fire somewhere

    def met(self, facts: Set[str], rules: Optional[Set[int]] = None) -> Set[int]:
        found = {
            i for trigger in (facts & self.triggers) | {""} for i, here, anywhere in self.clauses.get(trigger, ())
            if (rules is None or i in rules) and here <= facts and anywhere <= self.file
        }
        self.kept |= found
        return found

    def keeps(self, facts: Set[str]) -> bool:
        return bool(self.met(facts)) or "global" in facts  # it rebinds module names


def _class_facts(node: ast.ClassDef, names: Dict[str, str]) -> List[Tuple[ast.stmt, Set[str]]]:
    """The facts of each statement of a class, which share what they know of names
    (what `__init__` sets `self.x` to is what another method adds to)."""
    kinds: Dict[str, Set[str]] = {}
    passes = [(inner, Facts(names, kinds)) for inner in node.body]
    for inner, members in passes:
        members.walk(inner)
    return [(inner, members.resolve()) for inner, members in passes]


def triage(text: str, rules: Sequence[Judged], tree: Optional[ast.Module] = None) -> Triage:
    """Reduce `text` to what `rules` can fire on (see the module docstring); `tree` is
    its `ast` parse, if the caller has one."""
    tree = tree if tree is not None else parse(text)
    if tree is None:  # a syntax error is reported whatever the rules (libcst says where)
        return Triage(text, None, rules)
    names = imports(tree)
    lines = source_lines(text)
    stubs: List[Stub] = []
    defs, classes, others = [], [], []
    for node in tree.body:
        if isinstance(node, _DEFS):
            defs.append((node, Facts(names).scan(node)))
        elif isinstance(node, ast.ClassDef):
            classes.append((node, Facts(names).decorators(node), _class_facts(node, names)))
        else:
            stub = _data_stub(node) or _docstring_stub(node)
            if stub is not None:
                stubs.append(stub)
            else:
                others.append(node)
    # Other statements are never stubbed, and see each other's names: one region.
    rest = Facts(names).scan(ast.Module(others, []))
    judge = _Judge(rules, names)
    for _, facts in defs:
        judge.file |= facts
    for _, header, members in classes:
        judge.file.update(header, *[facts for _, facts in members])
    judge.file |= rest
    judge.keeps(rest)
    stubs.extend(_stub(node, lines) for node, facts in defs if not judge.keeps(facts))
    readers = {i for i, rule in enumerate(rules) if rule.reads_class}
    for node, header, members in classes:
        kept = [judge.keeps(facts) for _, facts in members]
        if judge.met(header.union(*[facts for _, facts in members]), readers):
            continue  # a rule reads the whole class
        unkept = [_stub(inner, lines) for (inner, _), keep in zip(members, kept) if not keep and isinstance(inner, _DEFS)]
        stubs.extend(unkept if any(kept) else [_stub(node, lines)])
    if not judge.kept:  # `global` statements alone keep nothing
        return Triage(None, top_level(tree))
    for first, last, replacement in stubs:
        lines[first - 1] = replacement + _ending(lines[first - 1])
        for index in range(first, last):
            lines[index] = _ending(lines[index])
    return Triage("".join(lines), top_level(tree), [rules[i] for i in sorted(judge.kept)])


def _ending(line: str) -> str:
    """The line's line ending (kept, so a CRLF file stays CRLF)."""
    return line[len(line.rstrip("\r\n")):]
