"""What each name of one scope is bound to and how it is used, from one small scan.

libcst's ScopeProvider answers this for a whole file at four times the cost of the
parse, so instead a scope is scanned on demand, only when a rule asks about it (which
happens only where a rule already has a candidate). Names used in nested functions,
lambdas, classes and comprehensions are recorded as uses with `nested=True`: rules treat
them as uses they cannot see through, which keeps them conservative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.loops import COMPREHENSION_TYPES, SCOPE_TYPES, START, LoopState, step
from perflint.analysis.shapes import target_names
from perflint.analysis.walk import ValueVisitor, children, visit


@dataclass(frozen=True)
class Binding:
    """One place where a name of the scope is bound.

    kind: assign, annassign, augassign, for, with, import, param, def, class, del,
    walrus, except, unpack (a target inside a tuple/list/starred), global-decl,
    nonlocal-decl, other.
    """

    name: str
    kind: str
    node: cst.CSTNode  # the Name (or the statement, for imports/defs)
    value: Optional[cst.BaseExpression]  # the assigned expression, where there is one
    statement: Optional[cst.CSTNode]  # the enclosing small or compound statement
    loops: Tuple[cst.CSTNode, ...]  # loops of the scope around it, innermost first
    qualname: Optional[str] = None  # for imports: the module or object it names


@dataclass(frozen=True)
class Use:
    """One read of a name (also the `d` of `d[k] = v` and `d.x = v`)."""

    node: cst.Name
    parent: Optional[cst.CSTNode]
    grandparent: Optional[cst.CSTNode]
    loops: Tuple[cst.CSTNode, ...]
    nested: bool  # inside a nested def/lambda/class/comprehension

    def method(self) -> Optional[str]:
        """`m` if this use is the receiver of a call `name.m(...)`."""
        p, g = self.parent, self.grandparent
        if isinstance(p, cst.Attribute) and p.value is self.node and isinstance(g, cst.Call):
            return p.attr.value if g.func is p else None
        return None

    def attribute(self) -> Optional[str]:
        p = self.parent
        if isinstance(p, cst.Attribute) and p.value is self.node:
            return p.attr.value
        return None


@dataclass
class ScopeFacts:
    node: cst.CSTNode
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    uses: Dict[str, List[Use]] = field(default_factory=dict)
    declared_global: Set[str] = field(default_factory=set)
    declared_nonlocal: Set[str] = field(default_factory=set)
    escaping: Set[str] = field(default_factory=set)  # nonlocal/global in a nested scope

    def sole_value(self, name: str) -> Optional[cst.BaseExpression]:
        """The value of `name` if it is bound exactly once, by a plain assignment."""
        found = self.bindings.get(name, ())
        if len(found) == 1 and found[0].kind in ("assign", "annassign") and not self.is_shared(name):
            return found[0].value
        return None

    def is_shared(self, name: str) -> bool:
        """Whether another scope can rebind the name (global/nonlocal declarations)."""
        return (
            name in self.declared_global or name in self.declared_nonlocal or name in self.escaping
        )

    def uses_in(self, name: str, loop: cst.CSTNode) -> List[Use]:
        return [u for u in self.uses.get(name, ()) if any(lp is loop for lp in u.loops)]

    def bindings_in(self, name: str, loop: cst.CSTNode) -> List[Binding]:
        return [b for b in self.bindings.get(name, ()) if any(lp is loop for lp in b.loops)]


_STATEMENT_TYPES = (cst.BaseSmallStatement, cst.BaseCompoundStatement)
_NESTING_TYPES = frozenset(SCOPE_TYPES + COMPREHENSION_TYPES)


class _ScopeScanner(ValueVisitor):
    def __init__(self, facts: ScopeFacts, ancestors: Sequence[cst.CSTNode]) -> None:
        self.facts = facts
        self.ancestors: List[cst.CSTNode] = list(ancestors)
        self.depth_root = len(self.ancestors)
        self.nested = 0
        self.binding_names: Set[int] = set()  # ids of Name nodes that are bound, not read
        self.states: List[LoopState] = []  # loop state of each node on `ancestors` below the root

    # -- bookkeeping -----------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        parent = self.ancestors[-1] if len(self.ancestors) > self.depth_root else None
        self.states.append(step(parent, node, self.states[-1]) if parent is not None else START)
        self.ancestors.append(node)
        descend = super().on_visit(node)  # a nested def binds its name in this scope
        if len(self.ancestors) > self.depth_root + 1 and type(node) in _NESTING_TYPES:
            self.nested += 1
        return descend

    def on_leave(self, node: cst.CSTNode) -> None:
        super().on_leave(node)
        self.ancestors.pop()
        self.states.pop()
        if len(self.ancestors) > self.depth_root and type(node) in _NESTING_TYPES:
            self.nested -= 1

    def _loops(self) -> Tuple[cst.CSTNode, ...]:
        return self.states[-1][0]

    def _statement(self) -> Optional[cst.CSTNode]:
        for node in reversed(self.ancestors):
            if isinstance(node, _STATEMENT_TYPES):
                return node
        return None

    def _bind(
        self,
        target: cst.BaseExpression,
        kind: str,
        value: Optional[cst.BaseExpression],
        qualname: Optional[str] = None,
    ) -> None:
        """Record the names bound by an assignment target (unpacking included)."""
        if self.nested:
            if isinstance(target, cst.Name):
                self.binding_names.add(id(target))
            return
        if isinstance(target, cst.Name):
            self.binding_names.add(id(target))
            self.facts.bindings.setdefault(target.value, []).append(
                Binding(target.value, kind, target, value, self._statement(), self._loops(), qualname)
            )
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, "unpack", None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, "unpack", None)

    def _bind_name(self, name: str, kind: str, node: cst.CSTNode, qualname: Optional[str] = None) -> None:
        if not self.nested:
            self.facts.bindings.setdefault(name, []).append(
                Binding(name, kind, node, None, self._statement(), self._loops(), qualname)
            )

    # -- binding forms ---------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, "assign", node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, "annassign", node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        # The target is read too: record it as a use as well as a binding.
        if isinstance(node.target, cst.Name) and not self.nested:
            self.facts.bindings.setdefault(node.target.value, []).append(
                Binding(
                    node.target.value, "augassign", node.target, node.value,
                    self._statement(), self._loops(),
                )
            )

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, "for", None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, "with", None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        # A walrus in a comprehension binds in the enclosing function.
        self._bind(node.target, "walrus", node.value)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind(node.name.name, "except", None)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind(node.target, "del", None)

    def visit_Global(self, node: cst.Global) -> bool:
        for item in node.names:
            (self.facts.escaping if self.nested else self.facts.declared_global).add(item.name.value)
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        for item in node.names:
            (self.facts.escaping if self.nested else self.facts.declared_nonlocal).add(item.name.value)
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind_name(alias.asname.name.value, "import", node, dotted)
            else:
                top = dotted.split(".")[0]
                self._bind_name(top, "import", node, top)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if isinstance(node.names, cst.ImportStar):
            return False
        module = "." * len(node.relative) + (_dotted(node.module) if node.module else "")
        for alias in node.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self._bind_name(local, "import-from", node, f"{module}.{name}")
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
        if node is self.facts.node:
            self.binding_names.add(id(node.name))
            for param in _all_params(node.params):
                self._bind(param.name, "param", None)
            return True
        self.binding_names.add(id(node.name))
        self._bind_name(node.name.value, "def", node)
        return self._enter_nested(node)

    def _enter_nested(self, node: cst.CSTNode) -> bool:
        """Whether to scan a nested def/class. A function needs its closures' uses; for a
        module or class scope only the `global`/`nonlocal` statements inside count (the
        rest is other scopes' business), and skipping the bodies saves most of the scan."""
        if not isinstance(self.facts.node, (cst.Module, cst.ClassDef)) or self.nested:
            return True
        self.facts.escaping.update(_declared_names(node))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> None:
        for param in _all_params(node.params):
            if node is self.facts.node:
                self._bind(param.name, "param", None)
            self.binding_names.add(id(param.name))

    def visit_Param(self, node: cst.Param) -> None:
        self.binding_names.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.binding_names.add(id(node.name))
        if node is self.facts.node:
            return True
        self._bind_name(node.name.value, "class", node)
        return self._enter_nested(node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        # Comprehension targets live in the comprehension's own scope.
        for name in target_names(node.target):
            self.binding_names.add(id(name))

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name, "other", None)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bind(node.name, "other", None)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self.binding_names:
            return
        parent = self.ancestors[-2] if len(self.ancestors) > 1 else None
        grandparent = self.ancestors[-3] if len(self.ancestors) > 2 else None
        self.facts.uses.setdefault(node.value, []).append(
            Use(node, parent, grandparent, self._loops(), self.nested > 0)
        )


# Nodes that hold statements: where a `global`/`nonlocal` statement can be found.
_STATEMENT_HOLDERS = frozenset(
    {
        cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine, cst.Else, cst.Finally,
        cst.ExceptHandler, cst.ExceptStarHandler, cst.If, cst.For, cst.While, cst.Try, cst.TryStar,
        cst.With, cst.FunctionDef, cst.ClassDef, cst.Match, cst.MatchCase,
    }
)


def _declared_names(root: cst.CSTNode) -> Set[str]:
    """Names declared `global` or `nonlocal` anywhere in `root`, reading statements only."""
    found: Set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Global or kind is cst.Nonlocal:
            found.update(item.name.value for item in node.names)  # type: ignore[attr-defined]
        else:
            stack.extend(child for child in children(node) if type(child) in _STATEMENT_HOLDERS or type(child) in (cst.Global, cst.Nonlocal))
    return found


def _all_params(params: cst.Parameters) -> List[cst.Param]:
    found = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def scan_scope(node: cst.CSTNode, ancestors: Sequence[cst.CSTNode]) -> ScopeFacts:
    """Scan one scope node. `ancestors` are the nodes above it (root first)."""
    facts = ScopeFacts(node)
    scanner = _ScopeScanner(facts, ancestors)
    visit(node, scanner)
    return facts
