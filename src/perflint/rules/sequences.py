"""PFL308-PFL314: sorting, copying and concatenating sequences where a cheaper step exists."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from perflint import rewrite
from perflint.model import Applicability, Bench, Example
from perflint.rule import Rule, register


@register
class InDictKeys(Rule):
    """`k in d.keys()` builds a keys view and searches it; `k in d` is the same hash
    lookup without the extra method call and view object."""

    code = "PFL310"
    name = "in-dict-keys"
    message = "use `key in dict` instead of `key in dict.keys()`"
    fix = Applicability.SAFE
    bad = (
        Example("def f(d, k):\n    return k in d.keys()\n", "def f(d, k):\n    return k in d\n"),
        Example("def f(d, k):\n    return k not in d.keys()\n", "def f(d, k):\n    return k not in d\n"),
    )
    good = ("def f(d, k):\n    return k in d\n", "def f(d, k):\n    return k in d.keys(1)\n")
    bench = Bench(
        setup="d = {i: i for i in range(N)}\nkeys = list(range(0, 2 * N, 7))",
        before="def run():\n    return sum(1 for k in keys if k in d.keys())",
        after="def run():\n    return sum(1 for k in keys if k in d)",
    )

    def visit_ComparisonTarget(self, node: cst.ComparisonTarget) -> None:
        if not isinstance(node.operator, (cst.In, cst.NotIn)):
            return
        call = node.comparator
        if m.matches(call, m.Call(func=m.Attribute(attr=m.Name("keys")), args=[])):
            edit = rewrite.replace(call, call.func.value)  # type: ignore[attr-defined]
            self.report(self.ctx.parent() or node, fix=self.make_fix(edit))
