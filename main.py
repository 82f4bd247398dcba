"""Barrier Visualiser, run from a checkout: `python main.py [COMMAND …]`.

Kept to a single call on purpose: spawn and forkserver children re-import this module as
`__mp_main__`, so nothing may happen at import time; the installed `barrier-viz` command calls
the same function (gui.app.entry.main).
"""

from __future__ import annotations

import sys

from gui.app.entry import main

if __name__ == "__main__":
    sys.exit(main())
