#!/usr/bin/env python3
"""Lay the synthetic newsroom corpus out as a project in this project's content format.

THIS IS THE PROJECT'S COPY of the shared `make_project_corpus.py` (see bench/README.md). It writes
content files in the format `build.py` reads today: when that format changes (release.toml keys,
section header block, facts, schedule, site.toml, glossary), update this script in the same change,
or the benchmark measures a project that no longer builds.

Usage:

    python bench/make_project_corpus.py N OUT [--seed S] [--layout beside|only-corpus]
    python bench/make_project_corpus.py 1 OUT --big-section 4        # one release, one 4 MB section

The text comes from `make_corpus.py` (not copied here): it is imported from the folder given by
`--corpus-tools` or the environment variable MICROSITE_CORPUS_TOOLS, by default /work/shared/bench.
The releases are the SAME as `make_corpus.py N` writes for the floor (same N, same seed, same text).

Writes OUT/project, a copy of this project's build.py, babel.cfg, microsite/, templates/ and
locales/ (the working tree as it is, uncommitted changes included: the engine being measured), and:

- `--layout beside` (the shared script's layout): the shipped content/ with the shipped release as
  the main release, plus the N corpus releases as content/releases/pr-NNNN/ (N + 1 releases).
- `--layout only-corpus`: no shipped release. Corpus release 1 is the main release in content/,
  releases 2..N go to content/releases/pr-NNNN/ (N releases, as many pages per language as the
  floor builds); content/site.toml is the shipped one with a newsroom's name and address, and
  content/glossary.toml lists the corpus' companies, partners, exchanges, cities and people.
- `--big-section MB` (implies only-corpus, N = 1): the main release has one section per language,
  of about MB megabytes of English (and its Chinese translation), made of the corpus' text:
  paragraphs, bullet lists, tables, quotes, `###` sub-headings.

Each corpus release has:

  facts.toml      release_date (date) plus 3 facts lifted from the text: two percentages and one
                  count, each replaced in both languages by its [[id]] (they render to exactly the
                  text they replace: "12.3 percent" / "12.3%", "45,123" / "45123")
  schedule.toml   published = the corpus date, +08:00, no embargo
  en/, zh-hans/   release.toml (headline = corpus title; subhead and description = the first
                  sentences of the overview; dateline place = the corpus dateline's city;
                  issuer/source = the company; 3 key figures) and one file per `##` section
                  (01-overview.md ... 08-about.md, `+++` header with id and title). The corpus'
                  bold dateline moves out of the overview body: the project prints the dateline
                  itself from release.toml + release_date. The Chinese files carry
                  translated_from = the project's hash of the English section, and
                  zh-hans/.translated-from/ID.md keeps that English, as `check --mark-reviewed`
                  writes them, so no translation is reported as unreviewed and an edited English
                  section is reported with its diff.

Everything else in the corpus text (amounts, years, counts, tables, quotes, lists, links, bold)
stays typed into the text: the project's checks report each typed figure as a warning, which is
part of what a build costs here. Deterministic for a given (N, seed, layout).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOOLS = "/work/shared/bench"
# What a build reads besides content/ (copied from the working tree).
ENGINE_PARTS = ("build.py", "babel.cfg", "pyproject.toml", "microsite", "templates", "locales")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")

SECTION_IDS = [
    "overview",
    "highlights",
    "product-details",
    "financial-results",
    "management-comments",
    "market-context",
    "availability-and-pricing",
    "about",
]
DATELINE_EN = re.compile(r"^\*\*(.+?), [A-Z][a-z]+ \d{1,2}, \d{4}\*\* — ")
DATELINE_ZH = re.compile(r"^\*\*(.+?)，\d{4}年\d{1,2}月\d{1,2}日\*\* —— ")
PCT_EN = r"(?<![\d.,]){v} percent"
PCT_ZH = r"(?<![\d.,]){v}%"
NUM = r"(?<![\d.,]){v}(?![\d]|[.,]\d)"
LABELS = {
    "en": {
        "share_1": "Headline percentage",
        "share_2": "Second percentage",
        "headcount": "People or customers",
    },
    "zh-hans": {"share_1": "主要百分比", "share_2": "第二个百分比", "headcount": "人数或客户数"},
}
SITE_NAMES = {"en": "Newsroom", "zh-hans": "新闻中心"}
BASE_URL = "https://newsroom.example.org/"


def load_make_corpus(folder: str | None):
    """Import make_corpus.py from the corpus tools folder."""
    folder = folder or os.environ.get("MICROSITE_CORPUS_TOOLS") or DEFAULT_TOOLS
    path = Path(folder) / "make_corpus.py"
    if not path.is_file():
        sys.exit(
            f"make_corpus.py not found in {folder}: pass --corpus-tools DIR or set MICROSITE_CORPUS_TOOLS"
        )
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toml_str(text: str) -> str:
    # A JSON string is a valid TOML basic string (\" \\ \n \uXXXX escapes).
    return json.dumps(text, ensure_ascii=False)


def split_sections(body: str) -> list[tuple[str, str]]:
    """'## Head\\n\\ntext\\n' blocks -> [(head, text)] in order."""
    parts = re.split(r"^## (.+)\n", body, flags=re.M)
    assert parts[0].strip() == "", parts[0][:80]
    return [(parts[i].strip(), parts[i + 1].strip("\n")) for i in range(1, len(parts), 2)]


def source_hash(title: str, body: str) -> str:
    """The project's microsite.check.translations.source_hash, for a file written as below."""
    text = title.strip() + "\n" + "\n".join(line.rstrip() for line in body.strip().splitlines())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def snapshot_text(title: str, body: str) -> str:
    """The project's microsite.check.translations.snapshot_text."""
    return f"# {title.strip()}\n\n{body.strip()}\n"


