"""In a real browser: axe-core checks the main pages of every role, in English and in Dutch.

axe-core comes from the npm registry (package.json at the repository root; `npm ci` installs
it into node_modules/). It is put into each page with page.evaluate(source): Playwright sends
that through the DevTools protocol (Runtime.evaluate), which the page's Content-Security-Policy
does not govern, so the pages are checked with their real CSP. A context with bypass_csp=True
would work too, but would check pages under a policy they never have in production.
"""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices (landmarks, heading order, ...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# The rules the issue names; each must have run on every page (passed or had nothing to check).
REQUIRED_RULES = {
    "label",  # form fields have labels
    "select-name",
    "button-name",
    "link-name",
    "heading-order",  # headings
    "empty-heading",
    "page-has-heading-one",
    "landmark-one-main",  # landmarks
    "landmark-unique",
    "region",
    "html-has-lang",  # document language
    "html-lang-valid",
    "valid-lang",
    "document-title",
    "image-alt",  # images
    "color-contrast",
}
RUN_AXE = """async tags => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],  // other results keep one element each: faster
  });
  const brief = list => list.map(rule => rule.id);
  return {
    violations: results.violations.map(rule => ({
      id: rule.id, help: rule.help,
      nodes: rule.nodes.slice(0, 5).map(node => `${node.target.join(" ")}: ${node.failureSummary}`),
    })),
    ran: brief(results.passes).concat(brief(results.inapplicable), brief(results.incomplete)),
  };
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    """Return axe-core's source, or skip (fail under REQUIRE_BROWSER=1) when it is absent."""
    if not AXE.exists():
        reason = (
            f"axe-core is not installed ({AXE} is missing): run `npm ci` at the repository root"
        )
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def check(page, axe_source: str) -> None:
    """Run axe on the page as it is; fail with every violation, one line per element."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    found = page.evaluate(RUN_AXE, TAGS)
    problems = [
        f"{rule['id']} ({rule['help']}):\n    " + "\n    ".join(rule["nodes"])
        for rule in found["violations"]
    ]
    assert not problems, f"{page.url}\n" + "\n".join(problems)
    assert REQUIRED_RULES <= set(found["ran"]), REQUIRED_RULES - set(found["ran"])


ANONYMOUS = [
    "/portal",
    "/portal/networks/multisysteem-vasculair-en-hart",
    "/portal/publications/1",
    "/portal/search?q=aorta",
    "/portal/search?q=behandelling&language=nl",  # a suggestion, no hit
    "/login",
    "/guidelines",
    "/guidelines/gaucher-disease-type-1",
    "/guidelines/gaucher-disease-type-1/versions/2.0",
    "/guidelines/gaucher-disease-type-1/compare?from=1.0&to=1.1",
    "/guidelines/gaucher-disease-type-1/compare?from=1.0&to=1.1&view=inline",
    "/networks",
    "/erns",
    "/diseases",
    "/search?q=dose",
    "/no-such-page",
]
PAGES = [(None, url) for url in ANONYMOUS] + [
    ("author@example.org", "/"),
    ("author@example.org", "/adaptations"),
    ("author@example.org", "/adaptations/1"),
    ("author@example.org", "/adaptations/1/edit"),
    ("author@example.org", "/adaptations/1/decisions"),
    ("author@example.org", "/adaptations/1/diff"),
    ("author@example.org", "/adaptations/1/rebase?to=2.0"),  # with conflicts to settle
    ("author@example.org", "/guidelines/gaucher-disease-type-1/impact"),
    ("author@example.org", "/guidelines/gaucher-disease-type-1/adapt"),
    ("author@example.org", "/import"),
    ("translator@example.org", "/guidelines/marfan-syndrome-aorta/versions/2.0/translations"),
    ("translator@example.org", "/guidelines/marfan-syndrome-aorta/versions/2.0/translations/nl"),
    (
        "translator@example.org",
        "/guidelines/marfan-syndrome-aorta/versions/2.0/translations/nl/segments/s-1-scope/p1",
    ),
    ("reviewer@example.org", "/adaptations/1/review"),
    ("reviewer@example.org", "/review/inbox"),
    ("admin@example.org", "/admin/audit"),
    ("admin@example.org", "/account/tokens"),
    ("admin@example.org", "/api/docs"),
]


@pytest.mark.parametrize(("email", "url"), PAGES, ids=[f"{e or 'visitor'} {u}" for e, u in PAGES])
def test_page_has_no_accessibility_violations(signed_in, axe_source, email, url):
    page = signed_in(email)
    page.goto(url)
    check(page, axe_source)


@pytest.mark.parametrize(
    "url", ["/portal", "/portal/publications/1", "/portal/search?q=aortadilatatie", "/login"]
)
def test_dutch_portal_page_has_no_accessibility_violations(browser, live_server, axe_source, url):
    context = browser.new_context(locale="nl-BE", base_url=live_server)
    try:
        page = context.new_page()
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "nl"
        check(page, axe_source)
    finally:
        context.close()


def test_form_errors_and_messages_are_accessible(browser, live_server, axe_source):
    context = browser.new_context(locale="en-GB", base_url=live_server)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("E-mail").fill("author@example.org")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        page.locator(".flash, .field-errors, .form-errors").first.wait_for()
        screenshot(page, "accessibility-login-error")
        check(page, axe_source)

        page.goto("/import")  # not logged in: the login page says why
        check(page, axe_source)
    finally:
        context.close()
