"""Positions measured statement by statement equal positions measured on the whole file."""

from __future__ import annotations

from pathlib import Path

import pytest

from perflint.engine import core, statements
from perflint.engine.locate import Locator, resolve_positions
from perflint.engine.selection import select_rules

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").glob("*.py") if not p.name.endswith(".fixed.py"))
CLASSY = (  # findings in methods of a class indented with tabs
    "import math\n\n\n@decorated\nclass Outer:\n\t\"\"\"Doc.\"\"\"\n\n\t@property\n\tdef name(self):\n\t\treturn 'x'\n\n"
    "\tdef norms(self, xs):\n\t\tout = []\n\t\tfor x in xs:\n\t\t\tout.append(math.sqrt(x))\n\t\treturn out\n"
)


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in FIXTURES] + [CLASSY], ids=[p.stem for p in FIXTURES] + ["classy"])
def test_statement_positions_equal_whole_file_positions(text: str) -> None:
    module = core.parse(text)
    findings = core.find(module, select_rules((3, 12), ["PFL"]), (3, 12))
    assert findings
    whole = resolve_positions(module)
    locator = Locator(module, statements.anchors(text))
    for finding in findings:
        assert locator.range(finding) == whole[finding.node], finding.code


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_positions_equal_libcst_public_resolution(path: Path) -> None:
    """`resolve_positions` runs the provider directly; it must agree with `resolve`."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = core.parse(path.read_text(encoding="utf-8"))
    public = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert dict(resolve_positions(module)) == dict(public)
