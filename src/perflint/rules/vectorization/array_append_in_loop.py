"""PFL602 array-append-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.vectorization._shared import (
    _ACCUMULATORS,
    _fixed_growth,
    _growth_target,
    _is_self_append_call,
    _reset_in_loop,
)


@register
class ArrayAppendInLoop(Rule):
    """NumPy arrays have a fixed size: `np.append`, `np.concatenate`, `np.vstack` and
    `np.hstack` allocate a new array and copy everything collected so far, so growing an
    array in a loop is quadratic: about 40 times slower than a list and one `np.array`
    at 10,000 items (measured), and the gap grows with the count. Collect the pieces in
    a list and combine them once after the loop (`np.array(items)`,
    `np.concatenate(chunks)`), or preallocate and fill.
    """

    code = "PFL602"
    name = "array-append-in-loop"
    message = "growing a NumPy array in a loop copies it every time: collect a list, combine once"
    impact = Impact.ALGORITHMIC

    bad = (
        Example(
            "import numpy as np\n\ndef f(xs):\n    out = np.empty(0)\n    for x in xs:\n"
            "        out = np.append(out, x * 2)\n    return out\n"
        ),
        Example(
            "import numpy\n\ndef f(blocks):\n    acc = numpy.zeros((0, 3))\n    for b in blocks:\n"
            "        acc = numpy.vstack([acc, b])\n    return acc\n"
        ),
        Example(
            "from numpy import concatenate\n\ndef f(acc, chunks):\n    while chunks:\n"
            "        acc = concatenate((acc, chunks.pop()))\n    return acc\n"
        ),
    )
    good = (
        "import numpy as np\n\ndef f(xs):\n    return np.array([x * 2 for x in xs])\n",
        # Once, not in a loop; at module level; a list's append.
        "import numpy as np\n\ndef f(a, b):\n    return np.append(a, b)\n",
        "import numpy as np\nout = np.empty(0)\nfor x in range(3):\n    out = np.append(out, x)\n",
        "def f(xs):\n    out = []\n    for x in xs:\n        out = out + [x]\n    return out\n",
        # Set afresh in each iteration: nothing accumulates.
        "import numpy as np\n\ndef f(rows):\n    for r in rows:\n        v = np.zeros(2)\n"
        "        v = np.append(v, r)\n        print(v)\n",
        # A different target, and np only by coincidence.
        "import numpy as np\n\ndef f(a, xs):\n    for x in xs:\n        b = np.append(a, x)\n"
        "        print(b)\n",
        "def f(np, a, xs):\n    for x in xs:\n        a = np.append(a, x)\n    return a\n",
    )

    bench = Bench(
        setup="import numpy as np",
        before="def run():\n    out = np.empty(0)\n    for i in range(N):\n        out = np.append(out, i)\n"
        "    return out.tolist()",
        after="def run():\n    items = []\n    for i in range(N):\n        items.append(i)\n"
        "    return np.array(items, dtype=float).tolist()",
        requires=("numpy",),
    )

    needs = tuple(("def", f"loop call numpy.{f}") for f in sorted(_ACCUMULATORS))

    def visit_Assign(self, node: cst.Assign) -> None:
        found = _growth_target(node)
        if found is None or _is_self_append_call(found[1], found[0]):
            return
        name, call = found
        qualified = self.ctx.callee_name(call.func) or ""  # type: ignore[arg-type]
        if not qualified.startswith("numpy.") or qualified[len("numpy."):] not in _ACCUMULATORS:
            return
        if self.ctx.in_function_loop() and not _reset_in_loop(self.ctx, name, node):
            self.report(node, fixed_size=_fixed_growth(self.ctx, name))
