"""Who may see what: the three roles, the pages each may open, and the role map file that assigns them.

The role map is data, not code (docs/security.md): a TOML file naming identity-provider subjects, e-mail addresses
and groups, each with one role. A user the file does not name has no access. No streamlit import here: the rules are
testable on their own.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ROLE_MAP = ".streamlit/roles.toml"

# Page keys are the file names in dashboard/app_pages/.
ALL_PAGES = ("overview", "requests", "holds", "transfers", "consent", "data_quality", "access_log")
PAGES = {
    "dpo": ALL_PAGES,
    "management": ("overview", "requests", "holds", "transfers", "consent", "data_quality"),
    "staff": ("transfers", "data_quality"),
}
# Management sees figures and charts only: no request ids, subject or visitor pseudonyms, or row-level tables.
ROW_LEVEL = {"dpo", "staff"}
ROLES = tuple(PAGES)
# The page each log belongs to: its rows (rejected rows, orphan events) are shown to those who may open that page.
LOG_PAGES = {"dsr_events": "requests", "hold_events": "holds", "transfers": "transfers",
             "consent_events": "consent", "cookie_observations": "consent"}


def logs_with_rows(role: str) -> list[str]:
    """The logs whose rows a role may see: row-level roles, for the logs of the pages they may open."""
    if role not in ROW_LEVEL:
        return []
    return [log for log, page in LOG_PAGES.items() if page in PAGES[role]]


class RoleMapError(ValueError):
    """The role map file cannot be used; the message says which line to fix."""


@dataclass(frozen=True)
class RoleMap:
    emails: dict[str, str]
    groups: dict[str, str]
    group_claim: str = "groups"
    subjects: dict[str, str] = field(default_factory=dict)  # "<issuer>|<subject>" -> role


@dataclass(frozen=True)
class Identity:
    """Who the identity token says the user is. Only a stable subject (with its issuer) and an e-mail address the
    provider says it verified are trusted; anything else is a claim anyone could make."""

    issuer: str
    subject: str
    email: str  # lower case, as given (verified or not)
    email_verified: bool  # only when the provider sent the JSON value true

    @property
    def key(self) -> str:
        return f"{self.issuer}|{self.subject}"

    @property
    def label(self) -> str:
        """How the user is named on screen and in the access log: the verified address, else the subject."""
        if self.email_verified and self.email:
            return self.email
        return f"subject {self.subject or 'unknown'}"


def identity(claims: dict) -> Identity:
    return Identity(issuer=str(claims.get("iss") or ""), subject=str(claims.get("sub") or ""),
                    email=str(claims.get("email") or "").strip().lower(),
                    email_verified=claims.get("email_verified") is True)


@dataclass(frozen=True)
class Decision:
    role: str | None
    why: str  # for the access log and the no-access page


def role_map_path() -> Path:
    return Path(os.environ.get("AUDIT_ROLE_MAP", DEFAULT_ROLE_MAP))


def parse(text: str, source: str = "role map") -> RoleMap:
    """Read a role map: [subjects] "<issuer>|<subject>" = "dpo", [emails] "a@b.se" = "dpo", [groups] "Privacy team" =
    "dpo", optional [settings] group_claim = "groups". Unknown roles and sections are refused, not ignored."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoleMapError(f"{source} is not valid TOML: {exc}") from exc
    unknown = set(data) - {"subjects", "emails", "groups", "settings"}
    if unknown:
        raise RoleMapError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}; use [subjects], [emails], "
                           "[groups] and [settings]")
    maps = {}
    for section in ("subjects", "emails", "groups"):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise RoleMapError(f"{source}: [{section}] must be a table of \"name\" = \"role\" lines")
        for name, role in entries.items():
            if role not in ROLES:
                raise RoleMapError(f"{source}: [{section}] {name!r} has role {role!r}; roles are "
                                   f"{', '.join(ROLES)}")
        if section == "subjects" and any("|" not in k for k in entries):
            raise RoleMapError(f"{source}: [subjects] keys are \"<issuer>|<subject>\", e.g. "
                               "\"https://login.microsoftonline.com/<tenant>/v2.0|<object id>\"")
        maps[section] = {(k.strip().lower() if section == "emails" else k): v for k, v in entries.items()}
    claim = data.get("settings", {}).get("group_claim", "groups")
    return RoleMap(maps["emails"], maps["groups"], str(claim), maps["subjects"])


def load(path: Path | None = None) -> RoleMap:
    """The role map from its file; a missing file gives an empty map (everyone is refused, and told why)."""
    path = path or role_map_path()
    if not path.exists():
        return RoleMap({}, {})
    return parse(path.read_text(encoding="utf-8"), str(path))


def decide(claims: dict, role_map: RoleMap) -> Decision:
    """The one role of a signed-in user, from the identity token's claims.

    The provider's stable subject with its issuer, listed in [subjects], decides first; then an e-mail listed in
    [emails], but only when the provider says it verified the address (the claim email_verified is the JSON value
    true: "false", 0, "true" or no claim at all do not count, so nobody can claim a listed address they do not own);
    otherwise the user's groups must all lead to the same role.
    """
    who = identity(claims)
    if who.subject and who.key in role_map.subjects:
        return Decision(role_map.subjects[who.key], f"subject {who.subject} of {who.issuer} is listed as "
                                                    f"{role_map.subjects[who.key]}")
    email = who.email
    if email and who.email_verified and email in role_map.emails:
        return Decision(role_map.emails[email], f"e-mail {email} is listed as {role_map.emails[email]}")
    groups = claims.get(role_map.group_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    found = {role_map.groups[g] for g in groups if isinstance(g, str) and g in role_map.groups}
    if len(found) == 1:
        role = found.pop()
        return Decision(role, f"a group of {who.label} is listed as {role}")
    if len(found) > 1:
        return Decision(None, f"the groups of {who.label} lead to several roles ({', '.join(sorted(found))}); list "
                              "the subject in [subjects] or the e-mail address in [emails] to choose one")
    if email in role_map.emails and not who.email_verified:
        return Decision(None, f"the identity provider has not verified the e-mail address {email} (the token says "
                              f"email_verified = {claims.get('email_verified', 'nothing')!r}); list the subject in "
                              "[subjects] instead")
    if not email and not who.subject:
        return Decision(None, "the identity provider sent no subject and no e-mail address")
    return Decision(None, f"{who.label} is not in the role map")
