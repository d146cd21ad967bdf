"""Who may see what: the role map, sign-in and roles in the app (AppTest seeds the signed-in user), the access log,
hostile filters and URLs, the read-only store, and no unsafe HTML. The real sign-in in a browser is in
test_e2e_signin.py."""

from __future__ import annotations

import ast
import hashlib
import json
import re
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import access, access_log, roles, store
from dashboard.filters import Period
from tests.conftest import ROOT
from tests.helpers import IDENTIFIER

APP = str(ROOT / "dashboard" / "app.py")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-only-cookie-secret-0123456789",
        "client_id": "dashboard", "client_secret": "test-only",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
ROLE_MAP = """
[emails]
"Manager@Example.se" = "management"
"staff@example.se" = "staff"
"dpo@example.se" = "dpo"

[groups]
"privacy-team" = "dpo"
"board" = "management"
"""
VIEW = {"from": "2026-01-01", "to": "2026-10-31", "as_of": "2026-11-24"}
ROW_COLUMNS = {"request_id", "subject_ref", "visitor_ref", "hold_id", "transfer_id", "ref_id", "row_json"}


@pytest.fixture(autouse=True)
def clear_caches():
    # Query results stay cached between tests: their key is the store's path and version and every bound
    # parameter, so no test can see another store's or another filter's rows (and hostile values still run).
    st.cache_resource.clear()


@pytest.fixture
def role_map(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLE_MAP)
    monkeypatch.setenv("AUDIT_ROLE_MAP", str(path))
    return path


def signed_in(sample_store, monkeypatch, user: dict | None, view=VIEW, page: str = "overview") -> AppTest:
    """The app run once as this user, opened on this page (as a link to it does: no other page runs first)."""
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    # A provider that verified the address, unless the test says otherwise.
    at.user = ({"is_logged_in": False} if user is None else
               {"is_logged_in": True, "iss": ISS, "sub": f"sub-{user.get('email')}", "email_verified": True, **user})
    for key, value in view.items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    return at.run()


def log_lines(folder: Path) -> list[dict]:
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl")) for line in path.read_text().splitlines()]


