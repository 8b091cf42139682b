"""What more than one of the comprehensions rules uses (or their triage helpers do)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import fixed_iterations
from perflint.analysis.shapes import plain_target_names
from perflint.analysis.walk import ValueVisitor, visit
from perflint.model import Edit
from perflint.rules import rewrite
from perflint.rules.base import Rule

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


def _rebinds(loop: cst.CSTNode, name: str) -> bool:
    """Whether `loop` (a `for` or a comprehension) binds `name` as its own target."""
    if isinstance(loop, cst.For):
        return name in (plain_target_names(loop.target) or ())
    comp_for = getattr(loop, "for_in", None)
    while isinstance(comp_for, cst.CompFor):
        if name in (plain_target_names(comp_for.target) or ()):
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
    names = plain_target_names(build.loop.target)
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
        and ctx.is_builtin(builtin)
    )


def _known(
    ctx: FileContext, name: str, displays: tuple[type[cst.BaseExpression], ...], builtin: str
) -> bool:
    """Every binding of the local `name` makes it a `builtin` (list/set): a display, a
    comprehension, a call of the builtin, or an augmented assignment to it."""
    scope, found = ctx.bindings(name)
    if not isinstance(scope, cst.FunctionDef) or not found or not ctx.is_builtin(builtin):
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


def _in_function(ctx: FileContext) -> bool:
    return isinstance(ctx.function(), cst.FunctionDef)


def _report_copy(
    rule: Rule,
    build: _Build,
    init: cst.SimpleStatementLine | None,
    names: tuple[str, str, str],
    message: str | None = None,
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
    _report_build(rule, build.loop, edits, blocked, fixed_iterations(rule.ctx, build.loop), message)


def _report_build(
    rule: Rule,
    loop: cst.For,
    edits: Sequence[Edit],
    blocked: bool = False,
    fixed_size: bool = False,
    message: str | None = None,
) -> None:
    """Report a loop that builds a container, with the fix replacing it, unless `blocked`
    or a `try` (or `with suppress`) around it in the function catches what the loop may
    raise: then the code visibly goes on after an error with the items the loop had added
    so far, and the rewrite would leave none (or no variable at all)."""
    caught = blocked or rule.ctx.is_caught(loop)
    rule.report(loop, message, fix=None if caught else rule.make_fix(*edits), fixed_size=fixed_size)
