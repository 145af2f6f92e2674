"""Turn analysed releases into HTML pages, in memory: release pages, the front door, the 404 page."""

from __future__ import annotations

import datetime
import re
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from babel.dates import format_datetime
from markupsafe import Markup, escape

from microsite.analyse.format import format_fact
from microsite.analyse.markup import used_fact_ids
from microsite.analyse.release import ReleaseRecord, ReleaseSummary, chart_key
from microsite.load.assets import AssetSet
from microsite.load.catalogs import Catalog
from microsite.load.contacts import Contact, tel_uri
from microsite.load.facts import TIME_TYPES, Fact
from microsite.load.issuers import Issuer, issuer_named
from microsite.load.settings import Language, Settings
from microsite.problems import ContentError, Problem
from microsite.render.charts import Bar, chart_svg
from microsite.render.compiled import CompiledOnce
from microsite.render.feeds import feed_path
from microsite.render.metadata import ShareImage, front_door_metadata, public_url, release_metadata
from microsite.render.photos import photo_files, photo_view
from microsite.render.presskit import KIT_FILES, kit_path, render_kit, render_plain_text, vcard_lines
from microsite.render.sharecard import card_from_text
from microsite.write.output import Page

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
EMBARGO_MESSAGE = "Embargoed until %(beijing)s Beijing time (%(utc)s UTC)"  # as templates/base.html words it
FALLBACK_MESSAGE = (
    "This section has not been translated yet. It is shown in its original language."  # release.html
)


@dataclass(frozen=True)
class RenderOptions:
    """How this build renders: whether embargoed releases may be shown, and when 'now' is."""

    preview: bool
    now: datetime.datetime


@dataclass
class Renderer:
    """What every page of one build is rendered with: settings, templates, catalogs, assets."""

    settings: Settings
    templates: Path
    catalogs: dict[str, Catalog]
    assets: AssetSet
    options: RenderOptions
    kept: dict | None = None  # environments kept from earlier builds of this process (the preview)
    issuers: tuple[Issuer, ...] = ()
    contact: Contact | None = None  # the newsroom's, for a release that names none

    compiled: CompiledOnce | None = None  # templates compiled by earlier builds (the build cache's)

    def __post_init__(self):
        self.compiled = self.compiled or CompiledOnce()
        self.envs = {code: self._environment(c) for code, c in self.catalogs.items()}

    def _environment(self, catalog: Catalog) -> jinja2.Environment:
        # Compiling the templates is most of the cost of a preview rebuild
        # that re-renders one release. A kept environment notices an edited
        # template by itself (Jinja checks each file's time when asked for it).
        key = (str(self.templates), catalog.language_code, catalog.key, self.assets.manifest)
        if self.kept is None:
            return make_environment(self.templates, catalog, self.assets, self.compiled)
        if key not in self.kept:
            self.kept[key] = make_environment(self.templates, catalog, self.assets, self.compiled)
        return self.kept[key]

    def gettext(self, code: str, message: str) -> str:
        """Return an interface string in a language (plain text, for files that are not HTML)."""
        return self.catalogs[code].translations.gettext(message)


