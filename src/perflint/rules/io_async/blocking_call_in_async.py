"""PFL703 blocking-call-in-async: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from perflint.analysis.context import FileContext, last_name
from perflint.model import Bench, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.io_async._shared import (
    _BLOCKING,
    _HTTP_MODULES,
    _LAST_NAMES,
    _PATH_IO,
    _SPAWN,
    _async_function,
)


@register
class BlockingCallInAsync(Rule):
    """An `async def` runs on the event loop's thread: a blocking call inside it
    (`time.sleep`, `requests.get`, `urllib.request.urlopen`, `subprocess.run`, reading a
    file with `open`) stops every other task for its whole duration. Use the async
    counterpart (`await asyncio.sleep`, an async HTTP client,
    `asyncio.create_subprocess_exec`) or move the call to a thread with
    `await asyncio.to_thread(...)`.

    Known to block: `time.sleep`, `os.system`, `os.wait`/`waitpid`/`wait3`/`wait4`/
    `waitid`, `os.spawn*(os.P_WAIT, ...)` (not `P_NOWAIT`), the `subprocess` calls that
    wait (`run`, `call`, `check_call`, `check_output`, `getoutput`, `getstatusoutput`),
    `urllib.request.urlopen`, the module-level functions of the sync HTTP clients
    (`requests.get`, `httpx.get`/`stream`/..., `urllib3.request`), the builtin `open`,
    and `open`/`read_text`/`read_bytes`/`write_text`/`write_bytes` of a `pathlib.Path`
    the code shows (built by `Path(...)` or joined with `/` from one, or a parameter
    annotated `Path`; `anyio.Path` and `trio.Path` are async). Methods of client
    objects (`httpx.Client().get`) are not followed: the type of a receiver is unknown.
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
        Example(
            "import os, subprocess\n\nasync def f(pid):\n    os.waitpid(pid, 0)\n"
            "    os.spawnv(os.P_WAIT, '/bin/true', ['true'])\n    return subprocess.getoutput('ls')\n"
        ),
        Example("import httpx, urllib3\n\nasync def f(url):\n    urllib3.request('GET', url)\n    return httpx.get(url)\n"),
        Example(
            "from pathlib import Path\n\nasync def f(root: Path, name):\n    text = (root / name).read_text()\n"
            "    out = Path(name)\n    out.write_bytes(text.encode())\n"
        ),
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
        # It does not wait, or the receiver is not known to be a pathlib.Path.
        "import os\n\nasync def f():\n    return os.spawnv(os.P_NOWAIT, '/bin/true', ['true'])\n",
        "import anyio\n\nasync def f(name):\n    return await anyio.Path(name).read_text()\n",
        "async def f(path):\n    return path.read_text()\n",
        "import httpx\n\nasync def f(url):\n    async with httpx.AsyncClient() as c:\n        return await c.get(url)\n",
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

    # The builtin `open`, or anything of a blocking module or `pathlib`, in an `async def`.
    needs = (("async def", "call open"), ("async def", "annotated pathlib.*")) + tuple(
        ("async def", f"call {m}.*") for m in sorted({n.split(".")[0] for n in [*_BLOCKING, *_HTTP_MODULES, "pathlib"]})
    )

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
            blocking = (
                name in _BLOCKING
                or attr in _HTTP_MODULES.get(module, ())
                or name in _SPAWN and self._waits(node)
                or not name and isinstance(func, cst.Attribute) and last in _PATH_IO and _is_path(self.ctx, func.value)
            )
        if blocking:
            self.report(node)

    def _waits(self, call: cst.Call) -> bool:
        """`os.spawn*(os.P_WAIT, ...)`: the mode says it waits for the child."""
        first = call.args[0] if call.args else None
        return first is not None and first.keyword is None and self.ctx.qualified_name(first.value) == "os.P_WAIT"


_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})


def _is_path(ctx: FileContext, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether `expr` is a `pathlib.Path` the code shows: a call of the class, a path
    joined with `/`, or a local name every binding of which is one (or a parameter
    annotated with the class). `anyio.Path` and `trio.Path` are async and not matched."""
    if depth > 3:
        return False
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
        return _is_path(ctx, expr.left, depth + 1)
    if isinstance(expr, cst.Call):
        return ctx.qualified_name(expr.func) in _PATH_TYPES
    if not isinstance(expr, cst.Name):
        return False
    scope, found = ctx.bindings(expr.value)
    if not isinstance(scope, cst.FunctionDef) or not found or ctx.facts(scope).is_shared(expr.value):
        return False
    for binding in found:
        if binding.kind == "param":
            if _annotation(ctx, scope, expr.value) not in _PATH_TYPES:
                return False
        elif binding.kind not in ("assign", "annassign") or binding.value is None:
            return False
        elif not _is_path(ctx, binding.value, depth + 1):
            return False
    return True


def _annotation(ctx: FileContext, function: cst.FunctionDef, name: str) -> Optional[str]:
    """The qualified name of the annotation of `function`'s parameter `name`."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name and param.annotation is not None:
            return ctx.qualified_name(param.annotation.annotation)
    return None
