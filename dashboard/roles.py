"""Who may see what: the three roles, the pages each may open, and the role map file that assigns them.

The role map is data, not code (docs/security.md): a TOML file naming e-mail addresses and identity-provider groups,
each with one role. A user the file does not name has no access. No streamlit import here: the rules are testable
on their own.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
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


class RoleMapError(ValueError):
    """The role map file cannot be used; the message says which line to fix."""


@dataclass(frozen=True)
class RoleMap:
    emails: dict[str, str]
    groups: dict[str, str]
    group_claim: str = "groups"


@dataclass(frozen=True)
class Decision:
    role: str | None
    why: str  # for the access log and the no-access page


def role_map_path() -> Path:
    return Path(os.environ.get("AUDIT_ROLE_MAP", DEFAULT_ROLE_MAP))


def parse(text: str, source: str = "role map") -> RoleMap:
    """Read a role map: [emails] "a@b.se" = "dpo", [groups] "Privacy team" = "dpo", optional [settings]
    group_claim = "groups". Unknown roles and sections are refused, not ignored."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoleMapError(f"{source} is not valid TOML: {exc}") from exc
    unknown = set(data) - {"emails", "groups", "settings"}
    if unknown:
        raise RoleMapError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}; use [emails], [groups] "
                           "and [settings]")
    maps = {}
    for section in ("emails", "groups"):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise RoleMapError(f"{source}: [{section}] must be a table of \"name\" = \"role\" lines")
        for name, role in entries.items():
            if role not in ROLES:
                raise RoleMapError(f"{source}: [{section}] {name!r} has role {role!r}; roles are "
                                   f"{', '.join(ROLES)}")
        maps[section] = {(k.strip().lower() if section == "emails" else k): v for k, v in entries.items()}
    claim = data.get("settings", {}).get("group_claim", "groups")
    return RoleMap(maps["emails"], maps["groups"], str(claim))


def load(path: Path | None = None) -> RoleMap:
    """The role map from its file; a missing file gives an empty map (everyone is refused, and told why)."""
    path = path or role_map_path()
    if not path.exists():
        return RoleMap({}, {})
    return parse(path.read_text(encoding="utf-8"), str(path))


def decide(claims: dict, role_map: RoleMap) -> Decision:
    """The one role of a signed-in user, from the identity token's claims.

    An e-mail listed in [emails] decides; otherwise the user's groups must all lead to the same role. An address
    the provider says is unverified is refused, so nobody can claim a listed address they do not own.
    """
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        return Decision(None, "the identity provider sent no e-mail address")
    if claims.get("email_verified") is False:
        return Decision(None, f"the identity provider has not verified {email}")
    if email in role_map.emails:
        return Decision(role_map.emails[email], f"e-mail {email} is listed as {role_map.emails[email]}")
    groups = claims.get(role_map.group_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    found = {role_map.groups[g] for g in groups if isinstance(g, str) and g in role_map.groups}
    if len(found) == 1:
        role = found.pop()
        return Decision(role, f"a group of {email} is listed as {role}")
    if len(found) > 1:
        return Decision(None, f"the groups of {email} lead to several roles ({', '.join(sorted(found))}); list "
                              "the e-mail address in [emails] to choose one")
    return Decision(None, f"{email} is not in the role map")
