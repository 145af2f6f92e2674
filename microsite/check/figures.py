"""Figures across languages: the same facts in every translation, none typed by hand."""

from __future__ import annotations

import contextlib
from collections import Counter
from decimal import Decimal, InvalidOperation

from microsite.analyse.markup import used_fact_ids
from microsite.analyse.numbers import figures_in
from microsite.analyse.text import SectionText, section_pairs
from microsite.check.names import without_names
from microsite.problems import WARNING, Problem


def check_figures(release, texts: dict[str, dict[str, SectionText]], glossary) -> list[Problem]:
    """Report typed figures, and facts or figures one language has and another lacks."""
    problems = []
    source = release.editions[0].language.code
    for sections in texts.values():
        for text in sections.values():
            problems += _typed_figures(text, release, glossary)
    for original, translated in section_pairs(texts, source):
        problems += _compare(original, translated, release, glossary)
    return problems


def _typed_figures(text: SectionText, release, glossary) -> list[Problem]:
    problems = []
    values = {}
    for fact_id, fact in release.facts:
        with contextlib.suppress(InvalidOperation):
            values.setdefault(Decimal(fact.machine_value()), fact_id)
    for value, written in figures_in(without_names(text.bare, glossary), text.language.typography):
        match = values.get(value)
        hint = (
            f"Write [[{match}]] instead: that fact has this value."
            if match
            else "Add it to content/facts.toml and write [[id]] here, so that every language shows the same figure."
        )
        problems.append(
            Problem(
                text.section.path,
                text.line_of(written),
                f"the figure {written!r} is typed into the text instead of taken from the facts",
                WARNING,
                hint=hint,
                kind="typed-figure",
            )
        )
    return problems


def _compare(original: SectionText, translated: SectionText, release, glossary) -> list[Problem]:
    """Pair what one language has and the other lacks, and report each pair with both sentences."""
    ours = _unmatched(original, translated, release, glossary)
    theirs = _unmatched(translated, original, release, glossary)

    # A figure typed in one language and taken from the facts in the other
    # is the same figure: it is reported as typed, not as different.
    def values(items):
        return {item[3] for item in items if item[3] is not None}

    ours, theirs = (
        [i for i in ours if i[3] is None or i[3] not in values(theirs)],
        [i for i in theirs if i[3] is None or i[3] not in values(ours)],
    )
    problems = []
    for index in range(max(len(ours), len(theirs))):
        a = ours[index] if index < len(ours) else None
        b = theirs[index] if index < len(theirs) else None
        says = [
            f"{original.language.name} says {a[0]!r}"
            if a
            else f"{original.language.name} has no such figure",
            f"{translated.language.name} says {b[0]!r}"
            if b
            else f"{translated.language.name} has no such figure",
        ]
        hint = "\n    ".join(
            filter(
                None,
                [
                    f"{original.language.name}: {original.sentence_with(a[0])}" if a else "",
                    f"{translated.language.name}: {translated.sentence_with(b[0])}" if b else "",
                ],
            )
        )
        line = translated.line_of(b[1]) if b else translated.line_of()
        problems.append(
            Problem(
                translated.section.path,
                line,
                f"a figure differs between the languages in `{original.section.id}`: {says[0]}, {says[1]}",
                WARNING,
                hint=hint,
                kind="figure-mismatch",
            )
        )
    return problems


def _unmatched(text: SectionText, other: SectionText, release, glossary) -> list[tuple]:
    """Return (as shown, as written in the source, position, value) of figures `other` lacks."""
    facts = release.fact_map
    mine, theirs = Counter(used_fact_ids(text.section)), Counter(used_fact_ids(other.section))
    found = []
    for fact_id in mine - theirs:
        if fact_id in facts:
            shown = _rendered(text, facts[fact_id])
            found.append((shown, f"[[{fact_id}]]", text.text.find(shown), _value(facts[fact_id])))
    other_values = {v for v, _ in figures_in(without_names(other.bare, glossary), other.language.typography)}
    for value, written in figures_in(without_names(text.bare, glossary), text.language.typography):
        if value not in other_values:
            found.append((written, written, text.text.find(written), value))
    return sorted(found, key=lambda item: item[2])


def _value(fact) -> Decimal | None:
    try:
        return Decimal(fact.machine_value())
    except InvalidOperation:
        return None


def _rendered(text: SectionText, fact) -> str:
    from microsite.load.facts import format_fact

    return format_fact(fact, text.language)
