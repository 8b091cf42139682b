"""The rule API: a rule is a small class with `visit_<Node>`/`leave_<Node>` methods.

The engine instantiates every enabled rule once per file and calls all of them from one
traversal (see `engine.core.callback_tables`), so rules never walk the tree themselves except to
answer a question about a candidate. Everything a rule is (code, name, message, docs,
examples, timing pair) lives on its class; docs, tests and the CLI read it from there.
"""

from __future__ import annotations

import inspect
from typing import ClassVar, Dict, List, Optional, Sequence, Tuple, Type

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.catalog import Needs, Target, in_range
from perflint.model import Applicability, Bench, Bound, Edit, Example, Finding, Fix, Impact


class Rule:
    """Base class of all rules. Subclasses set the class attributes below."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    # How the slow form's cost grows with the data (RULES.md, "Impact"): every rule says.
    impact: ClassVar[Impact]
    default_on: ClassVar[bool] = True
    availability: ClassVar[str] = ""  # target restriction shown in docs, e.g. "target < 3.11"
    fix: ClassVar[Applicability] = Applicability.NONE
    bad: ClassVar[Sequence[Example]] = ()
    good: ClassVar[Sequence[str]] = ()
    bench: ClassVar[Optional[Bench]] = None
    # The target versions the rule means anything for: from `min_target` on, below
    # `below_target` (PFL103 only matters before 3.11).
    min_target: ClassVar[Optional[Target]] = None
    below_target: ClassVar[Optional[Target]] = None
    # What triage must find in a function, method or other top-level statement for the
    # rule to fire there: alternatives, each of facts that must all be found
    # (analysis/facts.py; a fact starting with "file " must be found anywhere in the
    # file). A necessary condition: a region that meets it may still hold no finding.
    needs: ClassVar[Needs] = ((),)
    # Whether the rule reads the rest of the class of a method it fires in (so triage
    # keeps the whole class).
    reads_class: ClassVar[bool] = False

    def __init__(self, ctx: FileContext, findings: List[Finding]) -> None:
        self.ctx = ctx
        self._findings = findings

    @classmethod
    def applies_to(cls, target: Target) -> bool:
        """Whether the rule means anything for code that must run on `target`."""
        return in_range(target, cls.min_target, cls.below_target)

    @classmethod
    def enabled_by_default(cls, target: Target) -> bool:
        return cls.default_on and cls.applies_to(target)

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def report(
        self,
        node: cst.CSTNode,
        message: Optional[str] = None,
        fix: Optional[Fix] = None,
        fixed_size: bool = False,
    ) -> None:
        """Report `node`. `fixed_size`: the rule sees that the data its cost grows with
        cannot grow (a literal, a container built fresh with a few items, a loop over a
        small constant range); with the code around the node running once or only to
        report an error (`FileContext.bound`), that holds the finding back by default."""
        ancestors = self.ctx.ancestors
        top = ancestors[1] if len(ancestors) > 1 else None
        member = ancestors[3] if len(ancestors) > 3 and type(top) is cst.ClassDef else None
        bounded = self.ctx.bound(node) or (Bound.FIXED_SIZE if fixed_size else None)
        self._findings.append(Finding(self.code, self.name, message or self.message, node, fix, top, member, bounded))

    def make_fix(
        self,
        *edits: Edit,
        imports: Tuple[str, ...] = (),
        applicability: Optional[Applicability] = None,
        description: str = "",
    ) -> Fix:
        """A fix with this rule's applicability (or a stricter one for this case)."""
        return Fix(applicability or self.fix, tuple(edits), description, imports)


_REGISTRY: Dict[str, Type[Rule]] = {}


def register(rule: Type[Rule]) -> Type[Rule]:
    """Class decorator adding a rule to the registry (codes and names are unique)."""
    for other in _REGISTRY.values():
        if other.code == rule.code or other.name == rule.name:
            raise ValueError(f"duplicate rule {rule.code} {rule.name}")
    _REGISTRY[rule.code] = rule
    return rule


def all_rules() -> List[Type[Rule]]:
    """Every rule, sorted by code."""
    import perflint.rules.families  # noqa: F401  (registers the rule modules)

    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def rule_classes(rules: Sequence[object]) -> List[Type[Rule]]:
    """The rule classes for rules given as classes or as catalog entries (by code)."""
    if all(isinstance(rule, type) for rule in rules):
        return list(rules)  # type: ignore[arg-type]
    import perflint.rules.families  # noqa: F401

    return [rule if isinstance(rule, type) else _REGISTRY[rule.code] for rule in rules]  # type: ignore[attr-defined]
