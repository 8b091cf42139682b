"""PFL302 literal-membership: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import register
from perflint.rules.containers._container_rule import _ContainerRule
from perflint.rules.containers._shared import _set_display


def _is_constant(node: cst.BaseExpression) -> bool:
    """A str/bytes/int/float/None/bool literal (what a set display can hash for sure)."""
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return _is_constant(node.left) and _is_constant(node.right)  # type: ignore[arg-type]
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    return False


@register
class LiteralMembership(_ContainerRule):
    """`x in ("a", "b", "c")` compares `x` with each element in turn; a set display of
    constants is folded by CPython into a frozenset constant, so `x in {"a", "b", "c"}`
    is one hash lookup. Measured per test: 3 strings 25-32 ns -> 10-11 ns on a late hit
    or a miss (2.5-2.9x), 10 strings 87-100 ns -> 11 ns (8-10x); a hit on the first
    element is equally fast both ways (10 ns). The saving is a few tens of nanoseconds
    per test, so the rule only reports tests that repeat: in a loop inside a function.

    The fix is unsafe: an unhashable `x` (a list, a dict) makes the set test raise
    TypeError where the tuple test returned False. It is not offered inside a `try` that
    catches TypeError, where the code may count on that.
    """

    code = "PFL302"
    name = "literal-membership"
    message = "membership test on a list/tuple of constants: use a set literal"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def f(words):\n    return [w for w in words if w not in ('a', 'an', 'the')]\n",
            "def f(words):\n    return [w for w in words if w not in {'a', 'an', 'the'}]\n",
        ),
        Example(
            "def f(codes):\n    for c in codes:\n        if c in [200, 201, 204]:  # ok\n            yield c\n",
            "def f(codes):\n    for c in codes:\n        if c in {200, 201, 204}:  # ok\n            yield c\n",
        ),
        Example(  # a lambda is a function too
            "is_article = lambda ws: [w for w in ws if w in ('a', 'an', 'the')]\n",
            "is_article = lambda ws: [w for w in ws if w in {'a', 'an', 'the'}]\n",
        ),
        Example(
            "def f(xs):\n    while xs:\n        if xs.pop() in (\n            None,  # missing\n"
            "            -1,\n            b'',\n        ):\n            return True\n",
            "def f(xs):\n    while xs:\n        if xs.pop() in {\n            None,  # missing\n"
            "            -1,\n            b'',\n        }:\n            return True\n",
        ),
        Example(  # a handler waits for the TypeError an unhashable `x` would raise: no fix
            "def f(xs):\n    for x in xs:\n        try:\n            if x in ('a', 'b', 'c'):\n                yield x\n"
            "        except TypeError:\n            pass\n",
            None,
        ),
    )
    good = (
        "def f(xs, a, b, c):\n    return [x for x in xs if x in (a, b, c)]\n",  # not constants
        "def f(xs):\n    return [x for x in xs if x in ('a', 'b')]\n",  # two elements
        "def f(xs):\n    return [x for x in xs if x in ('a', f'{x}', 'c')]\n",
        "def f():\n    for x in ['a', 'b', 'c']:\n        print(x)\n",  # iteration
        "def f(x):\n    return x in ('a', 'b', 'c')\n",  # runs once per call
        "for x in xs:\n    print(x in ('a', 'b', 'c'))\n",  # module level
        "def f(xs):\n    return [x for x in xs if x in {'a', 'b', 'c'}]\n",
    )

    bench = Bench(
        setup="import random\nrandom.seed(1)\nwords = [random.choice(['if', 'for', 'x', 'y', 'while']) for _ in range(N)]",
        before="def run():\n    return sum(1 for w in words if w in ('if', 'for', 'while', 'try', 'with'))",
        after="def run():\n    return sum(1 for w in words if w in {'if', 'for', 'while', 'try', 'with'})",
    )

    needs = (("def", "loop in display"),)

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        values = node.comparator
        if not isinstance(node.operator, (cst.In, cst.NotIn)) or not isinstance(values, (cst.List, cst.Tuple)):
            return
        elements = values.elements
        if len(elements) < 3 or not all(isinstance(e, cst.Element) and _is_constant(e.value) for e in elements):
            return
        if isinstance(values, cst.Tuple) and not values.lpar or not self.ctx.in_function_loop():
            return
        # An unhashable `x` makes the set test raise TypeError: not where a handler catches it.
        caught = self.ctx.is_caught(node, ("TypeError",))
        self.report(self.ctx.parent() or node, fix=None if caught else self.make_fix(Edit(values, replace=_set_display)))
