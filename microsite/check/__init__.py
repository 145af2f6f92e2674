"""Check: what a careful bilingual editor would catch, run on every build and by `check`.

Validation (references, coverage, dates) finds errors that stop a build; the
editorial checks return warnings, or notices for what only a person can
confirm, and `python build.py check --strict` fails on any warning.
"""

from __future__ import annotations

from microsite.analyse.release import ReleaseRecord
from microsite.check.figures import check_figures
from microsite.check.names import NameIndex, check_names
from microsite.check.structure import check_release_structure
from microsite.check.typography import check_typography
from microsite.load.settings import Settings
from microsite.problems import Problem


def check_release(record: ReleaseRecord, settings: Settings) -> list[Problem]:
    """Run the editorial checks of one release: figures, names, typography, structure."""
    languages = {language.code: language for language in settings.languages}
    index = NameIndex(record.release.names, languages, settings.source.code)
    problems = check_figures(record, index)
    problems += check_names(record.passages, index)
    problems += check_typography(record.passages, {code: lang.typography for code, lang in languages.items()})
    problems += check_release_structure(record)
    return problems
