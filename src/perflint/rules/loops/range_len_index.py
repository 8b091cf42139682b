"""PFL106 range-len-index: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from perflint.analysis.scope import ScopeFacts
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import (
    _fresh_name,
    _is_call_of,
    _read_after,
    _rename,
    _taken_names,
    _use_kind,
)


def _element_names(sequence: str) -> List[str]:
    """`items` -> item, `entries` -> entry, `xs` -> x; then `<seq>_item`, `item`."""
    singular = ""
    if sequence.endswith("ies") and len(sequence) > 3:
        singular = sequence[:-3] + "y"
    elif sequence.endswith(("sses", "xes", "ches", "shes")):
        singular = sequence[:-2]
    elif sequence.endswith("s") and not sequence.endswith("ss") and len(sequence) > 1:
        singular = sequence[:-1]
    return [n for n in (singular, f"{sequence}_item", "item", "element") if n]


@register
class RangeLenIndex(Rule):
    """`for i in range(len(xs))` that reads only `xs[i]` pays for a range object, an
    index variable and a subscript on every pass; `for x in xs` walks the sequence
    directly and is clearer.

    The fix is unsafe: it assumes `xs` is a sequence (list, tuple, str, ...) that the
    loop does not resize; for a mapping keyed by 0..n-1, `for x in xs` yields keys, not
    values. It is offered only when the loop reads `xs` and never assigns it, and `i` is
    used nowhere but in `xs[i]` reads, and not inside a `try` whose handler catches
    TypeError, IndexError or KeyError (what `len()` and `xs[i]` raise, or `for x in xs`).

    Not reported when `xs` is the `self` of a class with its own container methods
    (`__getitem__`, `__len__`, `__iter__`, ...): that loop is how the class iterates (in
    its `__iter__`, `for x in self` would call itself), not a slow spelling of it.
    """

    code = "PFL106"
    name = "range-len-index"
    message = "the index is only used as `xs[i]`: iterate the sequence directly"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def f(items):\n    for i in range(len(items)):\n        print(items[i], len(items))\n",
            "def f(items):\n    for item in items:\n        print(item, len(items))\n",
        ),
        Example(
            "def f(xs, x):\n    total = 0\n    for i in range(len(xs)):\n        total += xs[i] * x\n    return total\n",
            "def f(xs, x):\n    total = 0\n    for xs_item in xs:\n        total += xs_item * x\n    return total\n",
        ),
        # A handler catches what `len()` or `xs[i]` raise: no fix.
        Example(
            "def f(xs):\n    try:\n        for i in range(len(xs)):\n            print(xs[i])\n    except (TypeError, KeyError):\n"
            "        print(xs)\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    for i in range(len(xs)):\n        print(i, xs[i])\n",
        "def f(xs):\n    for i in range(len(xs)):\n        xs[i] = xs[i] * 2\n",
        "def f(xs):\n    for i in range(len(xs)):\n        xs[i] += 1\n",
        "def f(xs, ys):\n    for i in range(len(xs)):\n        print(xs[i] + ys[i])\n",
        "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n        xs.append(1)\n",
        "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n    return i\n",
        "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i - 1])\n",
        "def f(xs):\n    return [lambda: xs[i] for i in range(len(xs))]\n",
        # the sequence's own iteration (hypothesis' LazySequenceCopy): `for x in self` would
        # call this very `__iter__`
        (
            "class Copy:\n    def __len__(self):\n        return len(self.values)\n\n"
            "    def __getitem__(self, i):\n        return self.values[i]\n\n"
            "    def __iter__(self):\n        for i in range(len(self)):\n            yield self[i]\n"
        ),
        (
            "class Spans:\n    def __len__(self):\n        return self.count\n\n"
            "    def __getitem__(self, i):\n        return Span(self, i)\n\n"
            "    def total(self):\n        n = 0\n        for i in range(len(self)):\n            n += self[i].length\n"
            "        return n\n"
        ),
    )

    bench = Bench(
        setup="xs = list(range(N))",
        before="def run():\n    total = 0\n    for i in range(len(xs)):\n        total += xs[i]\n    return total",
        after="def run():\n    total = 0\n    for x in xs:\n        total += x\n    return total",
    )

    needs = (("def", "index lookup"),)  # `for i in range(len(xs))` reading `xs[i]`

    def visit_For(self, node: cst.For) -> None:
        call = node.iter
        if not (isinstance(node.target, cst.Name) and node.asynchronous is None and _is_call_of(call, ("range",))):
            return
        args = call.args  # type: ignore[attr-defined]
        if len(args) != 1 or args[0].star or not _is_call_of(args[0].value, ("len",)):
            return
        inner = args[0].value.args
        if len(inner) != 1 or inner[0].star or not isinstance(inner[0].value, cst.Name):
            return
        function = self.ctx.function()
        if function is None or not self.ctx.is_builtin("range") or not self.ctx.is_builtin("len"):
            return
        if self.ctx.is_self_of_container(inner[0].value):
            return  # the class's own iteration (maybe this very `__iter__`): no alternative
        sequence, index = inner[0].value.value, node.target.value
        subscripts = self._index_reads(self.ctx.facts(function), sequence, index, node)
        if subscripts is None:
            return
        fix = None
        if not self.ctx.is_caught(node, ("TypeError", "IndexError", "KeyError"), function):
            element = _fresh_name(_element_names(sequence), _taken_names(self.ctx, function))
            edits = [_rename(node.target, element), Edit(call, replace=_sequence_of), *(_rename(s, element) for s in subscripts)]
            fix = self.make_fix(*edits)
        self.report(call, fix=fix)

    @staticmethod
    def _index_reads(facts: ScopeFacts, sequence: str, index: str, loop: cst.For) -> Optional[List[cst.Subscript]]:
        """The `xs[i]` reads of the loop, if they are the only uses of `i` and the loop
        only reads `xs`; else None."""
        if facts.is_shared(index) or facts.is_shared(sequence):
            return None
        if facts.bindings_in(index, loop) or facts.bindings_in(sequence, loop) or _read_after(facts, index, loop):
            return None
        reads: Dict[int, cst.Subscript] = {}
        for use in facts.uses_in(sequence, loop):
            if _use_kind(use) != "read":
                return None
            sub = use.parent
            if isinstance(sub, cst.Subscript) and len(sub.slice) == 1:
                item = sub.slice[0].slice
                if isinstance(item, cst.Index) and isinstance(item.value, cst.Name) and item.value.value == index:
                    reads[id(item.value)] = sub
        index_uses = facts.uses_in(index, loop)
        if not index_uses or any(u.nested or id(u.node) not in reads for u in index_uses):
            return None
        return [reads[id(u.node)] for u in index_uses]


def _sequence_of(updated: cst.CSTNode) -> cst.CSTNode:
    """`range(len(xs))` -> `xs`."""
    return updated.args[0].value.args[0].value  # type: ignore[attr-defined,no-any-return]
