"""PFL406 identity-comprehension: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Applicability, Bench, Case, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register

# What `dict(y)` treats as pairs, as the comprehension does: values without `keys()`.
_PAIR_FUNCTIONS = ("zip", "enumerate")


@register
class IdentityComprehension(Rule):
    """`[x for x in y]`, `{x for x in y}` and `{k: v for k, v in y}` run a bytecode loop
    to copy `y`; `list(y)`, `set(y)` and `dict(y)` copy it in C (its bench pair,
    lists: 10.6x on CPython 3.9, 9.9x on 3.10, 7.6x on 3.11, 5.3x on 3.12, 5.7x on 3.13;
    the dict of pairs gains only 1.1-1.2x, as `dict(y)` still unpacks each pair).

    Not reported with a condition, a transformed element, several `for` clauses or an
    async one, nor where `list`/`set`/`dict` is not the builtin; `any([x for x in y])` is
    left to PFL405. The fix is safe for lists and sets. For `dict(y)` it is safe where `y`
    is visibly a source of pairs (`.items()`, `zip(...)`, `enumerate(...)`, a display of
    pairs) and unsafe otherwise: given a mapping, `dict(y)` copies it, while the
    comprehension unpacks each key. A copy of `self` in a class with its own
    `__len__`/`__iter__` is not reported: `list(self)` asks `len(self)` first, which may
    be the very method the copy is in.
    """

    code = "PFL406"
    name = "identity-comprehension"
    message = "the comprehension only copies its iterable: call list()/set()/dict() on it"
    impact = Impact.CONSTANT
    fix = Applicability.SAFE

    bad = (
        Example("def f(y):\n    return [x for x in y]\n", "def f(y):\n    return list(y)\n"),
        Example("def f(y):\n    return {x for x in y.values()}\n", "def f(y):\n    return set(y.values())\n"),
        Example(
            "def f(a, b):\n    return {k: v for k, v in zip(a, b)}\n", "def f(a, b):\n    return dict(zip(a, b))\n"
        ),
        Example(  # unsafe: given a mapping, dict() copies it where the comprehension unpacks its keys
            "def f(pairs):\n    return {k: v for (k, v) in pairs}\n", "def f(pairs):\n    return dict(pairs)\n"
        ),
        Example("def f(a, b):\n    return [x for x in (a, b)]\n", "def f(a, b):\n    return list((a, b))\n"),
    )
    good = (
        "def f(y):\n    return [x for x in y if x]\n",
        "def f(y):\n    return [x.name for x in y]\n",
        "def f(y):\n    return [(a, b) for a, b in y]\n",
        "def f(y):\n    return {v: k for k, v in y}\n",
        "def f(y, z):\n    return [x for x in y for w in z]\n",
        "async def f(y):\n    return [x async for x in y]\n",
        "def f(y):\n    list = tuple\n    return [x for x in y]\n",
        "def f(y):\n    return any([x for x in y])\n",
        "def f(y):\n    return (x for x in y)\n",
        "class Bag:\n    def __iter__(self):\n        yield 1\n\n    def __len__(self):\n        return len([x for x in self])\n",
    )

    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    return [x for x in xs]",
        after="def run():\n    return list(xs)",
        variants=(
            Case(
                "dict",
                setup="pairs = [(i, i) for i in range(N)]",
                before="def run():\n    return {k: v for k, v in pairs}",
                after="def run():\n    return dict(pairs)",
            ),
        ),
    )

    needs = (("identity comprehension",),)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check(node, "list", _copies(node.elt, node.for_in))

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._check(node, "set", _copies(node.elt, node.for_in))

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._check(node, "dict", _copies_pairs(node))

    def _check(self, node: cst.BaseComp, builtin: str, copies: bool) -> None:
        clause = node.for_in
        if not copies or clause.ifs or clause.inner_for_in is not None or clause.asynchronous is not None:
            return
        iterable = clause.iter
        if not self.ctx.is_builtin(builtin) or self._in_any_all(node) or self.ctx.is_self_of_container(iterable):
            return
        fix = None
        if rewrite.comments(_copy_call(node, builtin)) == rewrite.comments(node):
            unsafe = builtin == "dict" and not _pairs_source(iterable)
            fix = self.make_fix(
                Edit(node, replace=lambda updated: _copy_call(updated, builtin)),
                applicability=Applicability.UNSAFE if unsafe else None,
            )
        copy = rewrite.code_of(self.ctx, _copy_call(node, builtin))
        self.report(node, f"the comprehension only copies its iterable: `{copy}` does it in C" if len(copy) <= 40 else None, fix=fix)

    def _in_any_all(self, node: cst.CSTNode) -> bool:
        """`any([x for x in y])`: PFL405's case (a generator there stops early)."""
        arg, call = self.ctx.parent(), self.ctx.parent(2)
        return (
            isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
            and call.func.value in ("any", "all") and len(call.args) == 1
        )


def _copies(elt: cst.BaseExpression, clause: cst.CompFor) -> bool:
    return isinstance(elt, cst.Name) and isinstance(clause.target, cst.Name) and elt.value == clause.target.value


def _copies_pairs(node: cst.DictComp) -> bool:
    """`{k: v for k, v in y}`: the target's two names, in their order, as key and value."""
    target = node.for_in.target
    if not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != 2:
        return False
    names = [e.value.value if type(e) is cst.Element and isinstance(e.value, cst.Name) else None for e in target.elements]
    return (
        None not in names and isinstance(node.key, cst.Name) and isinstance(node.value, cst.Name)
        and [node.key.value, node.value.value] == names and names[0] != names[1]
    )


def _pairs_source(iterable: cst.BaseExpression) -> bool:
    """Whether `iterable` is visibly not a mapping: a call of `.items()`, `zip` or
    `enumerate`, or a list/tuple/set display or comprehension."""
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set, cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return True
    if not isinstance(iterable, cst.Call):
        return False
    func = iterable.func
    if isinstance(func, cst.Attribute):
        return func.attr.value == "items"
    return isinstance(func, cst.Name) and func.value in _PAIR_FUNCTIONS


def _copy_call(updated: cst.CSTNode, builtin: str) -> cst.CSTNode:
    """`[x for x in y]` -> `builtin(y)`, keeping the comprehension's own parentheses."""
    comp = updated
    assert isinstance(comp, (cst.ListComp, cst.SetComp, cst.DictComp))
    argument = rewrite.sole_argument(comp.for_in.iter)
    return cst.Call(cst.Name(builtin), [cst.Arg(argument)], lpar=comp.lpar, rpar=comp.rpar)
