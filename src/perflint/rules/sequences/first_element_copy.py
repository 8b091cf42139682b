"""PFL311 first-element-copy: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import cast

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.analysis.growth import (
    all_fixed,
    fixed_iterable,
    fixed_iterations,
    same_data_loops,
)
from perflint.analysis.shapes import contains, has_async_for, is_name
from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Bound, Example, Finding, Impact
from perflint.rules.base import Rule, register
from perflint.rules.sequences._shared import (
    _call,
    _int_value,
    _replacement,
    _sole_slice,
    _split_args,
)


def _is_index(node: cst.Subscript, value: int) -> bool:
    found = _sole_slice(node)
    return isinstance(found, cst.Index) and _int_value(found.value) == value


class _YieldFinder(Visitor):
    """Finds a `yield` of one function body (not of functions or classes nested in it)."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _copied(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """`x` of `list(x)`, `tuple(x)`, `[*x]` and `[y for y in x]`."""
    if isinstance(node, cst.Call) and is_name(node.func, "list", "tuple"):
        split = _split_args(node)
        if split is not None and len(split[0]) == 1 and not split[1]:
            return split[0][0].value
    elif isinstance(node, cst.List) and len(node.elements) == 1:
        element = node.elements[0]
        return element.value if isinstance(element, cst.StarredElement) else None
    elif isinstance(node, cst.ListComp):
        comp = node.for_in
        identity = is_name(node.elt) and is_name(comp.target, cast(cst.Name, node.elt).value)
        if identity and not comp.ifs and comp.inner_for_in is None and comp.asynchronous is None:
            return comp.iter
    return None


@register
class FirstElementCopy(Rule):
    """`list(x)[0]` copies every element of `x` into a new list to read the first one;
    `next(iter(x))` stops after one element: O(1) instead of O(n) (on a 10,000-key
    dict, more than 500x faster). A list comprehension indexed by `[0]` is the same waste:
    `next(<generator>)` stops at the first element that passes the conditions. Taking it
    with `.pop(0)` (`list(x).pop(0)`, `[...].pop(0)`) copies just the same.

    Unsafe: on empty input the fix raises StopIteration instead of IndexError, and `x` is
    consumed only up to its first element (an iterator keeps the rest; later elements and
    their side effects are no longer produced). Where StopIteration would do harm the
    finding carries no fix: inside a generator (it becomes RuntimeError), a generator
    expression, a lambda or `__next__` (it silently ends the iteration that called it),
    and inside a `try` or `with suppress(...)` that catches IndexError or StopIteration
    (a handler may be waiting for the IndexError). Use
    `next(iter(x), default)` where empty input is expected.
    """

    code = "PFL311"
    name = "first-element-copy"
    message = "use `next(iter(x))` instead of copying `x` into a list to take its first element"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        # A loop copies the same data on every pass: quadratic.
        Example(
            "def f(rows, pending):\n    for row in rows:\n        if row.key == list(pending)[0]:\n            return row\n",
            "def f(rows, pending):\n    for row in rows:\n        if row.key == next(iter(pending)):\n            return row\n",
        ),
        Example(
            "def match(hits, placeholders):\n    found = []\n    for hit in hits:\n"
            "        found.append([p for p in placeholders if p.id == hit.id][0])\n    return found\n",
            "def match(hits, placeholders):\n    found = []\n    for hit in hits:\n"
            "        found.append(next(p for p in placeholders if p.id == hit.id))\n    return found\n",
        ),
        Example(
            "def f(rows, pending):\n    for row in rows:\n        if row.key == list(pending).pop(0):\n            return row\n",
            "def f(rows, pending):\n    for row in rows:\n        if row.key == next(iter(pending)):\n            return row\n",
        ),
        # Once per call, or on a different item each pass: linear, like the call's own work.
        Example("def f(d):\n    return list(d)[0]\n", "def f(d):\n    return next(iter(d))\n", Bound.FIXED_SIZE),
        Example(
            "def f(d):\n    return [*d.values()][0]\n", "def f(d):\n    return next(iter(d.values()))\n", Bound.FIXED_SIZE
        ),
        Example("def f(s):\n    return [y for y in s][0]\n", "def f(s):\n    return next(iter(s))\n", Bound.FIXED_SIZE),
        Example("def f(s):\n    return tuple(s)[0]\n", "def f(s):\n    return next(iter(s))\n", Bound.FIXED_SIZE),
        Example(
            "def f(rows):\n    return [r for r in rows if r.ok].pop(0)\n",
            "def f(rows):\n    return next(r for r in rows if r.ok)\n",
            Bound.FIXED_SIZE,
        ),
        # StopIteration inside a generator would become RuntimeError: no fix.
        Example("def f(groups):\n    for g in groups:\n        yield list(g)[0]\n", None, Bound.FIXED_SIZE),
        # The handler waits for IndexError: no fix.
        Example(
            "def f(s):\n    try:\n        return list(s)[0]\n    except IndexError:\n        return None\n",
            None,
            Bound.FIXED_SIZE,
        ),
        Example("key = lambda s: list(s)[0]\n", None, Bound.FIXED_SIZE),
        Example(
            "from contextlib import suppress\n\ndef f(s):\n    with suppress(IndexError):\n        return list(s)[0]\n",
            None,
            Bound.FIXED_SIZE,
        ),
        # A `try` or `with` that does not catch it is no reason to hold the fix back.
        Example(
            "def f(path):\n    with open(path) as fp:\n        return list(fp)[0]\n",
            "def f(path):\n    with open(path) as fp:\n        return next(iter(fp))\n",
            Bound.FIXED_SIZE,
        ),
    )
    good = (
        "def f(s):\n    return next(iter(s))\n",
        "def f(s):\n    return list(s)[1]\n",
        "def f(s):\n    return list(s)[-1]\n",
        "def f(s):\n    return list(s).pop()\n",  # the last one
        "def f(s):\n    return tuple(s).pop(0)\n",  # a tuple has no pop: it raises AttributeError
        "def f(xs):\n    return xs.pop(0)\n",  # not a copy (PFL303's business)
        "def f(a, b):\n    return [*a, *b][0]\n",
        "def f(s):\n    return list(s, 1)[0]\n",
        "def f(s, list):\n    return list(s)[0]\n",  # not the builtin
        "def f(s):\n    return s[0]\n",
        "async def f(s):\n    return [y async for y in s][0]\n",
    )

    bench = Bench(
        setup="d = {i: str(i) for i in range(N)}",
        before="def run():\n    return list(d)[0]",
        after="def run():\n    return next(iter(d))",
    )

    needs = (("list()[]",), ("tuple()[]",), ("display[]",))

    def __init__(self, ctx: FileContext, findings: list[Finding]) -> None:
        super().__init__(ctx, findings)
        self._generators: dict[int, bool] = {}

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if _is_index(node, 0):
            self._check(node, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        """`list(x).pop(0)`, `[*x].pop(0)`, `[... for ...].pop(0)` (a tuple has no `pop`)."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "pop"
            and len(node.args) == 1
            and node.args[0].keyword is None
            and not node.args[0].star
            and _int_value(node.args[0].value) == 0
            and not (isinstance(func.value, cst.Call) and is_name(func.value.func, "tuple"))
        ):
            self._check(node, func.value)

    def _check(self, node: cst.Subscript | cst.Call, value: cst.BaseExpression) -> None:
        """`node` takes the first item of `value`: report it if `value` is a copy."""
        source = _copied(value)
        if source is not None:
            if isinstance(value, cst.Call) and not self.ctx.is_builtin(cast(cst.Name, value.func).value):
                return
            build = _first_of_copy
        elif isinstance(value, cst.ListComp) and not _is_async(value):
            build = _first_of_comprehension
        else:
            return
        fixable = self._stop_iteration_is_plain() and self.ctx.is_builtin("next", "iter")
        data = source if source is not None else cast(cst.ListComp, value).for_in.iter
        small = fixed_iterable(self.ctx, source) if source is not None else fixed_iterations(self.ctx, value)
        # One copy per call is linear, like the call's other work on that data; it hurts
        # when a loop repeats it on the same data.
        fixed = small or all_fixed(self.ctx, same_data_loops(self.ctx, data))
        self.report(node, fix=_replacement(self, node, build) if fixable else None, fixed_size=fixed)

    def _stop_iteration_is_plain(self) -> bool:
        """Whether StopIteration raised here reaches the caller as an ordinary error (and
        no handler in the function waits for the IndexError it replaces)."""
        if self.ctx.is_caught(self.ctx.ancestors[-1], ("IndexError", "StopIteration")):
            return False
        for node in reversed(self.ctx.ancestors[:-1]):
            if isinstance(node, (cst.GeneratorExp, cst.Lambda)):
                return False
            if isinstance(node, cst.FunctionDef):
                return node.name.value != "__next__" and not self._is_generator(node)
        return True

    def _is_generator(self, function: cst.FunctionDef) -> bool:
        found = self._generators.get(id(function))
        if found is None:
            finder = _YieldFinder()
            visit(function.body, finder)
            found = self._generators[id(function)] = finder.found
        return found


