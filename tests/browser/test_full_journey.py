"""In a real browser, the whole pipeline in one run, with a screenshot at every step.

An author imports a European guideline; a translator translates it into Dutch with the help of
the translation memory and freezes it; the author adapts it for a Flemish network and justifies
the decisions; a reviewer (not the author) approves and publishes it. A new European version
arrives: the impact report names the changed and the new recommendation, the translation
carries the unchanged segments over, and the rebase carries the local changes over hunk by
hunk. Last, a clinician who is not logged in searches the portal in Dutch and lands on the
section that the Flemish network adapted.

Each role has its own browser context (the ``signed_in`` fixture), logged in once.
"""

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

SLUG = "achondroplasia-adults"
TITLE = "Care of adults with achondroplasia"
DUTCH_TITLE = "Zorg voor volwassenen met achondroplasie"

VERSION_1 = f"""---
title: {TITLE}
slug: {SLUG}
ern: BOND
version: "1.0"
published: "2026-03-02"
orpha:
  - "ORPHA:15"
language: en
change_note: First publication.
---

# {TITLE}

## 1. Scope

The guideline is written for orthopaedic surgeons, clinical geneticists and radiologists in \
expert centres, and for general practitioners and sports physicians who see people with \
achondroplasia.

## 2. Sleep apnoea

::: recommendation R1 strength=strong certainty=moderate direction=for
We recommend polysomnography every 2 years in adults with achondroplasia who snore.
:::

## 3. Spinal stenosis

::: recommendation R2 strength=conditional certainty=low direction=for
We suggest MRI of the lumbar spine when symptoms of spinal stenosis appear.
:::
"""

# Version 2.0 shortens the interval of R1 (a clinically significant change) and adds R3.
R1_V1 = "We recommend polysomnography every 2 years in adults with achondroplasia who snore."
R1_V2 = "We recommend polysomnography every year in adults with achondroplasia who snore."
VERSION_2 = (
    VERSION_1.replace('version: "1.0"', 'version: "2.0"')
    .replace('published: "2026-03-02"', 'published: "2026-10-01"')
    .replace("change_note: First publication.", "change_note: Yearly sleep study; pregnancy.")
    .replace(R1_V1, R1_V2)
    + """
## 4. Pregnancy

::: recommendation R3 strength=strong certainty=low direction=for
We recommend a planned caesarean section for pregnant women with achondroplasia.
:::
"""
)

# The Marfan translation of the demo taught the memory this sentence, nearly the same as ours.
MEMORY_TRANSLATION = (
    "De richtlijn is bestemd voor cardiologen, hartchirurgen, klinisch genetici en radiologen "
    "in expertisecentra, en voor huisartsen en sportartsen die personen met het syndroom van "
    "Marfan zien."
)
SCOPE_TRANSLATION = (
    "De richtlijn is bestemd voor orthopedisch chirurgen, klinisch genetici en radiologen "
    "in expertisecentra, en voor huisartsen en sportartsen die personen met achondroplasie zien."
)
R1_NL_V1 = (
    "Wij bevelen polysomnografie om de 2 jaar aan bij volwassenen met achondroplasie die snurken."
)
R1_NL_V2 = (
    "Wij bevelen jaarlijks polysomnografie aan bij volwassenen met achondroplasie die snurken."
)
R2_NL = (
    "Wij stellen een MRI van de lumbale wervelkolom voor wanneer symptomen van spinale stenose "
    "optreden."
)
# Typed by hand, segment by segment (the scope comes from the memory, "1. Scope" fills itself).
MANUAL_V1 = {
    TITLE: DUTCH_TITLE,
    "2. Sleep apnoea": "2. Slaapapneu",
    R1_V1: R1_NL_V1,
    "3. Spinal stenosis": "3. Spinale stenose",
    "We suggest MRI of the lumbar spine": R2_NL,
}
MANUAL_V2 = {
    "4. Pregnancy": "4. Zwangerschap",
    "planned caesarean section": (
        "Wij bevelen een geplande keizersnede aan bij zwangere vrouwen met achondroplasie."
    ),
}

# The Flemish adaptation: a referral added to R2, and a new Flemish recommendation VL1.
R2_ADAPTED = (
    R2_NL.removesuffix(".") + ", aangevraagd door het referentiecentrum voor skeletdysplasie."
)
VL1 = (
    "\n::: recommendation VL1 strength=strong certainty=low direction=for\n"
    "Wij bevelen aan dat elke volwassene met achondroplasie in Vlaanderen jaarlijks gezien wordt "
    "in een erkend referentiecentrum voor skeletdysplasie.\n:::\n"
)
SEARCH_WORD = "skeletdysplasie"


