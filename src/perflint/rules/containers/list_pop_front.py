"""PFL303 list-pop-front: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from perflint.model import Applicability, Bench, Example, Impact
from perflint.rules.base import register
from perflint.rules.containers._list_front import _FrontOfList


@register
class ListPopFront(_FrontOfList):
    """`xs.pop(0)` moves every remaining element one slot left: O(n) per call, so a
    queue drained with it is O(n^2). `collections.deque.popleft()` is O(1): draining
    10,000 items takes 0.18 ms instead of 3.7 ms (21x, measured).

    Reported in loops inside functions, where `xs` is a local list (or a parameter
    annotated `list`); a single `pop(0)` per call costs no more than building the list.
    A local bound to a slice (`queue = roots[:]`) counts as a list: no other builtin
    sequence has both slices and `pop(i)` but a bytearray, whose front is as slow.
    The fix (when every use of the local list is one a deque supports: `append`,
    `extend`, `pop()`, `len`, truth, iteration, `in`, ...) creates it as
    `collections.deque(...)` (`roots[:]` -> `collections.deque(roots)`, only where
    `roots` is known to be a list) and calls `popleft()`. It is unsafe: the variable is
    no longer a list (no slicing, `==` against a list is False).
    """

    code = "PFL303"
    name = "list-pop-front"
    message = "`list.pop(0)` is O(n): use `collections.deque` and `popleft()`"
    impact = Impact.ALGORITHMIC
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def drain(items):\n    queue = list(items)\n    while queue:\n        item = queue.pop(0)\n"
            "        if item:\n            queue.append(item - 1)\n",
            "import collections\n\n\n"
            "def drain(items):\n    queue = collections.deque(items)\n    while queue:\n"
            "        item = queue.popleft()\n        if item:\n            queue.append(item - 1)\n",
        ),
        Example(
            "def f(items):\n    todo = list(items)\n    while todo:\n        yield todo.pop(0)\n    return todo[:]\n",
            None,
        ),
        Example("def f(todo: list[int]):\n    while todo:\n        print(todo.pop(0))\n", None),
        Example(  # a breadth-first walk from a copy of its roots: a deque made from the same list
            "def bfs(adj, roots: list):\n    frontier = roots[:]  # the caller's list stays\n    seen = set(roots)\n"
            "    while frontier:\n        node = frontier.pop(0)\n        for nbr in adj[node]:\n"
            "            if nbr not in seen:\n                seen.add(nbr)\n                frontier.append(nbr)\n"
            "    return seen\n",
            "import collections\n\n\n"
            "def bfs(adj, roots: list):\n    frontier = collections.deque(roots)  # the caller's list stays\n"
            "    seen = set(roots)\n"
            "    while frontier:\n        node = frontier.popleft()\n        for nbr in adj[node]:\n"
            "            if nbr not in seen:\n                seen.add(nbr)\n                frontier.append(nbr)\n"
            "    return seen\n",
        ),
        Example(
            "def f(items):\n    xs = list(items)\n    rest = xs[1:]\n    while rest:\n        yield rest.pop(0)\n",
            "import collections\n\n\n"
            "def f(items):\n    xs = list(items)\n    rest = collections.deque(xs[1:])\n    while rest:\n"
            "        yield rest.popleft()\n",
        ),
        Example(  # a copy of a sequence of unknown type: a list (it has `pop`), but maybe not its source
            "def weights(seq):\n    if isinstance(seq[0], str):\n        ci = list(enumerate(seq))\n"
            "    elif isinstance(seq[0], tuple):\n        ci = seq[:]\n    else:\n        raise ValueError(seq)\n"
            "    out = []\n    while ci:\n        v, kind = ci.pop(0)\n        out.append(v)\n    return out\n",
            None,
        ),
    )
    good = (
        # type unknown: a dict with int keys pops the same way
        "def f(pending):\n    while pending:\n        pending.pop(0)\n",
        "def f(self):\n    while self.queue:\n        self.queue.pop(0)\n",
        # already a deque
        "import collections\ndef f(items):\n    q = collections.deque(items)\n    while q:\n        q.popleft()\n",
        "def f(items):\n    xs = list(items)\n    return xs.pop(0)\n",  # once per call
        "def f(items):\n    xs = list(items)\n    while xs:\n        xs.pop(1)\n",
    )

    bench = Bench(
        setup="import collections",
        before="def run():\n    q = list(range(N))\n    out = 0\n    while q:\n        out += q.pop(0)\n    return out",
        after="def run():\n    q = collections.deque(range(N))\n    out = 0\n    while q:\n        out += q.popleft()\n"
        "    return out",
    )

    method, arity = "pop", 1
