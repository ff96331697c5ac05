"""The interface speaks Dutch, French and German: complete catalogs, no literal text in
templates, every page translated, and the locale chosen in a fixed order."""

import functools
import html
import importlib
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import url_for
from flask_babel import gettext
from sqlalchemy import select

from guidelines.accounts.models import User
from guidelines.adaptation.models import Adaptation
from guidelines.demo.loader import DEMO_PASSWORD, load_demo
from guidelines.extensions import db
from guidelines.library.uploads import ImportRefused, decode_upload
from guidelines.portal.models import Publication
from tests.conftest import REPO, TRANSLATIONS

LOCALES = ("nl", "fr", "de")
TEMPLATES = REPO / "templates"
# The same keywords as `make extract`: gettext, ngettext, _ (Babel's defaults), plus lazy ones.
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}

# What the login button says in each language.
LOG_IN = {"nl": "Aanmelden", "fr": "Se connecter", "de": "Anmelden", "en": "Log in"}


def catalog_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load_catalog(locale: str):
    with catalog_path(locale).open("rb") as po_file:
        return read_po(po_file, locale=locale)


@functools.cache
def extracted_messages() -> list[tuple[str, int, str | tuple[str, ...]]]:
    """Return (file, line, message) for every string the code and templates translate."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return [
        (filename, lineno, message)
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map, keywords=KEYWORDS
        )
    ]


def translation_of(catalog, msgid: str) -> str:
    message = catalog.get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not in the catalog"
    return message.string


# ---- The catalogs -------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_passes_msgfmt_check(locale):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(catalog_path(locale))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_empty_or_fuzzy_entry(locale):
    catalog = load_catalog(locale)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"empty: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_holds_every_string_of_the_code_and_templates(locale):
    catalog = load_catalog(locale)
    missing = set()
    for filename, lineno, message in extracted_messages():
        msgid = message if isinstance(message, str) else message[0]
        entry = catalog.get(msgid)
        wanted_plural = not isinstance(message, str)
        strings = entry.string if entry is not None else ""
        if (
            entry is None
            or entry.pluralizable != wanted_plural
            or not all(strings if isinstance(strings, tuple) else (strings,))
        ):
            missing.add(f"{filename}:{lineno}: {msgid!r}")
    assert not missing, (
        "untranslated strings: run `make extract`, translate them in "
        f"translations/{locale}/LC_MESSAGES/messages.po, then `make catalogs`:\n"
        + "\n".join(sorted(missing))
    )


def test_no_string_is_used_both_alone_and_with_a_plural():
    # gettext('x') finds nothing when the catalog holds 'x' as ngettext('x', 'xs') (Babel
    # merges the two into one plural entry), so the lone use would stay in English.
    singular, plural = {}, {}
    for filename, lineno, message in extracted_messages():
        if isinstance(message, str):
            singular.setdefault(message, f"{filename}:{lineno}")
        else:
            plural.setdefault(message[0], f"{filename}:{lineno}")
    clashes = [f"{m!r}: {singular[m]} and {plural[m]}" for m in singular if m in plural]
    assert not clashes, "use ngettext(..., 1) for the lone use:\n" + "\n".join(clashes)


def test_every_rebase_reason_of_the_text_core_has_a_translation():
    # guidelines/text knows no Flask: templates/adaptation/rebase.html translates its reasons.
    reasons = [
        value
        for name, value in vars(importlib.import_module("guidelines.text.rebase")).items()
        if name.startswith("_") and name[1:].isupper() and isinstance(value, str) and " " in value
    ]
    template = (TEMPLATES / "adaptation" / "rebase.html").read_text(encoding="utf-8")
    assert reasons
    assert [r for r in reasons if f"reason == '{r}'" not in template] == []


# ---- Templates: no user-visible literal text -----------------------------------------------

JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
RAW_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
VISIBLE_ATTRIBUTE = re.compile(
    r"""\s((?:title|aria-label|aria-description|placeholder|alt|label|data-msg-[\w-]+))"""
    r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W\d_][\w:’'-]*")
# Literal text a template may show: codes, not words of a language.
ALLOWED_LITERALS = {"ORPHA:355"}


def literal_text(source: str) -> list[str]:
    """Return the user-visible words of a template that do not go through gettext."""

    def cut(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group())  # blank it out, keeping the lines

    text = RAW_TEXT.sub(cut, JINJA.sub(cut, source))
    found = []
    for tag in TAG.finditer(text):
        for attribute in VISIBLE_ATTRIBUTE.finditer(tag.group()):
            value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
            found += [f"{attribute.group(1)}={word}" for word in WORD.findall(html.unescape(value))]
    found += WORD.findall(html.unescape(TAG.sub(cut, text)))
    return [word for word in found if word.split("=")[-1] not in ALLOWED_LITERALS]


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("<p>{{ _('Save') }}</p>", []),
        ("<p>Save</p>", ["Save"]),
        ('<a title="Open it" href="/x">{{ _("Open") }}</a>', ["title=Open", "title=it"]),
        ("<button aria-label=\"{{ _('Close') }}\">×</button>", []),
        ("{# a comment #}{% if x %}<span>ORPHA:355 · —</span>{% endif %}", []),
        ("<script>const text = 'not shown';</script>", []),
        ("<p>{{ count }} items</p>", ["items"]),
    ],
)
def test_literal_text_detector(source, words):
    assert literal_text(source) == words


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_template_has_no_literal_text(template):
    words = literal_text(template.read_text(encoding="utf-8"))
    assert not words, f"wrap these in _() (or allow-list a code): {words}"


# ---- Pages: each one in each language ------------------------------------------------------


def english_phrases() -> set[str]:
    """Return source strings long and plain enough that finding one on a page means a leak."""
    phrases = set()
    for _filename, _lineno, message in extracted_messages():
        for text in (message,) if isinstance(message, str) else message:
            if "%(" not in text and len(text.split()) >= 4:
                phrases.add(text)
    return phrases


def page_urls(app, demo) -> list[str]:
    """Return a URL for every GET page of the app (not the API, not static files)."""
    arguments = {
        "slug": demo["slug"],
        "label": demo["label"],
        "adaptation_id": demo["adaptation_id"],
        "language": demo["language"],
        "key": demo["key"],
        "publication_id": db.session.scalar(select(Publication.id).order_by(Publication.id)),
    }
    per_endpoint = {
        "library.network": {"code": "bot"},
        "library.disease": {"code": "ORPHA:355"},
        "portal.network": {"code": "bot"},
        "portal.ern": {"code": "VASCERN"},
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.endpoint.startswith("api."):
            continue
        values = per_endpoint.get(rule.endpoint) or {n: arguments.get(n) for n in rule.arguments}
        unknown = [name for name in rule.arguments if values.get(name) is None]
        assert not unknown, f"tell page_urls() what {unknown} is for {rule.endpoint}"
        urls.append(url_for(rule.endpoint, **values))
    return sorted(urls)


@pytest.fixture
def demo(client, auth):
    """Load the demo, log in as its administrator, start a translation; return their keys."""
    load_demo()
    db.session.commit()
    adaptation = db.session.scalars(select(Adaptation)).first()
    guideline = adaptation.guideline
    auth.login("admin@example.org", DEMO_PASSWORD)
    label = guideline.versions[0].label
    language = next(lang for lang in LOCALES if lang != guideline.source_language)
    translations = f"/guidelines/{guideline.slug}/versions/{label}/translations"
    client.post(translations, data={"language": language})
    page = client.get(f"{translations}/{language}").get_data(as_text=True)
    key = re.search(r'/segments/([^"?#]+)"', page)  # the first segment's editor
    assert key, "the demo translation did not start: no segment to open"
    return {
        "slug": guideline.slug,
        "label": label,
        "adaptation_id": adaptation.id,
        "language": language,
        "key": unquote(html.unescape(key.group(1))),
    }


# Search pages with hits, facets, a suggestion and pages, besides the empty forms.
SEARCHES = (
    "/search?q=aorta",
    "/search?q=aorta&language=en&versions=all",
    "/search?q=behandelling&language=nl",
    "/portal/search?q=aorta&language=nl",
)


def test_every_page_renders_translated(app, client, demo, search_index):
    # One test for the three languages: loading the demo takes longer than the pages.
    leaks = english_phrases()
    problems = []
    for locale in LOCALES:
        skip_link = translation_of(load_catalog(locale), "Skip to content")
        client.get(f"/?lang={locale}")  # the administrator's choice is remembered from here on
        for url in page_urls(app, demo) + list(SEARCHES):
            response = client.get(url, follow_redirects=True)
            if response.status_code != 200:
                problems.append(f"{locale} {url}: status {response.status_code}")
                continue
            if response.mimetype != "text/html":
                continue
            page = html.unescape(response.get_data(as_text=True))
            if f'<html lang="{locale}">' not in page or skip_link not in page:
                problems.append(f"{locale} {url}: the page is not in this language")
            problems += [f"{locale} {url}: English {text!r}" for text in leaks if text in page]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_login_page_is_translated(client, locale):
    page = client.get(f"/login?lang={locale}").get_data(as_text=True)
    assert f'<html lang="{locale}">' in page
    assert f'<button type="submit" class="button">{LOG_IN[locale]}</button>' in page


@pytest.mark.parametrize(
    ("locale", "required"),
    [("nl", "Dit veld is vereist."), ("fr", "Ce champ est requis."), ("de", "Dieses Feld")],
)
def test_form_validation_messages_are_translated(client, locale, required):
    page = client.post(f"/login?lang={locale}", data={}).get_data(as_text=True)
    assert required in html.unescape(page)


def test_numbers_in_messages_follow_the_locale(app):
    nl = {"Accept-Language": "nl"}
    with app.test_request_context(headers=nl), pytest.raises(ImportRefused) as refused:
        decode_upload(b"x" * 2000, max_bytes=1000, name="richtlijn.md")
    assert "2.000 bytes" in str(refused.value) and "1.000 bytes" in str(refused.value)


# ---- Which language: saved preference, ?lang=, Accept-Language, then Dutch ----------------


def page_language(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.get_data(as_text=True)).group(1)


def test_dutch_without_any_preference(client):
    del client.environ_base["HTTP_ACCEPT_LANGUAGE"]
    response = client.get("/login")
    assert page_language(response) == "nl"
    assert LOG_IN["nl"] in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "locale"),
    [("fr-BE,fr;q=0.9,en;q=0.5", "fr"), ("de-DE", "de"), ("nl-BE", "nl"), ("es", "nl")],
)
def test_accept_language_picks_a_supported_language(client, header, locale):
    assert page_language(client.get("/login", headers={"Accept-Language": header})) == locale


def test_lang_switch_beats_accept_language_and_is_remembered(client):
    assert page_language(client.get("/login?lang=de")) == "de"
    assert page_language(client.get("/")) == "de"  # the client still sends Accept-Language: en
    assert page_language(client.get("/erns?lang=fr")) == "fr"


def test_unknown_lang_is_ignored(client):
    assert page_language(client.get("/login?lang=xx")) == "en"


def test_saved_preference_beats_accept_language(client, auth, make_user):
    user = make_user()
    user.locale = "fr"
    db.session.commit()
    auth.login(user.email)
    assert page_language(client.get("/", headers={"Accept-Language": "de"})) == "fr"


def saved_locale(user: User) -> str | None:
    # A column query: the identity map still holds the user as this test last saw it.
    return db.session.scalar(select(User.locale).where(User.id == user.id))


def test_lang_switch_of_a_logged_in_user_becomes_the_saved_preference(client, auth, make_user):
    user = make_user()
    user.locale = "fr"
    db.session.commit()
    auth.login(user.email)
    assert page_language(client.get("/?lang=de")) == "de"
    assert saved_locale(user) == "de"
    auth.logout()
    client.get("/?lang=nl")  # an anonymous choice does not touch the saved preference
    assert saved_locale(user) == "de"
    auth.login(user.email)
    assert page_language(client.get("/")) == "de"


def test_language_chosen_before_login_stays(client, auth, make_user):
    user = make_user()
    client.get("/login?lang=fr")
    auth.login(user.email)
    assert page_language(client.get("/")) == "fr"


def test_outside_a_request_messages_are_english(app_ctx):
    # CLI commands write English; the refusals they print come from translated operations.
    assert gettext("Log in") == "Log in"


GRADED_TEXT = """# Bone care

::: recommendation R1 strength=strong certainty=high direction=for
We recommend annual bone densitometry.
:::
"""


def test_recommendation_cards_show_their_grades_in_the_page_language(client, import_text):
    import_text(GRADED_TEXT, slug="bone-care", label="1")
    page = client.get("/guidelines/bone-care/versions/1?lang=nl").get_data(as_text=True)
    card = re.search(r'<section class="recommendation.*?</header>', page, re.DOTALL).group()
    assert "Sterk" in card and "Strong" not in card
