"""Positions of reported nodes, computed only where they are needed.

libcst computes positions by generating the code of the whole file, which costs twice
its parse. When `ast` has said where statements start (triage parses with it anyway),
only the statement holding a finding is measured, as a module of its own, and shifted
to the line `ast` gives for it. Findings in a method are measured in that method alone
(inside a copy of its class header, so columns keep the class's indentation).
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Sequence, Tuple, cast

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from perflint.engine.statements import Anchors
from perflint.model import Finding

Positions = Mapping[cst.CSTNode, CodeRange]


def resolve_positions(module: cst.Module) -> Positions:
    """Positions of every node. Raises RecursionError on absurdly deep trees.

    The provider runs on its own: `MetadataWrapper.resolve` also walks the whole tree
    for batchable providers even when there are none, rebuilding every node, which
    cost as much as the positions themselves (measured). tests/test_locate.py checks
    the result against `resolve`."""
    return cast(Positions, PositionProvider()._gen(MetadataWrapper(module, unsafe_skip_copy=True)))


def _align(statements: Sequence[cst.CSTNode], lines: Sequence[int]) -> Optional[Dict[int, Tuple[int, int]]]:
    """id of each libcst statement -> (its line, its index among `ast` statements); a
    simple statement line holds one `ast` statement per small statement."""
    found: Dict[int, Tuple[int, int]] = {}
    index = 0
    for statement in statements:
        if index >= len(lines):
            return None
        found[id(statement)] = (lines[index], index)
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1  # type: ignore[attr-defined]
    return found if index == len(lines) else None


def _anchor_node(statement: cst.CSTNode) -> cst.CSTNode:
    """The node of `statement` that starts on the line `ast` gives for it."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return statement.name
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.body[0]
    return statement


class Locator:
    def __init__(self, module: cst.Module, anchors: Optional[Anchors] = None) -> None:
        self.module = module
        self._lines: Dict[int, int] = {}
        self._measured: Dict[int, Tuple[Positions, int]] = {}
        self._whole: Optional[Positions] = None
        if anchors is not None:
            self._map_lines(anchors)

    def _map_lines(self, anchors: Anchors) -> None:
        top = _align(self.module.body, anchors.top)
        if top is None:
            return  # the trees disagree: measure whole files
        for statement in self.module.body:
            line, index = top[id(statement)]
            self._lines[id(statement)] = line
            body = getattr(statement, "body", None)
            if isinstance(statement, cst.ClassDef) and isinstance(body, cst.IndentedBlock) and index in anchors.members:
                members = _align(body.body, anchors.members[index])
                if members is not None:
                    self._lines.update((key, member_line) for key, (member_line, _) in members.items())

    def range(self, finding: Finding) -> CodeRange:
        for statement in (finding.member, finding.top):
            if statement is not None and id(statement) in self._lines:
                positions, shift = self._measure(statement, finding.top)
                where = positions.get(finding.node)
                if where is not None:
                    return CodeRange(
                        CodePosition(where.start.line + shift, where.start.column),
                        CodePosition(where.end.line + shift, where.end.column),
                    )
        if self._whole is None:
            self._whole = resolve_positions(self.module)
        return self._whole[finding.node]

    def _measure(self, statement: cst.CSTNode, top: Optional[cst.CSTNode]) -> Tuple[Positions, int]:
        cached = self._measured.get(id(statement))
        if cached is None:
            alone: cst.CSTNode = statement
            if statement is not top and isinstance(top, cst.ClassDef):  # a member of the class
                alone = top.with_changes(body=top.body.with_changes(body=[statement]), decorators=[])
            positions = resolve_positions(self.module.with_changes(body=[alone], header=[], footer=[]))
            cached = (positions, self._lines[id(statement)] - positions[_anchor_node(statement)].start.line)
            self._measured[id(statement)] = cached
        return cached
