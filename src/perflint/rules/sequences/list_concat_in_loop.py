"""PFL313 list-concat-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import (
    fixed_rebinding,
)
from perflint.analysis.scope import Use
from perflint.analysis.shapes import is_name
from perflint.model import Applicability, Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.sequences._shared import _bound_only_to, _is_builtin_call, _replacement, _self_assignment


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
    name = "list-concat-in-loop"
    message = "use `acc.append(v)` / `acc.extend(other)` instead of `acc = acc + ...` in a loop"
    impact = Impact.ALGORITHMIC
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

    needs = (("def", "loop list = +"), ("def", "loop global = +"))

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
