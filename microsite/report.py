"""Problems as people and machines read them: the build's list, `check`'s report, JSON.

The one place that orders problems and writes them out. Paths are made
relative to the project once per file, not once per problem: a report of a
hundred thousand findings must print in well under a second.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter, defaultdict
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from microsite.problems import ERROR, NOTICE, WARNING, Problem, display_path, pack, unpack

ORDER = {ERROR: 0, WARNING: 1, NOTICE: 2}
# Notices that are fine while writing but must not be published: --strict fails on them.
BLOCKS_PUBLISHING = ("placeholder-address",)
# A report lists this many findings of one kind in one file, then counts the rest;
# a report longer than LONG_REPORT findings (an archive checked for the first
# time) lists fewer, so that it stays readable from the top.
REPEATS_SHOWN = 20
LONG_REPORT = 1000
REPEATS_SHOWN_LONG = 3
# Line numbers named on a "… and N more" line.
LINES_NAMED = 12
# The build lists this many warnings and notices, then counts the rest.
BUILD_SHOWS = 50


def strictly(problems: list[Problem]) -> list[Problem]:
    """Return the problems with warnings (and what blocks publishing) counted as errors (--strict)."""
    return [
        p._replace(severity=ERROR) if p.severity == WARNING or p.kind in BLOCKS_PUBLISHING else p
        for p in problems
    ]


def ignoring(problems: list[Problem], kinds: list[str]) -> list[Problem]:
    """Return the problems without those of the given kinds (check --ignore KIND)."""
    return [p for p in problems if p.kind not in kinds or p.severity == ERROR]


class _Paths(dict):
    """Display paths, worked out once per file."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def __missing__(self, path: Path) -> str:
        value = self[path] = display_path(path, self.root)
        return value


def ranked(problems: list[Problem], root: Path, by_file: bool = False) -> tuple[list[Problem], _Paths]:
    """Return problems sorted for reading: by severity then place, or by file then line."""
    paths = _Paths(root)
    if by_file:
        key = lambda p: (paths[p.path], p.line or 0, ORDER[p.severity], p.message)  # noqa: E731
    else:
        key = lambda p: (ORDER[p.severity], paths[p.path], p.line or 0, p.message)  # noqa: E731
    return sorted(problems, key=key), paths


class Tally(NamedTuple):
    """What the build's list needs of one release's findings, worked out where they were found."""

    errors: tuple[Problem, ...]
    head: Problem | None  # the first warning or notice in reading order
    counts: tuple[tuple[str, str, int], ...]  # warnings and notices: (severity, kind, how many)


class Findings:
    """One release's findings, and the part of them the build's list shows.

    Made in this build, they are in memory. Read back from the cache, they
    stay packed until someone reads them all (`check`, the preview): a
    rebuild after one edit at a thousand releases needs only each release's
    errors, counts and first few, not 135,000 warnings made into objects.
    """

    def __init__(self, problems: list[Problem] | None = None, kept: tuple | None = None):
        self._problems = problems
        self._kept = kept  # as stored() made it: (tally, first few packed, all packed)
        self._tally: tuple[Path, Tally] | None = None

    @property
    def problems(self) -> list[Problem]:
        if self._problems is None:
            self._problems = unpack(pickle.loads(self._kept[2]))
        return self._problems

    def tally(self, root: Path) -> Tally:
        if self._kept is not None:
            return self._kept[0]
        if self._tally is None or self._tally[0] != root:
            # Worked out once: the preview keeps a release's findings from one save to the next.
            others = [p for p in self.problems if p.severity != ERROR]
            first = self.first(root, 1)
            counts = Counter((p.severity, p.kind) for p in others)
            tally = Tally(
                tuple(p for p in self.problems if p.severity == ERROR),
                first[0] if first else None,
                tuple((severity, kind, n) for (severity, kind), n in sorted(counts.items())),
            )
            self._tally = (root, tally)
        return self._tally[1]

    def first(self, root: Path, limit: int = BUILD_SHOWS) -> list[Problem]:
        """Return the first `limit` warnings and notices in reading order."""
        if self._problems is None:
            return unpack(pickle.loads(self._kept[1]))[:limit]
        others = [p for p in self._problems if p.severity != ERROR]
        return _first(others, _Paths(root), limit)

    def stored(self, root: Path) -> tuple:
        """Return the findings as the cache keeps them."""
        packed = (pack(self.first(root)), pack(self.problems))
        return (self.tally(root), *(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in packed))


