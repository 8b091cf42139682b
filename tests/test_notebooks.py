"""Jupyter notebooks: found, analyzed cell by cell, reported by cell, fixed in place with
every other byte kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_helpers import perflint, write

from perflint.engine import magics
from perflint.engine.notebook import Notebook, NotebookError

DATA = Path(__file__).parent / "data"
SCHEMA = DATA / "sarif-schema-2.1.0.json"
SLOW_CELL = "regions.ipynb:cell 4:4:8: PFL301 list `seen` is only used as a set: make it a set (`append` -> `add`)"
ROW_LOOP = 'for index, row in sales.iterrows():\n    total += row["amount"]'
READ = "import pandas as pd\nsales = pd.read_csv('sales.csv')\n"


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copy(DATA / "regions.ipynb", tmp_path / "regions.ipynb"))


def _notebook(*sources: Any, indent: Any = 1, sort_keys: bool = True, ensure_ascii: bool = False,
              newline: str = "\n", final_newline: bool = True, language: str = "python") -> bytes:
    """A notebook of code cells with these sources (a list of lines or one string), as
    a writer with this layout writes it."""
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"cell{i}", "metadata": {}, "outputs": [], "source": source}
        for i, source in enumerate(sources)
    ]
    notebook = {"cells": cells, "metadata": {"language_info": {"name": language}}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    return (text.replace("\n", newline) + (newline if final_newline else "")).encode("utf-8")


def _lines(source: str) -> list[str]:
    return source.splitlines(keepends=True)


# -- the notebook of the issue: markdown, magics, outputs, a slow cell --------------------
def test_a_slow_cell_is_reported_by_its_cell_and_fixed_in_place(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    result = perflint("regions.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == SLOW_CELL

    fixed = perflint("--fix", "--unsafe-fixes", "regions.ipynb", cwd=tmp_path)
    assert fixed.returncode == 0 and "Fixed 1 finding." in fixed.stdout, fixed.stdout + fixed.stderr
    expected = before.replace(b'    "seen = []\\n",', b'    "seen = set()\\n",').replace(
        b'    "        seen.append(region)\\n",', b'    "        seen.add(region)\\n",'
    )
    assert expected != before
    assert path.read_bytes() == expected  # cell ids, outputs, metadata, nbformat, indent: all as they were
    assert perflint("regions.ipynb", cwd=tmp_path).stdout == "No findings.\n"


def test_diff_shows_the_cell_sources_and_writes_nothing(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    result = perflint("--diff", "--unsafe-fixes", "regions.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "--- regions.ipynb:cell 4\n+++ regions.ipynb:cell 4\n@@ -1,6 +1,6 @@\n %%time\n-seen = []\n+seen = set()\n"
    )
    assert "+        seen.add(region)\n" in result.stdout and "Would fix 1 finding." in result.stdout
    assert path.read_bytes() == before


def test_json_carries_the_cell_and_edits_of_its_source(tmp_path: Path) -> None:
    _copy(tmp_path)
    result = perflint("--output-format", "json", "regions.ipynb", cwd=tmp_path)
    [finding] = json.loads(result.stdout)
    assert (finding["cell"], finding["line"], finding["column"], finding["end_line"]) == (4, 4, 8, 4)
    edits = finding["fix"]["edits"]
    assert {edit["cell"] for edit in edits} == {4}
    source = "".join(json.loads((tmp_path / "regions.ipynb").read_text(encoding="utf-8"))["cells"][3]["source"])
    lines = _lines(source)
    for edit in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        line = lines[edit["line"] - 1]
        assert edit["line"] == edit["end_line"]
        lines[edit["line"] - 1] = line[: edit["column"] - 1] + edit["content"] + line[edit["end_column"] - 1:]
    assert "".join(lines) == source.replace("seen = []", "seen = set()").replace("seen.append", "seen.add")


def test_sarif_and_github_carry_the_cell(tmp_path: Path) -> None:
    _copy(tmp_path)
    log = json.loads(perflint("--output-format", "sarif", "regions.ipynb", cwd=tmp_path).stdout)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    [finding] = log["runs"][0]["results"]
    assert finding["properties"] == {"cell": 4}
    [location] = finding["locations"]
    assert location["logicalLocations"] == [{"name": "cell 4", "kind": "notebook cell"}]
    assert location["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 8, "endLine": 4, "endColumn": 26}
    github = perflint("--output-format", "github", "regions.ipynb", cwd=tmp_path).stdout
    assert github.startswith("::warning file=regions.ipynb,title=PFL301::cell 4:4:8: PFL301 list `seen`")


def test_add_noqa_comments_the_cells_line(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    result = perflint("--add-noqa", "regions.ipynb", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "Added noqa comments to 1 line.\n"
    assert path.read_bytes() == before.replace(
        b'"    if region not in seen:\\n"', b'"    if region not in seen:  # noqa: PFL301\\n"'
    )
    assert perflint("regions.ipynb", cwd=tmp_path).stdout == "No findings.\n"


def test_notebooks_are_found_in_folders_but_not_in_jupyter_checkpoints(tmp_path: Path) -> None:
    _copy(tmp_path / "analysis" if (tmp_path / "analysis").mkdir() is None else tmp_path)
    (tmp_path / "analysis" / ".ipynb_checkpoints").mkdir()
    shutil.copy(DATA / "regions.ipynb", tmp_path / "analysis" / ".ipynb_checkpoints" / "regions-checkpoint.ipynb")
    result = perflint(".", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "analysis/" + SLOW_CELL
    assert "1 finding," in result.stdout


def test_cache_and_jobs_keep_the_cell(tmp_path: Path) -> None:
    _copy(tmp_path)
    write(tmp_path / "other.ipynb", _notebook(READ, ["total = 0\n", ROW_LOOP]).decode())
    first = perflint("-j", "2", ".", cwd=tmp_path)
    assert list((tmp_path / ".perflint_cache").glob("results-*.json"))
    second = perflint("-j", "2", ".", cwd=tmp_path)
    assert first.stdout == second.stdout
    assert "other.ipynb:cell 2:2:19: PFL603" in first.stdout and SLOW_CELL in first.stdout


def test_stdin_notebook_with_fix_prints_the_fixed_notebook(tmp_path: Path) -> None:
    data = (DATA / "regions.ipynb").read_bytes()
    result = perflint("-", "--stdin-filename", "regions.ipynb", "--fix", "--unsafe-fixes", cwd=tmp_path, stdin=data)
    assert result.stdout == data.replace(b'"seen = []\\n"', b'"seen = set()\\n"').replace(
        b'"        seen.append(region)\\n"', b'"        seen.add(region)\\n"'
    )


# -- what is reported: a cell's top level is where the work is ---------------------------
def test_a_cells_top_level_counts_as_hot_code_not_code_that_runs_once(tmp_path: Path) -> None:
    code = f"{READ}total = 0\n{ROW_LOOP}\n"
    write(tmp_path / "script.py", code)
    write(tmp_path / "cells.ipynb", _notebook(_lines(code)).decode())
    script = perflint("script.py", cwd=tmp_path)
    assert script.stdout.startswith("No findings.") and "1 in code that runs once" in script.stdout
    cells = perflint("cells.ipynb", cwd=tmp_path)
    assert cells.stdout.splitlines()[0] == "cells.ipynb:cell 1:4:19: PFL603 row-by-row DataFrame loop: vectorize over columns, or use itertuples()"


def test_code_of_earlier_cells_is_seen_by_later_ones_and_functions_rules_apply(tmp_path: Path) -> None:
    fib = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)"
    queue = ["while queue:\n", "    item = queue.pop(0)\n", "    if item > 1:\n", "        queue.append(item - 1)"]
    write(tmp_path / "nb.ipynb", _notebook("queue = [3, 4, 5]", queue, fib).decode())
    result = perflint("--select", "PFL303,PFL501", "nb.ipynb", cwd=tmp_path)
    assert result.stdout.splitlines()[:2] == [
        "nb.ipynb:cell 2:2:12: PFL303 `list.pop(0)` is O(n): use `collections.deque` and `popleft()`",
        "nb.ipynb:cell 3:1:5: PFL501 this function recomputes the same recursive calls: memoize it with `@functools.cache`",
    ]


# -- the file as it was found ------------------------------------------------------------
LAYOUTS = {
    "jupyter": {},
    "vscode, unsorted keys, two spaces": {"indent": 2, "sort_keys": False},
    "ascii escapes": {"ensure_ascii": True},
    "crlf, no final newline": {"newline": "\r\n", "final_newline": False},
    "tab indent": {"indent": "\t"},
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
@pytest.mark.parametrize("as_string", [False, True], ids=["source lines", "source string"])
def test_fixes_keep_the_files_layout(tmp_path: Path, layout: dict, as_string: bool) -> None:
    slow = "# é\nnames = {}\nfor word in words:\n    if word in names.keys():\n        continue\n    names[word] = 1\n"
    untouched = "print('déjà vu')  # ☃\n%time sum(range(9))"
    sources = [slow, untouched] if as_string else [_lines(slow), _lines(untouched)]
    path = tmp_path / "nb.ipynb"
    path.write_bytes(_notebook(*sources, **layout))
    result = perflint("--select", "PFL310", "--fix", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    fixed = slow.replace("names.keys()", "names")
    assert path.read_bytes() == _notebook(*([fixed, untouched] if as_string else [_lines(fixed), _lines(untouched)]), **layout)


def test_sources_with_crlf_and_without_final_newline_keep_them(tmp_path: Path) -> None:
    slow = "names = {}\r\nfor word in words:\r\n    if word in names.keys():\r\n        pass"
    path = tmp_path / "nb.ipynb"
    path.write_bytes(_notebook(_lines(slow)))
    perflint("--select", "PFL310", "--fix", "nb.ipynb", cwd=tmp_path)
    assert path.read_bytes() == _notebook(_lines(slow.replace("names.keys()", "names")))


def test_a_layout_that_cannot_be_reproduced_is_not_rewritten(tmp_path: Path) -> None:
    slow = ["names = {}\n", "for word in words:\n", "    if word in names.keys():\n", "        pass"]
    data = _notebook(slow).replace(b'"nbformat": 4', b'"nbformat":    4')
    path = tmp_path / "nb.ipynb"
    path.write_bytes(data)
    result = perflint("--select", "PFL310", "--fix", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 2
    assert "nb.ipynb: error: cannot write: its JSON is laid out in a way perflint cannot reproduce" in result.stderr
    assert "nb.ipynb:cell 1:3:8: PFL310" in result.stdout
    assert path.read_bytes() == data


# -- what is not Python, and what is not a notebook ---------------------------------------
def test_magics_and_other_languages_are_not_parsed(tmp_path: Path) -> None:
    bash = "%%bash\nfor f in *.txt; do echo $f; done"
    sql = {"cell_type": "code", "id": "q", "metadata": {"vscode": {"languageId": "sql"}}, "outputs": [],
           "execution_count": None, "source": "SELECT * FROM t"}
    data = json.loads(_notebook(bash, "x = 1\nx?\n??x\n/print x\nfiles = !ls\n%%capture\n"))
    data["cells"].append(sql)
    write(tmp_path / "nb.ipynb", json.dumps(data))
    assert perflint("nb.ipynb", cwd=tmp_path).stdout == "No findings.\n"
    write(tmp_path / "r.ipynb", _notebook("for (i in 1:10) print(i)", language="R").decode())
    assert perflint("r.ipynb", cwd=tmp_path).stdout == "No findings.\n"


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not a notebook: invalid JSON"),
    ('{"nbformat": 3, "worksheets": []}', "not supported: nbformat 3 (perflint reads nbformat 4 notebooks)"),
    (_notebook("x = 1", "if x:\n    y = (1 +\n").decode(), "cannot parse: cell 2 ends inside a string, brackets"),
    (_notebook("x = 1", "y = 2\nz = )").decode(), "cannot parse: "),
])
def test_files_that_cannot_be_read_are_named_with_the_reason(tmp_path: Path, content: str, reason: str) -> None:
    write(tmp_path / "nb.ipynb", content)
    result = perflint("nb.ipynb", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"nb.ipynb: error: {reason}")


def test_a_syntax_error_is_placed_in_its_cell(tmp_path: Path) -> None:
    write(tmp_path / "nb.ipynb", _notebook("x = 1\n%time x", "y = 2\nz = x +* y").decode())
    result = perflint("nb.ipynb", cwd=tmp_path)
    assert "at cell 2, line 2" in result.stderr, result.stderr


# -- the pieces ---------------------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "%matplotlib inline", "  %time f()", "!pip install x", "!!ls", "files = !ls", "out = %sx ls",
    "?len", "len?", "df.head??", "pip install pandas", "cd ..", "/print 1", ",f a b", ";f a b",
])
def test_ipython_lines_are_masked(line: str) -> None:
    assert magics.scan([line + "\n"]).masked == {0}  # type: ignore[union-attr]


@pytest.mark.parametrize("line", [
    "x = 5 % 2", "time = 3", "print('%d' % 3)", "s = 'what?'", "# why?", "x != y", "pwd",
    "ls - la",  # Python, where IPython's automagic would run `ls -la`: left as Python
])
def test_python_lines_are_kept(line: str) -> None:
    assert magics.scan([line + "\n"]).masked == set()  # type: ignore[union-attr]


def test_magics_inside_strings_and_brackets_are_python_and_magics_span_their_brackets() -> None:
    cell = magics.scan(_lines('s = """\n%not a magic\n!nor this\n"""\nf(1,\n  %2)\n%timeit f(1,\n    2)\nx = 1\n'))
    assert cell is not None and cell.masked == {6, 7} and cell.continuing == {7} and not cell.incomplete
    assert magics.scan(["%%bash\n", "ls\n"]) is None
    assert magics.scan(["%%time\n", "x = 1\n"]).masked == {0}  # type: ignore[union-attr]
    assert magics.scan(["x = '''\n"]).incomplete  # type: ignore[union-attr]


def test_placeholders_keep_positions_and_go_back() -> None:
    book = Notebook(_notebook(["import numpy as np\n", "%matplotlib inline\n", "x = np.ones(3)"], ["  !echo \\\n", "  more\n", "y = x"]))
    lines = book.text.splitlines()
    assert lines[0] == "import numpy as np" and lines[2] == "x = np.ones(3)" and lines[-1] == "y = x"
    assert [book.place(n) for n in (1, 3, 4, 5, 7)] == [(1, 1), (1, 3), (1, 4), (2, 1), (2, 3)]
    assert book.updated(book.text) == book.data
    assert book.sources(book.text.replace("x = np.ones(3)", "x = np.zeros(3)")) == [
        "import numpy as np\n%matplotlib inline\nx = np.zeros(3)", "  !echo \\\n  more\ny = x",
    ]
    dropped = "\n".join(line for line in lines if "%" not in line and "matplotlib" not in line)
    assert book.keeps(book.text) and not book.keeps(dropped.replace(lines[1] + "\n", ""))
    swapped = book.text.replace(lines[1], "@@").replace(lines[3], lines[1]).replace("@@", lines[3])
    assert not book.keeps(swapped)
    with pytest.raises(NotebookError):
        book.updated(swapped)


def test_a_fix_that_would_lose_a_placeholder_is_not_applied() -> None:
    from perflint.engine import core
    from perflint.rules.base import all_rules

    source = "names = {}\nfor word in words:\n    if word in names.keys():\n        pass\n"
    rules = [rule for rule in all_rules() if rule.code == "PFL310"]
    kept = core.fix_source(source, "nb", rules, (3, 12), False, cells=True, keeps=lambda code: True)
    refused = core.fix_source(source, "nb", rules, (3, 12), False, cells=True, keeps=lambda code: False)
    assert kept.applied == 1 and refused.applied == 0 and refused.source == source
    assert [d.code for d in refused.diagnostics] == ["PFL310"]


def test_a_fix_changes_each_cell_its_pattern_spans(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    search = ["for word in set(words):\n", "    if word not in seen:\n", "        seen.append(word)\n", "len(seen)"]
    path.write_bytes(_notebook("seen = []", search))
    perflint("--fix", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    assert path.read_bytes() == _notebook("seen = set()", [*search[:2], "        seen.add(word)\n", search[3]])


def test_a_byte_order_mark_stays(tmp_path: Path) -> None:
    slow = ["names = {}\n", "for word in words:\n", "    if word in names.keys():\n", "        pass"]
    path = tmp_path / "nb.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + _notebook(slow))
    perflint("--select", "PFL310", "--fix", "nb.ipynb", cwd=tmp_path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + _notebook([*slow[:2], "    if word in names:\n", slow[3]])
