"""Growth evidence (analysis/growth.py): where the code shows the data an algorithmic
finding's cost grows with cannot grow, the finding is held back as fixed-size."""

from __future__ import annotations

import pytest

from perflint.engine.core import check_source
from perflint.engine.selection import select_rules
from perflint.model import Bound

MEMBERSHIP = '''def f(items, n, **options):
    allowed = {allowed}
    {grow}
    out = []
    for x in {loop}:
        if x in allowed:
            out.append(x)
    print(allowed[0])
    return out
'''


def _bound(allowed: str = "list(items)", loop: str = "items", grow: str = "pass") -> Bound | None:
    source = MEMBERSHIP.format(allowed=allowed, loop=loop, grow=grow)
    [found] = check_source(source, "m.py", select_rules((3, 12), ["PFL301"]), (3, 12))
    return found.bounded


@pytest.mark.parametrize("loop", [
    "('a', 'b')", "[n, n + 1]", "'abc'", "range(3)", "range(1, 10)", "options", "options.items()",
    "sorted(['b', 'a'])[::-1]", "zip(items, (1, 2))", "enumerate((1, 2))", "range(len('ab'))",
    "n.shape", "type(n).__mro__", "type(n).mro()", "n.split('.')", "n.rsplit('/', 1)",
])
def test_loops_that_run_a_fixed_number_of_times(loop: str) -> None:
    assert _bound(loop=loop) is Bound.FIXED_SIZE


@pytest.mark.parametrize("loop", [
    "items", "range(n)", "range(100_000)", "sorted(items)", "zip(items, items)", "n.split()", "n.split(',')",
    "n.values",
])
def test_loops_over_the_input(loop: str) -> None:
    assert _bound(loop=loop) is None


@pytest.mark.parametrize("allowed, grow", [
    ("['a', 'b', 'c']", "pass"),
    ("[]", "for k in ('a', 'b'):\n        allowed.append(k)"),
    ("['a']", "allowed.extend(('b', 'c'))"),
    ("list(('a', 'b'))", "pass"),
])
def test_containers_of_a_fixed_size(allowed: str, grow: str) -> None:
    assert _bound(allowed=allowed, grow=grow) is Bound.FIXED_SIZE


@pytest.mark.parametrize("allowed, grow", [
    ("list(items)", "pass"),
    ("['a']", "allowed.extend(items)"),
    ("[]", "for k in items:\n        allowed.append(k)"),
    ("[]", "while n:\n        allowed.append(n)\n        n -= 1"),
    ("[]", "allowed += items"),
    ("[]", "allowed.extend(load())"),
    ("[]", "[allowed.append(k) for k in items]"),
])
def test_containers_that_can_grow(allowed: str, grow: str) -> None:
    assert _bound(allowed=allowed, grow=grow) is None


DIGITS = '''def to_letters(n):
    letters = []
    while n:
        n, r = divmod(n, 26)
        letters.insert(0, chr(65 + r))
    return "".join(letters)
'''


def test_a_loop_up_a_path_is_fixed_size() -> None:
    walk = "def parts(path):\n    out = []\n    while path:\n        path, tail = os.path.split(path)\n"
    walk += "        out.insert(0, tail)\n    return out\n"
    [found] = check_source(walk, "m.py", select_rules((3, 12), ["PFL304"]), (3, 12))
    assert found.bounded is Bound.FIXED_SIZE


def test_a_loop_over_the_digits_of_a_number_is_fixed_size() -> None:
    [found] = check_source(DIGITS, "m.py", select_rules((3, 12), ["PFL304"]), (3, 12))
    assert found.bounded is Bound.FIXED_SIZE
    counted = DIGITS.replace("n, r = divmod(n, 26)", "n, r = n - 1, n % 26")
    [found] = check_source(counted, "m.py", select_rules((3, 12), ["PFL304"]), (3, 12))
    assert found.bounded is None


def test_a_container_whose_size_depends_on_itself_is_not_fixed() -> None:
    """A store into `formats` in a loop over its own keys made the fixed-size question
    come back to itself without end (numpy's `_get_formatdict`: the file could not be
    analyzed); the question now ends, with the container not known to be fixed."""
    source = '''def f(formatter):
    kinds = [k for k in formatter.keys() if formatter[k] is not None]
    formats = {"int": 1, "float": 2}
    for key in formats.keys():
        if key in kinds:
            formats[key] = formatter[key]
    return formats
'''
    [found] = check_source(source, "m.py", select_rules((3, 12), ["PFL301"]), (3, 12))
    assert found.code == "PFL301" and found.bounded is None
