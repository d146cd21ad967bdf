"""Transfers: the staff transfer log with fast filters and exports, and the third-country rules."""

import polars as pl
import streamlit as st

from dashboard import access, charts, config, filters, i18n, labels, reviews, reviews_ui, ui
from dashboard.contract import DATA_CATEGORIES, MECHANISMS, PURPOSES, RECIPIENT_TYPES, TRANSFER_BASES
from dashboard.db import run_query, run_query_uncached
from dashboard.i18n import N_, _, ngettext
from dashboard.transfers import RULES, SORTABLE, TransferFilter, base_params, every_row

PAGE_SIZES = [25, 50, 100, 250]
PAGE_SIZE = 100  # the lists paged with a plain page number (disclosures)
LOG_LABELS = {"is_eea": N_("EU/EEA"), "occurred_at": N_("When")}

viewer = access.require("transfers")
period: filters.Period = st.session_state["period"]
base = base_params(period.start, period.end, config.settings().timezone)

ui.page_header(
    _("Transfers"),
    _("Every disclosure of personal data to another party. Outside the EU/EEA a transfer needs an adequacy "
      "decision in force that day, standard contractual clauses or binding corporate rules (GDPR Art. "
      "44-49); the policy also promises no sale of personal data without consent."),
    "transfers.md", _("The rules in full"),
)

countries_all = run_query("rpt_transfer_countries", **base, **TransferFilter().params())["country"].to_list()
with st.container(border=True):
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    recipient = c1.text_input(_("Recipient contains"), value=filters.url_value("recipient", "")[:200], max_chars=200)
    every = _("All")
    types = c2.multiselect(_("Recipient type"), RECIPIENT_TYPES,
                           default=filters.url_list("rtype", RECIPIENT_TYPES), placeholder=every,
                           format_func=labels.word)
    countries = c3.multiselect(_("Country"), sorted(countries_all),
                               default=filters.url_list("country", countries_all), placeholder=every)
    regions = {"": every, "eea": _("EU/EEA"), "non_eea": _("Outside EU/EEA")}
    region = c4.selectbox(_("Region"), list(regions), format_func=regions.get,
                          index=list(regions).index(filters.url_value("region", "", allowed=list(regions))))
    c5, c6, c7, c8 = st.columns(4)
    mechanisms = c5.multiselect(_("Mechanism"), MECHANISMS, default=filters.url_list("mechanism", MECHANISMS),
                                placeholder=every, format_func=labels.word)
    bases = c6.multiselect(_("Legal basis"), TRANSFER_BASES, default=filters.url_list("basis", TRANSFER_BASES),
                           placeholder=every, format_func=labels.word)
    purposes = c7.multiselect(_("Purpose"), PURPOSES, default=filters.url_list("purpose", PURPOSES),
                              placeholder=every, format_func=labels.word)
    categories = c8.multiselect(_("Data category"), DATA_CATEGORIES,
                                default=filters.url_list("category", DATA_CATEGORIES), placeholder=every,
                                format_func=labels.word)
    switches = st.container(horizontal=True, gap="large")  # each as wide as its words: a sixth of the row cut them
    only_findings = switches.toggle(_("Only findings"), value=st.query_params.get("findings") == "1")
    unsafe = switches.toggle(_("Outside EU/EEA without a valid safeguard"), value=st.query_params.get("unsafe") == "1",
                             help=_("Only the transfers the figure of that name counts (no safeguard, or one not "
                                    "valid that day)."))
    rule = filters.url_value("rule", "", allowed=["", *RULES])
    if st.query_params.get("finding") in RULES:  # from the Overview's "Show the rows": that rule's rows
        rule = st.query_params["finding"]
    decided, decided_ids = "", ()
    if rule:
        st.info(_("Showing the rows that break: **{rule}**. The transfer log below lists exactly them.").format(
            rule=_(RULES[rule].title)))
        if viewer.rows:  # each row is a finding instance: filter by its decision in the review journal
            decided = reviews_ui.decided_view("transfer_decided")
            decided_ids = tuple(d.instance for d in reviews.latest(rule=rule)) if decided != "all" else ()
        if st.button(_("Show all rows again"), icon=":material/close:"):
            rule, decided, decided_ids = "", "", ()
            filters.keep_in_url(decided=None)
            if "finding" in st.query_params:
                del st.query_params["finding"]

flt = TransferFilter(recipient, tuple(types), tuple(countries), region, tuple(mechanisms), tuple(bases),
                     tuple(purposes), tuple(categories), only_findings, rule, without_safeguard=unsafe,
                     decided=decided, decided_ids=decided_ids)
