"""What a page tells search engines and social networks: URLs, alternates, cards, JSON-LD."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from markupsafe import Markup

from microsite.analyse.release import ReleaseSummary
from microsite.load.settings import Language, Settings
from microsite.render.sharecard import HEIGHT as CARD_HEIGHT
from microsite.render.sharecard import WIDTH as CARD_WIDTH


def public_url(settings: Settings, path: str) -> str:
    """Return the public address of an output file, as pretty URLs give it."""
    if path == "index.html":
        return settings.base_url
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return settings.base_url + path


def iso(moment: datetime.datetime) -> str:
    """Return an ISO 8601 date-time with its offset, e.g. 2023-03-24T09:00:00+08:00."""
    return moment.isoformat(timespec="seconds")


def alternates(settings: Settings, release: ReleaseSummary) -> list[dict]:
    """Return the release's page in every language, plus the x-default page."""
    links = [
        {"hreflang": lang.html_lang, "href": public_url(settings, release.page_path(lang.code))}
        for lang in settings.languages
    ]
    # The front door lets a visitor choose; a further release defaults to the source language.
    default = settings.base_url if not release.slug else links[0]["href"]
    return [*links, {"hreflang": "x-default", "href": default}]


@dataclass(frozen=True)
class ShareImage:
    """What a shared link shows: the card's public address, its type and its alternative text."""

    url: str
    type: str
    alt: str


def release_metadata(
    settings: Settings, release: ReleaseSummary, language: Language, noindex: bool, share: ShareImage
) -> dict:
    """Return the head metadata of one release page, its share card included."""
    text = dict(dict(release.texts)[language.code])
    canonical = public_url(settings, release.page_path(language.code))
    others = [lang for lang in settings.languages if lang != language]
    return {
        "canonical": canonical,
        "alternates": alternates(settings, release),
        "noindex": noindex,
        "og": [
            ("og:type", "article"),
            ("og:title", text["headline"]),
            ("og:description", text["description"]),
            ("og:url", canonical),
            ("og:site_name", language.site_name),
            ("og:locale", language.og_locale),
            *[("og:locale:alternate", lang.og_locale) for lang in others],
            ("article:published_time", iso(release.schedule.published)),
            ("og:image", share.url),
            ("og:image:type", share.type),
            ("og:image:width", str(CARD_WIDTH)),
            ("og:image:height", str(CARD_HEIGHT)),
            ("og:image:alt", share.alt),
        ],
        "twitter": [
            ("twitter:card", "summary_large_image"),
            ("twitter:title", text["headline"]),
            ("twitter:description", text["description"]),
            ("twitter:image", share.url),
            ("twitter:image:alt", share.alt),
        ],
        "json_ld": json_ld(settings, release, language, canonical, share.url),
    }


def json_ld(
    settings: Settings, release: ReleaseSummary, language: Language, canonical: str, image: str
) -> Markup:
    """Return the NewsArticle description of a release page, ready for a script element."""
    text = dict(dict(release.texts)[language.code])
    source = settings.source
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": canonical,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "headline": text["headline"],
        "description": text["description"],
        "datePublished": iso(release.schedule.published),
        "inLanguage": language.html_lang,
        "publisher": {"@type": "Organization", "name": text["issuer"]},
        "sourceOrganization": {"@type": "Organization", "name": text["source"]},
        "isPartOf": {"@type": "WebSite", "name": language.site_name, "url": settings.base_url},
        "image": [image],
    }
    translations = [
        {
            "@type": "NewsArticle",
            "@id": public_url(settings, release.page_path(lang.code)),
            "inLanguage": lang.html_lang,
        }
        for lang in settings.languages
        if lang != language
    ]
    if language == source:
        data["workTranslation"] = translations
    else:
        data["translationOfWork"] = next(t for t in translations if t["inLanguage"] == source.html_lang)
    return Markup(script_json(data))


def script_json(data) -> str:
    """Return JSON that is safe inside a <script> element, whatever its strings hold.

    "</script>" would end the element, and "<!--" would change how the rest
    is parsed; < > & only ever occur inside strings, where \\u escapes mean
    the same characters.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def front_door_metadata(settings: Settings, main: ReleaseSummary, noindex: bool) -> dict:
    """Return the head metadata of the language picker at the site's root."""
    return {
        "canonical": settings.base_url,
        "alternates": alternates(settings, main),
        "noindex": noindex,
        "og": [],
        "twitter": [],
        "json_ld": None,
    }
