"""Hostile input as a browser meets it (issue 16, items 7, 8 and 12): Markdown and HTML in log text shown as text,
formulas neutralised in CSV exports, absurd dates in a link, and DNS rebinding against the local-mode server. A real
`python -m dashboard serve`, Debian's chromium, and a store loaded through the real ingest."""

from __future__ import annotations

import csv
import io
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, FLAGS, kept_page
from tests.helpers import rows, write
from tests.test_e2e_browser import ARTIFACTS, ROOT, _free_port, copy_of, start_streamlit, wait_idle

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run does)"),
    # one server and browser per file: its tests stay together on one test worker (any --dist mode of xdist)
    pytest.mark.xdist_group("test_e2e_hostile"),
]

EVIL = "evil.example"
RECIPIENTS = [
    "![pixel](http://127.0.0.1:9/pixel.png)",
    f"[click me](http://{EVIL}/phish)",
    "<img src=x onerror=alert(1)>",
    f"=HYPERLINK(\"http://{EVIL}\",\"open\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    ":red[alarm] :material/warning: $x^2$",
]
VIEW = "from=2026-01-01&to=2026-10-31&as_of=2026-11-24"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, sample_store):
    folder = tmp_path_factory.mktemp("hostile")
    db = copy_of(sample_store, folder / "audit.duckdb")
    # Transfers outside the EU/EEA without a safeguard, so each recipient is named in a finding.
    path = write(folder / "transfers_hostile.csv", rows("transfers", *[
        {"transfer_id": f"HOSTILE-{i}", "recipient": r, "country": "US", "mechanism": "none",
         "occurred_at": "2026-06-01T10:00:00+02:00"} for i, r in enumerate(RECIPIENTS)]))
    consent = write(folder / "consent_events_hostile.csv", rows("consent_events", *[
        {"event_id": "HOSTILE-C1", "visitor_ref": "V-hostile", "banner_version": f"[v9](http://{EVIL}/)",
         "occurred_at": "2026-06-01T10:00:00+02:00"}]))
    cookies = write(folder / "cookie_observations_hostile.csv", rows("cookie_observations", *[
        {"event_id": "HOSTILE-O1", "visitor_ref": "V-hostile2", "cookie_name": f"![c](http://{EVIL}/c.png)",
         "observed_at": "2026-06-01T10:00:00+02:00"}]))
    subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(path), str(consent), str(cookies), "--db",
                    str(db), "--quiet"], check=True, cwd=ROOT)
    port = _free_port()
    proc = start_streamlit(port, {"AUDIT_DB": str(db), "AUDIT_ACCESS_LOG_DIR": str(folder / "access-log")})
    yield port
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def rebinding_browser(browser):
    """A second chromium (same Playwright) whose resolver sends evil.example to this machine: what DNS rebinding
    achieves."""
    b = browser.browser_type.launch(executable_path=str(CHROMIUM),
                                    args=[*FLAGS, f"--host-resolver-rules=MAP {EVIL} 127.0.0.1"])
    yield b
    b.close()


def no_injected_elements(page) -> None:
    assert page.locator(f'a[href*="{EVIL}"]').count() == 0, "a link from the logs became a link"
    assert page.locator('img[src*="127.0.0.1:9"], img[src="x"], img[src*="evil"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def test_text_from_the_logs_is_shown_as_text(hostile, browser):
    page = kept_page(browser)
    page.goto(f"http://127.0.0.1:{hostile}/transfers?{VIEW}")
    wait_idle(page, '[data-testid="stMetric"]')
    text = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")  # the invisible joiner
    for shown in ("![pixel](http://127.0.0.1:9/pixel.png)", f"[click me](http://{EVIL}/phish)",
                  "<img src=x onerror=alert(1)>", ":red[alarm]"):
        assert shown in text, shown
    no_injected_elements(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-hostile-transfers.png"), full_page=True)

    page.goto(f"http://127.0.0.1:{hostile}/consent?{VIEW}")
    wait_idle(page, '[data-testid="stMetric"]')
    assert f"![c](http://{EVIL}/c.png)" in page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
    no_injected_elements(page)
    page.screenshot(path=str(ARTIFACTS / "e2e-hostile-consent.png"), full_page=True)


def test_csv_exports_neutralise_formulas(hostile, browser):
    page = kept_page(browser)
    page.goto(f"http://127.0.0.1:{hostile}/transfers?{VIEW}&country=US&mechanism=none")
    wait_idle(page, '[data-testid="stMetric"]')
    with page.expect_download(timeout=60000) as download:
        button = page.get_by_role("button", name=re.compile(r"^Export the transfer log \(CSV"))
        button.focus()
        page.keyboard.press("Enter")
    cells = {r["recipient"] for r in csv.DictReader(io.StringIO(Path(download.value.path()).read_text()))}
    for hostile_value in RECIPIENTS[3:7]:
        assert "'" + hostile_value in cells, hostile_value
    assert not any(c[:1] in "=+-@\t\r" for c in cells)


@pytest.mark.parametrize("link", [
    "from=0001-01-01&to=2026-10-31&as_of=2026-11-24",
    "from=2026-01-01&to=2026-10-31&as_of=9999-12-31",
    "from=0001-01-01&to=9999-12-31&as_of=0001-01-02",
])
def test_absurd_dates_in_a_link_are_moved_to_the_edge_with_a_note(hostile, browser, link):
    page = kept_page(browser)
    page.goto(f"http://127.0.0.1:{hostile}/requests?{link}")
    wait_idle(page, '[data-testid="stMetric"]', timeout=60000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "was moved to its edge" in page.locator('[data-testid="stSidebar"]').inner_text()
    for year in re.findall(r"=(\d{4})-", page.url):
        assert 2020 <= int(year) <= 2030, page.url


def raw_request(port: int, host: str, origin: str | None, websocket: bool) -> str:
    """The status line the server answers to a request with this Host and Origin."""
    lines = [f"GET {'/_stcore/stream' if websocket else '/'} HTTP/1.1", f"Host: {host}"]
    if origin:
        lines.append(f"Origin: {origin}")
    if websocket:
        lines += ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: streamlit"]
    else:
        lines.append("Connection: close")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


@pytest.mark.parametrize("websocket", [False, True])
@pytest.mark.parametrize("host, origin, allowed", [
    ("127.0.0.1:{port}", None, True),
    ("localhost:{port}", "http://localhost:{port}", True),
    ("[::1]:{port}", "http://[::1]:{port}", True),
    (f"{EVIL}:{{port}}", f"http://{EVIL}:{{port}}", False),  # rebinding: Origin equals Host, both foreign
    (f"{EVIL}:{{port}}", None, False),
    ("localhost:{port}", f"http://{EVIL}:{{port}}", False),
    ("localhost:1", None, False),
    ("localhost", None, False),
    ("127.0.0.1.nip.io:{port}", "http://127.0.0.1.nip.io:{port}", False),
])
def test_only_loopback_hosts_and_origins_reach_the_app(hostile, websocket, host, origin, allowed):
    status = raw_request(hostile, host.format(port=hostile), origin.format(port=hostile) if origin else None,
                         websocket)
    if allowed:
        assert (" 101 " in status) if websocket else (" 200 " in status), status
    else:
        assert " 403 " in status, status


def test_a_rebound_name_gets_nothing_in_the_browser(hostile, rebinding_browser):
    context = rebinding_browser.new_context()
    page = context.new_page()
    response = page.goto(f"http://{EVIL}:{hostile}/?{VIEW}")
    assert response.status == 403
    assert "Forbidden" in page.content() and page.locator('[data-testid="stMetric"]').count() == 0
    context.close()
