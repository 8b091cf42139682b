"""PFL503 dataclass-without-slots: the rule, and the helpers no other rule uses."""

from __future__ import annotations

import libcst as cst

from perflint.analysis.walk import Visitor, visit
from perflint.model import Applicability, Bench, Edit, Example, Impact
from perflint.rules.base import Rule, register
from perflint.rules.caching._shared import _annotation_names, _decorator_names

# Names whose use in a class means slots=True would break it (or needs care).
_NEEDS_DICT = frozenset({"__dict__", "__weakref__", "weakref", "cached_property", "__setattr__", "setattr", "super"})


class _ClassScan(Visitor):
    """Fields of a dataclass body, attributes its methods set, names it mentions."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: set[str] = set()
        self.set_attributes: set[str] = set()
        self.names: set[str] = set()
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        is_field = "ClassVar" not in _annotation_names(node.annotation)
        if self.depth == 0 and isinstance(node.target, cst.Name) and is_field:
            self.fields.add(node.target.value)
        self._target(node.target)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def _target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            self.set_attributes.add(target.attr.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


@register
class DataclassWithoutSlots(Rule):
    """Instances of a plain dataclass keep their fields in a per-instance `__dict__`;
    `@dataclass(slots=True)` (Python 3.10+) stores them in fixed slots: about 40% less
    memory per instance and slightly faster attribute access.

    Opt-in: it changes the class. The fix is offered only when nothing visible needs
    the `__dict__`: no base class (slots with inheritance need care), no other
    decorator, no attribute set on `self` that is not a field, no `__dict__`,
    `__weakref__`/weakref, `setattr`, `functools.cached_property`, and no zero-argument
    `super()` (slots=True builds a new class, which breaks it). Otherwise it reports
    without a fix; classes that define `__slots__` are not flagged. Unsafe: code
    elsewhere may still set other attributes or take weak references.
    """

    code = "PFL503"
    name = "dataclass-without-slots"
    message = "add `slots=True` to the dataclass to drop the per-instance `__dict__`"
    impact = Impact.CONSTANT
    fix = Applicability.UNSAFE
    default_on = False
    availability = "target >= 3.10"
    min_target = (3, 10)

    bad = (
        Example(
            "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    x: int\n    y: int = 0\n",
            "from dataclasses import dataclass\n\n@dataclass(slots=True)\nclass P:\n    x: int\n    y: int = 0\n",
        ),
        Example(
            "import dataclasses\n\n@dataclasses.dataclass(\n    frozen=True,\n)\nclass P:\n    x: int\n",
            "import dataclasses\n\n@dataclasses.dataclass(\n    frozen=True,\n    slots=True,\n)\nclass P:\n    x: int\n",
        ),
        Example(
            "from dataclasses import dataclass\n\n@dataclass(order=True)\nclass P(Base):\n    x: int\n",
            None,
        ),
    )
    good = (
        "from dataclasses import dataclass\n\n@dataclass(slots=True)\nclass P:\n    x: int\n",
        "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    __slots__ = ('x',)\n    x: int\n",
        "@dataclass\nclass P:\n    x: int\n",
    )

    bench = Bench(
        setup="import sys\nfrom dataclasses import dataclass\n"
        "@dataclass\nclass A:\n    x: int\n    y: int\n"
        "@dataclass(slots=True)\nclass B:\n    x: int\n    y: int\n",
        before="def run():\n    return sum(A(i, i).x for i in range(N))",
        after="def run():\n    return sum(B(i, i).x for i in range(N))",
        note="the gain is memory (about 40% per instance); creation and access are slightly faster",
    )

    reads_class = True

    needs = (("@dataclass",), ("@dataclasses.dataclass",))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not node.decorators:
            return
        names = _decorator_names(self.ctx, node.decorators)
        if "dataclasses.dataclass" not in names:
            return
        decorator = node.decorators[names.index("dataclasses.dataclass")]
        call = decorator.decorator
        if isinstance(call, cst.Call) and any(a.keyword is not None and a.keyword.value == "slots" for a in call.args):
            return
        scan = _ClassScan()
        visit(node.body, scan)
        if "__slots__" in scan.names:
            return
        safe = (
            not node.bases and not node.keywords and len(node.decorators) == 1
            and not scan.set_attributes - scan.fields and not scan.names & _NEEDS_DICT
            and not (isinstance(call, cst.Call) and any(a.star or a.keyword is None for a in call.args))
        )
        fix = self.make_fix(Edit(decorator, replace=_with_slots)) if safe else None
        self.report(decorator, fix=fix)


def _with_slots(updated: cst.CSTNode) -> cst.CSTNode:
    """`@dataclass` -> `@dataclass(slots=True)`; `@dataclass(a=1)` -> `(a=1, slots=True)`,
    keeping a multi-line argument list multi-line."""
    assert isinstance(updated, cst.Decorator)
    slots = cst.Arg(
        cst.Name("True"), keyword=cst.Name("slots"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    expr = updated.decorator
    if not isinstance(expr, cst.Call):
        return updated.with_changes(decorator=cst.Call(expr, [slots]))
    if not expr.args:
        return updated.with_changes(decorator=expr.with_changes(args=[slots]))
    *rest, last = expr.args
    if isinstance(last.comma, cst.Comma):
        # keep the trailing comma last; separate as the arguments already are
        between = rest[-1].comma.whitespace_after if rest and isinstance(rest[-1].comma, cst.Comma) else expr.whitespace_before_args
        if isinstance(between, cst.SimpleWhitespace) and not between.value:
            between = cst.SimpleWhitespace(" ")
        args = [*rest, last.with_changes(comma=cst.Comma(whitespace_after=between)), slots.with_changes(comma=last.comma)]
    else:
        args = [*rest, last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), slots]
    return updated.with_changes(decorator=expr.with_changes(args=args))
