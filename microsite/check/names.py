"""Names: each glossary name spelled as the glossary has it, in every language.

One index per language serves every passage: names are found in a single
pass over the text (not one scan per name), and near misses are looked for
only where a word starts like some name.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from microsite.analyse.text import Passage, passage_pairs
from microsite.load.glossary import Name
from microsite.load.settings import Language
from microsite.problems import WARNING, Problem

_HAN = re.compile(r"^[\u3400-\u9fff]+$")
# A Latin word, Unicode-aware: "Comité", "Nankin", "O'Brien".
# A letter or digit of an alphabet (not Chinese, Japanese or Korean): a Latin
# name written in Chinese text touches Han characters and is still a whole word.
_ALPHABETIC = "[^\\W_\u2e80-\u9fff\u3040-\u30ff\uac00-\ud7af\uf900-\ufaff]"
_WORD = re.compile(f"(?![\\d_]){_ALPHABETIC}(?:{_ALPHABETIC}|['’-])*")


def _normal(text: str) -> str:
    # Curly apostrophes come from typography, not from the editor.
    return text.replace("’", "'")


@dataclass
class NameIndex:
    """The glossary of one release, ready to search texts in each language."""

    names: tuple[Name, ...]
    languages: dict[str, Language]
    source: str
    _found: dict = field(default_factory=dict)  # (language, text): names found, asked for by several checks
    _compiled: dict = field(default_factory=dict)  # language: its patterns (hashing the glossary costs)

    def script(self, code: str) -> str:
        """Return the typography of a language: "latin" or "cjk"."""
        return self.languages[code].typography

    def find(self, text: str, code: str) -> list[tuple[int, int, Name]]:
        """Return (start, end, name) of each glossary name in a text, left to right, spans not overlapping."""
        key = (code, text)
        if key not in self._found:
            compiled = self._compiled.get(code)
            if compiled is None:
                compiled = self._compiled[code] = _patterns(self.names, code, self.source)
            self._found[key] = _find(compiled, _normal(text))
        return self._found[key]

    def names_in(self, text: str, code: str) -> list[Name]:
        """Return the glossary names a text uses, each once, in order."""
        return list(dict.fromkeys(name for _, _, name in self.find(text, code)))

    def blank(self, text: str, code: str) -> str:
        """Return `text` with every glossary name blanked out (so "Fortune 500" is no figure)."""
        found = self.find(text, code)
        if not found:
            return text
        pieces, last = [], 0
        for start, end, _ in found:
            pieces += [text[last:start], " " * (end - start)]
            last = end
        return "".join([*pieces, text[last:]])


@functools.lru_cache(maxsize=32)
def _patterns(names: tuple[Name, ...], code: str, source: str) -> tuple[list[re.Pattern], dict[str, Name]]:
    """Return the patterns that find a glossary's names in one language (the same for every release)."""
    by_form: dict[str, Name] = {}
    for name in names:
        for form in (_normal(name.shown(code, source)), _normal(name.form(code))):
            if form:
                by_form.setdefault(form, name)
    # A Latin name is a whole word ("O'Brien" is not inside "O'Briens");
    # Chinese has no spaces to mark words, so its names are found anywhere.
    latin = [f for f in by_form if not _HAN.match(f[:1])]
    han = [f for f in by_form if _HAN.match(f[:1])]
    patterns = []
    if latin:
        patterns.append(re.compile(f"(?<!{_ALPHABETIC})(?:{_trie(latin)})(?!{_ALPHABETIC})"))
    if han:
        patterns.append(re.compile(_trie(han)))
    return patterns, by_form


def _find(compiled: tuple[list[re.Pattern], dict[str, Name]], text: str) -> list[tuple[int, int, Name]]:
    patterns, by_form = compiled
    found = [(m.start(), m.end(), by_form[m.group(0)]) for p in patterns for m in p.finditer(text)]
    if len(patterns) > 1:
        # Two scripts, two passes: keep the longer of two overlapping names.
        found.sort(key=lambda f: (f[0], f[0] - f[1]))
        kept, end = [], -1
        for item in found:
            if item[0] >= end:
                kept.append(item)
                end = item[1]
        found = kept
    return found


def _trie(forms: list[str]) -> str:
    """Return a pattern matching any of the forms, longest first, as a trie.

    One pattern whose branches share their prefixes: the regular expression
    engine then tries each position once, not once per name.
    """
    tree: dict = {}
    for form in forms:
        node = tree
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(tree)


def _branches(node: dict) -> str:
    ends = "" in node
    options = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    # A longer name wins over a shorter one it starts with: try the longer first.
    return f"(?:{body})?" if ends else body


def check_names(passages: dict[str, dict[str, Passage]], index: NameIndex) -> list[Problem]:
    """Report near misses of glossary names, and names one language has and another lacks."""
    problems = []
    for code, by_key in passages.items():
        finder = _near_misses(index.names, code, index.source)
        for passage in by_key.values():
            problems += finder.check(passage)
    for original, translated in passage_pairs(passages, index.source):
        if original.key.startswith(("section:", "field:headline", "field:subhead", "field:description")):
            problems += _compare(original, translated, index)
    return problems


