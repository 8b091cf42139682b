"""PFL401-PFL405: loops that build a container by hand where a comprehension or builtin is faster.

A comprehension is not a loop with nicer syntax: it differs in ways the rules below must
respect before they offer a rewrite.

- Its loop variable lives in its own scope, so a name the loop leaves behind must not be
  read after the loop (nor deleted, nor be a global).
- Before 3.12 it is a nested function: `super()`, `locals()`, `vars()`, `dir()`, `eval`
  and `exec` mean something else inside it, and `await`/`yield`/`lambda` change meaning
  or become errors.
- It produces the whole container at the end, so the container must not be read while
  the loop runs (`if x not in out: out.append(x)` depends on the earlier items).
- A statement's iterable may be `a if c else b`, a bare tuple or a lambda; a
  comprehension needs those in parentheses.
All fixes are unsafe for the same reason: if an item raises halfway, the loop has left
the items before it in the container, the rewrite leaves nothing. So no fix is offered
where the function visibly goes on after such an error: the loop inside a `try` with a
handler, or a `with suppress(...)`. Nor is a copy of `self` offered as `list(self)` in a
class with its own `__len__`/`__iter__` (`list()` asks `len(self)` first).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_iterations
from perflint.analysis.shapes import clauses, has_async_for
from perflint.analysis.walk import ValueVisitor, children, visit
from perflint.model import Applicability, Bench, Bound, Case, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.hints import STATEMENT_BLOCKS, Region

# Calls whose meaning depends on the function they run in (a comprehension is its own
# function before 3.12).
_SCOPE_SENSITIVE = frozenset({"super", "locals", "vars", "dir", "eval", "exec"})
# Expressions a comprehension's iterable or condition must parenthesize.
_LOOSE = (cst.IfExp, cst.Lambda, cst.Tuple, cst.NamedExpr)


@dataclass(frozen=True)
class _Build:
    """`for TARGET in ITER: [if TEST:] RECEIVER.method(VALUE)` or `RECEIVER[KEY] = VALUE`."""

    loop: cst.For
    test: cst.BaseExpression | None
    receiver: str
    value: cst.BaseExpression
    key: cst.BaseExpression | None = None


# -- recognizing the loop --------------------------------------------------------------
def _only_statement(body: cst.BaseSuite) -> cst.CSTNode | None:
    """The single statement of a block (a small statement, or a compound one)."""
    if isinstance(body, cst.SimpleStatementSuite):
        return body.body[0] if len(body.body) == 1 else None
    if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
        return None
    statement = body.body[0]
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.body[0] if len(statement.body) == 1 else None
    return statement


def _loop_body(loop: cst.For) -> tuple[cst.BaseExpression | None, cst.BaseSmallStatement] | None:
    """(filter, statement) of a `for` whose body is one statement, maybe under one plain
    `if` (no elif/else: those bodies are not a filter)."""
    if loop.asynchronous is not None or loop.orelse is not None:
        return None
    inner = _only_statement(loop.body)
    if isinstance(inner, cst.If):
        if inner.orelse is not None:
            return None
        small = _only_statement(inner.body)
        return (inner.test, small) if isinstance(small, cst.BaseSmallStatement) else None
    return (None, inner) if isinstance(inner, cst.BaseSmallStatement) else None


def _method_build(loop: cst.For, method: str) -> _Build | None:
    """The loop as `NAME.method(value)` calls, e.g. `out.append(f(x))`."""
    body = _loop_body(loop)
    if body is None or not isinstance(body[1], cst.Expr):
        return None
    call = body[1].value
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and isinstance(call.func.value, cst.Name)
        and call.func.attr.value == method
        and len(call.args) == 1
        and call.args[0].keyword is None
        and not call.args[0].star
    ):
        return None
    return _Build(loop, body[0], call.func.value.value, call.args[0].value)


def _item_build(loop: cst.For) -> _Build | None:
    """The loop as `NAME[key] = value` assignments."""
    body = _loop_body(loop)
    if body is None or not isinstance(body[1], cst.Assign) or len(body[1].targets) != 1:
        return None
    target = body[1].targets[0].target
    if not (
        isinstance(target, cst.Subscript)
        and isinstance(target.value, cst.Name)
        and len(target.slice) == 1
        and isinstance(target.slice[0].slice, cst.Index)
        and target.slice[0].slice.star is None
    ):
        return None
    key = target.slice[0].slice.value
    return _Build(loop, body[0], target.value.value, body[1].value, key)


def _is_identity(build: _Build) -> bool:
    """`out.append(x)` in `for x in xs`: the item is the loop variable itself."""
    target = build.loop.target
    return (
        build.test is None
        and isinstance(target, cst.Name)
        and isinstance(build.value, cst.Name)
        and build.value.value == target.value
    )


# -- is the rewrite equivalent? -------------------------------------------------------
class _LoopScan(ValueVisitor):
    """Names read in a loop, and whether it holds something a comprehension changes."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.blocked = False

    def _block(self, node: cst.CSTNode) -> bool:
        self.blocked = True
        return False

    visit_Await = visit_Yield = visit_NamedExpr = visit_Lambda = _block
    visit_FunctionDef = visit_ClassDef = visit_Global = visit_Nonlocal = _block

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in _SCOPE_SENSITIVE:
            self.blocked = True

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)


