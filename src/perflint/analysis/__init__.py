"""The shared facts rules ask about the code: loops and scopes, bindings and their uses,
what grows, what is hashable, which handlers catch what, and the libcst walk (`walk`)
that computes them. It imports only `perflint.model`.
"""
