"""What a rule's triage condition reads: a `Region` (see `Rule.may_fire` and triage.py).

A region is the source of a function, method, class or other top-level statement, or of
a whole file, with its `ast` statement, the lines that can run in a loop, and the file's
imports. Many rules ask the same questions (most need a loop), so every pattern is
searched for at most once per region, and what rules derive from a region is memoized.
"""

from __future__ import annotations

import ast
import re
from typing import (
    Any,
    Callable,
    Collection,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Pattern,
    Sequence,
    Set,
    Tuple,
    TypeVar,
)

T = TypeVar("T")

# Loops: what most rules need to see before they can fire.
LOOP = r"\b(?:for|while)\b"

_COMPILED: Dict[str, Pattern[str]] = {}
_WORDS: Dict[str, Tuple[str, ...]] = {}
_WORD_HINT = re.compile(r"(?:\\b)?(?:(\w+)|\(\?:(\w+(?:\|\w+)*)\))(?:\\b)?")


_LEADING_WORDS = re.compile(r"\\b(?:(\w+)|\(\?:(\w+(?:\|\w+)*)\))")


def _compiled(pattern: str) -> Pattern[str]:
    """`pattern` compiled, and fast to search: `re` scans quickly for a pattern that
    starts with literal text, but not for one that starts with `\\b`, so a leading
    `\\bword` becomes `word(?<!\\wword)`, which matches the same (25x faster on long
    files, measured). Each word of a group is checked on its own (one may end another:
    `open` in `urlopen`)."""
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        lead = _LEADING_WORDS.match(pattern)
        fast = pattern
        if lead is not None:
            words = (lead.group(1) or lead.group(2)).split("|")
            fast = "(?:" + "|".join([rf"{word}(?<!\w{word})" for word in words]) + ")" + pattern[lead.end():]
        compiled = _COMPILED[pattern] = re.compile(fast, re.MULTILINE)
    return compiled


def _words(hint: str) -> Tuple[str, ...]:
    """For a hint that is a word or a group of words (`\\bfor\\b`, `\\b(?:any|all)\\b`): the
    words, one of which must be in the text (a substring test is far cheaper than a
    search for `\\b`). Empty for other hints."""
    match = _WORD_HINT.fullmatch(hint)
    if match is None:
        return ()
    return tuple((match.group(1) or match.group(2)).split("|"))


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


def source_lines(text: str) -> List[str]:
    """`text`'s lines with their endings, ended where `ast` ends them (`str.splitlines`
    also ends a line at a form feed and other separators, which would shift every line
    after it)."""
    return _LINE.findall(text)


# -- pieces of triage conditions (see `Rule.may_fire`) ------------------------------
# What may sit between two tokens: blanks, line continuations, parentheses, comments
# (each to the end of its line, so that a text matches in one way only).
GAP = r"(?:[\s\\()]|#[^\n]*(?![^\n]))*"
# The same without parentheses.
BLANK = r"(?:\s|\\|#[^\n]*\n)*"
# The fields of an `ast` statement that hold statements (an `except` handler and a
# `match` case hold theirs in `body`).
STATEMENT_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def in_a_function(region: Region) -> bool:
    """Whether code of `region` can be inside a def or lambda: a def, or a class or
    other statement with `def` or `lambda` in it (a module-level loop is not)."""
    return (
        region.node is None or isinstance(region.node, _FUNCTIONS) or "def" in region.text or "lambda" in region.text
    )


def annotated_list_param(region: Region, name: str) -> bool:
    """Whether `name: list`/`name: List[...]`/`name: typing.List` may be a parameter (the
    text condition of `analysis.shapes.annotated_list`)."""
    return region.has(rf"\b{re.escape(name)}{BLANK}:{BLANK}(?:typing{BLANK}\.{BLANK})?(?:list|List)\b")


def aliased(region: Region, names: Collection[str]) -> bool:
    """Whether the file of `region` may bind a name to an attribute of one of `names`
    (`search = re.search`, anywhere in it), which `FileContext.callee_name` resolves like
    the attribute itself. True when the file is unknown."""
    if region.file is None:
        return True
    if not names:
        return False
    words = "|".join([re.escape(n) for n in sorted(names)])
    return region.file.has(rf"=[\s\\(]*\b(?:{words})(?:[\s\\]*\.[\s\\]*\w+)+[\s\\)]*(?:[;#]|$)")


def names_of(imports: Optional[Mapping[str, str]], modules: Collection[str], own: Collection[str] = ()) -> Optional[Set[str]]:
    """Local names the file's imports bind to one of `modules` (the modules themselves,
    not things in them), plus any imported name spelled like one of `own` (one name may
    be imported twice, and the mapping keeps one)."""
    if imports is None:
        return None
    return {local for local, target in imports.items() if target in modules or local in own}