def page_text(at: AppTest) -> str:
    """Everything a page shows: text elements, table cells and headers, and the data inside charts."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "text", "info", "warning", "success", "error",
                 "metric", "selectbox", "multiselect"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + str(getattr(el, "label", "")))
    for frame in at.dataframe:
        parts.append(" ".join(map(str, frame.value.columns)) + "\n" + frame.value.to_csv())
    for chart in [*at.get("plotly_chart"), *at.get("vega_lite_chart")]:
        parts.append(str(chart.proto))
    return "\n".join(parts)


# --- the role map ---------------------------------------------------------------------------------------------


V = {"email_verified": True}


def test_email_decides_case_insensitively_and_groups_otherwise():
    rm = roles.parse(ROLE_MAP)
    assert roles.decide({**V, "email": "manager@example.SE"}, rm).role == "management"
    assert roles.decide({**V, "email": "x@example.se", "groups": ["privacy-team", "other"]}, rm).role == "dpo"
    assert roles.decide({**V, "email": "x@example.se", "groups": "board"}, rm).role == "management"
    # The e-mail wins over a group.
    assert roles.decide({**V, "email": "staff@example.se", "groups": ["privacy-team"]}, rm).role == "staff"


@pytest.mark.parametrize("claims, why", [
    ({**V, "email": "nobody@example.se"}, "not in the role map"),
    ({**V, "email": "x@example.se", "groups": ["privacy-team", "board"]}, "several roles"),
    ({"email": "dpo@example.se", "email_verified": False}, "not verified"),
    ({"sub": "abc"}, "subject abc is not in the role map"),
    ({}, "no subject and no e-mail"),
])
def test_unknown_ambiguous_or_unverified_users_get_no_role(claims, why):
    decision = roles.decide(claims, roles.parse(ROLE_MAP))
    assert decision.role is None and why in decision.why


@pytest.mark.parametrize("text, message", [
    ('[emails]\n"a@b.se" = "admin"\n', "role 'admin'"),
    ('[people]\n"a@b.se" = "dpo"\n', "unknown section"),
    ('[emails\n', "not valid TOML"),
])
def test_a_bad_role_map_is_refused_with_the_reason(text, message):
    with pytest.raises(roles.RoleMapError, match=re.escape(message)):
        roles.parse(text)


ISS = "https://login.example.se/tenant/v2.0"


@pytest.mark.parametrize("claims", [
    {"email": "dpo@example.se"},  # a provider that never sends email_verified (Entra ID does not)
    {"email": "dpo@example.se", "email_verified": None},
    {"email": "dpo@example.se", "email_verified": False},
    {"email": "dpo@example.se", "email_verified": "false"},
    {"email": "dpo@example.se", "email_verified": "true"},  # a string is not the JSON value true
    {"email": "dpo@example.se", "email_verified": 0},
    {"email": "dpo@example.se", "email_verified": 1},
    {"email": "DPO@example.se ", "email_verified": "yes"},
    {"email": "dpo@example.se", "email_verified": [True]},
])
def test_an_address_the_provider_has_not_verified_gives_no_role(claims):
    decision = roles.decide({"iss": ISS, "sub": "impostor-1", **claims}, roles.parse(ROLE_MAP))
    assert decision.role is None and "not verified" in decision.why
    who = roles.identity({"iss": ISS, "sub": "impostor-1", **claims})
    assert who.label == "subject impostor-1" and "dpo@" not in who.label


def test_the_stable_subject_decides_first_and_needs_no_email():
    rm = roles.parse(ROLE_MAP + f'\n[subjects]\n"{ISS}|00aa-11bb" = "staff"\n')
    assert roles.decide({"iss": ISS, "sub": "00aa-11bb"}, rm).role == "staff"
    # the same subject from another issuer is someone else
    assert roles.decide({"iss": "https://evil.example/v2.0", "sub": "00aa-11bb"}, rm).role is None
    # a verified e-mail listed as dpo does not override the subject's own line
    assert roles.decide({"iss": ISS, "sub": "00aa-11bb", **V, "email": "dpo@example.se"}, rm).role == "staff"
    with pytest.raises(roles.RoleMapError, match="issuer"):
        roles.parse('[subjects]\n"no-separator" = "dpo"\n')


def test_groups_still_count_when_the_address_is_unverified():
    claims = {"iss": ISS, "sub": "u-9", "email": "someone@example.se", "groups": ["board"]}
    assert roles.decide(claims, roles.parse(ROLE_MAP)).role == "management"


def test_without_a_role_map_file_nobody_gets_in(tmp_path):
    assert roles.decide({**V, "email": "dpo@example.se"}, roles.load(tmp_path / "absent.toml")).role is None


# --- sign-in and roles in the app ----------------------------------------------------------------------------


def test_signed_out_users_see_only_the_sign_in_button(sample_store, monkeypatch, role_map):
    at = signed_in(sample_store, monkeypatch, None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and "viewer" not in at.session_state
    # The link's view is lost by the sign-in (a new Streamlit session: streamlit/streamlit#10162): said, not shown
    assert "open the link again" in at.info[0].value and VIEW["from"] not in at.info[0].value
    assert not signed_in(sample_store, monkeypatch, None, view={}).info, "no link, no note"


def test_an_unknown_user_sees_no_access_and_is_logged(sample_store, monkeypatch, role_map, access_log_dir):
    at = signed_in(sample_store, monkeypatch, {"email": "stranger@example.se"})
    assert [t.value for t in at.title] == ["No access"]
    assert not at.metric and not at.dataframe
    assert [(e["event"], e["user"]) for e in log_lines(access_log_dir)] == [("denied", "stranger@example.se")]


@pytest.mark.parametrize("verified", [False, None, "false", 0, "true"])
def test_an_impostor_with_an_unverified_dpo_address_is_refused_and_logged_by_subject(
        sample_store, monkeypatch, role_map, access_log_dir, verified):
    at = signed_in(sample_store, monkeypatch, {"email": "dpo@example.se", "email_verified": verified,
                                               "sub": "impostor-7"})
    assert [t.value for t in at.title] == ["No access"]
    assert not at.metric and not at.dataframe
    [line] = log_lines(access_log_dir)
    assert (line["event"], line["user"], line["iss"], line["sub"]) == ("denied", "subject impostor-7", ISS,
                                                                      "impostor-7")


@pytest.mark.parametrize("email, pages", [
    ("dpo@example.se", roles.ALL_PAGES),
    ("manager@example.se", ("overview", "requests", "holds", "transfers", "consent", "data_quality")),
    ("staff@example.se", ("transfers", "data_quality")),
])
def test_each_role_gets_its_pages_and_its_sign_in_is_logged(sample_store, monkeypatch, role_map, access_log_dir,
                                                             email, pages):
    at = signed_in(sample_store, monkeypatch, {"email": email})
    assert not at.exception
    assert at.session_state["viewer"].pages == pages
    assert not any("Local mode" in i.value for i in at.sidebar.info)
    lines = log_lines(access_log_dir)
    events = [(e["event"], e["user"]) for e in lines]
    assert events[0] == ("sign_in", email) and events[1][0] == "page_view"
    assert {(e["iss"], e["sub"]) for e in lines} == {(ISS, f"sub-{email}")}


@pytest.mark.parametrize("page", ["requests", "holds", "consent", "overview", "access_log"])
def test_a_page_checks_the_role_again_when_opened_directly(sample_store, monkeypatch, access_log_dir, page):
    """As if the URL of a page outside staff's menu were opened: the page itself refuses."""
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app_pages" / f"{page}.py"), default_timeout=60)
    at.session_state["viewer"] = access.Viewer("staff@example.se", "staff")
    at.session_state["period"] = Period(date(2026, 1, 1), date(2026, 10, 31), date(2026, 11, 24))
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Your role may not open this page."]
    assert not at.metric and not at.dataframe
    assert ("denied", page) in [(e["event"], e["page"]) for e in log_lines(access_log_dir)]


