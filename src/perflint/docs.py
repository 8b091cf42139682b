"""Rule documentation generated from the rules themselves (CLI `rules`/`explain`, README)."""

from __future__ import annotations

from typing import List, Optional, Tuple, Type

from perflint.model import Applicability
from perflint.rule import Rule, Target, all_rules
from perflint.selection import UnknownSelector, matching


def default_label(rule: Type[Rule], target: Optional[Target] = None) -> str:
    label = "yes" if rule.default_on else "opt"
    if rule.availability:
        label += f" ({rule.availability})"
    if target is not None and not rule.applies_to(target):
        label += ", off for this target"
    return label


def rule_rows() -> List[Tuple[Type[Rule], str, str, str]]:
    return [(r, r.code, r.name, r.fix.value) for r in all_rules()]


def find_rule(selector: str) -> Optional[Type[Rule]]:
    try:
        found = matching(selector, all_rules())
    except UnknownSelector:
        return None
    return found[0] if len(found) == 1 else None


def explain_text(selector: str) -> Optional[str]:
    rule = find_rule(selector)
    if rule is None:
        return None
    lines = [f"{rule.code} {rule.name}", "", rule.message, "", rule.doc(), ""]
    lines.append(f"Enabled by default: {default_label(rule)}.  Fix: {rule.fix.value}.")
    for example in rule.bad:
        lines += ["", "Flagged:", _indent(example.code)]
        if example.fixed is not None and rule.fix is not Applicability.NONE:
            lines += ["Fixed:", _indent(example.fixed)]
    for good in rule.good:
        lines += ["", "Not flagged:", _indent(good)]
    return "\n".join(lines).rstrip() + "\n"


def _indent(code: str) -> str:
    return "\n".join("    " + line if line else "" for line in code.rstrip().splitlines())


def markdown_table() -> str:
    """The README's rule table."""
    rows = ["| code | name | default | fix | what it flags |", "|---|---|---|---|---|"]
    for rule in all_rules():
        rows.append(f"| {rule.code} | {rule.name} | {default_label(rule)} | {rule.fix.value} | {rule.message} |")
    return "\n".join(rows) + "\n"
