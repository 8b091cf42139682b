"""What only the sequences rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Collection, Iterator
from typing import List, Optional, Tuple, cast

from perflint.rules.hints import BLANK
from perflint.rules.sequences._shared import _SEQUENCE_METHODS

# -- triage conditions (see `Rule.may_fire`): regular expressions over source text -------
# (`BLANK`: what may sit between two tokens.)
# An int literal as `_int_value` reads it, generously: `0`, `-1`, `0x0`, `-(1)`, `(3)`.
_INT = rf"(?:[-+(]{BLANK})*\d\w*(?:{BLANK}\))*"

# One whose value can be zero.
_ZERO = rf"(?:[-+(]{BLANK})*0\w*(?:{BLANK}\))*"

# A function body: every rule that needs `ctx.function()` to be a `def`.
_DEF = r"\bdef\b"

_LOOP_STATEMENTS = (ast.For, ast.AsyncFor, ast.While)
_DEF_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef)

# (statement, innermost def around it or None if a class or the module is closer, the
# loops of that def repeating it, innermost first)
_Placed = Tuple[ast.stmt, Optional[ast.stmt], Tuple[ast.stmt, ...]]


def _placed_statements(root: ast.stmt) -> Iterator[_Placed]:
    """Every statement of `root` (itself included) with its function and loops, found by
    a walk over statements only (loops as in analysis/loops.py: a `for` body, a `while`
    body; not an `else:`; none across a def or class)."""
    stack: List[_Placed] = [(root, None, ())]
    while stack:
        placed = stack.pop()
        yield placed
        stmt, function, loops = placed
        if isinstance(stmt, _DEF_STATEMENTS):
            stack.extend((inner, stmt, ()) for inner in stmt.body)
            continue
        if isinstance(stmt, ast.ClassDef):
            stack.extend((inner, None, ()) for inner in stmt.body)
            continue
        inner_loops = (stmt, *loops) if isinstance(stmt, _LOOP_STATEMENTS) else loops
        stack.extend((inner, function, inner_loops) for inner in getattr(stmt, "body", ()))
        for field in ("orelse", "finalbody"):
            stack.extend((inner, function, loops) for inner in getattr(stmt, field, ()))
        for handler in getattr(stmt, "handlers", ()):
            stack.extend((inner, function, loops) for inner in handler.body)
        for case in getattr(stmt, "cases", ()):
            stack.extend((inner, function, loops) for inner in case.body)


def _target_names(target: ast.expr) -> Iterator[str]:
    """Names bound by an assignment target (not through attributes or subscripts)."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


# A binding seen by `_bindings`: (name, value if an assignment of one name, whether it is
# a plain `=` assignment with this name as its only target, kind: "assign" for `=`,
# "annassign", "augassign", "other").
_Bound = Tuple[str, Optional[ast.expr], bool, str]


def _bindings(stmt: ast.stmt, function: Optional[ast.stmt]) -> Iterator[_Bound]:
    """The bindings `stmt` makes in the scope of `function` as analysis/scope.py records
    them (those inside expressions, walrus and match patterns, are not seen). The
    parameters of a def are bindings of the def's own scope: see `_parameters`."""
    if isinstance(stmt, ast.Assign):
        sole = len(stmt.targets) == 1
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                yield target.id, stmt.value, sole, "assign"
            else:
                for name in _target_names(target):
                    yield name, None, False, "other"
    elif isinstance(stmt, ast.AnnAssign):
        for name in _target_names(stmt.target):
            yield name, stmt.value, isinstance(stmt.target, ast.Name), "annassign"
    elif isinstance(stmt, ast.AugAssign):
        if isinstance(stmt.target, ast.Name):
            yield stmt.target.id, stmt.value, False, "augassign"
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        for name in _target_names(stmt.target):
            yield name, None, False, "other"
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                for name in _target_names(item.optional_vars):
                    yield name, None, False, "other"
    elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for alias in stmt.names:
            yield alias.asname or alias.name.split(".")[0], None, False, "other"
    elif isinstance(stmt, (*_DEF_STATEMENTS, ast.ClassDef)):
        yield stmt.name, None, False, "other"
    elif isinstance(stmt, ast.Delete):
        for target in stmt.targets:
            for name in _target_names(target):
                yield name, None, False, "other"
    elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
        for name in stmt.names:
            yield name, None, False, "other"
    for handler in getattr(stmt, "handlers", ()):
        if handler.name:
            yield handler.name, None, False, "other"


