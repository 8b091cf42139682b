"""PFL103 try-except-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import _EXITS


# -- PFL103 --------------------------------------------------------------------------
def _ends_with_exit(body: cst.BaseSuite) -> bool:
    """Whether a block's last statement is a return, raise or break."""
    last = body.body[-1] if isinstance(body, cst.IndentedBlock) else body
    smalls: Sequence[cst.CSTNode] = [last]
    if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        smalls = last.body
    return isinstance(smalls[-1], _EXITS)


@register
class TryExceptInLoop(Rule):
    """Before Python 3.11, entering a `try` block cost a SETUP_FINALLY/POP_BLOCK pair on
    every pass of the loop. When every handler ends the loop anyway (`break`, `return` or
    `raise`), the `try` can wrap the whole loop and be entered once.

    Only for targets older than 3.11: 3.11 made exception handling "zero-cost" (no setup
    when no exception is raised), and the bench pair measures about 1.0x there; the gain
    before 3.11 is a few percent on a loop that does little else. No fix is offered:
    wrapping the loop also catches exceptions raised by the loop's iterable, which the
    handler did not catch before.
    """

    code = "PFL103"
    name = "try-except-in-loop"
    message = "`try` entered on every pass: wrap the loop in it (the handlers end the loop anyway)"
    impact = Impact.CONSTANT
    availability = "target < 3.11"
    below_target = (3, 11)

    bad = (
        Example(
            "def parse(items):\n    out = []\n    for item in items:\n        try:\n            out.append(int(item))\n"
            "        except ValueError:\n            break\n    return out\n"
        ),
        Example(
            "def total(items):\n    n = 0\n    while items:\n        try:\n            n += items.pop()\n"
            "        except TypeError:\n            return None\n    return n\n"
        ),
    )
    good = (
        (
            "def parse(items):\n    out = []\n    for item in items:\n        try:\n            out.append(int(item))\n"
            "        except ValueError:\n            continue\n    return out\n"
        ),
        "def parse(items):\n    for item in items:\n        try:\n            int(item)\n        finally:\n            print(item)\n",
        (
            "def parse(items):\n    for item in items:\n        try:\n            int(item)\n        except ValueError:\n            break\n"
            "        else:\n            print(item)\n"
        ),
        "def parse(items):\n    for item in items:\n        print(item)\n        try:\n            int(item)\n        except ValueError:\n            break\n",
        "for item in [1]:\n    try:\n        int(item)\n    except ValueError:\n        break\n",
        "def read(sock):\n    while True:\n        try:\n            return sock.recv(1)\n        except OSError:\n            return None\n",
    )

    bench = Bench(
        setup="xs = [str(i) for i in range(N)]",
        before="def run():\n    out = []\n    for x in xs:\n        try:\n            out.append(int(x))\n"
        "        except ValueError:\n            break\n    return out",
        after="def run():\n    out = []\n    try:\n        for x in xs:\n            out.append(int(x))\n"
        "    except ValueError:\n        pass\n    return out",
        note="about 1.0x on 3.11+ (zero-cost exceptions); the rule applies only to older targets",
    )

    needs = (("loop try",),)

    def visit_For(self, node: cst.For) -> None:
        self._check(node)

    def visit_While(self, node: cst.While) -> None:
        self._check(node)

    def _check(self, loop: cst.For | cst.While) -> None:
        body = loop.body
        if loop.orelse is not None or not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
            return
        statement = body.body[0]
        if not isinstance(statement, cst.Try) or statement.orelse is not None or statement.finalbody is not None:
            return
        if _ends_with_exit(statement.body):
            return  # the loop does not repeat unless the body says `continue`
        if all(_ends_with_exit(h.body) for h in statement.handlers) and self.ctx.function() is not None:
            self.report(statement)
