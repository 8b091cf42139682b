"""The README's rule table and the rule catalog are generated from the registry and
must match it (`python scripts/generate.py` regenerates them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "scripts" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.mark.parametrize("part", GENERATOR.GENERATED, ids=lambda part: part[0].name)
def test_generated_part_is_current(part: Any) -> None:
    path, start, end, produce = part
    text = path.read_text(encoding="utf-8")
    assert GENERATOR.render(text, start, end, produce) == text, (
        f"{path.name} is stale: run python scripts/generate.py"
    )