def flash(page) -> str:
    return page.locator(".flash").first.inner_text()


def import_version(page, tmp_path, markdown: str, label: str) -> None:
    upload = tmp_path / f"{SLUG}-{label}.md"
    upload.write_text(markdown, encoding="utf-8")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Markdown file").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(f"**/guidelines/{SLUG}/versions/{label}")
    assert flash(page).startswith("Imported")


def translate_open_segments(page, targets: dict[str, str]) -> None:
    """From a segment editor, type the translation of every open segment named in ``targets``.

    Saving opens the next untranslated or fuzzy segment; the loop stops on one it does not
    know, or when the same segment comes back.
    """
    seen = set()
    while True:
        source = page.locator(".segment-source").inner_text()
        match = next((nl for en, nl in targets.items() if en in source), None)
        if match is None or source in seen:
            return
        seen.add(source)
        page.get_by_role("textbox", name="Translation").fill(match)
        page.get_by_label("Status").select_option("translated")
        page.get_by_role("button", name="Save", exact=True).click()
        assert "saved" in flash(page)


def open_translation(page, label: str):
    page.goto(f"/guidelines/{SLUG}/versions/{label}")
    page.get_by_role("link", name="Translations").first.click()
    page.get_by_role("combobox", name="Language").select_option("nl")
    page.get_by_role("button", name="Start the translation").click()
    page.wait_for_url(f"**/versions/{label}/translations/nl")


def counts(page) -> dict[str, int]:
    """Return the status counts above the segment table: {'translated': 3, ...}."""
    found = {}
    for item in page.locator(".status-filter a").all():
        number, _, name = item.inner_text().strip().partition(" ")
        found[name.strip()] = int(number)
    return found


def freeze(page) -> None:
    page.get_by_role("button", name="Freeze the translation").click()
    page.wait_for_url("**/translations/nl/document")
    assert flash(page).startswith("Translation frozen as text")


