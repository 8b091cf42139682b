"""Fixed code looks like the project's own: imports where isort puts them, pragmas on
their statement, lines within the project's line length, blank lines as PEP 8 has them.

Each case runs `perflint --fix` on a temporary tree, compares the text, and has Ruff
(isort, line length, blank lines) find nothing in it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import QUEUE, apply_edits, perflint, write

# PFL303: `queue` becomes a collections.deque (the fix needs `import collections`).
QUEUEED = QUEUE.replace("list(items)", "collections.deque(items)").replace("pop(0)", "popleft()")
# PFL501: `@functools.cache` on a top-level function.
FIB = '''def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
'''


def _fixed(tmp_path: Path, text: str, *options: str, name: str = "mod.py") -> str:
    path = write(tmp_path / name, text)
    perflint("--fix", "--unsafe-fixes", "--no-cache", "--quiet", "--exit-zero", *options, str(path), cwd=tmp_path)
    return path.read_text(encoding="utf-8")


def _ruff(path: Path, line_length: int = 88) -> str:
    """What Ruff's isort, line-length and blank-line checks report on `path`."""
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--preview", "--quiet",
        "--select", "I,E501,E302,E303,E305", "--line-length", str(line_length), "--output-format", "concise", str(path),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


@pytest.mark.parametrize(
    ("imports", "placed"),
    [
        pytest.param(  # into the standard-library block, in order, `import` before `from`
            '"""Doc."""\nfrom __future__ import annotations\n\nimport abc\nimport sys\nfrom typing import List\n\n'
            "import attr\n\nfrom . import sibling\n",
            '"""Doc."""\nfrom __future__ import annotations\n\nimport abc\nimport collections\nimport sys\n'
            "from typing import List\n\nimport attr\n\nfrom . import sibling\n",
            id="sorted-into-stdlib",
        ),
        pytest.param(  # after the last `import`, before the `from` lines
            "import abc\nimport bisect\nfrom os import path\n",
            "import abc\nimport bisect\nimport collections\nfrom os import path\n",
            id="before-from-imports",
        ),
        pytest.param(  # a section of its own, before the third-party one (its comment stays with it)
            '"""Doc."""\n\n# third party\nimport attr\n',
            '"""Doc."""\n\nimport collections\n\n# third party\nimport attr\n',
            id="new-stdlib-section",
        ),
        pytest.param(  # after `__future__`, never into the try/except or TYPE_CHECKING blocks
            "from __future__ import annotations\n\ntry:\n    import ujson as json\nexcept ImportError:\n"
            "    import json\nif TYPE_CHECKING:\n    import attr\n",
            "from __future__ import annotations\n\nimport collections\n\ntry:\n    import ujson as json\n"
            "except ImportError:\n    import json\nif TYPE_CHECKING:\n    import attr\n",
            id="after-future",
        ),
        pytest.param(  # no imports: after the docstring
            '"""Doc.\n\nMore.\n"""\n\nLIMIT = 3\n',
            '"""Doc.\n\nMore.\n"""\n\nimport collections\n\nLIMIT = 3\n',
            id="after-docstring",
        ),
        pytest.param(  # no docstring: below the file's header comment, above the first statement's
            "# Copyright\n\n# the limit\nLIMIT = 3\n",
            "# Copyright\n\nimport collections\n\n# the limit\nLIMIT = 3\n",
            id="after-header-comment",
        ),
    ],
)
def test_an_added_import_goes_where_isort_puts_it(tmp_path: Path, imports: str, placed: str) -> None:
    fixed = _fixed(tmp_path, f"{imports}\n\n{QUEUE}")
    assert fixed == f"{placed}\n\n{QUEUEED}"
    assert _ruff(tmp_path / "mod.py") == ""


def test_an_added_import_is_not_added_twice(tmp_path: Path) -> None:
    source = f"import collections.abc\n\n\n{QUEUE}"
    assert _fixed(tmp_path, source) == f"import collections.abc\n\n\n{QUEUEED}"


def test_json_edits_are_the_edits_fix_makes(tmp_path: Path) -> None:
    """The json output analyzes a reduced copy (the docstring and untouched functions
    stubbed): its import edit must still land below the docstring, as `--fix` puts it."""
    source = f'"""Doc.\n\nMore.\n"""\n\nLIMIT = 3\n\n\ndef other():\n    return 1\n\n\n{FIB}'
    path = write(tmp_path / "mod.py", source)
    result = perflint("--output-format", "json", "--unsafe-fixes", "--no-cache", "--exit-zero", str(path), cwd=tmp_path)
    (finding,) = json.loads(result.stdout)
    fixed = _fixed(tmp_path, source)
    assert apply_edits(source, finding["fix"]["edits"]) == fixed
    assert fixed.startswith('"""Doc.\n\nMore.\n"""\n\nimport functools\n\nLIMIT = 3\n')


def test_a_decorated_function_keeps_two_blank_lines_below_a_new_import(tmp_path: Path) -> None:
    fixed = _fixed(tmp_path, f"# Copyright\n\n# the Fibonacci numbers\n{FIB}")
    assert fixed == f"# Copyright\n\nimport functools\n\n\n# the Fibonacci numbers\n@functools.cache\n{FIB}"
    assert _ruff(tmp_path / "mod.py") == ""