@pytest.mark.parametrize("page", ["overview", "requests", "holds", "transfers", "consent", "data_quality"])
def test_management_sees_no_identifier_and_no_row_level_table(sample_store, monkeypatch, role_map, page):
    at = signed_in(sample_store, monkeypatch, {"email": "manager@example.se"}, page=page)
    assert not at.exception, at.exception
    assert at.metric, "management sees the figures"
    found = IDENTIFIER.findall(page_text(at))
    assert not found, f"{page} shows identifiers to management: {found[:5]}"
    for frame in at.dataframe:
        assert not ROW_COLUMNS & set(frame.value.columns), (page, list(frame.value.columns))


@pytest.mark.parametrize("page", ["requests", "holds", "transfers", "consent"])
def test_the_same_pages_show_identifiers_to_the_dpo(sample_store, monkeypatch, role_map, page):
    """The check above can fail: the DPO, on the same pages and period, does see identifiers."""
    at = signed_in(sample_store, monkeypatch, {"email": "dpo@example.se"}, page=page)
    assert IDENTIFIER.search(page_text(at)), page


def test_management_report_lists_no_request_id(sample_store):
    from dashboard import report, sql

    with store.read_only(sample_store) as con:
        run = lambda name, **p: sql.run(con, name, **p)  # noqa: E731
        full = report.build(run, "2026-10", date(2026, 11, 24))
        summary = report.build(run, "2026-10", date(2026, 11, 24), detail=False)
    assert re.search(r"REQ-\d{6}", full), "the DPO's report lists the overdue requests"
    assert not IDENTIFIER.search(summary)
    assert "<th>Overdue requests</th>" in summary


def test_local_mode_says_so_and_acts_as_dpo(sample_store, monkeypatch):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.session_state["viewer"] == access.Viewer("local", "dpo", local=True)
    assert any("Local mode" in i.value and "127.0.0.1" in i.value for i in at.sidebar.info)


def test_local_mode_refuses_to_serve_beyond_this_computer(sample_store, monkeypatch):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    previous = st.get_option("server.address")
    st.config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        st.config.set_option("server.address", previous)
    assert not at.metric and not at.dataframe
    assert "only serves on this computer" in at.error[0].value


# --- the access log ---------------------------------------------------------------------------------------------


def test_page_views_are_logged_once_per_view_with_their_filters(sample_store, monkeypatch, role_map, access_log_dir):
    at = signed_in(sample_store, monkeypatch, {"email": "staff@example.se"})
    at.run()  # a rerun that changes nothing adds nothing
    at.text_input[0].set_value("Fraktbolaget").run()
    views = [e for e in log_lines(access_log_dir) if e["event"] == "page_view"]
    assert [v["page"] for v in views] == ["transfers", "transfers"]
    assert "from=2026-01-01" in views[0]["detail"] and "recipient=Fraktbolaget" in views[1]["detail"]


