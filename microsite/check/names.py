"""Names: each glossary name spelled as the glossary has it, in every language."""

from __future__ import annotations

import difflib
import re

from microsite.analyse.text import SectionText, section_pairs
from microsite.load.glossary import Name
from microsite.problems import WARNING, Problem

_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")


def _normal(text: str) -> str:
    # Curly apostrophes come from typography, not from the editor.
    return text.replace("’", "'")


def without_names(text: str, glossary: tuple[Name, ...]) -> str:
    """Return `text` with every glossary name blanked out (so "Fortune 500" is no figure)."""
    text = _normal(text)
    forms = sorted({f for name in glossary for _, f in name.forms if f}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, " ")
    return text


def names_in(text: str, glossary: tuple[Name, ...], code: str, fallback: str) -> list[Name]:
    """Return the glossary names a text uses, longest first, each span counted once."""
    text = _normal(text)
    found = []
    candidates = sorted(glossary, key=lambda n: len(n.form(code) or n.form(fallback)), reverse=True)
    for name in candidates:
        form = name.form(code) or name.form(fallback)
        if form and form in text:
            found.append(name)
            text = text.replace(form, " ")
    return found


def check_names(
    release, texts: dict[str, dict[str, SectionText]], glossary: tuple[Name, ...]
) -> list[Problem]:
    """Report near misses of glossary names, and names one language has and another lacks."""
    problems = []
    source = release.editions[0].language.code
    for code, sections in texts.items():
        for text in sections.values():
            problems += near_misses(text, glossary, code, source)
    for original, translated in section_pairs(texts, source):
        problems += _compare(original, translated, glossary, source)
    return problems


def near_misses(text: SectionText, glossary: tuple[Name, ...], code: str, source: str) -> list[Problem]:
    """Report spellings that are close to a glossary name without being it."""
    content = _normal(text.text + "\n" + text.section.title)
    forms = {f for name in glossary for _, f in name.forms if f}
    problems = []
    for name in glossary:
        form = name.form(code) or name.form(source)
        if not form:
            continue
        for candidate in _candidates(content, form):
            if candidate != form and candidate not in forms and not any(candidate in f for f in forms):
                problems.append(
                    Problem(
                        text.section.path,
                        text.line_of(candidate, candidate.replace("'", "’")),
                        f"{candidate!r} looks like a misspelling of the name {form!r}",
                        WARNING,
                        hint=f"The glossary (content/glossary.toml) spells it {form!r}.",
                        kind="name-near-miss",
                    )
                )
    return problems


def _candidates(content: str, form: str) -> set[str]:
    if _CJK.match(form):
        if len(form) < 3:
            return set()
        found = set()
        # A window one character away from the name shares its first or its
        # second character: look only where one of those occurs.
        starts = {m.start() for m in re.finditer(re.escape(form[0]), content)}
        starts |= {m.start() - 1 for m in re.finditer(re.escape(form[1]), content)}
        for start in sorted(s for s in starts if 0 <= s <= len(content) - len(form)):
            window = content[start : start + len(form)]
            if _CJK.match(window) and sum(a != b for a, b in zip(window, form)) == 1:
                found.add(window)
        return found
    if len(form) < 4:
        return set()
    words = [(m.group(0), m.start()) for m in _WORD.finditer(content)]
    size = len(form.split())
    # SequenceMatcher keeps what it learnt about its second sequence: set it once.
    matcher = difflib.SequenceMatcher(None, "", form.lower())
    found = set()
    initial = form[0].lower()
    for index in range(len(words) - size + 1):
        # A misspelt name keeps its capital, and nearly always its first letter.
        first = words[index][0]
        if not first[0].isupper() or first[0].lower() != initial:
            continue
        window = content[words[index][1] : words[index + size - 1][1] + len(words[index + size - 1][0])]
        window = re.sub(r"'s$", "", window)
        if window == form or abs(len(window) - len(form)) > len(form) // 4 + 1:
            continue
        matcher.set_seq1(window.lower())
        if matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
            found.add(window)
    return found


def _compare(
    original: SectionText, translated: SectionText, glossary: tuple[Name, ...], source: str
) -> list[Problem]:
    problems = []
    code = translated.language.code
    ours = names_in(original.text + "\n" + original.section.title, glossary, source, source)
    theirs = names_in(translated.text + "\n" + translated.section.title, glossary, code, source)
    for name in ours:
        if name not in theirs:
            expected = name.form(code) or name.form(source)
            problems.append(
                Problem(
                    translated.section.path,
                    translated.line_of(),
                    f"the {original.language.name} of `{original.section.id}` names {name.form(source)!r}, but the {translated.language.name} does not use its glossary form {expected!r}",
                    WARNING,
                    hint="Use the glossary's form of the name, or correct the glossary.",
                    kind="name-missing",
                )
            )
    for name in theirs:
        if name not in ours:
            problems.append(
                Problem(
                    original.section.path,
                    original.line_of(),
                    f"the {translated.language.name} of `{original.section.id}` names {name.form(code) or name.form(source)!r}, but the {original.language.name} does not name {name.form(source)!r}",
                    WARNING,
                    hint="Use the glossary's form of the name, or correct the glossary.",
                    kind="name-missing",
                )
            )
    return problems
