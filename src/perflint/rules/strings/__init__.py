"""PFL2xx: building strings and bytes piece by piece.

CPython extends a str in place for `s += t` only when `s` is a plain local variable that
holds the sole reference to the string. Every other target (attribute, subscript, global,
nonlocal or closure variable) and every bytes object is copied whole on each `+=`, so
accumulating in a loop is quadratic there; a local str accumulator is linear, but a list
of parts joined once is still faster.

The accumulator rules share one analysis: starting at the `+=`, look back through the
enclosing blocks for the statement that last set the target. The loops passed on the way
are the loops that accumulate; the statements passed after the outermost of them lie
between the initial value and the loop.
"""

from perflint.rules.strings import (  # noqa: F401  (registers the rules)
    bytes_concat_in_loop,
    join_generator,
    quadratic_str_concat,
    str_concat_in_loop,
)
