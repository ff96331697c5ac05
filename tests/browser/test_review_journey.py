"""In a real browser: adapt, submit, request changes, fix, approve, publish, read on the portal."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_library_journey import log_in

pytestmark = pytest.mark.browser

SLUG = "osteogenesis-imperfecta-adults"
TITLE = "Management of osteogenesis imperfecta in adults"
EUROPEAN = "pure-tone audiometry every 2 years from the age of 18"
FIRST_EDIT = "pure-tone audiometry every 3 years from the age of 18"
FIXED = "pure-tone audiometry every 3 years from the age of 16"
REQUEST = "Start at 16, as in the Flemish transition plan for adults with OI."


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()


def flash(page) -> str:
    return page.locator(".flash").first.inner_text()


def edit_and_save(page, adaptation_url: str, old: str, new: str, message: str) -> None:
    page.goto(adaptation_url + "/edit")
    editor = page.get_by_role("textbox", name="Adapted text (Markdown)")
    text = editor.input_value()
    assert old in text
    editor.fill(text.replace(old, new))
    page.get_by_label("What did you change?").fill(message)
    page.get_by_role("button", name=re.compile(r"^Save as revision \d+$")).click()
    page.wait_for_url("**/edit")
    assert "Saved revision" in flash(page)


def justify_audiometry(page, adaptation_url: str, justification: str) -> None:
    page.goto(adaptation_url + "/decisions")
    field = page.get_by_label(re.compile(r"^Justification of .*R5\.1.*\(adapted\)"))
    if not field.is_visible():  # already justified: the form sits in a closed <details>
        page.get_by_text(re.compile(r"^Change the justification")).click()
    field.fill(justification)
    page.get_by_role("button", name=re.compile(r"^Save · .*R5\.1")).click()
    assert "saved" in flash(page)
    row = page.get_by_role("row", name=re.compile(r"^R5\.1"))
    assert row.get_by_role("paragraph").filter(has_text=justification).is_visible()


def test_adapt_review_fix_approve_publish_and_read_on_the_portal(browser, live_server, page):
    # The author adapts the latest European version for the network Bot and submits it.
    log_in(page, "author@example.org")
    page.goto(f"/guidelines/{SLUG}/adapt")
    page.get_by_label("Flemish network").select_option("bot")
    page.get_by_label("European version to adapt").select_option("2.0")
    page.get_by_role("button", name="Start the adaptation").click()
    page.wait_for_url("**/edit")
    adaptation_url = page.url.removesuffix("/edit")

    edit_and_save(page, adaptation_url, EUROPEAN, FIRST_EDIT, "Audiometry every 3 years")
    justify_audiometry(page, adaptation_url, "The RIZIV reimburses audiometry every 3 years.")

    page.goto(adaptation_url)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/review")
    assert flash(page) == "Revision 2 was submitted for review."
    assert page.get_by_role("heading", name="Review of revision 2 in review").is_visible()
    screenshot(page, "review-submitted")
    log_out(page)

    # The reviewer requests a change.
    log_in(page, "reviewer@example.org")
    page.goto(adaptation_url + "/review")
    assert page.locator("table ins").filter(has_text="3").count() > 0
    page.get_by_role("radio", name="Request changes").check()
    page.get_by_label("Comment", exact=True).fill(REQUEST)
    page.get_by_role("button", name="Send the decision").click()
    page.wait_for_url("**/review")
    assert flash(page) == "Changes were requested on revision 2."
    assert page.get_by_text(f"Changes requested: {REQUEST}").is_visible()
    assert page.get_by_role("button", name="Send the decision").count() == 0
    screenshot(page, "review-changes-requested")
    log_out(page)

    # The author fixes the text, justifies it again and resubmits.
    log_in(page, "author@example.org")
    page.goto(adaptation_url + "/review")
    assert page.get_by_text(REQUEST).first.is_visible()
    edit_and_save(page, adaptation_url, FIRST_EDIT, FIXED, "From the age of 16")
    justify_audiometry(
        page, adaptation_url, "The RIZIV reimburses audiometry every 3 years, from 16."
    )
    page.goto(adaptation_url + "/review")
    page.get_by_role("button", name="Submit revision 3 for review").click()
    page.wait_for_url("**/review")
    assert flash(page) == "Revision 3 was submitted for review."
    log_out(page)

    # The reviewer approves and publishes.
    log_in(page, "reviewer@example.org")
    page.goto(adaptation_url + "/review")
    assert page.get_by_role("heading", name="Review of revision 3 in review").is_visible()
    page.get_by_role("radio", name="Approve").check()
    page.get_by_role("button", name="Send the decision").click()
    page.wait_for_url("**/review")
    assert flash(page) == "Revision 3 was approved."
    screenshot(page, "review-approved")
    page.get_by_role("button", name="Publish revision 3").click()
    page.wait_for_url("**/portal/publications/*")
    assert flash(page) == "Revision 3 was published."
    screenshot(page, "review-published")
    log_out(page)

    # An anonymous visitor finds the publication on the portal and reads it.
    visitor = browser.new_context(locale="en-GB", base_url=live_server)
    try:
        reader = visitor.new_page()
        reader.goto("/portal")
        bot = reader.get_by_role("region", name="Bot", exact=True)
        bot.get_by_role("link", name=TITLE).click()
        reader.wait_for_url("**/portal/publications/*")
        assert reader.get_by_role("heading", level=1, name=TITLE).first.is_visible()
        assert reader.get_by_role("paragraph").filter(has_text=FIXED).is_visible()
        assert reader.get_by_text(FIRST_EDIT).count() == 0
        based_on = reader.locator(".based-on").inner_text()
        assert based_on.startswith(f"Based on {TITLE} version 2.0")
        assert "Rik Reviewer" in reader.locator(".provenance").inner_text()
        assert reader.get_by_role("button", name="Log out").count() == 0
        screenshot(reader, "review-portal-publication")
    finally:
        visitor.close()
