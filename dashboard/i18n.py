"""Languages: Swedish and English (docs/i18n.md).

Messages are gettext catalogues: the code keeps the English text as the message id, marked with _() where it is
shown and N_() where it is defined apart from where it is shown (a table of labels); the Swedish text is in
dashboard/locale/sv/LC_MESSAGES/messages.po, compiled to messages.mo at install (`make i18n-compile`, which `make
run` and `make test` run). Numbers, percentages and dates are Babel's, per language (Swedish `10 458`, `73,7 %`,
`24 nov. 2026`).

The language is per script run or command, not global: `use(lang)` sets it for what runs inside (a context
variable, so two sessions of the app never see each other's), else AUDIT_LANG. No streamlit import.
"""

from __future__ import annotations

import functools
import gettext
import os
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path

LANGUAGES = {"sv": "Svenska", "en": "English"}
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str | None] = ContextVar("audit_lang", default=None)


class LanguageError(RuntimeError):
    """A catalogue the language needs is missing (not compiled): the message says how to build it."""


def default() -> str:
    """AUDIT_LANG when it names a language, else Swedish: the company, its policy and its authorities are Swedish
    (docs/i18n.md)."""
    lang = os.environ.get("AUDIT_LANG", "").strip().lower()[:2]
    return lang if lang in LANGUAGES else "sv"


def current() -> str:
    return _current.get() or default()


def pick(lang: str | None) -> str:
    """A language code from outside (a URL, a flag, a header): one of LANGUAGES, else the default."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else default()


def activate(lang: str) -> None:
    """The language of the rest of this script run (the app sets it first thing in every run; each session's runs
    are on its own thread, so its context variable is its own)."""
    _current.set(pick(lang))


@contextmanager
def use(lang: str):
    """Everything inside speaks lang."""
    token = _current.set(pick(lang))
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":  # the message ids are English
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    except OSError as exc:
        raise LanguageError(f"the {LANGUAGES[lang]} catalogue is not compiled: run `make i18n-compile` "
                            f"(pybabel compile -d {LOCALE_DIR})") from exc


def _(message: str) -> str:
    """message in the current language."""
    return _catalogue(current()).gettext(message)


def N_(message: str) -> str:
    """Marks message for the catalogue where it is defined; it is translated with _() where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(current()).ngettext(singular, plural, n)


def number(value, decimals: int | None = None) -> str:
    """A number in the current language's way: grouped, with its decimal sign; decimals fixes the places."""
    from babel import numbers

    if value is None:
        return "–"
    fmt = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    text = numbers.format_decimal(value, format=fmt, locale=LOCALES[current()])
    # The dashboard's English groups thousands with a space, as its pages always have (SI/ISO 80000-1), never a
    # comma that a Swedish reader takes for a decimal sign.
    return text.replace(",", " ") if current() == "en" else text


def percent(value, decimals: int = 1) -> str:
    """A share (0.737) as a percentage in the current language: `73,7 %`, `73.7%`."""
    from babel import Locale, numbers

    if value is None:
        return "–"
    pattern = Locale.parse(LOCALES[current()]).percent_formats[None].pattern  # e.g. "#,##0 %"
    if decimals:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return numbers.format_percent(value, pattern, locale=LOCALES[current()])


def day(value: date | datetime | str | None) -> str:
    """A date in the current language: `24 nov. 2026` in Swedish; in English the ISO date the pages show
    (`2026-11-24`)."""
    from babel import dates

    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if current() == "en" else dates.format_date(value, "medium", locale=LOCALES[current()])