def first_sentences(text: str, lang: str, count: int) -> str:
    text = re.sub(r"\*\*|\[|\]\([^)]*\)", "", text.split("\n\n")[0])
    if lang == "en":
        return " ".join(re.split(r"(?<=[.!?])\s+", text)[:count])
    return "".join(re.split(r"(?<=[。！？])", text)[:count])


def _prose(text: str, fn) -> str:
    """Apply fn to every line that is not a Markdown table row."""
    return "\n".join(line if line.lstrip().startswith("|") else fn(line) for line in text.split("\n"))


def _strip_tables(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("|"))


def lift_facts(secs_en, secs_zh):
    """Pick 2 percentages and 1 count that appear equally often in both languages' prose
    (tables left alone) and replace them by [[fact]]. Returns (facts, secs_en, secs_zh)."""
    en_prose = _strip_tables("\n".join(t for _, t in secs_en))
    zh_prose = _strip_tables("\n".join(t for _, t in secs_zh))
    facts = []
    seen = set()
    for m in re.finditer(r"(?<![\d.,])(\d+\.\d) percent", en_prose):
        v = m.group(1)
        if v in seen:
            continue
        seen.add(v)
        pat_en, pat_zh = PCT_EN.format(v=re.escape(v)), PCT_ZH.format(v=re.escape(v))
        ne, nz = len(re.findall(pat_en, en_prose)), len(re.findall(pat_zh, zh_prose))
        if ne == nz and ne > 0:
            facts.append((f"share_{len(facts) + 1}", "percent", v, pat_en, pat_zh))
        if len(facts) == 2:
            break
    # one count written with a thousands separator in English (e.g. 45,123 / 45123)
    for m in re.finditer(r"(?<![\d.,])(\d{1,2},\d{3})(?![\d]|[.,]\d)", en_prose):
        v_en = m.group(1)
        v_zh = v_en.replace(",", "")
        pat_en, pat_zh = NUM.format(v=re.escape(v_en)), NUM.format(v=re.escape(v_zh))
        ne, nz = len(re.findall(pat_en, en_prose)), len(re.findall(pat_zh, zh_prose))
        if ne == nz and ne > 0:
            facts.append(("headcount", "count", v_zh, pat_en, pat_zh))
            break
    out_en, out_zh = [], []
    for (he, te), (hz, tz) in zip(secs_en, secs_zh):
        for fid, _, _, pat_en, pat_zh in facts:
            te = _prose(te, lambda s, p=pat_en, f=fid: re.sub(p, f"[[{f}]]", s))
            tz = _prose(tz, lambda s, p=pat_zh, f=fid: re.sub(p, f"[[{f}]]", s))
        out_en.append((he, te))
        out_zh.append((hz, tz))
    return facts, out_en, out_zh


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def split_release(r):
    """Return (sections per language, dateline places, companies, summaries) of a corpus release."""
    secs_en, secs_zh = split_sections(r["body_en"]), split_sections(r["body_zh"])
    assert len(secs_en) == len(secs_zh) == len(SECTION_IDS)
    # dateline: "**SHANGHAI, March 3, 2019** — " -> release.toml dateline_place
    m_en, m_zh = DATELINE_EN.match(secs_en[0][1]), DATELINE_ZH.match(secs_zh[0][1])
    assert m_en and m_zh, (secs_en[0][1][:80], secs_zh[0][1][:80])
    secs_en[0] = (secs_en[0][0], secs_en[0][1][m_en.end() :])
    secs_zh[0] = (secs_zh[0][0], secs_zh[0][1][m_zh.end() :])
    places = {"en": m_en.group(1), "zh-hans": m_zh.group(1)}
    companies = {"en": secs_en[-1][0].removeprefix("About "), "zh-hans": secs_zh[-1][0].removeprefix("关于")}
    # subhead and description: the overview's first sentences, before facts are lifted
    # (release.toml is plain text: [[fact]] is not expanded there)
    summaries = {
        code: (first_sentences(secs[0][1], lang, 1), first_sentences(secs[0][1], lang, 2))
        for code, lang, secs in (("en", "en", secs_en), ("zh-hans", "zh", secs_zh))
    }
    return secs_en, secs_zh, places, companies, summaries


