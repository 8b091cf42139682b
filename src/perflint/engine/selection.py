"""Which rules run: `--select`/`--ignore` selectors resolved against the rule catalog.

A selector is a code (`PFL301`), a code prefix (`PFL3`, `PFL`, or `ALL`) or a rule name
(`list-pop-front`). Rules that mean nothing for the target version (PFL103 on 3.11+)
never run, even when selected. Selection works on the catalog, so it imports no rule.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Iterable, List, Optional, Protocol, Sequence, Set, Type, TypeVar

from perflint.catalog import RULES, RuleInfo, Target

if TYPE_CHECKING:
    from perflint.rules.base import Rule


class Selectable(Protocol):
    """A rule class or a catalog entry: what selection reads of a rule."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


R = TypeVar("R", bound=Selectable)


class UnknownSelector(ValueError):
    def __init__(self, selector: str) -> None:
        super().__init__(f"unknown rule selector '{selector}' (expected a code such as PFL301, a prefix such as PFL3, or a rule name)")
        self.selector = selector


def matching(selector: str, rules: Sequence[R]) -> List[R]:
    """Rules a selector names. Raises UnknownSelector if it names none."""
    wanted = selector.strip()
    upper = wanted.upper()
    if upper == "ALL":
        return list(rules)
    found = [r for r in rules if r.name == wanted.lower() or (upper[:3] == "PFL" and r.code.startswith(upper))]
    if not found:
        raise UnknownSelector(selector)
    return found


def _codes(selectors: Iterable[str], rules: Sequence[Selectable]) -> Set[str]:
    return {r.code for s in selectors for r in matching(s, rules)}


def select(
    target: Target,
    select: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> List[RuleInfo]:
    """The enabled rules' catalog entries, sorted by code. Raises UnknownSelector."""
    rules = RULES
    if select is None:
        chosen = {r.code for r in rules if r.enabled_by_default(target)}
    else:
        chosen = _codes(select, rules)
    chosen |= _codes(extend_select, rules)
    chosen -= _codes(ignore, rules)
    return [r for r in rules if r.code in chosen and r.applies_to(target)]


def select_rules(
    target: Target,
    select_: Optional[Sequence[str]] = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> List[Type[Rule]]:
    """The enabled rule classes (imports the rules). Raises UnknownSelector."""
    from perflint.rules.base import rule_classes

    return rule_classes(select(target, select_, ignore, extend_select))


# The Pythons code can be checked for. perflint itself needs 3.9, but the code it checks
# may still have to run on 3.8, and its fixes then use only what 3.8 has.
OLDEST_TARGET: Target = (3, 8)
NEWEST_TARGET: Target = (3, 14)
TARGET_VERSIONS = [f"py3{minor}" for minor in range(OLDEST_TARGET[1], NEWEST_TARGET[1] + 1)]


def parse_target(text: str) -> Target:
    """`py39` -> (3, 9). Raises ValueError."""
    value = text.strip().lower()
    if value in TARGET_VERSIONS:
        return (3, int(value[3:]))
    raise ValueError(f"invalid target version '{text}' (expected {TARGET_VERSIONS[0]} to {TARGET_VERSIONS[-1]})")


def supported(version: Target) -> Target:
    """The nearest target perflint serves: older versions get the oldest, newer the newest."""
    return min(max(version, OLDEST_TARGET), NEWEST_TARGET)


def running_target() -> Target:
    """The running interpreter as a target, within the supported range."""
    return supported((sys.version_info[0], sys.version_info[1]))
