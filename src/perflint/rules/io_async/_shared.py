"""What more than one of the io_async rules uses (or their triage helpers do)."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from perflint.analysis.context import FileContext


def _async_function(ctx: FileContext) -> Optional[cst.FunctionDef]:
    """The `async def` whose own body holds the current node (not a nested def/lambda)."""
    function = ctx.function()
    if isinstance(function, cst.FunctionDef) and function.asynchronous is not None:
        return function
    return None


_BLOCKING = frozenset(
    {
        "time.sleep", "urllib.request.urlopen", "os.system", "io.open",
        "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
        "subprocess.getoutput", "subprocess.getstatusoutput",
        "os.wait", "os.waitpid", "os.wait3", "os.wait4", "os.waitid",
        "urllib3.request",
    }
)
_REQUESTS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
# Sync HTTP clients whose module-level functions block: `requests.get`, `httpx.get`, ...
_HTTP_MODULES = {"requests": _REQUESTS, "requests.api": _REQUESTS, "httpx": _REQUESTS | {"stream"}}
# `os.spawn*(os.P_WAIT, ...)` waits for the child to exit (with `P_NOWAIT` it does not).
_SPAWN = frozenset(f"os.spawn{suffix}" for suffix in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe"))
# Methods of `pathlib.Path` that read or write the whole file (or open it) synchronously.
_PATH_IO = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes"})
_LAST_NAMES = (
    frozenset(n.rpartition(".")[2] for n in _BLOCKING | _SPAWN) | _REQUESTS | {"stream"} | _PATH_IO
)