def test_the_whole_pipeline_from_import_to_a_clinician_reading_it(
    browser, live_server, signed_in, tmp_path
):
    author = signed_in("author@example.org")
    translator = signed_in("translator@example.org")
    reviewer = signed_in("reviewer@example.org")

    # 1. The author imports the European version 1.0 and reads its recommendations.
    import_version(author, tmp_path, VERSION_1, "1.0")
    assert author.get_by_role("heading", level=1, name=TITLE).first.is_visible()
    cards = author.locator("section.recommendation")
    assert cards.count() == 2
    assert "R1" in cards.first.inner_text() and "polysomnography" in cards.first.inner_text()
    screenshot(author, "journey-01-import")

    # 2. The translator starts the Dutch translation: "1. Scope" comes from the memory at once.
    open_translation(translator, "1.0")
    assert translator.get_by_role("heading", name="Translation into Nederlands").is_visible()
    scope_row = translator.get_by_role("row").filter(has_text="1. Toepassingsgebied")
    assert "translation memory" in scope_row.locator(".segment-origin").inner_text()
    screenshot(translator, "journey-02-translation-started")

    # 3. The scope paragraph resembles one of the Marfan guideline: the memory suggests it.
    translator.get_by_role("row").filter(has_text="orthopaedic surgeons").get_by_role(
        "link"
    ).first.click()
    suggestions = translator.locator(".suggestion-list > li")
    assert suggestions.count() >= 1
    best = suggestions.first
    assert MEMORY_TRANSLATION in best.inner_text()
    assert "exact match" not in best.inner_text()
    screenshot(translator, "journey-03-memory-suggestion")
    best.get_by_role("button", name=re.compile("^Use this translation")).click()
    box = translator.get_by_role("textbox", name="Translation")
    assert box.input_value() == MEMORY_TRANSLATION
    assert translator.get_by_label("Status").input_value() == "translated"
    box.fill(
        box.input_value()
        .replace("cardiologen, hartchirurgen", "orthopedisch chirurgen")
        .replace("het syndroom van Marfan", "achondroplasie")
    )
    assert box.input_value() == SCOPE_TRANSLATION
    translator.get_by_role("button", name="Save", exact=True).click()
    assert "saved" in flash(translator)

    # 4. The rest by hand, then freeze the complete translation.
    translator.get_by_role("link", name="All segments").click()
    translator.get_by_role("row").filter(has_text=TITLE).get_by_role("link").first.click()
    translate_open_segments(translator, MANUAL_V1)
    translator.get_by_role("link", name="All segments").click()
    assert counts(translator).get("untranslated", 0) == 0
    screenshot(translator, "journey-04-translated")
    freeze(translator)
    assert translator.get_by_role("heading", name=DUTCH_TITLE).first.is_visible()
    screenshot(translator, "journey-05-frozen")

    # 5. The author adapts the frozen Dutch text for the network Bot: a referral, and VL1.
    author.goto(f"/guidelines/{SLUG}/adapt")
    author.get_by_label("Flemish network").select_option("bot")
    author.get_by_label("European version to adapt").select_option("1.0")
    assert author.get_by_label("Locale").input_value() == "nl-BE"
    author.get_by_role("button", name="Start the adaptation").click()
    author.wait_for_url("**/edit")
    adaptation_url = author.url.removesuffix("/edit")
    editor = author.get_by_role("textbox", name="Adapted text (Markdown)")
    text = editor.input_value()
    assert R2_NL in text and SCOPE_TRANSLATION in text  # the frozen translation is the base
    r2_block = R2_NL + "\n:::\n"
    assert r2_block in text
    editor.fill(text.replace(r2_block, R2_ADAPTED + "\n:::\n" + VL1))
    preview = author.locator("[data-editor-preview]")
    preview.get_by_text("aangevraagd door het referentiecentrum").wait_for()
    assert preview.locator("section.recommendation").count() == 3
    author.get_by_label("What did you change?").fill("Referral in Flanders")
    screenshot(author, "journey-06-adaptation-editor")
    author.get_by_role("button", name="Save as revision 2").click()
    author.wait_for_url("**/edit")
    assert flash(author) == "Saved revision 2."

    # 6. Every decision other than "adopted" needs a justification before review.
    author.goto(adaptation_url + "/decisions")
    for key, decision, why in (
        ("R2", "adapted", "In Flanders the reference centre requests the MRI (RIZIV rule)."),
        ("VL1", "new", "Flanders follows adults with achondroplasia in its reference centres."),
    ):
        row = author.get_by_role("row", name=re.compile(rf"^{key}\b"))
        assert decision in row.locator(".badge").first.inner_text()
        row.get_by_role("textbox").fill(why)
        row.get_by_role("button", name=re.compile(r"^Save")).click()
        assert "saved" in flash(author)
        row = author.get_by_role("row", name=re.compile(rf"^{key}\b"))
        assert row.get_by_role("paragraph").filter(has_text=why).is_visible()
    assert "still need" not in author.locator("main").inner_text()
    screenshot(author, "journey-07-decisions")

    # 7. Submitted; the author cannot decide on the review, the reviewer approves and publishes.
    author.goto(adaptation_url)
    author.get_by_role("button", name="Submit for review").click()
    author.wait_for_url("**/review")
    assert flash(author) == "Revision 2 was submitted for review."
    assert author.get_by_role("button", name="Send the decision").count() == 0
    screenshot(author, "journey-08-submitted")

    reviewer.goto(adaptation_url + "/review")
    assert reviewer.get_by_role("heading", name="Review of revision 2 in review").is_visible()
    assert reviewer.locator("ins").filter(has_text="skeletdysplasie").count() > 0
    reviewer.get_by_role("radio", name="Approve").check()
    reviewer.get_by_label("Comment", exact=True).fill("Goed onderbouwd.")
    reviewer.get_by_role("button", name="Send the decision").click()
    reviewer.wait_for_url("**/review")
    assert flash(reviewer) == "Revision 2 was approved."
    screenshot(reviewer, "journey-09-approved")
    reviewer.get_by_role("button", name="Publish revision 2").click()
    reviewer.wait_for_url("**/portal/publications/*")
    assert flash(reviewer) == "Revision 2 was published."
    publication_url = reviewer.url
    assert reviewer.get_by_role("heading", level=1, name=DUTCH_TITLE).first.is_visible()
    approved_by = reviewer.locator(".provenance div").filter(
        has=reviewer.locator("dt", has_text=re.compile("^approved by$", re.IGNORECASE))
    )
    assert approved_by.locator("dd").inner_text() == "Rik Reviewer"  # not An Auteur, the author
    screenshot(reviewer, "journey-10-published")

    # 8. Version 2.0 arrives: the adaptation says so, and the impact report names the units.
    import_version(author, tmp_path, VERSION_2, "2.0")
    author.goto(adaptation_url)
    notice = author.locator(".notice-warning").filter(has_text="Source updated.")
    assert "the European guideline now has version 2.0" in notice.inner_text()
    notice.get_by_role("link", name="See the impact report").click()
    author.wait_for_url(f"**/guidelines/{SLUG}/impact?from=1.0&to=2.0")
    units = author.locator("table.units-table").first
    changed = units.get_by_role("row", name=re.compile(r"^R1\b"))
    assert "changed" in changed.inner_text()
    assert "number or dose changed" in changed.inner_text()
    assert "added" in units.get_by_role("row", name=re.compile(r"^R3\b")).inner_text()
    assert units.get_by_role("row", name=re.compile(r"^R2\b")).count() == 0  # unchanged
    assert "1 unchanged" in author.locator("ul.counts").first.inner_text()
    affected = author.locator(".affected-adaptation").filter(has_text="Bot")
    assert affected.get_by_role("row", name=re.compile(r"^R1\b")).count() == 1
    screenshot(author, "journey-11-impact-report")

    # 9. The Dutch translation of 2.0 carries every unchanged segment over; R1 comes back fuzzy.
    open_translation(translator, "2.0")
    status = counts(translator)
    assert status.get("fuzzy") == 1, status
    assert status.get("untranslated") == 2, status  # the new heading and R3
    carried = translator.locator(".segment-origin").filter(has_text="previous version")
    assert carried.count() == 7  # all segments of 1.0, R1 among them as fuzzy
    screenshot(translator, "journey-12-translation-carried-over")
    translator.get_by_role("row").filter(has_text="every year").get_by_role("link").first.click()
    changed_source = translator.locator(".source-changed")
    assert "number or dose changed" in changed_source.inner_text()
    assert changed_source.locator("del").filter(has_text="2").count() > 0
    box = translator.get_by_role("textbox", name="Translation")
    assert box.input_value() == R1_NL_V1  # the old translation, to correct
    screenshot(translator, "journey-13-fuzzy-segment")
    translate_open_segments(translator, {R1_V2: R1_NL_V2, **MANUAL_V2})
    translator.get_by_role("link", name="All segments").click()
    status = counts(translator)
    assert status.get("untranslated", 0) == status.get("fuzzy", 0) == 0, status
    freeze(translator)

    # 10. The author rebases: each local hunk is carried over to the new Dutch base text.
    author.goto(adaptation_url)
    author.get_by_role("link", name="Rebase onto version 2.0").first.click()
    author.wait_for_url("**/rebase?to=2.0")
    summary = author.get_by_role("region", name="Your local changes")
    applied = int(summary.locator(".count-applied .count-number").inner_text())
    conflicts = int(summary.locator(".count-conflict .count-number").inner_text())
    assert applied >= 1 and conflicts == 0, summary.inner_text()
    screenshot(author, "journey-14-rebase")
    author.get_by_role("button", name="Save the rebase as revision 3").click()
    author.wait_for_url("**/decisions")
    assert flash(author) == "Rebased onto version 2.0 as revision 3."
    author.goto(adaptation_url + "/edit")
    rebased = author.get_by_role("textbox", name="Adapted text (Markdown)").input_value()
    assert R1_NL_V2 in rebased and R2_ADAPTED in rebased and "VL1" in rebased
    assert "keizersnede" in rebased
    screenshot(author, "journey-15-rebased")

    # 11. A clinician, not logged in and reading Dutch, searches the portal for the adapted text.
    clinic = browser.new_context(locale="nl-BE", base_url=live_server)
    clinic.set_default_timeout(10_000)
    try:
        clinician = clinic.new_page()
        clinician.goto("/portal")
        assert clinician.locator("html").get_attribute("lang") == "nl"
        assert clinician.get_by_role("link", name="Aanmelden").count() == 1
        box = clinician.get_by_role("searchbox", name="Zoeken in de gepubliceerde richtlijnen")
        box.fill(SEARCH_WORD)
        box.press("Enter")
        clinician.wait_for_url(f"**/portal/search?q={SEARCH_WORD}")
        hit = clinician.locator("ol.hits > li").filter(has_text=DUTCH_TITLE).first
        assert hit.locator("mark").first.inner_text().lower().startswith(SEARCH_WORD)
        screenshot(clinician, "journey-16-portal-search")
        link = hit.locator("h2 a")
        heading = link.inner_text()
        link.click()
        clinician.wait_for_url(f"{publication_url}#s-*")
        anchor = clinician.url.split("#", 1)[1]
        assert anchor == "s-3-spinale-stenose"
        target = clinician.locator(f"[id='{anchor}']")
        assert target.inner_text().strip() == heading == "3. Spinale stenose"
        assert target.is_visible()
        box = target.bounding_box()  # in the viewport: the browser scrolled to the anchor
        assert clinician.evaluate("scrollY") > 0 and 0 <= box["y"] < 720 - box["height"]
        section_text = clinician.locator("article.guideline").inner_text()
        assert "aangevraagd door het referentiecentrum voor skeletdysplasie" in section_text
        screenshot(clinician, "journey-17-portal-section")
    finally:
        clinic.close()
