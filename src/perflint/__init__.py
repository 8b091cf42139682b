"""perflint: a static analyzer for Python performance anti-patterns.

The public API: `check` and `fix` for source text, the `Rule` base class and the
`Diagnostic` it produces. The command line, the flake8 plugin and pre-commit are faces
over the same engine.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import Any

__all__ = ["Applicability", "Diagnostic", "Rule", "__version__", "check", "fix"]

_LAZY = {
    "check": "perflint.api", "fix": "perflint.api", "Rule": "perflint.rules.base",
    "Applicability": "perflint.model", "Diagnostic": "perflint.model",
}


def __getattr__(name: str) -> Any:
    """The public API, imported on first use: the command line must start fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'perflint' has no attribute {name!r}")
