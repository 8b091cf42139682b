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
    }
)
_REQUESTS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_LAST_NAMES = frozenset(n.rpartition(".")[2] for n in _BLOCKING) | _REQUESTS
