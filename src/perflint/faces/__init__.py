"""The faces: how input arrives and how output leaves. The command line (`cli`, with
`output`, `snippet` and `progress`), the flake8 plugin, the editor server (`lsp/`),
`perflint bench` (`bench`) and `perflint profile` (`profile_report`, ranking findings by
a profile's `hotspots`). Nothing below imports a face.
"""