def _parameters(function: ast.stmt) -> Iterator[str]:
    args = cast(ast.FunctionDef, function).args
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None:
            yield arg.arg


# Tokens that matter for matching brackets: strings (which may hold brackets), comments
# and the brackets themselves.
_Q1, _Q2 = "'", '"'
_BRACKET_TOKENS = re.compile(
    r"(?P<string>[rRbBuUfF]{0,2}(?:"
    + "|".join(
        [rf"{q * 3}(?:\\[\s\S]|[^\\])*?{q * 3}" for q in (_Q1, _Q2)]
        + [rf"{q}(?:\\[\s\S]|[^{q}\\\n])*{q}" for q in (_Q1, _Q2)]
    )
    + r"))|#[^\n]*|[()\[\]{}]"
)


def _closes_fields(literal: str) -> bool:
    """Whether every replacement field of an f-string literal closes in it: if the
    literal was cut short at a quote nested in a field (Python 3.12), one is still open."""
    depth = index = 0
    while index < len(literal):
        char = literal[index]
        if depth == 0 and char in "{}" and literal[index + 1 : index + 2] == char:
            index += 2  # `{{`, `}}`: a brace in the text
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
        index += 1
    return depth == 0


def _openers(text: str, closers: Optional[Collection[int]] = None) -> Optional[dict[int, int]]:
    """Where the bracket closing at each offset of `closers` (default: every one) opens
    (-1: nowhere), reading `text` from a statement's start; None where this reading
    cannot be trusted (an f-string with a replacement field may nest quotes, since Python
    3.12)."""
    found: dict[int, int] = {}
    stack: List[int] = []
    wanted = None if closers is None else set(closers)
    for token in _BRACKET_TOKENS.finditer(text):
        start = token.start()
        kind = text[start]
        if token.lastgroup == "string":
            if "{" in token.group() and "f" in token.group()[:3].lower() and not _closes_fields(token.group()):
                return None
        elif kind in "([{":
            stack.append(start)
        elif kind in ")]}":
            opener = stack.pop() if stack else -1
            if wanted is None or start in wanted:
                found[start] = opener
                if wanted is not None and len(found) == len(wanted):
                    return found
    return found


def _self_rebinding(follows: str) -> str:
    """`name = name<follows>` (also `name = (name)<follows>`, `name = (name<follows>`)."""
    return rf"(?<![\w.])(\w+){BLANK}={BLANK}(?:\({BLANK})*\1{BLANK}(?:\){BLANK})*{follows}"


# -- PFL308 ------------------------------------------------------------------------------

# `)[0]`, `)[-1]`, `)[:3]`, `)[-3:]` (and `[:3:]`, `[-3::]`).
_PICK_OF_CALL = rf"\){BLANK}\[{BLANK}(?::{BLANK})?{_INT}{BLANK}(?::{BLANK}){{0,2}}\]"
_PICK_PATTERN = re.compile(_PICK_OF_CALL)

# -- PFL309 ------------------------------------------------------------------------------

_POP_END = rf"\bpop{BLANK}\({BLANK}(?:{_INT}{BLANK})?\)"

# -- PFL310 ------------------------------------------------------------------------------

_KEYS_CALL = rf"\.{BLANK}keys{BLANK}\({BLANK}\)"
_KEYS_CALL_PATTERN = re.compile(_KEYS_CALL)
_WORD_BEFORE = re.compile(r"(\w+)$")

# The `for` of a loop or comprehension and its target on one line (a target holds no
# keyword outside brackets), before the `in` of `for x in d.keys()`.
_FOR_TARGET = re.compile(
    rf"(?:^|[^\w.])for\b(?:(?!\b(?:{'|'.join(keyword.kwlist)})\b)[\w \t,()\[\].*])*$"
)
_SPACE = " \t\r\n\\"


def _back(text: str, end: int) -> Optional[int]:
    """The offset of the last character before `end` that is not space (None: none, or
    a comment may sit between)."""
    index = end - 1
    while index >= 0 and text[index] in _SPACE:
        index -= 1
    if index < 0 or ("\n" in text[index:end] and "#" in text[text.rfind("\n", 0, index) + 1 : index + 1]):
        return None
    return index


