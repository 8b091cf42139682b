"""What only the containers rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import ast
import re
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from perflint.rules.containers._shared import LIST_READ_METHODS, READING_BUILTINS
from perflint.rules.hints import BLANK, STATEMENT_BLOCKS, Region

# -- triage conditions (see `Rule.may_fire`) ----------------------------------------------
# Regular expressions over source text, each a necessary condition for a rule's visitor:
# they allow whatever may sit between two tokens (spaces, newlines in brackets, line
# continuations, comments) and err towards matching.
_WSP = r"(?:[\s)\\]|#[^\n]*\n)*"  # `BLANK` and closing parentheses
_OPEN = rf"(?:\({BLANK})*"  # redundant parentheses

# `NAME = ...`, `NAME: T = ...`, `(NAME) = ...`, `NAME = other = ...` up to the value (an
# annotation may run over lines only inside brackets); `:=`, `==`, `<=` ... are no `=`.
_BINDS = (
    r"\b(\w+)\b(?=(?:[ \t)]|\\\r?\n)*(?::[^=\n]*(?:[\[(][^=]*)?)?(?<![=!<>:])=(?!=)"
    r"(?:(?:[^\n=\\]|\\[\s\S])*(?<![=!<>])=(?!=))*" + BLANK + _OPEN
)

# Names some statement may bind to a list display, a list comprehension or `list(...)`.
_LIST_NAMES = _BINDS + r"(?:\[|list\b))"

# Names some statement may bind to `{}` or `dict()`.
_DICT_NAMES = _BINDS + rf"(?:\{{{BLANK}\}}|dict{BLANK}\({BLANK}\)))"

# `in NAME`, and `for TARGET in NAME` (a for-target is taken to be on one line, so that a
# comment or string ending in "for" cannot hide a test on the next line). Both start with
# a literal, which `re` searches for fast.
_IN_NAME = re.compile(rf"in(?<!\win)\b{BLANK}{_OPEN}(\w+)")
_FOR_IN_NAME = re.compile(rf"for(?<!\wfor)\b(?:(?!\bin\b)[\w \t,().*]|\\\r?\n)*\bin\b{BLANK}{_OPEN}(\w+)")

# The name (or last attribute) right before a method call found by its `.method(`.
_RECEIVER = re.compile(rf"(\w+){_WSP}\Z")
_RECEIVER_SPAN = 2000

# `in (c, c, c` / `in [c, c, c`: a list or tuple display whose first two elements are
# constants, with a third element (or a parenthesis the tokens below do not read); group 1
# is set for a for-clause. A constant is made of strings (any quoting), numbers, signs,
# None/True/False, comments and line breaks: any other character in an element (a name,
# an operator, a bracket) makes it something else.
_STRING = (
    r"""[bBrRuU]{0,2}(?:'''(?:[^\\]|\\[\s\S])*?'''|\"\"\"(?:[^\\]|\\[\s\S])*?\"\"\""""
    r"""|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*")"""
)
_TOKEN = rf"(?:{_STRING}|#[^\n]*\n|[\s\\+\-]|\.?\d[\w.]*(?![\w.])|(?:None|True|False)\b)"
_LITERAL_IN = re.compile(
    rf"(\bfor\b(?:(?!\bin\b)[\w \t,().*]|\\\r?\n)*)?\bin\b{BLANK}[\[(]"
    rf"(?:{_TOKEN})*(?:,(?:{_TOKEN})*,|(?:,(?:{_TOKEN})*)?\()"
)
_DEF = r"\bdef\b"
_DEF_OR_LAMBDA = r"\b(?:def|lambda)\b"


def _list_names(region: Region) -> FrozenSet[str]:
    return region.captures(_LIST_NAMES)


def _tested_names(region: Region) -> Set[str]:
    """Names that an `in` which is not a for-clause's may test membership in."""
    text = region.text
    if "in" not in text:
        return set()
    iterated = {match.start(1) for match in _FOR_IN_NAME.finditer(text)} if "for" in text else set()
    return {match.group(1) for match in _IN_NAME.finditer(text) if match.start(1) not in iterated}


def _receivers(region: Region, call: str, plain: bool) -> Optional[Set[str]]:
    """The names before every `.method(...` that the regular expression `call` finds (a
    plain name only, not an attribute, if `plain`); None if one cannot be told."""
    found = set()
    text = region.text
    for match in re.finditer(call, text):
        start = max(0, match.start() - _RECEIVER_SPAN)
        receiver = _RECEIVER.search(text, start, match.start())
        if receiver is None:
            continue  # `f(x)[0].pop(0)`, `"".join(`: no name
        if receiver.start() == start and start > 0:
            return None  # it may be longer
        if not (plain and receiver.start() > 0 and text[receiver.start() - 1] in "."):
            found.add(receiver.group(1))
    return found


