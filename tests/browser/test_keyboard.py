"""In a real browser, with the keyboard only: skip link, focus indicator, no trap, main tasks.

The page is driven with page.keyboard alone (Tab, Shift+Tab, Enter, Space, arrows, typing);
page.evaluate only looks at which element has the focus and how it is drawn.
"""

import re

import pytest

from guidelines.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# What the focused element is: its tag, and a name as a person would call it.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  window.__keys = window.__keys || new WeakMap();  // tells apart elements of the same name
  if (!window.__keys.has(e)) window.__keys.set(e, (window.__nextKey = (window.__nextKey || 0) + 1));
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  const name = e.getAttribute("aria-label") || label || e.innerText || e.value || "";
  return {key: window.__keys.get(e), tag: e.tagName.toLowerCase(), id: e.id, type: e.type || "",
          name: name.replace(/\\s+/g, " ").trim().slice(0, 100)};
}"""
# How an element's focus indicator looks; compared focused and not focused.
FOCUS_STYLE = """e => {
  const s = getComputedStyle(e);
  const outline = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  return {outline: s.outlineStyle === "none" ? "none" : outline, shadow: s.boxShadow};
}"""
# How many stops Tab should make: focusable, shown, enabled elements; one per radio group.
TABBABLE = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
  )).filter(e => e.tabIndex >= 0 && !e.disabled
    && e.checkVisibility({visibilityProperty: true})  // not in a closed <details>, not hidden
    && !(e.type === "radio" && e !== (e.form.querySelector(`[name="${e.name}"]:checked`)
                                      || e.form.querySelector(`[name="${e.name}"]`)))
  ).length"""


