"""Swedish and English (issue #17, docs/i18n.md): the catalogue is complete and current, numbers and dates follow
the language, the report reads in either language with no word of the other, and the interfaces stay English."""

from __future__ import annotations

import html
import json
import os
import re
import string
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from dashboard import i18n, labels

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "dashboard" / "locale" / "sv" / "LC_MESSAGES" / "messages.po"


def _catalogue(path: Path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The messages the code marks today (pybabel extract, as `make i18n-extract` runs it)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "--no-location", "-F", "babel.cfg",
                    "-o", str(pot), "dashboard"], cwd=ROOT, check=True, capture_output=True)
    return {m.id for m in _catalogue(pot) if m.id}


def test_every_message_of_the_code_is_in_the_swedish_catalogue_and_translated(extracted):
    catalogue = _catalogue(PO)
    entries = {m.id: m for m in catalogue if m.id}
    assert len(extracted) > 250
    missing = sorted(extracted - set(entries))
    assert not missing, f"not in the catalogue (run make i18n-update): {missing[:10]}"
    untranslated = sorted(str(i) for i, m in entries.items() if not all(m.string if m.pluralizable else [m.string])
                          or m.fuzzy)
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"
    assert not sorted(set(entries) - extracted), "entries the code no longer uses (run make i18n-update)"


# A count followed by a noun in the plural: "{rows} rows", "{days} days".
COUNTED = re.compile(r"\{(\w+)\} (?:[a-z-]+ )?(records|rows|requests|transfers|holds|days|entries|cookies|"
                     r"observations|decisions|files|findings|visitors|versions|runs|events|values)\b")
# Messages with several counts, each of which may be 1: a single ngettext cannot agree with them all (one is
# chosen to agree: the CLI's summary of a file's rows). Listed so a new one is a decision, not an accident.
SEVERAL_COUNTS = {
    "{file} -> {log} (run {run}): {read} rows read, {stored} stored, {rejected} rejected, {duplicate} already in "
    "the store",
    "Unloaded run {run} ({file} -> {log}): {rows} rows and {rejected} rejected rows removed; the run stays in "
    "ingest_runs, marked unloaded.",
}


def test_a_count_in_a_message_agrees_with_its_noun(extracted):
    """'1 records', '(1 days)' and '1 rows exported' were on screen: a message that counts one thing is an ngettext,
    whose singular and plural each language chooses (Swedish too: '1 uppgift', '2 uppgifter')."""
    single = sorted(m for m in extracted if isinstance(m, str) and m not in SEVERAL_COUNTS
                    and COUNTED.search(m))
    assert not single, single


def test_a_translation_keeps_every_placeholder_of_its_message():
    """A Swedish text that lost or renamed a {placeholder} would fail at .format() or drop a figure."""
    fields = string.Formatter()
    def names(text: str) -> list[str]:
        return sorted(f for _, f, _, _ in fields.parse(text) if f is not None)

    for m in _catalogue(PO):
        if m.id:  # a plural message is (singular, plural) with a translation of each
            for message, translated in zip(*((m.id, m.string) if m.pluralizable else ((m.id,), (m.string,)))):
                assert names(message) == names(translated), m.id


def test_numbers_percentages_and_dates_follow_the_language():
    with i18n.use("sv"):
        assert (i18n.number(10458), i18n.percent(0.737), i18n.day(date(2026, 11, 24))) == (
            "10\u00a0458", "73,7\u00a0%", "24 nov. 2026")
        assert i18n.number(3.25, 1) == "3,2" and i18n.percent(None) == "–"
    with i18n.use("en"):  # the English the pages have always shown: space-grouped, ISO dates
        assert (i18n.number(10458), i18n.percent(0.737), i18n.day(date(2026, 11, 24))) == (
            "10 458", "73.7%", "2026-11-24")


@given(st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["SV", " sv ", "en-GB", "de", "sv;q=1",
                                                                   "<script>", "../sv", "ssv", "e\x00n"])))
def test_any_language_from_outside_is_one_of_the_two(raw):
    assert i18n.pick(raw) in i18n.LANGUAGES


