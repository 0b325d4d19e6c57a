"""The Persian catalog covers every message in the code and templates, with the same placeholders."""
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tracker.core.config import PROJECT_ROOT

CATALOG_DIR = PROJECT_ROOT / "tracker" / "translations" / "fa" / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / "messages.po"
MO_FILE = CATALOG_DIR / "messages.mo"
# The same keywords as `make translations-extract` (pybabel extract -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
FIX_HINT = "run `make translations-extract`, then translate them in " + str(PO_FILE.relative_to(PROJECT_ROOT))


def extracted_messages() -> dict[tuple[str | None, str], tuple[tuple[str, ...], str]]:
    """Every message babel.cfg extracts: (context, msgid) -> (its singular and plural forms, where it is used)."""
    with open(PROJECT_ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found: dict[tuple[str | None, str], tuple[tuple[str, ...], str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        forms = tuple(form for form in (message if isinstance(message, tuple) else (message,)) if form)
        if forms:
            found.setdefault((context, forms[0]), (forms, f"{filename}:{lineno}"))
    return found


def placeholders(text: str) -> set[str]:
    """The %(name)s style placeholders in a message, with their conversion."""
    return set(PLACEHOLDER.findall(text))


def has_stray_percent(text: str) -> bool:
    """Whether a % is left that is neither a placeholder nor an escaped %%."""
    return "%" in PLACEHOLDER.sub("", text).replace("%%", "")


@pytest.fixture(scope="module")
def persian_catalog():
    with open(PO_FILE, "rb") as po:
        return read_po(po)


def test_every_message_has_a_persian_translation(persian_catalog):
    found = extracted_messages()
    assert persian_catalog.locale is not None and persian_catalog.locale.language == "fa"
    missing, fuzzy, mismatched = [], [], []
    assert found, "babel.cfg extracted no message at all: check its patterns"
    for (context, msgid), (forms, where) in sorted(found.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        entry = persian_catalog.get(msgid, context)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not strings or not all(s and s.strip() for s in strings):
            missing.append(f"  {msgid!r} ({where})")
            continue
        if entry.fuzzy:
            fuzzy.append(f"  {msgid!r} ({where})")
            continue
        expected = set().union(*(placeholders(form) for form in forms))
        for translation in strings:
            if placeholders(translation) != expected:
                mismatched.append(
                    f"  {msgid!r} -> {translation!r}: placeholders {sorted(placeholders(translation))}, "
                    f"expected {sorted(expected)}"
                )
            elif has_stray_percent(translation) and not any(has_stray_percent(form) for form in forms):
                mismatched.append(f"  {msgid!r} -> {translation!r}: a bare % breaks formatting; write ٪ or %%")
    problems = []
    if missing:
        problems.append(f"{len(missing)} message(s) have no Persian translation ({FIX_HINT}):\n" + "\n".join(missing))
    if fuzzy:
        problems.append(f"{len(fuzzy)} Persian translation(s) are marked fuzzy; check and unmark them:\n"
                        + "\n".join(fuzzy))
    if mismatched:
        problems.append("Persian translation(s) whose placeholders differ from the English:\n" + "\n".join(mismatched))
    assert not problems, "\n\n".join(problems)


@pytest.fixture(scope="module")
def compiled_catalog():
    """Compile messages.po to messages.mo (as `make setup` does) when it is missing or older than the .po."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        with open(PO_FILE, "rb") as po:
            catalog = read_po(po, locale="fa")
        fd, tmp_name = tempfile.mkstemp(dir=CATALOG_DIR, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as mo:
                write_mo(mo, catalog, use_fuzzy=True)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, MO_FILE)  # atomic: a parallel test run never reads half a file
        finally:
            Path(tmp_name).unlink(missing_ok=True)
    return MO_FILE


def test_the_app_speaks_persian(compiled_catalog):
    from flask_babel import force_locale, gettext, ngettext

    from tracker import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    with app.test_request_context(), force_locale("fa"):
        assert gettext("Projects") == "پروژه\u200cها"
        assert gettext("This field is required.") == "پر کردن این فیلد الزامی است."
        assert ngettext("%(num)s project", "%(num)s projects", 3).endswith(" پروژه")
