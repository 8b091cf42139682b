"""What only the strings rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import ast
import re
from typing import Dict, Optional, Sequence, Set, Union

from perflint.rules.hints import Region

# -- triage: where the accumulator rules can fire (see `Rule.may_fire`) ---------------------------
# The rules need an addition (`t += v`, `t = t + v`) in a loop of a function, to a target
# seen to hold a literal of their kind. Regions are judged from a walk over their
# statements (never their expressions), which is exact where regular expressions would
# trip over parentheses, continuations and comments.
_AST_KINDS: Dict[type, str] = {str: "str", bytes: "bytes"}
_AST_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_AST_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_AST_BLOCKS = ("body", "orelse", "finalbody")


def _ast_kind(value: Optional[ast.expr]) -> Optional[str]:
    """"str" or "bytes" for what `_literal_kind` calls a literal, as `ast` parses it."""
    if isinstance(value, ast.Constant):
        return _AST_KINDS.get(type(value.value))
    return "str" if isinstance(value, ast.JoinedStr) else None


def _ast_key(expr: ast.expr) -> Optional[str]:
    """A key for a target built of names, attributes and subscripts, the same for any two
    such targets libcst prints alike (a subscript's index is left out: coarser is safe)."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        inner = _ast_key(expr.value)
        if inner is None:
            return None
        return f"{inner}.{expr.attr}" if isinstance(expr, ast.Attribute) else f"{inner}[]"
    return None


def _ast_added(stmt: ast.stmt) -> Optional[ast.expr]:
    """The target of `t += v` or `t = t + a + b`, as `_accumulation` finds it."""
    if isinstance(stmt, ast.AugAssign):
        return stmt.target if isinstance(stmt.op, ast.Add) else None
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return None
    value = stmt.value
    if not isinstance(value, ast.BinOp):
        return None
    while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        value = value.left
    key = _ast_key(value)
    return stmt.targets[0] if key is not None and key == _ast_key(stmt.targets[0]) else None


def _is_str_call(value: Optional[ast.expr]) -> bool:
    """A call with `str` as its only argument (`defaultdict(str)`, by any name)."""
    if not isinstance(value, ast.Call) or len(value.args) != 1 or value.keywords:
        return False
    arg = value.args[0]
    arg = arg.value if isinstance(arg, ast.Starred) else arg
    return isinstance(arg, ast.Name) and arg.id == "str"


class _Function:
    """What one function's own statements (not those of nested scopes) do."""

    __slots__ = ("inits", "added", "shared")

    def __init__(self) -> None:
        self.inits: Dict[str, Set[str]] = {"str": set(), "bytes": set()}  # names set to a literal
        self.added: Set[str] = set()  # names added to in a loop
        self.shared: Set[str] = set()  # names declared global or nonlocal


class _Seen:
    """What the accumulator rules look for in a region."""

    __slots__ = ("local", "shared_names", "added", "writes", "class_attrs", "str_calls")

    def __init__(self) -> None:
        # a function sets a local to a literal of the kind and adds to it in a loop
        self.local = {"str": False, "bytes": False}
        self.shared_names = False  # a function adds to a global or nonlocal in a loop
        self.added: Set[str] = set()  # keys of attributes and items added to in a loop of a function
        self.writes: Dict[str, Set[str]] = {"str": set(), "bytes": set()}  # ... set to a literal
        self.class_attrs: Dict[str, Set[str]] = {"str": set(), "bytes": set()}  # set in a class body
        self.str_calls: Set[str] = set()  # names set to `f(str)` (`defaultdict(str)`)

    def scan(self, body: Sequence[ast.stmt], function: Optional[_Function], in_loop: bool, in_class: bool) -> None:
        for stmt in body:
            if isinstance(stmt, _AST_DEFS):
                inner = _Function()
                self.scan(stmt.body, inner, False, False)
                for kind, names in inner.inits.items():
                    self.local[kind] = self.local[kind] or not names.isdisjoint(inner.added)
                self.shared_names = self.shared_names or not inner.shared.isdisjoint(inner.added)
            elif isinstance(stmt, ast.ClassDef):
                self.scan(stmt.body, None, False, True)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                self.simple(stmt, function, in_loop, in_class)
            elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
                if function is not None:
                    function.shared.update(stmt.names)
            else:
                looping = in_loop or isinstance(stmt, _AST_LOOPS)
                self.scan(getattr(stmt, "body", ()), function, looping, in_class)
                for field in _AST_BLOCKS[1:]:
                    self.scan(getattr(stmt, field, ()), function, in_loop, in_class)
                for part in [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]:
                    self.scan(part.body, function, in_loop, in_class)

    def simple(self, stmt: Union[ast.Assign, ast.AnnAssign, ast.AugAssign], function: Optional[_Function], in_loop: bool, in_class: bool) -> None:
        if function is not None and in_loop:
            target = _ast_added(stmt)
            if isinstance(target, ast.Name):
                function.added.add(target.id)
            elif target is not None:
                key = _ast_key(target)
                if key is not None:
                    self.added.add(key)
        if isinstance(stmt, ast.AugAssign) or stmt.value is None:
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        kind = _ast_kind(stmt.value)
        str_call = _is_str_call(stmt.value)
        for target in targets:
            if isinstance(target, ast.Name):
                if kind is not None and function is not None and len(targets) == 1:
                    function.inits[kind].add(target.id)
                if kind is not None and in_class:
                    self.class_attrs[kind].add(target.id)
                if str_call:
                    self.str_calls.add(target.id)
            elif kind is not None and len(targets) == 1:
                key = _ast_key(target)
                if key is not None:
                    self.writes[kind].add(key)

    def shared(self, kind: str) -> bool:
        """Whether an attribute, item, global or nonlocal added to in a loop can be known
        to hold `kind` (see `_SharedTargets`)."""
        if self.shared_names:
            return True
        for key in self.added:
            if key in self.writes[kind]:
                return True
            head, _, attr = key.rpartition(".")
            if head and attr in self.class_attrs[kind]:  # `self.attr` set in the class body
                return True
            if kind == "str" and key.endswith("[]") and key[:-2] in self.str_calls:
                return True
        return False


def _scan(region: Region) -> Optional[_Seen]:
    """What the accumulator rules look for in `region` (None: unknown, as for a whole
    file); see `_seen`."""
    if region.node is None:
        return None
    seen = _Seen()
    seen.scan([region.node], None, False, False)
    return seen


def _seen(region: Region) -> Optional[_Seen]:
    """`_scan`, once per region for all the accumulator rules."""
    return region.derived(_scan)


# `.join(`, with any spaces, continuations and comments the grammar allows around `join`
_JOIN_CALL = re.compile(r"\.(?:[\s\\]|#[^\n]*(?![^\n]))*join(?:[\s\\]|#[^\n]*(?![^\n]))*\(")

# what nests, or hides nesting, in a call's arguments: brackets, `for`, comments, strings
_CALL_TOKENS = re.compile(r"""[()\[\]{}]|\bfor\b|#[^\n]*|(\w*)('''|\"\"\"|'|")""")
_STRING_ENDS = {
    "'''": re.compile(r"(?:[^\\']|\\.|'(?!''))*'''", re.DOTALL),
    '"""': re.compile(r'(?:[^\\"]|\\.|"(?!""))*"""', re.DOTALL),
    "'": re.compile(r"(?:[^\\'\n]|\\.)*'", re.DOTALL),
    '"': re.compile(r'(?:[^\\"\n]|\\.)*"', re.DOTALL),
}
_FOR = re.compile(r"\bfor\b")


def _may_pass_generator(text: str, start: int) -> bool:
    """Whether the call whose arguments start at `start` can have a generator expression
    among them: the word `for` in its parentheses, not inside a `[]` or `{}` there.
    Permissive where the text defeats the scan (unclosed, an f-string that may nest
    quotes)."""
    stack = ["("]
    pos = start
    while stack:
        token = _CALL_TOKENS.search(text, pos)
        if token is None:
            return True
        pos = token.end()
        found = token.group()
        if found in "([{":
            stack.append(found)
        elif found in ")]}":
            stack.pop()
        elif found == "for":
            if "[" not in stack and "{" not in stack:
                return True
        elif token.group(2):
            if "f" in token.group(1).lower():
                return _FOR.search(text, start) is not None  # quotes nest in f-strings (3.12)
            end = _STRING_ENDS[token.group(2)].match(text, pos)
            if end is None:
                return True
            pos = end.end()
    return False


def _joins_generator(text: str) -> bool:
    return any(_may_pass_generator(text, call.end()) for call in _JOIN_CALL.finditer(text))
