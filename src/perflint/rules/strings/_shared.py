"""What more than one of the strings rules uses (or their triage helpers do)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, FrozenSet, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.scope import ScopeFacts, Use
from perflint.analysis.walk import Visitor, visit
from perflint.model import Edit, Fix
from perflint.rules import rewrite
from perflint.rules.base import Rule

LoopStatement = Union[cst.For, cst.While]
Target = cst.BaseAssignTargetExpression


# -- small facts about expressions and statements -------------------------------------------
def _literal_kind(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    """"str" or "bytes" for a string literal or f-string, else None."""
    if isinstance(expr, cst.ConcatenatedString):
        return _literal_kind(expr.left)
    if isinstance(expr, cst.SimpleString):
        return "bytes" if "b" in expr.prefix.lower() else "str"
    if isinstance(expr, cst.FormattedString):
        return "str"
    return None


def _is_empty_literal(expr: Optional[cst.BaseExpression]) -> bool:
    return isinstance(expr, cst.SimpleString) and not expr.evaluated_value


def _after_leading(expr: cst.BaseExpression, target: Target) -> Optional[cst.BaseExpression]:
    """`a + b` for `target + a + b`: what is added to `target` by a chain of `+`."""
    if not isinstance(expr, cst.BinaryOperation) or not isinstance(expr.operator, cst.Add):
        return None
    if expr.left.deep_equals(target):
        return expr.right
    rest = _after_leading(expr.left, target)
    return None if rest is None else expr.with_changes(left=rest)


def _accumulation(stmt: cst.CSTNode) -> Optional[Tuple[Target, cst.BaseExpression]]:
    """(target, added value) of `t += v` or `t = t + v`."""
    if isinstance(stmt, cst.AugAssign) and isinstance(stmt.operator, cst.AddAssign):
        return stmt.target, stmt.value
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0].target
        added = _after_leading(stmt.value, target)
        if added is not None:
            return target, added
    return None


def _assigned(stmt: cst.CSTNode, target: Target) -> Optional[cst.BaseExpression]:
    """The value of `target = value` (or `target: T = value`), if `stmt` is that."""
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and stmt.targets[0].target.deep_equals(target):
        return stmt.value
    if isinstance(stmt, cst.AnnAssign) and stmt.value is not None and stmt.target.deep_equals(target):
        return stmt.value
    return None


def _read_names(expr: cst.CSTNode) -> List[cst.Name]:
    """Variables read by a plain target expression (`d[k].x` -> d, k)."""
    if isinstance(expr, cst.Name):
        return [expr]
    if isinstance(expr, cst.Attribute):
        return _read_names(expr.value)
    if isinstance(expr, cst.Subscript):
        found = _read_names(expr.value)
        for element in expr.slice:
            if isinstance(element.slice, cst.Index):
                found += _read_names(element.slice.value)
        return found
    return []


class _Search(Visitor):
    """Whether a subtree holds a node matching a predicate (stops descending once found)."""

    def __init__(self, wanted: Callable[[cst.CSTNode], bool]) -> None:
        super().__init__()
        self.wanted = wanted
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not self.found and self.wanted(node):
            self.found = True
        return not self.found


def _contains(trees: Sequence[cst.CSTNode], wanted: Callable[[cst.CSTNode], bool]) -> bool:
    search = _Search(wanted)
    for tree in trees:
        visit(tree, search)
        if search.found:
            return True
    return False


def _mentions(names: FrozenSet[str]) -> Callable[[cst.CSTNode], bool]:
    return lambda node: isinstance(node, cst.Name) and node.value in names


# -- where the accumulation starts ------------------------------------------------------------
@dataclass
class _Start:
    """The statement that set the target before the loop, and the loop that accumulates."""

    init: cst.BaseSmallStatement
    value: cst.BaseExpression
    loop: LoopStatement
    between: List[cst.CSTNode]  # statements run after `init` and before `loop`
    direct: bool  # `init` is in the loop's own block and nothing runs in between
    own_line: bool  # ... and it is alone on its line


def _siblings(parent: cst.CSTNode) -> Optional[Sequence[cst.CSTNode]]:
    if isinstance(parent, (cst.IndentedBlock, cst.Module, cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return parent.body
    return None


def _earlier(siblings: Sequence[cst.CSTNode], node: cst.CSTNode) -> Iterator[Tuple[cst.CSTNode, bool]]:
    """Statements run before `node` in its block, nearest first, lines split into their
    small statements; the flag tells a small statement alone on its line."""
    for i in range(len(siblings) - 1, -1, -1):
        if siblings[i] is node:
            for prev in reversed(siblings[:i]):
                if isinstance(prev, cst.SimpleStatementLine):
                    for small in reversed(prev.body):
                        yield small, len(prev.body) == 1
                else:
                    yield prev, False
            return


def _find_start(ctx: FileContext, target: Target) -> Tuple[Optional[_Start], bool]:
    """Where the value accumulated by the statement being visited was set, in its function.

    Returns (start, reset): `reset` is True when the target is set again earlier in the
    same iteration (nothing accumulates across iterations); `start` is None when no
    statement before the loop sets it (an attribute set in `__init__`, say).
    """
    ancestors = ctx.ancestors
    loop: Optional[LoopStatement] = None
    between: List[cst.CSTNode] = []
    for i in range(len(ancestors) - 1, 0, -1):
        node, parent = ancestors[i], ancestors[i - 1]
        if isinstance(parent, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            break
        if isinstance(parent, (cst.For, cst.While)) and node is parent.body:
            loop, between = parent, []
        siblings = _siblings(parent)
        if siblings is None:
            continue
        for prev, alone in _earlier(siblings, node):
            value = _assigned(prev, target)
            if value is None:
                between.append(prev)
            elif loop is None:
                return None, True
            else:
                direct = node is loop and not between
                return _Start(prev, value, loop, between, direct, direct and alone), False  # type: ignore[arg-type]
    return None, False


def _exits_unobserved(ctx: FileContext, loop: LoopStatement, names: FrozenSet[str]) -> bool:
    """No `else:` of the loop and no handler or `finally` around it reads `names`: the
    value is next read after the loop, where a fix can complete it."""
    if loop.orelse is not None and _contains([loop.orelse], _mentions(names)):
        return False
    ancestors = ctx.ancestors
    for k in range(_index(ctx, loop) - 1, -1, -1):
        node, child = ancestors[k], ancestors[k + 1]
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            break
        if isinstance(node, (cst.Try, cst.TryStar)):
            parts: List[cst.CSTNode] = [h for h in node.handlers if h is not child]
            if node.finalbody is not None and node.finalbody is not child:
                parts.append(node.finalbody)
            if _contains(parts, _mentions(names)):
                return False
    return True


def _fresh_name(facts: ScopeFacts, hint: str) -> str:
    taken = facts.bindings.keys() | facts.uses.keys()
    for candidate in (f"{hint}_parts", "parts"):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{hint}_parts{n}" in taken:
        n += 1
    return f"{hint}_parts{n}"


def _to_append(parts: str) -> Callable[[cst.CSTNode], cst.CSTNode]:
    """`t += v` / `t = t + v` -> `parts.append(v)`."""

    def replace(updated: cst.CSTNode) -> cst.CSTNode:
        found = _accumulation(updated)
        if found is None or not isinstance(updated, (cst.AugAssign, cst.Assign)):
            raise ValueError("accumulation changed under the fix")
        call = cst.Call(
            func=cst.Attribute(cst.Name(parts), cst.Name("append")),
            args=[cst.Arg(rewrite.sole_argument(found[1]))],
        )
        return cst.Expr(call, semicolon=updated.semicolon)

    return replace


def _join_fix(
    rule: Rule, ctx: FileContext, facts: ScopeFacts, start: _Start, target: Target,
    statements: Sequence[cst.CSTNode], hint: str,
) -> Optional[Fix]:
    """Collect the parts in a list during the loop and join them once after it; None where
    a handler inside the loop catches the TypeError of adding a non-str (the join after
    the loop would raise it out of that handler's reach)."""
    if any(ctx.is_caught(stmt, ("TypeError",), start.loop) for stmt in statements):
        return None
    parts = _fresh_name(facts, hint)
    code = rewrite.code_of(ctx, target)
    empty = _is_empty_literal(start.value)
    edits = [Edit(stmt, replace=_to_append(parts)) for stmt in statements]
    empty_string = rewrite.quote(ctx) * 2
    after = rewrite.statement(ctx, f'{code} {"=" if empty else "+="} {empty_string}.join({parts})')
    if empty and start.own_line and isinstance(start.init, cst.Assign):
        init = rewrite.statement(ctx, f"{parts} = []")
        edits.append(rewrite.replace(start.init, init.body[0]))  # type: ignore[attr-defined]
        edits.append(Edit(start.loop, after=(after,)))
    else:
        edits.append(Edit(start.loop, before=(rewrite.statement(ctx, f"{parts} = []"),), after=(after,)))
    return rule.make_fix(*edits)


# -- local accumulators (PFL202, PFL203) ----------------------------------------------------------
@dataclass
class _Local:
    """A local name set to a literal before a loop and only added to inside it."""

    target: cst.Name
    kind: str  # "str" or "bytes"
    facts: ScopeFacts
    start: _Start
    statements: List[cst.CSTNode]  # the accumulating statements in the loop
    reads: List[Use]  # other reads of the name in the loop
    closure: bool  # a nested function reads it

    @property
    def name(self) -> str:
        return self.target.value

    @property
    def names(self) -> FrozenSet[str]:
        return frozenset((self.target.value,))


def _local_accumulator(ctx: FileContext, node: cst.BaseSmallStatement) -> Optional[_Local]:
    found = _accumulation(node)
    if found is None or not isinstance(found[0], cst.Name):
        return None
    function = ctx.function()
    if not isinstance(function, cst.FunctionDef) or not ctx.loops():
        return None
    name = found[0].value
    facts = ctx.facts(function)
    if facts.is_shared(name):
        return None
    start, _ = _find_start(ctx, found[0])
    kind = _literal_kind(start.value) if start is not None else None
    if start is None or kind is None:
        return None
    statements: List[cst.CSTNode] = []
    for binding in facts.bindings_in(name, start.loop):
        accumulated = binding.statement is not None and _accumulation(binding.statement)
        if not accumulated or not accumulated[0].deep_equals(found[0]):
            return None  # set to something else inside the loop
        statements.append(binding.statement)  # type: ignore[arg-type]
    if not _unchanged_before(ctx, facts, name, start):
        return None
    accumulating = {id(_accumulated_name(stmt)) for stmt in statements}
    reads = [u for u in facts.uses_in(name, start.loop) if id(u.node) not in accumulating]
    closure = any(u.nested for u in facts.uses.get(name, ()))
    return _Local(found[0], kind, facts, start, statements, reads, closure)


def _accumulated_name(stmt: cst.CSTNode) -> cst.CSTNode:
    """The read of the target in `t += v` (the target) or `t = t + v` (the left operand)."""
    if isinstance(stmt, cst.Assign):
        expr = stmt.value
        while isinstance(expr, cst.BinaryOperation):
            expr = expr.left
        return expr
    return stmt.target  # type: ignore[attr-defined,no-any-return]


def _unchanged_before(ctx: FileContext, facts: ScopeFacts, name: str, start: _Start) -> bool:
    """Nothing binds `name` between its literal and the loop (nor in the loop's header or
    the statements around the loop), so it still holds that literal's type."""
    statements = {id(b.statement) for b in facts.bindings.get(name, ()) if b.statement is not start.init}
    if _contains(start.between, lambda n: id(n) in statements):
        return False
    for node in reversed(ctx.ancestors[: _index(ctx, start.loop) + 1]):
        if isinstance(node, cst.FunctionDef):
            return True
        if id(node) in statements:
            return False
    return True


def _index(ctx: FileContext, node: cst.CSTNode) -> int:
    return next(i for i, ancestor in enumerate(ctx.ancestors) if ancestor is node)


@dataclass
class _Shared:
    """An attribute, item, global or nonlocal added to in a loop, known to hold `kind`."""

    target: Target
    kind: str
    facts: ScopeFacts
    start: Optional[_Start]
    names: FrozenSet[str]  # the variables the target reads
