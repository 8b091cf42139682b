"""What selecting rules needs to know of each rule, without importing any rule.

Rule modules import libcst, which takes longer to import than a run on an unchanged tree
takes in all; so the command line selects rules from this catalog and only the processes
that analyze code import the rules. The table is generated from the rule classes by
`scripts/generate.py`, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

Target = Tuple[int, int]


def in_range(target: Target, min_target: Optional[Target], below_target: Optional[Target]) -> bool:
    return (min_target is None or target >= min_target) and (below_target is None or target < below_target)


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    default_on: bool
    min_target: Optional[Target]
    below_target: Optional[Target]
    impact: str  # "algorithmic" or "constant" (`model.Impact`)

    def applies_to(self, target: Target) -> bool:
        return in_range(target, self.min_target, self.below_target)

    def enabled_by_default(self, target: Target) -> bool:
        return self.default_on and self.applies_to(target)


# generated:start
RULES: Tuple[RuleInfo, ...] = (
    RuleInfo('PFL101', 'module-attribute-in-loop', True, None, None, 'constant'),
    RuleInfo('PFL102', 'global-name-in-loop', False, None, None, 'constant'),
    RuleInfo('PFL103', 'try-except-in-loop', True, None, (3, 11), 'constant'),
    RuleInfo('PFL104', 'unnecessary-list-cast', True, None, None, 'constant'),
    RuleInfo('PFL105', 'dict-items-unused', True, None, None, 'constant'),
    RuleInfo('PFL106', 'range-len-index', True, None, None, 'constant'),
    RuleInfo('PFL107', 'readlines-in-for', True, None, None, 'constant'),
    RuleInfo('PFL108', 'enumerate-index-unused', True, None, None, 'constant'),
    RuleInfo('PFL109', 'key-loop-lookup', True, None, None, 'constant'),
    RuleInfo('PFL110', 'bin-count', True, (3, 10), None, 'constant'),
    RuleInfo('PFL201', 'quadratic-str-concat', True, None, None, 'algorithmic'),
    RuleInfo('PFL202', 'str-concat-in-loop', True, None, None, 'constant'),
    RuleInfo('PFL203', 'bytes-concat-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL204', 'join-generator', True, None, None, 'constant'),
    RuleInfo('PFL301', 'list-membership-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL302', 'literal-membership', True, None, None, 'constant'),
    RuleInfo('PFL303', 'list-pop-front', True, None, None, 'algorithmic'),
    RuleInfo('PFL304', 'list-insert-front', True, None, None, 'algorithmic'),
    RuleInfo('PFL305', 'sort-after-insert', True, None, None, 'algorithmic'),
    RuleInfo('PFL306', 'manual-counter', True, None, None, 'constant'),
    RuleInfo('PFL307', 'manual-defaultdict', True, None, None, 'constant'),
    RuleInfo('PFL308', 'sorted-for-min-max', True, None, None, 'algorithmic'),
    RuleInfo('PFL309', 'manual-priority-queue', True, None, None, 'algorithmic'),
    RuleInfo('PFL310', 'in-dict-keys', True, None, None, 'constant'),
    RuleInfo('PFL311', 'first-element-copy', True, None, None, 'algorithmic'),
    RuleInfo('PFL312', 'quadratic-list-sum', True, None, None, 'algorithmic'),
    RuleInfo('PFL313', 'list-concat-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL314', 'slice-shift-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL315', 'list-index-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL401', 'manual-list-comprehension', True, None, None, 'constant'),
    RuleInfo('PFL402', 'manual-list-copy', True, None, None, 'constant'),
    RuleInfo('PFL403', 'manual-dict-comprehension', True, None, None, 'constant'),
    RuleInfo('PFL404', 'manual-set-update', True, None, None, 'constant'),
    RuleInfo('PFL405', 'list-comprehension-in-any-all', True, None, None, 'algorithmic'),
    RuleInfo('PFL406', 'identity-comprehension', True, None, None, 'constant'),
    RuleInfo('PFL407', 'generator-in-constructor', True, None, None, 'constant'),
    RuleInfo('PFL408', 'map-lambda', True, None, None, 'constant'),
    RuleInfo('PFL501', 'missing-memoization', True, None, None, 'algorithmic'),
    RuleInfo('PFL502', 'cache-on-method', True, None, None, 'algorithmic'),
    RuleInfo('PFL503', 'dataclass-without-slots', False, (3, 10), None, 'constant'),
    RuleInfo('PFL601', 'elementwise-loop-over-array', True, None, None, 'constant'),
    RuleInfo('PFL602', 'array-append-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL603', 'dataframe-iterrows', True, None, None, 'constant'),
    RuleInfo('PFL604', 'dataframe-concat-in-loop', True, None, None, 'algorithmic'),
    RuleInfo('PFL605', 'builtin-reduction-on-array', True, None, None, 'constant'),
    RuleInfo('PFL701', 'regex-in-loop', True, None, None, 'constant'),
    RuleInfo('PFL702', 'await-in-loop', False, None, None, 'algorithmic'),
    RuleInfo('PFL703', 'blocking-call-in-async', True, None, None, 'algorithmic'),
    RuleInfo('PFL704', 'write-in-loop', True, None, None, 'constant'),
)
# generated:end
