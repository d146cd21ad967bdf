"""Cookie consent: the banner's figures, trends, breakdowns, the effect of banner changes, and cookies set
before consent."""

from datetime import timedelta
import polars as pl
import streamlit as st

from dashboard import access, charts, config, consent, filters, i18n, labels, ui
from dashboard.db import run_query, run_query_uncached
from dashboard.i18n import N_, _, ngettext

PAGE_SIZE = 50

viewer = access.require("consent")
period: filters.Period = st.session_state["period"]
tz = config.settings().timezone
params = consent.params(period.start, period.end, tz)
previous = consent.params(period.previous().start, period.previous().end, tz)

ui.page_header(
    _("Cookie consent"),
    _("Analytics and functional cookies need the visitor's consent (Lag 2022:482 om elektronisk "
      "kommunikation 9 kap. 28 §); strictly necessary ones do not. Rates are shares of decisions (accept "
      "all, reject all, custom), except interaction, which is decisions per banner shown."),
    "consent.md", _("Definitions and the cookie-before-consent rule"),
)


if viewer.rows:
    ui.finding_rows("consent", lambda rule, every=False: consent.finding_rows(
        run_query, rule, params, limit=None if every else PAGE_SIZE))

now = run_query("rpt_consent_kpis", **params).row(0, named=True)
before = run_query("rpt_consent_kpis", **previous).row(0, named=True)
now["cookies_before_consent"] = consent.cookies_before_consent(run_query, params)  # the metrics' own count
before["cookies_before_consent"] = consent.cookies_before_consent(run_query, previous)
summary = run_query("rpt_cookie_summary", **params)


def pp(key):
    return ui.pp_change(now[key], before[key])


def diff(key):
    return ui.signed(now[key] - before[key])


cells = [
    ("shown", i18n.number(now["shown"]), diff("shown"), "off"),
    ("interaction_rate", i18n.percent(now["interaction_rate"]), pp("interaction_rate"), "off"),
    ("analytics_rate", i18n.percent(now["analytics_rate"]), pp("analytics_rate"), "off"),
    ("functional_rate", i18n.percent(now["functional_rate"]), pp("functional_rate"), "off"),
    ("accept_all_rate", i18n.percent(now["accept_all_rate"]), pp("accept_all_rate"), "off"),
    ("reject_all_rate", i18n.percent(now["reject_all_rate"]), pp("reject_all_rate"), "off"),
    ("withdrawals", i18n.number(now["withdrawals"]), diff("withdrawals"), "off"),
    ("cookies_before_consent", i18n.number(now["cookies_before_consent"]), diff("cookies_before_consent"), "inverse"),
]
cols = st.columns(4) + st.columns(4)
for col, (key, value, change, colour) in zip(cols, cells):
    col.metric(labels.name("consent", key), value, **ui.delta_style(change, colour), border=True,
               help=labels.definition("consent", key) + " " + _("{start} – {end}; change against {prev_start} – "
                                                                "{prev_end}.").format(
                   start=i18n.day(period.start), end=i18n.day(period.end),
                   prev_start=i18n.day(period.previous().start), prev_end=i18n.day(period.previous().end)))

if not now["shown"] and not now["decisions"]:
    st.info(_("No banner event in the period. Widen the period in the sidebar, or load consent_events "
              "(docs/data-contract.md)."))
