"""A real OpenID Connect sign-in, end to end: a local provider (oidc-provider-mock) started here, `streamlit run`
with an [auth] section, and Debian's chromium signing in as each role. What each role can open, and what it
cannot."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from dashboard.pagetiming import follow_link
from tests.conftest import CHROMIUM
from tests.helpers import IDENTIFIER
from tests.test_e2e_browser import (
    ARTIFACTS, _free_port, copy_of, decide_on_first_row, start_streamlit, wait_idle,
)

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed: run `apt-get install chromium chromium-driver` (.ci/run does)",
    ),
    # one server and browser per file: its tests stay together on one test worker (any --dist mode of xdist)
    pytest.mark.xdist_group("test_e2e_signin"),
]

ROLE_MAP = """
[emails]
"dpo@example.se" = "dpo"
"staff@example.se" = "staff"

[groups]
"board" = "management"
"""
VIEW = "from=2026-01-01&to=2026-10-31&as_of=2026-11-24"
NAV = {
    "dpo@example.se": ["Overview", "Requests", "Legal holds", "Transfers", "Cookie consent", "Data quality",
                       "Access log"],
    "manager@example.se": ["Overview", "Requests", "Legal holds", "Transfers", "Cookie consent", "Data quality"],
    "staff@example.se": ["Transfers", "Data quality"],
}


JOURNAL: dict = {}  # each served app's review journal, by its address


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=_free_port()) as server:
        base = f"http://localhost:{server.server_port}"
        users = {
            # listed by e-mail, which the provider has verified
            "dpo@example.se": {"email": "dpo@example.se", "email_verified": True},
            "staff@example.se": {"email": "staff@example.se", "email_verified": True},
            # not listed by e-mail: the provider's groups claim gives the role
            "manager@example.se": {"email": "manager@example.se", "groups": ["board"]},
            # someone who typed the DPO's address into their own account; the provider never verified it
            "impostor": {"email": "dpo@example.se", "email_verified": False},
        }
        for sub, claims in users.items():
            request = urllib.request.Request(f"{base}/users/{sub}", method="PUT", data=json.dumps(claims).encode(),
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=5)
        yield base


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory, sample_store):
    folder = tmp_path_factory.mktemp("signin")
    db = copy_of(sample_store, folder / "audit.duckdb")
    port = _free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "test-only-cookie-secret-0123456789abcdef"
client_id = "privacy-audit-dashboard"
client_secret = "test-only"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    (folder / "roles.toml").write_text(ROLE_MAP)
    log_dir = folder / "access-log"
    proc = start_streamlit(port, {"AUDIT_DB": str(db), "AUDIT_ROLE_MAP": str(folder / "roles.toml"),
                                  "AUDIT_ACCESS_LOG_DIR": str(log_dir),
                                  "AUDIT_REVIEW_DB": str(folder / "reviews.sqlite")}, "--secrets.files", str(secrets))
    JOURNAL[f"http://localhost:{port}"] = folder / "reviews.sqlite"
    yield f"http://localhost:{port}", log_dir
    proc.terminate()
    proc.wait(10)


def sign_in(browser, url: str, email: str):
    """A new browser, the dashboard's sign-in button, the provider's form, back to the dashboard."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    page.goto(f"{url}/?{VIEW}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=30000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(rf"^{re.escape(url)}"), timeout=30000)
    wait_idle(page, '[data-testid="stSidebar"], h1')
    return context, page


