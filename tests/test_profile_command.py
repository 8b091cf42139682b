"""`perflint profile PATH -- COMMAND`: the command runs under a profiler in a process of
its own, and the findings come back ranked by share, with an estimated saving."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from perflint.faces import profile_report
from perflint.faces.cli import main
from perflint.faces.hotspots import Heat
from perflint.measure import profile_run, speedups
from perflint.measure.timing import Timing
from perflint.rules.base import all_rules

APP = '''import sys

SCALE = 3


def count_known(words, size):
    vocabulary = [f"w{i}" for i in range(size)]
    count = 0
    for word in words:
        if word in vocabulary:
            count += 1
    return count


def scaled(xs):
    out = []
    for x in xs:
        out.append(x * SCALE)
    return out


def main():
    words = [f"w{i % 4000}" for i in range(8000)]
    print(count_known(words, 2000), len(scaled(range(100))))
    if len(sys.argv) > 1:
        sys.exit(int(sys.argv[1]))


main()
'''
HOT = 10  # PFL301 in count_known; PFL401 and PFL102 (opt-in) in scaled, which hardly runs
FINDING = re.compile(r"^app\.py:(\d+):\d+: (PFL\d+) .*  \[<?([\d.]+)% of run time, 1 call; (.*)\]$")


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _profile(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["profile", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _findings(out: str) -> list[tuple[int, str, float, str]]:
    return [(int(m[1]), m[2], float(m[3]), m[4]) for m in map(FINDING.match, out.splitlines()) if m]


def test_a_python_script_is_profiled_and_the_hot_finding_ranked_first(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _profile(capsys, "--min-share", "0", "app.py", "--", sys.executable, "app.py")
    assert code == 1
    assert "4000 100" in err and "4000 100" not in out  # the program's output goes to stderr
    found = _findings(out)
    assert [(line, rule) for line, rule, _, _ in found] == [(HOT, "PFL301"), (17, "PFL401"), (18, "PFL102")]  # opt-in too
    share, saving = found[0][2], found[0][3]
    assert share > 80
    assert re.fullmatch(r"est\. saving [\d.]+% \([\d.]+x on CPython 3\.\d+\.\d+\)", saving)


def test_min_share_hides_cold_findings_by_default(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _profile(capsys, "app.py", "--", sys.executable, "app.py")
    assert code == 1 and [rule for _, rule, _, _ in _findings(out)] == ["PFL301"]
    assert "2 colder findings hidden by --min-share." in out


def test_select_narrows_the_rules(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _profile(capsys, "--select", "PFL102", "--min-share", "0", "app.py", "--", sys.executable, "app.py")
    assert code == 1 and [rule for _, rule, _, _ in _findings(out)] == ["PFL102"]


def test_a_module_runs_with_its_arguments_and_a_failing_command_still_gets_its_report(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _profile(capsys, "app.py", "--", sys.executable, "-X", "utf8", "-m", "app", "3")
    assert code == 1 and _findings(out)[0][1] == "PFL301"
    assert "perflint: warning: `" in err and "-m app 3` exited with status 3; the report covers the run up to there" in err


def test_an_uncaught_exception_is_a_failing_command(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / "app.py").write_text(APP.replace("main()\n", "main()\nraise RuntimeError('late')\n"), encoding="utf-8")
    code, out, err = _profile(capsys, "app.py", "--", sys.executable, "app.py")
    assert code == 1 and _findings(out)[0][1] == "PFL301"
    assert "RuntimeError: late" in err and "exited with status 1" in err


def test_the_program_runs_as_python_m_cprofile_would_run_it(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / "probe.py").write_text(
        "import os, sys\nprint('ARGV', sys.argv, __name__)\n"
        "print('OURS', [p for p in sys.path if os.path.isfile(os.path.join(p, 'cprofile_main.py'))])\n"
        "print('CWD', sys.path[1] == os.getcwd())\n",
        encoding="utf-8",
    )
    code, _, err = _profile(capsys, "app.py", "--", sys.executable, "probe.py", "a", "--flag")
    assert code == 0  # app.py never ran: no finding is hot
    assert "ARGV ['probe.py', 'a', '--flag'] __main__" in err
    assert "OURS []" in err and "CWD True" in err  # nothing of perflint on its path


def test_a_console_script_runs_in_the_python_of_its_shebang(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = app / "bin"
    bin_dir.mkdir()
    script = bin_dir / "count-words"
    script.write_text(f"#!{sys.executable}\nimport runpy\nrunpy.run_path('app.py', run_name='__main__')\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    code, out, _ = _profile(capsys, "app.py", "--", "count-words")
    assert code == 1 and _findings(out)[0][1] == "PFL301"


@pytest.mark.parametrize(
    ("head", "python"),
    [
        ("#!/usr/bin/python3.12 -E\n", "/usr/bin/python3.12"),
        ("#!/usr/bin/env python3\n", shutil.which("python3")),
        ("#!/bin/sh\n'''exec' \"/long path/bin/python\" \"$0\" \"$@\"\n' '''\n", "/long path/bin/python"),
        ("#!/bin/bash\necho hi\n", None),
        ("print('no shebang')\n", None),
    ],
)
def test_shebangs_that_name_a_python(tmp_path: Path, head: str, python: str | None) -> None:
    script = tmp_path / "tool"
    script.write_text(head, encoding="utf-8")
    assert profile_run.shebang_python(str(script)) == python


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ([], "give the command to profile after `--`"),
        (["no-such-command-for-perflint"], "cannot run `no-such-command-for-perflint`: no such command"),
        (["app.py"], "no such command (to profile a script, name its interpreter: -- python SCRIPT)"),
        ([sys.executable, "missing.py"], "cannot run the command: no such file: missing.py"),
        ([sys.executable, "-m", "no_such_module_for_perflint"], "no module named no_such_module_for_perflint"),
        ([sys.executable, "-c", "pass"], "not `-c` code or stdin"),
        ([sys.executable], "name the script or `-m module`"),
    ],
)
def test_a_command_that_cannot_start_is_one_line_and_exit_2(
    app: Path, capsys: pytest.CaptureFixture[str], command: list[str], message: str
) -> None:
    code, out, err = _profile(capsys, "app.py", "--", *command)
    assert code == 2 and not out
    assert err.count("\n") == 1 and message in err and err.startswith("perflint: error: ")


def test_no_separator_is_a_usage_error(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _profile(capsys, "app.py", sys.executable, "app.py")
    assert code == 2 and "after `--`" in err


def test_another_command_needs_py_spy(app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_run, "find_py_spy", lambda: None)
    code, _, err = _profile(capsys, "app.py", "--", "true")
    assert code == 2 and "install py-spy to profile other commands" in err


@pytest.mark.skipif(profile_run.find_py_spy() is None or shutil.which("sh") is None, reason="needs py-spy and sh")
def test_another_command_runs_under_py_spy_and_keeps_its_exit_status(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / "app.py").write_text(APP.replace("range(8000)", "range(100_000)"), encoding="utf-8")  # long enough to sample
    script = app / "run.sh"
    script.write_text(f"#!/bin/sh\n'{sys.executable}' app.py\nexit 4\n", encoding="utf-8")
    script.chmod(0o755)
    code, out, err = _profile(capsys, "--min-share", "0", "app.py", "--", "./run.sh")
    if "Permission denied" in err or "ptrace" in err.lower():
        pytest.skip("py-spy may not trace processes here")
    assert "exited with status 4" in err
    assert code == 1 and "PFL301" in out.splitlines()[0] and "samples" in out.splitlines()[0]


def test_the_saved_profile_reads_later_with_check_profile(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _profile(capsys, "--save-profile", "kept.prof", "app.py", "--", sys.executable, "app.py")
    assert code == 1 and (app / "kept.prof").is_file()
    assert main(["--select", "PFL301", "--profile", "kept.prof", "app.py"]) == 1
    again = capsys.readouterr().out
    assert again.splitlines()[0].split("  [")[0] == out.splitlines()[0].split("  [")[0]


def test_json_carries_the_share_and_the_saving(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _profile(capsys, "--output-format", "json", "app.py", "--", sys.executable, "app.py")
    rows = json.loads(out)
    assert code == 1 and [row["code"] for row in rows] == ["PFL301"]
    numbers = rows[0]["profile"]
    assert numbers["saving"] == pytest.approx(numbers["share"] * (1 - 1 / numbers["speedup"]), abs=1e-6)
    assert numbers["speedup_interpreter"].startswith("CPython 3.")


def _heat(share: float, innermost: str = "f") -> Heat:
    return Heat("f", 1, share, share, 1, "calls", "function", innermost)


def test_the_saving_uses_the_closest_measured_interpreter_and_the_comprehension_case(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = next(r for r in all_rules() if r.code == "PFL101")
    stored: dict[str, Any] = {"PFL101": {
        "3.9": speedups.entry(rule, [Timing("", 1, 2.0, 1.0, 2.0), Timing("comprehension", 1, 1.0, 1.0, 1.0)], "CPython 3.9.18"),
        "3.13": speedups.entry(rule, [Timing("", 1, 4.0, 1.0, 4.0)], "CPython 3.13.0"),
    }}
    monkeypatch.setattr(speedups, "load", lambda: stored)
    found = profile_report.saving("PFL101", _heat(0.5), (3, 10))
    assert found == profile_report.Saving(0.25, 2.0, "CPython 3.9.18")
    assert profile_report.describe_saving(found) == "est. saving 25.0% (2x on CPython 3.9.18)"
    assert profile_report.saving("PFL101", _heat(0.5), (3, 12)) == profile_report.Saving(0.375, 4.0, "CPython 3.13.0")
    inside = profile_report.saving("PFL101", _heat(0.5, "<listcomp>"), (3, 9))
    assert profile_report.describe_saving(inside) == "no saving (1x on CPython 3.9.18)"
    assert profile_report.describe_saving(profile_report.saving("PFL310", _heat(0.5), (3, 9))) == "saving not measured"
    assert profile_report.saving("PFL101", Heat("f", 1, None, None, None, "calls", "function"), (3, 9)) is None