filters.keep_in_url(recipient=recipient.strip(), rtype=types, country=countries, region=region,
                    mechanism=mechanisms, basis=bases, purpose=purposes, category=categories,
                    findings=only_findings, rule=rule, unsafe=unsafe)
params = {**base, **flt.params()}

summary = run_query("rpt_transfer_summary", **params).row(0, named=True)
cols = st.columns(5)
for col, (key, column) in zip(cols, (("total", "transfers"), ("records", "records"), ("non_eea", "non_eea"),
                                     ("non_eea_without_valid_mechanism", "non_eea_without_valid_mechanism"),
                                     ("with_findings", "with_findings"))):
    extra = (" " + ngettext("{records} record.", "{records} records.", summary["non_eea_records"]).format(
        records=i18n.number(summary["non_eea_records"]))
             if key == "non_eea" else "")
    # A card each, as tall as the row's tallest (a name may take two lines, a figure may have its button).
    card = col.container(border=True, height="stretch")
    when = _("{start} – {end}, with the filters.").format(start=i18n.day(period.start), end=i18n.day(period.end))
    card.metric(labels.name("transfers", key), i18n.number(summary[column]),
                help=labels.definition("transfers", key) + extra + " " + when)
    if key == "non_eea_without_valid_mechanism" and summary[column] and not unsafe and viewer.rows:
        # the figure is a link to its rows: one click filters the log to exactly them
        # Set in the click's callback, before the rerun the click starts: one run draws the filtered log (a second
        # run after st.rerun() left a moment between the two where the page looked finished with the old figures).
        card.button(_("Show these transfers"), key="show_unsafe", icon=":material/filter_alt:",
                    on_click=lambda: st.query_params.update(unsafe="1"))

if not summary["transfers"]:
    st.info(_("No transfer matches these filters in the period. Widen the period in the sidebar or clear filters."))
else:
    # Only the open tab is drawn (its name is in the link as ?view=...): figures are the costly part of a page.
    tab_kind, tab_time, tab_map = st.tabs([_("By recipient type"), _("Outside the EU/EEA over time"), _("Map")],
                                          key="view", bind="query-params")
    if tab_kind.open:
        with tab_kind:
            breakdown = run_query("rpt_transfer_breakdown", **params)
            left, right = st.columns(2)
            left.altair_chart(charts.transfer_breakdown(breakdown, "transfers"), width="stretch", theme=None)
            right.altair_chart(charts.transfer_breakdown(breakdown, "records"), width="stretch", theme=None)
    if tab_time.open:
        with tab_time:
            grain = "week" if period.days <= 120 else "month"
            trend = run_query("rpt_transfer_trend", grain=grain, **params)
            st.altair_chart(charts.non_eea_share(trend, grain), width="stretch", theme=None)
    if tab_map.open:
        with tab_map:
            destinations = run_query("rpt_transfer_countries", **params)
            st.plotly_chart(charts.destinations_map(destinations), width="stretch", config=charts.MAP_CONFIG, theme=None)
            missing = charts.unmapped(destinations)
            if missing.height:
                st.warning(_("Not drawn on the map (no outline for it at this scale): {countries}.").format(
                    countries="; ".join(ngettext(
                        "{name} ({code}): {transfers} transfer, {findings} with findings",
                        "{name} ({code}): {transfers} transfers, {findings} with findings", r["transfers"]).format(
                        name=ui.md_escape(r["name"]), code=ui.md_escape(r["country"]),
                        transfers=i18n.number(r["transfers"]), findings=i18n.number(r["with_findings"]))
                        for r in missing.iter_rows(named=True))),
                    icon=":material/public_off:")

st.subheader(_("Findings"))
findings = run_query("rpt_transfer_findings", **params)
if findings.is_empty():
    ui.all_clear("transfers", _("No transfer in the selection breaks a rule."))
else:
    for row in findings.iter_rows(named=True):
        r = RULES[row["rule_id"]]
        with st.container(border=True):
            a, b = st.columns([4, 1])
            a.markdown(_("**{rule}** · severity {severity}").format(rule=_(r.title), severity=labels.word(r.severity))
                       + f"  \n{_(r.explanation)}  \n"
                       + ngettext("{transfers} transfer", "{transfers} transfers", row["transfers"]).format(
                           transfers=i18n.number(row["transfers"])) + ", "
                       + ngettext("{records} record", "{records} records", row["records"]).format(
                           records=i18n.number(row["records"])) + ", "
                       + _("{first} – {last}; recipients: {who}").format(
                           first=i18n.day(row["first_day"]), last=i18n.day(row["last_day"]),
                           who=ui.md_escape(row["recipients"])))
            if viewer.rows:
                b.button(_("Show the rows"), key=f"rule_{r.rule_id}",
                         on_click=lambda rule=r.rule_id: st.query_params.update(rule=rule))

