"""Latin typography for text that no Markdown extension touches: quotes, apostrophes, dashes.

Python-Markdown's smarty extension does this for body text, but it runs a
second inline pass over every section and doubles the cost of converting
English; the same rules, applied once to each text node, cost almost nothing.
"""

from __future__ import annotations

import re

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|'(?=\d\ds\b)")
_OPENING = r"(?<=[\s(\[{—–/\u00a0-])"
_OPEN_SINGLE = re.compile(_OPENING + "'")
_OPEN_DOUBLE = re.compile(_OPENING + '"')
_DASHES = re.compile(r"---|--|\.\.\.")
_DASH = {"---": "—", "--": "–", "...": "…"}


def typeset(text: str, before: str = "") -> str:
    """Return text with curly quotes and apostrophes, en and em dashes and ellipses.

    `before` is the character just before the text (the end of the previous
    element), which decides whether a quote at its start opens or closes.
    """
    if not text or not any(c in text for c in "'\"-."):
        return text
    if "--" in text or "..." in text:
        text = _DASHES.sub(lambda m: _DASH[m.group(0)], text)
    if "'" not in text and '"' not in text:
        return text
    # A quote at the very start opens, unless it follows a word.
    lead = before[-1:] if before[-1:] and not before[-1:].isspace() else " "
    text = lead + text
    text = _APOSTROPHE.sub("’", text)
    text = _OPEN_SINGLE.sub("‘", text).replace("'", "’")
    text = _OPEN_DOUBLE.sub("“", text).replace('"', "”")
    return text[1:]