def _target_names(target: cst.BaseExpression) -> list[str] | None:
    """Names a loop target binds, or None for attribute/subscript targets."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        found: list[str] = []
        for element in target.elements:
            names = _target_names(element.value)
            if names is None:
                return None
            found += names
        return found
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return None


def _rebinds(loop: cst.CSTNode, name: str) -> bool:
    """Whether `loop` (a `for` or a comprehension) binds `name` as its own target."""
    if isinstance(loop, cst.For):
        return name in (_target_names(loop.target) or ())
    comp_for = getattr(loop, "for_in", None)
    while isinstance(comp_for, cst.CompFor):
        if name in (_target_names(comp_for.target) or ()):
            return True
        comp_for = comp_for.inner_for_in
    return False


def _rewritable(ctx: FileContext, build: _Build) -> bool:
    """The loop can become a comprehension (or one call) with the same result.

    The receiver is touched only by the one call, nothing in the loop needs the loop's
    own function scope, and the loop variables are not read outside the loop (except by
    other loops that bind them again).
    """
    scan = _LoopScan()
    visit(build.loop, scan)
    if scan.blocked or scan.names.count(build.receiver) != 1:
        return False
    names = _target_names(build.loop.target)
    function = ctx.function()
    if not names or build.receiver in names or not isinstance(function, cst.FunctionDef):
        return False
    facts = ctx.facts(function)
    if facts.is_shared(build.receiver):
        return False
    around = {id(node) for node in ctx.ancestors}  # a loop around this one rebinds too early
    for name in names:
        if facts.is_shared(name) or any(b.kind == "del" for b in facts.bindings.get(name, ())):
            return False
        for use in facts.uses.get(name, ()):
            if not any(lp is build.loop or (_rebinds(lp, name) and id(lp) not in around) for lp in use.loops):
                return False
    return True


def _initializer(ctx: FileContext, loop: cst.For, name: str) -> cst.SimpleStatementLine | None:
    """The statement `name = ...` (or `name: T = ...`) directly before the loop."""
    block = ctx.parent()
    if not isinstance(block, cst.IndentedBlock):
        return None
    index = next((i for i, s in enumerate(block.body) if s is loop), 0)
    if index == 0:
        return None
    line = block.body[index - 1]
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    small = line.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target = small.target
    else:
        return None
    return line if isinstance(target, cst.Name) and target.value == name else None


def _init_value(line: cst.SimpleStatementLine | None) -> cst.BaseExpression | None:
    small = line.body[0] if line is not None else None
    return small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None


def _is_empty(ctx: FileContext, value: cst.BaseExpression | None, builtin: str) -> bool:
    """`value` is an empty `builtin` container: `[]`, `{}`, or `list()`/`dict()`/`set()`."""
    if builtin == "list" and isinstance(value, cst.List) or builtin == "dict" and isinstance(value, cst.Dict):
        return not value.elements
    return (
        isinstance(value, cst.Call) and not value.args
        and isinstance(value.func, cst.Name) and value.func.value == builtin
        and _is_builtin(ctx, builtin)
    )


def _is_builtin(ctx: FileContext, name: str) -> bool:
    return ctx.bindings(name)[0] is None


def _known(
    ctx: FileContext, name: str, displays: tuple[type[cst.BaseExpression], ...], builtin: str
) -> bool:
    """Every binding of the local `name` makes it a `builtin` (list/set): a display, a
    comprehension, a call of the builtin, or an augmented assignment to it."""
    scope, found = ctx.bindings(name)
    if not isinstance(scope, cst.FunctionDef) or not found or not _is_builtin(ctx, builtin):
        return False
    for binding in found:
        value = binding.value
        if binding.kind == "augassign":
            continue
        if binding.kind not in ("assign", "annassign") or not (
            isinstance(value, displays)
            or (isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == builtin)
        ):
            return False
    return True


# -- building the replacement ---------------------------------------------------------
def _comments(nodes: Sequence[cst.CSTNode | None]) -> list[cst.Comment]:
    return rewrite.comments(*nodes)


def _paren(expr: cst.BaseExpression, kinds: tuple[type, ...] = _LOOSE) -> cst.BaseExpression:
    """`expr` in parentheses if it is one of `kinds` and has none."""
    if expr.lpar or not isinstance(expr, kinds):
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _comp_for(build: _Build) -> cst.CompFor:
    loop = build.loop
    ifs = [cst.CompIf(_paren(build.test))] if build.test is not None else []
    return cst.CompFor(target=loop.target, iter=_paren(loop.iter), ifs=ifs)


def _statement(
    build: _Build,
    small: cst.BaseSmallStatement,
    leading: Sequence[cst.EmptyLine],
    trailing: cst.TrailingWhitespace,
    kept: Sequence[cst.CSTNode],
) -> cst.SimpleStatementLine:
    """A statement line replacing the loop; comments of the loop that do not survive
    inside the kept expressions move above it."""
    loop = build.loop
    survivors = {id(c) for c in _comments(kept)}
    own = {id(c) for line in loop.leading_lines for c in _comments([line])}
    moved = [
        cst.EmptyLine(comment=c)
        for c in _comments([loop])
        if id(c) not in survivors and id(c) not in own
    ]
    return cst.SimpleStatementLine(
        body=[small], leading_lines=[*leading, *loop.leading_lines, *moved], trailing_whitespace=trailing
    )


# Makes the statement replacing a loop, and names the expressions it reuses (their
# comments stay where they are).
_Maker = Callable[[_Build], tuple[cst.BaseSmallStatement, Sequence[cst.CSTNode]]]


def _replace_loop(
    loop: cst.For,
    init: cst.SimpleStatementLine | None,
    build_of: Callable[[cst.For], _Build | None],
    make: _Maker,
) -> tuple[Edit, ...]:
    """Edits replacing `loop` (and the initializer, if given, which the new statement
    takes the place of) by the statement `make` returns for the updated loop."""

    def replace(updated: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(updated, cst.For)
        build = build_of(updated)
        assert build is not None  # the loop's shape cannot change: overlapping fixes wait
        small, kept = make(build)
        if init is None:
            return _statement(build, small, (), cst.TrailingWhitespace(), kept)
        return _statement(build, small, init.leading_lines, init.trailing_whitespace, kept)

    edits = [Edit(loop, replace=replace)]
    if init is not None:
        edits.append(Edit(init, replace=lambda _: cst.RemovalSentinel.REMOVE))
    return tuple(edits)


def _assign(init: cst.SimpleStatementLine, value: cst.BaseExpression) -> cst.BaseSmallStatement:
    """The initializer's assignment (annotation kept) with a new value."""
    small = init.body[0]
    assert isinstance(small, (cst.Assign, cst.AnnAssign))
    return small.with_changes(value=value)


