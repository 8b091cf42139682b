"""The base class of the container rules: the lists a function builds and how it uses them."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from perflint.analysis.hashable import items_hashable
from perflint.analysis.scope import Binding, ScopeFacts, Use
from perflint.analysis.shapes import is_name as _is_name
from perflint.analysis.shapes import target_names
from perflint.analysis.walk import Visitor, visit
from perflint.rules.base import Rule
from perflint.rules.containers._membership_helpers import _added
from perflint.rules.containers._shared import LIST_READ_METHODS, READING_BUILTINS, _block_body, _method

# What `_ContainerRule._local_list_in_loop` finds out about a local list.
LocalList = Tuple[cst.FunctionDef, ScopeFacts, List[Binding], List[Tuple[Use, str]]]
LIST_MAKERS = (cst.List, cst.ListComp, cst.Call, cst.Subscript)  # a slice may copy a list
# Uses of a list that read it without changing it (with the methods of LIST_READ_METHODS).
READ_KINDS = frozenset({"member", "len", "truth", "iter", "item-load", "compare", "read-call", "return"})


class _NestedNames(Visitor):
    """Names appearing in nested def/lambda/class bodies or bound by a comprehension: a
    use of such a name somewhere in the function may not be the function's variable."""

    def __init__(self, root: cst.CSTNode) -> None:
        super().__init__()
        self.root = root
        self.depth = 0
        self.names: Set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node is not self.root and isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            self.depth += 1
        elif isinstance(node, cst.Name) and self.depth:
            self.names.add(node.value)
        elif isinstance(node, cst.CompFor):
            self.names.update(n.value for n in target_names(node.target))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if original_node is not self.root and isinstance(
            original_node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)
        ):
            self.depth -= 1


