"""In a real browser: an author adapts a guideline with the live preview, justifies, rebases."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_library_journey import log_in

pytestmark = pytest.mark.browser


def test_author_adapts_previews_saves_and_justifies(page):
    log_in(page, "author@example.org")
    page.goto("/guidelines/gaucher-disease-type-1/adapt")
    page.get_by_label("Flemish network").select_option("metabole-aandoeningen")
    page.get_by_label("European version to adapt").select_option("1.0")
    page.get_by_role("button", name="Start the adaptation").click()
    page.wait_for_url("**/edit")

    editor = page.get_by_role("textbox", name="Adapted text (Markdown)")
    text = editor.input_value()
    assert "60 U/kg" in text
    editor.fill(text.replace("60 U/kg", "45 U/kg (RIZIV)"))
    preview = page.locator("[data-editor-preview]")
    preview.get_by_text("45 U/kg (RIZIV)").wait_for()  # the live preview, through editor.js
    assert preview.locator("section.recommendation").count() > 0
    screenshot(page, "adaptation-editor")

    page.get_by_label("What did you change?").fill("Belgian reimbursed dose")
    page.get_by_role("button", name="Save as revision 2").click()
    page.wait_for_url("**/edit")
    assert "Saved revision 2" in page.locator(".flash").first.inner_text()

    page.goto(page.url.replace("/edit", "/decisions"))
    row_form = page.locator("form").filter(has=page.locator("textarea[name=justification]")).first
    row_form.locator("textarea").fill("The RIZIV reimburses 45 U/kg.")
    row_form.get_by_role("button").click()
    assert "saved" in page.locator(".flash").first.inner_text()
    screenshot(page, "adaptation-decisions")

    page.goto(page.url.split("/decisions")[0] + "/rebase?to=1.1")
    assert (
        page.locator("text=needs confirmation").count()
        + page.locator("text=conflict").count()
        + page.locator("text=applied").count()
        > 0
    )
    screenshot(page, "adaptation-rebase")
