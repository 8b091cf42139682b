"""PFL105 dict-items-unused: the rule, and the helpers no other rule uses."""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from perflint.analysis.loops import COMPREHENSION_TYPES
from perflint.analysis.scope import ScopeFacts
from perflint.analysis.shapes import plain_target_names
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules import rewrite
from perflint.rules.base import Rule, register
from perflint.rules.loops._shared import _read_after, _receiver


@register
class DictItemsUnused(Rule):
    """`for k, v in d.items()` builds a (key, value) tuple and unpacks it on every pass;
    when one of the two is never used, iterate `d` (keys) or `d.values()` instead. Either
    side may be a nested target (`for name, (_, _) in d.items()`: 2.07x faster as
    `for name in d`, as the issue measured; it counts as used when any name in it is),
    and the `for` may be any clause of a comprehension, not only the first.

    The fix is unsafe: it assumes `d` is a dict-like mapping whose iteration yields its
    keys (a pandas Series, for one, iterates its values and has no `values()` method). No
    fix is offered where the code shows it depends on `items()` itself: inside a `try`
    whose handler catches AttributeError, TypeError or ValueError (what `items()` and the
    unpacking raise for a non-mapping, which the handler routes elsewhere), or when `d` is
    the `self` of a class with its own `items`/`keys`/`__iter__` (iterating `self` there
    may call the very method being written). Dropping a nested side also drops the check
    its unpacking made (a value that is not a pair raised ValueError).
    """

    code = "PFL105"
    name = "dict-items-unused"
    message = "one of the unpacked `items()` names is unused: iterate the keys or `values()`"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE

    bad = (
        Example(
            "def f(d):\n    for k, v in d.items():\n        print(v)\n",
            "def f(d):\n    for v in d.values():\n        print(v)\n",
        ),
        Example(
            "def f(d):\n    return [k for k, _ in d.items() if k]\n",
            "def f(d):\n    return [k for k in d if k]\n",
        ),
        Example(
            "def f(d):\n    for k, v in d.items():\n        print(k)\n    for v in range(3):\n        print(v)\n",
            "def f(d):\n    for k in d:\n        print(k)\n    for v in range(3):\n        print(v)\n",
        ),
        # Nested targets, and a later clause of a comprehension.
        Example(
            "def f(d):\n    for name, (_, _) in d.items():\n        print(name)\n",
            "def f(d):\n    for name in d:\n        print(name)\n",
        ),
        Example(
            "def f(d):\n    for k, (a, b) in d.items():\n        print(a, b)\n",
            "def f(d):\n    for (a, b) in d.values():\n        print(a, b)\n",
        ),
        Example(
            "def f(groups):\n    return [v for g in groups if g for k, v in g.items()]\n",
            "def f(groups):\n    return [v for g in groups if g for v in g.values()]\n",
        ),
        # A handler routes non-mappings elsewhere (networkx's set_node_attributes): no fix.
        Example(
            "def f(nodes, values):\n    try:\n        for n, v in values.items():\n            nodes[n] = values[n]\n"
            "    except AttributeError:\n        for n in nodes:\n            nodes[n] = values\n",
            None,
        ),
        # `self` of a class with its own `items`/`__iter__`: iterating it runs this method.
        Example(
            "class Table:\n    def items(self):\n        return self._rows.items()\n\n    def __iter__(self):\n"
            "        for k, v in self.items():\n            yield k\n",
            None,
        ),
    )
    good = (
        "def f(d):\n    for k, v in d.items():\n        print(k, v)\n",
        "def f(d):\n    for k, v in d.items():\n        print(k)\n    return v\n",
        "def f(d):\n    for k, (a, b) in d.items():\n        print(k, b)\n",
        "def f(d, obj):\n    for k, (obj.a, b) in d.items():\n        print(k)\n",  # assigns an attribute
        "def f(groups):\n    return [k for g in groups for k, v in g.items() for q in v]\n",
        "def f(d):\n    for k, v in d.items(1):\n        print(v)\n",
        "d = {}\nfor k, v in d.items():\n    print(v)\n",
        "def f(d):\n    return {k: v for k, v in d.items()}\n",
    )

    bench = Bench(
        setup="d = {i: i * 2 for i in range(N)}",
        before="def run():\n    total = 0\n    for k, v in d.items():\n        total += v\n    return total",
        after="def run():\n    total = 0\n    for v in d.values():\n        total += v\n    return total",
    )

    needs = (("def", "for a, b in items(), one unused"),)

    def visit_For(self, node: cst.For) -> None:
        self._check(node.target, node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        comprehension = _comprehension_of_clause(self.ctx.ancestors)
        if comprehension is not None:
            self._check(node.target, node.iter, comprehension)

    def _check(self, target: cst.BaseExpression, call: cst.BaseExpression, loop: cst.CSTNode) -> None:
        if not (
            isinstance(call, cst.Call)
            and not call.args
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "items"
            and isinstance(target, (cst.Tuple, cst.List))
            and len(target.elements) == 2
            and all(isinstance(e, cst.Element) for e in target.elements)
        ):
            return
        sides = [plain_target_names(e.value) for e in target.elements]
        function = self.ctx.function()
        if function is None or None in sides:
            return
        facts = self.ctx.facts(function)
        used = [any(self._used(facts, n, loop) for n in names) for names in sides]  # type: ignore[union-attr]
        if all(used):
            return
        keep = 1 if used[1] and not used[0] else 0
        fix = None
        if not self._depends_on_items(call, function):
            kept = target.elements[keep].value
            fix = self.make_fix(
                rewrite.replace(target, cst.Name(kept.value) if isinstance(kept, cst.Name) else kept),
                Edit(call, replace=_values_call if keep else _receiver),
            )
        self.report(call, fix=fix)

    def _depends_on_items(self, call: cst.Call, function: cst.CSTNode) -> bool:
        """Whether the code depends on `.items()` itself: a handler around the loop catches
        what it raises for a non-mapping (AttributeError) or what unpacking raises
        (TypeError, ValueError), or the receiver is `self` of a class with its own
        `keys`/`items`/`__iter__` (iterating it may run the very method being written)."""
        receiver = call.func.value  # type: ignore[attr-defined]
        raised = ("AttributeError", "TypeError", "ValueError")
        return self.ctx.is_caught(call, raised, function) or self.ctx.is_self_of_container(receiver)

    @staticmethod
    def _used(facts: ScopeFacts, name: str, loop: cst.CSTNode) -> bool:
        if facts.is_shared(name) or any(b.kind == "del" for b in facts.bindings.get(name, ())):
            return True
        if facts.uses_in(name, loop):
            return True
        return not isinstance(loop, COMPREHENSION_TYPES) and _read_after(facts, name, loop)


def _comprehension_of_clause(ancestors: Sequence[cst.CSTNode]) -> Optional[cst.CSTNode]:
    """The comprehension the current `for` clause (the last of `ancestors`) belongs to,
    first or later (`[v for g in gs for k, v in g.items()]`)."""
    index = len(ancestors) - 1
    while index > 0 and isinstance(ancestors[index - 1], cst.CompFor):
        index -= 1  # a later clause: the `inner_for_in` of the clause before it
    parent = ancestors[index - 1] if index > 0 else None
    return parent if isinstance(parent, COMPREHENSION_TYPES) and parent.for_in is ancestors[index] else None


def _values_call(updated: cst.CSTNode) -> cst.CSTNode:
    return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("values")))  # type: ignore[attr-defined]
