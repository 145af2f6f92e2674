"""What one file cannot check alone: fact references, forms, key figures, coverage, dates."""

from __future__ import annotations

import re

from microsite.analyse.format import fact_format_problem
from microsite.analyse.markup import FACT_REF, parse_reference
from microsite.check.translations import check_translation_state
from microsite.load.content import CHART_EXAMPLE, RELEASE_KEYS, Edition
from microsite.load.facts import ID_PATTERN, Fact
from microsite.load.releases import Release
from microsite.load.schema import suggest
from microsite.problems import WARNING, Problem

# Where a line holds a web address: a link's or image's destination ](…), a
# reference definition [name]: …, an autolink <https:…>. A fact written there
# would become part of the address ("…/12.5 percent"), never text.
_ADDRESS = re.compile(
    r"\]\(([^)]*)\)|^\s{0,3}\[[^\]]+\]:\s*(\S+)|<([a-z][a-z0-9+.-]*:[^>\s]*)>", re.IGNORECASE
)


def validate_release(release: Release) -> list[Problem]:
    """Check one release: facts each language can write, references, key figures, coverage."""
    facts = release.fact_map
    problems = _release_date(release) + _facts_written(release)
    source = release.source
    broken = release.broken_facts
    for edition in release.editions:
        problems += _references(edition, facts, broken)
        problems += _figures(edition, source, facts, broken)
        problems += _charts(edition, source, facts, broken)
        if edition is not source:
            problems += _coverage(edition, source, release)
    return problems


def _release_date(release: Release) -> list[Problem]:
    fact = release.fact_map.get("release_date")
    path = release.folder / "facts.toml"
    if "release_date" in release.broken_facts:
        return []  # reported where it is written
    if fact is None or fact.type != "date":
        hint = '[release_date]\ntype = "date"\nvalue = 2024-05-20'
        message = 'the facts need a `release_date` of type "date": the dateline shows it'
        return [Problem(path, fact.line if fact else None, message, hint=hint)]
    published = release.schedule.published
    if published.date() != fact.value:
        message = f"`published` is on {published.date().isoformat()} but the fact `release_date` says {fact.value.isoformat()}"
        hint = "The dateline and the publication date must agree: correct one of them."
        return [Problem(release.schedule.path, release.schedule.published_line, message, hint=hint)]
    return []


def _facts_written(release: Release) -> list[Problem]:
    # A unit or a qualifier that some language's style cannot write is the
    # fact's problem, reported once at the fact.
    problems = []
    for fact_id, fact in release.facts:
        for edition in release.editions:
            found = fact_format_problem(fact, edition.language)
            if found:
                path = release.folder / "facts.toml"
                message = (
                    f"the fact `{fact_id}` cannot be written in {edition.language.name}: {found.message}"
                )
                problems.append(Problem(path, fact.line, message, hint=found.hint))
                break
    return problems


def _references(edition: Edition, facts: dict[str, Fact], broken: frozenset[str]) -> list[Problem]:
    problems = []
    for section in edition.sections:
        for text, line in ((section.body, section.body_line), (section.title, section.title_line)):
            problems += check_references(text, section.path, line, facts, edition, broken)
    text = edition.release
    for key in RELEASE_KEYS:
        problems += check_references(
            getattr(text, key), text.path, text.line(key) or 1, facts, edition, broken
        )
    for fact_id, label in text.figures:
        problems += check_references(label, text.path, text.line(fact_id) or 1, facts, edition, broken)
    for chart in text.charts:
        for key, words in chart.texts():
            problems += check_references(words, text.path, chart.line(key) or 1, facts, edition, broken)
    return problems