# -- PFL301 with `ast`: for the few regions its text condition keeps, which are mostly a
# list built without repeats (`if x not in out: out.append(x)`) and returned. Only the
# function's own statements are read (not nested defs, lambdas or comprehensions), and
# only uses whose kind (see `_ContainerRule._kind`) is certain count against a finding.
_AST_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_AST_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_AST_LIST_VALUES = (ast.List, ast.ListComp, ast.Call)
Loops = Tuple[ast.stmt, ...]


class _ListUses:
    """What a function's own statements certainly do with one name."""

    def __init__(self) -> None:
        self.tests: List[Loops] = []  # `in NAME`, with the loops around each
        self.not_list = False  # bound to something else than a list (so never reported)
        self.unsure = False  # in a comprehension: a test may hide there
        self.not_set_like = False  # a use a set would not do the same (not case (b))
        self.escapes = False  # a use of kind `other` (not case (a))
        self.changed: Set[int] = set()  # loops (ids) that change or rebind it
        self.bound: Set[int] = set()  # loops (ids) that rebind it
        self.grown: Set[int] = set()  # loops (ids) that append to it (case (c))


def _ast_functions(node: ast.stmt) -> List[ast.stmt]:
    """Every def in a statement, at any depth (statements only)."""
    found: List[ast.stmt] = []
    stack: List[ast.AST] = [node]
    while stack:
        statement = stack.pop()
        if isinstance(statement, _AST_DEFS):
            found.append(statement)  # type: ignore[arg-type]
        for field in STATEMENT_BLOCKS:
            stack.extend(getattr(statement, field, ()))
    return found


class _ListUseScan:
    """Reads one function's own statements for the names in `names`."""

    def __init__(self, function: ast.stmt, names: Set[str]) -> None:
        self.names = names
        self.uses: Dict[str, _ListUses] = {name: _ListUses() for name in names}
        arguments = function.args  # type: ignore[attr-defined]
        for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg):
            if arg is not None and arg.arg in names:
                self.uses[arg.arg].not_list = True
        self.block(function.body, ())  # type: ignore[attr-defined]

    def block(self, statements: Sequence[ast.stmt], loops: Loops) -> None:
        for statement in statements:
            if isinstance(statement, (*_AST_DEFS, ast.ClassDef)):
                continue
            if isinstance(statement, (ast.For, ast.AsyncFor)):
                self.target(statement.target, loops)
                self.expression(statement.iter, statement, loops)
                self.block(statement.body, (statement, *loops))
                self.block(statement.orelse, loops)
            elif isinstance(statement, ast.While):
                self.expression(statement.test, statement, (statement, *loops))
                self.block(statement.body, (statement, *loops))
                self.block(statement.orelse, loops)
            elif isinstance(statement, ast.If):
                self.expression(statement.test, statement, loops)
                self.block(statement.body, loops)
                self.block(statement.orelse, loops)
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                for item in statement.items:
                    self.expression(item.context_expr, statement, loops)
                    if item.optional_vars is not None:
                        self.expression(item.optional_vars, statement, loops)
                self.block(statement.body, loops)
            elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
                self.block(statement.body, loops)  # type: ignore[attr-defined]
                for handler in statement.handlers:  # type: ignore[attr-defined]
                    if handler.type is not None:
                        self.expression(handler.type, handler, loops)
                    self.block(handler.body, loops)
                self.block(statement.orelse, loops)  # type: ignore[attr-defined]
                self.block(statement.finalbody, loops)  # type: ignore[attr-defined]
            elif type(statement).__name__ == "Match":
                self.expression(statement.subject, statement, loops)  # type: ignore[attr-defined]
                for case in statement.cases:  # type: ignore[attr-defined]
                    if case.guard is not None:
                        self.expression(case.guard, case, loops)
                    self.block(case.body, loops)
            else:
                self.simple(statement, loops)

    def simple(self, statement: ast.stmt, loops: Loops) -> None:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    self.bind(target.id, loops, isinstance(statement.value, _AST_LIST_VALUES))
                else:
                    self.target(target, loops)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
            self.bind(statement.target.id, loops, isinstance(statement.value, _AST_LIST_VALUES))
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            self.bind(statement.target.id, loops, isinstance(statement.op, ast.Add))
            if statement.target.id in self.names:
                self.uses[statement.target.id].changed.update(id(loop) for loop in loops)
        self.expression(statement, None, loops)

    def bind(self, name: str, loops: Loops, maybe_list: bool) -> None:
        uses = self.uses.get(name)
        if uses is not None:
            uses.not_list |= not maybe_list
            uses.bound.update(id(loop) for loop in loops)
            uses.changed.update(id(loop) for loop in loops)

    def target(self, target: ast.expr, loops: Loops) -> None:
        """A for-target or an unpacking: a name bound there is not a list binding."""
        stack = [target]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                self.bind(node.id, loops, False)
            elif isinstance(node, (ast.Tuple, ast.List)):
                stack.extend(node.elts)
            elif isinstance(node, ast.Starred):
                stack.append(node.value)

    def expression(self, node: ast.AST, parent: Optional[ast.AST], loops: Loops) -> None:
        stack: List[Tuple[ast.AST, Optional[ast.AST], Optional[ast.AST]]] = [(node, parent, None)]
        while stack:
            node, parent, grand = stack.pop()
            if isinstance(node, ast.Lambda):
                continue  # its own function: a test there is not reported
            if isinstance(node, _AST_COMPREHENSIONS):
                first = node.generators[0]
                stack.append((first.iter, first, node))
                repeated = [getattr(node, f) for f in ("elt", "key", "value") if hasattr(node, f)]
                repeated += [first.target, *first.ifs, *node.generators[1:]]
                for part in repeated:
                    for name in self.names & {n.id for n in ast.walk(part) if isinstance(n, ast.Name)}:
                        self.uses[name].unsure = True
                continue
            if isinstance(node, ast.Name) and node.id in self.names and isinstance(node.ctx, ast.Load):
                self.use(self.uses[node.id], node, parent, grand, loops)
            for child in ast.iter_child_nodes(node):
                stack.append((child, node, parent))

    def use(self, uses: _ListUses, node: ast.Name, parent: Optional[ast.AST], grand: Optional[ast.AST], loops: Loops) -> None:
        if isinstance(parent, ast.Compare):
            if parent.left is node:
                uses.not_set_like = True  # compare
            else:
                index = next(i for i, c in enumerate(parent.comparators) if c is node)
                if isinstance(parent.ops[index], (ast.In, ast.NotIn)):
                    uses.tests.append(loops)
                else:
                    uses.not_set_like = True  # compare
        elif (
            isinstance(parent, ast.Return)
            or isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node
        ):
            uses.not_set_like = True  # return, iter
        elif isinstance(parent, ast.Subscript) and parent.value is node:
            uses.not_set_like = True  # item-*
            if not isinstance(parent.ctx, ast.Load):
                uses.changed.update(id(loop) for loop in loops)
        elif isinstance(parent, ast.Attribute) and isinstance(grand, ast.Call) and grand.func is parent:
            uses.not_set_like |= parent.attr != "append"  # method:NAME
            if parent.attr == "append":
                uses.grown.update(id(loop) for loop in loops)
            if parent.attr not in LIST_READ_METHODS:
                uses.changed.update(id(loop) for loop in loops)
        elif isinstance(parent, (ast.keyword, ast.Starred)) and isinstance(grand, ast.Call):
            self.argument(uses, grand)
        elif isinstance(parent, ast.Call) and any(arg is node for arg in parent.args):
            self.argument(uses, parent)
        elif (
            isinstance(parent, (ast.Assign, ast.AnnAssign, ast.Yield, ast.YieldFrom)) and parent.value is node
            or isinstance(parent, (ast.Tuple, ast.List, ast.Set, ast.Starred, ast.BinOp))
        ):
            uses.not_set_like = uses.escapes = True  # other
            uses.changed.update(id(loop) for loop in loops)

    @staticmethod
    def argument(uses: _ListUses, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Name) and func.id == "len":
            return  # len, or read-call
        uses.not_set_like = True  # read-call or other
        if not (isinstance(func, ast.Name) and func.id in READING_BUILTINS):
            uses.escapes = True


