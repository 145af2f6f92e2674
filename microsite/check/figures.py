"""Figures across languages: the same facts and qualifiers in every translation, none typed by hand."""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from microsite.analyse.numbers import Figure, figures_in, same_qualifier
from microsite.analyse.release import ReleaseRecord
from microsite.analyse.text import Passage, passage_pairs
from microsite.check.names import NameIndex
from microsite.load.facts import NUMERIC_TYPES, Fact
from microsite.problems import WARNING, Problem

# Qualifiers as press copy types them beside a figure, to catch one typed next
# to [[fact]]: the qualifier belongs in the fact, where every language keeps it.
_BEFORE = {
    "latin": re.compile(
        r"(?:^|\W)(nearly|almost|about|around|approximately|roughly|some|more than|over|above|at least|"
        r"no less than|up to|as many as|less than|fewer than|under|below)\s*$",
        re.IGNORECASE,
    ),
    "cjk": re.compile(r"(将近|接近|近|大约|约|超过|超|逾|至少|不少于|最多|至多|不超过|不到|不足|少于)$"),
}
_AFTER = {
    "latin": re.compile(r"^$^"),
    "cjk": re.compile(r"^[个家条名项人所种台栋座批位次]?(多|余|以上|左右)"),
}


@dataclass(frozen=True)
class _Found:
    """A figure one language shows: a fact or a typed number."""

    shown: str
    value: Decimal | None
    qualifier: str
    position: int
    typed: bool


def check_figures(record: ReleaseRecord, names: NameIndex) -> list[Problem]:
    """Report typed figures, qualifiers typed beside facts, and figures that differ between languages."""
    release = record.release
    facts = release.fact_map
    values = _fact_values(release.facts)
    problems = []
    # Each passage is read once: both checks below use what was found.
    typed = {id(p): _typed(p, names) for passages in record.passages.values() for p in passages.values()}
    for passages in record.passages.values():
        for passage in passages.values():
            problems += _typed_figures(passage, typed[id(passage)], values)
            problems += _typed_qualifiers(passage, facts, names.script(passage.language_code))
    for original, translated in passage_pairs(record.passages, release.source.language.code):
        problems += _compare(original, translated, facts, names, typed)
    return problems


def _script(passage: Passage, names: NameIndex) -> str:
    return names.script(passage.language_code)


def _typed(passage: Passage, names: NameIndex) -> list[Figure]:
    return [
        f
        for f in figures_in(names.blank(passage.bare, passage.language_code), _script(passage, names))
        if f.counts
    ]


def _fact_values(facts: tuple[tuple[str, Fact], ...]) -> dict[Decimal, str]:
    values = {}
    for fact_id, fact in facts:
        value = _value(fact)
        if value is not None:
            values.setdefault(value, fact_id)
    return values


def _value(fact: Fact) -> Decimal | None:
    try:
        return Decimal(fact.machine_value())
    except InvalidOperation:
        return None


def _typed_figures(passage: Passage, typed: list[Figure], values: dict[Decimal, str]) -> list[Problem]:
    problems = []
    for figure in typed:
        match = values.get(figure.value)
        hint = (
            f"Write [[{match}]] instead: that fact has this value."
            if match
            else "Add it to facts.toml and write [[id]] here, so that every language shows the same figure."
        )
        where = "" if passage.key.startswith("section:") else f" ({passage.label})"
        message = f"the figure {_shown_as(figure.written)!r} is typed into the text{where} instead of taken from the facts"
        problems.append(
            Problem(
                passage.path,
                passage.line_of(figure.written),
                message,
                WARNING,
                hint=hint,
                kind="typed-figure",
            )
        )
    return problems


def _shown_as(written: str) -> str:
    # A figure written across a line break reads as one line in a message: "586 million USD", not "586 million\nUSD".
    return " ".join(written.split())


def _typed_qualifiers(passage: Passage, facts: dict[str, Fact], script: str) -> list[Problem]:
    problems = []
    for use in passage.facts:
        fact = facts.get(use.fact_id)
        if fact is None or fact.type not in NUMERIC_TYPES or fact.type == "duration" or use.form:
            continue
        before = _BEFORE[script].search(passage.text[max(0, use.start - 16) : use.start])
        after = _AFTER[script].search(passage.text[use.end : use.end + 4])
        word = (before and before.group(1)) or (after and after.group(1))
        if not word:
            continue
        if fact.qualifier:
            message = f"{word!r} is typed beside [[{fact.id}]], which already says {fact.qualifier!r}: it shows twice"
            hint = "Delete the typed word: the fact's qualifier is written in every language."
        else:
            message = f"{word!r} is typed beside [[{fact.id}]]: the key figures, the exports and the other languages lose it"
            hint = 'Make it part of the fact in facts.toml (qualifier = "nearly", "about", "more than" …) and delete the typed word.'
        problems.append(
            Problem(passage.path, passage.line_of(word), message, WARNING, hint=hint, kind="typed-qualifier")
        )
    return problems