def _is_async(comp: cst.ListComp) -> bool:
    """An `async for` or an `await` anywhere in the comprehension."""
    return has_async_for(comp) or contains(comp, cst.Await)


def _taken_from(node: cst.CSTNode) -> cst.BaseExpression:
    """The `list(x)` of `list(x)[0]` or of `list(x).pop(0)`."""
    if isinstance(node, cst.Subscript):
        return node.value
    return cast(cst.Attribute, cast(cst.Call, node).func).value


def _first_of_copy(updated: cst.CSTNode) -> cst.CSTNode:
    """`list(x)[0]` (or `list(x).pop(0)`) -> `next(iter(x))`."""
    taking = cast("cst.Subscript | cst.Call", updated)
    source = cast(cst.BaseExpression, _copied(_taken_from(taking)))
    return _call("next", [cst.Arg(_call("iter", [cst.Arg(source)]))]).with_changes(lpar=taking.lpar, rpar=taking.rpar)


def _first_of_comprehension(updated: cst.CSTNode) -> cst.CSTNode:
    """`[f(y) for y in x if c][0]` (or `.pop(0)`) -> `next(f(y) for y in x if c)`."""
    taking = cast("cst.Subscript | cst.Call", updated)
    comp = cast(cst.ListComp, _taken_from(taking))
    generator = cst.GeneratorExp(comp.elt, comp.for_in, lpar=[], rpar=[])
    return _call("next", [cst.Arg(generator)]).with_changes(lpar=taking.lpar, rpar=taking.rpar)
