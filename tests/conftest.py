"""Fixtures: a real store built from real files through the real ingest path. No mocks of our storage."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The tests read the English texts unless a test asks for Swedish (the dashboard's own default is Swedish).
os.environ.setdefault("AUDIT_LANG", "en")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
# Debian's chromium for the browser tests, with the flags this machine needs (no network, no sandbox as root).
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The bundled sample data ingested into a fresh store (once per test session)."""
    from dashboard.ingest import ingest_file

    db = tmp_path_factory.mktemp("sample") / "audit.duckdb"
    for path in sorted(SAMPLE.iterdir()):
        if path.name == "manifest.json" or path.is_dir():
            continue
        result = ingest_file(str(path), db)
        assert result.exit_code == 0, (path, result)
    return db


@pytest.fixture(autouse=True)
def access_log_dir(tmp_path, monkeypatch) -> Path:
    """Each test writes the dashboard's access log and review journal to its own folder, never to data/."""
    folder = tmp_path / "access-log"
    monkeypatch.setenv("AUDIT_ACCESS_LOG_DIR", str(folder))
    monkeypatch.setenv("AUDIT_REVIEW_DB", str(tmp_path / "reviews.sqlite"))
    return folder


@pytest.fixture(scope="session")
def manifest() -> dict:
    import json

    return json.loads((SAMPLE / "manifest.json").read_text())


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "audit.duckdb"


@pytest.fixture
def copy_store(sample_store, tmp_path) -> Path:
    """A private copy of the sample store, for tests that write to it."""
    target = tmp_path / "audit.duckdb"
    shutil.copy(sample_store, target)
    return target


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module (Playwright driving Debian's package, never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def kept_page(browser):
    """The module's one browser page, navigated by each test in turn, as a person keeps one tab: its renderer keeps
    Streamlit's scripts (the grid and chart code) loaded, which a new context would load and compile again for
    every test (about 4 s each on a loaded 2-core machine). Every navigation is a new Streamlit session, so no test
    sees another's state. Tests that need their own cookies (sign-in) open their own context."""
    page = getattr(browser, "_audit_page", None)
    if page is None or page.is_closed():
        context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
        page = browser._audit_page = context.new_page()
    return page


# The browser files run as one unit each on one xdist worker, with their one server and browser, and are the longest
# units: they are handed out first, so the many short tests fill in around them and the two workers of `make test`
# finish together. Their xdist_group marks say so, but with pytest 9.2 `--dist loadgroup` no longer reads them (it
# renames node ids, which pytest 9.2 no longer allows: pytest-dev/pytest-xdist#1386, measured here as each browser
# file split over both workers, its server and browser started on each, and started again after any other test ran
# in between). Until xdist's fix is released this scheduler keeps each browser file whole; every other test is its
# own unit, handed out one by one.
FIRST = ("tests/test_e2e_browser.py", "tests/test_e2e_signin.py", "tests/test_e2e_hostile.py")


def pytest_collection_modifyitems(items):
    rank = {path: n for n, path in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(FIRST)))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class BrowserFilesWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            return path if path in FIRST else nodeid

    return BrowserFilesWhole(config, log)
