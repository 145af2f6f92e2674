#!/usr/bin/env python3
"""Build the bilingual release microsite: `python build.py` (see README.md)."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 (users may run an older Python)
    sys.exit("build.py needs Python 3.11 or newer (it reads TOML with tomllib).")

from microsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
