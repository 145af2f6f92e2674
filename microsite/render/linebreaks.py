"""Where a line of Chinese or Latin text may break, for what is drawn rather than laid out by a browser.

Share cards and charts set their own lines: Chinese breaks between any two
characters, Latin only at spaces, and neither puts closing punctuation at
the start of a line nor opening punctuation at its end (the rules Chinese
press typesetting follows).
"""

from __future__ import annotations

import unicodedata

# These never start a line…
NO_START = frozenset("，。、；：？！）」』】〕〉》〗”’％‰·・…—～,.;:?!)]}%")
# …and these never end one.
NO_END = frozenset("（「『【〔〈《〖“‘([{￥$#")
# Left off before the ellipsis of a cut text: "创新，…" reads as a typo.
TRAILING = " ，、；：,;:"


def line_breaks(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Return where a line from `start` may end, as (end of this line, start of the next), the text's end last."""
    found = []
    for i in range(start + 1, len(text)):
        before, after = text[i - 1], text[i]
        if after == " ":
            found.append((i, i + 1))  # the space itself is on neither line
        elif before != " " and may_break(before, after):
            found.append((i, i))
    found.append((len(text), len(text)))
    return found


def may_break(before: str, after: str) -> bool:
    """Tell whether a line may break between two characters that are not spaces."""
    if after in NO_START or before in NO_END:
        return False
    return is_wide(before) or is_wide(after)


def is_wide(char: str) -> bool:
    """Tell whether a character is full width (Chinese), which a line may break beside."""
    return unicodedata.east_asian_width(char) in ("W", "F")
