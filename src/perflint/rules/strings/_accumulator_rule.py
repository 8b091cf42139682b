"""The base class of PFL201-PFL203: the accumulators a function builds up in a loop."""

from __future__ import annotations

from typing import List, Optional, Set, Tuple

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.model import Finding
from perflint.rules.base import Rule
from perflint.rules.strings._shared import _Shared
from perflint.rules.strings._shared_targets import _SharedTargets


class _AccumulatorRule(Rule):
    """Reports each accumulator once per loop, at its first addition."""

    reads_class = True  # attribute accumulators: what else the class assigns to them

    def __init__(self, ctx: FileContext, findings: List[Finding]) -> None:
        super().__init__(ctx, findings)
        self._reported: Set[Tuple[int, str]] = set()
        self._targets = _SharedTargets(ctx)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, cst.AddAssign):
            self.check(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.BinaryOperation) and isinstance(node.value.operator, cst.Add):
            self.check(node)

    def check(self, node: cst.BaseSmallStatement) -> None:
        raise NotImplementedError

    def first(self, loop: cst.CSTNode, target: cst.CSTNode) -> bool:
        key = (id(loop), self.ctx.module.code_for_node(target))
        if key in self._reported:
            return False
        self._reported.add(key)
        return True

    def shared(self, node: cst.BaseSmallStatement, kind: str) -> Optional[_Shared]:
        found = self._targets.find(node)
        if found is None or found.kind != kind:
            return None
        return found if self.first(self.outermost(found), found.target) else None

    def outermost(self, found: _Shared) -> cst.CSTNode:
        """The loop whose passes the shared accumulator lives through."""
        return found.start.loop if found.start is not None else self.ctx.loops()[-1]