def _method_call(receiver: str, method: str, value: cst.BaseExpression) -> cst.Expr:
    func = cst.Attribute(cst.Name(receiver), cst.Name(method))
    return cst.Expr(cst.Call(func, [cst.Arg(value)]))


def _builtin_call(name: str, value: cst.BaseExpression) -> cst.Call:
    return cst.Call(cst.Name(name), [cst.Arg(_paren(value, (cst.Tuple,)))])


def _item(build: _Build) -> cst.BaseExpression:
    return _paren(build.value, (cst.GeneratorExp, cst.Tuple))


def _in_function(ctx: FileContext) -> bool:
    return isinstance(ctx.function(), cst.FunctionDef)


# -- triage ---------------------------------------------------------------------------
# The loop shapes the rules below start from, found on a region's `ast` statements (a
# walk over statements, not expressions: cheap next to parsing with libcst). Each is a
# necessary condition of its rule's `visit_For`, checked no more strictly than libcst
# sees it, so a rule is asked to run only where it can fire (see `Rule.may_fire`).
_LIST_COMP, _LIST_COPY, _DICT_COMP, _SET_UPDATE = 1, 2, 4, 8
def _shapes(region: Region) -> int:
    """The shapes of the `for` loops inside a function anywhere in the region's statement."""
    node = region.node
    assert node is not None
    found = 0
    stack: list[tuple[ast.AST, bool]] = [(node, False)]
    while stack:
        stmt, in_function = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function = True
        elif isinstance(stmt, ast.ClassDef):
            in_function = False
        for field in STATEMENT_BLOCKS:
            block = getattr(stmt, field, None)
            if not block:
                continue
            for index, inner in enumerate(block):
                if in_function and type(inner) is ast.For:
                    found |= _shape(inner, block[index - 1] if index else None)
                stack.append((inner, in_function))
    return found


