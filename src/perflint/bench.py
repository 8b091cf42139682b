"""`perflint bench`: time every rule's before/after pair on the running interpreter.

A rule's claimed gain is evidence only if it is measured, on the interpreter the user
runs, and if "after" computes what "before" did. So each pair is first run once on each
side and the results compared (a pair that disagrees is a bug in the rule's evidence and
fails loudly), then timed with `timeit`: loops grow until one batch takes long enough,
and the median of several batches is kept.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import platform
import statistics
import sys
import timeit
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from perflint.model import Bench
from perflint.selection import UnknownSelector, matching

if TYPE_CHECKING:
    from perflint.rule import Rule

QUICK_SIZE = 200  # the size the rule example tests check pairs at


class PairError(Exception):
    """A pair cannot be trusted: it raises, or before and after disagree."""


@dataclass(frozen=True)
class Timing:
    """Seconds per call of `run()` before and after the fix, for one case of a pair."""

    case: str  # "" for the pair's own setup, else a variant's label
    size: int
    before: float
    after: float

    @property
    def speedup(self) -> float:
        return self.before / self.after if self.after else float("inf")


@dataclass(frozen=True)
class Outcome:
    """What benching one rule gave: timings, or why there are none."""

    rule: type[Rule]
    timings: tuple[Timing, ...] = ()
    skipped: str = ""  # a reason, when the pair needs a module that is not installed
    error: str = ""


def interpreter() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def fingerprint(bench: Bench) -> str:
    """Changes whenever the pair does, so stored timings of an older pair are not shown."""
    parts = [bench.setup, bench.before, bench.after, str(bench.size), *(p for v in bench.variants for p in v)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def cases(bench: Bench) -> list[tuple[str, str]]:
    return [("", bench.setup), *bench.variants]


def missing_modules(bench: Bench) -> list[str]:
    return [name for name in bench.requires if importlib.util.find_spec(name) is None]


def _program(setup: str, program: str, size: int) -> Callable[[], Any]:
    namespace: dict[str, Any] = {"N": size}
    exec(setup, namespace)  # noqa: S102  (the rule's own evidence, never the analyzed code)
    exec(program, namespace)  # noqa: S102
    return namespace["run"]


def check_agreement(bench: Bench, setup: str, size: int) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """Both sides of one case, after checking they return equal values. Raises PairError."""
    try:
        before, after = _program(setup, bench.before, size), _program(setup, bench.after, size)
        expected, got = before(), after()
        same = bool(expected == got)
    except Exception as error:  # noqa: BLE001  (any failure of the pair is reported the same way)
        raise PairError(f"the pair fails: {type(error).__name__}: {error}") from None
    if not same:
        raise PairError(f"before and after disagree: {_short(expected)} != {_short(got)}")
    return before, after


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def per_call(function: Callable[[], Any], min_time: float, repeats: int) -> float:
    """Median seconds per call: loops grow (1, 2, 5, 10, ...) until a batch lasts
    `min_time`, as `timeit -n` chooses, then `repeats` batches are timed."""
    timer = timeit.Timer(function)
    number = 1
    for factor in itertools.cycle((2.0, 2.5, 2.0)):  # 1, 2, 5, 10, 20, 50, ...
        if timer.timeit(number) >= min_time:
            break
        number = int(number * factor)
    return statistics.median(timer.timeit(number) / number for _ in range(repeats))


def measure(rule: type[Rule], quick: bool = False) -> Outcome:
    """Check and time every case of a rule's pair (`quick`: small input, short batches)."""
    bench = rule.bench
    if bench is None:
        return Outcome(rule, error="the rule has no timing pair")
    missing = missing_modules(bench)
    if missing:
        return Outcome(rule, skipped="needs " + ", ".join(missing))
    running = sys.version_info[:2]
    if not rule.applies_to(running):  # its "after" may use what this Python lacks
        return Outcome(rule, skipped=f"applies to {rule.availability}, not Python {running[0]}.{running[1]}")
    size = min(bench.size, QUICK_SIZE) if quick else bench.size
    min_time, repeats = (0.002, 1) if quick else (0.2, 5)
    timings = []
    try:
        for label, setup in cases(bench):
            before, after = check_agreement(bench, setup, size)
            timings.append(Timing(label, size, per_call(before, min_time, repeats), per_call(after, min_time, repeats)))
    except PairError as error:
        return Outcome(rule, error=str(error))
    return Outcome(rule, tuple(timings))


def select(selectors: Sequence[str]) -> list[type[Rule]]:
    """Rules named by codes, prefixes or names (all rules when none is given)."""
    from perflint.rule import all_rules

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

    Both sides are first run once and must return equal results. Then each side is
    timed at the size the pair declares (median of 5 batches). CODE is a code, a prefix
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


MEASURED = Path(__file__).with_name("measured.json")  # written by scripts/measure_rules.py


def load_measured(path: Path = MEASURED) -> dict[str, Any]:
    """Stored timings by rule code ({} when there are none yet)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def lowest_speedup(code: str, target: tuple[int, int]) -> float | None:
    """The smallest stored speedup of a rule's cases (the gain it can promise), for code
    that must run on `target`; None if never measured. Reads the stored figures by code,
    without importing the rules (the command line decides its policy with it)."""
    entry = load_measured().get(code)
    if not entry or not entry.get("cases"):
        return None
    return min(case["speedup"] for case in entry["cases"])


def stored(rule: type[Rule], measured: dict[str, Any]) -> dict[str, Any] | None:
    """The stored entry for a rule's current pair, or None (never measured, or stale:
    the pair changed since, so its numbers no longer describe it)."""
    entry = measured.get(rule.code)
    if rule.bench is None or not entry or entry.get("fingerprint") != fingerprint(rule.bench):
        return None
    return entry


def as_entry(outcome: Outcome) -> dict[str, Any]:
    """The stored form of a measured rule."""
    assert outcome.rule.bench is not None
    return {
        "fingerprint": fingerprint(outcome.rule.bench),
        "interpreter": interpreter(),
        "cases": [
            {"case": t.case, "size": t.size, "before": t.before, "after": t.after, "speedup": round(t.speedup, 2)}
            for t in outcome.timings
        ],
    }