def make_environment(
    templates: Path, catalog: Catalog, assets: AssetSet, compiled: CompiledOnce | None = None
) -> jinja2.Environment:
    """Return a fresh, strict, autoescaping Jinja environment for one language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        bytecode_cache=compiled,
    )
    translations = catalog.translations
    # Jinja's i18n marks every translation as safe markup: a `<` in a .po
    # file would reach the page as HTML. Translations are text: escape them.
    env.install_gettext_callables(
        lambda message: escape(translations.gettext(message)),
        lambda singular, plural, n: escape(translations.ngettext(singular, plural, n)),
        newstyle=True,
    )
    env.globals["asset"] = assets.url
    env.filters["keep_together"] = keep_together
    return env


# A run in full-width brackets or quotes (CJK), with the character before it:
# a Chinese line should not start with an opening quote, nor break inside （含道路）.
_BRACKETED = re.compile(
    r"[^\s<>&;]?[（“‘《「『【〔〈][^（）“”‘’《》「」『』【】〔〕〈〉<>]{1,20}[）”’》」』】〕〉]"
)


def keep_together(value) -> Markup:
    """Mark each short bracketed or quoted run of CJK text to be kept on one line when it fits.

    An inline block moves to the next line as a whole, yet still wraps inside
    when it is wider than the line: nothing can overflow.
    """
    html = str(escape(value))
    parts = re.split(r"(<[^>]*>)", html)  # facts' markup is left as it is: only text is wrapped
    for index in range(0, len(parts), 2):
        parts[index] = _BRACKETED.sub(lambda m: f'<span class="keep">{m.group(0)}</span>', parts[index])
    return Markup("".join(parts))


def embargo_times(summary: ReleaseSummary, language: Language, options: RenderOptions) -> dict | None:
    """Return the embargo moment in Beijing time and UTC, if this preview shows an embargoed release."""
    schedule = summary.schedule
    if not (options.preview and schedule.embargoed(options.now)):
        return None
    pattern, locale = language.style.datetime, language.locale
    return {
        "beijing": format_datetime(schedule.embargo.astimezone(BEIJING), pattern, locale=locale),
        "utc": format_datetime(schedule.embargo.astimezone(datetime.UTC), pattern, locale=locale),
    }


def fact_markup(fact: Fact, language: Language) -> Markup:
    """Return the fact formatted for the language, marked up with its machine value."""
    tag, attribute = ("time", "datetime") if fact.type in TIME_TYPES else ("data", "value")
    value, text = escape(fact.machine_value()), escape(format_fact(fact, language))
    return Markup(f'<{tag} class="fact" {attribute}="{value}">{text}</{tag}>')


def render_release(
    record: ReleaseRecord,
    summary: ReleaseSummary,
    renderer: Renderer,
    listing: tuple[ReleaseSummary, ...] = (),
) -> list[Page]:
    """Render one release in every language: its page and its press-kit files.

    `summary` is summarise(record); `listing` holds the other releases, which
    the main release's page lists.
    """
    pages = photo_files(record.release)
    media = {page.path: page.content for page in pages}
    for edition in record.release.editions:
        pages += _render_edition(record, summary, edition.language, renderer, listing, media)
    return pages


def _render_edition(
    record: ReleaseRecord,
    summary: ReleaseSummary,
    language: Language,
    renderer: Renderer,
    listing,
    media: dict[str, bytes],
) -> list[Page]:
    release = record.release
    code = language.code
    embargo = embargo_times(summary, language, renderer.options)
    notice = renderer.gettext(code, EMBARGO_MESSAGE) % embargo if embargo else None
    root = "../../" if release.slug else "../"
    contact = _contact(release.contact or renderer.contact, release.source.language, language)
    kit_files = KIT_FILES + ((VCARD,) if contact else ())
    photos = [photo_view(photo, release, language, root) for photo in release.photos]
    lead = next((photo for photo in photos if photo["lead"]), None)
    card, share = _share_card(record, language, renderer, lead)
    fields = {key: record.field(code, key) for key in dict(dict(summary.texts)[code])}
    context = {
        "lang": language,
        "root": root,
        "home": None if not release.slug else f"{root}{code}/",
        "languages": language_links(renderer.settings, code, root, release.slug),
        "release": fields,
        "release_date": fact_markup(release.fact_map["release_date"], language),
        "sections": _section_contexts(record, code, photos, _charts(record, language)),
        "lead": lead,
        "photos": photos,
        "figures": _figure_contexts(record, code),
        "more_releases": _more_releases(listing, language, renderer.options) if not release.slug else [],
        "embargo": embargo,
        "meta": release_metadata(renderer.settings, summary, language, notice is not None, share),
        "feed": f"{root}{code}/feed.xml",
        "about": _about(renderer, record, language),
        "contact": contact,
        "downloads": {name: name for name in kit_files},
        # Printed beside each download link: on paper, the link is its address.
        "addresses": {
            **{name: public_url(renderer.settings, kit_path(release, language, name)) for name in kit_files},
            "feed": public_url(renderer.settings, feed_path(language)),
            **{p["original_path"]: public_url(renderer.settings, p["original_path"]) for p in photos},
        },
    }
    html = render_template(renderer.envs[code], "release.html", context)
    date = format_fact(release.fact_map["release_date"], language)
    dateline = renderer.gettext(code, "%(place)s, %(date)s") % {
        "place": fields["dateline_place"],
        "date": date,
    }
    dateline += f" /{fields['distributor']}/"
    source_line = renderer.gettext(code, "Source: %(source)s") % {"source": fields["source"]}
    fallback = renderer.gettext(code, FALLBACK_MESSAGE)
    about = context["about"]
    boilerplate = (
        (renderer.gettext(code, ABOUT_ISSUER) % {"issuer": fields["issuer"]}, about["text"])
        if about
        else None
    )
    contact_block = (renderer.gettext(code, MEDIA_CONTACT), _contact_lines(contact)) if contact else None
    text = render_plain_text(
        record,
        code,
        language,
        context["sections"],
        dateline,
        source_line,
        notice,
        fallback,
        boilerplate,
        contact_block,
    )
    extra = {VCARD: vcard_lines(contact)} if contact else {}
    # The press kit holds each photo at full size, named as on the site.
    extra |= {p["original_path"].rsplit("/", 1)[1]: media[p["original_path"]] for p in photos}
    return [
        Page(release.page_path(code), html.encode("utf-8")),
        *render_kit(renderer.settings, record, summary, language, text, extra),
        *([card] if card else []),
    ]


SHARE_CARD = "card.png"  # beside the page, when the release has no lead photo


def _share_card(
    record: ReleaseRecord, language: Language, renderer: Renderer, lead: dict | None
) -> tuple[Page | None, ShareImage]:
    """Return the page's share card (og:image): drawn for this language, or the lead photo's.

    The lead photo's card is the same in every language (made with the
    photos); without one, a card shows the headline in the page's language.
    """
    release = record.release
    if lead is not None:
        path = lead["card_path"]
        return None, ShareImage(public_url(renderer.settings, path), "image/jpeg", lead["alt"]["text"])
    headline = record.field(language.code, "headline")
    path = kit_path(release, language, SHARE_CARD)
    page = Page(path, card_from_text(headline, language.site_name))
    return page, ShareImage(public_url(renderer.settings, path), "image/png", headline)


def _more_releases(
    listing: tuple[ReleaseSummary, ...], language: Language, options: RenderOptions
) -> list[dict]:
    # An embargoed release is listed only in a preview build.
    shown = [s for s in listing if s.slug and (options.preview or not s.schedule.embargoed(options.now))]
    entries = [
        {
            "href": f"{s.slug}/",
            "headline": s.text(language.code, "headline"),
            "date": fact_markup(s.release_date, language),
            "order": (s.release_date.machine_value(), s.slug),
        }
        for s in shown
    ]
    return sorted(entries, key=lambda e: e["order"], reverse=True)


def language_links(settings: Settings, current: str | None, root: str, slug: str) -> list[dict]:
    """Return the language switcher's links: each language's version of this page."""
    suffix = f"{slug}/" if slug else ""
    return [
        {
            "code": lang.code,
            "name": lang.name,
            "html_lang": lang.html_lang,
            "href": f"{root}{lang.code}/{suffix}",
            "current": lang.code == current,
        }
        for lang in settings.languages
    ]


ABOUT_ISSUER = "About %(issuer)s"
PUBLISHED_BY = "Published by %(issuer)s."


def _about(renderer: Renderer, record: ReleaseRecord, language: Language) -> dict | None:
    """Return the issuer's "About" paragraph in the language (or the source language's, marked as such)."""
    source = record.release.source.language
    issuer = issuer_named(renderer.issuers, record.field(source.code, "issuer"))
    if issuer is None:
        return None
    text = issuer.paragraph(language.code)
    if text:
        return {"text": text, "lang": None}
    return {"text": issuer.paragraph(source.code), "lang": source.html_lang}


MEDIA_CONTACT = "Media contact"  # as templates/release.html words it
VCARD = "contact.vcf"


def _contact(contact: Contact | None, source: Language, language: Language) -> dict | None:
    """Return the media contact as the page shows it: each word in the language, or the source's, marked."""
    if contact is None:
        return None
    view = {key: contact.shown(language.code, key, source) for key in ("name", "title", "organization")}
    view = {key: word if word["text"] else None for key, word in view.items()}
    phone, email, url = (contact.means_of(key) for key in ("phone", "email", "url"))
    view |= {"phone": phone, "tel": tel_uri(phone) if phone else "", "email": email, "url": url}
    return view


