"""PFL408 map-lambda: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import functools
from typing import Optional

import libcst as cst

from perflint.analysis.walk import children
from perflint.model import Applicability, Bench, Case, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.comprehensions._shared import _LOOSE, _SCOPE_SENSITIVE, _paren

# Nodes in the lambda's body that change meaning in a generator expression: a nested
# function or generator closes over the loop variable (one shared cell, not one per
# call), a walrus binds in the enclosing scope instead of the lambda's.
_CLOSURES = (cst.Lambda, cst.GeneratorExp, cst.NamedExpr, cst.Yield, cst.Await)
_CONSTRUCTORS = {"list": cst.ListComp, "set": cst.SetComp}


@register
class MapLambda(Rule):
    """`map(lambda x: expr, xs)` calls a Python function per item, with a new frame each
    time; a generator expression `(expr for x in xs)` (or a list or set comprehension
    in `list(...)`/`set(...)`) evaluates `expr` inline (its bench pair, into
    a list: 1.55x on CPython 3.9, 1.72x on 3.10, 1.62x on 3.11, 1.81x on 3.12, 1.72x on
    3.13; consumed by `sum`: 1.28-1.39x). `map` with a named function
    (`map(str, xs)`) is left alone: there the comprehension is no faster.

    Reported for a lambda of one plain parameter (no default, no `*`) over one iterable;
    not where the body holds a lambda, a generator expression, a walrus, `yield` or a
    call of `super`/`locals`/`vars`/`dir`/`eval`/`exec`, whose meaning would change. The
    fix is unsafe: the result is a generator, not a `map` object, which code that checks
    its type (`isinstance(m, map)`) or pickles it tells apart.
    """

    code = "PFL408"
    name = "map-lambda"
    message = "`map` with a lambda calls a function per item: use a comprehension or generator expression"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example("def f(xs):\n    return list(map(lambda x: x * 2, xs))\n", "def f(xs):\n    return [x * 2 for x in xs]\n"),
        Example("def f(xs):\n    return set(map(lambda x: x.name, xs))\n", "def f(xs):\n    return {x.name for x in xs}\n"),
        Example("def f(xs):\n    return sum(map(lambda x: x * x, xs))\n", "def f(xs):\n    return sum(x * x for x in xs)\n"),
        Example(
            "def f(xs, a, b):\n    it = map(lambda x: a if x else b, xs or a)\n    return it\n",
            "def f(xs, a, b):\n    it = (a if x else b for x in xs or a)\n    return it\n",
        ),
        Example(
            "def f(pairs):\n    return dict(map(lambda p: (p[1], p[0]), pairs))\n",
            "def f(pairs):\n    return dict((p[1], p[0]) for p in pairs)\n",
        ),
    )
    good = (
        "def f(xs):\n    return list(map(str, xs))\n",
        "def f(xs, ys):\n    return list(map(lambda x, y: x + y, xs, ys))\n",
        "def f(xs, k):\n    return list(map(lambda x, k=k: x + k, xs))\n",
        "def f(xs):\n    return list(map(lambda *x: x, xs))\n",
        "def f(xs):\n    return list(map(lambda x: lambda: x, xs))\n",
        "def f(xs):\n    return list(map(lambda x: (y := x), xs))\n",
        "def f(xs):\n    map = dict\n    return map(lambda x: x, xs)\n",
        "def f(xs, fs):\n    return list(map(lambda x: (g(x) for g in fs), xs))\n",
    )

    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    return list(map(lambda x: x * 2 + 1, xs))",
        after="def run():\n    return [x * 2 + 1 for x in xs]",
        variants=(
            Case(
                "consumed by sum",
                before="def run():\n    return sum(map(lambda x: x * 2 + 1, xs))",
                after="def run():\n    return sum(x * 2 + 1 for x in xs)",
            ),
        ),
    )

    needs = (("map(Lambda)",),)

    def visit_Call(self, node: cst.Call) -> None:
        parts = _mapped(node)
        if parts is None or not self.ctx.is_builtin("map"):
            return
        outer = self._constructor()
        target = node if outer is None else outer
        rewritten = functools.partial(_rewritten, bare=outer is None and self._sole_argument())
        fix = None
        if rewrite.comments(rewritten(target)) == rewrite.comments(target):
            fix = self.make_fix(Edit(target, replace=rewritten))
        self.report(node, fix=fix)

    def _sole_argument(self) -> bool:
        """Whether the map call is the one positional argument of a call, without a
        trailing comma (a generator there needs no parentheses of its own)."""
        arg, call = self.ctx.parent(), self.ctx.parent(2)
        return (
            isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and len(call.args) == 1
            and arg.keyword is None and not arg.star and isinstance(arg.comma, cst.MaybeSentinel)
        )

    def _constructor(self) -> Optional[cst.Call]:
        """The builtin `list(...)`/`set(...)` call whose sole argument is the map call."""
        arg, call = self.ctx.parent(), self.ctx.parent(2)
        if not (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and len(call.args) == 1):
            return None
        func = call.func
        if arg.keyword is None and not arg.star and isinstance(func, cst.Name) and func.value in _CONSTRUCTORS:
            return call if self.ctx.is_builtin(func.value) else None
        return None


def _mapped(call: cst.CSTNode) -> Optional[tuple[cst.Lambda, cst.BaseExpression]]:
    """The lambda and the iterable of `map(lambda x: expr, xs)`, if the lambda can become
    a comprehension's element (see the rule's docs)."""
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "map"):
        return None
    if len(call.args) != 2 or any(a.star or a.keyword is not None for a in call.args):
        return None
    function, iterable = call.args[0].value, call.args[1].value
    if not isinstance(function, cst.Lambda) or function.lpar:
        return None
    params = function.params
    if params.posonly_params or params.kwonly_params or params.star_kwarg or not isinstance(params.star_arg, cst.MaybeSentinel):
        return None
    if len(params.params) != 1 or params.params[0].default is not None:
        return None
    return (function, iterable) if _plain_body(function.body) else None


def _plain_body(body: cst.BaseExpression) -> bool:
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, _CLOSURES):
            return False
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _SCOPE_SENSITIVE:
            return False
        stack.extend(children(node))
    return True


def _rewritten(updated: cst.CSTNode, bare: bool) -> cst.CSTNode:
    """`map(lambda x: e, xs)` -> `(e for x in xs)` (bare as the sole argument of a call),
    `list(map(...))` -> `[e for x in xs]`, `set(map(...))` -> `{e for x in xs}`."""
    assert isinstance(updated, cst.Call)
    inner = updated if _mapped(updated) is not None else updated.args[0].value
    parts = _mapped(inner)
    assert parts is not None
    function, iterable = parts
    clause = cst.CompFor(target=function.params.params[0].name, iter=_paren(iterable, (*_LOOSE, cst.Yield)))
    element = _paren(function.body, (cst.Tuple,))
    if inner is not updated:
        kind = _CONSTRUCTORS[updated.func.value]  # type: ignore[attr-defined]
        return kind(element, clause, lpar=updated.lpar, rpar=updated.rpar)
    if bare or updated.lpar:
        return cst.GeneratorExp(element, clause, lpar=updated.lpar, rpar=updated.rpar)
    return cst.GeneratorExp(element, clause, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


