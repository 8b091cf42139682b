"""PFL702 await-in-loop: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst

from perflint.analysis.loops import SCOPE_TYPES
from perflint.analysis.walk import ValueVisitor, Visitor, visit
from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.io_async._shared import _async_function


def _target_names(target: cst.BaseExpression) -> Optional[Set[str]]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        names: Set[str] = set()
        for element in target.elements:
            inner = _target_names(element.value)
            if inner is None:
                return None
            names |= inner
        return names
    return None


class _LoopBody(Visitor):
    """What a loop body does that ties its iterations together (nested scopes skipped)."""

    def __init__(self) -> None:
        super().__init__()
        self.awaits = 0
        self.exits = False  # break/return/raise/yield, async with/for: the order matters

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, SCOPE_TYPES):
            return False
        if isinstance(node, cst.Await):
            self.awaits += 1
        elif isinstance(node, (cst.Break, cst.Return, cst.Raise, cst.Yield)) or (
            isinstance(node, (cst.With, cst.For)) and node.asynchronous is not None
        ):
            self.exits = True
        return True


_OPAQUE = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.NamedExpr)


class _Names(ValueVisitor):
    """Names read by an expression (None for `names` if it holds a nested scope)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: Optional[Set[str]] = set()

    def visit_Name(self, node: cst.Name) -> None:
        if self.names is not None:
            self.names.add(node.value)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _OPAQUE):
            self.names = None
            return False
        return super().on_visit(node)


# Awaited methods whose calls must stay in order (one connection, stream or queue).
_ORDERED_PREFIXES = (
    "send", "write", "put", "drain", "sleep", "wait", "acquire", "release", "join", "close",
    "execute", "commit", "rollback", "publish", "emit", "notify", "recv", "read",
)


@register
class AwaitInLoop(Rule):
    """`for x in xs: await fetch(x)` waits for each call to finish before starting the
    next, so the waits add up. When the iterations do not depend on each other, start them
    together: `await asyncio.gather(*(fetch(x) for x in xs))` or an `asyncio.TaskGroup`,
    and the total time becomes that of the slowest call. The gain is in waiting time
    (network, disk, subprocesses), not CPU; for calls that do not really wait, gathering
    adds task overhead instead.

    Flagged only when the loop body awaits once, the awaited call uses the loop variable
    and nothing else the loop body assigns, and the loop cannot stop early (`break`,
    `return`). Calls that must stay in order on one object (`send`, `write`, `put`,
    `execute`, `sleep`, ...) are left alone. Opt-in: concurrency changes the order of
    side effects and the load on the other side, a decision the code's owner must make.
    """

    code = "PFL702"
    name = "await-in-loop"
    message = "awaiting in a loop runs the calls one after another: use asyncio.gather or a TaskGroup"
    impact = Impact.ALGORITHMIC
    default_on = False

    bad = (
        Example(
            "async def f(session, urls):\n    pages = []\n    for url in urls:\n"
            "        pages.append(await session.get(url))\n    return pages\n"
        ),
        Example(
            "async def f(ids):\n    for i in ids:\n        user = await load_user(i, cache=True)\n"
            "        print(user)\n"
        ),
    )
    good = (
        "import asyncio\n\nasync def f(session, urls):\n"
        "    return await asyncio.gather(*(session.get(u) for u in urls))\n",
        # Each call needs the previous result; an early exit; two awaits in order.
        "async def f(client, start):\n    cursor = start\n    for _ in range(10):\n"
        "        cursor = await client.next_page(cursor)\n",
        "async def f(items):\n    for x in items:\n        if await check(x):\n            break\n",
        "async def f(lock, items):\n    for x in items:\n        await lock.acquire()\n"
        "        await handle(x)\n",
        # Order matters on one stream or connection; async iteration; not using the item.
        "async def f(ws, messages):\n    for m in messages:\n        await ws.send(m)\n",
        "async def f(conn, rows):\n    for r in rows:\n        await conn.execute('INSERT', r)\n",
        "async def f(stream):\n    async for chunk in stream:\n        await handle(chunk)\n",
        "import asyncio\n\nasync def f(n):\n    for _ in range(n):\n        await asyncio.sleep(1)\n",
        "async def f(tasks):\n    for t in tasks:\n        def cb():\n            return t\n"
        "        await run(t, cb)\n",
    )

    bench = Bench(
        setup="import asyncio\n\nasync def fetch(i):\n    await asyncio.sleep(0.001)\n    return i",
        before="def run():\n    async def main():\n        return [await fetch(i) for i in range(N)]\n"
        "    return asyncio.run(main())",
        after="def run():\n    async def main():\n"
        "        return list(await asyncio.gather(*(fetch(i) for i in range(N))))\n"
        "    return asyncio.run(main())",
        size=100,
        note="calls that each wait 1 ms; the gain is the waiting time that overlaps",
    )

    needs = (("async def", "loop await"),)

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not isinstance(call, cst.Call) or not isinstance(call.func, (cst.Name, cst.Attribute)):
            return
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else call.func.value
        if method.startswith(_ORDERED_PREFIXES) or _async_function(self.ctx) is None:
            return
        loops = self.ctx.loops()
        loop = loops[0] if loops else None
        if not isinstance(loop, cst.For) or loop.asynchronous is not None:
            return
        targets = _target_names(loop.target)
        body = _LoopBody()
        visit(loop.body, body)
        names = _Names()
        visit(call, names)
        if targets is None or body.awaits != 1 or body.exits or names.names is None:
            return
        if not names.names & targets:
            return
        facts = self.ctx.facts(self.ctx.scopes()[0])
        if any(facts.bindings_in(name, loop) for name in names.names - targets):
            return
        self.report(node)
