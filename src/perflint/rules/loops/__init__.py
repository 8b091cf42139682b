"""PFL101-PFL110: loops and name lookups.

The lookup rules (PFL101, PFL102) bind a value to a local before the loop. They share
what "worth it" means here: the read sits on the loop's hot path (not in an `except`
clause, a `raise`, an `assert`, nor a block that leaves the loop), and at least one loop
around it does more than walk a literal tuple.
"""

from perflint.rules.loops import (  # noqa: F401  (registers the rules)
    bin_count,
    dict_items_unused,
    enumerate_index_unused,
    global_name_in_loop,
    key_loop_lookup,
    module_attribute_in_loop,
    range_len_index,
    readlines_in_for,
    try_except_in_loop,
    unnecessary_list_cast,
)
