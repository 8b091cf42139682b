"""PFL202 str-concat-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.model import Applicability, Bench, Example, Impact
from perflint.rules.base import register
from perflint.rules.strings._accumulator_rule import _AccumulatorRule
from perflint.rules.strings._shared import _exits_unobserved, _join_fix, _local_accumulator


@register
class StrConcatInLoop(_AccumulatorRule):
    """`s += part` on a local str is linear in CPython only because the interpreter
    extends the string in place when nothing else refers to it; it still does a
    resize-and-copy step per part. Appending to a list and joining once is about 1.5x
    faster at 20,000 short parts (measured on CPython 3.11); the gain is modest, but the
    in-place trick is CPython-only (PyPy and others go quadratic) and disappears as soon as
    anything else holds the string (a closure variable is quadratic: 30x slower).

    Reported when `s` is set to a str literal or f-string before the loop and only added
    to (`s += x`, `s = s + x`) inside it. Not reported when the loop also reads `s` (it
    needs the string as it grows, which a list of parts cannot give, and the in-place
    append keeps it linear). The fix collects the parts in a list and joins them right
    after the loop. It is not offered when an `else:` of the loop or a handler around it
    reads `s`, or when a nested function uses it, or where a handler inside the loop
    catches TypeError (adding a non-str raises it at the `+=`; the join would raise it
    after the loop). Unsafe because if the loop raises, `s` keeps its value from before
    the loop rather than the partial string.
    """

    code = "PFL202"
    name = "str-concat-in-loop"
    message = "str built with `+=` in a loop: append the parts to a list and `\"\".join` it after the loop"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def csv_line(values):\n"
            "    line = \"\"\n"
            "    for v in values:\n"
            "        line += str(v) + \",\"\n"
            "    return line\n",
            "def csv_line(values):\n"
            "    line_parts = []\n"
            "    for v in values:\n"
            "        line_parts.append(str(v) + \",\")\n"
            "    line = \"\".join(line_parts)\n"
            "    return line\n",
        ),
        Example(  # the file writes single quotes: so does the fix
            "def csv_line(values):\n    line = ''\n    for v in values:\n        line += str(v) + ','\n    return line\n",
            "def csv_line(values):\n    line_parts = []\n    for v in values:\n        line_parts.append(str(v) + ',')\n"
            "    line = ''.join(line_parts)\n    return line\n",
        ),
        Example(
            "def dump(rows, title):\n"
            "    text = f\"# {title}\\n\"\n"
            "    for row in rows:\n"
            "        if not row:\n"
            "            break\n"
            "        for cell in row:\n"
            "            text = text + cell + \" \"\n"
            "        text += \"\\n\"  # end of row\n"
            "    return text\n",
            "def dump(rows, title):\n"
            "    text = f\"# {title}\\n\"\n"
            "    text_parts = []\n"
            "    for row in rows:\n"
            "        if not row:\n"
            "            break\n"
            "        for cell in row:\n"
            "            text_parts.append(cell + \" \")\n"
            "        text_parts.append(\"\\n\")  # end of row\n"
            "    text += \"\".join(text_parts)\n"
            "    return text\n",
        ),
        Example(
            "def f(xs):\n"
            "    s = \"\"\n"
            "    for x in xs:\n"
            "        s += x\n"
            "    else:\n"
            "        print(s)\n"
            "    return s\n",
            None,
        ),
        Example(  # the handler skips parts that are no str: the join would not
            "def f(xs):\n"
            "    s = \"\"\n"
            "    for x in xs:\n"
            "        try:\n"
            "            s += x\n"
            "        except TypeError:\n"
            "            pass\n"
            "    return s\n",
            None,
        ),
    )
    good = (
        "def f(xs):\n    n = 0\n    for x in xs:\n        n += x\n    return n\n",
        "def f(xs, s):\n    for x in xs:\n        s += x\n    return s\n",
        "def f(xs):\n    s = get()\n    for x in xs:\n        s += x\n    return s\n",
        "def f(xs):\n    s = ''\n    s = None\n    for x in xs:\n        s += x\n",
        # reset inside the loop: short segments, not one growing string
        (
            "def f(xs, out):\n    s = ''\n    for x in xs:\n        s += x\n        if x == '\\n':\n"
            "            out.append(s)\n            s = ''\n"
        ),
        # set and added once per iteration
        "def f(xs, out):\n    for x in xs:\n        s = ''\n        s += x\n        out.append(s)\n",
        "def f(xs):\n    s = b''\n    for x in xs:\n        s += x\n    return s\n",
        "s = ''\nfor x in range(3):\n    s += str(x)\n",
        # the loop reads the string as it grows: parts in a list cannot replace it
        "def wrap(words):\n    s = ''\n    for w in words:\n        if len(s) > 70:\n            break\n        s += w\n    return s\n",
    )

    bench = Bench(
        setup="parts = [str(i % 10) * 5 for i in range(N)]",
        before="def run():\n    s = ''\n    for p in parts:\n        s += p\n    return s",
        after=(
            "def run():\n    s_parts = []\n    for p in parts:\n        s_parts.append(p)\n"
            "    return ''.join(s_parts)"
        ),
        size=20_000,
    )

    reads_class = False  # a local of the function

    needs = (("def", "loop str +="), ("def", "loop str = +"))

    def check(self, node: cst.BaseSmallStatement) -> None:
        local = _local_accumulator(self.ctx, node)
        if local is None or local.kind != "str" or local.reads or not self.first(local.start.loop, local.target):
            return
        fix = None
        if not local.closure and _exits_unobserved(self.ctx, local.start.loop, local.names):
            fix = _join_fix(self, self.ctx, local.facts, local.start, local.target, local.statements, local.name)
        self.report(node, fix=fix)
