"""`--output-format json|sarif|github`: parseable, valid, and saying what text does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from cli_helpers import FAST, QUEUE, SLOW, apply_edits, on_a_terminal, perflint, write

from perflint.engine import runner
from perflint.faces import output

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
def test_json_lists_findings_with_their_fix_edits(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint("--select", "PFL310", "--output-format", "json", "slow.py", cwd=tmp_path)
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)
    assert {k: v for k, v in finding.items() if k != "fix"} == {
        "code": "PFL310", "name": "in-dict-keys",
        "message": "use `key in dict` instead of `key in dict.keys()`",
        "path": "slow.py", "cell": None, "line": 4, "column": 12, "end_line": 4, "end_column": 31,
        "impact": "constant", "bounded": None,
    }
    assert finding["fix"]["applicability"] == "safe"
    assert finding["fix"]["edits"] == [
        {"cell": None, "line": 4, "column": 24, "end_line": 4, "end_column": 31, "content": ""}
    ]
    assert apply_edits(SLOW, finding["fix"]["edits"]) == FAST


def test_json_edits_of_an_unsafe_fix_reproduce_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "queue.py", QUEUE)
    result = perflint("--select", "PFL303", "--output-format", "json", "queue.py", cwd=tmp_path)
    [finding] = json.loads(result.stdout)
    assert finding["fix"]["applicability"] == "unsafe" and len(finding["fix"]["edits"]) == 3
    perflint("--select", "PFL303", "--fix", "--unsafe-fixes", "queue.py", cwd=tmp_path)
    assert apply_edits(QUEUE, finding["fix"]["edits"]) == path.read_text(encoding="utf-8")


def test_json_fix_is_null_when_nothing_can_be_applied(tmp_path: Path) -> None:
    write(tmp_path / "loop.py", "def f(items):\n    xs = list(items)\n    while xs:\n        xs = xs[1:]\n")
    result = perflint("--select", "PFL314", "--output-format", "json", "loop.py", cwd=tmp_path)
    [finding] = json.loads(result.stdout)
    assert finding["code"] == "PFL314" and finding["fix"] is None


def test_json_lists_files_that_could_not_be_parsed(tmp_path: Path) -> None:
    """An entry of the findings' shape whose code is null: the path, the reason, the place."""
    write(tmp_path / "broken.py", "def broken(:\n    pass\n")
    write(tmp_path / "slow.py", SLOW)
    result = perflint("--select", "PFL310", "--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 2
    broken, finding = json.loads(result.stdout)
    assert finding["code"] == "PFL310"
    assert broken == {
        "code": None, "name": None, "message": "cannot parse: invalid syntax at line 1, column 12",
        "path": "broken.py", "line": 1, "column": 12, "end_line": 1, "end_column": 12,
        "fix": None, "impact": None, "bounded": None,
    }
    cached = perflint("--select", "PFL310", "--output-format", "json", ".", cwd=tmp_path)
    assert cached.stdout == result.stdout  # the place survives the results cache


def test_json_statistics(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint("--select", "PFL310", "--statistics", "--output-format", "json", ".", cwd=tmp_path)
    assert json.loads(result.stdout) == [{"code": "PFL310", "name": "in-dict-keys", "count": 1, "fixable": True}]


def test_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "slow.py", SLOW)
    write(tmp_path / "pkg" / "broken.py", "def f(:\n")
    result = perflint("--select", "PFL3", "--output-format", "sarif", ".", cwd=tmp_path)
    assert result.returncode == 2
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(rule["help"]["text"] and rule["id"].startswith("PFL3") for rule in rules)
    [finding] = run["results"]
    assert rules[finding["ruleIndex"]]["id"] == finding["ruleId"] == "PFL310"
    assert finding["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "pkg/slow.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 12, "endLine": 4, "endColumn": 31},
    }
    assert run["invocations"][0]["executionSuccessful"] is False
    [error] = run["invocations"][0]["toolExecutionNotifications"]
    assert error["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 7}


def test_sarif_schema_rejects_a_broken_log() -> None:
    """The schema file is really the SARIF schema: it rejects what SARIF forbids."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {}}]}]}
    assert list(jsonschema.Draft4Validator(schema).iter_errors(bad))


def test_github_annotations(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    write(tmp_path / "broken.py", "def f(:\n")
    result = perflint("--select", "PFL310", "--output-format", "github", ".", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::warning file=slow.py,line=4,col=12,title=PFL310::PFL310 use `key in dict` instead of `key in dict.keys()`"
    )
    assert re.fullmatch(r"::error file=broken\.py,line=1,col=7,title=perflint::cannot parse.*", lines[1])
    assert len(lines) == 2


FULL_SLOW = """slow.py:4:12: PFL310 [*] use `key in dict` instead of `key in dict.keys()`
  |
4 |         if word in seen.keys():
  |            ^^^^^^^^^^^^^^^^^^^
  |
  = fix (safe: applied by --fix)
  |
4 -         if word in seen.keys():
4 +         if word in seen:
  |

"""


def test_full_output_shows_the_source_a_caret_and_the_fix_as_a_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint("--select", "PFL310", "--output-format", "full", "slow.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == FULL_SLOW + "1 finding, 1 fixable with --fix.\n"

    def analyzed(*args: object) -> None:
        raise AssertionError("analyzed again: the results cache kept no fix edits")

    monkeypatch.setattr(runner, "run_file", analyzed)
    again = perflint("--select", "PFL310", "--output-format", "full", "slow.py", cwd=tmp_path)
    assert again.stdout == result.stdout


def test_full_output_of_an_unsafe_fix_that_adds_an_import(tmp_path: Path) -> None:
    """Each edit's lines numbered in its file: what follows the import moves down."""
    write(tmp_path / "queue.py", QUEUE)
    result = perflint("--select", "PFL303", "--output-format", "full", "queue.py", cwd=tmp_path)
    assert result.stdout.startswith(
        "queue.py:4:16: PFL303 `list.pop(0)` is O(n): use `collections.deque` and `popleft()`\n"
        "  |\n4 |         item = queue.pop(0)\n  |                ^^^^^^^^^^^^\n  |\n"
        "  = unsafe fix: make `queue` a deque (applied by --fix --unsafe-fixes: it may change behaviour"
        " in an edge case, see perflint explain PFL303)\n"
        "  |\n1 + import collections\n2 +\n3 +\n2 -     queue = list(items)\n5 +     queue = collections.deque(items)\n"
        "4 -         item = queue.pop(0)\n7 +         item = queue.popleft()\n  |\n\n"
    )


def test_full_output_of_stdin_and_of_a_file_with_many_fixes(tmp_path: Path) -> None:
    """The source shown is the one read; past `FIX_PREVIEWS` fixable findings in a file
    (each diff costs a transformation of the whole file) the fix is named without a diff."""
    piped = perflint("--select", "PFL310", "--output-format", "full", "-", "--stdin-filename", "slow.py",
                     cwd=tmp_path, stdin=SLOW.encode())
    assert piped.stdout.decode().startswith(FULL_SLOW)
    many = "\n\n".join(SLOW.replace("first_seen", f"f{n}") for n in range(output.FIX_PREVIEWS + 1))
    write(tmp_path / "many.py", many)
    result = perflint("--select", "PFL310", "--output-format", "full", "many.py", cwd=tmp_path)
    assert result.stdout.count("= fix (safe: applied by --fix)") == output.FIX_PREVIEWS + 1
    assert " + " not in result.stdout and "^^^" in result.stdout


def test_text_is_concise_under_its_old_name_and_the_default_off_a_terminal(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    concise = perflint("--select", "PFL310", "--output-format", "concise", "slow.py", cwd=tmp_path).stdout
    assert concise.splitlines()[0] == "slow.py:4:12: PFL310 [*] use `key in dict` instead of `key in dict.keys()`"
    assert perflint("--select", "PFL310", "--output-format", "text", "slow.py", cwd=tmp_path).stdout == concise
    assert perflint("--select", "PFL310", "slow.py", cwd=tmp_path).stdout == concise


def test_on_a_terminal_full_is_the_default_in_colour_unless_no_color(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    _, _, shown = on_a_terminal("--select", "PFL310", "slow.py", cwd=tmp_path, stdout_too=True)
    assert "\x1b[31m\x1b[1mPFL310\x1b[0m" in shown and "\x1b[32m4 +         if word in seen:\x1b[0m" in shown
    _, _, plain = on_a_terminal("--select", "PFL310", "slow.py", cwd=tmp_path, stdout_too=True, env={"NO_COLOR": "1"})
    assert plain.replace("\r\n", "\n") == FULL_SLOW + "1 finding, 1 fixable with --fix.\n"
