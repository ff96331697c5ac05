"""In a real browser: an author imports a version, reads it, and compares versions."""

import pytest

from guidelines.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

NEW_VERSION = """---
title: Monitoring and treatment of Gaucher disease type 1
version: "2.1"
---
# Monitoring and treatment of Gaucher disease type 1

## Treatment

::: recommendation R9.1 strength=conditional certainty=low direction=for
We suggest checking vitamin D every 12 months.
:::
"""


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_author_imports_reads_and_compares(page, tmp_path):
    log_in(page, "author@example.org")
    page.goto("/import")
    upload = tmp_path / "gaucher-update.md"
    upload.write_text(NEW_VERSION, encoding="utf-8")
    page.get_by_label("Guideline slug").fill("gaucher-disease-type-1")
    page.get_by_label("Markdown file").set_input_files(str(upload))
    screenshot(page, "library-import-form")
    page.get_by_role("button", name="Import").click()

    page.wait_for_url("**/guidelines/gaucher-disease-type-1/versions/2.1")
    assert page.locator(".flash, [role=status]").first.inner_text().startswith("Imported")
    card = page.locator("section.recommendation").first
    assert "R9.1" in card.inner_text()
    page.locator("nav").get_by_role("link", name="Treatment", exact=True).click()
    assert page.url.endswith("#s-treatment")
    screenshot(page, "library-version")

    page.goto("/guidelines/gaucher-disease-type-1/compare?from=1.0&to=1.1")
    assert page.locator("table del").count() > 0 and page.locator("table ins").count() > 0
    summary = page.locator("text=number or dose changed").first
    assert summary.is_visible()
    screenshot(page, "library-compare-side-by-side")
    page.get_by_role("link", name="Inline").click()
    assert "view=inline" in page.url
    screenshot(page, "library-compare-inline")


def test_reader_sees_no_import_link_and_is_refused(page):
    log_in(page, "reader@example.org")
    assert page.get_by_role("link", name="Import").count() == 0
    response = page.goto("/import")
    assert response.status == 403
