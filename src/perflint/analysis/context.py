"""The questions rules ask about the code around a node, answered in one place.

The engine keeps `ancestors` current during its single traversal; everything else is
computed on demand and cached per scope, so files where no rule has a candidate pay
nothing beyond the walk.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from perflint.analysis.loops import FUNCTION_TYPES, enclosing_loops
from perflint.analysis.scope import Binding, ScopeFacts, scan_scope
from perflint.analysis.shapes import dotted

IMPORT_KINDS = ("import", "import-from")


def last_name(expr: cst.BaseExpression) -> str:
    """`sub` for `re.sub` and for `sub` (what a call calls, by its last name); "" for
    anything else."""
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else ""


class FileContext:
    """Per-file state shared by all rules during one traversal."""

    def __init__(self, module: cst.Module, target: Tuple[int, int]) -> None:
        self.module = module
        self.target = target
        self.ancestors: List[cst.CSTNode] = []
        self._facts: Dict[int, ScopeFacts] = {}

    # -- position in the tree --------------------------------------------------------
    def parent(self, levels: int = 1) -> Optional[cst.CSTNode]:
        """The node `levels` above the one being visited."""
        index = len(self.ancestors) - 1 - levels
        return self.ancestors[index] if index >= 0 else None

    def loops(self) -> List[cst.CSTNode]:
        """Loops repeating the current node, innermost first, within its scope."""
        return enclosing_loops(self.ancestors)

    def function(self) -> Optional[cst.CSTNode]:
        """The innermost def/lambda around the node, if no class or module is closer."""
        for node in reversed(self.ancestors[:-1]):
            if isinstance(node, FUNCTION_TYPES):
                return node
            if isinstance(node, (cst.ClassDef, cst.Module)):
                return None
        return None

    def on_error_path(self) -> bool:
        """Whether the node is part of a `raise` or `assert`, or of a statement in a block
        that ends with a `raise` (building the error's message): code that runs when
        something has failed, never on a hot path."""
        ancestors = self.ancestors
        for index in range(len(ancestors) - 1, -1, -1):
            node = ancestors[index]
            if type(node) in (cst.Raise, cst.Assert):
                return True
            if type(node) is cst.SimpleStatementLine:
                block = ancestors[index - 1] if index else None
                return isinstance(block, cst.IndentedBlock) and _raises(block.body[-1])
            if isinstance(node, cst.BaseCompoundStatement):
                return False
        return False

    def in_function_loop(self) -> bool:
        """The hot spot most rules care about: a loop in a function body."""
        return self.function() is not None and bool(self.loops())

    def scopes(self) -> List[cst.CSTNode]:
        """Scopes whose names the current node can see, innermost first (classes skipped
        except the innermost one, as Python resolves names)."""
        found: List[cst.CSTNode] = []
        for node in reversed(self.ancestors[:-1]):
            if isinstance(node, FUNCTION_TYPES) or isinstance(node, cst.Module):
                found.append(node)
            elif isinstance(node, cst.ClassDef) and not found:
                found.append(node)
        return found

    # -- names -----------------------------------------------------------------------
    def facts(self, scope: cst.CSTNode) -> ScopeFacts:
        """Bindings and uses of one scope (scanned once, on first request)."""
        cached = self._facts.get(id(scope))
        if cached is None:
            cached = scan_scope(scope, self._ancestors_of(scope))
            self._facts[id(scope)] = cached
        return cached

    def _ancestors_of(self, scope: cst.CSTNode) -> Sequence[cst.CSTNode]:
        for i, node in enumerate(self.ancestors):
            if node is scope:
                return self.ancestors[:i]
        return ()

    def bindings(self, name: str) -> Tuple[Optional[cst.CSTNode], List[Binding]]:
        """The scope that binds `name` as seen from the current node, and its bindings.

        (None, []) means no visible scope binds it: a builtin or an undefined name.
        """
        for scope in self.scopes():
            facts = self.facts(scope)
            if name in facts.declared_global:
                module = self.module
                return module, self.facts(module).bindings.get(name, [])
            if name in facts.bindings:
                return scope, facts.bindings[name]
        return None, []

    def imported_as(self, name: str) -> Optional[str]:
        """What `name` was imported as (`np` -> `numpy`, `path` -> `os.path`), if every
        binding of it in its scope is an import of the same thing."""
        _, found = self.bindings(name)
        if not found or any(b.kind not in IMPORT_KINDS for b in found):
            return None
        names = {b.qualname for b in found}
        return found[0].qualname if len(names) == 1 else None

    def imported_module(self, name: str) -> Optional[str]:
        """The module `name` is bound to by `import x` / `import x.y as name`."""
        _, found = self.bindings(name)
        if found and all(b.kind == "import" for b in found):
            names = {b.qualname for b in found}
            return found[0].qualname if len(names) == 1 else None
        return None

    def qualified_name(self, expr: cst.BaseExpression) -> Optional[str]:
        """`np.linalg.norm` -> `numpy.linalg.norm` when `np` is an import, else None."""
        parts = dotted(expr)
        base = self.imported_as(parts[0]) if parts else None
        if parts is None or base is None:
            return None
        return ".".join([base, *parts[1:]])

    def callee_name(self, func: cst.BaseExpression) -> Optional[str]:
        """`qualified_name` of a called function, also through a name bound once to an
        imported attribute (`sqrt = math.sqrt`, as hoisting it out of a loop leaves it)."""
        name = self.qualified_name(func)
        if name is None and isinstance(func, cst.Name):
            scope, found = self.bindings(func.value)
            if (
                scope is not None
                and len(found) == 1
                and found[0].kind == "assign"
                and isinstance(found[0].value, cst.Attribute)
                and not self.facts(scope).is_shared(func.value)
            ):
                return self.qualified_name(found[0].value)
        return name


def _raises(statement: cst.BaseStatement) -> bool:
    """Whether a statement is a line ending with `raise`."""
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[-1], cst.Raise)