class _ContainerRule(Rule):
    """Shared questions: is a name a local list/dict, how is each of its uses spelled."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._nested: Dict[int, Set[str]] = {}
        self._lists: Dict[int, Set[str]] = {}

    def _function(self) -> Optional[cst.FunctionDef]:
        function = self.ctx.function()
        return function if isinstance(function, cst.FunctionDef) else None

    def _is_builtin(self, name: str) -> bool:
        """Whether `name` is not rebound in the current function (module-level rebinding
        of a builtin is rare enough not to pay a scan of the whole module for)."""
        function = self.ctx.function()
        return function is None or name not in self.ctx.facts(function).bindings

    def _module_usable(self, module: str) -> bool:
        """Whether `module.x` in a fix would name the module (`Fix.imports` adds it)."""
        return self.ctx.bindings(module)[0] is None or self.ctx.imported_module(module) == module

    def _seen_only_here(self, function: cst.FunctionDef, name: str) -> bool:
        """Whether every occurrence of `name` in the function is its own variable."""
        names = self._nested.get(id(function))
        if names is None:
            collector = _NestedNames(function)
            visit(function, collector)
            names = self._nested[id(function)] = collector.names
        return name not in names

    def _maybe_list(self, function: cst.FunctionDef, name: str) -> bool:
        """A cheap first test before scanning the function: is `name` assigned a list
        display, comprehension or `list(...)` call by some statement of the function?"""
        names = self._lists.get(id(function))
        if names is None:
            names = self._lists[id(function)] = set()
            _collect_list_names(function.body, names)
        return name in names

    def _is_list_value(self, value: Optional[cst.BaseExpression]) -> bool:
        if isinstance(value, (cst.List, cst.ListComp)):
            return True
        return (
            isinstance(value, cst.Call)
            and _is_name(value.func, "list")
            and len(value.args) <= 1
            and all(a.keyword is None and not a.star for a in value.args)
            and self._is_builtin("list")
        )

    def _list_bindings(self, facts: ScopeFacts, name: str) -> Optional[List[Binding]]:
        """Every binding of a local list, if each one makes (or extends) a list."""
        found = facts.bindings.get(name)
        if not found or facts.is_shared(name):
            return None
        for binding in found:
            if binding.kind == "augassign":
                statement = binding.statement
                if not (isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign)):
                    return None
            elif binding.kind not in ("assign", "annassign") or not self._is_list_value(binding.value):
                return None
        return found

    def _local_list_in_loop(self, name: str) -> Optional[LocalList]:
        """For a use of `name` in a loop of a function, where `name` is a local list of
        that function (every binding makes a list, no nested scope shares the name): the
        function, its facts, the list's bindings, and each use with its kind."""
        function = self._function() if self.ctx.loops() else None
        if function is None or not self._maybe_list(function, name):
            return None
        facts = self.ctx.facts(function)
        bindings = self._list_bindings(facts, name)
        if bindings is None or not self._seen_only_here(function, name):
            return None
        return function, facts, bindings, [(use, self._kind(use)) for use in facts.uses.get(name, ())]

    def _unchanging_loop(
        self, facts: ScopeFacts, name: str, loops: Sequence[cst.CSTNode], uses: Sequence[Tuple[Use, str]]
    ) -> Optional[cst.CSTNode]:
        """The outermost of `loops` (innermost first) around a use during which the list
        `name` cannot change: the loop neither rebinds it nor uses it but to read it."""
        found = None
        for loop in loops:  # innermost first
            inside = [kind for use, kind in uses if any(lp is loop for lp in use.loops)]
            if facts.bindings_in(name, loop) or any(
                kind not in READ_KINDS and _method(kind) not in LIST_READ_METHODS for kind in inside
            ):
                break
            found = loop
        return found

    def _set_keeps_behaviour(
        self, function: cst.FunctionDef, bindings: Sequence[Binding], uses: Sequence[Tuple[Use, str]]
    ) -> bool:
        """Whether the list's elements can go into a set (or be a dict's keys) without a
        new TypeError: every
        element the function puts in is known hashable (analysis/hashable.py), and no
        membership test sits in a `try` that catches TypeError (testing an unhashable
        value against a set raises it, against a list it does not)."""
        for binding in bindings:
            if binding.value is not None and not items_hashable(self.ctx, binding.value):
                return False  # `seq = [...]`, `list(...)`, `seq += [...]`
        for use, kind in uses:
            if kind == "member":
                if self.ctx.is_caught(use.node, ("TypeError",), function):
                    return False
            elif kind in ("item-store", "other") or _added(self.ctx, use, kind) is False:
                return False
        return True

    def _is_fresh_dict(self, value: Optional[cst.BaseExpression]) -> bool:
        if isinstance(value, cst.Dict):
            return not value.elements
        return (
            isinstance(value, cst.Call)
            and _is_name(value.func, "dict")
            and not value.args
            and self._is_builtin("dict")
        )

    def _kind(self, use: Use) -> str:
        """How one use touches the container: `member`, `len`, `truth`, `iter`,
        `method:NAME`, `item-load`/`item-store`/`item-del`, ... or `other` (it escapes,
        or we cannot tell)."""
        node, parent, grand = use.node, use.parent, use.grandparent
        method = use.method()
        if method is not None:
            return f"method:{method}"
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is node:
            return "member" if isinstance(parent.operator, (cst.In, cst.NotIn)) else "compare"
        if isinstance(parent, cst.Comparison) and parent.left is node:
            return "compare"
        if _is_test(parent, node) or isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            return "truth"
        if isinstance(parent, cst.BooleanOperation) and _is_test(grand, parent):
            return "truth"
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            return "iter"
        if isinstance(parent, cst.Return):
            return "return"
        if isinstance(parent, cst.AugAssign) and parent.target is node:
            return "augassign"
        if isinstance(parent, cst.Subscript) and parent.value is node:
            if isinstance(grand, cst.AssignTarget) or isinstance(grand, cst.AugAssign) and grand.target is parent:
                return "item-store"
            if isinstance(grand, cst.Del):
                return "item-del"
            if isinstance(grand, (cst.Element, cst.StarredElement, cst.For, cst.CompFor, cst.AsName)):
                return "other"
            return "item-load"
        if (
            isinstance(parent, cst.Arg)
            and isinstance(grand, cst.Call)
            and isinstance(grand.func, cst.Name)
            and grand.func.value in READING_BUILTINS
            and self._is_builtin(grand.func.value)
        ):
            return "len" if grand.func.value == "len" and len(grand.args) == 1 else "read-call"
        return "other"


def _collect_list_names(block: cst.BaseSuite, names: Set[str]) -> None:
    """Names that statements of a block (and nested blocks, not nested scopes) assign a
    list-looking value to. Only statements are walked, never expressions."""
    for statement in _block_body(block):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, LIST_MAKERS):
                    names.update(t.target.value for t in small.targets if isinstance(t.target, cst.Name))
                elif (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.value, LIST_MAKERS)
                    and isinstance(small.target, cst.Name)
                ):
                    names.add(small.target.value)
        elif not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            for inner in _inner_blocks(statement):
                _collect_list_names(inner, names)


def _inner_blocks(node: cst.CSTNode) -> List[cst.BaseSuite]:
    """The blocks of a compound statement: body, elif/else, except, finally, cases."""
    body = getattr(node, "body", None)
    blocks = [body] if isinstance(body, cst.BaseSuite) else []
    for part in (getattr(node, "orelse", None), getattr(node, "finalbody", None),
                 *getattr(node, "handlers", ()), *getattr(node, "cases", ())):
        if part is not None:
            blocks.extend(_inner_blocks(part))
    return blocks


def _is_test(parent: Optional[cst.CSTNode], node: cst.CSTNode) -> bool:
    """Whether `node` is the condition of an if/while/assert/conditional expression."""
    if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.CompIf, cst.Assert)):
        return parent.test is node
    return False
