#!/usr/bin/env python3
"""Build, check and preview the release microsite: `python build.py` (see README.md)."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 (users may run an older Python)
    sys.exit("build.py needs Python 3.11 or newer (it reads TOML with tomllib).")

try:
    from microsite.cli import main
except ModuleNotFoundError as err:
    if (err.name or "").split(".")[0] == "microsite":
        raise  # a bug in the generator, not a missing dependency
    sys.exit(
        f"build.py needs the package {err.name!r}, which this Python does not have.\n"
        "Install what the site needs, then run build.py with that Python:\n"
        "    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        "    .venv/bin/python build.py"
    )

if __name__ == "__main__":
    sys.exit(main())