def _may_be_compared(text: str, dot: int, openers: dict[int, int]) -> bool:
    """Whether the `.keys()` call whose `.` is at `dot` may be the right side of `in`:
    walk back over the expression it is called on (names, attributes, calls,
    subscripts), then over opening parentheses, to the word before."""
    index = _back(text, dot)
    while True:
        if index is None:
            return True
        char = text[index]
        if char in ")]":
            opener = openers.get(index, -1)
            if opener < 0:
                return True
            index = _back(text, opener)
            continue
        word = _WORD_BEFORE.search(text, 0, index + 1)
        if word is None:
            break
        if keyword.iskeyword(word.group(1)):
            index = word.end() - 1
            break  # `in d.keys()`: the expression started after the keyword
        index = _back(text, word.start())
        if index is None or text[index] != ".":
            break
        index = _back(text, index)
    # `index` is now the last character before the expression.
    while index is not None and text[index] == "(":
        index = _back(text, index)
    if index is None:
        return True
    if not (text[index] == "n" and text[: index + 1].endswith("in")):
        return text[index] in "'\"" or text[index] == "."  # a string's method: unsure
    if index >= 2 and (text[index - 2].isalnum() or text[index - 2] == "_"):
        return False  # a word ending in `in`
    start = index - 1
    return _FOR_TARGET.search(text[max(0, start - 300) : start]) is None


# -- PFL311 ------------------------------------------------------------------------------

_TAKE_FIRST = rf"(?:\[{BLANK}{_ZERO}{BLANK}\]|\.{BLANK}pop{BLANK}\({BLANK}{_ZERO}{BLANK}\))"  # `[0]`, `.pop(0)`
_FIRST = rf"[)\]]{BLANK}{_TAKE_FIRST}"  # `)[0]`, `][0]`, `).pop(0)`, `].pop(0)`
_FIRST_OF_CALL = rf"\){BLANK}{_TAKE_FIRST}"
_FIRST_PATTERN = re.compile(_FIRST)
_CALLEE = re.compile(r"(\w+)$")


def _may_copy(text: str, opener: int, closer: int) -> bool:
    """Whether the bracketed expression from `opener` to `closer` may be a copy
    `_copied` accepts or a list comprehension: a call of `list`/`tuple` (or of something
    in parentheses), a display with `for` or `*` in it, or anything in parentheses."""
    if opener >= 0 and text[opener] == "[" and text[closer] == "]":
        inside = text[opener + 1 : closer]
        return "for" in inside or re.match(rf"{BLANK}\*", inside) is not None
    return _may_call(text, opener, closer, ("list", "tuple"))


def _may_call(text: str, opener: int, closer: int, names: Collection[str]) -> bool:
    """Whether the bracketed expression from `opener` to `closer` may be a call of one of
    `names` (or of something in parentheses), or anything in parentheses."""
    if opener < 0 or text[opener] != "([{"[")]}".index(text[closer])]:
        return True  # not read as Python reads it
    if text[opener] != "(":
        return False
    before = text[:opener].rstrip(" \t\r\n\\")
    line = before[before.rfind("\n") + 1 :]
    if "#" in line or not before or before[-1] == ")":
        return True
    callee = _CALLEE.search(before)
    if callee is None:
        return before[-1] not in "]}'\""  # `(...)`: an expression in parentheses
    return callee.group(1) in names or keyword.iskeyword(callee.group(1))


def _is_concat_of(name: str, value: Optional[ast.expr]) -> bool:
    """`_is_concat` on an `ast` value."""
    return (
        isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)
        and isinstance(value.left, ast.Name) and value.left.id == name
    )


def _list_or_concat(name: str, value: Optional[ast.expr]) -> bool:
    """A value `_bound_only_to` may accept for PFL313 (`list` not checked to be the builtin)."""
    if isinstance(value, (ast.List, ast.ListComp)) or _is_concat_of(name, value):
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "list"


_SEQUENCE_METHOD = rf"(?:{'|'.join(sorted(_SEQUENCE_METHODS))})\b"


def _is_shift_of(name: str, value: Optional[ast.expr]) -> bool:
    """`_is_shift` on an `ast` value (a start of `False` is taken for a shift: libcst
    reads it as a name)."""
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id == name):
        return False
    found = value.slice
    if not isinstance(found, ast.Slice) or found.upper is not None or found.step is not None:
        return False
    start = found.lower
    if start is None or (isinstance(start, ast.UnaryOp) and isinstance(start.op, ast.USub)):
        return False
    return not (isinstance(start, ast.Constant) and type(start.value) is int and start.value <= 0)


def _is_memoryview(value: ast.expr) -> bool:
    """A value `_may_be_view` certainly takes for a view: built by `memoryview(...)`."""
    node: ast.expr = value
    while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "memoryview":
                return True
            node = node.func
        else:
            node = node.value
    return False