def test_the_language_of_one_run_does_not_leak_into_another():
    outer = i18n.current()
    with i18n.use("sv"):
        assert labels.word("access") == "registerutdrag"
        with i18n.use("en"):
            assert labels.word("access") == "access"
        assert labels.word("erasure") == "radering"
    assert i18n.current() == outer


def test_each_request_state_has_a_word_of_its_own_in_each_language():
    """The states a request can be in (stg_request_states' sla_status) read as distinct words in both languages: in
    Swedish "late" (closed after the deadline) and "overdue" (still open past it) were both "försenad", and "pending"
    stayed English."""
    text = (ROOT / "queries" / "stg_request_states.sql").read_text(encoding="utf-8")
    block = text[text.index("when s.state = 'withdrawn' then"):text.index("end as sla_status")]
    codes = {a or b for a, b in re.findall(r"then '([a-z_]+)'|else '([a-z_]+)'", block)}
    assert {"on_time", "late", "overdue", "at_risk", "pending", "awaiting_identity"} <= codes
    for language in ("en", "sv"):
        with i18n.use(language):
            words = {code: labels.word(code) for code in codes}
        assert len(set(words.values())) == len(codes), (language, words)
        if language == "sv":
            assert not [c for c, w in words.items() if w == c.replace("_", " ")], words


def test_the_glossary_lists_every_code_in_both_languages():
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == labels.glossary_markdown(), (
        "docs/glossary.md is not current: run make i18n-update")
    text = labels.glossary_markdown()
    for code, en, sv in [("access", "access", "registerutdrag"), ("processor", "processor", "personuppgiftsbiträde"),
                         ("scc", "standard contractual clauses", "standardavtalsklausuler"),
                         ("consent", "consent", "samtycke"), ("portability", "portability", "dataportabilitet")]:
        assert f"| `{code}` | {en} | {sv} |" in text


