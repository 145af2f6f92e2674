"""Precompressed copies (.gz, .br) of text files, for hosts that serve them as they are."""

from __future__ import annotations

import gzip

import brotli

from microsite.cache import BuildCache
from microsite.write.output import Page

TEXT_SUFFIXES = (".html", ".css", ".xml", ".txt", ".json", ".csv", ".svg", ".js")


def compressed_copies(pages: list[Page], cache: BuildCache) -> list[Page]:
    """Return a .gz and a .br copy of every text file, identical from build to build."""
    copies = []
    for page in pages:
        if page.path.endswith(TEXT_SUFFIXES):
            copies += cache.remember(("compressed", page), lambda p=page: _compress(p))
    return copies


def _compress(page: Page) -> list[Page]:
    # mtime=0 and no file name in the header: the same bytes give the same .gz.
    gz = gzip.compress(page.content, compresslevel=9, mtime=0)
    br = brotli.compress(page.content, quality=11)
    return [Page(page.path + ".gz", gz), Page(page.path + ".br", br)]
