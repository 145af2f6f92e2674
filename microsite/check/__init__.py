"""What a careful bilingual editor would catch: run on every build and by `check`.

Each check returns Problems (warnings, or notices for what only a person can
confirm); the build prints them, and `python build.py check --strict` fails on
any warning.
"""

from __future__ import annotations

from microsite.analyse.text import SectionText, section_text
from microsite.cache import BuildCache
from microsite.check.figures import check_figures
from microsite.check.names import check_names
from microsite.check.structure import check_links, check_release_structure
from microsite.check.typography import check_typography
from microsite.problems import Problem
from microsite.write.output import Page


def run_checks(content, pages: list[Page], cache: BuildCache, converters) -> list[Problem]:
    """Run every check over every release and the rendered pages."""
    problems: list[Problem] = []
    for release in content.releases:
        key = ("checks", release, content.glossary, content.settings)
        problems += cache.remember(key, lambda r=release: check_release(r, content, cache, converters))
    problems += check_links(pages, content, cache)
    return problems


def check_release(release, content, cache: BuildCache, converters) -> list[Problem]:
    """Run the per-release checks: figures, names, typography, structure."""
    texts = release_texts(release, cache, converters)
    problems = check_figures(release, texts, content.glossary)
    problems += check_names(release, texts, content.glossary)
    problems += check_typography(release, texts)
    problems += check_release_structure(release, texts)
    return problems


def release_texts(release, cache: BuildCache, converters) -> dict[str, dict[str, SectionText]]:
    """Return each language's sections as checkable text, by language code and section id."""
    from microsite.render.pages import cached_section_html

    texts: dict[str, dict[str, SectionText]] = {}
    for edition in release.editions:
        language = edition.language
        texts[language.code] = {}
        for section in edition.sections:
            html = cached_section_html(cache, release, section, language, converters)
            texts[language.code][section.id] = section_text(section, language, str(html))
    return texts
