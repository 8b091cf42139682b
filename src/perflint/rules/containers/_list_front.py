"""What PFL303 and PFL304 share: a list used as a queue, taken from or added to at its front."""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from perflint.analysis.growth import fixed_size, persisting_loops
from perflint.analysis.scope import Binding, ScopeFacts
from perflint.analysis.shapes import annotated_list
from perflint.analysis.shapes import is_name as _is_name
from perflint.model import Edit, Fix
from perflint.rules import rewrite
from perflint.rules.containers._container_rule import _ContainerRule
from perflint.rules.containers._shared import _is_zero, _method

# -- PFL303 / PFL304 ------------------------------------------------------------------------
DEQUE_METHODS = frozenset({
    "append", "appendleft", "clear", "count", "extend", "extendleft", "index", "insert", "popleft", "remove",
    "reverse",
})


class _FrontOfList(_ContainerRule):
    """Shared by PFL303/PFL304: `xs.<method>(0, ...)` on a list in a loop."""

    method: str
    arity: int

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Triage: `.<method>(0, ...)` in a function's loop on a name bound to a list (or a slice).
        cls.needs = tuple(("def", f"loop {kind}.{cls.method}(0)") for kind in ("list", "slice"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == self.method
            and isinstance(func.value, cst.Name)
            and len(node.args) == self.arity
            and _is_zero(node.args[0].value)
            and all(a.keyword is None and not a.star for a in node.args)
        ):
            return
        function = self._function()
        loops = self.ctx.loops()
        if function is None or not loops:
            return
        name = func.value.value
        if not self._maybe_list(function, name) and not annotated_list(function, name):
            return
        facts = self.ctx.facts(function)
        if not persisting_loops(facts, name, loops) or self.ctx.leaves_loop_after():
            return  # one call per list built (fresh in each pass), or per loop: no queue
        fixed = fixed_size(self.ctx, function, name, loops)
        bindings = self._list_bindings(facts, name)
        if bindings is not None:
            self.report(node, fix=self._deque_fix(function, facts, name, bindings), fixed_size=fixed)
        elif annotated_list(function, name) and len(facts.bindings.get(name, ())) == 1:
            self.report(node, fixed_size=fixed)

    def _is_list_value(self, value: Optional[cst.BaseExpression]) -> bool:
        """A list as for every container rule, or a slice (`xs[:]`, `xs[1:]`): a slice
        that `pop`/`insert` is called on is a list (or a bytearray, as slow to change at
        the front), since slices of str, bytes, tuple and range have neither method and
        a dict cannot be sliced."""
        return super()._is_list_value(value) or _is_slice(value)

    def _known_list(self, function: cst.FunctionDef, facts: ScopeFacts, node: cst.BaseExpression) -> bool:
        """Whether `node` is certainly a list: a list display, comprehension or
        `list(...)`, a local bound only to those, or a parameter annotated as a list
        (the thing sliced, for a fix that copies it into a deque instead)."""
        if super()._is_list_value(node):
            return True
        if not isinstance(node, cst.Name) or facts.is_shared(node.value):
            return False
        found = facts.bindings.get(node.value, ())
        if annotated_list(function, node.value):
            return len(found) == 1
        return bool(found) and all(
            b.kind in ("assign", "annassign") and super(_FrontOfList, self)._is_list_value(b.value) for b in found
        )

    def _deque_fix(
        self, function: cst.FunctionDef, facts: ScopeFacts, name: str, bindings: Sequence[Binding]
    ) -> Optional[Fix]:
        if any(b.kind != "assign" for b in bindings) or not self._seen_only_here(function, name):
            return None
        if not self._module_usable("collections"):
            return None
        edits = []
        for binding in bindings:
            value = binding.value
            assert value is not None  # an assignment
            if isinstance(value, cst.Subscript) and _is_slice(value) and not self._known_list(function, facts, value.value):
                return None  # the copy of something else than a list may not be one
            edits.append(Edit(value, replace=_to_deque))
        for use in facts.uses.get(name, ()):
            kind = self._kind(use)
            call = use.grandparent
            if kind in {"len", "truth", "iter", "member"} or kind == "read-call" and not _shows(call):
                continue
            front = _front_call(call) if isinstance(call, cst.Call) and kind.startswith("method:") else None
            if front is not None:
                if "#" in rewrite.code_of(self.ctx, call):  # type: ignore[arg-type]
                    return None
                edits.append(Edit(call, replace=front))  # type: ignore[arg-type]
            elif not (_method(kind) in DEQUE_METHODS or kind == "method:pop" and not call.args):  # type: ignore[union-attr]
                return None
        return self.make_fix(*edits, imports=("collections",), description=f"make `{name}` a deque")


def _shows(call: Optional[cst.CSTNode]) -> bool:
    """Whether a call of a reading builtin shows the container's type (`print`, `repr`)."""
    return isinstance(call, cst.Call) and _is_name(call.func, "print", "str", "repr")


def _front_call(call: cst.Call) -> Optional[object]:
    """A rewrite of `xs.pop(0)` -> `xs.popleft()` or `xs.insert(0, v)` -> `xs.appendleft(v)`."""
    func = call.func
    assert isinstance(func, cst.Attribute)
    args = call.args
    if func.attr.value == "pop" and len(args) == 1 and _is_zero(args[0].value):
        return lambda n: n.with_changes(func=n.func.with_changes(attr=cst.Name("popleft")), args=())
    if func.attr.value == "insert" and len(args) == 2 and _is_zero(args[0].value) and not args[1].star:
        return lambda n: n.with_changes(
            func=n.func.with_changes(attr=cst.Name("appendleft")),
            args=(n.args[1].with_changes(comma=cst.MaybeSentinel.DEFAULT),),
        )
    return None


def _to_deque(value: cst.CSTNode) -> cst.CSTNode:
    """`[]` -> `collections.deque()`, `list(x)` -> `collections.deque(x)`, `[...]` -> `collections.deque([...])`,
    `xs[:]` -> `collections.deque(xs)` (the deque is the copy), `xs[1:]` -> `collections.deque(xs[1:])`."""
    deque = cst.Attribute(cst.Name("collections"), cst.Name("deque"))
    if isinstance(value, cst.Call):
        return value.with_changes(func=deque)
    if isinstance(value, cst.Subscript) and _is_slice(value, whole=True):
        if len(rewrite.comments(value)) == len(rewrite.comments(value.value)):  # none in `[:]`
            return cst.Call(deque, [cst.Arg(value.value)], lpar=value.lpar, rpar=value.rpar)
    if isinstance(value, cst.List) and not value.elements:
        return cst.Call(deque, lpar=value.lpar, rpar=value.rpar)
    assert isinstance(value, cst.BaseExpression)
    return cst.Call(deque, [cst.Arg(value.with_changes(lpar=(), rpar=()))], lpar=value.lpar, rpar=value.rpar)


def _is_slice(value: Optional[cst.CSTNode], whole: bool = False) -> bool:
    """`x[a:b]` (`x[:]` only, if `whole`)."""
    if not isinstance(value, cst.Subscript) or len(value.slice) != 1:
        return False
    part = value.slice[0].slice
    if not isinstance(part, cst.Slice):
        return False
    return not whole or part.lower is None and part.upper is None and part.step is None
