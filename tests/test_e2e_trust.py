"""End to end in a real browser, the trust items of issue #15: the backlog in every figure and the report, a month
review equal to its report, "no data" for an empty period, one sort and one logged export path with the safeguard
filter, a picked request and a typed id, and WCAG 2.1 AA (axe-core) on every page. Its own server and store (the
`served` fixture of test_e2e_browser, one per module), so it runs beside that file on the other test worker."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM
from tests.test_e2e_browser import (ARTIFACTS, VIEW, YEAR, metrics_json, num, open_page, page_text, query, read_metrics,
                                    served, wait_idle)  # noqa: F401  (served: this module's own server)

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed: run `apt-get install chromium chromium-driver` (.ci/run does)",
    ),
    pytest.mark.xdist_group("test_e2e_trust"),
]


def grid_rows(grid, columns: int) -> list[list[str]]:
    cells = grid.locator('[role="gridcell"]').all_inner_texts()
    return [cells[i:i + columns] for i in range(0, len(cells), columns)]


def test_one_sort_one_export_and_the_safeguard_filter(served, browser, manifest):
    """Staff on the transfer log (issue #15): the figure "without a valid safeguard" is one click from exactly its
    rows; a header click does not sort the rows on screen (the page's sort does, on the server); the table toolbar
    has no download of its own; the CSV follows the page's sort; page and rows per page are in the link."""
    url, db, _ = served
    context, page = open_page(browser, f"{url}/transfers?{query(YEAR)}")
    figure = int(read_metrics(page)["Outside EU/EEA without a valid safeguard"])
    assert figure == metrics_json(db, YEAR)["transfers"]["non_eea_without_valid_mechanism"] > 0
    page.get_by_role("button", name="Show these transfers").click()
    page.wait_for_url(re.compile(r"[?&]unsafe=1"), timeout=20000)
    wait_idle(page, '[role="gridcell"]')
    assert int(num(read_metrics(page)["Transfers"])) == figure
    assert page.get_by_text(re.compile(rf"Rows 1–{figure} of {figure}$")).count() == 1
    page.screenshot(path=str(ARTIFACTS / "e2e-transfers-without-safeguard.png"), full_page=True)
    context.close()

    sorted_view = f"{url}/transfers?{query(VIEW)}&sort=recipient&asc=1&size=25&page=2"
    context, page = open_page(browser, sorted_view)
    wait_idle(page, '[role="gridcell"]')
    grid = page.locator('[data-testid="stDataFrame"]').first
    columns = grid.locator('[role="columnheader"]').count()
    shown = grid_rows(grid, columns)
    # the grid draws the rows in view (it scrolls the rest): compare those
    assert len(shown) >= 5 and page.get_by_text(re.compile(r"^Rows 26–50 of")).count() == 1
    # a click on a header sorts nothing (the strip over the header row takes it) ...
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 3, box["y"] + 18)
    page.mouse.click(box["x"] + box["width"] / 3, box["y"] + 18)
    wait_idle(page, '[role="gridcell"]')
    assert grid_rows(grid, columns) == shown
    # ... and the toolbar that shows on hover has no download of its own
    assert page.get_by_role("button", name=re.compile("Download as CSV", re.I)).count() == 0
    with page.expect_download(timeout=60000) as download:
        button = page.get_by_role("button", name=re.compile(r"^Export the transfer log \(CSV"))
        button.focus()
        page.keyboard.press("Enter")
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    recipients = [r["recipient"] for r in exported]
    assert recipients == sorted(recipients), "the CSV follows the page's sort"
    assert [r["transfer_id"] for r in exported[25:25 + len(shown)]] == [row[0] for row in shown]
    context.close()


NOVEMBER = {"from": "2026-11-01", "to": "2026-11-24", "as_of": "2026-11-24"}


def test_an_overdue_request_received_before_the_period_is_in_every_figure(served, browser, manifest):
    """The backlog is a state (issue #15): the planted overdue requests were all received before November, and the
    Overview, the Requests figures, the queue, "Late and overdue" and the report count and list each of them."""
    url, db, _ = served
    overdue = {p["request_id"] for p in manifest["planted"]["requests"]["overdue"]}
    assert all(p["received"] < NOVEMBER["from"] for p in manifest["planted"]["requests"]["overdue"])
    m = metrics_json(db, NOVEMBER)["requests"]
    assert m["overdue"] == len(overdue) and m["open_from_before"] >= len(overdue)

    context, page = open_page(browser, f"{url}/?{query(NOVEMBER)}")
    assert read_metrics(page)["Overdue"] == str(len(overdue))
    finding = page.locator(".st-key-finding_request_overdue").inner_text()
    assert f"· {len(overdue)}" in finding
    context.close()

    context, page = open_page(browser, f"{url}/requests?{query(NOVEMBER)}&state=overdue")
    assert read_metrics(page)["Overdue"] == str(len(overdue))
    wait_idle(page, '.st-key-queue_rows [role="gridcell"]')
    text = page_text(page)
    assert f"{len(overdue)} open request(s) as of {NOVEMBER['as_of']}" in text
    assert "received before 2026-11-01, and are counted too" in text
    late = page.locator('[data-testid="stDataFrame"]').nth(1).locator('[role="gridcell"]').all_inner_texts()
    assert overdue <= set(late), "Late and overdue lists every overdue request"
    page.screenshot(path=str(ARTIFACTS / "e2e-backlog-from-before.png"), full_page=True)
    context.close()

    # The report of October, as of its last day: its key figure equals the list below it.
    context, page = open_page(browser, f"{url}/?{query(NOVEMBER)}")
    page.get_by_role("button", name="Download the report").scroll_into_view_if_needed()
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Download the report").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    listed = set(re.findall(r"<td>(REQ-\d{6})</td>", text.split("<h2>Overdue requests on 2026-10-31")[1]
                            .split("</section>")[0]))
    due_by_october = {p["request_id"] for p in manifest["planted"]["requests"]["overdue"]
                      if p["deadline"] < "2026-10-31"}
    assert listed == due_by_october and len(listed) >= 1
    assert re.search(rf"<td[^>]*>Overdue</td><td class='num'>{len(listed)}</td>", text)
    context.close()


