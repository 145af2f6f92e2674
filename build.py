#!/usr/bin/env python3
"""Build, check and preview the release microsite: `python build.py` (see README.md)."""

import importlib.util
import sys

if sys.version_info < (3, 11):  # noqa: UP036 (users may run an older Python)
    sys.exit("build.py needs Python 3.11 or newer (it reads TOML with tomllib).")

INSTALL = (
    "Install what the site needs, then run build.py with that Python:\n"
    "    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
    "    .venv/bin/python build.py"
)


def missing(names: tuple[str, ...]) -> list[str]:
    """Return the packages this Python cannot import (found without importing them)."""
    absent = []
    for name in names:
        try:
            if importlib.util.find_spec(name) is None:
                absent.append(name)
        except ValueError:  # a package blocked in sys.modules
            absent.append(name)
    return absent


absent = missing(("jinja2", "markupsafe", "markdown", "babel"))
if absent:
    sys.exit(f"build.py needs the package {absent[0]!r}, which this Python does not have.\n{INSTALL}")

from microsite.cli import main  # noqa: E402 (after the checks above, on purpose)

if __name__ == "__main__":
    sys.exit(main())
