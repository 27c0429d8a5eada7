"""``python -m regresolve.webhook``: the same server as ``regresolve webhook serve``."""

from __future__ import annotations

import sys

from regresolve.webhook._commands import main

if __name__ == "__main__":
    sys.exit(main())
