"""Applying fixes to a tree: choosing a non-overlapping set, then one transformation.

Two fixes overlap when one touches a node inside (or equal to) a node the other replaces,
or both insert next to the same statement. Overlapping fixes wait for the next round; the
engine re-analyzes the fixed tree and repeats until nothing changes.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Sequence, Set, Union

import libcst as cst

from perflint.model import Edit, Fix
from perflint.walk import subtree_ids


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


Result = Union[cst.CSTNode, cst.FlattenSentinel, cst.RemovalSentinel]


class _Applier(cst.CSTTransformer):
    def __init__(self, edits: Dict[int, List[Edit]]) -> None:
        super().__init__()
        self.edits = edits

    def on_visit(self, node: cst.CSTNode) -> bool:
        return True

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Result:  # type: ignore[override]
        edits = self.edits.get(id(original_node))
        if not edits:
            return updated_node
        result: Result = updated_node
        before: List[cst.BaseStatement] = []
        after: List[cst.BaseStatement] = []
        for edit in edits:
            if edit.replace is not None and isinstance(result, cst.CSTNode):
                result = edit.replace(result)
            before.extend(edit.before)
            after.extend(edit.after)
        if not before and not after:
            return result
        middle: Sequence[cst.CSTNode]
        if isinstance(result, cst.FlattenSentinel):
            middle = list(result.nodes)
        elif isinstance(result, cst.RemovalSentinel):
            middle = []
        else:
            middle = [result]
        return cst.FlattenSentinel([*before, *middle, *after])


def apply_fixes(module: cst.Module, fixes: Sequence[Fix]) -> cst.Module:
    """The module with every edit of `fixes` applied and the imports they need added."""
    edits: Dict[int, List[Edit]] = {}
    for fix in fixes:
        for edit in fix.edits:
            edits.setdefault(id(edit.node), []).append(edit)
    fixed = module.visit(_Applier(edits))
    imports = sorted({name for fix in fixes for name in fix.imports})
    if imports:
        # libcst.codemod pulls in libcst.matchers (0.17 s to import): only when needed.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor

        context = CodemodContext()
        for name in imports:
            AddImportsVisitor.add_needed_import(context, name)
        fixed = AddImportsVisitor(context).transform_module(fixed)
    return fixed
