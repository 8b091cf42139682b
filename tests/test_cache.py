"""The results cache never serves a stale result, and the process pool changes nothing.

Each test runs the real command twice or more with the cache on (its default) and checks
that what the second run prints is what a cold run prints for the tree as it is then. A
run that the cache must answer is proved to: the analysis is made to fail loudly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from cli_helpers import FAST, SLOW, perflint, write

from perflint.engine import cache, runner

SELECT = ("--select", "PFL310", "--jobs", "1")
FIXTURES = Path(__file__).parent / "fixtures"
# PFL103 only matters below 3.11, so the target version changes what this file gives.
TRY_IN_LOOP = "def f(xs):\n    for x in xs:\n        try:\n            g(x)\n        except ValueError:\n            break\n"


@pytest.fixture
def analysis_forbidden(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Within it, analyzing any file fails the test: the cache must answer."""
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a file was analyzed instead of answered from the cache")

    with monkeypatch.context() as patch:
        patch.setattr(runner, "run_source", refuse)
        yield


def _cold(tmp_path: Path, *args: str) -> str:
    return perflint(*args, "--no-cache", ".", cwd=tmp_path).stdout


def test_unchanged_tree_is_answered_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "slow.py", SLOW)
    first = perflint(*SELECT, ".", cwd=tmp_path)
    assert first.returncode == 1
    assert (tmp_path / ".perflint_cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("analyzed again")

    monkeypatch.setattr(runner, "run_source", refuse)
    second = perflint(*SELECT, ".", cwd=tmp_path)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)


def test_a_changed_file_is_analyzed_again(tmp_path: Path) -> None:
    path = write(tmp_path / "slow.py", SLOW)
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 1
    path.write_text(FAST, encoding="utf-8")
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 0
    path.write_text(SLOW + "\n\n" + SLOW.replace("first_seen", "again"), encoding="utf-8")
    result = perflint(*SELECT, ".", cwd=tmp_path)
    assert result.stdout == _cold(tmp_path, *SELECT)
    assert result.stdout.count("PFL310") == 2


def test_a_different_rule_selection_is_not_answered_with_old_results(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 1
    assert perflint("--select", "PFL301", "--jobs", "1", ".", cwd=tmp_path).returncode == 0
    assert perflint("--ignore", "PFL310", "--jobs", "1", ".", cwd=tmp_path).returncode == 0
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 1


def test_a_configuration_change_is_seen(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    write(tmp_path / "pyproject.toml", '[tool.perflint]\nextend-select = ["PFL310"]\n')
    assert perflint("--jobs", "1", ".", cwd=tmp_path).returncode == 1
    write(tmp_path / "pyproject.toml", '[tool.perflint]\nextend-select = ["PFL310"]\nignore = ["PFL310"]\n')
    assert perflint("--jobs", "1", ".", cwd=tmp_path).returncode == 0
    write(tmp_path / "pyproject.toml", "[tool.perflint]\n")
    assert perflint("--jobs", "1", ".", cwd=tmp_path).returncode == 0, "PFL310 is held back by default"
    write(tmp_path / "pyproject.toml", '[tool.perflint]\nextend-select = ["PFL310"]\n')
    assert perflint("--jobs", "1", ".", cwd=tmp_path).returncode == 1


def test_a_different_target_version_is_not_answered_with_old_results(tmp_path: Path) -> None:
    write(tmp_path / "loop.py", TRY_IN_LOOP)
    old = ("--select", "PFL103", "--jobs", "1", "--target-version")
    assert perflint(*old, "py312", ".", cwd=tmp_path).returncode == 0
    assert "PFL103" in perflint(*old, "py39", ".", cwd=tmp_path).stdout
    assert perflint(*old, "py312", ".", cwd=tmp_path).returncode == 0


def test_a_changed_perflint_is_not_answered_with_old_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited rule (another version, or an edited source file) starts a new cache."""
    write(tmp_path / "slow.py", SLOW)
    perflint(*SELECT, ".", cwd=tmp_path)
    calls = []
    real = runner.run_source
    monkeypatch.setattr(runner, "run_source", lambda *a, **k: calls.append(a) or real(*a, **k))
    perflint(*SELECT, ".", cwd=tmp_path)
    assert calls == []
    fingerprint = cache._code_fingerprint()
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: fingerprint + [("rules/new.py", 1, 1)])
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 1
    assert len(calls) == 1


def test_fix_is_not_skipped_by_the_cache_and_leaves_it_true(tmp_path: Path) -> None:
    path = write(tmp_path / "slow.py", SLOW)
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 1
    assert perflint(*SELECT, "--fix", ".", cwd=tmp_path).returncode == 0
    assert path.read_text(encoding="utf-8") == FAST
    assert perflint(*SELECT, ".", cwd=tmp_path).stdout == _cold(tmp_path, *SELECT)
    assert perflint(*SELECT, ".", cwd=tmp_path).returncode == 0


def test_no_cache_writes_nothing_and_cache_dir_moves_it(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    perflint(*SELECT, "--no-cache", ".", cwd=tmp_path)
    assert not (tmp_path / ".perflint_cache").exists()
    perflint(*SELECT, "--cache-dir", "elsewhere", ".", cwd=tmp_path)
    assert not (tmp_path / ".perflint_cache").exists()
    assert list((tmp_path / "elsewhere").glob("results-*.json"))


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    expected = perflint(*SELECT, ".", cwd=tmp_path).stdout
    for stored in (tmp_path / ".perflint_cache").glob("results-*.json"):
        entries = json.loads(stored.read_text(encoding="utf-8"))
        for entry in entries.values():
            entry[2] = [["bad"]]  # a row that cannot be a diagnostic
        stored.write_text(json.dumps(entries), encoding="utf-8")
    assert perflint(*SELECT, ".", cwd=tmp_path).stdout == expected
    for stored in (tmp_path / ".perflint_cache").glob("results-*.json"):
        stored.write_text("{not json", encoding="utf-8")
    assert perflint(*SELECT, ".", cwd=tmp_path).stdout == expected


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_one_and_two_jobs_give_identical_output(tmp_path: Path, output_format: str) -> None:
    shutil.copytree(FIXTURES, tmp_path / "code")
    common = ("--select", "PFL", "--no-cache", "--output-format", output_format, "code")
    one = perflint("--jobs", "1", *common, cwd=tmp_path)
    two = perflint("--jobs", "2", *common, cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stdout.count("PFL") > 100