def test_a_month_review_shows_the_figures_of_that_months_report(served, browser):
    """"Month review" in the sidebar sets the period to a month and the as-of date to its last day; the Overview then
    shows what the month's report, downloaded from it, says (issue #15: they disagreed, the as-of differed)."""
    url, db, _ = served
    context, page = open_page(browser, f"{url}/?{query(VIEW)}")
    page.get_by_role("combobox", name="Month review").click()
    page.get_by_role("option", name="2026-09").click()
    page.wait_for_url(re.compile(r"from=2026-09-01&to=2026-09-30&as_of=2026-09-30"), timeout=20000)
    wait_idle(page, '[data-testid="stMetric"]')
    shown = read_metrics(page)
    assert "states as of 2026-09-30" in page.locator('[data-testid="stMain"]').inner_text()
    page.get_by_role("button", name="Download the report").scroll_into_view_if_needed()
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Download the report").click()
    assert download.value.suggested_filename == "privacy-report-2026-09.html"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "2026-09-01 – 2026-09-30, states as of 2026-09-30" in text

    def figure(label: str) -> str:
        return re.search(rf"<td[^>]*>{re.escape(label)}</td><td class='num'>([^<]*)</td>", text).group(1)

    assert num(shown["Received"]) == num(figure("Received"))
    assert shown["Overdue"] == figure("Overdue")
    assert shown["Active holds"] == figure("Active holds")
    context.close()


def test_a_period_without_events_reads_no_data_never_on_track(served, browser):
    """A period before the first log event: every area says "no data", not a green "on track"."""
    url, _, _ = served
    empty = {"from": "2024-01-01", "to": "2024-01-31", "as_of": "2024-01-31"}
    context, page = open_page(browser, f"{url}/?{query(empty)}")
    for area in ("requests", "holds", "transfers", "consent"):
        card = page.locator(f".st-key-area_{area}").inner_text()
        assert "no data" in card and "on track" not in card, (area, card)
    page.screenshot(path=str(ARTIFACTS / "e2e-overview-no-data.png"), full_page=True)
    context.close()


def test_a_picked_row_opens_its_request_and_a_typed_id_stays(served, browser):
    """The queue's page, rows per page and the opened request are in the link; picking a row opens its timeline
    once, and an id typed afterwards is not overwritten by the row that stays selected (issue #15)."""
    url, _, _ = served
    context, page = open_page(browser, f"{url}/requests?{query(YEAR)}&q_size=25")
    wait_idle(page, '.st-key-queue_rows [role="gridcell"]')
    grid = page.locator('.st-key-queue_rows [data-testid="stDataFrame"]')
    first_id = grid.locator('[role="gridcell"]').first.inner_text().strip()
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 36 + 17)  # the first row's selection box
    page.wait_for_url(re.compile(rf"[?&]req={re.escape(first_id)}"), timeout=30000)
    wait_idle(page, ".st-key-request_detail")
    assert first_id in page.locator(".st-key-request_detail").inner_text()
    assert "q_size=25" in page.url
    field = page.get_by_label("Request id")
    field.fill("req-000003")
    field.press("Enter")
    page.wait_for_url(re.compile(r"[?&]req=req-000003"), timeout=30000)
    wait_idle(page, ".st-key-request_detail")
    assert field.input_value() == "req-000003", "the selected row did not overwrite the typed id"
    assert "REQ-000003" in page.locator(".st-key-request_detail").inner_text()
    page.screenshot(path=str(ARTIFACTS / "e2e-request-detail.png"), full_page=True)
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TITLES = {"": "Overview", "requests": "Requests", "holds": "Legal holds", "transfers": "Transfers",
          "consent": "Cookie consent", "data_quality": "Data quality", "access_log": "Access log"}


@pytest.mark.parametrize("path", list(TITLES))
def test_every_page_passes_axe_with_no_serious_violation(served, browser, path):
    """WCAG 2.1 AA in the browser (issue #15): axe-core, from its npm package (tests/axe.py), finds no serious or
    critical violation (text contrast of captions and code, images without text, scrollable regions...); each page
    has its own title; every icon is hidden from screen readers, so no icon name is read out."""
    from tests.axe import fetch

    url, _, _ = served
    context, page = open_page(browser, f"{url}/{path}?{query(YEAR)}")
    assert page.title() == f"{TITLES[path]} · Privacy Audit Dashboard"
    page.add_script_tag(path=str(fetch()))
    violations = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').slice(0, 200))}));
    }""", AXE_TAGS)
    assert violations == [], json.dumps(violations, indent=1)[:3000]
    spoken = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stIconMaterial"]')]
        .filter(icon => icon.closest('[aria-hidden="true"]') === null).map(icon => icon.textContent)""")
    assert spoken == [], "icon names a screen reader would read out"
    context.close()