@functools.lru_cache(maxsize=32)
def _near_misses(names: tuple[Name, ...], code: str, source: str) -> _NearMisses:
    return _NearMisses(names, code, source)


class _NearMisses:
    """Spellings close to a glossary name without being it, in one language."""

    def __init__(self, names: tuple[Name, ...], code: str, source: str):
        self.forms = {_normal(f) for name in names for _, f in name.forms if f}
        self.latin: dict[str, list[tuple[str, int, difflib.SequenceMatcher]]] = defaultdict(list)
        self.han_first: dict[str, list[str]] = defaultdict(list)
        for name in names:
            form = _normal(name.shown(code, source))
            if _HAN.match(form):
                if len(form) >= 3:
                    self.han_first[form[0]].append(form)
            elif len(form) >= 4 and form[:1].isalpha():
                # SequenceMatcher keeps what it learnt about its second sequence: one per form.
                matcher = difflib.SequenceMatcher(None, "", _fold(form))
                self.latin[_fold(form[0])].append((form, _fold(form), len(form.split()), matcher))
        self.judged: dict[tuple[str, str], bool] = {}
        chars = "".join(sorted(self.han_first))
        self.han_chars = re.compile(f"[{re.escape(chars)}]") if chars else re.compile("(?!)")

    def check(self, passage: Passage) -> list[Problem]:
        content = _normal(passage.text)
        found = self._latin(content) | self._han(content)
        problems = []
        for candidate, form in sorted(found):
            if candidate in self.forms or any(candidate in f for f in self.forms):
                continue
            message = f"{candidate!r} looks like a misspelling of the name {form!r}"
            hint = f"The glossary spells it {form!r}."
            line = passage.line_of(candidate, candidate.replace("'", "’"))
            problems.append(Problem(passage.path, line, message, WARNING, hint=hint, kind="name-near-miss"))
        return problems

    def _latin(self, content: str) -> set[tuple[str, str]]:
        if not self.latin:
            return set()
        words = [(m.group(0), m.start()) for m in _WORD.finditer(content)]
        found = set()
        for index, (first, start) in enumerate(words):
            # A misspelt name keeps its capital, and nearly always its first letter.
            if not first[0].isupper():
                continue
            for form, folded, size, matcher in self.latin.get(_fold(first[0]), ()):
                if index + size > len(words):
                    continue
                last_word, last_start = words[index + size - 1]
                window = content[start : last_start + len(last_word)]
                if window.endswith("'s"):
                    window = window[:-2]
                if abs(len(window) - len(form)) > len(form) // 4 + 1:
                    continue
                # The same words recur through a release (and an archive): judge each pair once.
                close = self.judged.get((window, form))
                if close is None:
                    close = self.judged[(window, form)] = _close(matcher, _fold(window), folded)
                if close:
                    found.add((window, form))
        return found

    def _han(self, content: str) -> set[tuple[str, str]]:
        found = set()
        if not self.han_first:
            return found
        # A misspelt Chinese name keeps its first character (长江大侨 for 长江大桥);
        # one that shares only its ending is another word (色三角 is not 珠三角).
        # Only where some name's first character occurs: found by one pattern, not a loop.
        for match in self.han_chars.finditer(content):
            position, char = match.start(), match.group(0)
            candidates = [(f, position) for f in self.han_first.get(char, ())]
            for form, start in candidates:
                window = content[start : start + len(form)] if start >= 0 else ""
                if (
                    len(window) == len(form)
                    and _HAN.match(window)
                    and sum(a != b for a, b in zip(window, form)) == 1
                ):
                    found.add((window, form))
        return found


def _close(matcher: difflib.SequenceMatcher, window: str, form: str) -> bool:
    if window == form:
        return False  # the name itself, in other capitals (O'BRIEN for O'Brien)
    matcher.set_seq1(window)
    return matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85


def _fold(text: str) -> str:
    # Compare as a reader would: "Comite" is a near miss of "Comité", and
    # "Comité" is exactly itself.
    return unicodedata.normalize("NFC", text).casefold()


def _compare(original: Passage, translated: Passage, index: NameIndex) -> list[Problem]:
    problems = []
    first, second = original.language_code, translated.language_code
    ours = index.names_in(original.text, first)
    theirs = index.names_in(translated.text, second)
    languages = index.languages
    for name in ours:
        if name not in theirs:
            expected = name.shown(second, index.source)
            message = (
                f"the {languages[first].name} of {original.label} names {name.shown(first, index.source)!r}, "
                f"but the {languages[second].name} does not use its glossary form {expected!r}"
            )
            hint = "Use the glossary's form of the name, or correct the glossary."
            problems.append(
                Problem(
                    translated.path, translated.line_of(), message, WARNING, hint=hint, kind="name-missing"
                )
            )
    for name in theirs:
        if name not in ours:
            message = (
                f"the {languages[second].name} of {original.label} names {name.shown(second, index.source)!r}, "
                f"but the {languages[first].name} does not name {name.shown(first, index.source)!r}"
            )
            hint = "Use the glossary's form of the name, or correct the glossary."
            problems.append(
                Problem(original.path, original.line_of(), message, WARNING, hint=hint, kind="name-missing")
            )
    return problems
