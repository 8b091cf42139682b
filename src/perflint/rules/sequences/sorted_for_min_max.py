"""PFL308 sorted-for-min-max: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import cast

import libcst as cst

from perflint.analysis.growth import (
    fixed_iterable,
)
from perflint.analysis.shapes import is_name
from perflint.model import Applicability, Bench, Case, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.sequences._shared import (
    _call,
    _int_value,
    _is_reference,
    _module_usable,
    _replacement,
    _sole_slice,
    _split_args,
)

# -- helpers shared by the rules of this module ------------------------------------------


def _sorts_fixed(rule: Rule, node: cst.Subscript) -> bool:
    """Whether `sorted(x)[...]` sorts a fixed number of items."""
    call = cast(cst.Call, node.value)
    return bool(call.args) and fixed_iterable(rule.ctx, call.args[0].value)


_MAX_K = 10  # `sorted(x)[:k]` beyond this k is left alone: heapq's lead shrinks with k


def _simple_key(arg: cst.Arg | None) -> bool:
    """A `key=` that can be written twice without evaluating anything twice."""
    return arg is None or _is_reference(arg.value) or isinstance(arg.value, cst.Lambda)


@register
class SortedForMinMax(Rule):
    """`sorted(x)[0]` sorts all of `x` (O(n log n), plus a new list) to keep one element;
    `min(x)` is one O(n) pass: about 9x faster on 10,000 random floats (measured 8.8x to
    12x). Likewise `sorted(x)[:k]` for a small k (up to 10): `heapq.nsmallest(k, x)` keeps
    only k elements in a heap (9x at k=5; still 4x at k=100). `sorted(x)[-k:]` becomes
    `sorted(heapq.nlargest(k, x))`, which keeps the ascending order.

    The gain depends on the data. Timsort finds already-sorted input in one pass with a
    specialised float comparison, so on presorted input `sorted(x)[0]` is 2.5x to 6x
    FASTER than `min(x)` (measured across runs), `heapq.nsmallest` is about 7x slower than sorting, and
    `heapq.nlargest` 30x to 100x slower (every element enters the heap). On small inputs
    (below about 1,000 elements at k=10) the heapq functions lose to sorting too. Keep
    `sorted` where the input is mostly in order.

    Unsafe: with ties, `sorted(x)[-1]` returns the last of equal elements and `max(x)`
    the first (values equal but distinct, as `1` and `1.0`; with `key=`, where ties are
    common, `[-1]` is reported without a fix);
    on empty input `min`/`max` raise ValueError instead of IndexError (so no `min`/`max`
    fix is offered inside a `try` catching either); with NaN in the data the results can
    differ.
    """

    code = "PFL308"
    name = "sorted-for-min-max"
    message = "use `min()`/`max()` or `heapq.nsmallest()`/`nlargest()` instead of sorting to take the extremes"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example("def f(xs):\n    return sorted(xs)[0]\n", "def f(xs):\n    return min(xs)\n"),
        Example("def f(xs):\n    return sorted(xs)[-1]\n", "def f(xs):\n    return max(xs)\n"),
        Example(
            "def f(xs):\n    return sorted(xs, key=len, reverse=True)[0]\n",
            "def f(xs):\n    return max(xs, key=len)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, reverse=True)[-1]\n",
            "def f(xs):\n    return min(xs)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, key=abs)[:3]\n",
            "import heapq\n\n\ndef f(xs):\n    return heapq.nsmallest(3, xs, key=abs)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, reverse=True)[:3]\n",
            "import heapq\n\n\ndef f(xs):\n    return heapq.nlargest(3, xs)\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs)[-3:]\n",
            "import heapq\n\n\ndef f(xs):\n    return sorted(heapq.nlargest(3, xs))\n",
        ),
        Example(
            "def f(xs):\n    return sorted(xs, key=lambda p: p.y)[-2:]\n",
            "import heapq\n\n\n"
            "def f(xs):\n    return sorted(heapq.nlargest(2, xs, key=lambda p: p.y), key=lambda p: p.y)\n",
        ),
        # The key would be evaluated twice: reported without a fix.
        Example("def f(xs):\n    return sorted(xs, key=make_key())[-2:]\n", None),
        # The last of tied elements: max() would return the first of them.
        Example("def f(atoms):\n    return sorted(atoms, key=lambda a: a.occupancy)[-1]\n", None),
        # `min` is not the builtin here: reported without a fix.
        Example("def f(xs, min):\n    return sorted(xs)[0]\n", None),
        # A handler waits for the IndexError of empty input (`min` raises ValueError).
        Example(
            "def f(xs):\n    try:\n        return sorted(xs)[0]\n    except IndexError:\n        return None\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    return min(xs)\n",
        "def f(xs):\n    return sorted(xs)[1]\n",  # the second smallest
        "def f(xs):\n    return sorted(xs)[:50]\n",  # k too large to be sure heapq wins
        "def f(xs):\n    return sorted(xs)[1:]\n",
        "def f(xs, flag):\n    return sorted(xs, reverse=flag)[0]\n",  # direction unknown
        "def f(xs, kw):\n    return sorted(xs, **kw)[0]\n",
        "def f(xs):\n    return xs.sorted()[0]\n",
        "def f(xs, sorted):\n    return sorted(xs)[0]\n",  # not the builtin
    )

    bench = Bench(
        setup="import random\nrng = random.Random(0)\ndata = [rng.random() for _ in range(N)]",
        before="def run():\n    return sorted(data)[0]",
        after="def run():\n    return min(data)",
        variants=(Case("presorted", setup="data = [i / N for i in range(N)]"),),
        note="random floats; on presorted input (the second case) sorted() wins",
    )

    needs = (("sorted()[]",),)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        call = node.value
        if not (isinstance(call, cst.Call) and is_name(call.func, "sorted")):
            return
        parts = _sorted_parts(call)
        pick = _picked(node)
        if parts is None or pick is None or not self.ctx.is_builtin("sorted"):
            return
        key, reverse = parts
        kind, k = pick
        if kind in ("first", "last"):
            func = "min" if (kind == "first") != reverse else "max"
            # The last of a stable sort is the last of the tied elements; min/max give the
            # first. With a key, ties are expected: report without a fix.
            self._report_min_max(node, func, fixable=kind == "first" or key is None)
        else:
            self._report_heapq(node, kind, k, key, reverse)

    def _report_min_max(self, node: cst.Subscript, func: str, fixable: bool) -> None:
        def build(updated: cst.CSTNode) -> cst.CSTNode:
            sub = cast(cst.Subscript, updated)
            args = _sorted_kept_args(cast(cst.Call, sub.value), keep_reverse=False)
            return _call(func, args).with_changes(lpar=sub.lpar, rpar=sub.rpar)

        # On empty input `min`/`max` raise ValueError where indexing raised IndexError.
        fixable = fixable and self.ctx.is_builtin(func) and not self.ctx.is_caught(node, ("IndexError", "ValueError"))
        fix = _replacement(self, node, build) if fixable else None
        self.report(node, f"use `{func}()` instead of sorting to take one element", fix, fixed_size=_sorts_fixed(self, node))

    def _report_heapq(
        self, node: cst.Subscript, kind: str, k: int, key: cst.Arg | None, reverse: bool
    ) -> None:
        # `[:k]` keeps the sort order; `[-k:]` takes the other end, so it is sorted again.
        smallest = (kind == "head") != reverse
        func = "heapq.nsmallest" if smallest else "heapq.nlargest"

        def build(updated: cst.CSTNode) -> cst.CSTNode:
            sub = cast(cst.Subscript, updated)
            call = cast(cst.Call, sub.value)
            count = cst.Arg(cst.Integer(str(k)))
            picked = _call(func, [count, *_sorted_kept_args(call, keep_reverse=False)])
            if kind == "tail":
                rest = _sorted_kept_args(call, keep_reverse=True)[1:]
                picked = call.with_changes(args=[cst.Arg(picked), *rest])
            return picked.with_changes(lpar=sub.lpar, rpar=sub.rpar)

        fixable = (kind == "head" or _simple_key(key)) and _module_usable(self.ctx, "heapq")
        fix = _replacement(self, node, build, imports=("heapq",)) if fixable else None
        self.report(node, f"use `{func}()` instead of sorting to take {k} elements", fix, fixed_size=_sorts_fixed(self, node))


def _sorted_parts(call: cst.Call) -> tuple[cst.Arg | None, bool] | None:
    """(key argument, reverse) of `sorted(x[, key=...][, reverse=True/False])`."""
    split = _split_args(call)
    if split is None:
        return None
    positional, keywords = split
    if len(positional) != 1 or not set(keywords) <= {"key", "reverse"}:
        return None
    reverse = keywords.get("reverse")
    if reverse is None:
        return keywords.get("key"), False
    if is_name(reverse.value, "True", "False"):
        return keywords.get("key"), cast(cst.Name, reverse.value).value == "True"
    return None


def _sorted_kept_args(call: cst.Call, keep_reverse: bool) -> list[cst.Arg]:
    return [a for a in call.args if keep_reverse or a.keyword is None or a.keyword.value != "reverse"]


def _picked(node: cst.Subscript) -> tuple[str, int] | None:
    """What a subscript of a sorted list keeps: ("first"|"last", 1) or ("head"|"tail", k)."""
    found = _sole_slice(node)
    if isinstance(found, cst.Index):
        index = _int_value(found.value)
        return ("first", 1) if index == 0 else ("last", 1) if index == -1 else None
    if not isinstance(found, cst.Slice) or found.step is not None:
        return None
    if found.lower is None:
        k = _int_value(found.upper)
        return ("head", k) if k is not None and 0 < k <= _MAX_K else None
    lower = _int_value(found.lower)
    if found.upper is None and lower is not None and 0 < -lower <= _MAX_K:
        return ("tail", -lower)
    return None