def _contact_lines(contact: dict) -> list[str]:
    words = [contact[key]["text"] for key in ("name", "title", "organization") if contact[key]]
    return words + [contact[key] for key in ("phone", "email", "url") if contact[key]]


def _section_contexts(
    record: ReleaseRecord, code: str, photos: list[dict], charts: list[tuple[str, Markup]]
) -> list[dict]:
    release = record.release
    placed = {photo.id: photo.section for photo in release.photos if not photo.lead}
    last = release.source.sections[-1].id if release.source.sections else ""
    source_code = release.source.language.code
    edition = release.edition(code)
    contexts = []
    for original in release.source.sections:
        fallback = edition.section(original.id) is None
        shown_code = source_code if fallback else code
        section = record.passage(shown_code, f"section:{original.id}")
        title = record.passage(shown_code, f"title:{original.id}")
        language = release.edition(shown_code).language
        contexts.append(
            {
                "id": original.id,
                "title": title.text,
                "html": Markup(section.analysis.html),
                "blocks": section.analysis.blocks,
                "fallback": fallback,
                "lang": language.html_lang,
                # A photo follows the section it names; one that names none closes the body.
                "photos": [
                    p for p in photos if p["id"] in placed and (placed[p["id"]] or last) == original.id
                ],
                "charts": [chart for section_id, chart in charts if (section_id or last) == original.id],
            }
        )
    return contexts


