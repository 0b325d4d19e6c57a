"""Language choice and every Jinja filter that shows a value in it: dates, numbers, money, audited changes."""
from datetime import date, datetime
from pathlib import Path

from babel import support
from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import Babel, LazyString, get_locale

from tracker.core import audit, clock, jalali, persian


def select_locale() -> str:
    """The language the user picked, else Persian (also outside a request: CLI commands, jobs)."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
_catalogs: dict[str, support.Translations] = {}


def _catalog(language: str) -> support.NullTranslations:
    """The compiled catalog of a language, loaded once per process (catalogs do not change at run time)."""
    if language not in _catalogs:
        catalog = support.Translations.load(str(TRANSLATIONS), [language])
        if not isinstance(catalog, support.Translations):
            return catalog  # not compiled yet: try again next time
        _catalogs[language] = catalog
    return _catalogs[language]


def _translate(string: str) -> str:
    return _catalog(current_language()).ugettext(string)


def _translate_plural(singular: str, plural: str, num: int) -> str:
    return _catalog(current_language()).ungettext(singular, plural, num)


def gettext(string: str, **variables) -> str:
    """Translate into the UI language; Flask-Babel's gettext, without its per-call lookups (a page makes dozens)."""
    text = _translate(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """A message translated when it is shown, in the language of that moment."""
    return LazyString(gettext, string, **variables)


def current_language() -> str:
    """The active UI language code, 'fa' or 'en'."""
    # Flask-Babel keeps the request's locale in g._flask_babel (force_locale swaps it there too); reading
    # it there saves the context lookups of get_locale() in the dozens of calls a page's filters make.
    babel_state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(babel_state, "babel_locale", None) or get_locale()
    return locale.language if locale else "fa"


def text_direction() -> str:
    """'rtl' for Persian, 'ltr' for English."""
    return "rtl" if current_language() == "fa" else "ltr"


def format_digits(text: object) -> str:
    """Digits in the reader's language (years, days; no grouping): Persian in the fa UI, Latin in the en UI, whichever
    the text was written in (an activity's summary keeps the digits it was stored with)."""
    return persian.to_persian_digits(text) if current_language() == "fa" else persian.to_latin_digits(text)


def isolated(text: object) -> str:
    """Text set apart from its sentence's direction where no <bdi> can go (a confirm dialog, a plain-text email), so
    the quotes round a Persian name face the right way in an English sentence and the other way round."""
    return f"\u2068{text}\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE


def file_size(size_bytes: int) -> str:
    """A file's size in kilobytes or megabytes, in the UI's digits."""
    language = current_language()
    if size_bytes >= 1024 * 1024:
        return gettext("%(size)s MB", size=persian.format_number(round(size_bytes / 1024 / 1024, 1), language))
    return gettext("%(size)s KB", size=persian.format_number(max(1, round(size_bytes / 1024)), language))


def month_name(month: int) -> str:
    """A Jalali month's name in the UI language."""
    return jalali.MONTH_NAMES[current_language()][month - 1]


def activity_label(event: audit.AuditEvent) -> str:
    """What an audit event did, as its area names it ("edited a milestone")."""
    return str(audit.activity_of(event.entity).actions.get(event.action, event.action))


def activity_summary(event: audit.AuditEvent) -> str:
    """The event in words: its area's description in the reader's language, else the summary it was stored with."""
    describe = audit.activity_of(event.entity).describe
    return describe(event) if describe else event.summary


def shown_changes(event: audit.AuditEvent) -> list[tuple[str, object, object]]:
    """An edit's changed columns with their values before and after, those its area shows (a record's version
    counts its changes; it is no change of its own)."""
    columns = audit.activity_of(event.entity).columns
    before = event.before or {}
    return [(key, before.get(key), value) for key, value in (event.after or {}).items()
            if key != "version" and (key not in columns or columns[key].shown)]


def change_label(key: str, table: str) -> str:
    """The form's name for an audited column."""
    column = audit.activity_of(table).columns.get(key)
    return str(column.label) if column else key


def change_value(value, key: str, table: str) -> str:
    """An audited value shown as the form shows it: choice labels, Jalali dates, Persian digits."""
    if value is None or value == "":
        return "—"
    column = audit.activity_of(table).columns.get(key)
    if column and column.choices:
        return str(next((label for option, label in column.choices.items() if option.value == value), value))
    language = current_language()
    if key.endswith(("_date", "_on")):
        return jalali.format_jalali(date.fromisoformat(value), locale=language)
    if key.endswith("_at"):
        return jalali.format_jalali_datetime(datetime.fromisoformat(value), locale=language)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float):
        return persian.format_number(value, locale=language)
    return str(value)


def record_value(record, key: str) -> str:
    """A record's value of an audited column now, shown as the form shows it."""
    return change_value(audit.plain(getattr(record, key)), key, record.__tablename__)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and register the display filters."""
    from tracker.core import money  # money's messages need this module first
    Babel(app, locale_selector=select_locale)
    # Jinja's newstyle callables fill in the variables themselves, with autoescaping.
    app.jinja_env.install_gettext_callables(_translate, _translate_plural, newstyle=True)
    app.jinja_env.filters.update(
        jdate=lambda d, style="numeric": jalali.format_jalali(d, style=style, locale=current_language()),
        jdatetime=lambda dt: jalali.format_jalali_datetime(dt, locale=current_language()),
        jinput=lambda d: jalali.jalali_input_value(d, locale=current_language()),
        num=lambda n: persian.format_number(n, locale=current_language()),
        pct=lambda n: persian.format_percent(n, locale=current_language()),
        digits=format_digits,
        rials_short=lambda n: money.short_rials(n, current_language()) if n is not None else "",
        activity_label=activity_label, activity_summary=activity_summary, shown_changes=shown_changes,
        change_label=change_label, change_value=change_value, record_value=record_value, file_size=file_size,
        month_name=month_name,
        text_dir=persian.writing_direction, isolated=isolated,
    )
    app.jinja_env.globals.update(current_language=current_language, text_direction=text_direction,
                                  today=clock.today)
    # The month names of the Jalali calendar in the UI language, for the date picker (templates/base.html).
    app.jinja_env.globals["jalali_month_names"] = lambda: jalali.MONTH_NAMES[current_language()]
