"""`--fix` writing files: links followed and kept, owner, group and mode kept, a file the
user may not write refused, and every write error naming the real file.

Root may write any file, so the permission tests run the command as a user without
privileges (`cli_helpers.as_unprivileged`) on a tree in the system's temporary folder,
which that user can reach.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import FAST, SLOW, as_unprivileged, perflint, write

SELECT = ("--select", "PFL310", "--no-cache")
FINDING = "4:12: PFL310 [*] use `key in dict` instead of `key in dict.keys()`"
REMAINS = "1 finding, 1 fixable with --fix."


@pytest.fixture
def shared() -> Iterator[Path]:
    """A temporary folder every user may enter and create files in."""
    root = Path(tempfile.mkdtemp(prefix="perflint-writes-"))
    root.chmod(0o777)
    yield root
    for folder, _, _ in os.walk(root):
        os.chmod(folder, 0o777)  # folders a test made read-only, so they can be removed
    shutil.rmtree(root)


def _shown(result: subprocess.CompletedProcess) -> list[str]:
    """The paths findings are reported under."""
    return [line.split(":")[0] for line in result.stdout.splitlines() if FINDING in line]


@pytest.mark.parametrize("link", ["alias.py", "zlink.py"])
def test_a_link_in_the_tree_is_analyzed_once_under_the_path_found_first(tmp_path: Path, link: str) -> None:
    write(tmp_path / "mod.py", SLOW)
    (tmp_path / link).symlink_to("mod.py")
    result = perflint(*SELECT, ".", cwd=tmp_path)
    assert _shown(result) == [min(link, "mod.py")]
    assert result.stdout.splitlines()[-1] == REMAINS


@pytest.mark.parametrize("order", [("mod.py", "alias.py"), ("alias.py", "mod.py"), ("mod.py", "mod.py")])
def test_a_file_named_twice_is_analyzed_once_under_the_path_given_first(tmp_path: Path, order: tuple[str, str]) -> None:
    write(tmp_path / "mod.py", SLOW)
    (tmp_path / "alias.py").symlink_to("mod.py")
    result = perflint(*SELECT, *order, cwd=tmp_path)
    assert _shown(result) == [order[0]]


def test_fix_writes_a_links_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = write(tmp_path / "pkg" / "mod.py", SLOW)
    link = tmp_path / "pkg" / "alias.py"
    link.symlink_to("mod.py")
    result = perflint(*SELECT, "--fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["Fixed 1 finding.", "No findings."]
    assert link.is_symlink() and os.readlink(link) == "mod.py"
    assert target.read_text(encoding="utf-8") == FAST


def test_fix_on_a_link_named_alone_fixes_its_target_outside_the_tree(tmp_path: Path) -> None:
    target = write(tmp_path / "elsewhere" / "mod.py", SLOW)
    project = tmp_path / "project"
    project.mkdir()
    (project / "mod.py").symlink_to(target)
    result = perflint(*SELECT, "--fix", "mod.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "mod.py").is_symlink()
    assert target.read_text(encoding="utf-8") == FAST
    assert sorted(os.listdir(target.parent)) == ["mod.py"] and sorted(os.listdir(project)) == ["mod.py"]


def test_fix_on_a_hard_linked_file_changes_every_name(tmp_path: Path) -> None:
    """Replacing one name by a new file would leave the other with the old text."""
    first = write(tmp_path / "a.py", SLOW)
    second = tmp_path / "b.py"
    os.link(first, second)
    result = perflint(*SELECT, "--fix", ".", cwd=tmp_path)
    assert result.stdout.splitlines() == ["Fixed 1 finding.", "No findings."]
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == FAST
    assert os.path.samefile(first, second)


def test_fix_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    path = write(tmp_path / "mod.py", SLOW)
    path.chmod(0o640)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(path, 0, 65534)  # a group a new file would not get by itself
    before = path.stat()
    result = perflint(*SELECT, "--fix", "mod.py", cwd=tmp_path)
    assert result.returncode == 0
    after = path.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (before.st_uid, before.st_gid, 0o640)
    assert after.st_ino != before.st_ino  # replaced atomically, not overwritten
    assert path.read_text(encoding="utf-8") == FAST


def test_fix_refuses_a_file_the_user_may_not_write(shared: Path) -> None:
    """The folder may be written, but the file may not: refused, as ruff and black refuse
    it; its finding still remains, the summary tells it from a file that could not be
    analyzed, and the file next to it is fixed (run as another user than the file's
    owner, written in place so that the owner stays)."""
    locked = write(shared / "locked.py", SLOW)
    locked.chmod(0o444)
    free = write(shared / "free.py", SLOW)
    free.chmod(0o666)
    write(shared / "broken.py", "def f(:\n")
    owner = free.stat().st_uid
    result = as_unprivileged(*SELECT, "--fix", ".", cwd=shared)
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 2 and errors[0].startswith("broken.py: error: cannot parse")
    assert errors[1] == "locked.py: error: cannot write: Permission denied"
    assert result.stdout.splitlines() == [
        f"locked.py:{FINDING}",
        "Fixed 1 finding.",
        f"{REMAINS} 1 file could not be analyzed, 1 file could not be written (see above).",
    ]
    assert locked.read_text(encoding="utf-8") == SLOW and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert free.read_text(encoding="utf-8") == FAST and free.stat().st_uid == owner
    assert sorted(os.listdir(shared)) == ["broken.py", "free.py", "locked.py"]


def test_a_folder_the_user_may_not_write_is_an_error_naming_the_file(shared: Path) -> None:
    """The replacement is made in the file's folder; the error names the file, not it."""
    path = write(shared / "pkg" / "mod.py", SLOW)
    path.chmod(0o666)
    path.parent.chmod(0o555)
    result = as_unprivileged(*SELECT, "--fix", "pkg", cwd=shared)
    assert result.returncode == 2
    name = os.path.join("pkg", "mod.py")
    assert result.stderr == f"{name}: error: cannot write: Permission denied (creating the replacement in its folder)\n"
    assert result.stdout.splitlines() == [f"{name}:{FINDING}", f"{REMAINS} 1 file could not be written (see above)."]
    assert path.read_text(encoding="utf-8") == SLOW


def test_a_write_error_through_a_link_names_its_target(shared: Path) -> None:
    target = write(shared / "real" / "mod.py", SLOW)
    target.chmod(0o444)
    (shared / "mod.py").symlink_to(target)
    result = as_unprivileged(*SELECT, "--fix", "mod.py", cwd=shared)
    assert result.returncode == 2
    assert result.stderr == f"mod.py: error: cannot write {os.path.realpath(target)}: Permission denied\n"
    assert result.stdout.splitlines()[-1] == f"{REMAINS} 1 file could not be written (see above)."


def test_add_noqa_refuses_a_file_the_user_may_not_write(shared: Path) -> None:
    locked = write(shared / "locked.py", SLOW)
    locked.chmod(0o444)
    result = as_unprivileged(*SELECT, "--add-noqa", "locked.py", cwd=shared)
    assert result.returncode == 2
    assert result.stderr == "locked.py: error: cannot write: Permission denied\n"
    assert locked.read_text(encoding="utf-8") == SLOW
