"""PFL309 manual-priority-queue: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from perflint.analysis.growth import (
    fixed_size,
)
from perflint.analysis.shapes import is_name
from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.sequences._shared import _int_value, _is_reference


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
    name = "manual-priority-queue"
    message = "use `heapq` (heappush/heappop) instead of finding and removing the smallest item each turn"
    impact = Impact.ALGORITHMIC

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

    needs = (("def", "while", "loop call remove", "loop call min"), ("def", "while", "loop call remove", "loop call max"),
             ("def", "while", "loop call sort", "loop call pop"))

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
            found = found and self.ctx.is_builtin("min", "max")  # the builtins, not local helpers
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