def test_the_chain_detects_an_edited_or_removed_line(tmp_path):
    for i in range(5):
        access_log.append("page_view", f"u{i}@example.se", "dpo", page="overview", folder=tmp_path)
    [path] = access_log.files(tmp_path)
    assert access_log.verify(path).intact and access_log.verify(path).lines == 5
    original = path.read_text()
    lines = original.splitlines(keepends=True)
    path.write_text("".join(lines[:2]) + lines[2].replace("u2@", "someone-else@") + "".join(lines[3:]))
    assert access_log.verify(path).broken_at == 4  # line 3 changed, so line 4's link no longer matches
    path.write_text("".join(lines[:1] + lines[2:]))
    assert access_log.verify(path).broken_at == 2


def test_appends_from_many_threads_keep_one_intact_chain(tmp_path):
    def write(n):
        for i in range(25):
            access_log.append("export", f"user{n}@example.se", "staff", detail=f"x{i}", rows=i, folder=tmp_path)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [path] = access_log.files(tmp_path)
    check = access_log.verify(path)
    assert check.intact and check.lines == 200


def test_retention_removes_whole_expired_months_only(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIT_ACCESS_LOG_DAYS", "1000")
    for day in (date(2025, 9, 30), date(2025, 10, 15), date(2026, 11, 2)):
        access_log.append("sign_in", "a@example.se", "dpo", folder=tmp_path,
                          now=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc))
    removed = access_log.purge(date(2026, 11, 20), tmp_path, days=400)
    # September 2025 ended 416 days before, October 2025 385 days before.
    assert [p.name for p in removed] == ["access-2025-09.jsonl"]
    assert [p.name for p in access_log.files(tmp_path)] == ["access-2025-10.jsonl", "access-2026-11.jsonl"]


def test_the_dpo_sees_the_log_and_its_integrity(sample_store, monkeypatch, role_map, access_log_dir):
    signed_in(sample_store, monkeypatch, {"email": "staff@example.se"})
    at = signed_in(sample_store, monkeypatch, {"email": "dpo@example.se"},
                   view={"from": str(date.today()), "to": str(date.today()), "as_of": str(date.today())},
                   page="access_log")
    assert not at.exception, at.exception
    assert "intact" in at.success[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sign-ins"] == "2" and metrics["Users"] == "2"
    users = set(at.dataframe[0].value["user_email"])
    assert users == {"staff@example.se", "dpo@example.se"}
    at.multiselect[0].set_value(["sign_in"]).run()
    assert at.query_params["al_event"] in ("sign_in", ["sign_in"])
    assert set(at.dataframe[0].value["event"]) == {"sign-in"}  # the code sign_in, shown as a word


def test_the_app_only_ever_appends_to_the_access_log():
    """Month files are opened to append or to read; the only other writes are the key (created once, never
    overwritten: O_EXCL) and a head's temporary file, which replaces the head whole."""
    source = (ROOT / "dashboard" / "access_log.py").read_text()
    opens = re.findall(r"os\.open\([^)]*\)|\.open\([^)]*\)|open\([^)]*\)", source)
    allowed = ("O_APPEND", '"rb"', "O_EXCL", "os.open(tmp,", 'fdopen(fd, "w")', 'open(fd, "w")')
    assert opens and all(any(a in o for a in allowed) for o in opens), opens
    assert "truncate" not in source and "write_text" not in source
    assert source.count("O_TRUNC") == 1 and "os.replace(tmp, target)" in source


# --- hostile input ------------------------------------------------------------------------------------------------

NASTY = ["' OR 1=1 --", "'; DROP TABLE transfers; --", "\" OR \"\"=\"", "x" * 10_000, "%27%20OR%201=1", "1e309",
         "<script>alert(1)</script>", "$tz", "{{ ref('stg_transfers') }}", "\u0000", "-1", "[]",
         "\u00b2", "\u0663"]  # digits str.isdigit() accepts and int() refuses or reads: '²', Arabic-Indic 3
# Parameters with a fixed set of values: a hostile value is ignored (the default is used).
PARAMS = ["from", "to", "as_of", "grain", "type", "state", "channel", "rtype", "country", "region", "mechanism",
          "basis", "purpose", "category", "findings", "rule", "sort", "asc", "cgrain", "by", "dq_log", "dq_column",
          "al_event", "al_page", "doubt", "req", "size", "page", "unsafe", "csv",
          "al_from", "al_to", "q_size", "q_page", "finding", "late_page", "doubtful_page", "authority_page",
          "repeat_page", "by_request_page", "cookie_page", "dq_page", "al_page_no", "repeats", "view", "lang", "rules",
          "list"]
# In free-text filters a hostile value is searched for as text, so it matches nothing (numbers may match).
HOSTILE_TEXT = [v for v in NASTY if v not in ("-1", "[]", "1e309")]


def store_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def headline(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", ["overview", "requests", "holds", "transfers", "consent", "data_quality",
                                  "access_log"])
