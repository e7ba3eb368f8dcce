"""Launcher that PyInstaller freezes (see build.spec): the bundle's counter-app runs counter_app.cli.main()."""

from __future__ import annotations

import multiprocessing
import sys

from counter_app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless the frozen app starts worker processes
    sys.exit(main())
