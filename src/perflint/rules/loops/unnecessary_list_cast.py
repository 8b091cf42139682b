"""PFL104 unnecessary-list-cast: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import _comprehension_of, _is_call_of, _use_kind

_DISPLAYS = (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.DictComp)


@register
class UnnecessaryListCast(Rule):
    """`for x in list(y)` copies `y` before iterating it. When `y` is a list, tuple, set
    or dict built in the function (a display or a local bound to one) and nothing can
    change it during the loop, the copy is wasted work and memory: iterate `y` directly.

    The fix is safe: it is offered only when `y` is never passed on, stored or returned
    (so no other code holds it) and the loop only reads it.
    """

    code = "PFL104"
    name = "unnecessary-list-cast"
    message = "iterate the collection directly instead of copying it with `list()`/`tuple()`"
    impact = Impact.CONSTANT
    fix = Applicability.SAFE

    bad = (
        Example(
            "def f():\n    names = ['a', 'b']\n    for name in list(names):\n        print(name, names[0])\n",
            "def f():\n    names = ['a', 'b']\n    for name in names:\n        print(name, names[0])\n",
        ),
        Example(
            "def f(xs):\n    seen = {x for x in xs}\n    return [x for x in tuple(seen) if x in seen]\n",
            "def f(xs):\n    seen = {x for x in xs}\n    return [x for x in seen if x in seen]\n",
        ),
        Example(
            "def f():\n    for k in list({'a': 1, 'b': 2}):\n        print(k)\n",
            "def f():\n    for k in {'a': 1, 'b': 2}:\n        print(k)\n",
        ),
    )
    good = (
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs.append(x)\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs.remove(x)\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        del xs[0]\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs[:] = []\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        xs += [x]\n",
        "def f():\n    xs = [1, 2]\n    for x in list(xs):\n        handle(xs)\n",
        "def f(self):\n    xs = [1, 2]\n    self.xs = xs\n    for x in list(xs):\n        self.update()\n",
        "def f(xs):\n    for x in list(xs):\n        print(x)\n",  # xs may be a generator
        "def f():\n    xs = [1, 2]\n    for x in list(xs, 1):\n        print(x)\n",
        "def f(list):\n    xs = [1, 2]\n    for x in list(xs):\n        print(x)\n",
    )

    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    total = 0\n    for x in list(xs):\n        total += x\n    return total",
        after="def run():\n    total = 0\n    for x in xs:\n        total += x\n    return total",
    )

    needs = (("def", "for in list()"), ("def", "for in tuple()"), ("def", "loop in list()"), ("def", "loop in tuple()"))

    def visit_For(self, node: cst.For) -> None:
        self._check(node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        comprehension = _comprehension_of(self.ctx, node)
        if comprehension is not None:
            self._check(node.iter, comprehension)

    def _check(self, call: cst.BaseExpression, loop: cst.CSTNode) -> None:
        if not (_is_call_of(call, ("list", "tuple")) and len(call.args) == 1):  # type: ignore[attr-defined]
            return
        arg = call.args[0]  # type: ignore[attr-defined]
        if arg.star or arg.keyword is not None or not isinstance(self.ctx.function(), cst.FunctionDef):
            return
        if not self.ctx.is_builtin(call.func.value) or not self._unchanged(arg.value, loop):  # type: ignore[attr-defined]
            return
        self.report(call, fix=self.make_fix(Edit(call, replace=lambda u: u.args[0].value)))  # type: ignore[attr-defined]

    def _unchanged(self, value: cst.BaseExpression, loop: cst.CSTNode) -> bool:
        """Whether `value` is a fresh display, or a local bound to one that no other code
        can reach and that the loop only reads."""
        if isinstance(value, _DISPLAYS):
            return True
        if not isinstance(value, cst.Name):
            return False
        scope, _ = self.ctx.bindings(value.value)
        if scope is not self.ctx.function():
            return False
        facts = self.ctx.facts(scope)  # type: ignore[arg-type]
        if not isinstance(facts.sole_value(value.value), _DISPLAYS):
            return False
        for use in facts.uses.get(value.value, ()):
            kind = _use_kind(use)
            inside = use.nested or any(lp is loop for lp in use.loops)
            if kind == "other" or (inside and kind != "read"):
                return False
        return True
