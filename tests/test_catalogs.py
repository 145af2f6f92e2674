"""Interface strings: extracted from the templates, translated, compiled at build time."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from microsite.load.catalogs import template_messages

from .conftest import ROOT, parse, run_build

POT = ROOT / "locales" / "messages.pot"
ZH_PO = ROOT / "locales" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def line_of(path: Path, text: str) -> int:
    """Return the number of the first line of a file holding `text`."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_messages_pot_holds_exactly_the_strings_of_the_templates():
    extracted = set(template_messages(ROOT / "templates"))
    assert len(extracted) >= 10  # an extraction that matched nothing would be empty
    assert msgids(POT) == extracted


def test_every_string_has_a_current_chinese_translation():
    with ZH_PO.open("rb") as handle:
        catalog = read_po(handle)
    for msgid in template_messages(ROOT / "templates"):
        message = catalog.get(msgid)
        assert message is not None and message.string and not message.fuzzy, msgid


def test_no_compiled_catalog_is_kept_in_the_repository():
    assert not list((ROOT / "locales").rglob("*.mo"))


def test_chinese_page_uses_the_catalog(minimal: Path):
    assert run_build(minimal).returncode == 0
    soup = parse(minimal / "site/zh-hans/index.html")
    assert soup.select_one("#page_key_figures").get_text() == "关键数据"
    assert soup.select_one(".skip-link").get_text() == "跳到正文"


def test_catalog_edit_shows_in_the_next_build_without_compiling(minimal: Path):
    po = minimal / "locales/zh_Hans_CN/LC_MESSAGES/messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "关键数据"', 'msgstr "数据一览"'), encoding="utf-8"
    )
    assert run_build(minimal).returncode == 0
    assert parse(minimal / "site/zh-hans/index.html").select_one("#page_key_figures").get_text() == "数据一览"


def test_missing_translation_falls_back_to_english_and_is_reported(minimal: Path):
    po = minimal / "locales/zh_Hans_CN/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "关键数据"', 'msgstr ""'), encoding="utf-8")
    result = run_build(minimal)
    assert result.returncode == 0
    line = line_of(po, 'msgid "Key figures"')
    assert (
        f'locales/zh_Hans_CN/LC_MESSAGES/messages.po:{line}: warning: no 简体中文 translation for the interface string "Key figures": English is shown'
        in result.stderr
    )
    assert (
        parse(minimal / "site/zh-hans/index.html").select_one("#page_key_figures").get_text() == "Key figures"
    )
    assert "1 warning" in result.stdout


def test_fuzzy_translation_is_not_published_and_is_reported(minimal: Path):
    po = minimal / "locales/zh_Hans_CN/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8").replace('msgid "Key figures"', '#, fuzzy\nmsgid "Key figures"')
    po.write_text(text, encoding="utf-8")
    result = run_build(minimal)
    assert result.returncode == 0
    assert 'warning: the 简体中文 translation of "Key figures" is marked fuzzy' in result.stderr
    assert (
        parse(minimal / "site/zh-hans/index.html").select_one("#page_key_figures").get_text() == "Key figures"
    )


def test_new_template_string_is_reported_until_extracted(minimal: Path):
    template = minimal / "templates/release.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            '{{ _("Key figures") }}', '{{ _("Figures at a glance") }}'
        ),
        encoding="utf-8",
    )
    line = next(
        n for n, text in enumerate(template.read_text(encoding="utf-8").splitlines(), 1) if "glance" in text
    )
    result = run_build(minimal)
    assert result.returncode == 0
    assert (
        f'templates/release.html:{line}: warning: the interface string "Figures at a glance" is not in locales/messages.pot'
        in result.stderr
    )
    assert 'no 简体中文 translation for the interface string "Figures at a glance"' in result.stderr
    assert '"Key figures" is in messages.pot but no template uses it any more' in result.stderr


def test_a_translation_is_text_never_markup(minimal: Path):
    po = minimal / "locales/zh_Hans_CN/LC_MESSAGES/messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "关键数据"', 'msgstr "<script>alert(1)</script>数据"'),
        encoding="utf-8",
    )
    assert run_build(minimal).returncode == 0
    html = (minimal / "site/zh-hans/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;数据" in html


def test_a_wrong_placeholder_in_a_translation_is_blamed_on_the_catalog(minimal: Path):
    po = minimal / "locales/zh_Hans_CN/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8").replace('msgstr "来源：%(source)s"', 'msgstr "来源：%(sauce)s"')
    po.write_text(text, encoding="utf-8")
    result = run_build(minimal)
    assert result.returncode == 1
    line = line_of(po, 'msgid "Source: %(source)s"')
    assert (
        f'locales/zh_Hans_CN/LC_MESSAGES/messages.po:{line}: error: the translation of "Source: %(source)s" '
        "has the placeholders %(sauce)s, but needs %(source)s"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_catalog_saved_with_a_byte_order_mark_is_read(minimal: Path):
    po = minimal / "locales/zh_Hans_CN/LC_MESSAGES/messages.po"
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())
    assert run_build(minimal).returncode == 0
    assert parse(minimal / "site/zh-hans/index.html").select_one("#page_key_figures").get_text() == "关键数据"