def _figure_contexts(record: ReleaseRecord, code: str) -> list[dict]:
    release = record.release
    source = release.source
    language = release.edition(code).language
    figures = []
    for fact_id, _label in source.release.figures:
        label, label_lang = _words(record, code, f"label:{fact_id}")
        value = fact_markup(release.fact_map[fact_id], language)
        measure = dict(release.edition(code).release.measures).get(fact_id, "")
        figures.append(
            {
                "id": fact_id,
                "label": label,
                "label_lang": label_lang,
                "value": value,
                "measure": measure,
                "long": _columns(value.striptags() + measure) > LONG_FIGURE,
            }
        )
    for figure, wide in zip(figures, _wide([f["long"] for f in figures]), strict=True):
        figure["wide"] = wide
    return figures


def _charts(record: ReleaseRecord, language: Language) -> list[tuple[str, Markup]]:
    """Draw each chart the source language declares, in this language's words and press style.

    Each goes after the first section that writes one of its figures (or
    after the last): beside the text it illustrates, and not between the
    headline and the text, which a phone reader reaches first.
    """
    release = record.release
    code = language.code
    writes = [(s.id, set(used_fact_ids(s.body))) for s in release.source.sections]
    measures = dict(release.edition(code).release.measures)
    charts = []
    for chart in release.source.release.charts:
        bars = []
        for fact_id, _label in chart.bars:
            fact = release.fact_map[fact_id]
            label, label_lang = _words(record, code, chart_key(chart.id, fact_id))
            text = format_fact(fact, language) + measures.get(fact_id, "")
            bars.append(Bar(label, float(fact.value), text, label_lang))
        title, title_lang = _words(record, code, chart_key(chart.id, "title"))
        baseline = _words(record, code, chart_key(chart.id, "baseline"))[0] if chart.baseline else ""
        drawn = {fact_id for fact_id, _ in chart.bars}
        after = next((section_id for section_id, used in writes if used & drawn), "")
        charts.append((after, chart_svg(chart.id, title, bars, baseline=baseline, title_lang=title_lang)))
    return charts


def _words(record: ReleaseRecord, code: str, key: str) -> tuple[str, str | None]:
    """Return a passage's text in the language, or the source language's with its lang tag ('' if neither)."""
    own = record.passage(code, key)
    if own is not None:
        return own.text, None
    source = record.release.source.language
    original = record.passage(source.code, key)
    return (original.text if original else ""), source.html_lang


def _wide(long: list[bool]) -> list[bool]:
    """Return which figures take a whole row of the two-column panel.

    A long figure does; so does a figure that would otherwise be left alone
    in its row (before a long one, or last): no empty slot, and the cards
    stay in their order (a grid filling gaps would move them).
    """
    wide = list(long)
    alone = None  # a figure so far alone in its row
    for index, is_long in enumerate(long):
        if is_long:
            if alone is not None:
                wide[alone] = True
            alone = None
        else:
            alone = index if alone is None else None
    if alone is not None:
        wide[alone] = True
    return wide


