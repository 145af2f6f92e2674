"""Analyse a release once: every passage a reader sees, in every language, with its facts written out."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from microsite.analyse.format import format_fact
from microsite.analyse.markup import Converter
from microsite.analyse.text import Passage, plain_passage
from microsite.load.content import RELEASE_KEYS, Edition, Section
from microsite.load.facts import Fact
from microsite.load.releases import Release, Schedule

FIELD_LABELS = {
    "headline": "the headline",
    "subhead": "the subhead",
    "description": "the description",
    "dateline_place": "the dateline",
    "distributor": "the distributor",
    "issuer": "the issuer",
    "source": "the source line",
}


@dataclass(frozen=True)
class ReleaseRecord:
    """A release and what each language shows of it, by language code, then passage key."""

    release: Release
    passages: dict[str, dict[str, Passage]]

    def passage(self, code: str, key: str) -> Passage | None:
        """Return one passage of one language, if that language has it."""
        return self.passages.get(code, {}).get(key)

    def field(self, code: str, key: str) -> str:
        """Return a release.toml text as shown in that language (facts written out, typeset)."""
        return self.passages[code][f"field:{key}"].text


class Converters(dict):
    """The Markdown converters of one process, one per typography, made when first needed."""

    def __missing__(self, typography: str) -> Converter:
        converter = self[typography] = Converter(typography)
        return converter


def analyse_release(release: Release, converters: Converters) -> ReleaseRecord:
    """Convert every section and expand every text field of every language of a release."""
    facts = release.fact_map
    return ReleaseRecord(
        release, {e.language.code: analyse_edition(e, facts, converters) for e in release.editions}
    )


def analyse_edition(edition: Edition, facts: dict[str, Fact], converters: Converters) -> dict[str, Passage]:
    """Return one language's passages: text fields, key-figure labels, then each section's title and body."""
    language = edition.language
    code, typography = language.code, language.typography

    def write(fact: Fact, form: str) -> str:
        return format_fact(fact, language, form)

    text = edition.release
    passages = {}
    for key in RELEASE_KEYS:
        passage = plain_passage(
            f"field:{key}",
            FIELD_LABELS[key],
            code,
            text.path,
            getattr(text, key),
            text.line(key),
            facts,
            write,
            typography,
        )
        passages[passage.key] = passage
    for fact_id, label in text.figures:
        what = f"the key-figure label of `{fact_id}`"
        passage = plain_passage(
            f"label:{fact_id}", what, code, text.path, label, text.line(fact_id), facts, write, typography
        )
        passages[passage.key] = passage
    for chart in text.charts:
        for key, source in chart.texts():
            if not source:
                continue
            what = (
                f"the {key} of the chart `{chart.id}`"
                if key in ("title", "baseline")
                else (f"the label of `{key}` in the chart `{chart.id}`")
            )
            passage = plain_passage(
                chart_key(chart.id, key),
                what,
                code,
                text.path,
                source,
                chart.line(key),
                facts,
                write,
                typography,
            )
            passages[passage.key] = passage
    for section in edition.sections:
        title = plain_passage(
            f"title:{section.id}",
            f"the title of `{section.id}`",
            code,
            section.path,
            section.title,
            section.title_line,
            facts,
            write,
            typography,
        )
        passages[title.key] = title
        passages[f"section:{section.id}"] = analyse_section(
            section, code, facts, write, converters[typography]
        )
    return passages


def chart_key(chart_id: str, key: str) -> str:
    """Return the passage key of a chart's title ("title"), baseline ("baseline") or a bar's label (fact id)."""
    return f"chart:{chart_id}:{key}"


def analyse_section(
    section: Section, code: str, facts: dict[str, Fact], write, converter: Converter
) -> Passage:
    """Convert one section's Markdown and keep what it holds."""
    analysis = converter.convert(section.body, section.id, facts, write)
    return Passage(
        key=f"section:{section.id}",
        label=f"`{section.id}`",
        language_code=code,
        path=section.path,
        source=section.body,
        first_line=section.body_line,
        text=analysis.text,
        bare=analysis.bare,
        facts=analysis.facts,
        analysis=analysis,
    )


@dataclass(frozen=True)
class ReleaseSummary:
    """What the rest of the site says of a release: listings, feeds, sitemap, front door."""

    slug: str
    schedule: Schedule
    release_date: Fact
    texts: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # by language code: (field, text as shown)

    @functools.cached_property
    def described(self) -> str:
        """Return its repr, worked out once: the cache keys name every summary, on every rebuild."""
        return repr(self)

    def text(self, code: str, key: str) -> str:
        """Return a release.toml field as shown in one language."""
        return dict(dict(self.texts)[code])[key]

    def page_path(self, code: str) -> str:
        """Return the output path of the release's page in one language."""
        return f"{code}/{self.slug}/index.html" if self.slug else f"{code}/index.html"


def summarise(record: ReleaseRecord) -> ReleaseSummary:
    """Return the summary of an analysed release."""
    release = record.release
    texts = tuple(
        (code, tuple((key, record.field(code, key)) for key in RELEASE_KEYS)) for code in record.passages
    )
    return ReleaseSummary(release.slug, release.schedule, release.fact_map["release_date"], texts)
