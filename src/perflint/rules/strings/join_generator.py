"""PFL204 join-generator: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from perflint.model import Applicability, Bench, Bound, Edit, Example, Impact
from perflint.rules.base import Rule, register


@register
class JoinGenerator(Rule):
    """`str.join` needs the length of its input before it copies anything, so it turns a
    generator into a list first; handing it a list comprehension skips the generator's
    per-item resume cost (1.9x faster at 1,000 items, measured). Same for `bytes.join`.

    Not reported when the receiver is an imported module (`os.path.join`, `shlex.join`),
    the generator is asynchronous, or the join builds the message of a `raise` or
    `assert`, or sits in a block that ends with a `raise` (an error path is never hot).
    The fix is safe: the comprehension computes the same items in the same order.
    """

    code = "PFL204"
    name = "join-generator"
    message = "pass a list comprehension to `join`, not a generator expression"
    impact = Impact.CONSTANT
    fix = Applicability.SAFE

    bad = (
        Example(
            "def f(words):\n    return \" \".join(w.title() for w in words if w)\n",
            "def f(words):\n    return \" \".join([w.title() for w in words if w])\n",
        ),
        Example(
            "line = sep.join(\n"
            "    str(x)  # each value\n"
            "    for x in values\n"
            ")\n",
            "line = sep.join(\n"
            "    [str(x)  # each value\n"
            "    for x in values]\n"
            ")\n",
            Bound.RUNS_ONCE,
        ),
        Example(
            "data = b\"\".join((chunk for chunk in chunks))\n",
            "data = b\"\".join([chunk for chunk in chunks])\n",
            Bound.RUNS_ONCE,
        ),
    )
    good = (
        "s = ''.join([x for x in y])\n",
        "s = ''.join(y)\n",
        "import os\np = os.path.join(x for x in y)\n",
        "def f(bad):\n    raise ValueError(', '.join(repr(b) for b in bad))\n",  # an error path
        "def f(bad):\n    if bad:\n        names = ', '.join(repr(b) for b in bad)\n        raise ValueError(names)\n",
        "import shlex\ncmd = shlex.join(a for a in args)\n",
        "async def f(y):\n    return ''.join(x async for x in y)\n",
        "s = ''.join((x for x in y), z)\n",
    )

    bench = Bench(
        setup="words = [str(i) for i in range(N)]",
        before="def run():\n    return ','.join(w for w in words)",
        after="def run():\n    return ','.join([w for w in words])",
        size=1_000,
    )

    needs = (("join(GeneratorExp)",),)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "join" or len(node.args) != 1:
            return
        arg = node.args[0]
        generator = arg.value
        if not isinstance(generator, cst.GeneratorExp) or arg.keyword is not None or arg.star:
            return
        comp: Optional[cst.CompFor] = generator.for_in
        while comp is not None:
            if comp.asynchronous is not None:
                return
            comp = comp.inner_for_in
        if isinstance(func.value, (cst.Name, cst.Attribute)) and self.ctx.qualified_name(func.value) is not None:
            return
        if self.ctx.on_error_path():
            return  # an error message: never hot
        self.report(node, fix=self.make_fix(Edit(generator, replace=_as_list_comp)))


def _as_list_comp(updated: cst.CSTNode) -> cst.CSTNode:
    """`(x for x in y)` -> `[x for x in y]`, the innermost parentheses becoming brackets."""
    if not isinstance(updated, cst.GeneratorExp):
        raise TypeError("generator changed under the fix")
    lpar, rpar = list(updated.lpar), list(updated.rpar)
    lbracket = cst.LeftSquareBracket(whitespace_after=lpar[-1].whitespace_after) if lpar else cst.LeftSquareBracket()
    rbracket = cst.RightSquareBracket(whitespace_before=rpar[0].whitespace_before) if rpar else cst.RightSquareBracket()
    return cst.ListComp(
        updated.elt, updated.for_in, lbracket=lbracket, rbracket=rbracket, lpar=lpar[:-1], rpar=rpar[1:]
    )
