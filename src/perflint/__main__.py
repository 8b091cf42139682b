"""`python -m perflint`."""

import sys

from perflint.faces.cli import main

if __name__ == "__main__":
    sys.exit(main())
