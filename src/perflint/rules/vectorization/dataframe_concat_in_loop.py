"""PFL604 dataframe-concat-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.vectorization._shared import (
    FRAME,
    _fixed_growth,
    _growth_target,
    _is_self_append_call,
    _reset_in_loop,
    expr_kind,
)


@register
class DataframeConcatInLoop(Rule):
    """`df = pd.concat([df, new])` (or `df = df.append(new)`, removed in pandas 2.0) in a
    loop copies the whole frame collected so far at every step: quadratic time. Collect
    the pieces in a list and call `pd.concat(pieces)` once after the loop. `perflint
    bench PFL604` times the pair where pandas is installed.
    """

    code = "PFL604"
    name = "dataframe-concat-in-loop"
    message = "concatenating onto a DataFrame in a loop copies it every time: concat a list once"
    impact = Impact.ALGORITHMIC

    bad = (
        Example(
            "import pandas as pd\n\ndef f(paths):\n    df = pd.DataFrame()\n    for p in paths:\n"
            "        df = pd.concat([df, pd.read_csv(p)], ignore_index=True)\n    return df\n"
        ),
        Example(
            "import pandas as pd\n\ndef f(rows):\n    df = pd.DataFrame(columns=['a'])\n    for r in rows:\n"
            "        df = df.append({'a': r}, ignore_index=True)\n    return df\n"
        ),
    )
    good = (
        "import pandas as pd\n\ndef f(paths):\n    return pd.concat([pd.read_csv(p) for p in paths])\n",
        # A list's append; once, outside a loop; a fresh frame each iteration.
        "def f(rows):\n    df = []\n    for r in rows:\n        df = df.append(r)\n",
        "import pandas as pd\n\ndef f(a, b):\n    df = pd.DataFrame(a)\n    df = pd.concat([df, b])\n"
        "    return df\n",
        "import pandas as pd\n\ndef f(parts, extra):\n    for p in parts:\n        df = pd.DataFrame(p)\n"
        "        df = pd.concat([df, extra])\n        print(df)\n",
    )

    bench = Bench(
        setup="import pandas as pd",
        before="def run():\n    df = pd.DataFrame({'a': [0]})\n    for i in range(1, N):\n"
        "        df = pd.concat([df, pd.DataFrame({'a': [i]})], ignore_index=True)\n"
        "    return df['a'].tolist()",
        after="def run():\n    parts = [pd.DataFrame({'a': [i]}) for i in range(N)]\n"
        "    return pd.concat(parts, ignore_index=True)['a'].tolist()",
        size=1_000,
        requires=("pandas",),
    )

    needs = (("loop call concat", "file import pandas"), ("loop call append", "file import pandas"))

    def visit_Assign(self, node: cst.Assign) -> None:
        found = _growth_target(node)
        if found is None:
            return
        name, call = found
        if _is_self_append_call(call, name):
            if expr_kind(self.ctx, cst.Name(name)) != FRAME:
                return
        elif self.ctx.callee_name(call.func) != "pandas.concat":  # type: ignore[arg-type]
            return
        if self.ctx.in_function_loop() and not _reset_in_loop(self.ctx, name, node):
            self.report(node, fixed_size=_fixed_growth(self.ctx, name))
