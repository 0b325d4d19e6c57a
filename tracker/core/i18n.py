"""Language choice and the Jinja filters that show dates and numbers in it."""
from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel, get_locale

from tracker.core import jalali, persian


def select_locale() -> str:
    """The language the user picked, else Persian (also outside a request: CLI commands, jobs)."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The active UI language code, 'fa' or 'en'."""
    return str(get_locale() or "fa").split("_")[0]


def text_direction() -> str:
    """'rtl' for Persian, 'ltr' for English."""
    return "rtl" if current_language() == "fa" else "ltr"


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and register the display filters."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        jdate=lambda d, style="numeric": jalali.format_jalali(d, style=style, locale=current_language()),
        jdatetime=lambda dt: jalali.format_jalali_datetime(dt, locale=current_language()),
        jinput=lambda d: jalali.jalali_input_value(d, locale=current_language()),
        num=lambda n: persian.format_number(n, locale=current_language()),
        pct=lambda n: persian.format_percent(n, locale=current_language()),
        digits=lambda s: persian.to_persian_digits(s) if current_language() == "fa" else str(s),
    )
    app.jinja_env.globals.update(current_language=current_language, text_direction=text_direction,
                                  today=jalali.today)