# A key figure wider than this many columns (a Chinese character is two) does
# not fit half a phone's width unbroken: it takes the whole row there.
LONG_FIGURE = 12


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_front_door(main: ReleaseSummary, renderer: Renderer, noindex: bool) -> Page:
    """Render site/index.html, where a visitor picks a language."""
    context = _bilingual_context(main, renderer, "", "choice.html")
    context["meta"] = front_door_metadata(renderer.settings, main, noindex)
    source = renderer.settings.source.code
    return Page(
        "index.html", render_template(renderer.envs[source], "languages.html", context).encode("utf-8")
    )


def render_not_found(main: ReleaseSummary, renderer: Renderer) -> Page:
    """Render 404.html: hosts serve it for any missing address, at any depth.

    Its links therefore start from the site's public path (for example
    /newsroom/), not from wherever the missing page would have been.
    """
    root = urlsplit(renderer.settings.base_url).path
    context = _bilingual_context(main, renderer, root, "not_found_part.html", "not_found_prompt.html")
    context["inline_stylesheet"] = _inline(renderer.assets.content("style.css"))
    context["meta"] = {
        "canonical": None,
        "alternates": [],
        "noindex": True,
        "og": [],
        "twitter": [],
        "json_ld": None,
    }
    source = renderer.settings.source.code
    return Page("404.html", render_template(renderer.envs[source], "404.html", context).encode("utf-8"))


def _inline(stylesheet: bytes) -> Markup:
    # Inside <style>, only "</style" ends the element: written as "<\/style", a
    # stylesheet's text cannot close it early.
    return Markup(stylesheet.decode("utf-8").replace("</", "<\\/"))


def _bilingual_context(
    main: ReleaseSummary, renderer: Renderer, root: str, part: str, prompt: str = "prompt.html"
) -> dict:
    settings = renderer.settings
    parts, prompts = [], []
    for language in settings.languages:
        code = language.code
        fields = dict(dict(main.texts)[code])
        context = {"lang": language, "href": f"{root}{code}/", "root": root, "release": fields}
        parts.append(Markup(render_template(renderer.envs[code], part, context).strip()))
        prompts.append(Markup(render_template(renderer.envs[code], prompt, context).strip()))
    return {
        "lang": settings.source,
        "root": root,
        "home": None,
        "feed": None,
        "languages": language_links(settings, None, root, ""),
        "titles": [p.striptags() for p in prompts],
        "description": main.text(settings.source.code, "description"),
        "site_names": [_spoken(lang, lang.site_name) for lang in settings.languages],
        "prompts": prompts,
        "parts": parts,
        # The page speaks every language: so does its skip link.
        "skip_links": _in_each_language(renderer, "Skip to main content"),
        "footers": [
            _spoken(
                lang, renderer.gettext(lang.code, PUBLISHED_BY) % {"issuer": main.text(lang.code, "issuer")}
            )
            for lang in settings.languages
        ],
    }


def _spoken(lang: Language, text: str) -> Markup:
    """Return text marked with the language it is in (a page in every language is made of these)."""
    return Markup(f'<span lang="{escape(lang.html_lang)}">{escape(text)}</span>')


def _in_each_language(renderer: Renderer, message: str) -> list[Markup]:
    return [_spoken(lang, renderer.gettext(lang.code, message)) for lang in renderer.settings.languages]


def render_template(env: jinja2.Environment, name: str, context: dict) -> str:
    """Render a template; turn any template failure into a located ContentError."""
    folder = Path(env.loader.searchpath[0])
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as err:
        path = Path(err.filename) if err.filename else folder / name
        raise ContentError([Problem(path, err.lineno, f"template error: {err.message}")]) from err
    except jinja2.TemplateNotFound as err:
        raise ContentError([Problem(folder / name, None, f"template not found: {err.name}")]) from err
    except Exception as err:
        path, line = _template_frame(err, folder / name)
        raise ContentError([Problem(path, line, f"template error: {_describe(err)}")]) from err


def _template_frame(err: Exception, fallback: Path) -> tuple[Path, int | None]:
    # Jinja rewrites tracebacks so that template code shows as frames of the
    # template file; the innermost such frame is where the template failed.
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith(".html"):
            return Path(frame.filename), frame.lineno
    return fallback, None


def _describe(err: Exception) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return f"{err.message} (a name the template uses is not provided)"
    return f"{type(err).__name__}: {err}"
