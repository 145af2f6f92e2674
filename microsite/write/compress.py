"""Precompressed copies (.gz, .br) of text files, for hosts that serve them as they are."""

from __future__ import annotations

import gzip

import brotli

from microsite.write.output import Page

TEXT_SUFFIXES = (".html", ".css", ".xml", ".txt", ".json", ".csv", ".svg", ".js")


def compressed_copies(pages: list[Page]) -> list[Page]:
    """Return a .gz and a .br copy of every text file, identical from build to build."""
    return [copy for page in pages if page.path.endswith(TEXT_SUFFIXES) for copy in _compress(page)]


def _compress(page: Page) -> list[Page]:
    # mtime=0 and no file name in the header: the same bytes give the same .gz.
    gz = gzip.compress(page.content, compresslevel=9, mtime=0)
    br = brotli.compress(page.content, quality=11)
    return [Page(page.path + ".gz", gz), Page(page.path + ".br", br)]
