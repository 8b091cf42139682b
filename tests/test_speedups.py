"""Speedups stored per interpreter: stale cases are dropped one by one, a rule stays
silent where its fix measured no gain on the target, and the pairs can be timed in
another interpreter through `python -m perflint.measure.timing`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest
from conftest import REAL_PAYS

from perflint import docs
from perflint.engine import cache
from perflint.engine.core import check_source
from perflint.measure import speedups
from perflint.measure.timing import Timing
from perflint.rules.base import all_rules

RULES = {rule.code: rule for rule in all_rules()}
PFL101 = RULES["PFL101"]
COMPREHENSION = "import math\n\ndef f(xs):\n    return [math.floor(x) for x in xs]\n"
LOOP = "import math\n\ndef f(xs, out):\n    for x in xs:\n        out.append(math.floor(x))\n"
SRC = Path(__file__).resolve().parent.parent / "src"


def _stored(**speedup_by_version: Dict[str, float]) -> speedups.Stored:
    """PFL101 figures for the current pair: version key -> case label -> speedup."""
    assert PFL101.bench is not None
    programs = {p.label: p for p in speedups.programs(PFL101.bench)}
    entries = {}
    for key, by_case in speedup_by_version.items():
        version = key.replace("py", "").replace("_", ".")
        timings = [Timing(label, 10_000, 2e-4, 2e-4 / speedup, speedup) for label, speedup in by_case.items()]
        entries[version] = speedups.entry(PFL101, timings, f"CPython {version}.0")
        assert {c["case"] for c in entries[version]["cases"]} <= set(programs)
    return {"PFL101": entries}


@pytest.fixture()
def measured(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets the stored figures, and lets `speedups.pays` read them."""
    monkeypatch.setattr(speedups, "pays", REAL_PAYS)

    def use(stored: speedups.Stored) -> None:
        monkeypatch.setattr(speedups, "load", lambda: stored)

    return use


def _codes(source: str, target: tuple[int, int]) -> list[str]:
    return [d.code for d in check_source(source, "m.py", [PFL101], target)]


def test_comprehension_lookups_are_reported_only_where_the_measurement_says_it_pays(measured: Any) -> None:
    measured(_stored(
        py3_10={"": 1.3, "comprehension": 1.51}, py3_11={"": 1.19, "comprehension": 1.02}, py3_13={"": 1.2},
    ))
    assert _codes(COMPREHENSION, (3, 10)) == ["PFL101"]
    assert _codes(COMPREHENSION, (3, 11)) == []  # measured: no gain there
    assert _codes(LOOP, (3, 11)) == ["PFL101"]  # the loop case pays
    assert _codes(COMPREHENSION, (3, 12)) == ["PFL101"]  # never measured there: no evidence to stay silent
    assert _codes(COMPREHENSION, (3, 13)) == ["PFL101"]  # measured, but not that case


def test_a_case_whose_programs_changed_is_stale_alone(measured: Any) -> None:
    stored = _stored(py3_11={"": 1.19, "comprehension": 1.02})
    stored["PFL101"]["3.11"]["cases"][1]["fingerprint"] = "changed-since"
    measured(stored)
    figures = speedups.figures(PFL101, speedups.load())
    assert [t.case for t in figures[(3, 11)].cases] == [""]
    assert _codes(COMPREHENSION, (3, 11)) == ["PFL101"]


def test_nearest_takes_the_closest_measured_interpreter(measured: Any) -> None:
    measured(_stored(py3_9={"": 1.5}, py3_11={"": 1.19}, py3_13={"": 1.2}))
    stored = speedups.load()
    assert [speedups.nearest(PFL101, v, stored).version for v in [(3, 9), (3, 10), (3, 12), (3, 14), (3, 8)]] == [  # type: ignore[union-attr]
        (3, 9), (3, 9), (3, 11), (3, 13), (3, 9)
    ]
    assert speedups.nearest(RULES["PFL310"], (3, 11), stored) is None


def test_explain_shows_the_interpreter_asked_for_and_the_others(measured: Any) -> None:
    measured(_stored(py3_9={"": 1.5, "comprehension": 1.54}, py3_11={"": 1.19, "comprehension": 1.02}))
    text = docs.explain_text("PFL101", (3, 11)) or ""
    assert "Measured speedup: 1.02x (comprehension), " in text and "on CPython 3.11.0." in text
    assert "gain is below 1.1x in at least one case on Python 3.11" in text
    assert "Measured on other interpreters: CPython 3.9.0 1.5x, 1.54x (comprehension)." in text
    assert "Speedup on Python 3.12: not measured yet" in (docs.explain_text("PFL101", (3, 12)) or "")
    row = next(line for line in docs.markdown_table().splitlines() if line.startswith("| PFL101 "))
    assert "| 1.5x, 1.54x (comprehension) | - | 1.19x, 1.02x (comprehension) (small) | - | - |" in row


def test_stored_speedups_are_part_of_the_cache_fingerprint() -> None:
    assert str(Path("measure", "measured.json")) in [name for name, _, _ in cache._code_fingerprint()]


def test_the_stored_file_covers_every_rule_with_current_cases() -> None:
    """Every rule was measured somewhere (a case added since may wait for the next run)."""
    stored = speedups.load()
    missing = [rule.code for rule in all_rules() if rule.bench is not None and not speedups.figures(rule, stored)]
    assert missing == []


def test_pairs_time_in_another_interpreter_with_only_the_standard_library() -> None:
    assert PFL101.bench is not None
    request = {
        "quick": True,
        "pairs": [
            {"code": "PFL101", "size": 10_000, "requires": [],
             "cases": [vars(p) for p in speedups.programs(PFL101.bench)]},
            {"code": "PFL999", "size": 10, "requires": ["no_such_module_for_perflint"], "cases": []},
            {"code": "PFL998", "size": 10, "requires": [],
             "cases": [{"label": "", "setup": "", "before": "def run():\n    return 1", "after": "def run():\n    return 2"}]},
        ],
    }
    # -S -I: no site-packages (so no libcst, no click), only perflint's src on the path
    code = f"import sys; sys.path.insert(0, {str(SRC)!r}); import runpy; runpy.run_module('perflint.measure.timing', run_name='__main__')"
    done = subprocess.run([sys.executable, "-S", "-I", "-c", code], input=json.dumps(request),
                          capture_output=True, text=True, check=True)
    answer = json.loads(done.stdout)
    assert answer["interpreter"].startswith("CPython ")
    results = answer["results"]
    assert [c["case"] for c in results["PFL101"]["cases"]] == ["", "comprehension"]
    assert all(c["size"] == 200 and c["speedup"] > 0 for c in results["PFL101"]["cases"])
    assert results["PFL999"] == {"skipped": "needs no_such_module_for_perflint"}
    assert results["PFL998"] == {"error": "before and after disagree: 1 != 2"}
    assert "PFL101: " in done.stderr


def test_the_policy_reads_the_lowest_speedup_of_the_targets_interpreter(measured: Any) -> None:
    measured(_stored(py3_9={"": 1.5, "comprehension": 1.54}, py3_11={"": 12.0, "comprehension": 11.0}))
    assert speedups.lowest_speedup("PFL101", (3, 9)) == 1.5
    assert speedups.lowest_speedup("PFL101", (3, 12)) == 11.0  # the closest measured: 3.11
    assert speedups.lowest_speedup("PFL310", (3, 11)) is None
