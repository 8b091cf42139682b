"""The rule API: a rule is a small class with `visit_<Node>`/`leave_<Node>` methods.

The engine instantiates every enabled rule once per file and calls all of them from one
traversal (see `engine.Dispatcher`), so rules never walk the tree themselves except to
answer a question about a candidate. Everything a rule is (code, name, message, docs,
examples, timing pair) lives on its class; docs, tests and the CLI read it from there.
"""

from __future__ import annotations

import inspect
from typing import ClassVar, Dict, List, Optional, Sequence, Tuple, Type

import libcst as cst

from perflint.analysis.context import FileContext
from perflint.model import Applicability, Bench, Edit, Example, Finding, Fix

Target = Tuple[int, int]


class Rule:
    """Base class of all rules. Subclasses set the class attributes below."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    default_on: ClassVar[bool] = True
    availability: ClassVar[str] = ""  # target restriction shown in docs, e.g. "target < 3.11"
    fix: ClassVar[Applicability] = Applicability.NONE
    bad: ClassVar[Sequence[Example]] = ()
    good: ClassVar[Sequence[str]] = ()
    bench: ClassVar[Optional[Bench]] = None
    # A regular expression every code the rule can fire on matches (see triage.py);
    # None means the rule may fire anywhere, which turns triage off.
    hints: ClassVar[Optional[str]] = None

    def __init__(self, ctx: FileContext, findings: List[Finding]) -> None:
        self.ctx = ctx
        self._findings = findings

    @classmethod
    def applies_to(cls, target: Target) -> bool:
        """Whether the rule means anything for code that must run on `target`."""
        return True

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
    ) -> None:
        ancestors = self.ctx.ancestors
        top = ancestors[1] if len(ancestors) > 1 else None
        self._findings.append(Finding(self.code, self.name, message or self.message, node, fix, top))

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
    import perflint.rules  # noqa: F401  (registers the rule modules)

    return [_REGISTRY[code] for code in sorted(_REGISTRY)]