def nav(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNavLink"]').all()
    return [link.inner_text().strip().split("\n")[-1] for link in links]  # the last line: the icon's name first


GRID_CELL = '[data-testid="stDataFrame"] [role="gridcell"]'


def open_url(page, url: str, wait_for: str = "h1") -> str:
    """Everything the page shows: its text, and the headers and cells of its tables (drawn on a canvas, but
    also kept in the grid's accessible cells)."""
    page.goto(url)
    wait_idle(page, wait_for)
    return shown(page)


def follow(page, title: str, wait_for: str | None = None) -> str:
    """The page's link in the sidebar, clicked as a person moves (the view stays, the document too: nothing is
    loaded again), and everything the page then shows once it is idle and wait_for is there."""
    follow_link(page, title)
    if wait_for:
        wait_idle(page, wait_for)
    return shown(page)


def shown(page) -> str:
    assert page.locator('[data-testid="stException"]').count() == 0
    grid = page.locator('[data-testid="stDataFrame"] [role="columnheader"], '
                        '[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts()
    return page.locator('[data-testid="stMain"]').inner_text() + "\n" + "\n".join(grid)


def log(log_dir) -> list[dict]:
    return [json.loads(line) for f in sorted(log_dir.glob("*.jsonl")) for line in f.read_text().splitlines()]


def test_signed_out_visitors_see_only_the_sign_in_page(app, browser):
    url, _ = app
    context = browser.new_context()
    page = context.new_page()
    for path in ("", "transfers", "access_log"):
        text = open_url(page, f"{url}/{path}?{VIEW}")
        assert "Sign in" in text and "Transfers" not in text.replace("Sign in with", "")
        assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_the_dpo_opens_everything_and_sees_the_access_log(app, browser):
    url, log_dir = app
    context, page = sign_in(browser, url, "dpo@example.se")
    assert nav(page) == NAV["dpo@example.se"]
    # The Overview is served at "/"; a link to its own address opens it there, with the link's view, no dialog.
    open_url(page, f"{url}/overview?{VIEW}", wait_for='[data-testid="stMetric"]')
    assert page.url == f"{url}/?{VIEW}" and not page.locator('[data-testid="stDialog"]').count()
    text = follow(page, "Requests", GRID_CELL)
    assert "Queue: open requests" in text and re.search(r"REQ-\d{6}", text)
    # the audit period ends in October; the access log opens on its own last 30 days, today's sign-in included
    text = follow(page, "Access log", GRID_CELL)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-access_log.png"), full_page=True)
    assert "intact" in text and "dpo@example.se" in text
    events = [(e["event"], e["user"], e["page"]) for e in log(log_dir)]
    assert events.count(("sign_in", "dpo@example.se", "")) == 1, "once, however many pages were opened"
    assert ("page_view", "dpo@example.se", "requests") in events
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/oauth2/end_session"), timeout=30000)  # the provider ends its session too
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(rf"^{re.escape(url)}"), timeout=30000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30000)
    assert ("sign_out", "dpo@example.se") in [(e["event"], e["user"]) for e in log(log_dir)]
    context.close()


def test_management_sees_figures_but_no_rows_or_identifiers(app, browser):
    url, _ = app
    context, page = sign_in(browser, url, "manager@example.se")
    assert nav(page) == NAV["manager@example.se"]
    page.screenshot(path=str(ARTIFACTS / "e2e-management-overview.png"), full_page=True)
    texts = {}
    # the view's link once (the sign-in lands on the default view), then each page by its link in the sidebar
    for path, title in zip(("", "requests", "holds", "transfers", "consent", "data_quality"),
                           NAV["manager@example.se"]):
        follow_link(page, title) if path else page.goto(f"{url}/?{VIEW}")
        wait_idle(page, '[data-testid="stMetric"]')
        texts[path] = shown(page)
        assert f"to={VIEW.split('to=')[1][:10]}" in page.url, (path, page.url)
        assert not IDENTIFIER.search(texts[path]), path
    assert "shown to the DPO only" in texts["requests"]
    # Management sees how the findings stand in the review journal, never a row to decide on (issue #18)
    assert re.search(r"finding rows? without a decision", texts[""])
    open_url(page, f"{url}/transfers?{VIEW}&rule=non_eea_without_mechanism", wait_for='[data-testid="stMetric"]')
    assert page.get_by_role("button", name=re.compile("Record a decision")).count() == 0
    text = open_url(page, f"{url}/access_log?{VIEW}")
    assert "Access log" not in nav(page) and "integrity" not in text.lower()
    context.close()


def test_staff_see_transfers_and_data_quality_only(app, browser):
    url, log_dir = app
    context, page = sign_in(browser, url, "staff@example.se")
    assert nav(page) == NAV["staff@example.se"]
    for path in ("requests", "holds", "consent", "access_log"):
        # A page the role may not open, by its address (a link the DPO shared): refused and logged, the viewer's
        # own pages offered; not Streamlit's "page not found" dialog over their first page.
        text = open_url(page, f"{url}/{path}?{VIEW}")
        assert " ".join(text.split()).startswith("Not open to your role Your role may not open this page."), text
        assert "Data subject requests" not in text and "Legal holds" not in text.split("\n")[0]
        found = [m for m in IDENTIFIER.findall(text) if not m.startswith("TR-")]  # staff may see transfer ids
        assert not found, (path, found[:3])
        assert not page.locator('[data-testid="stDialog"]').count()
        assert ("denied", "staff@example.se", path) in [(e["event"], e["user"], e["page"]) for e in log(log_dir)]
        links = page.locator('[data-testid="stMain"] [data-testid="stPageLink"]').all()
        assert [link.inner_text().split("\n")[-1] for link in links] == NAV["staff@example.se"]
    page.screenshot(path=str(ARTIFACTS / "e2e-staff.png"), full_page=True)
    # Staff record decisions on transfer findings (issue #18): one rule's rows, the first selected, the dialog.
    # Transfers is staff's first page, served at "/": its own address, with a link's view, leads there.
    text = open_url(page, f"{url}/transfers?{VIEW}&rule=non_eea_without_mechanism",
                    wait_for='.st-key-transfer_rows [role="gridcell"]')
    assert "Transfer log" in text and re.search(r"TR-\d{8}", text)  # staff's own page, its rows included
    assert page.url == f"{url}/?{VIEW}&rule=non_eea_without_mechanism" and not page.locator(
        '[data-testid="stDialog"]').count()
    assert [e["page"] for e in log(log_dir) if e["user"] == "staff@example.se" and e["event"] == "page_view"
            and e["page"] not in ("transfers", "data_quality")] == []
    first = decide_on_first_row(page, "transfer_rows", "Inköp")
    from dashboard import reviews

    [d] = reviews.latest(where=JOURNAL[url])
    assert (d.rule, d.instance, d.owner, d.decided_by) == ("non_eea_without_mechanism", first, "Inköp",
                                                           "staff@example.se")
    assert ("decision", "staff@example.se") in [(e["event"], e["user"]) for e in log(log_dir)]
    context.close()


def test_an_unknown_user_gets_a_polite_no_access_page(app, browser):
    url, log_dir = app
    context, page = sign_in(browser, url, "stranger@example.se")
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "No access" in text and "ask the data protection officer" in text
    assert nav(page) == [] and page.locator('[data-testid="stMetric"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "e2e-no-access.png"), full_page=True)
    # The provider's default account has an e-mail claim it never verified: logged by its subject
    assert ("denied", "subject stranger@example.se") in [(e["event"], e["user"]) for e in log(log_dir)]
    context.close()


def test_an_unverified_copy_of_the_dpos_address_gets_no_access(app, browser, provider):
    url, log_dir = app
    context, page = sign_in(browser, url, "impostor")
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "No access" in text and "not verified" in text
    assert nav(page) == [] and page.locator('[data-testid="stMetric"]').count() == 0
    [line] = [e for e in log(log_dir) if e.get("sub") == "impostor"]
    assert (line["event"], line["user"], line["iss"]) == ("denied", "subject impostor", provider)
    assert not [e for e in log(log_dir) if e["user"] == "dpo@example.se" and e.get("sub") == "impostor"]
    context.close()
