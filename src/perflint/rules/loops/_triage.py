"""What only the loops rules' triage conditions (`hints`, `may_fire`) read: the
visitors never call these (see engine/triage.py)."""

from __future__ import annotations

import re

from perflint.rules.hints import GAP
from perflint.rules.loops._shared import _CHEAP_MODULES, _PATH_MODULES, _PURE_PATH_FUNCTIONS

# -- PFL101 --------------------------------------------------------------------------
_MODULE_NAMES = _CHEAP_MODULES | _PATH_MODULES | {"os"}
_PATH_CALL = rf"{GAP}(?:{'|'.join(sorted(_PURE_PATH_FUNCTIONS))})\b"
_OS_PATH_CALL = rf"{GAP}path{GAP}\.{_PATH_CALL}"
_MODULE_CALL = rf"{GAP}\w+{GAP}\("

# -- PFL104 --------------------------------------------------------------------------
_IN_LIST = rf"\bin{GAP}\b(?:list|tuple){GAP}\("

# -- PFL105 --------------------------------------------------------------------------
_ITEMS_CALL = rf"\.{GAP}\bitems{GAP}\)"
# `for k, v in`, `for k, (a, b) in`, `for [k, [*v]] in`: a target of names, brackets and
# commas (with comments and line breaks inside brackets) holding a comma.
_TWO_NAMES = rf"\bfor{GAP}[\[(]?{GAP}\w+{GAP},(?:[\w\s\\()\[\],*]|#[^\n]*)*?\bin\b"

# -- PFL106 --------------------------------------------------------------------------
_RANGE_LEN = rf"\bfor{GAP}\b(\w+){GAP}\bin{GAP}\brange{GAP}\blen{GAP}\b(\w+){GAP},?{GAP}\)"
_RANGE_LEN_COMPILED = re.compile(_RANGE_LEN)

# -- PFL107 --------------------------------------------------------------------------
_READLINES_CALL = rf"\.{GAP}\breadlines{GAP}\)"
