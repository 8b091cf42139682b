"""`perflint bench`: every pair agrees and times; a wrong pair fails loudly; docs use
only measurements of the current pair."""

from __future__ import annotations

import itertools

import pytest

from perflint import docs
from perflint.faces import bench
from perflint.faces.cli import main
from perflint.measure import speedups, timing
from perflint.model import Bench, Case
from perflint.rules.base import Rule, all_rules


def _rule(pair: Bench, code: str = "PFL999") -> type[Rule]:
    return type("Fake", (Rule,), {"code": code, "name": "fake-rule", "message": "m", "bench": pair})


AGREE = Bench(setup="xs = list(range(N))", before="def run():\n    return sum(xs)", after="def run():\n    return sum(xs)")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_pair_agrees_and_times_in_quick_mode(rule: type[Rule]) -> None:
    outcome = bench.measure(rule, quick=True)
    assert not outcome.error
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert all(t.before > 0 and t.after > 0 for t in outcome.timings)


def test_a_disagreeing_pair_is_an_error() -> None:
    wrong = Bench(setup="xs = list(range(N))", before="def run():\n    return sum(xs)", after="def run():\n    return 0")
    outcome = bench.measure(_rule(wrong), quick=True)
    assert outcome.error.startswith("before and after disagree: 19900 != 0") and not outcome.timings
    broken = Bench(setup="", before="def run():\n    return 1 / 0", after="def run():\n    return 0")
    assert "ZeroDivisionError" in bench.measure(_rule(broken), quick=True).error


def test_missing_modules_skip_and_variants_time_each_case() -> None:
    needs = Bench(setup="", before="", after="", requires=("no_such_module_for_perflint",))
    assert bench.measure(_rule(needs)).skipped == "needs no_such_module_for_perflint"
    two = Bench(
        setup=AGREE.setup, before=AGREE.before, after=AGREE.after,
        variants=(Case("reversed", setup="xs = list(range(N, 0, -1))"), Case("wrong", after="def run():\n    return 0")),
    )
    assert bench.measure(_rule(two), quick=True).error == "before and after disagree: 19900 != 0"
    two = Bench(setup=two.setup, before=two.before, after=two.after, variants=two.variants[:1])
    assert [t.case for t in bench.measure(_rule(two), quick=True).timings] == ["", "reversed"]


def test_time_pair_alternates_the_sides_and_gives_times_of_one_call() -> None:
    calls: list[str] = []
    before, after, ratio = timing.time_pair(lambda: calls.append("b"), lambda: calls.append("a"), min_time=0.001, repeats=3)
    assert 0 < before < 0.001 and 0 < after < 0.001 and ratio > 0
    runs = "".join(side for side, _ in itertools.groupby(calls))
    assert runs == "ba" * 4  # the loop counts of each side are found, then 3 turns of a batch each


def test_bench_command_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "--quick", "PFL310"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].startswith(bench.interpreter())
    assert out.splitlines()[1].split()[:4] == ["code", "name", "case", "N"]
    assert "PFL310  in-dict-keys" in out and out.strip().endswith("x")


def test_bench_command_rejects_unknown_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "PFL000"]) == 2
    assert "unknown rule selector" in capsys.readouterr().err


def test_docs_show_only_measurements_of_the_current_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = next(r for r in all_rules() if r.code == "PFL310")
    assert rule.bench is not None
    own = speedups.programs(rule.bench)[0]
    case = {"case": "", "fingerprint": speedups.fingerprint(own, rule.bench.size), "size": 10_000,
            "before": 2e-3, "after": 2e-3 / 1.05, "speedup": 1.05}
    stored = {"PFL310": {"3.99": {"interpreter": "CPython 3.99.0", "cases": [case]}}}
    monkeypatch.setattr(speedups, "load", lambda: stored)
    text = docs.explain_text("PFL310", (3, 99)) or ""
    assert "Measured speedup: 1.05x, 2 ms -> 1.9 ms per run at N=10,000 on CPython 3.99.0." in text
    assert "gain is below 1.1x" in text
    assert "| PFL310 | in-dict-keys | yes | constant | safe | - | - | - | - | - | 1.05x (small) |" in docs.markdown_table()
    monkeypatch.setattr(speedups, "load", lambda: {"PFL310": {"3.99": {"interpreter": "CPython 3.99.0", "cases": [{**case, "fingerprint": "stale"}]}}})
    assert "Speedup on Python 3.99: not measured yet" in (docs.explain_text("PFL310", (3, 99)) or "")