class Region:
    """The source of a file, or of one function, method or statement named `name` ("" if
    it has none)."""

    __slots__ = ("text", "name", "imports", "node", "in_class", "file", "_found", "_lines", "_loops", "_captures", "_derived")

    def __init__(
        self,
        text: str,
        name: str = "",
        imports: Optional[Mapping[str, str]] = None,
        node: Optional[ast.stmt] = None,
        lines: Sequence[str] = (),
        in_class: bool = False,
        file: Optional[Region] = None,
    ) -> None:
        self.text = text
        self.name = name
        # What the file's imports bind, anywhere in it: local name -> module or object
        # (`np` -> `numpy`, `join` -> `os.path.join`); None when unknown.
        self.imports = imports
        # The statement `text` is the source of (None for a whole file), with the file's
        # `lines`; `in_class` when it is in the body of a class.
        self.node = node
        self.in_class = in_class
        # The whole file the region is part of (itself for a whole file; None if unknown).
        self.file = file if file is not None or node is not None else self
        self._lines = lines
        self._found: Dict[str, bool] = {}
        self._loops: Optional[Region] = None
        self._captures: Dict[str, FrozenSet[str]] = {}
        self._derived: Dict[Callable[[Region], Any], Any] = {}

    def derived(self, compute: Callable[[Region], T]) -> T:
        """`compute(self)`, computed once per region: what several rules read off the
        same region (a walk over its statements) is paid for once."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return self._derived[compute]  # type: ignore[no-any-return]

    @property
    def loops(self) -> Region:
        """The part of the region code in a loop can sit in: every `for` and `while`
        statement, and every other statement (or compound statement's header) with the
        word `for` in it, which holds any comprehension. A rule that fires only inside
        loops matches its hints here, which is far rarer than anywhere in a function.
        The whole text when the region has no statement (a whole file)."""
        if self._loops is None:
            if self.node is None:
                self._loops = self
            else:
                ranges = _loop_ranges(self.node, self._lines)
                text = "".join(["".join(self._lines[first - 1 : last]) for first, last in ranges])
                self._loops = Region(text, self.name, self.imports, lines=(), in_class=self.in_class, file=self.file)
        return self._loops

    def bound_to(self, modules: Collection[str]) -> Optional[Set[str]]:
        """Local names the file binds to one of `modules` or to something in them."""
        if self.imports is None:
            return None
        return {
            local for local, target in self.imports.items()
            if target in modules or target.rsplit(".", 1)[0] in modules
        }

    def mentions(self, names: Collection[str]) -> bool:
        """Whether one of `names` appears as a word (a cheap, superset test)."""
        return any(re.search(rf"\b{re.escape(name)}\b", self.text) for name in names if name in self.text)

    def captures(self, pattern: str) -> FrozenSet[str]:
        """Every text `pattern`'s first group matches (`r"\\b(\\w+)\\s*=\\s*\\["`: names
        set to a list display), searched once per region."""
        found = self._captures.get(pattern)
        if found is None:
            compiled = _compiled(pattern)
            found = self._captures[pattern] = frozenset(compiled.findall(self.text))
        return found

    def has(self, hint: str) -> bool:
        found = self._found.get(hint)
        if found is None:
            words = _WORDS.get(hint)
            if words is None:
                words = _WORDS[hint] = _words(hint)
            if words and not any(word in self.text for word in words):
                self._found[hint] = False
                return False
            pattern = _compiled(hint)
            found = self._found[hint] = pattern.search(self.text) is not None
        return found


_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSION = re.compile(r"\bfor\b")


def _loop_ranges(node: ast.stmt, lines: Sequence[str]) -> List[Tuple[int, int]]:
    """Line ranges (1-based, inclusive) of `Region.loops`, from a walk over statements
    only. A compound statement's header is taken to end on its first inner statement's
    line (one line too many at worst, never too few)."""
    ranges: List[Tuple[int, int]] = []
    stack: List[ast.AST] = [node]
    while stack:
        stmt = stack.pop()
        start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])  # type: ignore[attr-defined]
        end = stmt.end_lineno or stmt.lineno  # type: ignore[attr-defined]
        if isinstance(stmt, _LOOPS):
            ranges.append((start, end))
            continue
        inner: List[ast.AST] = []
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner.extend(getattr(stmt, field, ()))
        for case in getattr(stmt, "cases", ()):  # match: a case has no position of its own
            inner.extend(case.body)
            head = [case.pattern.lineno] + ([case.guard.lineno] if case.guard else [])
            _add_if_comprehension(ranges, lines, min(head), case.body[0].lineno)
        if inner:
            end = max(start, min(i.lineno for i in inner))  # type: ignore[attr-defined]
        _add_if_comprehension(ranges, lines, start, end)
        stack.extend(inner)
    return sorted(ranges)


def _add_if_comprehension(ranges: List[Tuple[int, int]], lines: Sequence[str], first: int, last: int) -> None:
    if _COMPREHENSION.search("".join(lines[first - 1 : last])):
        ranges.append((first, last))