if not viewer.rows:
    access.rows_hidden_note(_("The transfer log, its exports and the disclosures to authorities"))
    st.stop()

st.subheader(_("Transfer log"))
s1, s2, s3, s4 = st.columns([2, 1, 1, 1])
sort_by = s1.selectbox(_("Sort by"), SORTABLE,
                       index=SORTABLE.index(filters.url_value("sort", "occurred_at", SORTABLE)),
                       format_func=lambda c: labels.column(c, LOG_LABELS))
descending = s2.toggle(_("Descending"), value=st.query_params.get("asc") != "1")
page_size = int(filters.url_value("size", "50", [str(n) for n in PAGE_SIZES]))
page_size = s3.selectbox(_("Rows per page"), PAGE_SIZES, index=PAGE_SIZES.index(page_size))
pages = max(1, -(-summary["transfers"] // page_size))
page = s4.number_input(_("Page (of {pages})").format(pages=i18n.number(pages)), min_value=1, max_value=pages, step=1,
                       value=min(filters.url_page("page"), pages))
filters.keep_in_url(sort=sort_by if sort_by != "occurred_at" else None, asc=not descending,
                    size=page_size if page_size != 50 else None, page=page if page != 1 else None)
log = run_query("rpt_transfer_log", sort_by=sort_by, descending=descending, limit=page_size,
                offset=(page - 1) * page_size, **params)
# What is wrong with a transfer beside when it happened: as the query's last column it was past a screen's right edge.
log = log.select("transfer_id", "occurred_at", "findings", pl.exclude("transfer_id", "occurred_at", "findings"))
first = (page - 1) * page_size + 1 if summary["transfers"] else 0
st.caption(_("Rows {first}–{last} of {total}").format(first=i18n.number(first),
                                                     last=i18n.number(first + log.height - 1 if log.height else 0),
                                                     total=i18n.number(summary["transfers"])))
if rule and log.height:
    # One rule's rows: each is a finding instance of that rule, with the decision in force on it (docs/reviews.md).
    reviews_ui.recorded_note()
    log = reviews_ui.with_decisions(log, "transfer_id", rule, after="transfer_id")
    if reviews_ui.may_decide(viewer, "transfers"):
        st.caption(_("Select rows to record a decision on this finding."))
    with st.container(key="transfer_rows"):
        event = ui.table(log.drop("_rule"), {**LOG_LABELS, **reviews_ui.LABELS},
                         on_select="rerun", selection_mode="multi-row", key="transfer_table")
    chosen = [i for i in (event.selection.rows if event else []) if i < log.height]
    reviews_ui.decision_button(viewer, "transfers", "transfers", [(rule, log["transfer_id"][i]) for i in chosen])
    log = log.drop("_rule")
else:
    ui.table(log, LOG_LABELS)

# The files follow the page's sort: the same query, every row (transfers.every_row), sorted on the server.
ui.exports(_("Export the transfer log"),
           lambda: run_query_uncached("rpt_transfer_log", **every_row(sort_by, descending), **params),
           "transfers", rows=summary["transfers"], disabled=not summary["transfers"])

st.subheader(_("Disclosures to authorities"))
a_page = ui.page_number("authority_page")
authorities = run_query("rpt_authority_disclosures", date_from=period.start, date_to=period.end, limit=PAGE_SIZE,
                        offset=(a_page - 1) * PAGE_SIZE)
if authorities.is_empty():
    st.caption(_("No disclosure to an authority in the period.") if a_page == 1 else _("No more rows."))
    ui.pager(_("Page (disclosures)"), "authority_page", 0, PAGE_SIZE)
else:
    total = int(authorities["total_rows"][0])
    st.caption(_("Personal data handed to authorities (police, tax agency, financial intelligence unit) under a "
                 "legal obligation, with the authority's case reference."))
    ui.page_caption(total, a_page, PAGE_SIZE, authorities.height)
    ui.table(authorities.drop("total_rows"), {"occurred_at": N_("When")})
    ui.pager(_("Page (disclosures)"), "authority_page", total, PAGE_SIZE)
    ui.exports(_("Download disclosures to authorities"),
               lambda: run_query_uncached("rpt_authority_disclosures", date_from=period.start, date_to=period.end,
                                          limit=None, offset=0).drop("total_rows"),
               "authority-disclosures", rows=total, count=False)
