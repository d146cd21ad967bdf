"""Sign-in and roles in the running app: who the viewer is, what they may open, and the access log entries.

With an [auth] section in .streamlit/secrets.toml the app signs users in with OpenID Connect (st.login) and gives
each the one role the role map assigns (dashboard/roles.py); a user the map does not name sees a "no access" page
and nothing else. Without [auth] the app runs in local mode: it serves only on the loopback address, says so in a
banner, and the user acts as dpo. docs/security.md has the threat model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from dashboard import access_log, labels, roles, ui
from dashboard.i18n import N_, _

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Every page: its key (the file in app_pages/, the key roles.PAGES uses), title and icon, in menu order.
PAGES = {
    "overview": (N_("Overview"), ":material/dashboard:"),
    "requests": (N_("Requests"), ":material/assignment_ind:"),
    "holds": (N_("Legal holds"), ":material/lock:"),
    "transfers": (N_("Transfers"), ":material/public:"),
    "consent": (N_("Cookie consent"), ":material/cookie:"),
    "data_quality": (N_("Data quality"), ":material/fact_check:"),
    "access_log": (N_("Access log"), ":material/history:"),
}
LOCAL_USER = "local"


@dataclass(frozen=True)
class Viewer:
    email: str  # the verified e-mail address, else "subject <sub>" (roles.Identity.label)
    role: str
    local: bool = False
    issuer: str = ""
    subject: str = ""

    @property
    def identity(self) -> dict:
        """The provider's issuer and subject, for the access log."""
        return {"issuer": self.issuer, "subject": self.subject}

    @property
    def pages(self) -> tuple[str, ...]:
        return roles.PAGES[self.role]

    @property
    def row_logs(self) -> list[str]:
        """The logs whose rows (rejected rows, orphan events) this viewer may see."""
        return roles.logs_with_rows(self.role)

    @property
    def rows(self) -> bool:
        """May see request ids, pseudonyms and row-level tables."""
        return self.role in roles.ROW_LEVEL


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


@st.cache_data(show_spinner=False, ttl=60)
def _role_map(path: str, mtime: float) -> roles.RoleMap:
    """Read again when the file changes (mtime is part of the key)."""
    return roles.load(Path(path))


def _load_role_map() -> roles.RoleMap:
    path = roles.role_map_path()
    return _role_map(str(path), path.stat().st_mtime if path.exists() else 0.0)


def _sign_in_page() -> None:
    st.title(_("Privacy Audit Dashboard"))
    st.write(_("Sign in with your company account to see the audit. What you may see depends on your role "
               "(management, DPO or staff)."))
    if st.query_params:  # a shared link: its view does not survive the sign-in (its values are not shown here)
        st.info(_("This link opens a particular view. Signing in starts a new session on the overview, without "
                  "it: once you are signed in, open the link again."), icon=":material/link:")
    st.button(_("Sign in"), type="primary", icon=":material/login:", on_click=st.login)


def _no_access_page(who: str, why: str) -> None:
    st.title(_("No access"))
    # Claims are whatever the token says: shown as text, never as Markdown.
    st.write(_("You are signed in as **{who}**, but you have not been given a role in the Privacy Audit Dashboard, "
               "so there is nothing here for you to see.").format(who=ui.md_escape(who)))
    st.write(_("If you need access, ask the data protection officer to add you to the role map."))
    st.caption(_("Reason: {why}.").format(why=ui.md_escape(why)))
    st.button(_("Sign out"), icon=":material/logout:", on_click=st.logout)


def current() -> Viewer:
    """The viewer of this run; shows the sign-in, no-access or wrong-address page and stops when there is none."""
    if not auth_configured():
        address = st.get_option("server.address") or ""
        if address not in LOOPBACK:
            st.error(_("No sign-in is configured, so the dashboard only serves on this computer (127.0.0.1), but "
                       "the server listens on {address}. Start it with `--server.address 127.0.0.1` (as `make run` "
                       "does), or configure sign-in: docs/security.md.").format(
                address=address or _("every network interface")))
            st.stop()
        return Viewer(LOCAL_USER, "dpo", local=True)
    if not st.user.is_logged_in:
        _sign_in_page()
        st.stop()
    claims = st.user.to_dict()
    who = roles.identity(claims)
    try:
        decision = roles.decide(claims, _load_role_map())
    except roles.RoleMapError as exc:
        st.error(_("The role map cannot be read, so nobody can be let in: {problem}").format(
            problem=ui.md_escape(str(exc))))
        st.stop()
    if decision.role is None:
        if st.session_state.get("access_denied_logged") != who.key:
            access_log.append("denied", who.label, None, detail=decision.why, issuer=who.issuer,
                              subject=who.subject)
            st.session_state["access_denied_logged"] = who.key
        _no_access_page(who.label, decision.why)
        st.stop()
    viewer = Viewer(who.label, decision.role, issuer=who.issuer, subject=who.subject)
    if st.session_state.get("access_signed_in") != viewer:
        st.session_state["access_signed_in"] = viewer
        if _first_session_of_sign_in(who.key, claims.get("auth_time") or claims.get("iat")):
            access_log.append("sign_in", viewer.email, viewer.role, detail=decision.why, issuer=who.issuer,
                              subject=who.subject)
    return viewer


