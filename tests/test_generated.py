"""The README's rule table and the rule catalog are generated from the registry and
must match it (`python scripts/generate.py` regenerates them)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import load_script

GENERATOR = load_script("generate")


@pytest.mark.parametrize("part", GENERATOR.GENERATED, ids=lambda part: part[0].name)
def test_generated_part_is_current(part: Any) -> None:
    path, start, end, produce = part
    text = path.read_text(encoding="utf-8")
    assert GENERATOR.render(text, start, end, produce) == text, (
        f"{path.name} is stale: run python scripts/generate.py"
    )
