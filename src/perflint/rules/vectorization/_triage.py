"""What only the vectorization rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import ast
import re
from typing import Collection, FrozenSet, List, Optional, Set, Tuple

from perflint.rules.hints import GAP, Region
from perflint.rules.vectorization._shared import _ACCUMULATORS, _NUMPY_MAKERS, _RANDOM_SIZE

# -- triage conditions (see Rule.may_fire) ------------------------------------------------
# A name counts as an array only through a binding in its own scope whose value is a call
# of a NumPy function (`a = np.zeros(n)`, `a = zeros(n)` after `from numpy import zeros` or
# `zeros = np.zeros`) or whose annotation is a NumPy name (`a: np.ndarray`, `npt.NDArray`).
# So a region's array candidates are the names written before `=`/`:` followed by a name
# bound to numpy, and a loop or reduction can only be flagged if it mentions one of them
# (or calls a NumPy constructor itself).

_NUMPY_AS = re.compile(rf"\bnumpy\b(?:{GAP}\.{GAP}\w+)*{GAP}\bas\b{GAP}(\w+)")
_FROM_NUMPY = re.compile(
    r"\bfrom[\s\\]+(numpy\b(?:[\s\\]*\.[\s\\]*\w+)*)[\s\\]+import\b[\s\\]*(\([^)]*\)|[^\n;]*(?:\\\r?\n[^\n;]*)*)"
)
_WORD = re.compile(r"\w+")
_BLANKS = re.compile(r"[\s\\]+")

# At most this many lines back to the start of the statement a name is bound in.
_STATEMENT_LINES = 50
_ANNOTATIONS = frozenset({"numpy.ndarray", "numpy.typing.NDArray"})


class _NumpyNames:
    """What a file binds to NumPy (supersets): `modules`, names that may be the `numpy`
    module or a submodule; `makers`, names that may be a function `call_kind` takes for an
    array's maker (imported, or set to an attribute: `arange = np.arange`); `accumulators`,
    the same for PFL602's functions; `annotations`, names that may be `numpy.ndarray` or
    `NDArray`."""

    __slots__ = ("modules", "makers", "accumulators", "annotations")

    def __init__(self, modules: Set[str], makers: Set[str], accumulators: Set[str], annotations: Set[str]) -> None:
        self.modules = frozenset(modules)
        self.makers = frozenset(makers)
        self.accumulators = frozenset(accumulators)
        self.annotations = frozenset(annotations)


def _numpy_names(file: Region) -> Optional[_NumpyNames]:
    """The file's `_NumpyNames`, from its imports and also from its text (the imports
    keep one target per name, and a name may be imported twice). None when unknown."""
    if file.imports is None:
        return None
    text = file.text
    imports = {local: target for local, target in file.imports.items() if local.isidentifier()}  # not `*`
    groups = [
        (_BLANKS.sub("", module), frozenset(_WORD.findall(names))) for module, names in _FROM_NUMPY.findall(text)
    ]

    def bound(targets: Collection[str]) -> Set[str]:
        found = {local for local, target in imports.items() if target in targets}
        for module, words in groups:
            if any(f"{module}.{word}" in targets for word in words):
                found |= words
        return found

    modules = {"numpy"} | set(_NUMPY_AS.findall(text)) | bound({"numpy", "numpy.random", "numpy.typing"})
    makers = bound({f"numpy.{name}" for name in _NUMPY_MAKERS} | {f"numpy.random.{name}" for name in _RANDOM_SIZE})
    accumulators = bound({f"numpy.{name}" for name in _ACCUMULATORS})
    words = "|".join(sorted(modules))
    alias = re.compile(
        rf"=(?!=)[\s\\(]*\b((?:{words})\b(?:[\s\\]*\.[\s\\]*\w+)+)[\s\\)]*(?:[;#]|$)", re.MULTILINE
    )
    for match in alias.finditer(text):
        found = _prefix_words(text, match.start())
        if found is None:
            return None
        last = _WORD.findall(match.group(1))[-1]
        if last in _MAKER_WORDS:
            makers |= found
        if last in _ACCUMULATORS:
            accumulators |= found
    return _NumpyNames(modules, makers, accumulators, bound(_ANNOTATIONS))


def _balanced(text: str) -> bool:
    return all(text.count(close) <= text.count(open_) for open_, close in ("()", "[]", "{}"))


def _prefix_words(text: str, end: int) -> Optional[FrozenSet[str]]:
    """The names `text[end]` (an `=` or `:`) may bind or annotate: the words before it in
    its statement, from its line's start or an earlier line while brackets are open or a
    line ends with a backslash (a bracket in a string only makes it longer); then only
    after an open bracket or a comma or semicolon outside brackets (`def f(self, a: T`
    binds `a`), unless there is a quote or comment to mislead that cut; and not the words
    of an attribute (`self.x = ...` binds no name). None if too long to tell."""
    start = text.rfind("\n", 0, end) + 1
    for _ in range(_STATEMENT_LINES):
        prefix = text[start:end]
        continued = start > 0 and text[: start - 1].rstrip("\r").endswith("\\")
        if start == 0 or (prefix.strip() and _balanced(prefix) and not continued):
            break
        start = text.rfind("\n", 0, start - 1) + 1
    else:
        return None
    if not any(c in prefix for c in "#'\""):
        prefix = prefix[_segment_start(prefix):]
    return frozenset(m.group(2) for m in _PLAIN_WORD.finditer(prefix) if not m.group(1))


_PLAIN_WORD = re.compile(r"(\.[\s\\]*)?\b(\w+)\b(?![\s\\]*\.)")


def _segment_start(prefix: str) -> int:
    """Where the last item of `prefix` starts: after its last unclosed bracket, or comma
    or semicolon outside brackets."""
    depth = 0
    for i in range(len(prefix) - 1, -1, -1):
        c = prefix[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth == 0:
                return i + 1
            depth -= 1
        elif c in ",;" and depth == 0:
            return i + 1
    return 0


def _file_names(region: Region) -> Optional[_NumpyNames]:
    file = region.file
    return None if file is None else file.derived(_numpy_names)


def _candidates(region: Region) -> Optional[FrozenSet[str]]:
    """Names `region` may bind to an array's maker call or annotate with `numpy.ndarray`
    or `NDArray`: the words before each `=` followed by such a call and each `:` followed
    by such an annotation. None when unknown."""
    numpy = _file_names(region)
    if numpy is None:
        return None
    modules = "|".join(sorted(numpy.modules))
    attribute = rf"\b(?:{modules})\b(?:{GAP}\.{GAP}\w+)*?{GAP}\.{GAP}"
    makers = "|".join(sorted(numpy.makers | {"_"}))
    annotations = "|".join(sorted(numpy.annotations | {"_"}))
    pattern = (
        rf"=(?!=)[\s\\(]*(?:\b(?:{makers})\b|{attribute}(?:{_MAKERS_PATTERN})\b)"
        rf"|:(?!=)[\s\\(]*(?:\b(?:{annotations})\b|{attribute}(?:ndarray|NDArray)\b)"
    )
    text = region.text
    found: Set[str] = set()
    for match in re.finditer(pattern, text):
        prefix = _prefix_words(text, match.start())
        if prefix is None:
            return None
        found |= prefix
    return frozenset(found)


def _scope_candidates(region: Region) -> Optional[FrozenSet[str]]:
    """`_candidates` of the scopes code in `region` can be in: the region itself for a
    def or class, else the whole file (module-level code sees module-level names)."""
    if isinstance(region.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return region.derived(_candidates)
    file = region.file
    return None if file is None else file.derived(_candidates)


def _words_of(region: Region) -> FrozenSet[str]:
    return frozenset(_WORD.findall(region.text))


# The header of a `for` statement or comprehension, as far as PFL601 reads it: the target
# (names, commas, brackets, stars; comments inside brackets), `in`, and the start of the
# iterable: an optional `range(`/`zip(`/`enumerate(` (group 2), then a dotted name (group
# 3) and whether an attribute, subscript or call follows it (group 4). The target is
# matched lazily up to the first `in` followed by a name, so a match may run past a
# header whose iterable does not start with a name (never one `_iteration` accepts), but
# never past one whose iterable does.
_HEADER = re.compile(
    rf"for(?<!\wfor)\b((?:[\w\s\\,()\[\]*]|#[^\n]*(?![^\n]))*?)\bin\b{GAP}"
    rf"(?:\b(range|zip|enumerate)\b{GAP})?((?:\w+{GAP}\.{GAP})*\w+)([\s\\]*[.\[(])?"
)

# `name[index` (a lookahead, so `a[b[i]]` yields both pairs).
_SUBSCRIPT = re.compile(rf"\b(\w+)(?={GAP}\[{GAP}(\w+))")


class _Headers:
    """The `for` headers of a region's loops text: `iterables`, (function or "", words of
    the dotted name, whether a trailer follows it) for each; `indexes`, the target words
    of `range(...)` loops."""

    __slots__ = ("iterables", "indexes")

    def __init__(self, iterables: List[Tuple[str, Tuple[str, ...], bool]], indexes: FrozenSet[str]) -> None:
        self.iterables = iterables
        self.indexes = indexes


def _headers(loops: Region) -> _Headers:
    iterables: List[Tuple[str, Tuple[str, ...], bool]] = []
    indexes: Set[str] = set()
    for target, func, chain, trailer in _HEADER.findall(loops.text):
        iterables.append((func, tuple(_WORD.findall(chain)), bool(trailer)))
        if func == "range":
            indexes.update(_WORD.findall(target))
    return _Headers(iterables, frozenset(indexes))


def _subscripts(loops: Region) -> FrozenSet[Tuple[str, str]]:
    return frozenset(_SUBSCRIPT.findall(loops.text))


def _may_iterate_array(region: Region, numpy: _NumpyNames, candidates: FrozenSet[str]) -> bool:
    """Whether some `for` in `region` may have a header `_iteration` accepts: over a
    candidate name or a NumPy maker call, directly or as the first argument of `zip` or
    `enumerate`; or over `range(...)` with a candidate subscripted by its target. A
    builtin's name bound to a NumPy maker (`from numpy import arange as range`) makes the
    call itself the array."""
    loops = region.loops
    headers = loops.derived(_headers)
    ranges = False
    for func, words, trailer in headers.iterables:
        if func and func in numpy.makers:
            return True
        if func == "range":
            ranges = True
            continue
        if len(words) == 1:
            if words[0] in numpy.makers or (words[0] in candidates and not trailer):
                return True
        elif words[-1] in _MAKER_WORDS and words[0] in numpy.modules:
            return True
    if not ranges:
        return False
    return any(
        name in candidates and index in headers.indexes for name, index in loops.derived(_subscripts)
    )


# The last name of a call `call_kind` takes for an array's maker.
_MAKER_WORDS = _NUMPY_MAKERS | frozenset(_RANDOM_SIZE)
_MAKERS_PATTERN = "|".join(sorted(_MAKER_WORDS))

_ACCUMULATOR_ATTRIBUTE = rf"(\w+){GAP}\.{GAP}(?:{'|'.join(sorted(_ACCUMULATORS))})\b"

# -- PFL605 -------------------------------------------------------------------------------


# The argument of a reduction, up to its first call's parenthesis (a lookahead: `sum(max(a))`
# has two).
_REDUCED = rf"\b(?:sum|min|max|any|all){GAP}\((?={GAP}(\w+(?:{GAP}\.{GAP}\w+)*))"
