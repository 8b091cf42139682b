"""PFL401-PFL408: loops that build a container by hand where a comprehension or builtin is faster.

A comprehension is not a loop with nicer syntax: it differs in ways the rules below must
respect before they offer a rewrite.

- Its loop variable lives in its own scope, so a name the loop leaves behind must not be
  read after the loop (nor deleted, nor be a global).
- Before 3.12 it is a nested function: `super()`, `locals()`, `vars()`, `dir()`, `eval`
  and `exec` mean something else inside it, and `await`/`yield`/`lambda` change meaning
  or become errors.
- It produces the whole container at the end, so the container must not be read while
  the loop runs (`if x not in out: out.append(x)` depends on the earlier items).
- A statement's iterable may be `a if c else b`, a bare tuple or a lambda; a
  comprehension needs those in parentheses.
All fixes are unsafe for the same reason: if an item raises halfway, the loop has left
the items before it in the container, the rewrite leaves nothing. So no fix is offered
where the function visibly goes on after such an error: the loop inside a `try` with a
handler, or a `with suppress(...)`. Nor is a copy of `self` offered as `list(self)` in a
class with its own `__len__`/`__iter__` (`list()` asks `len(self)` first).
"""

from perflint.rules.comprehensions import (  # noqa: F401  (registers the rules)
    generator_in_constructor,
    identity_comprehension,
    list_comprehension_in_any_all,
    manual_dict_comprehension,
    manual_list_comprehension,
    manual_list_copy,
    manual_set_update,
    map_lambda,
)