def test_hostile_url_parameters_change_nothing(sample_store, monkeypatch, page):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    before = store_digest(sample_store)

    def run(params):
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py")
        return at.run()

    # The access log's own days (al_from, al_to) are fixed to a day before the test, when nothing was logged: each
    # run of this test logs page views today, which would change its figures.
    view = {**VIEW, "al_from": "2026-01-02", "al_to": "2026-01-02"} if page == "access_log" else VIEW
    baseline = headline(run(view))
    for i, value in enumerate(NASTY):
        # Query results stay cached between values: a value that reached a query would miss the cache and show.
        at = run({**view, **{p: value for p in PARAMS if p not in view}})
        assert not at.exception, (page, value[:40], at.exception)
        assert headline(at) == baseline, (page, value[:40])
        if i < 4:
            at = run({p: value for p in PARAMS})  # bad dates too: the defaults are used, with a note
            assert not at.exception, (page, value[:40], at.exception)
    assert store_digest(sample_store) == before


@pytest.fixture
def store_with_rejections(copy_store, tmp_path) -> Path:
    from dashboard.ingest import ingest_file
    from tests.helpers import rows, write

    bad = write(tmp_path / "transfers-bad.csv", rows("transfers", {"country": "Sverige"}, {"record_count": "-4"}))
    assert ingest_file(str(bad), copy_store).exit_code == 1
    return copy_store


@pytest.mark.parametrize("page", ["transfers", "requests", "data_quality"])
def test_hostile_free_text_matches_nothing_and_breaks_nothing(store_with_rejections, monkeypatch, page):
    monkeypatch.setenv("AUDIT_DB", str(store_with_rejections))
    before = store_digest(store_with_rejections)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in VIEW.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py").run()
    for value in HOSTILE_TEXT:
        box = at.text_input[0]  # looked up again: a new value in the link makes a new widget
        box.set_value(value[:box.max_chars or None]).run()
        assert not at.exception, (page, value[:40], at.exception)
        if page == "transfers":
            assert headline(at)["Transfers"] == "0"
        if page == "requests":
            assert any("No events for request" in w.value for w in at.warning)
        if page == "data_quality":
            assert "0 rejections match" in " ".join(c.value for c in at.caption)
    assert store_digest(store_with_rejections) == before


@pytest.mark.parametrize("param, page", [("recipient", "transfers"), ("dq_search", "data_quality"),
                                         ("al_user", "access_log")])
def test_hostile_free_text_in_the_url_matches_nothing(store_with_rejections, monkeypatch, param, page):
    monkeypatch.setenv("AUDIT_DB", str(store_with_rejections))
    access_log.append("sign_in", "dpo@example.se", "dpo")
    view = {**VIEW, "to": str(date.today())}

    def run(params):
        at = AppTest.from_file(APP, default_timeout=60)
        for key, v in params.items():
            at.query_params[key] = v
        return at.switch_page(f"app_pages/{page}.py").run()

    baseline = headline(run(view))
    assert baseline.get("Transfers", "1") != "0" and baseline.get("Sign-ins", "1") == "1"
    for value in HOSTILE_TEXT:
        at = run({**view, param: value})
        assert not at.exception, (param, value[:40], at.exception)
        if page == "transfers":
            assert headline(at)["Transfers"] == "0", value[:40]
        elif page == "access_log":
            assert headline(at)["Sign-ins"] == "0" and "No entry matches" in at.info[0].value, value[:40]
        else:
            assert "0 rejections match" in " ".join(c.value for c in at.caption), value[:40]