def matches(wanted: str | re.Pattern, name: str) -> bool:
    return bool(wanted.search(name)) if isinstance(wanted, re.Pattern) else name == wanted


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str | re.Pattern, *, tag: str | None = None, limit: int = 120) -> dict:
    """Press Tab until the element called ``name`` has the focus; return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now and (tag is None or now["tag"] == tag) and matches(name, now["name"]):
            return now
    raise AssertionError(f"Tab never reached {name!r}")


def walk(page, limit: int = 400) -> list[dict]:
    """Tab once round the page; return its elements in focus order, from the skip link.

    The round ends when the focus comes back to where it started, after passing the browser's
    own controls past the end of the page. Coming back without leaving the page, or going on
    for ``limit`` presses, means the focus is stuck somewhere: a trap.
    """
    seen: list[dict] = []
    outside = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:  # between the last element and the first: the browser's own controls
            outside += 1
            assert outside < 5, "Tab does not come back into the page"
            continue
        if seen and now["key"] == seen[0]["key"]:
            # A round that never left the page is a cycle inside it: a trap.
            assert outside, "Keyboard trap: the focus cycles in " + ", ".join(
                e["name"] or e["tag"] for e in seen
            )
            start = next(i for i, e in enumerate(seen) if e["name"] == "Skip to content")
            return seen[start:] + seen[:start]
        seen.append(now)
    cycle = ", ".join(e["name"] or e["tag"] for e in seen[-6:])
    raise AssertionError(f"Keyboard trap: after {limit} presses of Tab the focus cycles in {cycle}")


def assert_visible_focus_indicator(page) -> None:
    """Check that the focused element looks different from itself without the focus."""
    element = page.evaluate_handle("document.activeElement")
    with_focus = element.evaluate(FOCUS_STYLE)
    assert with_focus["outline"] != "none" or with_focus["shadow"] != "none", with_focus
    page.keyboard.press("Tab")  # move on: the element loses the focus
    assert element.evaluate(FOCUS_STYLE) != with_focus, f"no focus indicator on {focused(page)}"
    page.keyboard.press("Shift+Tab")
    element.dispose()


def test_skip_link_is_first_shows_on_focus_and_moves_to_the_content(page):
    page.goto("/portal")
    link = page.get_by_role("link", name="Skip to content")
    assert link.bounding_box()["y"] + link.bounding_box()["height"] <= 0  # hidden above
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to content"
    box = link.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10  # shown on focus
    screenshot(page, "keyboard-skip-link")
    assert_visible_focus_indicator(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    assert focused(page)["id"] == "content"
    page.keyboard.press("Tab")  # the next stop is inside the main content, past the header
    inside = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside, focused(page)


REMEMBER = "Keep me logged in on this device"
# The main pages, who sees them, and controls that Tab must reach on each.
MAIN_PAGES = {
    "portal home": (None, "/portal", ["Search the published guidelines", "Portal"]),
    "published guideline": (
        None,
        "/portal/publications/1",
        ["Download as Markdown", re.compile(r"^Summary of the \d+ recommendations$")],
    ),
    "portal search": (None, "/portal/search?q=aorta", ["Search for", "Search", "Nederlands"]),
    "login": (None, "/login", ["E-mail", "Password", REMEMBER, "Log in"]),
    "library": (
        "reader@example.org",
        "/guidelines",
        ["Search the guidelines", "Monitoring and treatment of Gaucher disease type 1"],
    ),
    "adaptation editor": (
        "author@example.org",
        "/adaptations/1/edit",
        ["Adapted text (Markdown)", "What did you change?", re.compile(r"^Save as revision \d+$")],
    ),
    "review": (
        "reviewer@example.org",
        "/adaptations/1/review",
        ["Approve", "Comment", "Send the decision", "Log out"],
    ),
}


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_tab_reaches_every_control_of_a_main_page_and_never_traps(signed_in, name):
    email, url, controls = MAIN_PAGES[name]
    page = signed_in(email)
    page.goto(url)
    order = walk(page)
    names = [e["name"] for e in order]
    for control in controls:
        found = [n for n in names if matches(control, n)]
        assert found, f"{name}: Tab never reaches {control!r}; it reaches {names}"
    # Every tabbable element is in the round: nothing is skipped.
    assert len(order) == page.evaluate(TABBABLE), (len(order), names)

    # Shift+Tab walks back the same way (the focus is on the first element again).
    here = next(i for i, e in enumerate(order) if e["key"] == focused(page)["key"])
    if here < 2:
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        here += 2
    page.keyboard.press("Shift+Tab")
    assert focused(page)["key"] == order[here - 1]["key"]
    page.keyboard.press("Shift+Tab")
    assert focused(page)["key"] == order[here - 2]["key"]

    # The focus indicator shows on a link, a form field and a button of the page.
    for kind in ("a", "input", "textarea", "button"):
        stop = next((e for e in order if e["tag"] == kind and e["type"] != "checkbox"), None)
        if stop is not None:
            page.goto(url)
            tab_to(page, stop["name"], tag=kind)
            assert_visible_focus_indicator(page)


def test_log_in_and_out_with_the_keyboard_only(browser, live_server):
    context = browser.new_context(locale="en-GB", base_url=live_server)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/portal")
        tab_to(page, "Log in", tag="a")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/login\?next="))
        # The field has autofocus; the browser gives the focus once the page is drawn.
        page.wait_for_function("() => document.activeElement.name === 'email'")
        assert focused(page)["name"] == "E-mail"
        page.keyboard.type("reviewer@example.org")
        page.keyboard.press("Tab")
        assert focused(page)["name"] == "Password"
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Tab")
        assert focused(page)["name"] == REMEMBER
        page.keyboard.press("Space")
        assert page.get_by_label(REMEMBER).is_checked()
        page.keyboard.press("Tab")
        assert focused(page)["name"] == "Log in"
        screenshot(page, "keyboard-login")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Log out").wait_for()
        assert page.url.endswith("/portal")  # back where the visitor was

        tab_to(page, "Log out", tag="button")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Log in").wait_for()
    finally:
        context.close()


def test_search_the_portal_and_open_a_hit_with_the_keyboard_only(page):
    page.goto("/portal?lang=nl")
    tab_to(page, "Zoeken in de gepubliceerde richtlijnen", tag="input")
    page.keyboard.type("aortadilatatie")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/search?q=aortadilatatie")
    first = page.locator("ol.hits > li h2 a").first
    heading = first.inner_text()
    tab_to(page, heading, tag="a")
    assert_visible_focus_indicator(page)
    screenshot(page, "keyboard-search-hit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/publications/*#s-*")
    anchor = page.url.split("#", 1)[1]
    assert page.locator(f"[id='{anchor}']").inner_text().strip() == heading


def test_a_review_decision_with_arrow_keys_and_space(signed_in):
    page = signed_in("reviewer@example.org")
    page.goto("/adaptations/1/review")
    tab_to(page, "Approve", tag="input")
    page.keyboard.press("Space")
    assert page.get_by_role("radio", name="Approve").is_checked()
    page.keyboard.press("ArrowDown")  # arrows move within the radio group
    assert not page.get_by_role("radio", name="Approve").is_checked()
    assert focused(page)["type"] == "radio"
    page.keyboard.press("Tab")  # one Tab leaves the group, to the comment
    assert focused(page)["name"] == "Comment"
    screenshot(page, "keyboard-review-decision")