def _shape(loop: ast.For, before: ast.stmt | None) -> int:
    """What `_method_build`/`_item_build` may make of `loop` (`before` is the statement
    before it): an append of anything after an empty list, an append or add of the loop
    variable, or an item assignment after an empty dict."""
    if loop.orelse or len(loop.body) != 1:
        return 0
    inner = loop.body[0]
    test: ast.expr | None = None
    if isinstance(inner, ast.If):
        if inner.orelse or len(inner.body) != 1:
            return 0
        test, inner = inner.test, inner.body[0]
    if isinstance(inner, ast.Expr):
        call = inner.value
        if not (
            isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and len(call.args) == 1
            and not call.keywords and not isinstance(call.args[0], ast.Starred)
        ):
            return 0
        item, method = call.args[0], call.func.attr
        identity = (
            test is None and isinstance(loop.target, ast.Name)
            and isinstance(item, ast.Name) and item.id == loop.target.id
        )
        if method == "append":
            return _LIST_COPY if identity else _LIST_COMP if _empty(before, call.func.value.id, "list") else 0
        return _SET_UPDATE if method == "add" and identity else 0
    if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
        target = inner.targets[0]
        if (
            isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            and not isinstance(target.slice, ast.Slice) and _empty(before, target.value.id, "dict")
        ):
            return _DICT_COMP
    return 0


def _empty(before: ast.stmt | None, name: str, builtin: str) -> bool:
    """`before` is `name = []`/`name: T = list()` (`{}`/`dict()` for dicts), as
    `_initializer` and `_is_empty` want."""
    if isinstance(before, ast.Assign) and len(before.targets) == 1:
        target = before.targets[0]
    elif isinstance(before, ast.AnnAssign) and before.value is not None:
        target = before.target
    else:
        return False
    if not (isinstance(target, ast.Name) and target.id == name):
        return False
    value = before.value
    if isinstance(value, ast.List) and builtin == "list":
        return not value.elts
    if isinstance(value, ast.Dict) and builtin == "dict":
        return not value.keys
    return (
        isinstance(value, ast.Call) and not value.args and not value.keywords
        and isinstance(value.func, ast.Name) and value.func.id == builtin
    )


def _may_shape(region: Region, shape: int) -> bool:
    return region.node is None or bool(region.derived(_shapes) & shape)


@register
class ManualListComprehension(Rule):
    """Appending to a list in a loop looks up and calls `out.append` once per item; a
    list comprehension appends with one bytecode instruction and no method call.

    Fires only where the rewrite is equivalent: `out = []` directly before the loop, a
    body that is one `out.append(...)`, optionally under one `if` (no `elif`/`else`),
    `out` not read in the loop (so no item depends on earlier ones), and loop variables
    not read after the loop (a comprehension does not leave them behind). A list that
    already holds items is left alone: `out.extend([...])` measured about even with the
    loop, and slower for short loops (and `extend` of a generator is slower still).

    The gain depends on the interpreter and the size: measured on CPython 3.11, 1.2x at
    10,000 items, about even at 30 items and slower below that (before 3.12 a
    comprehension is a function call); from 3.12 comprehensions are inlined and win at
    every size. The fix is unsafe: if an item raises, the loop leaves the earlier items
    in the list, the comprehension leaves none.
    """

    code = "PFL401"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\bappend\b")
    name = "manual-list-comprehension"
    message = "build the list with a list comprehension instead of appending in a loop"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out\n",
            "def f(xs):\n    out = [x * 2 for x in xs]\n    return out\n",
        ),
        Example(
            "def f(rows):\n    # names of active rows\n    names: list = []  # kept\n"
            "    for row in rows:  # each row\n        if row.active:\n"
            "            names.append(row.name)\n    return names\n",
            "def f(rows):\n    # names of active rows\n    # each row\n"
            "    names: list = [row.name for row in rows if row.active]  # kept\n    return names\n",
        ),
        Example(
            "def f(xs, ys):\n    out = []\n    for x in xs if ys else ys:\n        out.append(x + 1)\n    return out\n",
            "def f(xs, ys):\n    out = [x + 1 for x in (xs if ys else ys)]\n    return out\n",
        ),
        Example(
            "class Shop:\n    def names(self):\n        out = list()\n        for item in self.items:\n"
            "            out.append(item.name)\n        return out\n",
            "class Shop:\n    def names(self):\n        out = [item.name for item in self.items]\n        return out\n",
        ),
        # A handler goes on with the items added so far (more-itertools' sample): no fix.
        Example(
            "from contextlib import suppress\n\ndef f(feed, k):\n    with suppress(StopIteration):\n"
            "        out = []\n        for _ in range(k):\n            out.append(feed())\n    return out\n",
            None,
        ),
    )
    good = (
        # the list is read in the loop: items depend on earlier ones
        "def f(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x + len(out))\n    return out\n",
        # if/else bodies are not a filter
        ("def f(xs):\n    out = []\n    for x in xs:\n        if x:\n            out.append(x)\n"
        "        else:\n            out.append(0)\n    return out\n"),
        # the loop variable is read after the loop
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out, x\n",
        # the loop around it reads the variable after this loop rebinds it
        (
            "def f(xss):\n    for x in xss:\n        out = []\n        for x in x:\n"
            "            out.append(x * 2)\n        print(x)\n"
        ),
        # a pre-filled list: extending it is no faster than the loop
        "def f(xs):\n    out = [1]\n    for x in xs:\n        if x:\n            out.append(x * 2)\n    return out\n",
        "def f(xs):\n    out = ['head']\n    for x in xs:\n        out.append(x * 2)\n    return out\n",
        # unknown receiver, async loop, await, setdefault, zero-argument super()
        "def f(out, xs):\n    for x in xs:\n        out.append(x * 2)\n",
        "async def f(xs):\n    out = []\n    async for x in xs:\n        out.append(x)\n    return out\n",
        "async def f(xs):\n    out = []\n    for x in xs:\n        out.append(await x)\n    return out\n",
        "def f(d, xs):\n    for k, x in xs:\n        d.setdefault(k, []).append(x)\n",
        ("class C(B):\n    def f(self, xs):\n        out = []\n        for x in xs:\n"
        "            out.append(super().g(x))\n        return out\n"),
        # more than one statement, or not in a function
        "def f(xs):\n    out = []\n    for x in xs:\n        y = x * 2\n        out.append(y)\n    return out\n",
        "out = []\nfor x in range(3):\n    out.append(x * 2)\n",
        # a loop with else, a global list
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    else:\n        out = None\n    return out\n",
        "def f(xs):\n    global out\n    out = []\n    for x in xs:\n        out.append(x * 2)\n",
    )
    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out",
        after="def run():\n    return [x * 2 for x in xs]",
        note="1.2x at 10,000 items on CPython 3.11; slower below about 30 items before 3.12",
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        return super().may_fire(region) and _may_shape(region, _LIST_COMP)

    def visit_For(self, node: cst.For) -> None:
        build = _method_build(node, "append")
        if build is None or _is_identity(build) or not _in_function(self.ctx):
            return
        init = _initializer(self.ctx, node, build.receiver)
        if init is None or not _is_empty(self.ctx, _init_value(init), "list") or not _rewritable(self.ctx, build):
            return

        def listcomp(b: _Build) -> tuple[cst.BaseSmallStatement, Sequence[cst.CSTNode]]:
            comp = cst.ListComp(_item(b), _comp_for(b))
            return _assign(init, comp), [comp]

        _report_build(self, node, _replace_loop(node, init, lambda n: _method_build(n, "append"), listcomp))