def _tests_may_fire(uses: _ListUses) -> bool:
    """Whether the visitor may report a test of the name (see `visit_ComparisonTarget`)."""
    if uses.not_list:
        return False
    if uses.unsure:
        return True
    for loops in uses.tests:
        if not loops or id(loops[0]) in uses.bound:
            continue  # not repeated, or one list per test
        if not uses.not_set_like or not uses.escapes and id(loops[0]) not in uses.changed:
            return True
        if any(id(loop) in uses.grown for loop in loops):
            return True  # it grows in a loop that tests it (case (c))
    return False


def _sliced_names(function: ast.stmt) -> Set[str]:
    """Names some assignment in `function` binds to a slice (`NAME = x[a:b]`): those
    PFL303/PFL304 may take for lists (see `_FrontOfList._is_list_value`)."""
    found: Set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if isinstance(node.value, ast.Subscript) and isinstance(node.value.slice, ast.Slice):
            found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


# -- PFL306 ---------------------------------------------------------------------------------
# `...] += 1` or `...] = NAME.get(`: what each spelling of counting has.
_COUNT_ONE = rf"\]{_WSP}(?:\+={BLANK}{_OPEN}1\b|=(?!=){BLANK}{_OPEN}\w+{_WSP}\.{BLANK}get\b)"

# `d[k] = []` (or `{}`, `0`, `list()`, `dict()`, `set()`).
_EMPTY_STORE = (
    rf"\]{_WSP}(?<![=!<>])=(?!=){BLANK}{_OPEN}(?:\[{BLANK}\]|\{{{BLANK}\}}|0\b|(?:list|dict|set){BLANK}\({BLANK}\))"
)
