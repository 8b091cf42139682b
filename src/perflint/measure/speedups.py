"""The speedups `scripts/measure_rules.py` stored, per rule, per interpreter.

Read for the docs (`perflint explain`, the README table), for the estimated saving of a
profiled finding, and by a rule whose report depends on whether its fix pays on the
target (PFL101 in a comprehension). `measured.json` holds, for each rule code and CPython
minor version (`"3.11"`), the interpreter that ran the pairs and one record per case:

    {"PFL101": {"3.11": {"interpreter": "CPython 3.11.7",
                         "cases": [{"case": "", "fingerprint": "...", "size": 10000,
                                    "before": 2.1e-4, "after": 1.7e-4, "speedup": 1.19}]}}}

Each case keeps the fingerprint of the programs it timed, so a case whose programs have
changed since is stale: it is neither shown nor used, until it is measured again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Protocol, Tuple

from perflint.measure.timing import Program, Timing
from perflint.model import Bench

MEASURED = Path(__file__).with_name("measured.json")
SMALL_GAIN = 1.1  # RULES.md: below this at realistic sizes, the docs must say the gain is small

Version = Tuple[int, int]
Stored = Dict[str, Dict[str, Any]]  # measured.json: code -> version key -> entry


class Measured(Protocol):
    """What this module reads of a rule class: its code and its timing pair. A protocol,
    not the `Rule` base class, so the measurements sit below the rules that consult them
    (PFL101 asks `pays`) and the import graph stays one-way."""

    @property
    def code(self) -> str: ...

    @property
    def bench(self) -> Optional[Bench]: ...


def version_key(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def programs(bench: Bench) -> List[Program]:
    """Every case of a pair, with what a variant leaves out taken from the pair."""
    own = Program("", bench.setup, bench.before, bench.after)
    variants = [
        Program(v.label, v.setup or bench.setup, v.before or bench.before, v.after or bench.after)
        for v in bench.variants
    ]
    return [own, *variants]


def fingerprint(program: Program, size: int) -> str:
    """Changes whenever the case's programs or size do."""
    parts = [program.setup, program.before, program.after, str(size)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Figures:
    """The current cases of one rule's pair as measured on one interpreter."""

    version: Version
    interpreter: str
    cases: Tuple[Timing, ...]

    def case(self, label: str) -> Optional[Timing]:
        return next((t for t in self.cases if t.case == label), None)


@functools.lru_cache(maxsize=None)
def _stored_file(path: Path) -> Stored:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def load(path: Path = MEASURED) -> Stored:
    """The stored timings ({} when there are none yet)."""
    return _stored_file(path)


def figures(rule: Measured, stored: Stored) -> Dict[Version, Figures]:
    """The rule's current cases per measured interpreter, oldest first (stale cases and
    interpreters with none left out)."""
    if rule.bench is None:
        return {}
    current = {p.label: fingerprint(p, rule.bench.size) for p in programs(rule.bench)}
    found = {}
    for key, entry in stored.get(rule.code, {}).items():
        major, minor = (int(part) for part in key.split("."))
        cases = tuple(
            Timing(c["case"], c["size"], c["before"], c["after"], c["speedup"])
            for c in entry["cases"] if current.get(c["case"]) == c["fingerprint"]
        )
        if cases:
            found[(major, minor)] = Figures((major, minor), entry["interpreter"], cases)
    return dict(sorted(found.items()))


def nearest(rule: Measured, version: Version, stored: Stored) -> Optional[Figures]:
    """The figures of `version`, else of the measured interpreter closest to it (the
    older one on a tie); None if the rule's pair was never measured."""
    measured = figures(rule, stored)
    if not measured:
        return None
    return measured[min(measured, key=lambda v: (abs(v[1] - version[1]) + 100 * abs(v[0] - version[0]), v))]


def pays(rule: Measured, case: str, target: Version) -> bool:
    """Whether the rule's fix pays for code that runs on `target`, in one case of its pair:
    its speedup measured on the target's CPython is at least SMALL_GAIN. Where that case
    was not measured there (nor measured since its programs changed), it is assumed to
    pay: staying silent needs evidence."""
    found = figures(rule, load()).get(target)
    timing = found.case(case) if found is not None else None
    return timing is None or timing.speedup >= SMALL_GAIN


def lowest_speedup(code: str, target: Version) -> Optional[float]:
    """The smallest stored speedup of a rule's cases (the gain it can promise) on the
    target's CPython, or on the measured one closest to it; None if never measured. Reads
    the figures by code, without importing the rules (so without checking fingerprints):
    the command line decides its policy with it."""
    entries = load().get(code) or {}
    versions = {tuple(int(part) for part in key.split(".")): key for key in entries}
    if not versions:
        return None
    closest = min(versions, key=lambda v: (abs(v[1] - target[1]) + 100 * abs(v[0] - target[0]), v))
    cases = entries[versions[closest]]["cases"]
    return min(case["speedup"] for case in cases) if cases else None


def entry(rule: Measured, timings: List[Timing], interpreter: str) -> Dict[str, Any]:
    """The stored form of a rule's cases measured on one interpreter."""
    assert rule.bench is not None
    current = {p.label: fingerprint(p, rule.bench.size) for p in programs(rule.bench)}
    return {
        "interpreter": interpreter,
        "cases": [
            {"case": t.case, "fingerprint": current[t.case], "size": t.size, "before": t.before,
             "after": t.after, "speedup": round(t.speedup, 2)}
            for t in timings
        ],
    }


def save(stored: Stored, path: Path = MEASURED) -> None:
    ordered = {code: dict(sorted(stored[code].items(), key=lambda kv: tuple(map(int, kv[0].split("."))))) for code in sorted(stored)}
    path.write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")
    _stored_file.cache_clear()
