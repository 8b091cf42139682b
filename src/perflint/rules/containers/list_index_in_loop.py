"""PFL315 list-index-in-loop: the rule."""

from __future__ import annotations

import libcst as cst

from perflint.analysis.growth import fixed_size
from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.model import Bench, Example, Impact
from perflint.rules.base import register
from perflint.rules.containers._container_rule import _ContainerRule


@register
class ListIndexInLoop(_ContainerRule):
    """`xs.index(v)` compares `v` with the items of `xs` one by one until it finds it: O(n)
    per call, so a loop of calls on the same list is O(n*m). A dict from each item to its
    position, built once before the loop, answers in O(1): an all-pairs loop in
    networkx's `resistance_distance` did two `node_list.index(...)` per pair (500 nodes:
    0.82 s -> 0.17 s with a `{node: i}` dict, 4.8x; the gain grows with the
    list: its bench pair, N lookups in a list of N, gains 19.5x on CPython 3.9, 20.5x on
    3.10, 23.7x on 3.11, 35.3x on 3.12 and 34.9x on 3.13).

    Build the dict so that it keeps what `index` returns: the *first* position of an item
    that occurs twice (`pos.setdefault(v, i)` over `enumerate(xs)`, or
    `{v: i for i, v in reversed(list(enumerate(xs)))}`; a plain dict comprehension keeps
    the last). A missing item raises KeyError instead of ValueError (`pos.get(v)` where
    that is expected). When the loop walks `xs` itself and asks for the position of its
    own item, `enumerate(xs)` gives it directly (with duplicates, `index` gives the first).

    Reported only where `xs` is a local list (a display, a comprehension or `list(...)`)
    that the loop does not change and that is never passed on (a callee could change it);
    a `str`, a `tuple` or anything of unknown type is left alone, and so is a call that
    runs once (followed by `break`/`return`) or a call with `start`/`stop` arguments.
    A dict needs hashable items: where the code does not show them (a list of a
    parameter's items, of calls of program code) the message says the advice holds only
    if the items hash as they compare (a class may compare by value and hash by
    identity). No fix: where the dict goes, and how to treat duplicates and misses, is
    the author's choice.
    """

    code = "PFL315"
    name = "list-index-in-loop"
    message = "`xs.index(v)` in a loop scans the list each call: build an {item: position} dict once before the loop"
    message_named = (
        "`{name}.index()` in a loop scans the list each call: build an {{item: position}} dict once before the loop"
    )
    message_unverified = (
        "`{name}.index()` in a loop scans the list each call: if its items hash as they compare,"
        " build an {{item: position}} dict once before the loop"
    )
    impact = Impact.ALGORITHMIC

    bad = (
        # networkx resistance_distance: two scans per pair of nodes
        Example(
            "def distances(G, Linv):\n    node_list = list(G)\n    d = {}\n    for n in G:\n"
            "        i = node_list.index(n)\n        d[n] = {}\n        for n2 in G:\n"
            "            j = node_list.index(n2)\n            d[n][n2] = Linv[i][j]\n    return d\n",
        ),
        Example(
            "def positions(words, text):\n    vocab = sorted(set(words))\n    order = [str(w) for w in vocab]\n"
            "    return [order.index(t) for t in text.split()]\n",
        ),
        Example(  # walking the list itself: `enumerate` gives the position
            "def f(items):\n    xs = list(items)\n    out = []\n    for x in xs:\n"
            "        out.append((xs.index(x), x))\n    return out\n",
        ),
    )
    good = (
        # not known to be a list: a parameter, a str, a tuple
        "def f(xs, items):\n    return [xs.index(v) for v in items]\n",
        "def f(items):\n    s = 'abcdef'\n    return [s.index(c) for c in items]\n",
        "def f(items):\n    t = (1, 2, 3)\n    return [t.index(c) for c in items]\n",
        # the list changes in the loop
        "def f(items):\n    xs = []\n    for v in items:\n        xs.append(v)\n        print(xs.index(v))\n",
        "def f(items):\n    xs = list(items)\n    for v in items:\n        xs.remove(v)\n        print(xs.index(v))\n",
        # rebuilt on every turn: one scan per list
        "def f(rows, v):\n    for row in rows:\n        xs = list(row)\n        print(xs.index(v))\n",
        # passed on: a callee may change it
        "def f(items, hook):\n    xs = list(items)\n    hook(xs)\n    for v in items:\n        print(xs.index(v))\n",
        # runs once per call
        "def f(items, v):\n    xs = list(items)\n    for x in items:\n        if x == v:\n            return xs.index(x)\n",
        "def f(items, v):\n    xs = list(items)\n    for x in items:\n        if x > v:\n            i = xs.index(x)\n            break\n",
        # start/stop arguments
        "def f(items):\n    xs = list(items)\n    return [xs.index(v, 1) for v in items]\n",
        # not in a loop, not in a function
        "def f(items, v):\n    xs = list(items)\n    return xs.index(v)\n",
        "xs = [1, 2, 3]\nfor v in (1, 2):\n    print(xs.index(v))\n",
    )

    bench = Bench(
        setup="import random\nrandom.seed(1)\nnodes = list(range(N))\nrandom.shuffle(nodes)\n"
        "queries = [random.randrange(N) for _ in range(N)]",
        before="def run():\n    return [nodes.index(q) for q in queries]",
        after="def run():\n    pos = {}\n    for i, v in enumerate(nodes):\n        pos.setdefault(v, i)\n"
        "    return [pos[q] for q in queries]",
        size=500,
    )

    needs = (("def", "loop list.index()"),)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "index"
            and isinstance(func.value, cst.Name)
            and len(node.args) == 1
            and node.args[0].keyword is None
            and not node.args[0].star
        ):
            return
        name = func.value.value
        found = self._local_list_in_loop(name)
        # Passed on anywhere, a callee could change it while the loop runs.
        if found is None or any(kind == "other" for _, kind in found[3]) or self._runs_once():
            return
        function, facts, bindings, uses = found
        loops = self.ctx.loops()
        loop = self._unchanging_loop(facts, name, loops, uses)
        if loop is None:
            return
        hashes = self._set_keeps_behaviour(function, bindings, uses)
        message = (self.message_named if hashes else self.message_unverified).format(name=name)
        self.report(node, message, fixed_size=fixed_size(self.ctx, function, name, loops))

    def _runs_once(self) -> bool:
        """Whether the call's statement returns or raises, or leaves the loop after it
        (unless the loop is a comprehension in that statement)."""
        if isinstance(self.ctx.loops()[0], COMPREHENSION_TYPES):
            return False
        statement = next(
            (node for node in reversed(self.ctx.ancestors) if isinstance(node, cst.BaseSmallStatement)), None
        )
        return isinstance(statement, (cst.Return, cst.Raise)) or self.ctx.leaves_loop_after()