else:
    # One chart at a time: only the open tab is drawn (its name is in the link as ?cview=...), so the page finishes
    # sooner (BENCHMARKS.browser.md); the other tabs' queries and charts run when opened.
    versions = run_query("rpt_banner_versions", tz=tz)
    tab_trend, tab_by, tab_change = st.tabs([_("Trend"), _("Breakdown"), _("Effect of a banner change")], key="cview",
                                            bind="query-params")
    grain = filters.url_value("cgrain", "week" if period.days > 60 else "day", allowed=["day", "week"])
    dimension = filters.url_value("by", "banner_version", allowed=list(consent.DIMENSIONS))
    if tab_trend.open:
        with tab_trend:
            grain = st.segmented_control(_("Trend per"), ["day", "week"], default=grain, key="consent_grain",
                                         format_func=charts.grain_word) or "week"
            trend = consent.trend_frame(run_query("rpt_consent_rates", **{**params, "group_by": grain}))
            in_range = versions.filter((pl.col("first_day") > period.start) & (pl.col("first_day") <= period.end))
            st.altair_chart(charts.consent_trend(trend, grain, in_range), width="stretch", theme=None)
    if tab_by.open:
        with tab_by:
            dimension = st.selectbox(_("Break down by"), consent.DIMENSIONS,
                                     index=consent.DIMENSIONS.index(dimension),
                                     format_func=lambda d: labels.column(d).lower())
            breakdown = run_query("rpt_consent_rates", **{**params, "group_by": dimension}).rename(
                {"group_key": "value"}).sort("shown", descending=True)
            st.altair_chart(charts.consent_breakdown(breakdown, dimension), width="stretch", theme=None)
            ui.table(breakdown, {"value": labels.column(dimension)})
            ui.exports(_("Download the breakdown"), breakdown, f"consent-by-{dimension}", rows=breakdown.height,
                       count=False)
    if tab_change.open:
        with tab_change:
            changes = versions.slice(1)
            if changes.is_empty():
                st.caption(_("Only one banner version has been shown: no change to compare."))
            else:
                names = [_("{version} (from {day})").format(version=r["banner_version"], day=i18n.day(r["first_day"]))
                         for r in changes.iter_rows(named=True)]
                chosen = st.selectbox(_("Banner change"), range(len(names)), index=len(names) - 1,
                                      format_func=lambda i: names[i])
                window = st.slider(_("Days before and after"), 7, 90, 28)
                change = changes.row(chosen, named=True)
                effect = run_query("rpt_consent_rates", **consent.params(
                    change["first_day"] - timedelta(days=window), change["first_day"] + timedelta(days=window - 1),
                    tz, group_by="side", change_day=change["first_day"])).rename({"group_key": "side"}).sort(
                    "side", descending=True)
                st.altair_chart(charts.change_effect(effect), width="stretch", theme=None)
                st.caption(ngettext("{days} day before {day} against the first {days} day of {version} (up to "
                                    "{last}).", "{days} days before {day} against the first {days} days of {version} "
                                    "(up to {last}).", window).format(days=window, day=i18n.day(change["first_day"]),
                                                version=ui.md_escape(change["banner_version"]),
                                                last=i18n.day(change["first_day"] + timedelta(days=window - 1))))
                ui.table(effect)
    filters.keep_in_url(cgrain=grain, by=dimension if dimension != "banner_version" else None)

st.subheader(_("Cookies before consent"))


