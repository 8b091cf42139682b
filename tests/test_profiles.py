"""`check --profile`: real profiles of a sample program rank the hot finding first.

The cProfile profile is made here; the py-spy and line_profiler ones are committed real
outputs (tests/data/profiles/README.md says how they were made).
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perflint.faces import hotspots
from perflint.faces.cli import main
from perflint.measure import profiles

DATA = Path(__file__).parent / "data" / "profiles"
HOT, COLD, NEVER = 16, 22, 26  # the PFL310 findings of sample.py


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--select", "PFL310", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _ranked_lines(out: str) -> list[int]:
    return [int(m.group(1)) for m in re.finditer(r"^.*sample\.py:(\d+):\d+: PFL310", out, re.MULTILINE)]


@pytest.fixture()
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """sample.py in the current directory, named relatively (the profiles name it
    `sample.py`, `/app/sample.py` or by a path relative to elsewhere)."""
    shutil.copy(DATA / "sample.py", tmp_path / "sample.py")
    monkeypatch.chdir(tmp_path)
    return Path("sample.py")


def test_cprofile_ranks_the_hot_loop_first(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = Path("run").absolute()
    run.mkdir()
    shutil.copy(sample, run / "sample.py")  # profiled elsewhere, by a relative path
    subprocess.run([sys.executable, "-m", "cProfile", "-o", "prof.out", "sample.py"], cwd=run, check=True,
                   capture_output=True)
    code, out, _ = _check(capsys, "--profile", str(run / "prof.out"), str(sample))
    assert code == 1
    assert _ranked_lines(out) == [HOT, COLD, NEVER]
    hot, cold, never = out.splitlines()[:3]
    share = float(re.search(r"\[([\d.]+)% of run time, 400 calls; ", hot).group(1))  # type: ignore[union-attr]
    assert share > 90  # hot() is nearly the whole run, and no project function runs under it
    assert "51 calls" in cold  # the generator expression holding the finding resumed 51 times
    assert never.endswith("[never ran in the profile]")


def _raw_share() -> float:
    counts = [(line, int(line.rsplit(" ", 1)[1])) for line in (DATA / "sample.raw").read_text().splitlines()]
    return sum(n for line, n in counts if line.startswith(f"<module> (sample.py:39);main (sample.py:34);hot (sample.py:{HOT}) ")) / sum(n for _, n in counts)


def _speedscope_share() -> float:
    document = json.loads((DATA / "sample.speedscope.json").read_text())
    frames, samples = document["shared"]["frames"], document["profiles"][0]["samples"]
    return sum(1 for s in samples if s and frames[s[-1]]["line"] == HOT) / len(samples)


def _line_profiler_share() -> float:
    text = (DATA / "sample.lprof.txt").read_text()
    times = {int(m[1]): float(m[2]) for m in re.finditer(r"^\s+(\d+)\s+\d+\s+([\d.]+)\s", text, re.MULTILINE)}
    main_total = sum(t for line, t in times.items() if 30 <= line <= 35)
    return times[HOT] / main_total  # line_profiler has no total: the entry point's time stands for it


@pytest.mark.parametrize(
    ("name", "args", "expected", "counts"),
    [
        ("sample.raw", (), _raw_share, "samples"),
        ("sample.speedscope.json", (), _speedscope_share, "samples"),
        ("sample.lprof.txt", (), _line_profiler_share, "hits"),
        ("sample.py.lprof", ("--allow-pickle",), _line_profiler_share, "hits"),
    ],
)
def test_line_profiles_rank_the_hot_line_first_with_its_share(
    sample: Path, capsys: pytest.CaptureFixture[str], name: str, args: tuple[str, ...], expected, counts: str
) -> None:
    code, out, _ = _check(capsys, "--profile", str(DATA / name), *args, "--output-format", "json", str(sample))
    assert code == 1
    rows = json.loads(out)
    assert rows[0]["line"] == HOT
    hot = rows[0]["profile"]
    assert hot["share"] == pytest.approx(expected(), abs=1e-4)
    assert (hot["function"], hot["function_line"], hot["count_kind"], hot["scope"]) == ("hot", 13, counts, "line")
    never = next(row for row in rows if row["line"] == NEVER)
    assert never["profile"]["ran"] is False and never is rows[-1]


def test_min_share_hides_colder_findings(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _check(capsys, "--profile", str(DATA / "sample.raw"), "--min-share", "1%", str(sample))
    assert _ranked_lines(out) == [HOT]
    assert "2 colder findings hidden by --min-share." in out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"garbage that is no profile", (), "unknown profile format"),
        (b"{\x00\x01broken marshal", (), "not a cProfile/pstats file"),
        (b'{"profiles": [], "shared": {"frames": 3}}', (), "not a speedscope profile"),
        (b"<module> (sample.py:3) 5\n", ("--profile-format", "speedscope"), "not a speedscope profile"),
        (b"Timer unit: 1e-06 s\n", (), "not a line_profiler report"),
        (b"", ("--profile-format", "lprof"), "--allow-pickle"),
        (b"hot (sample.py) 4\n", (), "no frames with line numbers"),
    ],
)
def test_bad_profiles_fail_in_one_line(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, args: tuple[str, ...], message: str
) -> None:
    bad = tmp_path / "bad.prof"
    bad.write_bytes(content)
    code, out, err = _check(capsys, "--profile", str(bad), *args, str(sample))
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_bad_min_share_and_missing_profile(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(capsys, "--profile", str(DATA / "sample.raw"), "--min-share", "lots", str(sample))[0] == 2
    assert _check(capsys, "--min-share", "1%", str(sample))[0] == 2
    code, _, err = _check(capsys, "--profile", str(sample.parent / "missing.prof"), str(sample))
    assert code == 2 and "missing.prof" in err


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, ("open('pwned', 'w').close()",))


def test_a_pickle_is_never_loaded_without_the_flag_and_never_runs_code(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = tmp_path / "evil.lprof"
    evil.write_bytes(pickle.dumps(_Boom(), protocol=4))
    code, _, err = _check(capsys, "--profile", str(evil), str(sample))
    assert code == 2 and "--allow-pickle" in err
    code, _, err = _check(capsys, "--profile", str(evil), "--allow-pickle", str(sample))
    assert code == 2 and "refusing to load builtins.exec" in err
    assert not (tmp_path / "pwned").exists()


def test_detects_every_format_from_content() -> None:
    expected = {"sample.raw": "collapsed", "sample.speedscope.json": "speedscope",
                "sample.lprof.txt": "line-profiler", "sample.py.lprof": "lprof"}
    for name, fmt in expected.items():
        assert profiles.detect((DATA / name).read_bytes()) == fmt


def test_files_match_absolute_relative_and_shortened_paths() -> None:
    files = hotspots.Files(["src/app/mod.py", "src/app/__init__.py", "lib/other/__init__.py"])
    assert files.match("/srv/checkout/src/app/mod.py") == "src/app/mod.py"
    assert files.match("mod.py") == "src/app/mod.py"
    assert files.match("app/__init__.py") == "src/app/__init__.py"
    assert files.match("__init__.py") is None  # two analyzed files fit: none is chosen
    assert files.match("json/decoder.py") is None


def test_call_profile_leaves_project_callees_to_themselves() -> None:
    """main() runs the whole program, but its own code is cheap: the time of hot() is hot's."""
    source = "def hot():\n    pass\n\n\ndef main():\n    hot()\n    len([])\n"
    main_key, hot_key, len_key = ("app.py", 5, "main"), ("app.py", 1, "hot"), ("~", 0, "<built-in method len>")
    stats = {
        main_key: (1, 1, 0.1, 10.0, {}),
        hot_key: (1, 1, 9.0, 9.0, {main_key: (1, 1, 9.0, 9.0)}),
        len_key: (1, 1, 0.9, 0.9, {main_key: (1, 1, 0.9, 0.9)}),
    }
    table = hotspots.costs(profiles.CallProfile(stats), hotspots.Files(["app.py"]))
    assert table.functions[("app.py", 5, "main")].time == pytest.approx(1.0)  # own 0.1 + len 0.9
    assert table.functions[("app.py", 1, "hot")].time == pytest.approx(9.0)
    assert [s.name for s in hotspots.enclosing(hotspots.spans(source), 6)] == ["main", "<module>"]
