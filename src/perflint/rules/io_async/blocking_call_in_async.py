"""PFL703 blocking-call-in-async: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.analysis.context import last_name
from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.hints import Region, aliased
from perflint.rules.io_async._shared import _BLOCKING, _LAST_NAMES, _REQUESTS, _async_function
from perflint.rules.io_async._triage import _ASYNC_DEF, _BLOCKING_CALL, _BLOCKING_MODULES, _OPEN


@register
class BlockingCallInAsync(Rule):
    """An `async def` runs on the event loop's thread: a blocking call inside it
    (`time.sleep`, `requests.get`, `urllib.request.urlopen`, `subprocess.run`, reading a
    file with `open`) stops every other task for its whole duration. Use the async
    counterpart (`await asyncio.sleep`, an async HTTP client,
    `asyncio.create_subprocess_exec`) or move the call to a thread with
    `await asyncio.to_thread(...)`.
    """

    code = "PFL703"
    name = "blocking-call-in-async"
    message = "blocking call inside `async def` stalls the event loop: use an async API or asyncio.to_thread"
    impact = Impact.ALGORITHMIC

    bad = (
        Example("import time\n\nasync def f():\n    time.sleep(1)\n"),
        Example(
            "import requests\nimport subprocess as sp\n\nasync def f(url):\n"
            "    r = requests.get(url, timeout=5)\n    sp.run(['ls'], check=True)\n    return r\n"
        ),
        Example(
            "from time import sleep\nfrom urllib.request import urlopen\n\nasync def f(url):\n"
            "    sleep(0.1)\n    return urlopen(url).read()\n"
        ),
        Example("async def f(path):\n    with open(path) as fh:\n        return fh.read()\n"),
    )
    good = (
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
        # Not in async code: a plain def, a nested def or lambda run elsewhere.
        "import time\n\ndef f():\n    time.sleep(1)\n",
        "import time, asyncio\n\nasync def f():\n    def work():\n        time.sleep(1)\n"
        "    await asyncio.to_thread(work)\n",
        "import asyncio, requests\n\nasync def f(url):\n"
        "    return await asyncio.to_thread(lambda: requests.get(url))\n",
        "import asyncio, time\n\nasync def f(loop):\n    await loop.run_in_executor(None, time.sleep, 1)\n",
        # Names that only look alike.
        "async def f(session, url):\n    return await session.get(url)\n",
        "import asyncio\n\nasync def f(sleep):\n    sleep(1)\n    await asyncio.sleep(0)\n",
        "async def f(path):\n    def open(p):\n        return p\n    return open(path)\n",
    )

    bench = Bench(
        setup="import asyncio, time",
        before="def run():\n    async def one(i):\n        time.sleep(0.001)\n        return i\n"
        "    async def main():\n        return list(await asyncio.gather(*(one(i) for i in range(N))))\n"
        "    return asyncio.run(main())",
        after="def run():\n    async def one(i):\n        await asyncio.sleep(0.001)\n        return i\n"
        "    async def main():\n        return list(await asyncio.gather(*(one(i) for i in range(N))))\n"
        "    return asyncio.run(main())",
        size=100,
        note="tasks that each wait 1 ms: blocking waits add up, async waits overlap",
    )

    hints = (r"\basync\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """An `async def` must call a blocking name: the builtin `open`, or a name the
        file binds to a module of `_BLOCKING` or `requests` (or to something in one), or
        one the file may bind to an attribute of such a name (`sleep = time.sleep`)."""
        if not (super().may_fire(region) and region.has(_ASYNC_DEF) and region.has(_BLOCKING_CALL)):
            return False
        if region.has(_OPEN):
            return True
        names = region.bound_to(_BLOCKING_MODULES)
        return names is None or region.mentions(names) or aliased(region, names)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = last_name(func)
        if last not in _LAST_NAMES and last != "open":
            return
        if _async_function(self.ctx) is None:
            return
        if isinstance(func, cst.Name) and last == "open":
            blocking = self.ctx.bindings("open")[0] is None
        else:
            name = self.ctx.callee_name(func) or ""
            module, _, attr = name.rpartition(".")
            blocking = name in _BLOCKING or (module in ("requests", "requests.api") and attr in _REQUESTS)
        if blocking:
            self.report(node)