def test_the_app_cannot_write_to_the_audit_store(copy_store):
    before = store_digest(copy_store)
    with store.read_only(copy_store) as con:
        for statement in ("insert into transfers (transfer_id) values ('TR-X')", "delete from dsr_events",
                          "create table x (a int)", "drop table transfers", "update hold_events set hold_id = 'x'"):
            with pytest.raises(duckdb.Error, match="read-only"):
                con.execute(statement)
    assert store_digest(copy_store) == before


def test_the_app_has_no_path_to_a_writable_store():
    """Only the CLI's ingest opens the store for writing; nothing the app imports does."""
    app_files = [ROOT / "dashboard" / name for name in ("app.py", "db.py", "access.py", "ui.py", "filters.py")]
    app_files += sorted((ROOT / "dashboard" / "app_pages").glob("*.py"))
    for path in app_files:
        text = path.read_text()
        assert "attach_for_writing" not in text and "import ingest" not in text and "duckdb.connect(" not in text, path


def _html_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "unsafe_allow_html":
                    yield node, "unsafe_allow_html"
            name = ast.unparse(node.func)
            # HTML written into the code (constant text, no value from a log, link or user) is allowed: the style
            # sheet app.py adds; anything built from a variable is not.
            constant = node.args and all(isinstance(a, ast.Constant) for a in node.args) and not node.keywords
            if name in ("st.html", "components.html", "st.components.v1.html") and not constant:
                yield node, name


def test_only_constant_html_is_allowed():
    """The exemption above holds for constant text only: a value, an f-string or a concatenation is still found."""
    for code in ("st.html(text)", "st.html(f'<b>{x}</b>')", "st.html('<b>' + x)", "components.html(page)",
                 "st.markdown(x, unsafe_allow_html=True)", "st.html('<style></style>', width=1)"):
        assert list(_html_calls(ast.parse(code))), code
    assert not list(_html_calls(ast.parse("st.html('<style>a{}</style>')")))


def test_no_page_renders_unsafe_html():
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        found = list(_html_calls(ast.parse(path.read_text())))
        assert not found, f"{path.name}: {[name for _, name in found]}"


def test_the_report_escapes_what_the_logs_contain(db, tmp_path):
    from dashboard import report, sql
    from dashboard.ingest import ingest_file
    from tests.helpers import rows, write

    data = rows("transfers", {"recipient": "<script>alert('x')</script> Ltd", "country": "US", "mechanism": "none",
                              "occurred_at": "2026-10-05T10:00:00+02:00"})
    assert ingest_file(str(write(tmp_path / "transfers.csv", data)), db).exit_code == 0
    with store.read_only(db) as con:
        text = report.build(lambda name, **p: sql.run(con, name, **p), "2026-10", date(2026, 11, 1))
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Ltd" in text
    assert "<script>alert(" not in text


def test_the_example_role_map_and_secrets_are_valid():
    import tomllib

    example = roles.load(ROOT / ".streamlit" / "roles.example.toml")
    assert set(example.emails.values()) | set(example.groups.values()) == set(roles.ROLES)
    auth = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text())["auth"]
    assert set(AUTH) == set(auth)


def test_the_cli_lists_the_access_log_and_fails_on_an_altered_file(access_log_dir, capsys):
    from dashboard.cli import main

    for user in ("a@example.se", "b@example.se"):
        access_log.append("export", user, "staff", page="transfers", detail="transfers.csv?country=US", rows=12)
    assert main(["access-log"]) == 0
    out = capsys.readouterr().out
    assert "1 month" not in out and ": 2 lines, intact" in out and "export 2" in out
    assert "b@example.se" in out and "(12 rows)" in out
    [path] = access_log.files()
    path.write_text(path.read_text().replace("a@example.se", "c@example.se"))
    assert main(["access-log"]) == 1
    assert "ALTERED from line 2" in capsys.readouterr().out


def test_every_page_is_in_the_menu_list_and_in_the_role_rules_once():
    """The page keys are written in two places (titles in access.PAGES, rules in roles): they must agree with each
    other and with the files in dashboard/app_pages/."""
    files = {p.stem for p in (ROOT / "dashboard" / "app_pages").glob("*.py") if p.stem != "__init__"}
    assert tuple(access.PAGES) == roles.ALL_PAGES
    assert set(roles.ALL_PAGES) == files
    assert all(set(pages) <= set(roles.ALL_PAGES) for pages in roles.PAGES.values())


