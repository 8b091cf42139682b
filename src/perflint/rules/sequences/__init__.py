"""PFL308-PFL314: sorting, copying and concatenating sequences where a cheaper step exists."""

from perflint.rules.sequences import (  # noqa: F401  (registers the rules)
    first_element_copy,
    in_dict_keys,
    list_concat_in_loop,
    manual_priority_queue,
    quadratic_list_sum,
    slice_shift_in_loop,
    sorted_for_min_max,
)
