"""A live server with the demo data, and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from guidelines import create_app
from guidelines.demo.loader import load_demo
from guidelines.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return None


@pytest.fixture(scope="session")
def browser():
    """Return a headless Chromium, or skip (fail under REQUIRE_BROWSER=1) when it is absent."""
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve the app with the demo data on a free local port; return its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.db'}",
            "SEARCH_INDEX_DIR": str(folder / "search-index"),
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    """Return a fresh browser page in English, closed after the test."""
    context = browser.new_context(locale="en-GB", base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under tests/artifacts/ (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def signed_in(browser, live_server):
    """Return ``page_of(email)``: one English page per demo user (None: a visitor), kept for
    the module, so each user logs in once."""
    from tests.browser.test_library_journey import log_in

    contexts, pages = [], {}

    def page_of(email: str | None):
        if email not in pages:
            context = browser.new_context(locale="en-GB", base_url=live_server)
            context.set_default_timeout(10_000)
            contexts.append(context)
            pages[email] = context.new_page()
            if email:
                log_in(pages[email], email)
                pages[email].get_by_role("button", name="Log out").wait_for()
        return pages[email]

    yield page_of
    for context in contexts:
        context.close()