def terminal_lines(problems: list[Problem], root: Path) -> str:
    """Return the build's list of some findings (see terminal_report)."""
    return terminal_report([Findings(list(problems))], root)


def terminal_report(parts: list[Findings], root: Path) -> str:
    """Return the build's list: `path:line: severity: message`, hint below, errors first.

    Every error is listed. Warnings and notices are listed up to a screenful
    (BUILD_SHOWS); past that, they are counted by kind: a newsroom's archive
    can hold a hundred thousand, and `check` is the place to read them all.
    """
    paths = _Paths(root)
    key = _reading_order(paths)
    tallies = [part.tally(root) for part in parts]
    errors = sorted((p for tally in tallies for p in tally.errors), key=key)
    first = _first_of_all(parts, tallies, root, key)
    lines = []
    for problem in errors + first:
        where = paths[problem.path] + (f":{problem.line}" if problem.line is not None else "")
        lines.append(f"{where}: {problem.severity}: {problem.message}")
        if problem.hint:
            lines.append("    " + problem.hint)
    counts = _counts(tallies)
    others = sum(counts.values())
    if others > BUILD_SHOWS:
        rest = counts - Counter((p.severity, p.kind) for p in first)
        counted = ", ".join(
            f"{number} {kind or 'other'} {severity}{'' if number == 1 else 's'}"
            for (severity, kind), number in sorted(
                rest.items(), key=lambda item: (ORDER[item[0][0]], -item[1], item[0][1])
            )
        )
        lines.append(f"… and {others - BUILD_SHOWS} more: {counted} (python build.py check lists them all)")
    return "\n".join(lines)


def warnings_and_notices(parts: list[Findings], root: Path) -> tuple[int, int]:
    """Return how many warnings and how many notices there are."""
    counts = _counts([part.tally(root) for part in parts])
    return (
        sum(n for (severity, _), n in counts.items() if severity == WARNING),
        sum(n for (severity, _), n in counts.items() if severity == NOTICE),
    )


def _counts(tallies: list[Tally]) -> Counter:
    """Return how many warnings and notices there are of each (severity, kind)."""
    counts: Counter = Counter()
    for tally in tallies:
        for severity, kind, number in tally.counts:
            counts[severity, kind] += number
    return counts


def _reading_order(paths: _Paths):
    return lambda p: (ORDER[p.severity], paths[p.path], p.line or 0, p.message, p.kind, p.hint)


def _first_of_all(parts: list[Findings], tallies: list[Tally], root: Path, key) -> list[Problem]:
    # The parts whose first finding comes first are read first; once the
    # list is full and the next part's first finding comes after its last,
    # no later part can add anything: one or two parts are unpacked, not all.
    order = sorted(
        (i for i, tally in enumerate(tallies) if tally.head is not None), key=lambda i: key(tallies[i].head)
    )
    chosen: list[Problem] = []
    for i in order:
        if len(chosen) >= BUILD_SHOWS and key(tallies[i].head) > key(chosen[-1]):
            break
        chosen = sorted(chosen + parts[i].first(root), key=key)[:BUILD_SHOWS]
    return chosen


