"""PFL6xx: Python-level loops over NumPy arrays and pandas DataFrames.

The analyzed code is never imported (NumPy and pandas need not be installed), so a name
counts as an array or a DataFrame only when its own scope shows it: every binding of it
is a call of a NumPy constructor (`np.array`, `np.zeros`, `np.arange`, `np.random.rand(n)`,
...) or of `pd.DataFrame`/`pd.read_*`, under whatever name the module was imported as,
or it is a parameter or variable annotated `np.ndarray`/`NDArray[...]`/`pd.DataFrame`.
An unannotated parameter counts when the function body first rebinds it with such a
call at its top level (`x = np.asarray(x)`) before the code in question.
"""

from perflint.rules.vectorization import (  # noqa: F401  (registers the rules)
    array_append_in_loop,
    builtin_reduction_on_array,
    dataframe_concat_in_loop,
    dataframe_iterrows,
    elementwise_loop_over_array,
)