def test_the_page_sees_an_edit_that_keeps_the_files_size_and_time(sample_store, monkeypatch, role_map,
                                                                  access_log_dir):
    import os

    for user in ("a@example.se", "b@example.se", "c@example.se"):
        access_log.append("sign_in", user, "dpo")
    view = {"from": str(date.today()), "to": str(date.today()), "as_of": str(date.today())}
    at = signed_in(sample_store, monkeypatch, {"email": "dpo@example.se"}, view=view, page="access_log")
    assert "intact" in at.success[0].value
    [path] = access_log.files()
    stat = path.stat()
    path.write_text(path.read_text().replace("b@example.se", "x@example.se"))  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    at.run()
    assert "altered" in at.error[0].value and "from line 3" in at.error[0].value


@pytest.fixture
def store_with_rejected_rows_of_every_log(copy_store, tmp_path) -> Path:
    from dashboard.ingest import ingest_file
    from tests.helpers import rows, write

    ingest_file(str(write(tmp_path / "dsr_events_bad.csv", rows("dsr_events", {
        "event_id": "BAD-1", "request_id": "REQ-999001", "event": "opened", "note": "kunden ringde om fakturan"}))),
        copy_store)
    ingest_file(str(write(tmp_path / "hold_events_bad.csv", rows("hold_events", {
        "event_id": "BAD-2", "hold_id": "HOLD-999002", "record_count": "0"}))), copy_store)
    ingest_file(str(write(tmp_path / "transfers_bad.csv", rows("transfers", {
        "transfer_id": "TR-99900003", "country": "XX"}))), copy_store)
    return copy_store


@pytest.mark.parametrize("role, email, sees, never", [
    ("staff", "staff@example.se", ["TR-99900003"], ["REQ-999001", "HOLD-999002", "kunden ringde", "'opened'"]),
    ("dpo", "dpo@example.se", ["TR-99900003", "REQ-999001", "HOLD-999002", "kunden ringde"], []),
    ("management", "manager@example.se", [], ["TR-99900003", "REQ-999001", "HOLD-999002", "kunden ringde"]),
])
def test_rejected_rows_and_orphans_are_shown_per_role_like_their_pages(store_with_rejected_rows_of_every_log,
                                                                       monkeypatch, role_map,
                                                                       role, email, sees, never):
    at = signed_in(store_with_rejected_rows_of_every_log, monkeypatch, {"email": email}, page="data_quality")
    assert not at.exception
    text = page_text(at)
    for shown in sees:
        assert shown in text, (role, shown)
    for hidden in never:
        assert hidden not in text, (role, hidden)
    if role == "staff":
        assert not [m for m in IDENTIFIER.findall(text) if not m.startswith("TR-")]


# --- 11. the access log resists tampering ---------------------------------------------------------------------------

def _five_lines(folder: Path) -> Path:
    for i in range(5):
        access_log.append("page_view", f"u{i}@example.se", "dpo", page="overview", folder=folder)
    [path] = access_log.files(folder)
    return path


def _rechain(path: Path, mac) -> None:
    """What someone who can edit the file does: change line 3, then recompute every link after it."""
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    records[2]["user"] = "someone-else@example.se"
    out, prev = [], None
    for i, record in enumerate(records):
        if i > 0:
            record["prev"] = mac(prev.encode())
        prev = json.dumps(record, ensure_ascii=False)
        out.append(prev)
    path.write_text("\n".join(out) + "\n")


@pytest.mark.parametrize("mac", [
    lambda data: hashlib.sha256(data).hexdigest(),  # the unkeyed chain of before
    lambda data: __import__("hmac").new(b"guessed key", data, hashlib.sha256).hexdigest(),
    lambda data: __import__("hmac").new(b"", data, hashlib.sha256).hexdigest(),
])
def test_an_edit_with_the_chain_recomputed_without_the_key_is_detected(access_log_dir, mac):
    path = _five_lines(access_log_dir)
    _rechain(path, mac)
    check = access_log.verify(path)
    assert not check.intact and check.broken_at is not None


