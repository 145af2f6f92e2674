"""The command line: `python build.py [build|check|serve]`, printing problems for editors."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from microsite.cache import BuildCache, site_fingerprint
from microsite.load.schema import suggest
from microsite.options import BuildOptions, build_time, check_base_url
from microsite.problems import ERROR, KINDS, ContentError, Problem, display_path, pack, unpack
from microsite.project import Project
from microsite.report import count, ignoring, json_report, strictly, terminal_lines, text_report
from microsite.write.output import OutputRefused, check_target, clean_leftovers, read_manifest, stale_paths

COMMANDS = ("build", "check", "serve")


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    project = Project((root or Path(__file__).resolve().parent.parent).resolve())
    try:
        return args.run(project, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `python build.py check | head`: the reader has what it wanted.
        _silence_stdout()
        return 0
    except Exception as err:
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(err).__name__}: {err}", file=sys.stderr)
            print(
                "This is a bug in the generator, not in your content. Run again with --debug and report the output.",
                file=sys.stderr,
            )
        return 2


def _silence_stdout() -> None:
    # Python would report the broken pipe again when it flushes stdout at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse the arguments; `build` is the command when none is given."""
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    parser, commands = _parser()
    if argv and argv[0] in ("-h", "--help"):
        parser.parse_args(argv)
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        hint = suggest(argv[0], COMMANDS) or f"Commands: {', '.join(COMMANDS)}."
        parser.error(f"there is no command {argv[0]!r}. {hint}")
    if not argv or argv[0] not in COMMANDS:
        argv = ["build", *argv]
    # The command's own parser reads the rest, so that `build --outt` is
    # answered with the build command's usage, not the top level's.
    args = commands[argv[0]].parse_args(argv[1:])
    args.debug = debug
    return args


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build, check and preview the release microsite.",
        epilog="With no command, build. --debug (anywhere) shows a traceback on an internal error.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    build = commands.add_parser("build", help="build the site into site/ (the default)")
    build.add_argument(
        "--out",
        type=Path,
        help="write the site here instead of site/ (a new folder, or one this command wrote)",
    )
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
        type=_url,
        help="the public address of the site for this build (overrides content/site.toml)",
    )
    _speed_options(build)
    build.set_defaults(run=run_build)
    check = commands.add_parser(
        "check", help="check the content as a careful bilingual editor would, without writing the site"
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="count warnings (and a placeholder address) as errors: for publishing and CI",
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
        nargs="+",
        action="extend",
        default=[],
        help="record that the translations of SECTION (its id, or SLUG/ID for a further release) match the original as it is now",
    )
    check.add_argument("--language", metavar="CODE", help="with --mark-reviewed: only this language")
    check.add_argument(
        "--base-url", metavar="URL", type=_url, help="check as if the site were published at URL"
    )
    check.add_argument(
        "--ignore",
        metavar="KIND",
        type=_kind,
        action="append",
        default=[],
        help="leave out findings of this kind (as shown in [brackets]); never errors",
    )
    check.add_argument(
        "--preview", action="store_true", help="check as a marked preview: an embargo is not an error"
    )
    _speed_options(check)
    check.set_defaults(run=run_check)
    serve = commands.add_parser("serve", help="build, serve with live reload, and rebuild on every save")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)"
    )
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on, 1-65535 (default 8000)")
    serve.set_defaults(run=run_serve)
    return parser, {"build": build, "check": check, "serve": serve}


def _speed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="make releases in N processes (default: one per core)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="make everything anew instead of reusing earlier builds (.cache/microsite)",
    )


def _url(value: str) -> str:
    wrong = check_base_url(value)
    if wrong:
        raise argparse.ArgumentTypeError(wrong)
    return value


def _kind(value: str) -> str:
    if value not in KINDS:
        advice = suggest(value, KINDS) or f"Kinds: {', '.join(KINDS)}."
        raise argparse.ArgumentTypeError(f"there is no kind of finding {value!r}. {advice}")
    return value


