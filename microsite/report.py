"""`python build.py check`: the findings as a report for people, or JSON for machines."""

from __future__ import annotations

import json
from pathlib import Path

from microsite.problems import ERROR, NOTICE, WARNING, Problem, display_path

_ORDER = {ERROR: 0, WARNING: 1, NOTICE: 2}


def strictly(problems: list[Problem]) -> list[Problem]:
    """Return the problems with every warning counted as an error (--strict)."""
    from dataclasses import replace

    return [replace(p, severity=ERROR) if p.severity == WARNING else p for p in problems]


def text_report(problems: list[Problem], root: Path, scope: str) -> str:
    """Return the findings grouped by file, then a summary line."""
    by_file: dict[str, list[Problem]] = {}
    for problem in sorted(
        problems, key=lambda p: (display_path(p.path, root), p.line or 0, _ORDER[p.severity], p.message)
    ):
        by_file.setdefault(display_path(problem.path, root), []).append(problem)
    lines = []
    for path, found in by_file.items():
        lines.append(path)
        for problem in found:
            where = f"{problem.line}: " if problem.line else ""
            kind = f" [{problem.kind}]" if problem.kind else ""
            lines.append(f"  {where}{problem.severity}: {problem.message}{kind}")
            if problem.hint:
                # Hints continue on lines indented by four spaces (see Problem.describe).
                lines += [
                    "      " + (line[4:] if line.startswith("    ") else line)
                    for line in problem.hint.split("\n")
                ]
        lines.append("")
    lines.append(summary(problems, scope))
    return "\n".join(lines)


def summary(problems: list[Problem], scope: str) -> str:
    """Return the one-line summary of a check."""
    counts = {severity: sum(p.severity == severity for p in problems) for severity in _ORDER}

    def plural(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    verdict = "clean" if not counts[ERROR] and not counts[WARNING] else "not clean"
    return f"Checked {scope}: {plural(counts[ERROR], 'error')}, {plural(counts[WARNING], 'warning')}, {plural(counts[NOTICE], 'unverified name')} for staff to confirm ({verdict})."


def json_report(problems: list[Problem], root: Path, scope: str) -> str:
    """Return the findings as JSON: a summary and one object per finding."""
    ordered = sorted(
        problems, key=lambda p: (display_path(p.path, root), p.line or 0, _ORDER[p.severity], p.message)
    )
    counts = {f"{severity}s": sum(p.severity == severity for p in problems) for severity in _ORDER}
    document = {"summary": {"scope": scope, **counts}, "findings": [p.as_dict(root) for p in ordered]}
    return json.dumps(document, ensure_ascii=False, indent=2)