def _first(problems: list[Problem], paths: _Paths, limit: int) -> list[Problem]:
    """Return the first `limit` problems in reading order: severity, file, line, message.

    Grouped by severity and file first, so that only the files that come
    first are sorted line by line: the same result as sorting a hundred
    thousand findings, for a fraction of the work.
    """
    groups: dict[tuple[str, Path], list[Problem]] = defaultdict(list)
    severity_and_file = itemgetter(3, 0)
    for problem in problems:
        groups[severity_and_file(problem)].append(problem)
    chosen: list[Problem] = []
    key = _reading_order(paths)
    for group in sorted(groups, key=lambda g: (ORDER[g[0]], paths[g[1]])):
        if len(chosen) >= limit:
            break
        chosen += sorted(groups[group], key=key)
    return chosen[:limit]


def text_report(problems: list[Problem], root: Path, scope: str) -> str:
    """Return the findings grouped by file, long runs of one kind counted, then a summary line.

    In each file, a hint already given for a finding of the same kind is not
    repeated, and past a few findings of one kind the rest are counted with
    their line numbers.
    """
    ordered, paths = ranked(problems, root, by_file=True)
    repeats = REPEATS_SHOWN if len(problems) <= LONG_REPORT else REPEATS_SHOWN_LONG
    lines: list[str] = []
    current = None
    shown: Counter = Counter()
    hidden: dict[tuple[str, str], list[int | None]] = {}
    hinted: set[tuple[str, str]] = set()
    for problem in ordered:
        path = paths[problem.path]
        if path != current:
            _flush_hidden(lines, hidden)
            if current is not None:
                lines.append("")
            lines.append(path)
            current, shown, hinted = path, Counter(), set()
        kind = problem.kind or problem.message
        shown[kind] += 1
        if shown[kind] > repeats:
            hidden.setdefault((problem.kind, problem.severity), []).append(problem.line)
            continue
        where = f"{problem.line}: " if problem.line else ""
        label = f" [{problem.kind}]" if problem.kind else ""
        lines.append(f"  {where}{problem.severity}: {problem.message}{label}")
        if problem.hint and (kind, problem.hint) not in hinted:
            hinted.add((kind, problem.hint))
            # Hints continue on lines indented by four spaces (see Problem.describe).
            lines += [
                "      " + (line[4:] if line.startswith("    ") else line)
                for line in problem.hint.split("\n")
            ]
    _flush_hidden(lines, hidden)
    if current is not None:
        lines.append("")
    lines.append(summary(problems, scope))
    return "\n".join(lines)


def _flush_hidden(lines: list[str], hidden: dict[tuple[str, str], list[int | None]]) -> None:
    for (kind, severity), numbers in sorted(hidden.items(), key=lambda item: str(item[0])):
        label = f"[{kind}]" if kind else "like the ones above"
        known = sorted({n for n in numbers if n is not None})
        at = ""
        if known:
            named = ", ".join(str(n) for n in known[:LINES_NAMED])
            at = f", on line{'s' if len(known) > 1 else ''} {named}{' …' if len(known) > LINES_NAMED else ''}"
        more = count(len(numbers), f"more {severity}")
        lines.append(f"  … and {more} {label} in this file{at} (--format json lists them all)")
    hidden.clear()


def summary(problems: list[Problem], scope: str) -> str:
    """Return the one-line summary of a check."""
    counts = Counter(p.severity for p in problems)
    verdict = "clean" if not counts[ERROR] and not counts[WARNING] else "not clean"
    return (
        f"Checked {scope}: {count(counts[ERROR], 'error')}, {count(counts[WARNING], 'warning')}, "
        f"{count(counts[NOTICE], 'notice')} for staff ({verdict})."
    )


def json_report(problems: list[Problem], root: Path, scope: str) -> str:
    """Return the findings as JSON: a summary and one object per finding."""
    ordered, paths = ranked(problems, root, by_file=True)
    counts = Counter(p.severity for p in problems)
    document = {
        "summary": {"scope": scope, **{f"{severity}s": counts[severity] for severity in ORDER}},
        "findings": [{**p.as_dict(root), "path": paths[p.path]} for p in ordered],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def count(n: int, noun: str) -> str:
    """Return "1 error", "2 errors"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
