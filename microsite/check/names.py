"""Names: each glossary name spelled as the glossary has it, in every language.

One index per language serves every passage: names are found in a single
pass over the text (not one scan per name), and near misses are looked for
only where a word starts like some name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from microsite.analyse.text import Passage, passage_pairs
from microsite.load.glossary import Name
from microsite.load.settings import Language
from microsite.problems import WARNING, Problem

_HAN = re.compile(r"^[\u3400-\u9fff]+$")
# A Latin word, Unicode-aware: "Comité", "Nankin", "Xi'an".
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
    _compiled: dict = field(default_factory=dict)

    def script(self, code: str) -> str:
        """Return the typography of a language: "latin" or "cjk"."""
        return self.languages[code].typography

    def form(self, name: Name, code: str) -> str:
        """Return the form of a name a text in that language uses."""
        return _normal(name.shown(code, self.source))

    def _patterns(self, code: str) -> tuple[list[re.Pattern], dict[str, Name]]:
        if code not in self._compiled:
            by_form: dict[str, Name] = {}
            for name in self.names:
                for form in (self.form(name, code), _normal(name.form(code))):
                    if form:
                        by_form.setdefault(form, name)
            # A Latin name is a whole word ("Xi'an" is not inside "Xi'anese");
            # Chinese has no spaces to mark words, so its names are found anywhere.
            latin = [f for f in by_form if not _HAN.match(f[:1])]
            han = [f for f in by_form if _HAN.match(f[:1])]
            patterns = []
            if latin:
                patterns.append(re.compile(f"(?<!{_ALPHABETIC})(?:{_trie(latin)})(?!{_ALPHABETIC})"))
            if han:
                patterns.append(re.compile(_trie(han)))
            self._compiled[code] = (patterns, by_form)
        return self._compiled[code]

    def find(self, text: str, code: str) -> list[tuple[int, int, Name]]:
        """Return (start, end, name) of each glossary name in a text, left to right, spans not overlapping."""
        patterns, by_form = self._patterns(code)
        text = _normal(text)
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

    def all_forms(self) -> set[str]:
        """Return every form of every name in every language."""
        return {_normal(f) for name in self.names for _, f in name.forms if f}


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
        finder = _NearMisses(index, code)
        for passage in by_key.values():
            problems += finder.check(passage)
    for original, translated in passage_pairs(passages, index.source):
        if original.key.startswith(("section:", "field:headline", "field:subhead", "field:description")):
            problems += _compare(original, translated, index)
    return problems


class _NearMisses:
    """Spellings close to a glossary name without being it, in one language."""

    def __init__(self, index: NameIndex, code: str):
        self.forms = index.all_forms()
        self.latin: dict[str, list[tuple[str, int, difflib.SequenceMatcher]]] = defaultdict(list)
        self.han_first: dict[str, list[str]] = defaultdict(list)
        self.han_second: dict[str, list[str]] = defaultdict(list)
        for name in index.names:
            form = index.form(name, code)
            if _HAN.match(form):
                if len(form) >= 3:
                    self.han_first[form[0]].append(form)
                    self.han_second[form[1]].append(form)
            elif len(form) >= 4 and form[:1].isalpha():
                # SequenceMatcher keeps what it learnt about its second sequence: one per form.
                matcher = difflib.SequenceMatcher(None, "", _fold(form))
                self.latin[_fold(form[0])].append((form, len(form.split()), matcher))

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
        for index, (first, _start) in enumerate(words):
            # A misspelt name keeps its capital, and nearly always its first letter.
            if not first[0].isupper():
                continue
            for form, size, matcher in self.latin.get(_fold(first[0]), ()):
                if index + size > len(words):
                    continue
                last_word, last_start = words[index + size - 1]
                window = re.sub(r"'s$", "", content[words[index][1] : last_start + len(last_word)])
                if _fold(window) == _fold(form) or abs(len(window) - len(form)) > len(form) // 4 + 1:
                    continue
                matcher.set_seq1(_fold(window))
                if (
                    matcher.real_quick_ratio() >= 0.85
                    and matcher.quick_ratio() >= 0.85
                    and matcher.ratio() >= 0.85
                ):
                    found.add((window, form))
        return found

    def _han(self, content: str) -> set[tuple[str, str]]:
        found = set()
        if not self.han_first:
            return found
        for position, char in enumerate(content):
            candidates = [(f, position) for f in self.han_first.get(char, ())]
            candidates += [(f, position - 1) for f in self.han_second.get(char, ())]
            for form, start in candidates:
                window = content[start : start + len(form)] if start >= 0 else ""
                if (
                    len(window) == len(form)
                    and _HAN.match(window)
                    and sum(a != b for a, b in zip(window, form)) == 1
                ):
                    found.add((window, form))
        return found


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
