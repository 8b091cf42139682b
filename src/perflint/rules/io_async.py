"""PFL702-PFL704: I/O and async code that serializes or blocks."""

from __future__ import annotations

import ast
from typing import List, Optional, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext, last_name
from perflint.analysis.loops import SCOPE_TYPES
from perflint.analysis.scope import Binding
from perflint.analysis.walk import ValueVisitor, Visitor, visit
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.hints import GAP, LOOP, Region, aliased


def _async_function(ctx: FileContext) -> Optional[cst.FunctionDef]:
    """The `async def` whose own body holds the current node (not a nested def/lambda)."""
    function = ctx.function()
    if isinstance(function, cst.FunctionDef) and function.asynchronous is not None:
        return function
    return None


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


_ASYNC_DEF = rf"\basync{GAP}\bdef\b"

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
    impact = Impact.ALGORITHMIC
    hints = (LOOP, r"\bawait\b")

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """An `async def`'s loop must await."""
        return super().may_fire(region) and region.has(_ASYNC_DEF) and region.loops.has(r"\bawait\b")
    name = "await-in-loop"
    message = "awaiting in a loop runs the calls one after another: use asyncio.gather or a TaskGroup"
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


_BLOCKING = frozenset(
    {
        "time.sleep", "urllib.request.urlopen", "os.system", "io.open",
        "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    }
)
_REQUESTS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_LAST_NAMES = frozenset(n.rpartition(".")[2] for n in _BLOCKING) | _REQUESTS
_BLOCKING_MODULES = frozenset(
    {n.rpartition(".")[0] for n in _BLOCKING} | {"urllib", "requests", "requests.api"}
)
_BLOCKING_CALL = rf"\b(?:{'|'.join(sorted(_LAST_NAMES | {'open'}))})\b{GAP}\("
_OPEN = rf"(?<![\w.])open\b{GAP}\("


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
    impact = Impact.ALGORITHMIC
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
    name = "blocking-call-in-async"
    message = "blocking call inside `async def` stalls the event loop: use an async API or asyncio.to_thread"
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


# -- PFL704 -------------------------------------------------------------------------------

_WRITE_NAME = rf"\.{GAP}\bwrite{GAP}\w+{GAP},?{GAP}\)"

# Writers whose `writelines` is measurably faster than a loop of `write` calls (see the
# rule's docs: for files and io.StringIO it is not).
_FAST_WRITELINES = frozenset({"io.BytesIO"})


def _sole_write(node: cst.For) -> Optional[cst.Call]:
    """The call of `for x in xs: f.write(x)` when that is the loop's whole body."""
    body = node.body.body
    if len(body) != 1:
        return None
    small = body[0]
    if isinstance(small, cst.SimpleStatementLine):
        if len(small.body) != 1:
            return None
        small = small.body[0]
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return None
    call = small.value
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "write" or len(call.args) != 1:
        return None
    arg = call.args[0]
    if arg.keyword is not None or arg.star or not isinstance(arg.value, cst.Name):
        return None
    if not isinstance(node.target, cst.Name) or arg.value.value != node.target.value:
        return None
    return call


@register
class WriteInLoop(Rule):
    """`for x in xs: buf.write(x)` on an `io.BytesIO` runs a Python loop around a cheap
    call; `buf.writelines(xs)` is BytesIO's own C loop, 1.7-2.6x faster on 10,000 short
    chunks (CPython 3.11-3.13, measured).

    Measured, the same change does not pay elsewhere, so the rule stays silent there:
    for files from `open()` (text or binary) and for `io.StringIO`, `writelines` is the
    generic `IOBase` loop that calls `self.write` through a slower path than the
    interpreter's own call, 0.6-1.0x the speed of the plain loop.

    The fix is safe: `writelines` writes each item in turn, and it is offered only when
    the loop variable is used nowhere else in the function (the loop leaves it bound;
    `writelines` does not). Otherwise the loop is reported without a fix.
    """

    code = "PFL704"
    impact = Impact.CONSTANT
    hints = (LOOP, r"\bwrite\b")
    file_hints = (r"\bBytesIO\b",)

    @classmethod
    def may_fire(cls, region: Region) -> bool:
        """A loop must call `x.write(name)`; in a def or class (the scope that binds
        `x`), a name the file binds to `io` or `io.BytesIO` must appear, or the file
        may bind a name to an attribute of one (`B = io.BytesIO`)."""
        if not (super().may_fire(region) and region.loops.has(_WRITE_NAME)):
            return False
        if not isinstance(region.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return True  # a module-level loop: `x` is bound elsewhere in the file
        names = region.bound_to({"io"})
        return names is None or region.mentions(names) or aliased(region, names)
    name = "write-in-loop"
    message = "writing item by item to a BytesIO in a loop: use `buf.writelines(items)`"
    fix = Applicability.SAFE
    bad = (
        Example(
            "import io\n\ndef f(chunks):\n    buf = io.BytesIO()\n    for c in chunks:\n"
            "        buf.write(c)\n    return buf.getvalue()\n",
            "import io\n\ndef f(chunks):\n    buf = io.BytesIO()\n    buf.writelines(chunks)\n"
            "    return buf.getvalue()\n",
        ),
        Example(
            "from io import BytesIO\n\ndef f(parts):\n    with BytesIO() as buf:\n        # copy the parts\n"
            "        for p in parts: buf.write(p)  # as they are\n        return buf.getvalue()\n",
            "from io import BytesIO\n\ndef f(parts):\n    with BytesIO() as buf:\n        # copy the parts\n"
            "        buf.writelines(parts)  # as they are\n        return buf.getvalue()\n",
        ),
        # The loop variable is read after the loop: reported without a fix.
        Example(
            "import io\n\ndef f(chunks):\n    buf = io.BytesIO()\n    for c in chunks:\n"
            "        buf.write(c)\n    return buf.getvalue(), c\n"
        ),
    )
    good = (
        "import io\n\ndef f(chunks):\n    buf = io.BytesIO()\n    buf.writelines(chunks)\n",
        # Files and StringIO: writelines is no faster there.
        "def f(path, lines):\n    with open(path, 'w') as out:\n        for line in lines:\n"
        "            out.write(line)\n",
        "import io\n\ndef f(lines):\n    out = io.StringIO()\n    for line in lines:\n"
        "        out.write(line)\n",
        # Not visibly a BytesIO: it may have `write` only (and this may be `writelines` itself).
        "def f(stream, chunks):\n    for c in chunks:\n        stream.write(c)\n",
        "class W:\n    def writelines(self, lines):\n        for line in lines:\n"
        "            self.write(line)\n",
        # Something else is written, or the loop does more.
        "import io\n\ndef f(xs):\n    b = io.BytesIO()\n    for x in xs:\n        b.write(x + b'\\n')\n",
        "import io\n\ndef f(xs):\n    b = io.BytesIO()\n    for x in xs:\n        b.write(x)\n"
        "        b.flush()\n",
        "import io\n\ndef f(xs):\n    b = io.BytesIO()\n    for x in xs:\n        b.write(x)\n"
        "    else:\n        b.write(b'.')\n",
        "import io\n\ndef f(xs):\n    b = io.BytesIO()\n    n = 0\n    for x in xs:\n"
        "        n += b.write(x)\n",
        # `b` is not always a BytesIO.
        "import io\n\ndef f(xs, b=None):\n    if b is None:\n        b = io.BytesIO()\n"
        "    for x in xs:\n        b.write(x)\n",
    )
    bench = Bench(
        setup="import io\nchunks = [b'chunk %d\\n' % i for i in range(N)]",
        before="def run():\n    buf = io.BytesIO()\n    for c in chunks:\n        buf.write(c)\n"
        "    return buf.getvalue()",
        after="def run():\n    buf = io.BytesIO()\n    buf.writelines(chunks)\n    return buf.getvalue()",
    )

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or node.orelse is not None:
            return
        call = _sole_write(node)
        if call is None:
            return
        receiver = call.func.value  # type: ignore[attr-defined]
        if not isinstance(receiver, cst.Name) or receiver.value == node.target.value:  # type: ignore[attr-defined]
            return
        if self._is_bytes_buffer(receiver.value):
            fix = self.make_fix(Edit(node, replace=_writelines)) if self._fixable(node) else None
            self.report(node, fix=fix)

    def _is_bytes_buffer(self, name: str) -> bool:
        """Whether every binding of `name` in this scope makes an `io.BytesIO`
        (`buf = io.BytesIO()`, `with io.BytesIO() as buf`)."""
        facts = self.ctx.facts(self.ctx.scopes()[0])
        found = facts.bindings.get(name, ())
        return bool(found) and not facts.is_shared(name) and all(self._makes_buffer(b) for b in found)

    def _makes_buffer(self, binding: Binding) -> bool:
        value = binding.value
        if binding.kind == "with" and isinstance(binding.statement, cst.With):
            items = [i for i in binding.statement.items if i.asname is not None]
            value = next((i.item for i in items if i.asname.name is binding.node), None)  # type: ignore[union-attr]
        elif binding.kind != "assign":
            return False
        if not isinstance(value, cst.Call) or not isinstance(value.func, (cst.Name, cst.Attribute)):
            return False
        return self.ctx.callee_name(value.func) in _FAST_WRITELINES

    def _fixable(self, node: cst.For) -> bool:
        """In a function, with the loop variable used nowhere else and no comment to lose."""
        scope = self.ctx.scopes()[0]
        if not isinstance(scope, cst.FunctionDef):
            return False
        facts = self.ctx.facts(scope)
        variable = node.target.value  # type: ignore[attr-defined]
        if facts.is_shared(variable) or len(facts.bindings.get(variable, ())) != 1:
            return False
        if any(not any(lp is node for lp in use.loops) for use in facts.uses.get(variable, ())):
            return False
        footer = node.body.footer if isinstance(node.body, cst.IndentedBlock) else ()
        if any(e.comment for e in footer):
            return False
        return not rewrite.has_comment(node.target) and not rewrite.has_comment(_sole_write(node) or node)


def _line_comments(node: cst.For) -> Tuple[List[cst.EmptyLine], List[cst.Comment]]:
    """The comment lines inside the loop body and the end-of-line comments of the loop's
    header and body, which the fix keeps (comment lines above, one comment at the end)."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return [], [c for c in (body.trailing_whitespace.comment,) if c]
    line = body.body[0]
    assert isinstance(body, cst.IndentedBlock) and isinstance(line, cst.SimpleStatementLine)
    ends = [c for c in (body.header.comment, line.trailing_whitespace.comment) if c]
    return [e for e in line.leading_lines if e.comment], ends


def _writelines(node: cst.CSTNode) -> cst.CSTNode:
    """`for x in xs: f.write(x)` -> `f.writelines(xs)`, built from the updated loop."""
    assert isinstance(node, cst.For)
    call = _sole_write(node)
    assert call is not None and isinstance(call.func, cst.Attribute)
    items = node.iter
    if isinstance(items, cst.Tuple) and not items.lpar:
        items = items.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    writelines = call.with_changes(
        func=call.func.with_changes(attr=cst.Name("writelines")),
        args=[call.args[0].with_changes(value=items)],
    )
    lines, ends = _line_comments(node)
    lines += [cst.EmptyLine(comment=c) for c in ends[1:]]
    trailing = cst.TrailingWhitespace(cst.SimpleWhitespace("  "), ends[0]) if ends else None
    return cst.SimpleStatementLine(
        [cst.Expr(writelines)],
        leading_lines=[*node.leading_lines, *lines],
        trailing_whitespace=trailing or cst.TrailingWhitespace(),
    )
