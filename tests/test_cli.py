"""The `perflint` command end to end: exit codes, fixing files in place, selection, discovery.

Every test runs the real command (`cli_helpers`: in this process with its own streams, or
as a subprocess; both fail on any traceback) and selects PFL310 explicitly, so rules landing later change nothing here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_helpers import FAST, QUEUE, SLOW, perflint, run_module, write

SELECT = ("--select", "PFL310")


def test_exit_codes_and_finding_lines(tmp_path: Path) -> None:
    write(tmp_path / "fast.py", FAST)
    assert perflint(*SELECT, "fast.py", cwd=tmp_path).returncode == 0
    write(tmp_path / "slow.py", SLOW)
    result = run_module(*SELECT, ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "slow.py:4:12: PFL310 [*] use `key in dict` instead of `key in dict.keys()`"
    assert result.stdout.splitlines()[-1] == "1 finding, 1 fixable with --fix."
    usage = run_module("--no-such-option", cwd=tmp_path)
    assert usage.returncode == 2
    assert usage.stderr.count("\n") == 1 and "--no-such-option" in usage.stderr


def test_missing_path_is_one_line(tmp_path: Path) -> None:
    result = perflint("missing.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "perflint: error: missing.py: no such file or directory\n"


def test_diff_with_nothing_safe_to_fix_says_so_and_exits_0(tmp_path: Path) -> None:
    """As Ruff: `--diff` exits 1 when it would change something, and says when it would not."""
    write(tmp_path / "queue.py", QUEUE)  # an unsafe fix only
    result = perflint("--select", "PFL303", "--diff", "queue.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "No findings would be fixed (1 fixable with --unsafe-fixes).\n")
    unsafe = perflint("--select", "PFL303", "--diff", "--unsafe-fixes", "queue.py", cwd=tmp_path)
    assert unsafe.returncode == 1 and unsafe.stdout.endswith("\nWould fix 1 finding.\n")


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "slow.py", SLOW)
    result = perflint(*SELECT, "--diff", "slow.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "--- slow.py\n+++ slow.py\n" in result.stdout
    assert "-        if word in seen.keys():\n+        if word in seen:\n" in result.stdout
    assert path.read_text(encoding="utf-8") == SLOW
    write(tmp_path / "slow.py", FAST)
    assert perflint(*SELECT, "--diff", "slow.py", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("latin1.py", ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + SLOW).encode("latin-1")),
        ("bom.py", b"\xef\xbb\xbf# caf\xc3\xa9\n" + SLOW.encode()),
        ("crlf.py", SLOW.replace("\n", "\r\n").encode()),
    ],
)
def test_fix_keeps_encoding_newlines_and_mode(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    path.chmod(0o755)
    result = perflint(*SELECT, "--fix", name, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "Fixed 1 finding." in result.stdout
    assert path.read_bytes() == data.replace(b"seen.keys()", b"seen")
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    again = perflint(*SELECT, "--fix", name, cwd=tmp_path)
    assert again.returncode == 0 and "Fixed" not in again.stdout
    assert path.read_bytes() == data.replace(b"seen.keys()", b"seen")


def test_unparseable_file_is_named_left_alone_and_others_still_checked(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.py", "def f(:\n    pass\n")
    slow = write(tmp_path / "slow.py", SLOW)
    result = perflint(*SELECT, "--fix", ".", cwd=tmp_path)
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("broken.py: error: cannot parse")
    assert broken.read_text(encoding="utf-8") == "def f(:\n    pass\n"
    assert slow.read_text(encoding="utf-8") == FAST
    assert result.stdout.splitlines()[-1].endswith("1 file could not be analyzed (see above).")


@pytest.mark.parametrize(
    "source",
    [
        "def broken(:\n    pass\n",  # libcst places it on the next line
        "def f():\n        x = 1\n    y = 2\n",  # an IndentationError: libcst gives no line
        "def f():\n\tx = 1\n        y = 2\n",  # a TabError
        "x = (1,\n",
    ],
)
def test_a_syntax_error_is_placed_where_python_places_it(tmp_path: Path, source: str) -> None:
    write(tmp_path / "broken.py", source)
    try:
        compile(source, "broken.py", "exec")
    except SyntaxError as error:
        expected = f"broken.py: error: cannot parse: {error.msg} at line {error.lineno}, column {error.offset}\n"
    result = perflint("broken.py", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == expected


def test_a_file_only_libcst_rejects_keeps_libcst_s_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where Python's parser accepts what libcst does not (syntax newer than libcst),
    libcst's place is given, 1-based like every column shown, and its token list is not."""
    from perflint.engine import core

    monkeypatch.setattr(core, "_python_syntax_error", lambda source: None)
    write(tmp_path / "broken.py", "x = 1\ndef broken(:\n    pass\n")
    result = perflint("broken.py", cwd=tmp_path)
    assert result.stderr == "broken.py: error: cannot parse: invalid syntax at line 3, column 5\n"


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_is_one_line(tmp_path: Path, option: str) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint(option, "PFL999", "slow.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "'PFL999'" in result.stderr


@pytest.mark.parametrize("selector", ["PFL310", "PFL31", "PFL3", "in-dict-keys", "pfl310,PFL303"])
def test_select_by_code_prefix_or_name(tmp_path: Path, selector: str) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint("--select", selector, "slow.py", cwd=tmp_path)
    assert result.returncode == 1 and "PFL310" in result.stdout


@pytest.mark.parametrize("selector", ["PFL310", "PFL31", "in-dict-keys"])
def test_ignore_by_code_prefix_or_name(tmp_path: Path, selector: str) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint("--select", "PFL3", "--ignore", selector, "slow.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_statistics_counts_per_rule(tmp_path: Path) -> None:
    write(tmp_path / "a.py", SLOW)
    write(tmp_path / "b.py", SLOW + "\n\n" + SLOW.replace("first_seen", "again"))
    result = perflint(*SELECT, "--statistics", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "     3  PFL310  [*] in-dict-keys"


def test_exit_zero(tmp_path: Path) -> None:
    write(tmp_path / "slow.py", SLOW)
    result = perflint(*SELECT, "--exit-zero", "slow.py", cwd=tmp_path)
    assert result.returncode == 0 and "PFL310" in result.stdout


def test_gitignored_and_default_excluded_folders_are_skipped(tmp_path: Path) -> None:
    """As Ruff's defaults: `build` is a package name as often as an output folder (pip's
    `operations/build`), so it is checked unless `.gitignore` says otherwise."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "generated/\n")
    for folder in ("generated", ".venv", "dist", "node_modules", "src", "build", "src/operations/build"):
        write(tmp_path / folder / "slow.py", SLOW)
    result = perflint(*SELECT, ".", cwd=tmp_path)
    paths = {line.split(":")[0] for line in result.stdout.splitlines() if "PFL310" in line}
    assert paths == {os.path.join(*folder.split("/"), "slow.py") for folder in ("src", "build", "src/operations/build")}


def test_no_python_files_found_is_a_warning(tmp_path: Path) -> None:
    """As Ruff: an empty folder, or one whose files are all excluded, warns on stderr; the
    run still succeeds and its output stays what the format says (`[]` for json)."""
    (tmp_path / "empty").mkdir()
    write(tmp_path / "docs" / "notes.txt", "not python\n")
    write(tmp_path / ".venv" / "lib.py", SLOW)
    result = perflint("empty", "docs", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "No findings.\n")
    assert result.stderr == "perflint: warning: no Python files found under empty, docs\n"
    only_excluded = perflint("--output-format", "json", cwd=tmp_path)  # .venv/ is skipped
    assert only_excluded.stdout == "[]\n" and only_excluded.stderr == "perflint: warning: no Python files found under .\n"
    write(tmp_path / "docs" / "mod.py", FAST)
    assert perflint("docs", cwd=tmp_path).stderr == ""


def test_an_ignored_folder_named_on_purpose_is_checked(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "generated/\n")
    write(tmp_path / "generated" / "slow.py", SLOW)
    result = perflint(*SELECT, "generated", cwd=tmp_path)
    assert {line.split(":")[0] for line in result.stdout.splitlines() if "PFL310" in line} == {
        os.path.join("generated", "slow.py")
    }


def test_rules_and_explain(tmp_path: Path) -> None:
    listed = perflint("rules", cwd=tmp_path)
    assert listed.returncode == 0
    assert any(line.split()[:2] == ["PFL310", "in-dict-keys"] for line in listed.stdout.splitlines())
    for selector in ("PFL310", "in-dict-keys"):
        explained = perflint("explain", selector, cwd=tmp_path)
        assert explained.returncode == 0 and explained.stdout.startswith("PFL310 in-dict-keys\n")
    unknown = perflint("explain", "PFL999", cwd=tmp_path)
    assert unknown.returncode == 2 and unknown.stderr == "perflint: error: unknown rule 'PFL999'\n"


def test_stdin_reports_under_the_given_name(tmp_path: Path) -> None:
    result = perflint(*SELECT, "-", "--stdin-filename", "pkg/mod.py", cwd=tmp_path, stdin=SLOW.encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("pkg/mod.py:4:12: PFL310")


def test_stdin_fix_prints_the_fixed_source(tmp_path: Path) -> None:
    source = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + SLOW).encode("latin-1")
    result = perflint(*SELECT, "--fix", "-", cwd=tmp_path, stdin=source)
    assert result.returncode == 0
    assert result.stdout == source.replace(b"seen.keys()", b"seen")
    broken = perflint(*SELECT, "--fix", "-", cwd=tmp_path, stdin=b"def f(:\n")
    assert broken.returncode == 2 and broken.stdout == b"def f(:\n"
    assert broken.stderr.decode().startswith("-: error: cannot parse")


def test_noqa_comments(tmp_path: Path) -> None:
    lines = SLOW.splitlines(keepends=True)
    write(tmp_path / "blanket.py", "".join(lines[:3] + [lines[3].rstrip() + "  # noqa\n"] + lines[4:]))
    write(tmp_path / "coded.py", "".join(lines[:3] + [lines[3].rstrip() + "  # noqa: PFL101,PFL310\n"] + lines[4:]))
    write(tmp_path / "other.py", "".join(lines[:3] + [lines[3].rstrip() + "  # noqa: PFL101\n"] + lines[4:]))
    write(tmp_path / "whole.py", "# perflint: noqa\n" + SLOW)
    write(tmp_path / "whole_coded.py", "# perflint: noqa: PFL31\n" + SLOW)
    result = perflint(*SELECT, "--fix", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "PFL310" in line] == []
    assert "Fixed 1 finding." in result.stdout  # other.py only: silenced findings are not fixed
    assert "seen.keys()" in (tmp_path / "coded.py").read_text(encoding="utf-8")
    assert "seen.keys()" not in (tmp_path / "other.py").read_text(encoding="utf-8")


def test_add_noqa_silences_every_finding_and_merges(tmp_path: Path) -> None:
    path = write(tmp_path / "slow.py", SLOW.replace("if word in seen.keys():", "if word in seen.keys():  # noqa: PFL101"))
    result = perflint(*SELECT, "--add-noqa", "slow.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "        if word in seen.keys():  # noqa: PFL101, PFL310\n" in path.read_text(encoding="utf-8")
    assert perflint(*SELECT, "slow.py", cwd=tmp_path).returncode == 0
    rerun = perflint(*SELECT, "--add-noqa", "slow.py", cwd=tmp_path)
    assert rerun.stdout == "Added noqa comments to 0 lines.\n"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--fix", "."), None, "--add-noqa cannot be combined with --fix"),
        (("--diff", "."), None, "--add-noqa cannot be combined with --diff"),
        (("-",), b"x = 1\n", "--add-noqa writes the files it checks: it cannot read stdin"),
    ],
)
def test_add_noqa_refuses_what_it_cannot_do_naming_what_was_given(
    tmp_path: Path, args: tuple[str, ...], stdin: bytes | None, message: str
) -> None:
    result = perflint("--add-noqa", *args, cwd=tmp_path, stdin=stdin)
    errors = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
    assert result.returncode == 2 and errors == f"perflint: error: {message}\n"


def test_help_lists_every_command(tmp_path: Path) -> None:
    from perflint.faces.cli import cli

    listed = perflint("--help", cwd=tmp_path).stdout.split("Other commands")[1]
    names = {line.split()[0] for line in listed.splitlines()[1:] if line.startswith("  ") and not line.startswith("   ")}
    assert names == set(cli.commands) - {"check"} and "bench" in names
