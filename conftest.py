"""Project-wide pytest fixtures: a real Chromium for the browser tests."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Chromium here must not try to reach the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache, so that none depends on another."""
    from django.core.cache import cache

    from lib import refcache

    cache.clear()
    refcache.forget_all()
    yield


@pytest.fixture(autouse=True)
def _french_first() -> Iterator[None]:
    """Every test starts in French: a request handled in the test's thread
    (the API's fuzzing sends any Accept-Language) leaves its language active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: run `make browser` first.")
    # Playwright's sync API runs an event loop in the test thread; the test's own
    # database calls stay synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="fr-BE")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def serious_accessibility_violations(page: Any) -> list[str]:
    """Run axe-core on the page; list its serious and critical violations."""
    # A click that opens a page returns before that page has loaded.
    page.wait_for_load_state()
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'best-practice']})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Hashing the personas' passwords at full strength would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run as they are enqueued (on commit), in the test's process; the tests
    # of the worker start a real one on the database queue.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    if "sqlite" in str(settings.DATABASES["default"]["ENGINE"]):
        _serve_one_request_at_a_time()


def _serve_one_request_at_a_time() -> None:
    """The browser tests' live server answers one request at a time on SQLite.

    There the test database lives in memory, and the server's threads share its
    one connection: two requests at once (a page and the suggestions its
    picker asks for as one types) can block each other on it for ever. A server
    without threads closes each connection after its response, so that the
    browser's keep-alive holds nothing."""
    from django.core.servers.basehttp import WSGIServer
    from django.test import testcases

    class SerialWSGIServer(WSGIServer):
        def __init__(
            self, *args: Any, connections_override: Any = None, **kwargs: Any
        ) -> None:
            # The server's thread already uses the shared connections.
            super().__init__(*args, **kwargs)

    testcases.LiveServerThread.server_class = SerialWSGIServer  # type: ignore[assignment]


def pytest_report_header(config: Any) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = str(database["ENGINE"]).rsplit(".", 1)[-1]
    return f"database: {engine} ({database['NAME']})"
