"""Which findings a run reports, and which it holds back.

perflint's promise is "what will hurt as your data grows, and, once you have measured,
what is hot". Most findings are correct but not worth changing: a constant factor in
code that is not hot, or a quadratic pattern over five items in a `__repr__`. So,
without a profile, a run reports by default:

- findings of *gated* rules: algorithmic ones (the slow form's cost grows faster than
  the fast one's) whose fix is faster on every case their pair measures, and
  constant-factor ones whose measured gain on the target is `LARGE_GAIN` or more
  (vectorizing a NumPy loop). An algorithmic rule whose fix is slower on some data
  (`sorted()[0]` on presorted input, `any()` with no early hit) pays or not depending
  on the data, which only a profile of the real workload tells;
- and of those only the ones with nothing against them: not in code that visibly runs
  once or only to report something, not on data the code shows cannot grow (`Bound`).

Everything else is held back and counted, and the summary says how to see it: select
the rules (`--select`, `extend-select`: a rule named by the user reports every finding)
or run a profile, which shows what is hot whatever the rule. Selection happens before
this (which rules run); this decides which of their findings are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from perflint.catalog import RULES, Target
from perflint.model import Bound, Diagnostic, Impact

LARGE_GAIN = 10.0  # RULES.md: a constant-factor gain this large is reported like an algorithmic one


@dataclass(frozen=True)
class Policy:
    """`everything`: report every finding (rules the user selected, a profile run).
    Otherwise report a finding of a `gated` rule with nothing bounding it, and every
    finding of an `explicit` rule."""

    everything: bool = True
    gated: frozenset = frozenset()
    explicit: frozenset = frozenset()

    def reports(self, code: str, bounded: Optional[Bound]) -> bool:
        if self.everything or code in self.explicit:
            return True
        return code in self.gated and bounded is None

    def split(self, diagnostics: Sequence[Diagnostic]) -> Tuple[List[Diagnostic], List[Diagnostic]]:
        """(reported, held back), each in the order given."""
        shown: List[Diagnostic] = []
        held: List[Diagnostic] = []
        for diagnostic in diagnostics:
            (shown if self.reports(diagnostic.code, diagnostic.bounded) else held).append(diagnostic)
        return shown, held

    def is_gated(self, code: str) -> bool:
        return code in self.gated


def default_policy(target: Target, explicit: Iterable[str]) -> Policy:
    """The policy of a run without a profile: `explicit` are the codes the user selected
    by code, prefix or name (every rule for `--select PFL`)."""
    from perflint.measure.speedups import lowest_speedup

    def gated(code: str, impact: str) -> bool:
        lowest = lowest_speedup(code, target)
        if impact == Impact.ALGORITHMIC.value:
            return lowest is None or lowest >= 1.0
        return lowest is not None and lowest >= LARGE_GAIN

    chosen = frozenset(rule.code for rule in RULES if gated(rule.code, rule.impact))
    return Policy(everything=False, gated=chosen, explicit=frozenset(explicit))


def held_summary(held: Sequence[Diagnostic], policy: Policy) -> Optional[str]:
    """One line saying what was held back and how to see it, or None."""
    if not held:
        return None
    constant = sum(1 for d in held if not policy.is_gated(d.code))
    bounded = len(held) - constant
    parts = []
    if constant:
        parts.append(f"{constant} constant-factor or data-dependent")
    if bounded:
        parts.append(f"{bounded} in code that runs once, reports an error or works on fixed-size data")
    noun = "finding" if len(held) == 1 else "findings"
    return (
        f"{len(held)} {noun} not shown ({', '.join(parts)}): run \"perflint profile -- <command>\" "
        "to see the hot ones, or --select their rules to see them all."
    )