def _jobs(value: str) -> int:
    wrong = argparse.ArgumentTypeError(
        f"{value!r} is not a number of processes: use 1 or more (0: one per core)"
    )
    try:
        jobs = int(value)
    except ValueError:
        raise wrong from None
    if jobs < 0:
        raise wrong
    return jobs


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: use 1 to 65535, such as 8000")
    return port


def run_check(project: Project, args) -> int:
    """Check the content; print a report; exit 1 on errors (and on warnings with --strict)."""
    if args.mark_reviewed or args.language:
        status = mark_sections_reviewed(project, args.mark_reviewed, args.language)
        if status:
            return status
    options = BuildOptions(
        preview=args.preview, base_url=args.base_url, jobs=args.jobs, cache=not args.no_cache
    )
    cache = _cache(project, options)
    fingerprint = _fingerprint(project, options, cache, ("check", options.preview, options.base_url))
    last = cache.last("check") if cache is not None else None
    if last is not None and last.get("fingerprint") == fingerprint:
        # Nothing the check reads has changed since the last one: so has nothing it would find.
        problems, scope = unpack(last["problems"]), last["scope"]
    else:
        from microsite.pipeline import check_site

        assembled, problems = check_site(project, options, cache)
        scope = _scope(assembled)
        if cache is not None and fingerprint:
            cache.remember("check", {"fingerprint": fingerprint, "problems": pack(problems), "scope": scope})
    if cache is not None:
        cache.files.save()
    problems = ignoring(problems, args.ignore)
    if args.strict:
        problems = strictly(problems)
    report = (
        json_report(problems, project.root, scope)
        if args.format == "json"
        else text_report(problems, project.root, scope)
    )
    sys.stdout.write(report + "\n")
    sys.stdout.flush()
    return 1 if any(p.severity == ERROR for p in problems) else 0


def _scope(assembled) -> str:
    if assembled is None:
        return "the content (stopped at the first broken stage)"
    releases = len(assembled.releases)
    languages = len(assembled.site.settings.languages)
    return f"{count(releases, 'release')} in {count(languages, 'language')} ({count(assembled.sections, 'section')})"


def mark_sections_reviewed(project: Project, wanted: list[str], only: str | None) -> int:
    """Record that translations match the current original; return an exit status."""
    from microsite.pipeline import load_releases
    from microsite.reviewed import Refused, mark_reviewed

    if not wanted:
        print("error: --language goes with --mark-reviewed SECTION", file=sys.stderr)
        return 2
    try:
        site, loaded = load_releases(project)
    except ContentError as err:
        print_problems(err.problems, project.root)
        return 1
    settings = site.settings
    translations = [lang.code for lang in settings.languages[1:]]
    if only and only not in translations:
        hint = suggest(only, translations) or f"Translations: {', '.join(translations)}."
        print(
            f"error: --language {only}: there is no translation in that language\n    {hint}", file=sys.stderr
        )
        return 2
    releases = {release.slug: release for release in loaded}
    known = [r.reference(s.id) for r in releases.values() for s in r.source.sections]
    status = 0
    for target in wanted:
        slug, _, section_id = target.rpartition("/")
        release = releases.get(slug)
        original = release.source.section(section_id) if release else None
        if original is None:
            hint = (
                suggest(target, known) or "Sections are named by their id, or SLUG/ID in a further release."
            )
            print(f"error: there is no section `{target}` to mark as reviewed\n    {hint}", file=sys.stderr)
            status = 1
            continue
        for edition in release.editions[1:]:
            if only and edition.language.code != only:
                continue
            translation = edition.section(section_id)
            where = display_path(translation.path, project.root) if translation else ""
            if translation is None:
                print(f"error: `{target}` has no {edition.language.name} translation yet", file=sys.stderr)
                status = 1
                continue
            try:
                code = mark_reviewed(original, translation)
            except Refused as refusal:
                print(f"{where}: error: not marked as reviewed: {refusal}", file=sys.stderr)
                status = 1
                continue
            print(f"Marked {where} as translated from the current original ({code}).")
    return status


def run_serve(project: Project, args) -> int:
    """Serve the site with live reload until interrupted."""
    from microsite.preview.serve import serve  # the server and its dependencies load only when asked for

    return serve(project, args.host, args.port, print_problems)