def emit_release(r, folder: Path, sections=None) -> int:
    """Write one corpus release into `folder`; `sections` replaces its sections (the big-section case)."""
    secs_en, secs_zh, places, companies, summaries = split_release(r)
    facts, secs_en, secs_zh = lift_facts(secs_en, secs_zh)
    ids = SECTION_IDS
    if sections is not None:
        secs_en, secs_zh, ids = sections
    date = r["date"]
    lines = [
        "# Generated by bench/make_project_corpus.py",
        "",
        "[release_date]",
        'type = "date"',
        f"value = {date.date().isoformat()}",
    ]
    for fid, kind, value, _, _ in facts:
        lines += ["", f"[{fid}]", f'type = "{kind}"', f"value = {value}"]
        if kind == "percent":
            lines.append("decimals = 1")
    write(folder / "facts.toml", "\n".join(lines) + "\n")
    write(folder / "schedule.toml", f"published = {date.strftime('%Y-%m-%dT%H:%M:%S')}+08:00\n")
    for code, title, secs in (("en", r["title_en"], secs_en), ("zh-hans", r["title_zh"], secs_zh)):
        subhead, description = summaries[code]
        rel = [
            f"headline = {toml_str(title)}",
            f"subhead = {toml_str(subhead)}",
            f"description = {toml_str(description)}",
            f"dateline_place = {toml_str(places[code])}",
            f"distributor = {toml_str('Newsroom' if code == 'en' else '新闻中心')}",
            f"issuer = {toml_str(companies[code])}",
            f"source = {toml_str(companies[code])}",
            "",
            "[figures]",
        ] + [f"{fid} = {toml_str(LABELS[code][fid])}" for fid, *_ in facts]
        write(folder / code / "release.toml", "\n".join(rel) + "\n")
        for index, ((head, text), sid) in enumerate(zip(secs, ids), start=1):
            header = [f'id = "{sid}"', f"title = {toml_str(head)}"]
            if code != "en":
                en_head, en_text = secs_en[index - 1]
                header.append(f'translated_from = "{source_hash(en_head, en_text)}"')
                write(folder / code / ".translated-from" / f"{sid}.md", snapshot_text(en_head, en_text))
            write(
                folder / code / f"{index:02d}-{sid}.md",
                "+++\n" + "\n".join(header) + "\n+++\n\n" + text.rstrip("\n") + "\n",
            )
    return len(facts)


def big_sections(mc, megabytes: float, seed: int):
    """Return one section per language of about `megabytes` MB of English, from corpus releases."""
    target = int(megabytes * 1_000_000)
    parts_en, parts_zh, size, i = [], [], 0, 1
    while size < target:
        r = mc.make_release(10_000 + i, seed)
        for (he, te), (hz, tz) in zip(split_sections(r["body_en"]), split_sections(r["body_zh"])):
            # Sub-headings inside a section start at ###.
            parts_en.append(f"### {he}\n\n{te}\n")
            parts_zh.append(f"### {hz}\n\n{tz}\n")
            size += len(parts_en[-1].encode("utf-8")) + 1
        i += 1
    return ["\n".join(parts_en)], ["\n".join(parts_zh)]


