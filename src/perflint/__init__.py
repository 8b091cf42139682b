"""perflint: a static analyzer for Python performance anti-patterns.

The public API: `check` and `fix` for source text, the `Rule` base class and the
`Diagnostic` it produces. The command line, the flake8 plugin and pre-commit are faces
over the same engine.
"""

from __future__ import annotations

__version__ = "0.1.0"

from perflint.api import check, fix  # noqa: E402
from perflint.model import Applicability, Diagnostic  # noqa: E402
from perflint.rule import Rule  # noqa: E402

__all__ = ["Applicability", "Diagnostic", "Rule", "__version__", "check", "fix"]