def before_consent_rows() -> None:
    page = ui.page_number("cookie_page")
    findings, total = consent.before_consent_page(run_query, params, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if total == 0:
        ui.all_clear("consent", _("No analytics or functional cookie was seen without consent for its category in "
                                  "the period."))
        return
    if findings.is_empty():  # a page past the end (a link's): the way back
        st.caption(_("No more rows."))
        ui.pager(_("Page (cookies before consent)"), "cookie_page", total, PAGE_SIZE)
        return
    st.caption(ngettext("{total} observation of an analytics or functional cookie for a visitor whose latest "
                        "decision did not allow that category, or who had not decided yet.",
                        "{total} observations of an analytics or functional cookie for a visitor whose latest "
                        "decision did not allow that category, or who had not decided yet.", total).format(
        total=i18n.number(total)) + " " + _("Showing {rows} from number {first}.").format(
        rows=findings.height, first=(page - 1) * PAGE_SIZE + 1))
    ui.table(findings, {"visitor_ref": N_("Visitor (pseudonym)"), "consent_at": N_("Decided at")})
    ui.pager(_("Page (cookies before consent)"), "cookie_page", total, PAGE_SIZE)
    # Every row of the period, as the other lists export (only the page on screen was offered, while a large
    # retailer's period holds hundreds of thousands). Produced from the queries on the click.
    ui.exports(_("Download the cookies before consent"),
               lambda: consent.before_consent_page(run_query_uncached, params, None)[0], "cookies-before-consent",
               rows=total)


if viewer.rows:
    before_consent_rows()
else:
    st.metric(labels.name("consent", "cookies_before_consent"), i18n.number(now["cookies_before_consent"]),
              border=True, help=labels.definition("consent", "cookies_before_consent"))
    access.rows_hidden_note(_("The observations themselves (visitor pseudonyms)"))

st.subheader(_("Banner checks"))
checks = consent.banner_checks(run_query, params, summary)
t = consent.banner_thresholds()
st.caption(_("Practices PTS (2023) and the EDPB's cookie banner taskforce (2023) name that the consent log can "
             "reveal. Thresholds are heuristics, in dashboard/data/banner_checks.csv with their sources; see "
             "docs/consent.md."))
flagged = checks["versions"].filter(pl.col("reject_may_be_hidden") | pl.col("boxes_may_be_preticked"))
for row in flagged.iter_rows(named=True):
    version = ui.md_escape(row["banner_version"])
    if row["reject_may_be_hidden"]:
        st.warning(ngettext("Reject may be missing or hidden on the first layer: banner version {version} had {reject} "
                            "reject all and {accept} accept all of {decisions} decision (flagged under {max_reject} "
                            "reject with over {min_accept} accept).",
                            "Reject may be missing or hidden on the first layer: banner version {version} had {reject} "
                            "reject all and {accept} accept all of {decisions} decisions (flagged under {max_reject} "
                            "reject with over {min_accept} accept).", row["decisions"]).format(
            version=version, reject=i18n.percent(row["reject_all_share"]),
            accept=i18n.percent(row["accept_all_share"]), decisions=i18n.number(row["decisions"]),
            max_reject=i18n.percent(t["max_reject_share"], 0), min_accept=i18n.percent(t["min_accept_share"], 0)),
            icon=":material/visibility_off:")
    if row["boxes_may_be_preticked"]:
        st.warning(ngettext("Boxes may be pre-ticked: in banner version {version}, {share} of {custom} custom decision "
                            "granted every category (flagged over {threshold}).",
                            "Boxes may be pre-ticked: in banner version {version}, {share} of {custom} custom decisions "
                            "granted every category (flagged over {threshold}).", row["custom"]).format(
            version=version, share=i18n.percent(row["custom_all_granted_share"]),
            custom=i18n.number(row["custom"]), threshold=i18n.percent(t["min_all_granted_share"], 0)),
            icon=":material/check_box:")
w = checks["withdrawal"]
if w["withdrawal_may_be_hard"]:
    st.warning(ngettext("Withdrawal may be hard to find: no withdrawal from {start} to {end} although {decisions} "
                        "decision was made; the last withdrawal was on {last}.",
                        "Withdrawal may be hard to find: no withdrawal from {start} to {end} although {decisions} "
                        "decisions were made; the last withdrawal was on {last}.", w["decisions"]).format(
        start=i18n.day(w["window_from"]), end=i18n.day(period.end), decisions=i18n.number(w["decisions"]),
        last=i18n.day(w["last_withdrawal"]) if w["last_withdrawal"] else _("no day in the log")),
        icon=":material/undo:")
unnamed = checks["necessary_not_in_policy"]
if not unnamed.is_empty():
    st.info(ngettext("For review: {count} cookie seen that the inventory classes necessary (no consent asked) but "
                     "the policy does not call necessary: {names}. Confirm the exemption (Lag 2022:482 9 kap. 28 §) "
                     "and say so in the policy.",
                     "For review: {count} cookies seen that the inventory classes necessary (no consent asked) but "
                     "the policy does not call necessary: {names}. Confirm the exemption (Lag 2022:482 9 kap. 28 §) "
                     "and say so in the policy.", unnamed.height).format(
        count=unnamed.height, names=", ".join(ui.md_escape(n) for n in unnamed["cookie_name"].to_list())),
        icon=":material/rule:")
if flagged.is_empty() and not w["withdrawal_may_be_hard"] and unnamed.is_empty():
    ui.all_clear("consent", _("No banner check fires in the period."))
with st.expander(_("Every banner version in the period ({count})").format(count=checks["versions"].height)):
    ui.table(checks["versions"], {"banner_version": N_("Banner version"), "custom": N_("Custom decisions"),
                                  "custom_all_granted_share": N_("Custom granting everything"),
                                  "reject_may_be_hidden": N_("Reject may be hidden"),
                                  "boxes_may_be_preticked": N_("May be pre-ticked")})

st.subheader(_("Cookies seen"))
unknown = summary.filter(pl.col("category") == "unknown")
if not unknown.is_empty():
    st.warning(ngettext("{count} cookie seen that the policy does not name: {names}. Add it to the policy and the "
                        "inventory, or stop setting it.",
                        "{count} cookies seen that the policy does not name: {names}. Add them to the policy and the "
                        "inventory, or stop setting them.", unknown.height).format(
        count=unknown.height, names=", ".join(ui.md_escape(n) for n in unknown["cookie_name"].to_list())))
ui.table(summary, {"before_consent": N_("Without consent")})
st.subheader(_("Cookie inventory (what the policy names)"))
# The purpose is the inventory's own words, not a code (as a transfer's purpose is): "_ga_<container-id>" kept whole.
ui.table(pl.DataFrame(consent.inventory_in(i18n.current())).rename({"purpose": "cookie_purpose"}),
         {"match": N_("Name match"), "policy_category": N_("The policy calls it"), "cookie_purpose": N_("Purpose")})
