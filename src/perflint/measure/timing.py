"""Timing a rule's before/after pair: the part of `perflint bench` that runs anywhere.

It needs nothing but the standard library and runs on Python 3.9 and later, so that
`scripts/measure_rules.py` can time the pairs in every installed CPython with perflint's
`src` on the path (`python -m perflint.measure.timing`, pairs as JSON on stdin, timings as JSON
on stdout), where libcst and click may not be installed.

Both sides are first run once and must return equal values (a pair that disagrees is a
bug in the rule's evidence). Then they are timed in turns, before, after, before, ...,
one batch each, so that a change in the machine's load falls on both sides alike; the
speedup is the median of the turns' ratios.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import platform
import statistics
import sys
import timeit
from dataclasses import asdict, dataclass
from typing import Any, Callable, Dict, List, Sequence, Tuple

QUICK_SIZE = 200  # the size the rule example tests check pairs at
REPEATS = 15  # turns of a full run


class PairError(Exception):
    """A pair cannot be trusted: it raises, or before and after disagree."""


@dataclass(frozen=True)
class Program:
    """One case of a pair, as the timer runs it: `setup` runs once with `N` bound, and
    `before` and `after` each define `def run():`."""

    label: str  # "" for the pair's own case
    setup: str
    before: str
    after: str


@dataclass(frozen=True)
class Timing:
    """Seconds per call of `run()` before and after the fix, for one case of a pair."""

    case: str
    size: int
    before: float
    after: float
    speedup: float  # the median ratio of the turns (not before / after of the medians)


def interpreter() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def missing_modules(names: Sequence[str]) -> List[str]:
    return [name for name in names if importlib.util.find_spec(name) is None]


def _program(setup: str, program: str, size: int) -> Callable[[], Any]:
    namespace: Dict[str, Any] = {"N": size}
    exec(setup, namespace)  # noqa: S102  (the rule's own evidence, never the analyzed code)
    exec(program, namespace)  # noqa: S102
    return namespace["run"]


def check_agreement(case: Program, size: int) -> Tuple[Callable[[], Any], Callable[[], Any]]:
    """Both sides of one case, after checking they return equal values. Raises PairError."""
    try:
        before, after = _program(case.setup, case.before, size), _program(case.setup, case.after, size)
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


def loops_for(timer: timeit.Timer, min_time: float) -> int:
    """Calls per batch: they grow (1, 2, 5, 10, ...) until a batch lasts `min_time`, as
    `timeit -n` chooses."""
    number = 1
    for factor in itertools.cycle((2.0, 2.5, 2.0)):
        if timer.timeit(number) >= min_time:
            return number
        number = int(number * factor)
    raise AssertionError("unreachable")


def time_pair(
    before: Callable[[], Any], after: Callable[[], Any], min_time: float, repeats: int
) -> Tuple[float, float, float]:
    """Median seconds per call of each side, and the median ratio, over `repeats` turns
    of one batch of each side."""
    timers = timeit.Timer(before), timeit.Timer(after)
    numbers = [loops_for(timer, min_time) for timer in timers]
    turns = [[timer.timeit(n) / n for timer, n in zip(timers, numbers)] for _ in range(repeats)]
    ratios = [b / a if a else float("inf") for b, a in turns]
    return statistics.median(b for b, _ in turns), statistics.median(a for _, a in turns), statistics.median(ratios)


def measure_cases(cases: Sequence[Program], size: int, quick: bool = False) -> List[Timing]:
    """Check and time every case (`quick`: small input, one short turn). Raises PairError."""
    size = min(size, QUICK_SIZE) if quick else size
    min_time, repeats = (0.002, 1) if quick else (0.1, REPEATS)
    timings = []
    for case in cases:
        before, after = check_agreement(case, size)
        seconds_before, seconds_after, ratio = time_pair(before, after, min_time, repeats)
        timings.append(Timing(case.label, size, seconds_before, seconds_after, ratio))
    return timings


def main() -> int:
    """Time the pairs of a JSON request on stdin; print the results as JSON.

    The request: `{"quick": bool, "pairs": [{"code", "size", "requires", "cases": [{"label",
    "setup", "before", "after"}]}]}`. The answer: `{"interpreter", "results": {code:
    {"cases": [...]} or {"skipped": reason} or {"error": reason}}}`; progress goes to stderr.
    """
    request = json.load(sys.stdin)
    results: Dict[str, Dict[str, Any]] = {}
    for pair in request["pairs"]:
        missing = missing_modules(pair["requires"])
        if missing:
            results[pair["code"]] = {"skipped": "needs " + ", ".join(missing)}
            continue
        try:
            cases = [Program(**case) for case in pair["cases"]]
            timings = measure_cases(cases, pair["size"], request["quick"])
        except PairError as error:
            results[pair["code"]] = {"error": str(error)}
            continue
        results[pair["code"]] = {"cases": [asdict(t) for t in timings]}
        print(f"{pair['code']}: " + ", ".join([f"{t.speedup:.2f}x" for t in timings]), file=sys.stderr, flush=True)
    json.dump({"interpreter": interpreter(), "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
