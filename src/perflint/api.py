"""Library entry points over source text, for editors, tests and other tools."""

from __future__ import annotations

from typing import List, Optional, Sequence

from perflint.engine import core
from perflint.engine.selection import running_target, select_rules
from perflint.model import Diagnostic
from perflint.rules.base import Target


def _target(target: Optional[Target]) -> Target:
    return target or running_target()


def check(
    source: str,
    path: str = "<string>",
    select: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    target: Optional[Target] = None,
) -> List[Diagnostic]:
    """Diagnostics for `source`. Raises core.AnalysisError if it cannot be parsed."""
    rules = select_rules(_target(target), select, ignore)
    return core.check_source(source, path, rules, _target(target))


def fix(
    source: str,
    path: str = "<string>",
    select: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    target: Optional[Target] = None,
    unsafe: bool = False,
) -> str:
    """`source` with every applicable fix applied."""
    rules = select_rules(_target(target), select, ignore)
    return core.fix_source(source, path, rules, _target(target), unsafe).source