@register
class ManualListCopy(Rule):
    """Appending every item of an iterable one at a time runs a bytecode loop and a
    method call per item; `list(xs)` / `out.extend(xs)` copy in C (12x faster at 10,000
    items, measured on CPython 3.11).

    Fires on `for x in xs: out.append(x)` where `out` is a local list, `out` is not read
    in the loop and `x` is not read after it. With `out = []` directly before the loop
    the fix is `out = list(xs)`, otherwise `out.extend(xs)`. Unsafe: if iterating `xs`
    raises halfway, the loop has kept the earlier items, the copy has not.
    """

    code = "PFL402"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\bappend\b")
    name = "manual-list-copy"
    message = "copy with `list(...)` or `.extend(...)` instead of appending items one by one"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out\n",
            "def f(xs):\n    out = list(xs)\n    return out\n",
        ),
        Example(
            "def f(xs, ys):\n    out = [0]\n    for x in ys:\n        out.append(x)\n    return out\n",
            "def f(xs, ys):\n    out = [0]\n    out.extend(ys)\n    return out\n",
        ),
        # `list(self)` would call `len(self)`: this very method.
        Example(
            "class Bag:\n    def __iter__(self):\n        return iter(self.items)\n\n    def __len__(self):\n"
            "        out = []\n        for x in self:\n            out.append(x)\n        return len(out)\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x.name)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out, x\n",
        "def f(out, xs):\n    for x in xs:\n        out.append(x)\n",
        "def f(xs):\n    list = []\n    out = []\n    for x in xs:\n        out.append(x)\n    return out\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        if x:\n            out.append(x)\n    return out\n",
    )
    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    out = []\n    for x in xs:\n        out.append(x)\n    return out",
        after="def run():\n    return list(xs)",
        variants=(
            Case(
                "computed items",
                before="def run():\n    out = []\n    for x in (v * 2 for v in xs):\n        out.append(x)\n    return out",
                after="def run():\n    return list(v * 2 for v in xs)",
            ),
        ),
        note="the second case copies items that are computed as they come, as most real loops do",
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        return super().may_fire(region) and _may_shape(region, _LIST_COPY)

    def visit_For(self, node: cst.For) -> None:
        build = _method_build(node, "append")
        if build is None or not _is_identity(build) or not _in_function(self.ctx):
            return
        init = _initializer(self.ctx, node, build.receiver)
        fresh = _is_empty(self.ctx, _init_value(init), "list") and _is_builtin(self.ctx, "list")
        if not (fresh or _known(self.ctx, build.receiver, (cst.List, cst.ListComp), "list")):
            return
        if _rewritable(self.ctx, build):
            _report_copy(self, build, init if fresh else None, ("append", "list", "extend"))


