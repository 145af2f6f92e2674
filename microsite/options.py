"""What a build was asked for, and when it runs: read before anything heavy is imported."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asked of this build."""

    preview: bool = False  # show embargoed releases, marked and kept out of search engines
    compress: bool = False  # write .gz and .br beside each text file
    base_url: str | None = None  # publish at another address than site.toml says
    # When embargoes are judged (default: SOURCE_DATE_EPOCH, else the clock).
    now: datetime.datetime | None = None
    jobs: int = 0  # worker processes for releases (0: one per core)
    cache: bool = True  # reuse the results of earlier builds (.cache/microsite)


def build_time(options: BuildOptions) -> datetime.datetime:
    """Return 'now' for embargo decisions: SOURCE_DATE_EPOCH when set, for reproducible builds."""
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    return datetime.datetime.now(datetime.UTC)


def check_base_url(url: str) -> str:
    """Return why `url` cannot be a site's public address, or ''."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return f"{url!r} is not a full public address such as https://news.example.gov/releases/"
    return ""
