"""PFL308-PFL314: sorting, copying and concatenating sequences where a cheaper step exists."""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Collection, Iterator, Sequence
from typing import Callable, List, Optional, Tuple, cast

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import (
    all_fixed,
    fixed_iterable,
    fixed_iterations,
    fixed_rebinding,
    fixed_size,
    same_data_loops,
)
from perflint.analysis.scope import Binding, Use
from perflint.analysis.shapes import annotated_list, contains, has_async_for, is_name
from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Bound, Case, Edit, Example, Finding, Fix, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.hints import BLANK, LOOP, Region, annotated_list_param

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


# -- helpers shared by the rules of this module ------------------------------------------


def _sorts_fixed(rule: Rule, node: cst.Subscript) -> bool:
    """Whether `sorted(x)[...]` sorts a fixed number of items."""
    call = cast(cst.Call, node.value)
    return bool(call.args) and fixed_iterable(rule.ctx, call.args[0].value)


def _is_builtin(ctx: FileContext, *names: str) -> bool:
    """No scope visible from the current node binds any of `names`."""
    return all(ctx.bindings(name)[0] is None for name in names)


def _module_usable(ctx: FileContext, module: str) -> bool:
    """Whether `module.attr` written by a fix (with `import module` added) names the module."""
    return ctx.bindings(module)[0] is None or ctx.imported_module(module) == module


def _int_value(node: cst.BaseExpression | None) -> int | None:
    """The value of an int literal such as `3` or `-1`."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _int_value(node.expression)
        return None if inner is None else -inner
    if isinstance(node, cst.Integer):
        return cast(int, node.evaluated_value)
    return None


def _sole_slice(node: cst.Subscript) -> cst.BaseSlice | None:
    """The `0` of `x[0]` or the `1:` of `x[1:]` (not `x[0,]`, `x[a, b]` or `x[*a]`)."""
    if len(node.slice) != 1 or isinstance(node.slice[0].comma, cst.Comma):
        return None
    found = node.slice[0].slice
    if isinstance(found, cst.Index) and found.star is not None:
        return None
    return found


def _is_index(node: cst.Subscript, value: int) -> bool:
    found = _sole_slice(node)
    return isinstance(found, cst.Index) and _int_value(found.value) == value


def _split_args(call: cst.Call) -> tuple[list[cst.Arg], dict[str, cst.Arg]] | None:
    """Positional and keyword arguments of a call without `*args`/`**kwargs`."""
    positional: list[cst.Arg] = []
    keywords: dict[str, cst.Arg] = {}
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            positional.append(arg)
        else:
            keywords[arg.keyword.value] = arg
    return positional, keywords


def _call(func: str, args: Sequence[cst.Arg]) -> cst.Call:
    """`func(args)` with plain `, ` separators; `func` may be dotted. A bare generator
    expression gets the parentheses it needs beside other arguments, and a sole
    positional argument loses redundant ones (`f(x for x in y)`, not `f((x for x in y))`)."""
    parts = func.split(".")
    callee: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        callee = cst.Attribute(callee, cst.Name(part))
    new_args = []
    for arg in args:
        value = arg.value
        if len(args) > 1 and isinstance(value, cst.GeneratorExp) and not value.lpar:
            arg = arg.with_changes(value=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
        elif len(args) == 1 and arg.keyword is None and not arg.star:
            arg = arg.with_changes(value=rewrite.sole_argument(value))
        new_args.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    return cst.Call(callee, new_args)


def _is_reference(node: cst.BaseExpression) -> bool:
    """A name or an attribute chain on a name (`xs`, `self.queue`): reading it has no effect."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def _comments(node: cst.CSTNode) -> int:
    return len(rewrite.comments(node))


def _replacement(
    rule: Rule,
    node: cst.CSTNode,
    build: Callable[[cst.CSTNode], cst.CSTNode],
    imports: tuple[str, ...] = (),
    applicability: Applicability | None = None,
) -> Fix | None:
    """A fix replacing `node` by `build(node)`, built again from the updated node when it is
    applied (so edits inside survive); None if the new code would lose a comment."""
    if _comments(build(node)) != _comments(node):
        return None
    return rule.make_fix(Edit(node, replace=build), imports=imports, applicability=applicability)


def _bound_only_to(
    ctx: FileContext, name: str, allowed: Callable[[cst.BaseExpression], bool]
) -> cst.CSTNode | None:
    """The scope of `name` if it is the innermost function and every binding of `name`
    there is a one-target assignment of a value that `allowed` accepts (augmented
    assignments are allowed too: they keep a list or dict a list or dict)."""
    scope, bindings = ctx.bindings(name)
    if scope is None or scope is not ctx.function() or not bindings:
        return None
    if ctx.facts(scope).is_shared(name):
        return None
    for binding in bindings:
        if binding.kind == "augassign":
            continue
        statement = binding.statement
        if binding.kind not in ("assign", "annassign") or binding.value is None:
            return None
        if isinstance(statement, cst.Assign) and len(statement.targets) != 1:
            return None  # `a = b = []`: two names for one list
        if not allowed(binding.value):
            return None
    return scope


def _is_builtin_call(ctx: FileContext, node: cst.BaseExpression, name: str) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == name
        and _is_builtin(ctx, name)
    )


# -- PFL308 ------------------------------------------------------------------------------

# `)[0]`, `)[-1]`, `)[:3]`, `)[-3:]` (and `[:3:]`, `[-3::]`).
_PICK_OF_CALL = rf"\){BLANK}\[{BLANK}(?::{BLANK})?{_INT}{BLANK}(?::{BLANK}){{0,2}}\]"
_PICK_PATTERN = re.compile(_PICK_OF_CALL)

_MAX_K = 10  # `sorted(x)[:k]` beyond this k is left alone: heapq's lead shrinks with k


def _simple_key(arg: cst.Arg | None) -> bool:
    """A `key=` that can be written twice without evaluating anything twice."""
    return arg is None or _is_reference(arg.value) or isinstance(arg.value, cst.Lambda)