def _report_copy(
    rule: Rule, build: _Build, init: cst.SimpleStatementLine | None, names: tuple[str, str, str]
) -> None:
    """Report a loop adding every item with its fix: `out = list(xs)` in place of a
    fresh initializer, else `out.extend(xs)`. `names`: the adding method, the builtin,
    the bulk method (`add`, `set`, `update` for sets)."""
    adder, builtin, bulk = names

    def copy(b: _Build) -> tuple[cst.BaseSmallStatement, Sequence[cst.CSTNode]]:
        if init is not None:
            return _assign(init, _builtin_call(builtin, b.loop.iter)), [b.loop.iter]
        return _method_call(b.receiver, bulk, _paren(b.loop.iter, (cst.Tuple,))), [b.loop.iter]

    # `list(self)` asks `len(self)` first: in the class's own `__len__` it would recurse.
    blocked = rule.ctx.is_self_of_container(build.loop.iter)
    edits = _replace_loop(build.loop, init, lambda n: _method_build(n, adder), copy)
    _report_build(rule, build.loop, edits, blocked, fixed_iterations(rule.ctx, build.loop))


def _report_build(
    rule: Rule, loop: cst.For, edits: Sequence[Edit], blocked: bool = False, fixed_size: bool = False
) -> None:
    """Report a loop that builds a container, with the fix replacing it, unless `blocked`
    or a `try` (or `with suppress`) around it in the function catches what the loop may
    raise: then the code visibly goes on after an error with the items the loop had added
    so far, and the rewrite would leave none (or no variable at all)."""
    caught = blocked or rule.ctx.is_caught(loop)
    rule.report(loop, fix=None if caught else rule.make_fix(*edits), fixed_size=fixed_size)


@register
class ManualDictComprehension(Rule):
    """Filling an empty dict item by item in a loop runs a store statement per item; a
    dict comprehension does the same stores in one tight loop (1.35x at 100 items, about
    even at 10,000, measured on CPython 3.11 -- the gain is mostly readability below
    3.12, where comprehensions became inlined).

    Fires on `d = {}` directly before `for ...: [if c:] d[k] = v`, where `d` is not read
    in the loop and the loop variables are not read after it. Unsafe: if an item raises,
    the loop leaves the earlier items in `d`; and a dict comprehension evaluates the key
    before the value while `d[k] = v` evaluates `v` first, which matters only when both
    have side effects.
    """

    code = "PFL403"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\{\s*\}|\bdict\s*\(\s*\)")
    name = "manual-dict-comprehension"
    message = "build the dict with a dict comprehension instead of assigning in a loop"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(users):\n    by_id = {}\n    for u in users:\n        by_id[u.id] = u\n    return by_id\n",
            "def f(users):\n    by_id = {u.id: u for u in users}\n    return by_id\n",
        ),
        Example(
            "def f(pairs):\n    d = {}\n    for k, v in pairs:\n        if v:\n            d[k] = v, k\n    return d\n",
            "def f(pairs):\n    d = {k: (v, k) for k, v in pairs if v}\n    return d\n",
        ),
        Example(
            "def f(rows):\n    if not rows:\n        return None\n    else:\n        d = dict()\n"
            "        for row in rows:\n            d[row.key] = row\n        return d\n",
            "def f(rows):\n    if not rows:\n        return None\n    else:\n"
            "        d = {row.key: row for row in rows}\n        return d\n",
        ),
        Example(  # the handler returns what was parsed so far: no fix
            "def f(rows):\n    try:\n        d = {}\n        for row in rows:\n            d[row.key] = row.parse()\n"
            "    except ValueError:\n        pass\n    return d\n",
            None,
        ),
    )
    good = (
        "def f(words):\n    d = {}\n    for w in words:\n        d[w] = d.get(w, 0) + 1\n    return d\n",
        "def f(words):\n    d = {}\n    for w in words:\n        d[w] = len(d)\n    return d\n",
        "def f(d, words):\n    for w in words:\n        d[w] = 1\n",
        "def f(words):\n    d = {'a': 1}\n    for w in words:\n        d[w] = 1\n    return d\n",
        "def f(words):\n    d = {}\n    for w in words:\n        d[w] = 1\n    return d, w\n",
        "def f(words):\n    d = {}\n    for w in words:\n        if w:\n            d[w] = 1\n        else:\n            d[w] = 0\n    return d\n",
    )
    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    d = {}\n    for x in xs:\n        d[x] = x * 2\n    return d",
        after="def run():\n    return {x: x * 2 for x in xs}",
        size=100,
        note="1.35x at 100 items, about even at 10,000 on CPython 3.11",
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        return super().may_fire(region) and _may_shape(region, _DICT_COMP)

    def visit_For(self, node: cst.For) -> None:
        build = _item_build(node)
        if build is None or build.key is None or not _in_function(self.ctx):
            return
        init = _initializer(self.ctx, node, build.receiver)
        if init is None or not _is_empty(self.ctx, _init_value(init), "dict") or not _rewritable(self.ctx, build):
            return

        def dictcomp(b: _Build) -> tuple[cst.BaseSmallStatement, Sequence[cst.CSTNode]]:
            assert b.key is not None
            comp = cst.DictComp(_paren(b.key, (cst.Tuple,)), _paren(b.value, (cst.Tuple,)), _comp_for(b))
            return _assign(init, comp), [comp]

        _report_build(self, node, _replace_loop(node, init, _item_build, dictcomp))


