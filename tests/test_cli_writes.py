"""Files reached twice, through a link or named twice, are analyzed once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_helpers import SLOW, perflint, write

SELECT = ("--select", "PFL310", "--no-cache")
FINDING = "4:12: PFL310 [*] use `key in dict` instead of `key in dict.keys()`"
REMAINS = "1 finding, 1 fixable with --fix."


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