_sign_ins: set[tuple[str, object]] = set()
_sign_ins_lock = threading.Lock()


def _first_session_of_sign_in(email: str, issued) -> bool:
    """A sign-in is logged once, not again for every tab or reload that reuses its cookie (same token time)."""
    with _sign_ins_lock:
        if len(_sign_ins) > 10_000:
            _sign_ins.clear()
        key = (email, issued)
        if issued is not None and key in _sign_ins:
            return False
        _sign_ins.add(key)
        return True


def sidebar(viewer: Viewer) -> None:
    with st.sidebar:
        if viewer.local:
            st.info(_("Local mode: no sign-in is configured, the dashboard serves only on this computer "
                      "(127.0.0.1) and you act as DPO. docs/security.md says how to turn on sign-in."),
                    icon=":material/computer:")
        else:
            st.caption(_("Signed in as {email} ({role})").format(email=ui.md_escape(viewer.email),
                                                                 role=labels.word(viewer.role)))
            if st.button(_("Sign out"), icon=":material/logout:"):
                access_log.append("sign_out", viewer.email, viewer.role, **viewer.identity)
                st.session_state.pop("access_signed_in", None)
                st.logout()


def require(page: str) -> Viewer:
    """A page's own check of the viewer's role (a page opened by its URL is checked again here)."""
    viewer = st.session_state.get("viewer")
    if viewer is None or page not in viewer.pages:
        _refuse(viewer, page)
        st.stop()
    return viewer


def _refuse(viewer: Viewer | None, page: str) -> None:
    who = viewer.email if viewer else "unknown"
    access_log.append("denied", who, viewer.role if viewer else None, page=page,
                      detail="page not allowed for the role", **(viewer.identity if viewer else {}))
    st.error(_("Your role may not open this page."))


class Navigation:
    """The pages of a viewer, for st.navigation. Every page keeps its own address for every viewer, because a
    shared link names it: the viewer's first page is served at "/" and its own address leads there (with the
    link's view); a page the role may not open is refused, logged and the viewer's own pages offered. Without
    these, Streamlit answers such an address with a "page not found" dialog over the first page, and the dialog
    takes the next click."""

    def __init__(self, viewer: Viewer):
        self.viewer = viewer
        self.allowed = [key for key in PAGES if key in viewer.pages]
        self.home = self.allowed[0]
        self.menu = [st.Page(f"app_pages/{key}.py", title=_(PAGES[key][0]), icon=PAGES[key][1],
                             default=key == self.home, url_path="start" if key == self.home else key)
                     for key in self.allowed]
        self.elsewhere = {key: st.Page(self._to_home if key == self.home else self._refused(key),
                                       title=_(PAGES[key][0]), url_path=key, visibility="hidden")
                          for key in PAGES if key == self.home or key not in self.allowed}

    @property
    def pages(self) -> list[st.Page]:
        return self.menu + list(self.elsewhere.values())

    def handles(self, page: st.Page) -> bool:
        """Whether the page chosen by the address is one of the hidden ones (run before the sidebar's period)."""
        return page.url_path in self.elsewhere

    def _to_home(self) -> None:
        st.switch_page(self.menu[0], query_params=st.query_params.to_dict())

    def _refused(self, key: str):
        def refused() -> None:
            st.title(_("Not open to your role"))
            _refuse(self.viewer, key)
            st.write(_("Your pages:"))
            for page in self.menu:
                st.page_link(page)
        return refused


def rows_hidden_note(what: str) -> None:
    """Said where management would otherwise see row-level data."""
    st.caption(_("{what} are shown to the DPO only: your role sees figures and charts, not identifiers or "
                 "rows.").format(what=what))


def view_params() -> str:
    return urlencode(sorted(st.query_params.to_dict().items()))


def log_page_view(viewer: Viewer, page: str) -> None:
    """One line per page and set of filters: a rerun that changes nothing is not logged again."""
    view = (page, view_params())
    if st.session_state.get("access_last_view") == view:
        return
    st.session_state["access_last_view"] = view
    access_log.append("page_view", viewer.email, viewer.role, page=page, detail=view[1], **viewer.identity)


def export_logger(what: str, rows: int):
    """What a download writes to the access log when its file is produced: who, which file, how many rows, with
    the view's filters, all taken now (the file is produced later, on the click, outside the page's run)."""
    viewer = st.session_state.get("viewer")
    page = st.session_state.get("access_page", "")
    detail = f"{what}?{view_params()}"

    def log() -> None:
        if viewer is not None:
            access_log.append("export", viewer.email, viewer.role, page=page, detail=detail, rows=rows,
                              **viewer.identity)

    return log