@pytest.mark.parametrize("cut", ["last line", "last two lines", "all but one", "emptied", "deleted", "line added"])
def test_truncation_emptying_and_deletion_show_against_the_signed_head(access_log_dir, cut):
    path = _five_lines(access_log_dir)
    lines = path.read_text().splitlines(keepends=True)
    if cut == "deleted":
        path.unlink()
    elif cut == "line added":
        path.write_text("".join(lines) + lines[-1])
    else:
        keep = {"last line": 4, "last two lines": 3, "all but one": 1, "emptied": 0}[cut]
        path.write_text("".join(lines[:keep]))
    checks = access_log.verify_all(access_log_dir)
    assert len(checks) == 1 and not checks[0].intact, checks
    assert checks[0].problem


def test_a_forged_or_missing_head_is_detected(access_log_dir):
    path = _five_lines(access_log_dir)
    [head] = access_log.heads_dir().glob("*.head")
    data = json.loads(head.read_text())
    head.write_text(json.dumps({**data, "lines": 4}))
    assert "signature" in access_log.verify(path).problem
    head.unlink()
    assert "head" in access_log.verify(path).problem


def test_the_key_and_heads_live_outside_the_log_folder(access_log_dir):
    _five_lines(access_log_dir)
    key = access_log.key_path()
    assert key.exists() and access_log_dir not in key.parents and oct(key.stat().st_mode & 0o777) == "0o600"
    assert access_log_dir not in access_log.heads_dir().parents and access_log.heads_dir() != access_log_dir


@pytest.mark.parametrize("fragment", [b'{"v": 2, "at": "2026-11-', b'{', b'\x00\x00\x00', b'{"v": 2, "event": "exp'])
def test_a_line_cut_short_is_reported_and_the_next_entry_starts_afresh(access_log_dir, capsys, fragment):
    from dashboard.cli import main

    path = _five_lines(access_log_dir)
    with path.open("ab") as fh:
        fh.write(fragment)  # a crash or a full disk in the middle of a write
    check = access_log.verify(path)
    assert check.intact and check.partial == (6,)
    assert main(["access-log"]) == 0 and "cut short" in capsys.readouterr().out
    access_log.append("export", "dpo@example.se", "dpo", detail="x.csv", rows=1, folder=access_log_dir)
    last = json.loads(path.read_text().splitlines()[-1])
    assert last["event"] == "export" and "line 6 was cut short" in last["recovered"]
    check = access_log.verify(path)
    assert check.intact and check.partial == (6,) and check.lines == 7
    assert main(["access-log"]) == 0


@pytest.mark.parametrize("typed", ["REQ-000123", "REQ-000042", "no-such-request"])
def test_the_access_log_records_which_requests_timeline_was_opened(sample_store, monkeypatch, role_map,
                                                                   access_log_dir, typed):
    at = signed_in(sample_store, monkeypatch, {"email": "dpo@example.se"}, page="requests")
    at.text_input(key="req_timeline").input(typed).run()
    assert not at.exception
    views = [e for e in log_lines(access_log_dir) if e["event"] == "page_view" and e["page"] == "requests"]
    assert any(f"req={typed}" in v["detail"] for v in views), views


def test_checks_while_entries_are_written_never_see_an_alteration(access_log_dir):
    """The page checks the log while the server appends to it: a line and its head are written under one lock."""
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set() and i < 400:
            access_log.append("page_view", f"u{i}@example.se", "dpo", page="overview")
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = []
        while thread.is_alive() and len(results) < 300:
            results.extend(access_log.verify_all())
    finally:
        stop.set()
        thread.join()
    assert results and all(c.intact for c in results), [c.problem for c in results if not c.intact][:3]


def test_the_access_log_opens_on_today_in_the_dashboards_time_zone(sample_store, monkeypatch, role_map,
                                                                   access_log_dir):
    """The log's days are local days (AUDIT_TZ): its default view ends on today there, not on the machine's date,
    which can be a day behind or ahead (a sign-in at 23:30 UTC is logged on tomorrow's date in Stockholm). The zone is
    chosen so that its date differs from UTC's at the moment the test runs."""
    from datetime import datetime, timezone

    zone = "Pacific/Kiritimati" if datetime.now(timezone.utc).hour >= 10 else "Pacific/Pago_Pago"  # UTC+14, UTC-11
    monkeypatch.setenv("AUDIT_TZ", zone)
    at = signed_in(sample_store, monkeypatch, {"email": "dpo@example.se"}, view={}, page="access_log")
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Sign-ins"] == "1"
    from dashboard import config

    assert config.today() != datetime.now(timezone.utc).date()
    assert at.date_input[1].value == config.today()