@register
class SortedForMinMax(Rule):
    """`sorted(x)[0]` sorts all of `x` (O(n log n), plus a new list) to keep one element;
    `min(x)` is one O(n) pass: about 9x faster on 10,000 random floats (measured 8.8x to
    12x). Likewise `sorted(x)[:k]` for a small k (up to 10): `heapq.nsmallest(k, x)` keeps
    only k elements in a heap (9x at k=5; still 4x at k=100). `sorted(x)[-k:]` becomes
    `sorted(heapq.nlargest(k, x))`, which keeps the ascending order.

    The gain depends on the data. Timsort finds already-sorted input in one pass with a
    specialised float comparison, so on presorted input `sorted(x)[0]` is 2.5x to 6x
    FASTER than `min(x)` (measured across runs), `heapq.nsmallest` is about 7x slower than sorting, and
    `heapq.nlargest` 30x to 100x slower (every element enters the heap). On small inputs
    (below about 1,000 elements at k=10) the heapq functions lose to sorting too. Keep
    `sorted` where the input is mostly in order.

    Unsafe: with ties, `sorted(x)[-1]` returns the last of equal elements and `max(x)`
    the first (values equal but distinct, as `1` and `1.0`; with `key=`, where ties are
    common, `[-1]` is reported without a fix);
    on empty input `min`/`max` raise ValueError instead of IndexError (so no `min`/`max`
    fix is offered inside a `try` catching either); with NaN in the data the results can
    differ.
    """

    code = "PFL308"
    impact = Impact.ALGORITHMIC
    hints = (r"\bsorted\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A call of `sorted` subscripted by an int or a slice with one int bound
        (`sorted(x)[0]`, `sorted(x)[:3]`)."""
        if not (super().may_fire(region) and region.has(_PICK_OF_CALL)):
            return False
        text = region.text
        closers = [found.start() for found in _PICK_PATTERN.finditer(text)]
        openers = _openers(text, closers)
        return openers is None or any(
            _may_call(text, opener, closer, ("sorted",)) for closer, opener in openers.items()
        )

    name = "sorted-for-min-max"
    message = "use `min()`/`max()` or `heapq.nsmallest()`/`nlargest()` instead of sorting to take the extremes"
    fix = Applicability.UNSAFE
    bad = (
        Example("def f(xs):\n    return sorted(xs)[0]\n", "def f(xs):\n    return min(xs)\n"),
        Example("def f(xs):\n    return sorted(xs)[-1]\n", "def f(xs):\n    return max(xs)\n"),
        Example(
            "def f(xs):\n    return sorted(xs, key=len, reverse=True)[0]\n",
            "def f(xs):\n    return max(xs, key=len)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, reverse=True)[-1]\n",
            "def f(xs):\n    return min(xs)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, key=abs)[:3]\n",
            "import heapq\n\n\ndef f(xs):\n    return heapq.nsmallest(3, xs, key=abs)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, reverse=True)[:3]\n",
            "import heapq\n\n\ndef f(xs):\n    return heapq.nlargest(3, xs)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs)[-3:]\n",
            "import heapq\n\n\ndef f(xs):\n    return sorted(heapq.nlargest(3, xs))\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, key=lambda p: p.y)[-2:]\n",
            "import heapq\n\n\n"
            "def f(xs):\n    return sorted(heapq.nlargest(2, xs, key=lambda p: p.y), key=lambda p: p.y)\n",
        ),
        # The key would be evaluated twice: reported without a fix.
        Example("def f(xs):\n    return sorted(xs, key=make_key())[-2:]\n", None),
        # The last of tied elements: max() would return the first of them.
        Example("def f(atoms):\n    return sorted(atoms, key=lambda a: a.occupancy)[-1]\n", None),
        # `min` is not the builtin here: reported without a fix.
        Example("def f(xs, min):\n    return sorted(xs)[0]\n", None),
        # A handler waits for the IndexError of empty input (`min` raises ValueError).
        Example(
            "def f(xs):\n    try:\n        return sorted(xs)[0]\n    except IndexError:\n        return None\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    return min(xs)\n",
        "def f(xs):\n    return sorted(xs)[1]\n",  # the second smallest
        "def f(xs):\n    return sorted(xs)[:50]\n",  # k too large to be sure heapq wins
        "def f(xs):\n    return sorted(xs)[1:]\n",
        "def f(xs, flag):\n    return sorted(xs, reverse=flag)[0]\n",  # direction unknown
        "def f(xs, kw):\n    return sorted(xs, **kw)[0]\n",
        "def f(xs):\n    return xs.sorted()[0]\n",
        "def f(xs, sorted):\n    return sorted(xs)[0]\n",  # not the builtin
    )
    bench = Bench(
        setup="import random\nrng = random.Random(0)\ndata = [rng.random() for _ in range(N)]",
        before="def run():\n    return sorted(data)[0]",
        after="def run():\n    return min(data)",
        variants=(Case("presorted", setup="data = [i / N for i in range(N)]"),),
        note="random floats; on presorted input (the second case) sorted() wins",
    )

    def visit_Subscript(self, node: cst.Subscript) -> None:
        call = node.value
        if not (isinstance(call, cst.Call) and is_name(call.func, "sorted")):
            return
        parts = _sorted_parts(call)
        pick = _picked(node)
        if parts is None or pick is None or not _is_builtin(self.ctx, "sorted"):
            return
        key, reverse = parts
        kind, k = pick
        if kind in ("first", "last"):
            func = "min" if (kind == "first") != reverse else "max"
            # The last of a stable sort is the last of the tied elements; min/max give the
            # first. With a key, ties are expected: report without a fix.
            self._report_min_max(node, func, fixable=kind == "first" or key is None)
        else:
            self._report_heapq(node, kind, k, key, reverse)

    def _report_min_max(self, node: cst.Subscript, func: str, fixable: bool) -> None:
        def build(updated: cst.CSTNode) -> cst.CSTNode:
            sub = cast(cst.Subscript, updated)
            args = _sorted_kept_args(cast(cst.Call, sub.value), keep_reverse=False)
            return _call(func, args).with_changes(lpar=sub.lpar, rpar=sub.rpar)

        # On empty input `min`/`max` raise ValueError where indexing raised IndexError.
        fixable = fixable and _is_builtin(self.ctx, func) and not self.ctx.is_caught(node, ("IndexError", "ValueError"))
        fix = _replacement(self, node, build) if fixable else None
        self.report(node, f"use `{func}()` instead of sorting to take one element", fix, fixed_size=_sorts_fixed(self, node))

    def _report_heapq(
        self, node: cst.Subscript, kind: str, k: int, key: cst.Arg | None, reverse: bool
    ) -> None:
        # `[:k]` keeps the sort order; `[-k:]` takes the other end, so it is sorted again.
        smallest = (kind == "head") != reverse
        func = "heapq.nsmallest" if smallest else "heapq.nlargest"

        def build(updated: cst.CSTNode) -> cst.CSTNode:
            sub = cast(cst.Subscript, updated)
            call = cast(cst.Call, sub.value)
            count = cst.Arg(cst.Integer(str(k)))
            picked = _call(func, [count, *_sorted_kept_args(call, keep_reverse=False)])
            if kind == "tail":
                rest = _sorted_kept_args(call, keep_reverse=True)[1:]
                picked = call.with_changes(args=[cst.Arg(picked), *rest])
            return picked.with_changes(lpar=sub.lpar, rpar=sub.rpar)

        fixable = (kind == "head" or _simple_key(key)) and _module_usable(self.ctx, "heapq")
        fix = _replacement(self, node, build, imports=("heapq",)) if fixable else None
        self.report(node, f"use `{func}()` instead of sorting to take {k} elements", fix, fixed_size=_sorts_fixed(self, node))


def _sorted_parts(call: cst.Call) -> tuple[cst.Arg | None, bool] | None:
    """(key argument, reverse) of `sorted(x[, key=...][, reverse=True/False])`."""
    split = _split_args(call)
    if split is None:
        return None
    positional, keywords = split
    if len(positional) != 1 or not set(keywords) <= {"key", "reverse"}:
        return None
    reverse = keywords.get("reverse")
    if reverse is None:
        return keywords.get("key"), False
    if is_name(reverse.value, "True", "False"):
        return keywords.get("key"), cast(cst.Name, reverse.value).value == "True"
    return None


def _sorted_kept_args(call: cst.Call, keep_reverse: bool) -> list[cst.Arg]:
    return [a for a in call.args if keep_reverse or a.keyword is None or a.keyword.value != "reverse"]


def _picked(node: cst.Subscript) -> tuple[str, int] | None:
    """What a subscript of a sorted list keeps: ("first"|"last", 1) or ("head"|"tail", k)."""
    found = _sole_slice(node)
    if isinstance(found, cst.Index):
        index = _int_value(found.value)
        return ("first", 1) if index == 0 else ("last", 1) if index == -1 else None
    if not isinstance(found, cst.Slice) or found.step is not None:
        return None
    if found.lower is None:
        k = _int_value(found.upper)
        return ("head", k) if k is not None and 0 < k <= _MAX_K else None
    lower = _int_value(found.lower)
    if found.upper is None and lower is not None and 0 < -lower <= _MAX_K:
        return ("tail", -lower)
    return None


# -- PFL309 ------------------------------------------------------------------------------

_POP_END = rf"\bpop{BLANK}\({BLANK}(?:{_INT}{BLANK})?\)"


@register
class ManualPriorityQueue(Rule):
    """Taking the smallest item of a list on each turn of a `while` loop with `min()` then
    `remove()`, or with `sort()` then `pop(0)`, costs O(n) (or O(n log n)) per item, so
    draining the queue is quadratic. `heapq` keeps the list as a heap: `heappush` and
    `heappop` cost O(log n). Draining 2,000 random floats: about 70x faster with heapq.

    No fix: the list must become a heap everywhere it is filled (`heapify`, `heappush`).
    Also flagged: `max()` then `remove()` and `sort()` then `pop()` (a max-queue; push
    negated priorities).
    """

    code = "PFL309"
    impact = Impact.ALGORITHMIC
    hints = (r"\bwhile\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A `while` loop in a function holding `min`/`max` and `remove`, or `sort` and
        `pop()`/`pop(0)`/`pop(-1)`."""
        if not (super().may_fire(region) and region.has(_DEF)):
            return False
        loops = region.loops
        if not loops.has(r"\bwhile\b"):
            return False
        if loops.has(r"\bremove\b") and loops.has(r"\b(?:min|max)\b"):
            return True
        return loops.has(r"\bsort\b") and loops.has(_POP_END)

    name = "manual-priority-queue"
    message = "use `heapq` (heappush/heappop) instead of finding and removing the smallest item each turn"
    bad = (
        Example(
            "def drain(xs):\n    out = []\n    while xs:\n        m = min(xs)\n"
            "        xs.remove(m)\n        out.append(m)\n    return out\n"
        ),
        Example(
            "def run(self):\n    while self.queue:\n        self.queue.sort(key=prio)\n"
            "        task = self.queue.pop(0)\n        task()\n"
        ),
        Example(
            "def run(queue):\n    while queue:\n        item = queue.pop()\n"
            "        queue.extend(expand(item))\n        queue.sort()\n"
        ),
    )
    good = (
        "import heapq\ndef drain(xs):\n    heapq.heapify(xs)\n    while xs:\n        yield heapq.heappop(xs)\n",
        # a `for` loop with a bounded number of turns
        "def top(xs):\n    for _ in range(3):\n        m = min(xs)\n        xs.remove(m)\n",
        # the minimum of one list, removed from another
        "def f(xs, ys):\n    while xs:\n        m = min(ys)\n        xs.remove(m)\n",
        # pop(0) without sorting in the loop: a FIFO, not a priority queue
        "def f(xs):\n    xs.sort()\n    while xs:\n        print(xs.pop(0))\n",
        # the remove comes before the min
        "def f(xs, m):\n    while xs:\n        xs.remove(m)\n        m = min(xs)\n",
        # module level runs once
        "while xs:\n    m = min(xs)\n    xs.remove(m)\n",
    )
    bench = Bench(
        setup="import random\nrng = random.Random(0)\ndata = [rng.random() for _ in range(N)]",
        before=(
            "def run():\n    xs = list(data)\n    out = []\n    while xs:\n"
            "        m = min(xs)\n        xs.remove(m)\n        out.append(m)\n    return out"
        ),
        after=(
            "import heapq\n\ndef run():\n    xs = list(data)\n    heapq.heapify(xs)\n    out = []\n"
            "    while xs:\n        out.append(heapq.heappop(xs))\n    return out"
        ),
        size=2_000,
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or not _is_reference(func.value):
            return
        method = func.attr.value
        args = node.args
        if method == "remove" and len(args) == 1 and isinstance(args[0].value, cst.Name) and not args[0].star:
            removed: cst.Name | None = args[0].value
        elif method == "pop" and (not args or (len(args) == 1 and _int_value(args[0].value) in (0, -1))):
            removed = None
        else:
            return
        statements = self._while_body(before_current=removed is not None)
        if statements is None:
            return
        if removed is None:
            found = any(_is_sort_of(s, func.value) for s in statements)
        else:
            found = any(_is_min_of(s, removed, func.value) for s in statements)
            found = found and _is_builtin(self.ctx, "min", "max")  # the builtins, not local helpers
        if not found:
            return
        loop = self.ctx.loops()[0]
        function = self.ctx.function()
        name = func.value.value if isinstance(func.value, cst.Name) else None
        if name is not None and function is not None and self.ctx.facts(function).bindings_in(name, loop):
            return  # rebuilt every turn: there is no lasting queue for a heap to keep
        self.report(node, fixed_size=fixed_size(self.ctx, function, name, [loop]))

    def _while_body(self, before_current: bool) -> Sequence[cst.CSTNode] | None:
        """The top-level statements of the `while` body around the current node (those
        before it, if `before_current`), when the innermost loop is a `while` in a function."""
        loops = self.ctx.loops()
        if not loops or not isinstance(loops[0], cst.While) or self.ctx.function() is None:
            return None
        loop = loops[0]
        ancestors = self.ctx.ancestors
        position = next(i for i, a in enumerate(ancestors) if a is loop)
        if ancestors[position + 1] is not loop.body or not isinstance(loop.body, cst.IndentedBlock):
            return None
        body = loop.body.body
        current = ancestors[position + 2]
        index = next(i for i, s in enumerate(body) if s is current)
        return body[:index] if before_current else body


def _sole_small_statement(statement: cst.CSTNode) -> cst.BaseSmallStatement | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None


def _is_min_of(statement: cst.CSTNode, target: cst.Name, receiver: cst.BaseExpression) -> bool:
    """`target = min(receiver, ...)` (or max)."""
    small = _sole_small_statement(statement)
    if not (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and is_name(small.targets[0].target, target.value)
    ):
        return False
    value = small.value
    return (
        isinstance(value, cst.Call)
        and is_name(value.func, "min", "max")
        and bool(value.args)
        and value.args[0].keyword is None
        and not value.args[0].star
        and value.args[0].value.deep_equals(receiver)
    )


def _is_sort_of(statement: cst.CSTNode, receiver: cst.BaseExpression) -> bool:
    """`receiver.sort(...)` as a statement."""
    small = _sole_small_statement(statement)
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        return False
    func = small.value.func
    return isinstance(func, cst.Attribute) and func.attr.value == "sort" and func.value.deep_equals(receiver)


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


def _is_dict_value(ctx: FileContext, value: cst.BaseExpression) -> bool:
    return isinstance(value, (cst.Dict, cst.DictComp)) or _is_builtin_call(ctx, value, "dict")


@register
class InDictKeys(Rule):
    """`k in d.keys()` builds a keys view and searches it; `k in d` is the same hash
    lookup without the extra method call and view object (1.6x faster, measured).

    The fix is safe where `d` is a local bound only to dicts. Elsewhere it is unsafe: a
    mapping may define `in` differently from its `keys()` (`email.message.Message`
    compares header names case-insensitively, `dbm` accepts str for bytes keys), and an
    object with `keys()` but no `__contains__`/`__iter__` does not support `in` at all.
    `key in self.keys()` inside `__contains__` is not flagged: rewritten it would call
    itself.
    """

    code = "PFL310"
    impact = Impact.CONSTANT
    hints = (r"\bkeys\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A call of `.keys()` without arguments right after `in` (`for ... in` aside)."""
        if not (super().may_fire(region) and region.has(_KEYS_CALL) and region.has(r"\bin\b")):
            return False
        text = region.text
        openers = _openers(text)
        return openers is None or any(
            _may_be_compared(text, found.start(), openers) for found in _KEYS_CALL_PATTERN.finditer(text)
        )

    name = "in-dict-keys"
    message = "use `key in dict` instead of `key in dict.keys()`"
    fix = Applicability.SAFE
    bad = (
        Example(
            "def f(k):\n    d = {}\n    return k in d.keys()\n",
            "def f(k):\n    d = {}\n    return k in d\n",
        ),
        Example("def f(d, k):\n    return k in d.keys()\n", "def f(d, k):\n    return k in d\n"),
        Example("def f(d, k):\n    return k not in d.keys()\n", "def f(d, k):\n    return k not in d\n"),
        Example(
            "def f(self, k):\n    return k in self.cache.keys()\n",
            "def f(self, k):\n    return k in self.cache\n",
        ),
    )
    good = (
        "def f(d, k):\n    return k in d\n",
        "def f(d, k):\n    return k in d.keys(1)\n",
        "def f(d, k):\n    return k in d.values()\n",
        "class Headers:\n    def __contains__(self, key):\n        return key.lower() in self.keys()\n",
    )
    bench = Bench(
        setup="d = {i: i for i in range(N)}\nkeys = list(range(0, 2 * N, 7))",
        before="def run():\n    return sum(1 for k in keys if k in d.keys())",
        after="def run():\n    return sum(1 for k in keys if k in d)",
    )

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if not isinstance(node.operator, (cst.In, cst.NotIn)):
            return
        call = node.comparator
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "keys" and not call.args):
            return
        mapping = cast(cst.Attribute, cast(cst.Call, call).func).value
        function = self.ctx.function()
        in_contains = isinstance(function, cst.FunctionDef) and function.name.value == "__contains__"
        if in_contains and is_name(mapping, "self"):
            return
        known = isinstance(mapping, cst.Name) and _bound_only_to(
            self.ctx, mapping.value, lambda v: _is_dict_value(self.ctx, v)
        )
        fix = _replacement(
            self,
            call,
            lambda updated: cast(cst.Attribute, cast(cst.Call, updated).func).value,
            applicability=None if known else Applicability.UNSAFE,
        )
        self.report(self.ctx.parent() or node, fix=fix)


# -- PFL311 ------------------------------------------------------------------------------

_FIRST = rf"[)\]]{BLANK}\[{BLANK}{_ZERO}{BLANK}\]"  # `)[0]`, `][0]`
_FIRST_OF_CALL = rf"\){BLANK}\[{BLANK}{_ZERO}{BLANK}\]"
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


class _YieldFinder(Visitor):
    """Finds a `yield` of one function body (not of functions or classes nested in it)."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _copied(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """`x` of `list(x)`, `tuple(x)`, `[*x]` and `[y for y in x]`."""
    if isinstance(node, cst.Call) and is_name(node.func, "list", "tuple"):
        split = _split_args(node)
        if split is not None and len(split[0]) == 1 and not split[1]:
            return split[0][0].value
    elif isinstance(node, cst.List) and len(node.elements) == 1:
        element = node.elements[0]
        return element.value if isinstance(element, cst.StarredElement) else None
    elif isinstance(node, cst.ListComp):
        comp = node.for_in
        identity = is_name(node.elt) and is_name(comp.target, cast(cst.Name, node.elt).value)
        if identity and not comp.ifs and comp.inner_for_in is None and comp.asynchronous is None:
            return comp.iter
    return None


@register
class FirstElementCopy(Rule):
    """`list(x)[0]` copies every element of `x` into a new list to read the first one;
    `next(iter(x))` stops after one element: O(1) instead of O(n) (on a 10,000-key
    dict, more than 500x faster). A list comprehension indexed by `[0]` is the same waste:
    `next(<generator>)` stops at the first element that passes the conditions.

    Unsafe: on empty input the fix raises StopIteration instead of IndexError, and `x` is
    consumed only up to its first element (an iterator keeps the rest; later elements and
    their side effects are no longer produced). Where StopIteration would do harm the
    finding carries no fix: inside a generator (it becomes RuntimeError), a generator
    expression, a lambda or `__next__` (it silently ends the iteration that called it),
    and inside a `try` or `with suppress(...)` that catches IndexError or StopIteration
    (a handler may be waiting for the IndexError). Use
    `next(iter(x), default)` where empty input is expected.
    """

    code = "PFL311"
    impact = Impact.ALGORITHMIC

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """`[0]` after `)` (a `list()`/`tuple()` call, or a display in parentheses) or
        after `]` (a display holding `*x`, or a comprehension: found in `region.loops`)."""
        if not ("0" in region.text and region.has(_FIRST)):
            return False
        call = region.has(r"\b(?:list|tuple)\b") and region.has(_FIRST_OF_CALL)
        if not (call or region.has(rf"\[{BLANK}\*") or region.loops.has(_FIRST)):
            return False
        text = region.text
        closers = [found.start() for found in _FIRST_PATTERN.finditer(text)]
        openers = _openers(text, closers)
        return openers is None or any(_may_copy(text, opener, closer) for closer, opener in openers.items())

    name = "first-element-copy"
    message = "use `next(iter(x))` instead of copying `x` into a list to take its first element"
    fix = Applicability.UNSAFE
    bad = (
        # A loop copies the same data on every pass: quadratic.
        Example(
            "def f(rows, pending):\n    for row in rows:\n        if row.key == list(pending)[0]:\n            return row\n",
            "def f(rows, pending):\n    for row in rows:\n        if row.key == next(iter(pending)):\n            return row\n",
        ),
        Example(
            "def match(hits, placeholders):\n    found = []\n    for hit in hits:\n"
            "        found.append([p for p in placeholders if p.id == hit.id][0])\n    return found\n",
            "def match(hits, placeholders):\n    found = []\n    for hit in hits:\n"
            "        found.append(next(p for p in placeholders if p.id == hit.id))\n    return found\n",
        ),
        # Once per call, or on a different item each pass: linear, like the call's own work.
        Example("def f(d):\n    return list(d)[0]\n", "def f(d):\n    return next(iter(d))\n", Bound.FIXED_SIZE),
        Example(
            "def f(d):\n    return [*d.values()][0]\n", "def f(d):\n    return next(iter(d.values()))\n", Bound.FIXED_SIZE
        ),
        Example("def f(s):\n    return [y for y in s][0]\n", "def f(s):\n    return next(iter(s))\n", Bound.FIXED_SIZE),
        Example("def f(s):\n    return tuple(s)[0]\n", "def f(s):\n    return next(iter(s))\n", Bound.FIXED_SIZE),
        # StopIteration inside a generator would become RuntimeError: no fix.
        Example("def f(groups):\n    for g in groups:\n        yield list(g)[0]\n", None, Bound.FIXED_SIZE),
        # The handler waits for IndexError: no fix.
        Example(
            "def f(s):\n    try:\n        return list(s)[0]\n    except IndexError:\n        return None\n",
            None,
            Bound.FIXED_SIZE,
        ),
        Example("key = lambda s: list(s)[0]\n", None, Bound.FIXED_SIZE),
        Example(
            "from contextlib import suppress\n\ndef f(s):\n    with suppress(IndexError):\n        return list(s)[0]\n",
            None,
            Bound.FIXED_SIZE,
        ),
        # A `try` or `with` that does not catch it is no reason to hold the fix back.
        Example(
            "def f(path):\n    with open(path) as fp:\n        return list(fp)[0]\n",
            "def f(path):\n    with open(path) as fp:\n        return next(iter(fp))\n",
            Bound.FIXED_SIZE,
        ),
    )
    good = (
        "def f(s):\n    return next(iter(s))\n",
        "def f(s):\n    return list(s)[1]\n",
        "def f(s):\n    return list(s)[-1]\n",
        "def f(a, b):\n    return [*a, *b][0]\n",
        "def f(s):\n    return list(s, 1)[0]\n",
        "def f(s, list):\n    return list(s)[0]\n",  # not the builtin
        "def f(s):\n    return s[0]\n",
        "async def f(s):\n    return [y async for y in s][0]\n",
    )
    bench = Bench(
        setup="d = {i: str(i) for i in range(N)}",
        before="def run():\n    return list(d)[0]",
        after="def run():\n    return next(iter(d))",
    )

    def __init__(self, ctx: FileContext, findings: list[Finding]) -> None:
        super().__init__(ctx, findings)
        self._generators: dict[int, bool] = {}

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not _is_index(node, 0):
            return
        value = node.value
        source = _copied(value)
        if source is not None:
            if isinstance(value, cst.Call) and not _is_builtin(self.ctx, cast(cst.Name, value.func).value):
                return
            build = _first_of_copy
        elif isinstance(value, cst.ListComp) and not _is_async(value):
            build = _first_of_comprehension
        else:
            return
        fixable = self._stop_iteration_is_plain() and _is_builtin(self.ctx, "next", "iter")
        data = source if source is not None else cast(cst.ListComp, value).for_in.iter
        small = fixed_iterable(self.ctx, source) if source is not None else fixed_iterations(self.ctx, value)
        # One copy per call is linear, like the call's other work on that data; it hurts
        # when a loop repeats it on the same data.
        fixed = small or all_fixed(self.ctx, same_data_loops(self.ctx, data))
        self.report(node, fix=_replacement(self, node, build) if fixable else None, fixed_size=fixed)

    def _stop_iteration_is_plain(self) -> bool:
        """Whether StopIteration raised here reaches the caller as an ordinary error (and
        no handler in the function waits for the IndexError it replaces)."""
        if self.ctx.is_caught(self.ctx.ancestors[-1], ("IndexError", "StopIteration")):
            return False
        for node in reversed(self.ctx.ancestors[:-1]):
            if isinstance(node, (cst.GeneratorExp, cst.Lambda)):
                return False
            if isinstance(node, cst.FunctionDef):
                return node.name.value != "__next__" and not self._is_generator(node)
        return True

    def _is_generator(self, function: cst.FunctionDef) -> bool:
        found = self._generators.get(id(function))
        if found is None:
            finder = _YieldFinder()
            visit(function.body, finder)
            found = self._generators[id(function)] = finder.found
        return found


def _is_async(comp: cst.ListComp) -> bool:
    """An `async for` or an `await` anywhere in the comprehension."""
    return has_async_for(comp) or contains(comp, cst.Await)


def _first_of_copy(updated: cst.CSTNode) -> cst.CSTNode:
    """`list(x)[0]` -> `next(iter(x))`."""
    sub = cast(cst.Subscript, updated)
    source = cast(cst.BaseExpression, _copied(sub.value))
    return _call("next", [cst.Arg(_call("iter", [cst.Arg(source)]))]).with_changes(lpar=sub.lpar, rpar=sub.rpar)


def _first_of_comprehension(updated: cst.CSTNode) -> cst.CSTNode:
    """`[f(y) for y in x if c][0]` -> `next(f(y) for y in x if c)`."""
    sub = cast(cst.Subscript, updated)
    comp = cast(cst.ListComp, sub.value)
    generator = cst.GeneratorExp(comp.elt, comp.for_in, lpar=[], rpar=[])
    return _call("next", [cst.Arg(generator)]).with_changes(lpar=sub.lpar, rpar=sub.rpar)


# -- PFL312 ------------------------------------------------------------------------------


@register
class QuadraticListSum(Rule):
    """`sum(xs, [])` adds the lists one by one, copying everything gathered so far each
    time: quadratic. `itertools.chain.from_iterable` walks each list once (1,000 lists
    of 2: about 30x faster).

    Unsafe: `sum` insists that every element is a list (a tuple raises TypeError) and
    honours an element type's own `__add__`; `chain` accepts any iterables. No fix inside
    a `try` catching TypeError, which may count on `sum`'s.
    """

    code = "PFL312"
    impact = Impact.ALGORITHMIC
    hints = (r"\bsum\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """`sum` and an empty list after a comma or `start=`."""
        return super().may_fire(region) and region.has(rf"[,=]{BLANK}(?:\({BLANK})*\[{BLANK}\]")

    name = "quadratic-list-sum"
    message = "use `list(itertools.chain.from_iterable(xs))` instead of `sum(xs, [])`"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(rows):\n    return sum(rows, [])\n",
            "import itertools\n\n\ndef f(rows):\n    return list(itertools.chain.from_iterable(rows))\n",
        ),
        Example(  # the generator's own parentheses are not doubled
            "def f(groups):\n    return sum((g.items for g in groups), [])\n",
            "import itertools\n\n\ndef f(groups):\n    return list(itertools.chain.from_iterable(g.items for g in groups))\n",
        ),
        Example(
            "import itertools\nflat = sum([a, b], start=[])\n",
            "import itertools\nflat = list(itertools.chain.from_iterable([a, b]))\n",
            Bound.RUNS_ONCE,
        ),
        Example("def f(rows, itertools):\n    return sum(rows, [])\n", None),
        Example(  # the handler counts on `sum`'s TypeError for a row that is no list
            "def f(rows):\n    try:\n        return sum(rows, [])\n    except TypeError:\n        return None\n",
            None,
        ),
    )
    good = (
        "def f(rows):\n    return sum(rows)\n",
        "def f(rows):\n    return sum(rows, [0])\n",
        "def f(rows):\n    return sum(rows, ())\n",
        "def f(rows, sum):\n    return sum(rows, [])\n",
    )
    bench = Bench(
        setup="rows = [[i, i + 1] for i in range(N)]",
        before="def run():\n    return sum(rows, [])",
        after="import itertools\n\ndef run():\n    return list(itertools.chain.from_iterable(rows))",
        size=1_000,
    )

    def visit_Call(self, node: cst.Call) -> None:
        if not is_name(node.func, "sum"):
            return
        split = _split_args(node)
        if split is None:
            return
        positional, keywords = split
        start = positional[1:] if not keywords else [keywords["start"]] if list(keywords) == ["start"] else []
        if len(positional) + len(keywords) != 2 or len(start) != 1:
            return
        if not (isinstance(start[0].value, cst.List) and not start[0].value.elements) or not _is_builtin(self.ctx, "sum"):
            return

        def build(updated: cst.CSTNode) -> cst.CSTNode:
            call = cast(cst.Call, updated)
            chain = _call("itertools.chain.from_iterable", [call.args[0]])
            return _call("list", [cst.Arg(chain)]).with_changes(lpar=call.lpar, rpar=call.rpar)

        fixable = (
            _is_builtin(self.ctx, "list") and _module_usable(self.ctx, "itertools")
            and not self.ctx.is_caught(node, ("TypeError",))  # `sum` raises it for a non-list, `chain` not
        )
        fix = _replacement(self, node, build, imports=("itertools",)) if fixable else None
        self.report(node, fix=fix, fixed_size=fixed_iterable(self.ctx, positional[0].value))


# -- PFL313 and PFL314: loops that copy a whole sequence on every turn --------------------


def _self_assignment(node: cst.Assign) -> str | None:
    """`name` of `name = <value>` with one target."""
    if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
        return node.targets[0].target.value
    return None


def _is_concat(name: str, value: cst.BaseExpression) -> bool:
    """`name + ...`"""
    return (
        isinstance(value, cst.BinaryOperation)
        and isinstance(value.operator, cst.Add)
        and is_name(value.left, name)
    )


def _is_list_value(ctx: FileContext, value: cst.BaseExpression) -> bool:
    return isinstance(value, (cst.List, cst.ListComp)) or _is_builtin_call(ctx, value, "list")


# Methods of a list that neither store a reference to it nor hand it out.
_LIST_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear", "index", "count", "copy"}
)
_READING_BUILTINS = frozenset({"len", "list", "tuple", "set", "sorted", "sum", "min", "max", "any", "all"})


def _keeps_list_private(use: Use, loops: Sequence[cst.CSTNode]) -> bool:
    """Whether this read of a list can neither keep a reference to it nor be iterating it
    while `loops` (those around a concatenation) run."""
    node, parent, grandparent = use.node, use.parent, use.grandparent
    if use.nested:
        return False
    if isinstance(parent, (cst.BinaryOperation, cst.Comparison, cst.ComparisonTarget, cst.AugAssign)):
        return True  # `acc + x`, `x in acc`, `acc += x`
    if isinstance(parent, (cst.Return, cst.UnaryOperation)) or use.method() in _LIST_METHODS:
        return True
    if isinstance(parent, cst.Subscript) and parent.value is node:
        return True
    if isinstance(parent, (cst.If, cst.While)) and parent.test is node:
        return True
    if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call):
        return is_name(grandparent.func) and cast(cst.Name, grandparent.func).value in _READING_BUILTINS
    if isinstance(parent, cst.For) and parent.iter is node:
        return not any(loop is parent for loop in loops)
    return False


@register
class ListConcatInLoop(Rule):
    """`acc = acc + [v]` builds a new list and copies all of `acc` into it on every turn,
    so the loop is quadratic; `acc.append(v)` (or `acc.extend(other)`) adds in place in
    amortised O(1) per element (2,000 appends: about 80x faster).

    Flagged only where `acc` is a local bound to lists only. Unsafe: the fix mutates the
    list instead of replacing it, so a second reference to the old list would see the
    change; it is offered only where every other use of `acc` in the function can
    neither keep such a reference nor iterate the list while it grows (no calls other
    than `len()`-like builtins, no `yield`, no closures). `acc.extend(other)` also
    accepts a non-list `other` (a tuple) where `acc + other` raises TypeError, so no fix is
    offered inside a `try` catching TypeError.
    """

    code = "PFL313"
    impact = Impact.ALGORITHMIC
    hints = (LOOP, r"=\s*\(?\s*\w+\s*\+")  # `acc = acc + ...`

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """`name = name + ...` in a loop of a function, where no binding of `name` in the
        function keeps it from being a list (see `_bound_only_to`)."""
        if not (
            super().may_fire(region) and region.has(_DEF)
            and "+" in region.loops.text and region.loops.has(_self_rebinding(r"\+"))
        ):
            return False
        if region.node is None or "nonlocal" in region.text:
            return True
        concats: List[Tuple[str, ast.stmt]] = []
        other: dict[ast.stmt, set[str]] = {}  # names bound otherwise, per function
        for stmt, function, loops in _placed_statements(region.node):
            if isinstance(stmt, _DEF_STATEMENTS):
                other.setdefault(stmt, set()).update(_parameters(stmt))
            if function is None:
                continue
            for name, value, sole, kind in _bindings(stmt, function):
                if kind == "augassign" or (kind in ("assign", "annassign") and sole and _list_or_concat(name, value)):
                    if loops and kind == "assign" and _is_concat_of(name, value):
                        concats.append((name, function))
                else:
                    other.setdefault(function, set()).add(name)
        return any(name not in other.get(function, ()) for name, function in concats)

    name = "list-concat-in-loop"
    message = "use `acc.append(v)` / `acc.extend(other)` instead of `acc = acc + ...` in a loop"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(xs):\n    acc = []\n    for x in xs:\n        acc = acc + [x * 2]\n    return acc\n",
            "def f(xs):\n    acc = []\n    for x in xs:\n        acc.append(x * 2)\n    return acc\n",
        ),
        Example(
            "def f(rows):\n    out = list()\n    for row in rows:\n        if row:\n"
            "            out = out + row  # keep\n    return out\n",
            "def f(rows):\n    out = list()\n    for row in rows:\n        if row:\n"
            "            out.extend(row)  # keep\n    return out\n",
        ),
        # `out` is shared with `snapshots` each turn: reported without a fix.
        Example(
            "def f(xs, snapshots):\n    out = []\n    for x in xs:\n        out = out + [x]\n"
            "        snapshots.append(out)\n",
            None,
        ),
        # A handler catches the TypeError of adding a tuple: reported without a fix.
        Example(
            "def f(rows):\n    acc = []\n    for row in rows:\n        try:\n            acc = acc + row\n"
            "        except TypeError:\n            acc.extend(row)\n    return acc\n",
            None,
        ),
        # The loop iterates the list it extends: reported without a fix.
        Example(
            "def f(root):\n    todo = [root]\n    for t in todo:\n        todo = todo + t.children\n    return todo\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    acc = []\n    for x in xs:\n        acc.append(x)\n    return acc\n",
        # not known to be a list: a tuple, a number or a parameter
        "def f(xs):\n    acc = ()\n    for x in xs:\n        acc = acc + (x,)\n",
        "def f(xs, acc):\n    for x in xs:\n        acc = acc + [x]\n    return acc\n",
        "def f(xs):\n    acc = get()\n    for x in xs:\n        acc = acc + [x]\n",
        "def f(xs):\n    n = 0\n    for x in xs:\n        n = n + x\n",
        # rebound to something else too
        "def f(xs):\n    acc = []\n    for x in xs:\n        acc = acc + [x]\n    acc = tuple(acc)\n",
        # runs once: the loop ends right after
        "def f(xs):\n    acc = []\n    for x in xs:\n        if x:\n            acc = acc + [x]\n            break\n    return acc\n",
        # module level: runs once per import
        "acc = []\nfor x in range(3):\n    acc = acc + [x]\n",
    )
    bench = Bench(
        setup="data = list(range(N))",
        before="def run():\n    acc = []\n    for v in data:\n        acc = acc + [v]\n    return acc",
        after="def run():\n    acc = []\n    for v in data:\n        acc.append(v)\n    return acc",
        size=2_000,
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        name = _self_assignment(node)
        if name is None or not _is_concat(name, node.value):
            return
        if not self.ctx.in_function_loop() or self.ctx.leaves_loop_after():
            return
        scope = _bound_only_to(self.ctx, name, lambda v: _is_list_value(self.ctx, v) or _is_concat(name, v))
        if scope is None:
            return
        loops = self.ctx.loops()
        facts = self.ctx.facts(scope)
        private = all(_keeps_list_private(u, loops) for u in facts.uses.get(name, ()))
        fixed = fixed_rebinding(self.ctx, scope, name, loops, lambda b: b.value is not None and _is_concat(name, b.value))
        # `acc + other` raises TypeError for a tuple `other`, `extend` does not.
        fixable = private and not self.ctx.is_caught(node, ("TypeError",))
        fix = _replacement(self, node, _in_place_concat) if fixable else None
        self.report(node, fix=fix, fixed_size=fixed)


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


def _in_place_concat(updated: cst.CSTNode) -> cst.CSTNode:
    """`acc = acc + [v]` -> `acc.append(v)`; `acc = acc + other` -> `acc.extend(other)`."""
    assign = cast(cst.Assign, updated)
    concat = cast(cst.BinaryOperation, assign.value)
    added = concat.right
    method, arg = "extend", added
    if isinstance(added, cst.List) and len(added.elements) == 1 and isinstance(added.elements[0], cst.Element):
        method, arg = "append", added.elements[0].value
    call = cst.Call(cst.Attribute(concat.left, cst.Name(method)), [cst.Arg(arg)])
    return cst.Expr(call, semicolon=assign.semicolon)


def _is_shift(name: str, value: cst.BaseExpression | None) -> bool:
    """`name[k:]` for a start that is not negative (`name[-k:]` keeps a tail instead)."""
    if not (isinstance(value, cst.Subscript) and is_name(value.value, name)):
        return False
    found = _sole_slice(value)
    if not isinstance(found, cst.Slice) or found.upper is not None or found.step is not None:
        return False
    start = found.lower
    if start is None or (isinstance(start, cst.UnaryOperation) and isinstance(start.operator, cst.Minus)):
        return False
    literal = _int_value(start)
    return literal is None or literal > 0


@register
class SliceShiftInLoop(Rule):
    """`xs = xs[1:]` copies all remaining elements to drop the first one, so consuming a
    sequence this way is quadratic (2,000 items: about 30x slower than `deque.popleft()`).
    Keep an index into the sequence, use `collections.deque.popleft()`, or for bytes a
    `memoryview` (slicing it copies nothing).

    Flagged only where `xs` carries over between turns: not when the loop rebinds it
    otherwise (a `for` target, `name = item`), nor when a `break`/`return` follows. A
    slice of a memoryview or NumPy array is a view, not a copy: `xs` bound to one is not
    flagged, nor is a parameter that the function never uses as a str, bytes or list
    and that is not annotated as a list (`tokens: list`).
    """

    code = "PFL314"
    impact = Impact.ALGORITHMIC
    hints = (LOOP, r"=\s*\w+\s*\[")  # `xs = xs[...]`

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """`name = name[start:]` in a loop of a function, the start neither empty nor
        negative, where `visit_Assign` would not give up on `name`: rebound otherwise in
        that loop, bound to a memoryview, or only a parameter or target never used as a
        str, bytes or list."""
        if not (
            super().may_fire(region) and region.has(_DEF)
            and region.loops.has(_self_rebinding(rf"\[{BLANK}(?![-:\]])"))
            and region.loops.has(rf":{BLANK}(?::{BLANK})?\]")
        ):
            return False
        if region.node is None or "nonlocal" in region.text:
            return True
        shifts: List[Tuple[str, ast.stmt, ast.stmt]] = []  # name, function, innermost loop
        # Per function and name: other bindings, each as (statement, loops around it).
        other: dict[Tuple[ast.stmt, str], List[Tuple[ast.stmt, Tuple[ast.stmt, ...]]]] = {}
        valued: set[Tuple[ast.stmt, str]] = set()  # other bindings with a value
        views: set[Tuple[ast.stmt, str]] = set()  # ... a memoryview among them
        for stmt, function, loops in _placed_statements(region.node):
            if function is None:
                continue
            for name, value, sole, kind in _bindings(stmt, function):
                key = (function, name)
                if kind == "assign" and _is_shift_of(name, value):
                    if sole and loops:
                        shifts.append((name, function, loops[0]))
                    continue
                other.setdefault(key, []).append((stmt, loops))
                if value is not None:
                    valued.add(key)
                    views.update([key] if _is_memoryview(value) else [])
        for name, function, loop in shifts:
            key = (function, name)
            if key in views or any(s is loop or loop in around for s, around in other.get(key, ())):
                continue
            if (
                key in valued
                or region.has(rf"\b{name}{BLANK}:=")
                or region.has(rf"\b{name}{BLANK}\.{BLANK}{_SEQUENCE_METHOD}")
                or annotated_list_param(region, name)
            ):
                return True
        return False

    name = "slice-shift-in-loop"
    message = "shifting with `xs = xs[1:]` copies the rest each turn: keep an index or use a deque"
    bad = (
        Example(
            "def f(items):\n    xs = list(items)\n    total = 0\n    while xs:\n        total += xs[0]\n"
            "        xs = xs[1:]\n    return total\n"
        ),
        Example(
            "def parse(stream):\n    data = stream.read()\n    while len(data) >= 4:\n"
            "        size = int.from_bytes(data[:4], 'big')\n        data = data[4 + size:]\n"
        ),
        Example("def unquote(s):\n    while s.startswith('>'):\n        s = s[1:]\n    return s\n"),
        Example(  # a parameter annotated as a list: its slices are copies
            "def parse(tokens: list):\n    out = []\n    while tokens:\n        out.append(tokens[0])\n"
            "        tokens = tokens[1:]\n    return out\n"
        ),
        Example("import typing\n\ndef f(xs: typing.List[int]):\n    while xs:\n        xs = xs[2:]\n"),
    )
    good = (
        "def f(lines):\n    for line in lines:\n        if line.startswith('#'):\n            line = line[1:]\n        print(line)\n",
        "def f(items):\n    for item in items:\n        name = item.name\n        if name[0] == '_':\n            name = name[1:]\n",
        "def f(xs, n):\n    while True:\n        xs = xs[-n:]\n",  # keeps a window, no shift
        "def f(args):\n    for a in args:\n        if a == '--':\n            args = args[1:]\n            break\n",
        "def f(xs):\n    i = 0\n    while i < len(xs):\n        i += 1\n",
        # slices of a memoryview (or a parameter of unknown type) copy nothing
        (
            "def send(sock, data):\n    view = memoryview(data)\n    while view:\n"
            "        n = sock.send(view)\n        view = view[n:]\n"
        ),
        "def send(sock, buf):\n    while buf:\n        buf = buf[sock.send(buf):]\n",
        "xs = list(range(5))\nwhile xs:\n    xs = xs[1:]\n",  # module level
    )
    bench = Bench(
        setup="data = list(range(N))",
        before=(
            "def run():\n    xs = list(data)\n    total = 0\n    while xs:\n"
            "        total += xs[0]\n        xs = xs[1:]\n    return total"
        ),
        after=(
            "import collections\n\ndef run():\n    xs = collections.deque(data)\n    total = 0\n"
            "    while xs:\n        total += xs.popleft()\n    return total"
        ),
        size=2_000,
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        name = _self_assignment(node)
        if name is None or not _is_shift(name, node.value):
            return
        if not self.ctx.in_function_loop() or self.ctx.leaves_loop_after():
            return
        loop = self.ctx.loops()[0]
        scope, bindings = self.ctx.bindings(name)
        others = [b for b in bindings if not (b.kind == "assign" and _is_shift(name, b.value))]
        if scope is None or any(b.statement is loop or any(lp is loop for lp in b.loops) for b in others):
            return  # rebound otherwise in the loop: not carried over between turns
        values = [b.value for b in others if b.value is not None]
        if any(_may_be_view(self.ctx, value) for value in values):
            return
        if not values and not (
            _is_list_parameter(scope, name, others)
            or any(u.method() in _SEQUENCE_METHODS for u in self.ctx.facts(scope).uses.get(name, ()))
        ):
            return  # a parameter (or loop target) of unknown type: may be a memoryview
        small = bool(values) and all(fixed_iterable(self.ctx, value) for value in values)
        fresh = {id(b) for b in others}
        shifts = fixed_rebinding(self.ctx, scope, name, self.ctx.loops(), lambda b: id(b) not in fresh)
        self.report(node, fixed_size=small or shifts)


def _is_list_parameter(scope: cst.CSTNode, name: str, bindings: Sequence[Binding]) -> bool:
    """Whether `name` is a parameter annotated as a list (`tokens: list`) and only that:
    its slices are copies."""
    return (
        isinstance(scope, cst.FunctionDef)
        and annotated_list(scope, name)
        and all(b.kind == "param" for b in bindings)
    )


# Methods of str, bytes or list that memoryview and NumPy arrays lack.
_SEQUENCE_METHODS = frozenset(
    {
        "startswith", "endswith", "find", "rfind", "split", "rsplit", "strip", "lstrip", "rstrip",
        "partition", "rpartition", "lower", "upper", "decode", "encode", "replace", "append", "pop",
        "insert", "extend",
    }
)


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


def _may_be_view(ctx: FileContext, value: cst.BaseExpression) -> bool:
    """A value built by `memoryview(...)` or a NumPy call (their slices copy nothing)."""
    node: cst.BaseExpression = value
    while isinstance(node, (cst.Call, cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Call):
            if is_name(node.func, "memoryview"):
                return True
            if (ctx.qualified_name(node.func) or "").startswith("numpy."):
                return True
            node = node.func
        else:
            node = node.value
    return False
