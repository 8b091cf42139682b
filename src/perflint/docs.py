"""Rule documentation generated from the rules themselves (CLI `rules`/`explain`, README)."""

from __future__ import annotations

import sys

from perflint.engine.selection import UnknownSelector, matching
from perflint.faces.bench import seconds
from perflint.measure import speedups
from perflint.measure.speedups import SMALL_GAIN, Figures, Version, version_key
from perflint.measure.timing import Timing
from perflint.model import Applicability, Impact
from perflint.rules.base import Rule, Target, all_rules

# The interpreters the README table has a column for (more appear when measured).
TABLE_VERSIONS = ((3, 9), (3, 10), (3, 11), (3, 12), (3, 13))


def default_label(rule: type[Rule], target: Target | None = None) -> str:
    label = "yes" if rule.default_on else "opt"
    if rule.availability:
        label += f" ({rule.availability})"
    if target is not None and not rule.applies_to(target):
        label += ", off for this target"
    return label


def rule_rows() -> list[tuple[type[Rule], str, str, str, str]]:
    return [(r, r.code, r.name, r.impact.value, r.fix.value) for r in all_rules()]


IMPACT_TEXT = {
    Impact.ALGORITHMIC: (
        "algorithmic: the slow form's cost grows faster with the data than the fast one's. "
        "Reported by default where the code shows the data can grow, outside code that runs "
        "once or only to report an error."
    ),
    Impact.CONSTANT: (
        "constant: a fixed factor per operation, worth it only where the code is hot. Reported "
        "where a profile shows the code hot (`perflint profile -- <command>`) or when the rule "
        "is selected (`--select`, `extend-select`); by default only if its measured gain is "
        "10x or more, where the data can grow."
    ),
}


def find_rule(selector: str) -> type[Rule] | None:
    try:
        found = matching(selector, all_rules())
    except UnknownSelector:
        return None
    return found[0] if len(found) == 1 else None


def explain_text(selector: str, version: Version | None = None) -> str | None:
    """The rule's documentation, with its speedups measured on `version` (default: the
    running interpreter's) and on the other measured interpreters."""
    rule = find_rule(selector)
    if rule is None:
        return None
    lines = [f"{rule.code} {rule.name}", "", rule.message, "", rule.doc(), ""]
    lines.append(f"Enabled by default: {default_label(rule)}.  Fix: {rule.fix.value}.")
    lines.append(f"Impact: {IMPACT_TEXT[rule.impact]}")
    lines += ["", *measured_text(rule, version or sys.version_info[:2])]
    for example in rule.bad:
        lines += ["", "Flagged:", _indent(example.code)]
        if example.fixed is not None and rule.fix is not Applicability.NONE:
            lines += ["Fixed:", _indent(example.fixed)]
    for good in rule.good:
        lines += ["", "Not flagged:", _indent(good)]
    return "\n".join(lines).rstrip() + "\n"


def _indent(code: str) -> str:
    return "\n".join(["    " + line if line else "" for line in code.rstrip().splitlines()])


def _speedup(case: Timing) -> str:
    label = f" ({case.case})" if case.case else ""
    return f"{case.speedup:.3g}x{label}"


def measured_text(rule: type[Rule], version: Version) -> list[str]:
    """What `perflint bench` measured for the rule on `version`, then elsewhere."""
    measured = speedups.figures(rule, speedups.load())
    here = measured.get(version)
    python = f"Python {version_key(version)}"
    if here is None:
        lines = [f"Speedup on {python}: not measured yet (run `perflint bench {rule.code}` there)."]
    else:
        lines = [
            f"Measured speedup: {_speedup(case)}{' (the fix is slower here)' if case.speedup < 1 else ''}, "
            f"{seconds(case.before)} -> {seconds(case.after)} per run at N={case.size:,} on {here.interpreter}."
            for case in here.cases
        ]
        if any(case.speedup < SMALL_GAIN for case in here.cases):
            lines.append(
                f"The gain is below {SMALL_GAIN}x in at least one case on {python}: "
                "worth fixing only where a profile shows the code is hot."
            )
    others = [figures for v, figures in measured.items() if v != version]
    if others:
        lines.append("Measured on other interpreters: " + "; ".join([f"{f.interpreter} {_cases(f)}" for f in others]) + ".")
    if rule.bench is not None and rule.bench.note:
        lines.append(f"Timing pair: {rule.bench.note}.")
    lines.append(f"Measure it on your interpreter: `perflint bench {rule.code}`.")
    return lines


def _cases(figures: Figures) -> str:
    return ", ".join([_speedup(case) for case in figures.cases])


def _cell(figures: Figures | None) -> str:
    if figures is None:
        return "-"
    worst = min(case.speedup for case in figures.cases)
    return _cases(figures) + (" (slower)" if worst < 1 else " (small)" if worst < SMALL_GAIN else "")


def markdown_table() -> str:
    """The README's rule table: the speedups `scripts/measure_rules.py` stored, one column
    per CPython minor version."""
    stored = speedups.load()
    measured = {rule: speedups.figures(rule, stored) for rule in all_rules()}
    versions = sorted(set(TABLE_VERSIONS).union(*measured.values()))
    header = " | ".join([version_key(v) for v in versions])
    rows = [
        f"| code | name | default | impact | fix | {header} | what it flags |",
        "|---|---|---|---|---|" + "---|" * len(versions) + "---|",
    ]
    interpreters: set[str] = set()
    for rule, figures in measured.items():
        interpreters.update(f.interpreter for f in figures.values())
        cells = " | ".join([_cell(figures.get(v)) for v in versions])
        rows.append(f"| {rule.code} | {rule.name} | {default_label(rule)} | {rule.impact.value} | {rule.fix.value} | {cells} | {rule.message} |")
    where = ", ".join(sorted(interpreters, key=_version_order)) or "no interpreter yet"
    rows += [
        "",
        f"Speedups of each rule's before/after pair, measured by `perflint bench` per CPython version "
        f"(here {where}; `-`: not measured there), stored by `scripts/measure_rules.py`. "
        f"(small): below {SMALL_GAIN}x in some case; (slower): the fix loses in some case.",
    ]
    return "\n".join(rows) + "\n"


def _version_order(interpreter: str) -> tuple[int, ...]:
    return tuple(int(part) for part in interpreter.split()[-1].split(".") if part.isdigit())
