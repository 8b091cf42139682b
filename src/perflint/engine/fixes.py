"""Applying fixes to a tree: choosing a non-overlapping set, then one transformation.

Two fixes overlap when one touches a node inside (or equal to) a node the other replaces,
or both insert next to the same statement. Overlapping fixes wait for the next round; the
engine re-analyzes the fixed tree and repeats until nothing changes.
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, Iterable, List, Optional, Sequence, Set, Union

import libcst as cst

from perflint.analysis.walk import subtree_ids
from perflint.engine.importing import add_imports
from perflint.engine.pragmas import kept_at_line_end, trailing_pragmas
from perflint.engine.wrapping import fitted
from perflint.model import DEFAULT_LINE_LENGTH, Edit, Fix
from perflint.rules.rewrite import Statement


def footprint(fix: Fix) -> Set[int]:
    """Ids of the nodes a fix claims: whole subtrees it replaces, statements it flanks."""
    claimed: Set[int] = set()
    for edit in fix.edits:
        if edit.replaces_subtree:
            claimed |= subtree_ids(edit.node)
        else:
            claimed.add(id(edit.node))
    return claimed


def non_overlapping(fixes: Iterable[Fix]) -> List[Fix]:
    """The fixes that can go together, earliest first."""
    chosen: List[Fix] = []
    taken: Set[int] = set()
    for fix in fixes:
        claimed = footprint(fix)
        if claimed & taken:
            continue
        taken |= claimed
        chosen.append(fix)
    return chosen


_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
Result = Union[cst.CSTNode, cst.FlattenSentinel, cst.RemovalSentinel]


class _Applier(cst.CSTTransformer):
    """Applies the edits in one pass, and leaves what they wrote in the file's style:
    pragma comments at the end of their statement, and statements the edits wrote or
    grew within the line length (which needs each statement's indentation and whether
    an edit touched it, tracked on the way down)."""

    def __init__(self, module: cst.Module, edits: Dict[int, List[Edit]], line_length: int) -> None:
        super().__init__()
        self.module = module
        self.edits = edits
        self.line_length = line_length
        self.pragmas: Counter = Counter()
        for found in edits.values():
            for edit in found:
                if edit.replaces_subtree:
                    self.pragmas += trailing_pragmas(edit.node)
        self.indents: List[str] = []  # of the blocks around the node being visited
        self.touched: List[bool] = []  # per statement around it: whether an edit changed it
        self.elifs: Set[int] = set()  # `if` nodes printed as `elif` (two columns wider)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.IndentedBlock):
            self.indents.append(self.module.default_indent if node.indent is None else node.indent)
        elif isinstance(node, cst.BaseStatement):
            self.touched.append(False)
            if isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
                self.elifs.add(id(node.orelse))
        return True

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Result:  # type: ignore[override]
        if isinstance(original_node, cst.IndentedBlock):
            self.indents.pop()
        statement = isinstance(original_node, cst.BaseStatement)
        touched = self.touched.pop() if statement else False
        edits = self.edits.get(id(original_node))
        if not edits:
            if touched:
                assert isinstance(original_node, _STATEMENTS)
                return _flattened(self._styled([updated_node], original_node))
            return updated_node
        result: Result = updated_node
        before: List[cst.BaseStatement] = []
        after: List[cst.BaseStatement] = []
        for edit in edits:
            if edit.replace is not None and isinstance(result, cst.CSTNode):
                result = edit.replace(result)
            before.extend(edit.before)
            after.extend(edit.after)
        if not statement:
            if self.touched:
                self.touched[-1] = True
            return result
        middle: Sequence[cst.CSTNode]
        if isinstance(result, cst.FlattenSentinel):
            middle = list(result.nodes)
        elif isinstance(result, cst.RemovalSentinel):
            middle = []
        else:
            middle = [result]
        assert isinstance(original_node, _STATEMENTS)
        return _flattened([*self._styled(before, None), *self._styled(middle, original_node), *self._styled(after, None)])

    def _styled(self, statements: Sequence[cst.CSTNode], original: Optional[Statement]) -> List[cst.CSTNode]:
        """`statements`, written or changed by an edit, in the file's style."""
        styled: List[cst.CSTNode] = []
        indent = "".join(self.indents)
        line_length = self.line_length - (2 if id(original) in self.elifs else 0)
        for statement in statements:
            if not isinstance(statement, _STATEMENTS):
                styled.append(statement)
                continue
            statement = kept_at_line_end(statement, self.pragmas)
            styled.extend(fitted(self.module, statement, original, indent, line_length))
        return styled


def _flattened(statements: Sequence[cst.CSTNode]) -> Result:
    if len(statements) == 1:
        return statements[0]
    return cst.FlattenSentinel(statements) if statements else cst.RemoveFromParent()


def apply_fixes(module: cst.Module, fixes: Sequence[Fix], line_length: int = DEFAULT_LINE_LENGTH) -> cst.Module:
    """The module with every edit of `fixes` applied and the imports they need added
    (see importing.py), in the file's style (lines within `line_length`)."""
    edits: Dict[int, List[Edit]] = {}
    for fix in fixes:
        for edit in fix.edits:
            edits.setdefault(id(edit.node), []).append(edit)
    fixed = module.visit(_Applier(module, edits, line_length))
    return add_imports(fixed, sorted({name for fix in fixes for name in fix.imports}))