def test_pragma_comments_stay_at_the_end_of_the_statement_they_govern(tmp_path: Path) -> None:
    source = (
        "import collections\n\n\ndef f(words):\n    counts = {}  # by word\n    for w in words:\n"
        "        counts[w] = counts.get(w, 0) + 1  # type: ignore[misc]\n    return counts\n\n\n"
        "def g(xs):\n    out = []\n    for x in xs:  # noqa: B007\n        out.append(x * 2)  # pragma: no cover\n"
        "    return out\n"
    )
    assert _fixed(tmp_path, source, "--select", "PFL306,PFL401") == (
        "import collections\n\n\ndef f(words):\n"
        "    counts = collections.Counter(words)  # type: ignore[misc]  # by word\n    return counts\n\n\n"
        "def g(xs):\n    out = [x * 2 for x in xs]  # noqa: B007  # pragma: no cover\n    return out\n"
    )


# PFL401 turns the loop into one comprehension of 108 characters.
COLLECT = """def collect(records, limit):
    selected = []
    for record in records:
        if record.score > limit and record.name.startswith('pre'):
            selected.append(record.name)
    return selected
"""
ONE_LINE = """def collect(records, limit):
    selected = [record.name for record in records if record.score > limit and record.name.startswith('pre')]
    return selected
"""
WRAPPED = """def collect(records, limit):
    selected = [
        record.name
        for record in records
        if record.score > limit and record.name.startswith('pre')
    ]
    return selected
"""


@pytest.mark.parametrize(
    ("pyproject", "fixed"),
    [
        pytest.param(None, WRAPPED, id="default-88"),
        pytest.param("[tool.ruff]\nline-length = 110\n", ONE_LINE, id="ruff"),
        pytest.param("[tool.black]\nline-length = 110\n", ONE_LINE, id="black"),
        pytest.param("[tool.ruff]\nline-length = 88\n\n[tool.black]\nline-length = 110\n", WRAPPED, id="ruff-first"),
        pytest.param("[tool.perflint]\nselect = ['PFL4']\n\n[tool.ruff]\nline-length = 110\n", ONE_LINE, id="same-file"),
    ],
)
def test_fixed_lines_keep_to_the_project_line_length(tmp_path: Path, pyproject: str | None, fixed: str) -> None:
    """Wrapped as black wraps, the file's single quotes kept."""
    if pyproject is not None:
        write(tmp_path / "pyproject.toml", pyproject)
    assert _fixed(tmp_path, COLLECT, "--select", "PFL401") == fixed
    assert _ruff(tmp_path / "mod.py", line_length=110 if fixed is ONE_LINE else 88) == ""


def test_a_fix_leaves_a_line_that_was_already_too_long_alone(tmp_path: Path) -> None:
    """A changed statement is rewrapped only when the fix made it wider than the limit."""
    long_call = "    seen = {}\n    return [k for k in keys if k in seen.keys()]  # " + "x" * 60 + "\n"
    source = "def f(keys):\n" + long_call
    assert _fixed(tmp_path, source, "--select", "PFL310") == source.replace("seen.keys()", "seen")


def test_a_line_length_that_is_not_a_number_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 'wide'\n")
    write(tmp_path / "mod.py", COLLECT)
    result = perflint("--fix", "mod.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "[tool.ruff] line-length" in result.stderr


def test_a_string_a_fix_writes_uses_the_file_quotes(tmp_path: Path) -> None:
    source = "def csv_line(values):\n    line = ''\n    for v in values:\n        line += str(v) + ','\n    return line\n"
    assert "    line = ''.join(line_parts)\n" in _fixed(tmp_path, source, "--select", "PFL202")
    assert '    line = "".join(line_parts)\n' in _fixed(tmp_path, source.replace("'", '"'), "--select", "PFL202", name="double.py")


def test_a_hoisted_alias_is_bound_once_for_the_loops_after_it(tmp_path: Path) -> None:
    source = (
        "import os\n\n\ndef f(env, framework, name):\n    if framework:\n        for path in env:\n"
        "            yield os.path.join(path, framework)\n    for path in env:\n        yield os.path.join(path, name)\n"
        "    if not framework:\n        for path in name:\n            yield os.path.join(path, name)\n"
    )
    fixed = _fixed(tmp_path, source, "--select", "PFL101")
    assert fixed == (
        "import os\n\n\ndef f(env, framework, name):\n    if framework:\n        join = os.path.join\n"
        "        for path in env:\n            yield join(path, framework)\n    join = os.path.join\n"
        "    for path in env:\n        yield join(path, name)\n    if not framework:\n        for path in name:\n"
        "            yield join(path, name)\n"
    )


def test_a_one_line_elif_a_fix_makes_too_long_is_split_as_black_splits_it(tmp_path: Path) -> None:
    """The `elif` counts (libcst prints the node as `if`), and `elif x: y` becomes two lines."""
    source = (
        "tabsize = 8\n\n\ndef columns(line):\n    column = 0\n    for char in line:\n        if char == ' ':\n"
        "            column += 1\n        elif char == '\\t': column = (column // tabsize + 1) * tabsize  # stop\n"
        "    return column\n"
    )
    assert _fixed(tmp_path, source, "--select", "PFL102") == (
        "tabsize = 8\n\n\ndef columns(line):\n    column = 0\n    tabsize_local = tabsize\n    for char in line:\n"
        "        if char == ' ':\n            column += 1\n        elif char == '\\t':\n"
        "            column = (column // tabsize_local + 1) * tabsize_local  # stop\n    return column\n"
    )
