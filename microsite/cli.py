"""The command line: `python build.py [build]`, printing problems for editors."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from microsite.cache import BuildCache
from microsite.check.translations import mark_reviewed, source_hash
from microsite.pipeline import BuildOptions, build_site, check_site, load_site
from microsite.problems import ERROR, NOTICE, WARNING, ContentError, Problem, display_path
from microsite.project import Project
from microsite.report import json_report, strictly, text_report


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    project = Project((root or Path(__file__).resolve().parent.parent).resolve())
    try:
        return args.run(project, args)
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(f"internal error: {type(err).__name__}: {err}", file=sys.stderr)
            print(
                "This is a bug in the generator, not in your content. Run again with --debug and report the output.",
                file=sys.stderr,
            )
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the bilingual release microsite.")
    parser.add_argument("--debug", action="store_true", help="show a Python traceback on an internal error")
    parser.set_defaults(run=run_build, out=None, preview=False, compress=False, base_url=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    build = commands.add_parser("build", help="build the site into site/ (the default)")
    build.add_argument("--out", type=Path, help="write the site here instead of site/")
    build.add_argument(
        "--preview",
        action="store_true",
        help="build even while a release is under embargo: every page is marked and kept out of search engines, sitemap and feeds",
    )
    build.add_argument(
        "--compress",
        action="store_true",
        help="also write .gz and .br copies of every text file, for hosts that serve them",
    )
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="the public address of the site for this build (overrides content/site.toml)",
    )
    build.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    build.set_defaults(run=run_build)
    check = commands.add_parser(
        "check", help="check the content as a careful bilingual editor would, without writing the site"
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="count warnings as errors (for publishing and CI); unverified names never fail",
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="a report for people (default) or JSON for machines",
    )
    check.add_argument(
        "--mark-reviewed",
        metavar="SECTION",
        action="append",
        default=[],
        help="record that the translations of SECTION (its id, or SLUG/id for a further release) match the English as it is now; may be repeated",
    )
    check.add_argument("--language", metavar="CODE", help="with --mark-reviewed: only this language")
    check.add_argument("--preview", action="store_true", help=argparse.SUPPRESS)
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    check.set_defaults(run=run_check)
    serve = commands.add_parser("serve", help="build, serve with live reload, and rebuild on every save")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    serve.set_defaults(run=run_serve)
    return parser


def run_check(project: Project, args) -> int:
    """Check the content; print a report; exit 1 on errors (and on warnings with --strict)."""
    if args.mark_reviewed:
        status = mark_sections_reviewed(project, args.mark_reviewed, args.language)
        if status:
            return status
    content, problems = check_site(project, BuildOptions(preview=True))
    if args.strict:
        problems = strictly(problems)
    scope = _scope(content)
    if args.format == "json":
        print(json_report(problems, project.root, scope))
    else:
        print(text_report(problems, project.root, scope))
    return 1 if any(p.severity == ERROR for p in problems) else 0


def _scope(content) -> str:
    if content is None:
        return "the content (stopped at the first broken file)"
    releases = len(content.releases)
    sections = sum(len(e.sections) for r in content.releases for e in r.editions)
    return f"{_count(releases, 'release')} in {_count(len(content.settings.languages), 'language')} ({_count(sections, 'section')})"


def mark_sections_reviewed(project: Project, wanted: list[str], only: str | None) -> int:
    """Record that translations match the current English; return an exit status."""
    try:
        content, _ = load_site(project, BuildCache())
    except ContentError as err:
        print_problems(err.problems, project.root)
        return 1
    status = 0
    for target in wanted:
        slug, _, section_id = target.rpartition("/")
        release = next((r for r in content.releases if r.slug == slug), None)
        original = release.editions[0].section(section_id) if release else None
        if original is None:
            print(f"error: there is no section `{target}` to mark as reviewed", file=sys.stderr)
            status = 1
            continue
        for edition in release.editions[1:]:
            if only and edition.language.code != only:
                continue
            translation = edition.section(section_id)
            if translation is None:
                print(f"error: `{target}` has no {edition.language.name} translation yet", file=sys.stderr)
                status = 1
                continue
            mark_reviewed(original, translation)
            print(
                f"Marked {display_path(translation.path, project.root)} as translated from the current English ({source_hash(original)})."
            )
    return status


def run_serve(project: Project, args) -> int:
    """Serve the site with live reload until interrupted."""
    from microsite.preview.serve import serve  # the server and its dependencies load only when asked for

    return serve(project, args.host, args.port, print_problems)


def run_build(project: Project, args) -> int:
    """Build the site; print problems and a one-line summary."""
    out = args.out.resolve() if args.out else project.site
    try:
        options = BuildOptions(preview=args.preview, compress=args.compress, base_url=args.base_url)
        result = build_site(project, out, options=options)
    except ContentError as err:
        print_problems(err.problems, project.root)
        errors = sum(p.severity == ERROR for p in err.problems)
        print(
            f"Build failed: {_count(errors, 'error')}. {display_path(out, project.root)}/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    except OSError as err:
        print(
            f"{err.filename or display_path(out, project.root)}: error: cannot write the site: {err.strerror or err}",
            file=sys.stderr,
        )
        return 1
    print_problems(list(result.problems), project.root)
    print(summary_line(result, out, project.root))
    return 0


def print_problems(problems: list[Problem], root: Path) -> None:
    """Print problems grouped as errors, warnings, then notices, sorted by place."""
    order = {ERROR: 0, WARNING: 1, NOTICE: 2}
    ranked = sorted(
        problems, key=lambda p: (order[p.severity], display_path(p.path, root), p.line or 0, p.message)
    )
    for problem in ranked:
        print(problem.describe(root), file=sys.stderr)


def summary_line(result, out: Path, root: Path) -> str:
    """Return the build's one-line summary."""
    pages = [page.path for page in result.pages if page.path.endswith(".html")]
    languages = sorted({path.split("/")[0] for path in pages if "/" in path})
    others = len(result.pages) - len(pages)
    warnings = sum(p.severity == WARNING for p in result.problems)
    notices = sum(p.severity == NOTICE for p in result.problems)
    return (
        f"Built {_count(len(pages), 'page')} ({', '.join(languages)}, the language picker and 404) "
        f"and {_count(others, 'other file')} into {display_path(out, root)}/ in {result.seconds:.2f} s: "
        f"{_count(warnings, 'warning')}, {_count(notices, 'unverified name')}."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
