"""What only the io_async rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

from perflint.rules.hints import GAP
from perflint.rules.io_async._shared import _BLOCKING, _HTTP_MODULES, _LAST_NAMES

_ASYNC_DEF = rf"\basync{GAP}\bdef\b"

_BLOCKING_MODULES = frozenset(
    {n.rpartition(".")[0] for n in _BLOCKING} | {"urllib", "pathlib", *_HTTP_MODULES}
)
_BLOCKING_CALL = rf"\b(?:{'|'.join(sorted(_LAST_NAMES | {'open'}))})\b{GAP}\("
_OPEN = rf"(?<![\w.])open\b{GAP}\("

# -- PFL704 -------------------------------------------------------------------------------

_WRITE_NAME = rf"\.{GAP}\bwrite{GAP}\w+{GAP},?{GAP}\)"