def visible_text(document: str) -> str:
    """What a reader sees of the report: no script, style, attribute or tag."""
    document = re.sub(r"<(script|style)\b.*?</\1>", " ", document, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", document))


# Words that are English only (never Swedish) and Swedish only: the report in one language holds none of the other's.
ENGLISH = {"the", "and", "of", "requests", "request", "overdue", "without", "transfers", "holds", "received",
           "deadline", "findings", "decision", "rule", "month", "figure", "consent", "cookies", "before", "whose",
           "area", "why", "closed", "open", "records", "legal", "report", "which", "count", "percent", "days"}
SWEDISH = {"och", "begäranden", "registerutdrag", "radering", "samtycke", "överföringar", "tredjeland", "spärrar",
           "avvikelser", "försenade", "nyckeltal", "månaden", "lägesdagen", "utan", "beslut", "kakor", "antal"}
# Names that stay as they are in both (laws, schemes, ids, the config's names, file paths).
NAMES = re.compile(r"AUDIT_[A-Z_]+|docs/\S+|Europe/Stockholm|Privacy Shield|Safe Harbour|EDPB|GDPR|CJEU|"
                   r"[A-Z]{2,}-\d+|v\d[\w-]*|S?SESS\w+|_\w+|C-\d+/\d+")


def words_of(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", NAMES.sub(" ", text))}


@pytest.fixture(scope="module")
def reports(sample_store) -> dict[str, str]:
    from dashboard import report, sql, store

    out = {}
    with store.read_only(sample_store) as con:
        for lang in ("sv", "en"):
            with i18n.use(lang):
                out[lang] = report.build(lambda name, **p: sql.run(con, name, **p), "2026-10", date(2026, 10, 31))
    return out


def test_the_swedish_report_has_no_english_word_and_the_english_none_of_swedish(reports):
    sv, en = words_of(visible_text(reports["sv"])), words_of(visible_text(reports["en"]))
    assert not sv & ENGLISH, sorted(sv & ENGLISH)
    assert not en & SWEDISH, sorted(en & SWEDISH)
    assert "<html lang='sv'>" in reports["sv"] and "<html lang='en'>" in reports["en"]
    Path(ROOT / "test-artifacts").mkdir(exist_ok=True)
    for lang, text in reports.items():
        (ROOT / "test-artifacts" / f"report-2026-10-{lang}.html").write_text(text, encoding="utf-8")


def test_the_swedish_report_says_the_same_figures_in_swedish(reports):
    sv = visible_text(reports["sv"])
    assert "Dataskyddsrapport: 2026-10" in sv and "1 okt. 2026 – 31 okt. 2026, läget 31 okt. 2026" in sv
    assert "Begäranden från registrerade" in sv and "strikt läsning" in sv
    # the same figure in both: the received count, one as a Swedish and one as an English number
    figure = r"<td[^>]*>{}</td><td class='num'>([^<]*)</td>"
    received_sv = re.search(figure.format("Mottagna"), reports["sv"]).group(1)
    received_en = re.search(figure.format("Received"), reports["en"]).group(1)
    assert received_sv.replace("\u00a0", " ") == received_en
    rate_sv = re.search(figure.format("Andel i tid"), reports["sv"]).group(1)
    rate_en = re.search(figure.format("On-time rate"), reports["en"]).group(1)
    assert rate_sv.replace("\u00a0", "").replace(",", ".") == rate_en, (rate_sv, rate_en)
    # the charts speak Swedish too: titles, and the decimal comma
    assert "Samtyckesandelar per dag" in reports["sv"] and '"separators":", "' in reports["sv"].replace(" ", " ")


def test_the_command_line_writes_the_report_in_the_language_asked_and_metrics_json_stays_english(
        sample_store, tmp_path):
    env = {**os.environ, "AUDIT_LANG": "sv"}
    out = tmp_path / "r.html"
    done = subprocess.run([sys.executable, "-m", "dashboard", "report", "--month", "2026-10", "--db",
                           str(sample_store), "--out", str(out)], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("skrev ") and "Dataskyddsrapport" in out.read_text(encoding="utf-8")
    english = subprocess.run([sys.executable, "-m", "dashboard", "report", "--month", "2026-10", "--lang", "en",
                              "--db", str(sample_store), "--out", str(out)], capture_output=True, text=True,
                             cwd=ROOT, env=env, timeout=120)
    assert english.stdout.startswith("wrote ") and "Privacy audit report" in out.read_text(encoding="utf-8")
    metrics = subprocess.run([sys.executable, "-m", "dashboard", "metrics", "--from", "2026-10-01", "--to",
                              "2026-10-31", "--as-of", "2026-10-31", "--db", str(sample_store), "--json"],
                             capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    result = json.loads(metrics.stdout)
    assert result["status"]["requests"]["label"] in ("off track", "needs attention", "on track")
    assert not words_of(metrics.stdout) & SWEDISH, "metrics --json is an interface: English under AUDIT_LANG=sv"


def test_the_alerts_and_the_metrics_speak_the_language_of_audit_lang(sample_store):
    def run(*args, lang):
        done = subprocess.run([sys.executable, "-m", "dashboard", *args, "--db", str(sample_store)],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "AUDIT_LANG": lang},
                              timeout=120)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    alerts = {lang: run("alerts", "--as-of", "2026-10-31", lang=lang) for lang in ("sv", "en")}
    assert alerts["sv"].startswith("31 okt. 2026: ") and "försenade" in alerts["sv"] and "sista dag" in alerts["sv"]
    assert alerts["en"].startswith("As of 2026-10-31: ") and "overdue" in alerts["en"]
    ids = [set(re.findall(r"REQ-\d{6}", text)) for text in alerts.values()]
    assert ids[0] == ids[1] and ids[0], "the same requests in both languages"
    assert not words_of(alerts["sv"]) & ENGLISH, sorted(words_of(alerts["sv"]) & ENGLISH)
    figures = run("metrics", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-10-31", lang="sv")
    assert "Begäranden från registrerade:" in figures and "  Andel i tid: " in figures
    assert not words_of(figures) & ENGLISH, sorted(words_of(figures) & ENGLISH)


@pytest.mark.parametrize("link, locale, expected", [({"lang": "sv"}, "en-US", "sv"), ({}, "sv-SE", "sv"),
                                                     ({}, "en-GB", "en"), ({"lang": "<b>"}, "sv-SE", "sv")])
def test_the_overviews_report_language_follows_the_link_then_the_browser(sample_store, monkeypatch, link, locale,
                                                                         expected):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    monkeypatch.setattr("streamlit.context", type("C", (), {"locale": locale, "headers": {}, "cookies": {}})(),
                        raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"from": "2026-10-01", "to": "2026-10-31", "as_of": "2026-10-31", **link})
    at.run()
    assert not at.exception, at.exception
    assert at.segmented_control(key="report_lang").value == expected


# The calls that put text on a page, and the keyword arguments that are text a person reads.
SHOWN = {"title", "header", "subheader", "caption", "markdown", "write", "info", "success", "warning", "error",
         "toast", "button", "metric", "selectbox", "multiselect", "text_input", "text_area", "number_input",
         "date_input", "toggle", "segmented_control", "expander", "tabs", "page_link", "download_button", "slider",
         "badge", "dialog", "form_submit_button", "checkbox", "radio", "spinner", "page_header", "exports",
         "download", "rows_hidden_note", "print", "write"}
SHOWN_KEYWORDS = {"label", "help", "placeholder", "title"}
APP_FILES = ["app.py", "ui.py", "reviews_ui.py", "filters.py", "access.py", "cli.py", "report.py",
             *(f"app_pages/{p.name}" for p in sorted((ROOT / "dashboard" / "app_pages").glob("*.py")))]
# The language choice reads in both, for whoever cannot read the page; the command line says in English that the
# Swedish catalogue is missing (it cannot say it in Swedish).
BOTH_LANGUAGES = {"Språk · Language", "Cannot speak that language:  ."}


def _literal_words(node) -> str:
    """The text a string literal (or the fixed parts of an f-string) puts on screen."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, (ast.List, ast.Tuple)):
        return " ".join(_literal_words(e) for e in node.elts)
    return ""


def _is_words(text: str) -> bool:
    """Words a person reads ("Open the page", "Sign-ins"), not a name the code uses (a file, a key, a mime type)."""
    return text not in BOTH_LANGUAGES and bool(re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}|^[A-Z][a-z]+(-[a-z]+)*$", text.strip()))


def bare_texts(source: str) -> list[str]:
    """The words a call that draws text is given as a literal: its label (the first argument; every argument of
    ui.page_header, whose title, rules and link text are all shown) and its help, placeholder or title."""
    import ast

    bare = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if func not in SHOWN:
            continue
        texts = (node.args if func == "page_header" else node.args[:1]) + [
            k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        bare += [f"line {t.lineno}: {_literal_words(t)[:60]!r}" for t in texts if _is_words(_literal_words(t))]
    return bare


@pytest.mark.parametrize("source, found", [
    ('st.caption("No rule is broken in the period.")', 1), ('col.metric("Sign-ins", 3)', 1), ('col.metric(_("Sign-ins"), 3)', 0),
    ('st.button("Record", type="primary")', 1), ('st.info(f"No request between {a} and {b}.")', 1),
    ('x.selectbox(_("Log"), LOGS, help="Which log")', 1), ('st.tabs(["Trend", "Map"])', 1),
    ('ui.page_header(_("T"), _("R"), "sla.md", "The rules in full")', 1),
    ('st.caption(_("No rule is broken."))', 0), ('st.markdown(f"**{title}** · {count}")', 0),
    ('ui.exports(_("Download"), frame, "request-queue", rows=3)', 0),
])
def test_the_untranslated_text_check_finds_bare_words(source, found):
    assert len(bare_texts(source)) == found, bare_texts(source)


@pytest.mark.parametrize("name", APP_FILES)
def test_no_page_puts_untranslated_text_on_screen(name):
    """Every text a page or the command line shows goes through the catalogue: a call that draws or prints text
    (st.title, a label, a help, a placeholder, the pages' own helpers, print) never takes a bare string literal or
    f-string of words. The message itself is then checked to be in the catalogue and translated (above)."""
    bare = bare_texts((ROOT / "dashboard" / name).read_text(encoding="utf-8"))
    assert not bare, bare


def test_the_command_lines_human_output_is_swedish_by_default(tmp_path):
    """Without AUDIT_LANG the command line speaks Swedish (the issue's default): ingest's summary, its rejected row
    (file, row and column named) and a refused file; with AUDIT_LANG=en the same in English."""
    good = tmp_path / "dsr_events.csv"
    good.write_text("event_id,request_id,subject_ref,request_type,event,occurred_at,channel\n"
                    "e1,REQ-1,s-1,access,received,2026-10-01T09:00:00+02:00,web\n"
                    "e2,REQ-2,s-2,access,received,not a time,web\n", encoding="utf-8")
    refused = tmp_path / "transfers.csv"
    refused.write_text("nothing,we,know\n1,2,3\n", encoding="utf-8")

    def run(lang: str | None):
        env = {k: v for k, v in os.environ.items() if k != "AUDIT_LANG"}
        env.update({"AUDIT_LANG": lang} if lang else {})
        return subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(good), str(refused), "--db",
                               str(tmp_path / f"{lang}.duckdb")], capture_output=True, text=True, cwd=ROOT, env=env,
                              timeout=120)

    swedish, english = run(None), run("en")
    assert "1 rader lästa" not in swedish.stdout and "2 rader lästa, 1 lagrade, 1 avvisade" in swedish.stdout
    assert ": rad 2, kolumn occurred_at: " in swedish.stderr and "AVVISAD " in swedish.stderr
    assert "Inget från filen lagrades." in swedish.stderr
    assert "2 rows read, 1 stored, 1 rejected" in english.stdout and "REFUSED " in english.stderr
    assert ": row 2, column occurred_at: " in english.stderr


def test_the_default_language_is_swedish_unless_audit_lang_says_otherwise(monkeypatch):
    monkeypatch.delenv("AUDIT_LANG", raising=False)
    assert i18n.default() == "sv"
    for value, expected in (("en", "en"), ("EN_gb", "en"), ("sv", "sv"), ("de", "sv"), ("<b>", "sv"), ("", "sv")):
        monkeypatch.setenv("AUDIT_LANG", value)
        assert i18n.default() == expected, value


@pytest.mark.parametrize("page", ["app_pages/requests.py", "app_pages/consent.py"])
def test_the_pages_run_in_swedish_with_a_request_and_a_finding_open(sample_store, monkeypatch, page):
    """The pages with the most text they can show, in Swedish from AUDIT_LANG alone (no link, no browser language):
    a request's detail and a finding's rows, the consent breakdown. A translation that lost or renamed a
    placeholder fails here as an exception. (Every page in Swedish is rendered in the browser:
    tests/test_e2e_browser.py.)"""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    monkeypatch.setenv("AUDIT_LANG", "sv")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.query_params.update({"from": "2026-10-01", "to": "2026-10-31", "as_of": "2026-11-24", "req": "REQ-000123",
                            "finding": "request_overdue" if "requests" in page else "cookie_before_consent",
                            "cview": "Breakdown"})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.session_state["ui_lang"] == "sv"
    shown = " ".join(e.value for kind in ("title", "caption", "subheader", "info", "success", "warning")
                     for e in getattr(at, kind) if isinstance(e.value, str))
    shown = re.sub(r"\S*/\S*", " ", shown)  # paths (the access log's folder) are names, not words
    assert not words_of(shown) & ENGLISH, (page, sorted(words_of(shown) & ENGLISH))


@pytest.mark.parametrize("store", ["none", "empty file", "older version"])
def test_a_page_says_in_swedish_that_the_store_is_missing_or_older(tmp_path, monkeypatch, store):
    """The pages' note on a missing or older store was English on a Swedish page (it came from the store module,
    outside the catalogue), and so was the command line's refusal inside its Swedish frame."""
    import duckdb
    from streamlit.testing.v1 import AppTest

    from tests.helpers import run_cli

    db = tmp_path / "audit.duckdb"
    if store == "empty file":
        db.write_bytes(b"")
    elif store == "older version":
        assert run_cli("ingest", str(ROOT / "sample_data" / "transfers.csv.gz"), "--db", str(db), "--quiet"
                       ).returncode == 0
        with duckdb.connect(str(db)) as con:
            con.execute("drop table log_days")
    monkeypatch.setenv("AUDIT_DB", str(db))
    monkeypatch.setenv("AUDIT_LANG", "sv")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    [note] = [w.value for w in at.warning]
    expected = "äldre version och saknar log_days" if store == "older version" else "Det finns inget granskningslager"
    assert expected in note and f"--db {db}" in note
    assert not words_of(re.sub(r"\S*/\S*|`[^`]*`", " ", note)) & ENGLISH, note
    done = run_cli("alerts", "--db", str(db), env={"AUDIT_LANG": "sv"})
    assert done.returncode == 2
    if store != "empty file":
        said = "äldre version" if store == "older version" else "Inget granskningslager i"
        assert said in done.stderr and "older version" not in done.stderr and "No audit store" not in done.stderr


def test_the_tables_show_codes_as_words_of_the_language(sample_store, monkeypatch):
    """In Swedish every code in a page's tables reads as a Swedish word: a transfer's data categories were the codes
    ("contact;goods_services"), the access log's pages their keys ("data_quality"), a request "pending". The grids
    draw on a canvas, so the browser's text sweep cannot see them: the tables' own cells are read here. The cookie
    inventory's purposes and lifetimes were English ("distinguishes users", "2 years"). Every table's headers are
    read too."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    monkeypatch.setenv("AUDIT_LANG", "sv")
    english = {w for c, w in labels.WORDS.items() if _swedish(c) != w} | {"data_quality", "access_log"}
    swedish = {m.string for m in _catalogue(PO) if isinstance(m.string, str) and m.string}
    seen = {}
    # Every page with a table; then Requests with a finding's rows and a request's timeline open, and the transfer
    # log's rows with findings (their rules were codes: "derogation_review"); then Requests' other two lists.
    for extra, pages in (({}, ("requests", "holds", "transfers", "consent", "data_quality", "access_log")),
                         ({"finding": "request_overdue", "req": "REQ-002206", "findings": "1"},
                          ("requests", "transfers")),
                         ({"list": "late"}, ("requests",)), ({"list": "doubtful"}, ("requests",))):
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
        at.query_params.update({"from": "2025-11-25", "to": "2026-11-24", "as_of": "2026-11-24", **extra})
        for page in pages:  # the first page opened as a link opens it, the others by the sidebar
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, (page, at.exception)
            for table in at.dataframe:
                _check_swedish_table(table, page, swedish, english, seen)
    assert {("transfers", "data_categories"), ("access_log", "page"), ("access_log", "role"), ("consent", "match"),
            ("consent", "cookie_purpose")} <= seen.keys(), sorted(seen)
    assert seen[("access_log", "role")] == {"dataskyddsombud"}  # (was "dpo")
    assert ("requests", "event") in seen  # the request's timeline
    assert "Personuppgifter sålda utan samtycke" in "; ".join(seen[("transfers", "findings")])
    assert {"pågående", "avslutad för sent", "i tid"} <= seen[("requests", "sla_status")]  # queue, late, doubtful


def _check_swedish_table(table, page: str, swedish: set, english: set, seen: dict) -> None:
    from dashboard import consent

    # Every header is the catalogue's Swedish ("Days overdue" stayed English on Legal holds once its message left
    # the catalogue with the requests' column of the same name).
    headers = {v.get("label") for v in json.loads(table.proto.columns).values()} - {None}
    assert headers <= swedish, (page, sorted(headers - swedish))
    frame = getattr(table.value, "data", table.value)  # (a coloured table is a pandas Styler)
    for name in frame.columns:
        if name in labels.CODE_COLUMNS | labels.CODE_LIST_COLUMNS | {"page", "findings"}:
            cells = {str(v) for v in frame[name].dropna()}
            seen.setdefault((page, name), set()).update(cells)
            wrong = {c for c in cells if "_" in c or c in english or set(c.split(", ")) & english}
            assert not wrong, (page, name, sorted(wrong))
    if "cookie_purpose" in frame.columns:  # the inventory's own words, in Swedish from its file
        inventory = consent.inventory()
        assert list(frame["cookie_purpose"]) == [c["purpose_sv"] for c in inventory]
        assert list(frame["lifetime"]) == [c["lifetime_sv"] for c in inventory]
        seen[(page, "cookie_purpose")] = set(frame["cookie_purpose"])


def _swedish(code: str) -> str:
    with i18n.use("sv"):
        return labels.word(code)