def copy_engine(source: Path, dest: Path) -> None:
    """Copy what a build reads besides content/ from the project at `source`."""
    for part in ENGINE_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, dest / part, ignore=IGNORED)
        elif path.is_file():
            shutil.copy2(path, dest / part)


def newsroom_site_toml(shipped: str) -> str:
    """Return the shipped site.toml with a newsroom's address and names (the styles stay as shipped)."""
    text, found = re.subn(r'(?m)^(\s*base_url\s*=\s*)"[^"]*"', rf'\g<1>"{BASE_URL}"', shipped)
    if found != 1:
        sys.exit('content/site.toml has no single `base_url = "..."` line: update make_project_corpus.py')
    for code, name in SITE_NAMES.items():
        table = re.search(rf"(?m)^\[languages\.{re.escape(code)}\]\s*$", text)
        if table is None:
            sys.exit(f"content/site.toml has no [languages.{code}]: update make_project_corpus.py")
        after = text[table.end() :]
        after = re.sub(r'(?m)^(\s*site_name\s*=\s*)"[^"]*"', rf'\g<1>"{name}"', after, count=1)
        text = text[: table.end()] + after
    return "# Generated by bench/make_project_corpus.py from the shipped site.toml\n" + text


def corpus_glossary(mc) -> str:
    """Return a glossary.toml of the corpus' proper names, all verified."""
    pools = (
        ("company", mc.COMPANIES),
        ("company", mc.PARTNERS),
        ("organisation", mc.EXCHANGES),
        ("place", mc.CITIES),
        ("person", mc.PEOPLE),
    )
    lines = ["# Generated by bench/make_project_corpus.py: the corpus' proper names."]
    seen = set()
    for kind, pool in pools:
        for en, zh in pool:
            key = re.sub(r"[^a-z0-9]+", "_", en.lower()).strip("_")
            if key in seen:
                continue
            seen.add(key)
            lines += [
                "",
                f"[{key}]",
                f'kind = "{kind}"',
                f"en = {toml_str(en)}",
                f"zh-hans = {toml_str(zh)}",
                'verified = ["zh-hans"]',
                'source = "synthetic corpus"',
            ]
    return "\n".join(lines) + "\n"


def make_project(args) -> Path:
    """Write the project; return its folder."""
    mc = load_make_corpus(args.corpus_tools)
    source = Path(args.project).resolve()
    dest = Path(args.out) / "project"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    copy_engine(source, dest)
    content = dest / "content"
    if args.layout == "beside":
        shutil.copytree(source / "content", content, ignore=IGNORED)
        if (content / "releases").is_dir():
            sys.exit(
                f"{source}/content/releases exists: refusing to mix generated releases with shipped ones"
            )
        first = 1
    else:
        content.mkdir()
        write(
            content / "site.toml", newsroom_site_toml((source / "content" / "site.toml").read_text("utf-8"))
        )
        write(content / "glossary.toml", corpus_glossary(mc))
        sections = None
        if args.big_section:
            en, zh = big_sections(mc, args.big_section, args.seed)
            sections = ([("Full text", en[0])], [("全文", zh[0])], ["full-text"])
        emit_release(mc.make_release(1, args.seed), content, sections)
        first = 2
    for i in range(first, args.n + 1):
        r = mc.make_release(i, args.seed)
        emit_release(r, content / "releases" / r["key"])
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of corpus releases")
    parser.add_argument("out", help="folder; the project is written to OUT/project")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--layout",
        choices=("beside", "only-corpus"),
        default="beside",
        help="beside: the shipped release plus N corpus releases; only-corpus: the N corpus releases alone",
    )
    parser.add_argument(
        "--only-corpus", dest="layout", action="store_const", const="only-corpus", help="--layout only-corpus"
    )
    parser.add_argument(
        "--big-section", type=float, metavar="MB", help="one release with one section of MB megabytes"
    )
    parser.add_argument(
        "--project", default=str(ROOT), help="project to copy the engine from (default: this one)"
    )
    parser.add_argument(
        "--corpus-tools",
        help=f"folder holding make_corpus.py (default: $MICROSITE_CORPUS_TOOLS, else {DEFAULT_TOOLS})",
    )
    args = parser.parse_args()
    if args.big_section:
        args.layout, args.n = "only-corpus", 1
    if args.n < 1:
        parser.error("N must be at least 1")
    dest = make_project(args)
    what = f"one release with a {args.big_section} MB section" if args.big_section else f"{args.n} releases"
    print(f"{what} x 2 languages ({args.layout}) -> {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