@register
class ManualSetUpdate(Rule):
    """Adding the items of an iterable to a set one by one runs a bytecode loop and a
    method call per item; `s.update(xs)` (or `set(xs)`) does it in C (2.2x at 10,000
    items, measured on CPython 3.11).

    Fires on `for x in xs: s.add(x)` where `s` is a local set not read elsewhere in the
    loop and `x` is not read after it. With `s = set()` directly before the loop the fix
    is `s = set(xs)`. Unsafe: if iterating `xs` raises halfway, the loop has kept the
    earlier items.
    """

    code = "PFL404"
    impact = Impact.CONSTANT
    hints = (r"\bfor\b", r"\badd\b")
    name = "manual-set-update"
    message = "use `set.update(...)` (or `set(...)`) instead of adding items one by one"
    fix = Applicability.UNSAFE
    bad = (
        Example(
            "def f(xs):\n    seen = set()\n    for x in xs:\n        seen.add(x)\n    return seen\n",
            "def f(xs):\n    seen = set(xs)\n    return seen\n",
        ),
        Example(
            "def f(xs, ys):\n    seen = {0}\n    for x in ys:\n        seen.add(x)\n    return seen\n",
            "def f(xs, ys):\n    seen = {0}\n    seen.update(ys)\n    return seen\n",
        ),
        Example(
            "def f(xs):\n    try:\n        seen = set()\n        for x in xs:\n            seen.add(x)\n"
            "    except TypeError:\n        seen = None\n    return seen\n",
            None,
        ),
    )
    good = (
        "def f(s, xs):\n    for x in xs:\n        s.add(x)\n",
        "def f(xs):\n    s = set()\n    for x in xs:\n        s.add(x.name)\n    return s\n",
        "def f(xs):\n    s = set()\n    for x in xs:\n        if x not in s:\n            s.add(x)\n    return s\n",
        "def f(xs):\n    s = set()\n    for x in xs:\n        s.add(x)\n    return s, x\n",
    )
    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    s = set()\n    for x in xs:\n        s.add(x)\n    return s",
        after="def run():\n    return set(xs)",
    )

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        return super().may_fire(region) and _may_shape(region, _SET_UPDATE)

    def visit_For(self, node: cst.For) -> None:
        build = _method_build(node, "add")
        if build is None or not _is_identity(build) or not _in_function(self.ctx):
            return
        init = _initializer(self.ctx, node, build.receiver)
        fresh = _is_empty(self.ctx, _init_value(init), "set")
        if not (fresh or _known(self.ctx, build.receiver, (cst.Set, cst.SetComp), "set")):
            return
        if _rewritable(self.ctx, build):
            _report_copy(self, build, init if fresh else None, ("add", "set", "update"))


