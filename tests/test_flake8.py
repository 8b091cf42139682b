"""The flake8 plugin, run through real flake8, reports what the `perflint` command reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_helpers import QUEUE, SLOW, perflint, write

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
GLOBAL = '''LIMIT = 10


def over(xs):
    out = []
    for x in xs:
        if x > LIMIT:
            out.append(x)
    return out
'''

Finding = tuple[str, int, int, str]


def flake8(*args: str, cwd: Path) -> set[Finding]:
    """Findings of `flake8 --isolated ARGS` (no user or project flake8 configuration)."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1) and not result.stderr, result.stderr
    return _parse(result.stdout)


def _parse(output: str) -> set[Finding]:
    found = set()
    for line in output.splitlines():
        location, _, rest = line.partition(": ")
        path, row, column = location.rsplit(":", 2)
        found.add((Path(path).as_posix(), int(row), int(column), rest.split()[0]))
    return found


def cli(*args: str, cwd: Path) -> set[Finding]:
    return _parse(perflint("--exit-zero", "--quiet", *args, cwd=cwd).stdout)


def test_flake8_reports_exactly_what_perflint_reports_on_the_fixtures() -> None:
    """`flake8 --select PFL` turns the plugin on; which findings it reports is perflint's
    default policy, as for `perflint` without a selection."""
    via_flake8 = flake8("--select", "PFL", "tests/fixtures", cwd=ROOT)
    assert via_flake8, "the fixtures have findings"
    assert via_flake8 == cli("tests/fixtures", cwd=ROOT)


def test_same_findings_under_the_same_configuration(tmp_path: Path) -> None:
    for folder in ("top", "sub"):
        write(tmp_path / folder / "mod.py", SLOW + "\n\n" + QUEUE)
    write(
        tmp_path / "pyproject.toml",
        '[tool.perflint]\nextend-select = ["PFL310"]\nignore = ["PFL303"]\nper-file-ignores = {"sub/*" = ["PFL310"]}\n',
    )
    expected = {("top/mod.py", 4, 12, "PFL310")}
    assert cli(".", cwd=tmp_path) == expected
    assert {(path.removeprefix("./"), *rest) for path, *rest in flake8("--select", "PFL", ".", cwd=tmp_path)} == expected


# Configurations of the parity test, one folder each: none (the defaults), opt-in rules
# added by code and by name, every rule, and a narrow selection with per-file-ignores.
CONFIGURATIONS = {
    "defaults": None,
    "opted_in": 'extend-select = ["PFL102", "await-in-loop", "dataclass-without-slots"]\nignore = ["PFL303"]',
    "everything": 'select = ["PFL"]\ntarget-version = "py310"',
    "narrow": 'select = ["PFL3", "PFL5"]\nper-file-ignores = {"pfl5_*" = ["PFL501"]}\ntarget-version = "py39"',
}
PARITY_FIXTURES = ("pfl1_loops.py", "pfl3_sequences.py", "pfl5_caching.py", "pfl7_regex_io_async.py")
OPT_IN = {"PFL102", "PFL503", "PFL702"}


def test_flake8_select_pfl_reports_what_perflint_reports_under_every_configuration(tmp_path: Path) -> None:
    """One run over folders with different configurations, from outside the project:
    each file's configuration is found next to it by both faces, opt-in rules run where
    it selects them (by code, by name, by `PFL`) and nowhere else."""
    project = tmp_path / "project"
    for folder, table in CONFIGURATIONS.items():
        for name in PARITY_FIXTURES:
            write(project / folder / name, (FIXTURES / name).read_text(encoding="utf-8"))
        if table is not None:
            write(project / folder / "pyproject.toml", f"[tool.perflint]\n{table}\n")
    via_flake8 = flake8("--select", "PFL", "project", cwd=tmp_path)
    via_cli = cli("project", cwd=tmp_path)
    assert via_flake8 == via_cli
    codes = {folder: {code for path, _, _, code in via_cli if path.split("/")[1] == folder} for folder in CONFIGURATIONS}
    assert codes["opted_in"] & OPT_IN == OPT_IN and "PFL303" not in codes["opted_in"]
    assert codes["everything"] & OPT_IN == OPT_IN
    assert not codes["defaults"] & OPT_IN and codes["narrow"] <= {f"PFL{n}" for n in range(300, 600)}
    plain = {finding for finding in flake8("project/opted_in", cwd=tmp_path) if finding[3].startswith("PFL")}
    assert plain == {finding for finding in via_cli if finding[0].startswith("project/opted_in/")}, (
        "plain flake8 selects every plugin, and the configuration's opt-in rules with it"
    )


def test_flake8_options_opt_in_by_code_or_name(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", GLOBAL)
    expected = ("mod.py", 7, 16, "PFL102")
    assert expected in flake8("--extend-select", "global-name-in-loop", "mod.py", cwd=tmp_path)
    assert expected in flake8("--select", "PFL102", "mod.py", cwd=tmp_path)


def test_flake8_noqa_silences_a_code(tmp_path: Path) -> None:
    write(tmp_path / "queue.py", QUEUE)
    assert flake8("--select", "PFL", "queue.py", cwd=tmp_path) == {("queue.py", 4, 16, "PFL303")}
    write(tmp_path / "queue.py", QUEUE.replace("queue.pop(0)", "queue.pop(0)  # noqa: PFL303"))
    assert flake8("--select", "PFL", "queue.py", cwd=tmp_path) == set()
    assert cli("queue.py", cwd=tmp_path) == set()


def test_file_level_noqa_holds_under_flake8(tmp_path: Path) -> None:
    write(tmp_path / "queue.py", "# perflint: noqa: PFL303\n" + QUEUE)
    assert flake8("--select", "PFL", "queue.py", cwd=tmp_path) == set()


def test_opt_in_rules_need_an_explicit_selection(tmp_path: Path) -> None:
    write(tmp_path / "mod.py", GLOBAL)
    expected = ("mod.py", 7, 16, "PFL102")
    assert expected not in flake8("mod.py", cwd=tmp_path)
    assert expected not in cli("mod.py", cwd=tmp_path)
    assert expected in flake8("--extend-select", "PFL102", "mod.py", cwd=tmp_path)
    assert expected not in flake8("--select", "PFL1", "mod.py", cwd=tmp_path), "a prefix is not a name"
    assert expected in cli("--extend-select", "PFL102", "mod.py", cwd=tmp_path)


_REUSE = '''
import sys
from flake8.main import cli
from perflint.engine import triage

def no_second_parse(text):
    raise AssertionError("triage parsed again")

triage.parse = no_second_parse
status = cli.main(["--isolated", "--select", "PFL", *sys.argv[1:]])
print("libcst" in sys.modules)
sys.exit(status)
'''


def test_flake8_hands_its_tree_to_triage_and_a_cleared_file_imports_no_libcst(tmp_path: Path) -> None:
    write(tmp_path / "plain.py", "def f(x):\n    return x + 1\n")
    write(tmp_path / "slow.py", "def f(xs: list):\n    while xs:\n        print(xs.pop(0))\n")
    run = [sys.executable, "-c", _REUSE]
    cleared = subprocess.run([*run, "plain.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (cleared.returncode, cleared.stdout, cleared.stderr) == (0, "False\n", "")
    kept = subprocess.run([*run, "slow.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert kept.returncode == 1 and "PFL303" in kept.stdout and kept.stdout.endswith("True\n"), kept.stdout + kept.stderr