def _cache(project: Project, options: BuildOptions) -> BuildCache | None:
    return BuildCache(project.root / ".cache" / "microsite") if options.cache else None


def _fingerprint(project: Project, options: BuildOptions, cache: BuildCache | None, asked: tuple) -> str:
    if cache is None:
        return ""
    return site_fingerprint(project.root, cache.files, asked, build_time(options))


def _unchanged_build(
    project: Project, out: Path, cache: BuildCache, fingerprint: str, started: float
) -> bool:
    """Print the last build's report again if nothing it was made from, nor its output, has changed."""
    last = cache.last("build")
    if last is None or last.get("fingerprint") != fingerprint or not out.is_dir():
        return False
    manifest = read_manifest(out)
    stats = cache.outputs(out) or {}
    if manifest != last["digests"] or stale_paths(out, manifest, manifest, stats):
        return False  # a file of the site was changed or deleted by hand: build again
    cache.files.save()
    clean_leftovers(out)
    if last["report"]:
        sys.stderr.write(last["report"] + "\n")
    print(
        summary_line(
            sorted(manifest),
            last["warnings"],
            last["notices"],
            out,
            project.root,
            time.perf_counter() - started,
        )
    )
    return True


def run_build(project: Project, args) -> int:
    """Build the site; print problems and a one-line summary."""
    started = time.perf_counter()
    out = (args.out if args.out else project.site).absolute()
    shown = display_path(out, project.root)
    try:
        check_target(out, project.root)
        options = BuildOptions(
            preview=args.preview,
            compress=args.compress,
            base_url=args.base_url,
            jobs=args.jobs,
            cache=not args.no_cache,
        )
        cache = _cache(project, options)
        asked = ("build", options.preview, options.compress, options.base_url, str(out))
        fingerprint = _fingerprint(project, options, cache, asked)
        if cache is not None and _unchanged_build(project, out, cache, fingerprint, started):
            return 0
        from microsite.pipeline import build_site  # the heavy part loads only when there is work

        result = build_site(project, out, options, cache)
    except OutputRefused as refusal:
        print(f"{shown}: error: {refusal.message}", file=sys.stderr)
        if refusal.hint:
            print(f"    {refusal.hint}", file=sys.stderr)
        return 1
    except ContentError as err:
        print_problems(err.problems, project.root)
        errors = sum(p.severity == ERROR for p in err.problems)
        print(f"Build failed: {count(errors, 'error')}. {shown}/ was left as it was.", file=sys.stderr)
        return 1
    except OSError as err:
        where = err.filename or shown
        print(f"{where}: error: cannot write the site: {err.strerror or err}", file=sys.stderr)
        print(f"    {shown}/ was left as it was.", file=sys.stderr)
        return 1
    report = result.assembled.report()
    if report:
        sys.stderr.write(report + "\n")
        sys.stderr.flush()
    warnings, notices = result.assembled.counts()
    if cache is not None and fingerprint:
        memo = {"fingerprint": fingerprint, "digests": result.assembled.digests(), "report": report}
        cache.remember("build", memo | {"warnings": warnings, "notices": notices})
    print(summary_line(result.paths, warnings, notices, out, project.root, time.perf_counter() - started))
    return 0


def print_problems(problems: list[Problem], root: Path) -> None:
    """Print problems grouped as errors, warnings, then notices, sorted by place."""
    if problems:
        sys.stderr.write(terminal_lines(problems, root) + "\n")
        sys.stderr.flush()


def summary_line(paths: list[str], warnings: int, notices: int, out: Path, root: Path, seconds: float) -> str:
    """Return the build's one-line summary."""
    pages = [path for path in paths if path.endswith(".html")]
    languages = sorted({path.split("/")[0] for path in pages if "/" in path})
    others = len(paths) - len(pages)
    return (
        f"Built {count(len(pages), 'page')} ({', '.join(languages)}, the language picker and 404) "
        f"and {count(others, 'other file')} into {display_path(out, root)}/ in {seconds:.2f} s: "
        f"{count(warnings, 'warning')}, {count(notices, 'notice')}."
    )
