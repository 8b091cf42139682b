"""PFL108 enumerate-index-unused: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.analysis.scope import ScopeFacts
from perflint.analysis.walk import children
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import _is_call_of, _read_after

# What a comprehension's iterable must parenthesize (a statement's need not).
_LOOSE_ITER = (cst.IfExp, cst.Lambda, cst.Tuple, cst.NamedExpr, cst.Yield)


@register
class EnumerateIndexUnused(Rule):
    """`for _, x in enumerate(xs)` makes a counter, a (index, item) tuple and an unpacking
    on every pass only to throw the index away; `for x in xs` walks the same items (its bench pair:
    1.65x on CPython 3.9, 1.76x on 3.10, 1.97x on 3.11, 1.92x on 3.12, 2.02x on 3.13).

    Fires where the index name is never read: not in the loop (nor in a function or lambda
    defined there), not after it, not declared `global`/`nonlocal`. The fix is safe:
    `enumerate(xs)` iterates `xs` itself, so the items, their order and what iterating `xs`
    raises are the same; only the index variable is no longer bound, and nothing reads it.
    """

    code = "PFL108"
    name = "enumerate-index-unused"
    message = "the `enumerate` index is never used: iterate the sequence directly"
    impact = Impact.CONSTANT
    fix = Applicability.SAFE

    bad = (
        Example(
            "def f(xs):\n    for _, x in enumerate(xs):\n        print(x)\n",
            "def f(xs):\n    for x in xs:\n        print(x)\n",
        ),
        Example(
            "def f(rows):\n    for i, (a, b) in enumerate(rows, 1):\n        print(a + b)\n",
            "def f(rows):\n    for (a, b) in rows:\n        print(a + b)\n",
        ),
        Example(
            "def f(xs):\n    return [x * 2 for _, x in enumerate(xs) if x]\n",
            "def f(xs):\n    return [x * 2 for x in xs if x]\n",
        ),
        Example(
            "def f(a, b, c):\n    return [x for _, x in enumerate(a if c else b)]\n",
            "def f(a, b, c):\n    return [x for x in (a if c else b)]\n",
        ),
        Example(
            "def f(ys):\n    for _, x in enumerate(y * 2 for y in ys):\n        print(x)\n",
            "def f(ys):\n    for x in (y * 2 for y in ys):\n        print(x)\n",
        ),
    )
    good = (
        "def f(xs):\n    for i, x in enumerate(xs):\n        print(i, x)\n",
        "def f(xs):\n    for i, x in enumerate(xs):\n        print(x)\n    return i\n",
        "def f(xs):\n    for i, x in enumerate(xs):\n        yield lambda: i\n",
        "def f(xs):\n    return [(lambda: i) for i, x in enumerate(xs)]\n",
        "def f(xs, s):\n    for i, x in enumerate(xs, s()):\n        print(x)\n",
        "def f(xs):\n    enumerate = zip\n    for i, x in enumerate(xs, xs):\n        print(x)\n",
        "for i, x in enumerate(xs):\n    print(x)\n",
        "def f(xs):\n    global i\n    for i, x in enumerate(xs):\n        print(x)\n",
    )

    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    total = 0\n    for _, x in enumerate(xs):\n        total += x\n    return total",
        after="def run():\n    total = 0\n    for x in xs:\n        total += x\n    return total",
    )

    needs = (("def", "for a, b in enumerate(), one unused"),)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node.target, node.iter, node, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        loop = next((a for a in reversed(self.ctx.ancestors) if isinstance(a, COMPREHENSION_TYPES)), None)
        if node.asynchronous is None and loop is not None:
            self._check(node.target, node.iter, loop, node)

    def _check(self, target: cst.BaseExpression, call: cst.BaseExpression, loop: cst.CSTNode, owner: cst.CSTNode) -> None:
        iterable = _enumerated(call)
        if iterable is None or not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != 2:
            return
        index, item = target.elements
        if not isinstance(index, cst.Element) or not isinstance(index.value, cst.Name):
            return
        if not isinstance(item, cst.Element) or isinstance(item, cst.StarredElement):
            return
        function = self.ctx.function()
        if function is None or not self.ctx.is_builtin("enumerate"):
            return
        if _index_used(self.ctx.facts(function), index.value, loop):
            return
        comprehension = isinstance(owner, cst.CompFor)
        edits = (
            rewrite.replace(target, item.value.with_changes(lpar=[*target.lpar, *item.value.lpar], rpar=[*item.value.rpar, *target.rpar])),
            Edit(call, replace=lambda updated: _items_of(updated, comprehension)),
        )
        self.report(call, fix=self.make_fix(*edits))


def _enumerated(call: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """`xs` of `enumerate(xs)` or `enumerate(xs, <int literal>)` (a `start` that is a
    literal has nothing to evaluate, so dropping it drops nothing)."""
    if not _is_call_of(call, ("enumerate",)):
        return None
    args = call.args  # type: ignore[attr-defined]
    if not args or len(args) > 2 or any(a.star or (a.keyword is not None and a.keyword.value != "start") for a in args):
        return None
    if args[0].keyword is not None:
        return None
    if len(args) == 2 and not isinstance(args[1].value, cst.Integer):
        return None
    return args[0].value  # type: ignore[no-any-return]


def _index_used(facts: ScopeFacts, index: cst.Name, loop: cst.CSTNode) -> bool:
    """Whether the index may be read: in the loop, after it, by another scope, or deleted.
    In a comprehension, any other mention of the name counts (a lambda there sees the
    comprehension's variable, which the function's facts do not tell apart)."""
    name = index.value
    if facts.is_shared(name) or any(b.kind == "del" for b in facts.bindings.get(name, ())):
        return True
    if isinstance(loop, COMPREHENSION_TYPES):
        return _mentions(loop, index)
    return bool(facts.uses_in(name, loop)) or _read_after(facts, name, loop)


def _mentions(root: cst.CSTNode, index: cst.Name) -> bool:
    """Whether a name spelled as `index` appears in `root` other than as `index` itself."""
    stack = list(children(root))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == index.value and node is not index:
            return True
        stack.extend(children(node))
    return False


def _items_of(updated: cst.CSTNode, comprehension: bool) -> cst.CSTNode:
    """`enumerate(xs)` -> `xs`, in parentheses where the loop's grammar needs them: a bare
    generator argument, or a loose expression in a comprehension's `for`."""
    value: cst.BaseExpression = updated.args[0].value  # type: ignore[attr-defined]
    loose = isinstance(value, cst.GeneratorExp) or (comprehension and isinstance(value, _LOOSE_ITER))
    if loose and not value.lpar:
        return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return value
