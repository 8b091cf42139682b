"""What PFL301 asks of the code around a membership test, and how its fixes build the set
(kept apart from the rule, which is long enough without them)."""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.hashable import is_hashable, items_hashable
from perflint.analysis.scope import ScopeFacts, Use
from perflint.analysis.shapes import is_name as _is_name
from perflint.analysis.walk import Visitor, children, visit
from perflint.rules.containers._shared import (
    READING_BUILTINS,
    _block_body,
    _method,
    _same,
    _set_display,
    _single,
)


def _statement_in_block(ancestors: Sequence[cst.CSTNode], index: int) -> Optional[cst.BaseStatement]:
    """The statement holding `ancestors[index]`, if it sits directly in a block."""
    for i in range(index, 0, -1):
        node = ancestors[i]
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return None
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            parent = ancestors[i - 1]
            return node if isinstance(parent, (cst.IndentedBlock, cst.Module)) else None
    return None


def _added(ctx: FileContext, use: Use, kind: str) -> Optional[bool]:
    """For a call `seq.append(v)`, `seq.insert(i, v)` or `seq.extend(vs)`: whether what it
    puts in is known hashable. None for every other use (it puts nothing in)."""
    call = use.grandparent
    method = _method(kind)
    if method not in ("append", "insert", "extend") or not isinstance(call, cst.Call):
        return None
    args = call.args
    if any(arg.star or arg.keyword is not None for arg in args) or len(args) != (2 if method == "insert" else 1):
        return False
    value = args[-1].value
    return items_hashable(ctx, value) if method == "extend" else is_hashable(ctx, value)


def _runs_no_code(nodes: Sequence[cst.CSTNode], allowed: Callable[[cst.Call], bool]) -> bool:
    """Whether evaluating `nodes` calls nothing but the calls `allowed` accepts, awaits
    nothing and yields nothing (a lambda's body does not run where it is written)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Lambda):
            continue
        if isinstance(node, (cst.Await, cst.Yield)) or isinstance(node, cst.Call) and not allowed(node):
            return False
        if isinstance(node, cst.CompFor) and node.asynchronous is not None:
            return False
        stack.extend(children(node))
    return True


# What a loop that grows the list may do with it, for case (c): each costs O(1).
_GROWING_LOOP_KINDS = frozenset({"member", "len", "truth", "item-load", "return", "method:append"})


def growing_loop(
    facts: ScopeFacts, name: str, loops: Sequence[cst.CSTNode], uses: Sequence[Tuple[Use, str]]
) -> Optional[cst.CSTNode]:
    """The innermost of `loops` (innermost first) that appends to the list, where no
    loop up to it rebinds the list or uses it in a way a set kept beside it would not
    make cheap (iterating, comparing, passing it on: O(n) per turn anyway, or code
    we cannot see that may change it)."""
    for loop in loops:
        if facts.bindings_in(name, loop):
            return None
        inside = {kind for use, kind in uses if any(lp is loop for lp in use.loops)}
        if not inside <= _GROWING_LOOP_KINDS:
            return None
        if "method:append" in inside:
            return loop
    return None


def _to_set(value: cst.CSTNode) -> cst.CSTNode:
    if isinstance(value, cst.Call):
        return value.with_changes(func=cst.Name("set"))
    if isinstance(value, cst.List) and not value.elements:
        return cst.Call(cst.Name("set"), lpar=value.lpar, rpar=value.rpar)
    return _set_display(value)


def _consumed_at_once(ancestors: Sequence[cst.CSTNode], index: int) -> bool:
    """Whether a generator expression is the argument of a call that drains it at once."""
    if index < 2 or not isinstance(ancestors[index - 1], cst.Arg):
        return False
    call = ancestors[index - 2]
    return isinstance(call, cst.Call) and (
        isinstance(call.func, cst.Name) and call.func.value in READING_BUILTINS
        or (isinstance(call.func, cst.Attribute) and call.func.attr.value == "join")
    )


def _guarded_calls(node: cst.If, name: str) -> List[cst.Call]:
    """The `name.append(v)` calls sitting directly in `node` when it is `if v not in name:`."""
    test = node.test
    if not (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.NotIn)
        and _is_name(test.comparisons[0].comparator, name)
    ):
        return []
    found = []
    for statement in _block_body(node.body):
        small = _single(statement)
        call = small.value if isinstance(small, cst.Expr) else None
        if (
            isinstance(call, cst.Call)
            and (isinstance(call.func, cst.Attribute) and call.func.attr.value == "append" and _is_name(call.func.value, name))
            and len(call.args) == 1
            and _same(call.args[0].value, test.left)
        ):
            found.append(call)
    return found


def only_dedupes(loop: cst.CSTNode, name: str) -> bool:
    """Whether `loop` does nothing but `for x in xs: if x not in name: name.append(x)`,
    which `dict.fromkeys` does in one pass (keeping the first of each item, in order)."""
    if not isinstance(loop, cst.For) or loop.orelse is not None or loop.asynchronous is not None:
        return False
    body = _block_body(loop.body)
    guard = body[0] if len(body) == 1 else None
    return (
        isinstance(guard, cst.If)
        and guard.orelse is None
        and len(_block_body(guard.body)) == 1
        and len(_guarded_calls(guard, name)) == 1
    )


class _GuardedAppends(Visitor):
    """`seq.append(v)` calls sitting directly in `if v not in seq:`."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.calls: Set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        self.calls.update(id(call) for call in _guarded_calls(node, self.name))


def _guarded_appends(function: cst.FunctionDef, name: str) -> Set[int]:
    collector = _GuardedAppends(name)
    visit(function, collector)
    return collector.calls
