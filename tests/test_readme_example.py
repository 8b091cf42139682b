"""The README's worked example runs as printed: the same program output, the same
findings in the same order, the same summaries (shares and savings are timings and
differ from run to run; `python scripts/readme_example.py --write` reprints them)."""

from __future__ import annotations

from conftest import ROOT, load_script

EXAMPLE = load_script("readme_example")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_example_prints_what_it_shows() -> None:
    source, commands = EXAMPLE.parse(README)
    assert "import random" in source and source.rstrip().endswith("main()")
    assert [command for command, _ in commands].count("perflint profile app.py -- python app.py") == 2
    assert EXAMPLE.differences(README) == []


def test_a_different_ranking_or_program_output_is_a_difference() -> None:
    first = "app.py:13:12: PFL301"
    second = "app.py:6:19: PFL101"
    lines = README.split(EXAMPLE.START)[1].split(EXAMPLE.END)[0].splitlines()
    hot = next(line for line in lines if line.startswith(first) and "% of run time" in line)
    cold = next(line for line in lines if line.startswith(second) and "% of run time" in line)
    swapped = README.replace(hot, "@@").replace(cold, hot, 1).replace("@@", cold)
    assert EXAMPLE.differences(swapped) != []
    assert EXAMPLE.masked(hot) != EXAMPLE.masked(cold)
    assert EXAMPLE.masked("x  [82.1% of run time, 1 call; est. saving 81.7% (185x on CPython 3.11.7)]") == (
        "x  [#% of run time, # call; est. saving #% (#x on CPython #)]"
    )
