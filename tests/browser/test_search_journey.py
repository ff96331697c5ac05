"""In a real browser: a clinician searches the portal in Dutch and lands on the right section."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_clinician_searches_the_portal_in_dutch_and_opens_the_section(browser, live_server):
    context = browser.new_context(locale="nl-BE", base_url=live_server)
    page = context.new_page()
    try:
        page.goto("/portal")
        box = page.get_by_role("searchbox", name="Zoeken in de gepubliceerde richtlijnen")
        box.fill("aortadilatatie")
        box.press("Enter")
        page.wait_for_url("**/portal/search?q=aortadilatatie")
        hits = page.locator("ol.hits > li")
        assert hits.count() >= 1
        first = hits.first
        assert first.locator("mark").first.inner_text().lower() == "aortadilatatie"
        assert "Gepubliceerde Vlaamse richtlijn" in first.inner_text()
        screenshot(page, "search-portal-dutch")
        heading = first.locator("h2 a").inner_text()
        first.locator("h2 a").click()
        page.wait_for_url("**/portal/publications/*#s-*")
        anchor = page.url.split("#", 1)[1]
        target = page.locator(f"[id='{anchor}']")
        assert target.inner_text().strip() == heading
        assert target.is_visible()
        screenshot(page, "search-portal-section")
    finally:
        context.close()


def test_misspelt_word_offers_the_correction_and_the_language_facet(page):
    # The page context speaks English: Dutch words find nothing in the English texts, and the
    # language facet and the suggestion lead the reader to the Dutch guidance.
    page.goto("/portal/search?q=behandelling&language=nl")
    suggestion = page.locator(".suggestion a")
    assert suggestion.inner_text() == "behandeling"
    suggestion.click()
    assert page.locator("ol.hits > li").count() >= 1
    page.goto("/portal/search?q=bloeddruk")
    assert "Nothing found" in page.locator("main").inner_text()
    facet = (
        page.locator(".facet").filter(has_text="Language").get_by_role("link", name="Nederlands")
    )
    facet.click()
    assert page.locator("ol.hits mark").first.inner_text().lower().startswith("bloeddruk")
    screenshot(page, "search-language-facet")
