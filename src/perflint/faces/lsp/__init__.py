"""The editor face: `perflint server`, a Language Server over stdio (pygls).

Only `perflint server` imports this package, so the command line starts without pygls:
`positions` converts between perflint's places and the editor's, `project` reads what the
workspace says about a file (configuration, a saved profile), `findings` analyzes one
version of a document, `actions` offers its fixes, and `server` speaks the protocol.
"""
