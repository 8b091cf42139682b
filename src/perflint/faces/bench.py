"""`perflint bench`: time every rule's before/after pair on the running interpreter.

A rule's claimed gain is evidence only if it is measured, on the interpreter the user
runs, and if "after" computes what "before" did. `timing` checks and times each case of
a pair; this module picks the rules, skips pairs this interpreter cannot run, and prints
the table.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from perflint.engine.selection import UnknownSelector, matching
from perflint.measure.speedups import programs
from perflint.measure.timing import QUICK_SIZE, PairError, Timing, interpreter, measure_cases, missing_modules

if TYPE_CHECKING:
    from perflint.rules.base import Rule


@dataclass(frozen=True)
class Outcome:
    """What benching one rule gave: timings, or why there are none."""

    rule: type[Rule]
    timings: tuple[Timing, ...] = ()
    skipped: str = ""  # a reason, when the pair needs a module that is not installed
    error: str = ""


def measure(rule: type[Rule], quick: bool = False) -> Outcome:
    """Check and time every case of a rule's pair (`quick`: small input, short batches)."""
    bench = rule.bench
    if bench is None:
        return Outcome(rule, error="the rule has no timing pair")
    missing = missing_modules(bench.requires)
    if missing:
        return Outcome(rule, skipped="needs " + ", ".join(missing))
    running = sys.version_info[:2]
    if not rule.applies_to(running):  # its "after" may use what this Python lacks
        return Outcome(rule, skipped=f"applies to {rule.availability}, not Python {running[0]}.{running[1]}")
    try:
        timings = measure_cases(programs(bench), bench.size, quick)
    except PairError as error:
        return Outcome(rule, error=str(error))
    return Outcome(rule, tuple(timings))


def select(selectors: Sequence[str]) -> list[type[Rule]]:
    """Rules named by codes, prefixes or names (all rules when none is given)."""
    from perflint.rules.base import all_rules

    rules = all_rules()
    if not selectors:
        return rules
    try:
        chosen = {rule for selector in selectors for rule in matching(selector, rules)}
    except UnknownSelector as error:
        raise click.UsageError(str(error)) from None
    return [rule for rule in rules if rule in chosen]


def seconds(value: float) -> str:
    """A duration with a unit that keeps 3 significant digits readable."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def table(outcomes: Sequence[Outcome]) -> list[str]:
    rows = [("code", "name", "case", "N", "before", "after", "speedup")]
    for outcome in outcomes:
        rule = outcome.rule
        for t in outcome.timings:
            rows.append((rule.code, rule.name, t.case or "-", f"{t.size:,}", seconds(t.before), seconds(t.after), f"{t.speedup:.2f}x"))
        if outcome.skipped:
            rows.append((rule.code, rule.name, "skipped: " + outcome.skipped, "", "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join([cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]).rstrip() for row in rows]


@click.command("bench")
@click.argument("rules", nargs=-1, metavar="[CODE]...")
@click.option("--quick", is_flag=True, help=f"Smoke run: N={QUICK_SIZE}, one short batch per side (checks every pair fast; the numbers mean little).")
def bench_command(rules: tuple[str, ...], quick: bool) -> None:
    """Time each rule's before/after pair with timeit on this interpreter.

    Both sides are first run once and must return equal results. Then they are timed
    at the size the pair declares, in 15 turns of one batch each, before then after; the
    speedup is the median of the turns' ratios. CODE is a code, a prefix
    (PFL3) or a rule name; default: every rule. Exit status 1 if a pair fails or
    disagrees; pairs needing a module that is not installed are reported as skipped.
    """
    outcomes = []
    click.echo(f"{interpreter()} on {platform.system() or 'unknown OS'} {platform.machine()}" + (" (quick run)" if quick else ""))
    for rule in select(rules):
        outcome = measure(rule, quick)
        if outcome.error:
            click.echo(f"{rule.code} {rule.name}: error: {outcome.error}", err=True)
        outcomes.append(outcome)
    for line in table(outcomes):
        click.echo(line)
    if any(outcome.error for outcome in outcomes):
        raise SystemExit(1)
