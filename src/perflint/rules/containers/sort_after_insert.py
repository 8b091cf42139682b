"""PFL305 sort-after-insert: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.analysis.growth import fixed_size
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import register
from perflint.rules.containers._container_rule import _ContainerRule
from perflint.rules.containers._shared import _comment_lines, _is_receiver, _method_call, _same, _with_lines


@register
class SortAfterInsert(_ContainerRule):
    """Appending one item and re-sorting the whole list costs O(n) comparisons per item
    (Timsort finds the sorted run, but still walks it). If the list is kept sorted,
    `bisect.insort(xs, v)` finds the place in O(log n) comparisons and does one memmove:
    2,000 random floats go from 5.5 ms to 0.43 ms (13x, measured); the gap widens with
    costlier comparisons.

    The fix is unsafe: it is only right if the list is already sorted when the loop
    starts (append-and-sort also sorts a list that was not), and items must compare the
    same way (`insort` puts an item after equal ones, as the stable sort does). Not
    offered inside a `try` catching TypeError: with items that do not compare, the old
    code has appended the item before `sort()` raises, `insort` has not.
    """

    code = "PFL305"
    name = "sort-after-insert"
    message = "appending then sorting in a loop: use `bisect.insort(xs, v)` on the sorted list"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def f(stream):\n    best = []\n    for score in stream:\n        best.append(score)\n"
            "        best.sort()\n    return best\n",
            "import bisect\n\n\ndef f(stream):\n    best = []\n    for score in stream:\n"
            "        bisect.insort(best, score)\n    return best\n",
        ),
        Example(
            "def f(self, stream):\n    for item in stream:\n        self.items.append(item)\n"
            "        # keep it ordered\n        self.items.sort()\n",
            "import bisect\n\n\ndef f(self, stream):\n    for item in stream:\n"
            "        # keep it ordered\n        bisect.insort(self.items, item)\n",
        ),
        Example(  # a handler catches what sorting incomparable items raises: no fix
            "def f(xs, stream):\n    for v in stream:\n        try:\n            xs.append(v)\n            xs.sort()\n"
            "        except TypeError:\n            xs.pop()\n",
            None,
        ),
    )
    good = (
        # sorted once, after the loop
        "def f(stream):\n    xs = []\n    for v in stream:\n        xs.append(v)\n    xs.sort()\n    return xs\n",
        # a key or reverse order: insort cannot keep that order the same way
        "def f(stream, xs):\n    for v in stream:\n        xs.append(v)\n        xs.sort(key=abs)\n",
        "def f(stream, xs):\n    for v in stream:\n        xs.append(v)\n        xs.sort(reverse=True)\n",
        # another list
        "def f(stream, xs, ys):\n    for v in stream:\n        xs.append(v)\n        ys.sort()\n",
        "def f(stream, xs):\n    xs.append(stream)\n    xs.sort()\n",  # not in a loop
    )

    bench = Bench(
        setup="import bisect, random\nrandom.seed(1)\nvalues = [random.random() for _ in range(N)]",
        before="def run():\n    xs = []\n    for v in values:\n        xs.append(v)\n        xs.sort()\n    return xs",
        after="def run():\n    xs = []\n    for v in values:\n        bisect.insort(xs, v)\n    return xs",
        size=2_000,
    )

    needs = tuple(("def", f"loop {k}.sort()", f"loop {k}.append()") for k in ("name", "shared"))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        body = node.body
        for append_line, sort_line in zip(body, body[1:]):
            appended = _method_call(append_line, "append")
            sorted_ = _method_call(sort_line, "sort") if appended is not None else None
            if appended is None or sorted_ is None:
                continue
            (append, receiver), (sort, sorted_receiver) = appended, sorted_
            if (
                sort.args
                or len(append.args) != 1
                or append.args[0].keyword
                or append.args[0].star
                or not _is_receiver(receiver)
                or not _same(receiver, sorted_receiver)
                or not self.ctx.in_function_loop()
            ):
                continue
            fix = None
            # Items that do not compare raise TypeError later or earlier: not where it is caught.
            if self._module_usable("bisect") and not self.ctx.is_caught(sort, ("TypeError",)):
                fix = self.make_fix(
                    Edit(append, replace=_insort),
                    Edit(append_line, replace=_with_lines(_comment_lines(sort_line), before=False)),
                    Edit(sort_line, replace=lambda _n: cst.RemoveFromParent()),
                    imports=("bisect",),
                )
            name = receiver.value if isinstance(receiver, cst.Name) else None
            self.report(sort, fix=fix, fixed_size=fixed_size(self.ctx, self._function(), name, self.ctx.loops()))


def _insort(call: cst.CSTNode) -> cst.CSTNode:
    """`xs.append(v)` -> `bisect.insort(xs, v)`."""
    assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
    receiver = cst.Arg(call.func.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(func=cst.Attribute(cst.Name("bisect"), cst.Name("insort")), args=(receiver, *call.args))
