"""The PFL6xx rules read NumPy and pandas code without importing either library: the
findings on the fixture are the same in a process where `import numpy`/`import pandas`
fail."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "pfl6_vectorization.py"

PROGRAM = textwrap.dedent(
    """
    import json, sys
    sys.modules["numpy"] = None  # any import of numpy or pandas now raises ImportError
    sys.modules["pandas"] = None
    from perflint.engine.core import check_source
    from perflint.engine.selection import select_rules

    source = open(sys.argv[1], encoding="utf-8").read()
    found = check_source(source, "fixture.py", select_rules((3, 12), ["PFL6"]), (3, 12))
    print(json.dumps(sorted([d.line, d.code] for d in found)))
    for name in ("numpy", "pandas"):
        assert sys.modules[name] is None, name + " was imported"
    """
)


def test_findings_without_numpy_or_pandas() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(FIXTURE)], capture_output=True, text=True, check=True
    )
    found = {tuple(item) for item in json.loads(result.stdout)}
    expected = set()
    for number, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), start=1):
        if "# expect:" in line:
            codes = line.split("# expect:")[1].split(",")
            expected |= {(number, c.strip()) for c in codes if c.strip().startswith("PFL6")}
    assert expected and found == expected