@register
class ListComprehensionInAnyAll(Rule):
    """`any([...])` / `all([...])` builds the whole list before looking at it; with a
    generator, `any`/`all` stop at the first decisive item (at 10,000 items with a hit
    at the front, 350x faster).

    The gain is data-dependent: when no item decides early the generator is slower than
    the list comprehension (1.35x slower at 10,000 items on CPython 3.11), so this pays
    off when early exits are common or items are expensive. Unsafe: items after the
    decisive one are no longer evaluated, so their side effects no longer happen; the fix
    is not offered where an item calls anything but a builtin that only reads (a call may
    be there for its side effect, as in `all([child.prune() for child in children])`).
    """

    code = "PFL405"
    impact = Impact.ALGORITHMIC
    hints = (r"\b(?:any|all)\s*\(\s*\[",)
    name = "list-comprehension-in-any-all"
    message = "pass a generator to any()/all() so it can stop at the first decisive item"
    fix = Applicability.UNSAFE
    bad = (
        Example("def f(xs):\n    return any([x > 0 for x in xs])\n", "def f(xs):\n    return any(x > 0 for x in xs)\n"),
        Example(
            "ok = all([\n    x.ready  # each\n    for x in xs\n])\n",
            "ok = all(\n    x.ready  # each\n    for x in xs\n)\n",
            bounded=Bound.RUNS_ONCE,
        ),
        Example("ok = all([x for x in xs],)\n", "ok = all((x for x in xs),)\n", Bound.RUNS_ONCE),
        # A call may be there for its side effect on every item: reported without a fix.
        Example("def f(children):\n    return all([c.prune() for c in children])\n", None),
        Example(  # three items: the generator's setup costs more than it can save
            "def f(a, b, c):\n    return any([x > 0 for x in (a, b, c)])\n",
            "def f(a, b, c):\n    return any(x > 0 for x in (a, b, c))\n",
            Bound.FIXED_SIZE,
        ),
    )
    good = (
        "def f(xs):\n    return any(x > 0 for x in xs)\n",
        "def f(xs):\n    return any([xs])\n",
        "async def f(xs):\n    return any([await x for x in xs])\n",
        "async def f(xs):\n    return any([x async for x in xs])\n",  # any() rejects an async generator
        "def f(xs):\n    any = sum\n    return any([x for x in xs])\n",
        "def f(xs):\n    return all([(y := x) for x in xs]), y\n",
    )
    bench = Bench(
        setup="xs = [1] + [0] * (N - 1)",
        before="def run():\n    return any([x > 0 for x in xs])",
        after="def run():\n    return any(x > 0 for x in xs)",
        variants=(Case("no early hit", setup="xs = [0] * N"),),
        note="the hit is at the front; in the second case nothing stops the scan early",
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Name) and func.value in ("any", "all") and len(node.args) == 1):
            return
        arg = node.args[0]
        comp = arg.value
        if not isinstance(comp, cst.ListComp) or arg.keyword is not None or arg.star or comp.lpar:
            return
        if has_async_for(comp):
            return  # a generator of an async comprehension is an async generator: any() rejects it
        scan = _LoopScan()
        visit(comp, scan)
        if scan.blocked or not _is_builtin(self.ctx, func.value):
            return
        fixed = fixed_iterations(self.ctx, comp)  # a handful of items: the generator is slower
        fix = None if _calls_unknown(self.ctx, comp) else self.make_fix(Edit(node, replace=_to_generator))
        self.report(node, fix=fix, fixed_size=fixed)


# Builtins that only read their arguments: calling them has no side effect to skip.
_READING_BUILTINS = frozenset({
    "isinstance", "issubclass", "len", "hasattr", "callable", "type", "id", "abs", "bool", "int", "float", "str",
    "repr", "ord", "chr", "min", "max", "sum", "any", "all", "round",
})


def _calls_unknown(ctx: FileContext, comp: cst.ListComp) -> bool:
    """Whether the element or a condition calls something other than a reading builtin."""
    stack: list[cst.CSTNode] = [comp.elt, *(test.test for clause in clauses(comp) for test in clause.ifs)]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            func = node.func
            if not (isinstance(func, cst.Name) and func.value in _READING_BUILTINS and ctx.bindings(func.value)[0] is None):
                return True
        stack.extend(children(node))
    return False


def _to_generator(updated: cst.CSTNode) -> cst.CSTNode:
    """`any([elt for ...])` -> `any(elt for ...)`, moving the brackets' whitespace (and
    comments) to the call's parentheses, or keeping parentheses where a comma needs them."""
    assert isinstance(updated, cst.Call)
    arg = updated.args[0]
    comp = arg.value
    assert isinstance(comp, cst.ListComp)
    inner, outer = comp.lbracket.whitespace_after, comp.rbracket.whitespace_before
    bare = (
        isinstance(arg.comma, cst.MaybeSentinel)
        and _blank(updated.whitespace_before_args)
        and _blank(arg.whitespace_after_arg)
    )
    if bare:
        gen = cst.GeneratorExp(comp.elt, comp.for_in, lpar=[], rpar=[])
        return updated.with_changes(
            whitespace_before_args=inner, args=[arg.with_changes(value=gen, whitespace_after_arg=outer)]
        )
    gen = cst.GeneratorExp(
        comp.elt, comp.for_in, lpar=[cst.LeftParen(whitespace_after=inner)], rpar=[cst.RightParen(whitespace_before=outer)]
    )
    return updated.with_changes(args=[arg.with_changes(value=gen)])


def _blank(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value