def check_references(
    text: str,
    path,
    first_line: int,
    facts: dict[str, Fact],
    edition: Edition,
    broken: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Return a problem for each [[reference]] of a text that cannot be written: unknown, malformed, wrong form."""
    problems = []
    if "[[" not in text:
        return problems
    for number, line in enumerate(text.split("\n"), start=first_line):
        matches = list(FACT_REF.finditer(line))
        if not matches:
            continue
        addresses = [m.span(m.lastindex) for m in _ADDRESS.finditer(line)]
        for match in matches:
            fact_id, form = parse_reference(match.group(1))
            where = f"[[{match.group(1)}]]"
            if any(start <= match.start() < end for start, end in addresses):
                message = f"{where} is inside a web address: a fact is written only in text"
                hint = "Write the address in full, and put the figure in the link's text if it is needed."
                problems.append(Problem(path, number, message, hint=hint))
            elif not ID_PATTERN.match(fact_id):
                hint = (
                    "Write a fact's id between double brackets, such as [[high_tech_firms]], with no spaces."
                )
                problems.append(Problem(path, number, f"{where} is not a fact reference", hint=hint))
            elif fact_id in broken:
                continue  # the fact itself is reported, where it is written
            elif fact_id not in facts:
                hint = suggest(fact_id, facts) or "Fact ids are the [names] in facts.toml."
                problems.append(Problem(path, number, f"unknown fact `{fact_id}` in {where}", hint=hint))
            elif form:
                found = fact_format_problem(facts[fact_id], edition.language, form)
                if found:
                    message = f"{where} cannot be written in {edition.language.name}: {found.message}"
                    problems.append(Problem(path, number, message, hint=found.hint))
    return problems


def _figures(
    edition: Edition, source: Edition, facts: dict[str, Fact], broken: frozenset[str]
) -> list[Problem]:
    release = edition.release
    problems = []
    source_ids = dict(source.release.figures)
    for fact_id, line in release.figure_lines:
        if fact_id in broken:
            continue
        if fact_id not in facts:
            hint = suggest(fact_id, facts)
            problems.append(Problem(release.path, line, f"unknown fact `{fact_id}` in [figures]", hint=hint))
        elif edition is not source and fact_id not in source_ids:
            message = (
                f"figure `{fact_id}` is not in the {source.language.name} key figures, so it is not shown"
            )
            problems.append(Problem(release.path, line, message, WARNING))
    if edition is not source:
        labels = dict(release.figures)
        for fact_id, _label in source.release.figures:
            if fact_id not in labels:
                message = f"no {edition.language.name} label for the key figure `{fact_id}`: the {source.language.name} label is shown"
                problems.append(Problem(release.path, None, message, WARNING, kind="missing-translation"))
    return problems


CHART_TYPES = ("count", "percent", "multiplier", "money", "quantity")


def _charts(
    edition: Edition, source: Edition, facts: dict[str, Fact], broken: frozenset[str]
) -> list[Problem]:
    """Check the charts a language declares: facts that can be drawn together, and each label translated."""
    release = edition.release
    problems = []
    originals = {chart.id: chart for chart in source.release.charts}
    for chart in release.charts:
        original = originals.get(chart.id)
        if edition is not source and original is None:
            message = f"chart `{chart.id}` is not among the {source.language.name} charts, so it is not shown"
            hint = (
                suggest(chart.id, originals)
                or f"Charts are declared in the {source.language.name} release.toml."
            )
            problems.append(Problem(release.path, chart.line(), message, WARNING, hint))
            continue
        drawn = dict(original.bars) if original else {}
        for fact_id, _label in chart.bars:
            if fact_id in broken:
                continue
            if fact_id not in facts:
                hint = suggest(fact_id, facts)
                message = f"unknown fact `{fact_id}` in the chart `{chart.id}`"
                problems.append(Problem(release.path, chart.line(fact_id), message, hint=hint))
            elif edition is not source and fact_id not in drawn:
                message = f"`{fact_id}` is not drawn in the {source.language.name} chart `{chart.id}`, so it is not shown"
                problems.append(Problem(release.path, chart.line(fact_id), message, WARNING))
        if edition is source:
            problems += _drawable(chart, facts, broken, release.path)
        else:
            labels = dict(chart.bars)
            missing = [f"`{fact_id}`" for fact_id in drawn if fact_id not in labels]
            if missing:
                message = f"no {edition.language.name} label for {', '.join(missing)} in the chart `{chart.id}`: the {source.language.name} is shown"
                problems.append(
                    Problem(release.path, chart.line(), message, WARNING, kind="missing-translation")
                )
            if original.baseline and not chart.baseline:
                message = f"no {edition.language.name} `baseline` in the chart `{chart.id}`: the {source.language.name} is shown"
                problems.append(
                    Problem(release.path, chart.line(), message, WARNING, kind="missing-translation")
                )
    if edition is not source:
        own = {chart.id for chart in release.charts}
        for chart_id in originals.keys() - own:
            message = f"no {edition.language.name} title for the chart `{chart_id}`: the {source.language.name} chart is shown"
            hint = f'Add [charts.{chart_id}] with title = "…" and its [charts.{chart_id}.bars] labels.'
            problems.append(Problem(release.path, None, message, WARNING, hint, kind="missing-translation"))
    return problems


def _drawable(chart, facts: dict[str, Fact], broken: frozenset[str], path) -> list[Problem]:
    """Check that a chart's facts share one type (and unit) that bars can show, with no negative value."""
    drawn = [(fact_id, facts[fact_id]) for fact_id, _ in chart.bars if fact_id in facts]
    if not chart.bars:
        return [Problem(path, chart.line(), f"the chart `{chart.id}` draws no facts", hint=CHART_EXAMPLE)]
    problems = []
    kinds = {(fact.type, fact.unit or fact.currency) for _, fact in drawn}
    for fact_id, fact in drawn:
        if fact.type not in CHART_TYPES:
            message = f"`{fact_id}` is a {fact.type}: a chart draws only {', '.join(CHART_TYPES)}"
            problems.append(Problem(path, chart.line(fact_id), message))
        elif fact.value < 0:
            message = f"`{fact_id}` is below zero: a bar chart draws only values of zero or more"
            problems.append(Problem(path, chart.line(fact_id), message))
    if not problems and len(kinds) > 1:
        listed = ", ".join(f"`{fact_id}` ({fact.type})" for fact_id, fact in drawn)
        message = f"the chart `{chart.id}` mixes kinds of figure: {listed}; bars compare only like with like"
        problems.append(
            Problem(path, chart.line(), message, hint="Draw each kind of figure in a chart of its own.")
        )
    if chart.baseline and not any(fact.type == "multiplier" for _, fact in drawn):
        message = f"`baseline` in the chart `{chart.id}` marks 1 on a scale of multipliers, but it draws none"
        problems.append(Problem(path, chart.line("baseline"), message))
    return problems


def _coverage(edition: Edition, source: Edition, release: Release) -> list[Problem]:
    problems = []
    # A section file too broken to load is reported where it is; its
    # counterpart (by file name) is not reported again as unmatched.
    for section in source.sections:
        if edition.section(section.id) is None and section.path.name not in edition.unreadable:
            target = edition.release.path.parent / section.path.name
            message = f"section `{section.id}` has no {edition.language.name} translation: the {source.language.name} text is shown with a notice"
            hint = f'Add {target.parent.name}/{target.name} with id = "{section.id}".'
            problems.append(
                Problem(
                    section.path, section.id_line, message, WARNING, hint=hint, kind="missing-translation"
                )
            )
    for section in edition.sections:
        original = source.section(section.id)
        if original is not None:
            problems += check_translation_state(
                original, section, edition.language.name, release.reference(section.id), release.folder
            )
        elif section.path.name not in source.unreadable:
            hint = suggest(section.id, [s.id for s in source.sections]) or (
                f"Every translated section needs a {source.language.name} original with the same id."
            )
            message = f"section id `{section.id}` matches no {source.language.name} section"
            problems.append(Problem(section.path, section.id_line, message, hint=hint))
    return problems
