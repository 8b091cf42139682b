"""PFL301-PFL307 and PFL315: membership, index lookups, queues and counting in the container that makes them cheap.

The rules here only trust what they can see: a name counts as a list when every binding
of it in its function is a list display, a list comprehension or `list(...)`, and a fix
that changes a variable's type is offered only when every use of the variable in the
function is one the new type supports with the same result.
"""

from perflint.rules.containers import (  # noqa: F401  (registers the rules)
    list_index_in_loop,
    list_insert_front,
    list_membership_in_loop,
    list_pop_front,
    literal_membership,
    manual_counter,
    manual_defaultdict,
    sort_after_insert,
)
