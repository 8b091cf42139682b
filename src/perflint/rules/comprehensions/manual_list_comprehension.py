"""PFL401 manual-list-comprehension: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from perflint.model import Applicability, Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.comprehensions._shared import (
    _assign,
    _Build,
    _comp_for,
    _in_function,
    _init_value,
    _initializer,
    _is_empty,
    _is_identity,
    _method_build,
    _paren,
    _replace_loop,
    _report_build,
    _rewritable,
)


def _item(build: _Build) -> cst.BaseExpression:
    return _paren(build.value, (cst.GeneratorExp, cst.Tuple))


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
    name = "manual-list-comprehension"
    message = "build the list with a list comprehension instead of appending in a loop"
    impact = Impact.CONSTANT
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

    needs = (("def", "list built by append"), ("def", "list built by copying append"))

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