def _shown(passage: Passage, facts: dict[str, Fact], typed: list[Figure]) -> list[_Found]:
    found = [
        _Found(
            passage.text[u.start : u.end],
            _value(facts[u.fact_id]),
            facts[u.fact_id].qualifier,
            u.start,
            False,
        )
        for u in passage.facts
        if u.fact_id in facts
    ]
    found += [_Found(f.written, f.value, f.qualifier, f.start, True) for f in typed]
    return found


def _compare(
    original: Passage,
    translated: Passage,
    facts: dict[str, Fact],
    names: NameIndex,
    typed: dict[int, list[Figure]],
) -> list[Problem]:
    """Pair what one language has and the other lacks, and report each pair with both sentences."""
    ours = _shown(original, facts, typed[id(original)])
    theirs = _shown(translated, facts, typed[id(translated)])
    # Facts are compared by id (a translation may use another fact of the
    # same value by mistake), typed figures by value and qualifier.
    mine, yours = Counter(u.fact_id for u in original.facts), Counter(u.fact_id for u in translated.facts)
    extra_ours = {fid for fid in mine if mine[fid] > yours[fid]}
    extra_theirs = {fid for fid in yours if yours[fid] > mine[fid]}
    at_a = {u.start: u.fact_id for u in original.facts}
    at_b = {u.start: u.fact_id for u in translated.facts}
    a = [f for f in ours if f.typed or at_a.get(f.position, "") in extra_ours]
    b = [f for f in theirs if f.typed or at_b.get(f.position, "") in extra_theirs]
    a, b = _cancel(a, b)
    a.sort(key=lambda f: f.position)
    b.sort(key=lambda f: f.position)
    problems = []
    for index in range(max(len(a), len(b))):
        x = a[index] if index < len(a) else None
        y = b[index] if index < len(b) else None
        problems.append(_mismatch(original, translated, x, y, names))
    return problems


def _cancel(a: list[_Found], b: list[_Found]) -> tuple[list[_Found], list[_Found]]:
    """Pair figures of equal value across the languages; return what is left on each side.

    The same value on both sides is the same figure: a typed one is
    reported as typed, not as different; a differing qualifier is reported.
    Partners are found through an index by value: a long section has
    thousands of figures, and a scan per figure would square the time.
    """
    typed: dict[Decimal, deque[int]] = defaultdict(deque)
    facts: dict[Decimal, deque[int]] = defaultdict(deque)
    for index, y in enumerate(b):
        if y.value is not None:
            (typed if y.typed else facts)[y.value].append(index)
    taken: set[int] = set()
    left_a, left_b = [], []
    for x in a:
        partner = _partner(x, typed.get(x.value), facts.get(x.value) if x.typed else None)
        if partner is None:
            left_a.append(x)
            continue
        taken.add(partner)
        if not same_qualifier(x.qualifier, b[partner].qualifier):
            left_a.append(x)
            left_b.append(b[partner])
    left_b += [y for index, y in enumerate(b) if index not in taken]
    return left_a, left_b


def _partner(x: _Found, typed: deque[int] | None, facts: deque[int] | None) -> int | None:
    # The first figure of that value in the other language, in text order.
    if x.value is None:
        return None
    heads = [queue for queue in (typed, facts) if queue]
    if not heads:
        return None
    queue = min(heads, key=lambda q: q[0])
    return queue.popleft()


def _mismatch(
    original: Passage, translated: Passage, x: _Found | None, y: _Found | None, names: NameIndex
) -> Problem:
    first, second = (names.languages[p.language_code].name for p in (original, translated))
    says = [
        f"{first} says {_shown_as(x.shown)!r}" if x else f"{first} has no such figure",
        f"{second} says {_shown_as(y.shown)!r}" if y else f"{second} has no such figure",
    ]
    hint = "\n    ".join(
        filter(
            None,
            [
                f"{first}: {original.sentence_with(x.shown)}" if x else "",
                f"{second}: {translated.sentence_with(y.shown)}" if y else "",
            ],
        )
    )
    line = translated.line_of(y.shown) if y else translated.line_of()
    message = f"a figure differs between the languages in {original.label}: {says[0]}, {says[1]}"
    return Problem(translated.path, line, message, WARNING, hint=hint, kind="figure-mismatch")
