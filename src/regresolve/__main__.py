"""``python -m regresolve``: the same command as the ``regresolve`` console script."""

from __future__ import annotations

import sys

from regresolve._cli import main

if __name__ == "__main__":
    sys.exit(main())
