"""PFL603 dataframe-iterrows: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.vectorization._shared import FRAME, expr_kind


@register
class DataframeIterrows(Rule):
    """`df.iterrows()` builds a pandas Series (with its index and dtype checks) for every
    row, and `df.apply(f, axis=1)` does the same to call `f`: both run at Python speed
    and usually cost microseconds per row. Use column arithmetic (`df["a"] * df["b"]`,
    `np.where`, `.map`), or `df.itertuples()` when a loop is really needed (it keeps
    the row values' types too). `perflint bench PFL603` times the pair where pandas is
    installed.
    """

    code = "PFL603"
    name = "dataframe-iterrows"
    message = "row-by-row DataFrame loop: vectorize over columns, or use itertuples()"
    impact = Impact.CONSTANT

    bad = (
        Example(
            "import pandas as pd\n\ndef f(path):\n    df = pd.read_csv(path)\n    total = 0\n"
            "    for _, row in df.iterrows():\n        total += row['a'] * row['b']\n    return total\n"
        ),
        Example(
            "import pandas\n\ndef f(df: pandas.DataFrame):\n"
            "    return df.apply(lambda r: r.a + r.b, axis=1)\n"
        ),
        Example(
            "import pandas as pd\n\ndef f(data):\n    return [r for _, r in pd.DataFrame(data).iterrows()]\n"
        ),
    )
    good = (
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return (df['a'] * df['b']).sum()\n",
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return [r.a for r in df.itertuples()]\n",
        # Column-wise apply; a frame not visible as one; one row only; a chunked reader.
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return df.apply(sum, axis=0)\n",
        "def f(df):\n    for _, row in df.iterrows():\n        print(row)\n",
        "import pandas as pd\n\ndef f(df: pd.DataFrame):\n    return next(df.iterrows())\n",
        "import pandas as pd\n\ndef f(p):\n    for chunk in pd.read_csv(p, chunksize=100):\n"
        "        chunk.apply(sum, axis=1)\n",
    )

    bench = Bench(
        setup="import pandas as pd\ndf = pd.DataFrame({'a': range(N), 'b': range(N)})",
        before="def run():\n    return int(sum(row['a'] * row['b'] for _, row in df.iterrows()))",
        after="def run():\n    return int((df['a'] * df['b']).sum())",
        size=2_000,
        requires=("pandas",),
    )

    needs = (("call iterrows", "file import pandas"), ("call apply", "file import pandas"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("iterrows", "apply"):
            return
        if func.attr.value == "iterrows":
            parent = self.ctx.parent()
            if node.args or not isinstance(parent, (cst.For, cst.CompFor)) or parent.iter is not node:
                return
        elif not any(a.keyword and a.keyword.value == "axis" and _is_rows(a.value) for a in node.args):
            return  # apply() on columns
        if expr_kind(self.ctx, func.value) == FRAME:
            self.report(node)


def _is_rows(value: cst.BaseExpression) -> bool:
    """`1` or `"columns"`: apply the function to each row."""
    if isinstance(value, cst.Integer):
        return value.value == "1"
    return isinstance(value, cst.SimpleString) and value.evaluated_value == "columns"
