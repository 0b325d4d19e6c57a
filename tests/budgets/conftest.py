"""Fixtures of the budgets tests that need no database."""
from contextlib import ExitStack

import pytest
from flask_babel import force_locale

import tracker


@pytest.fixture(scope="module")
def plain_app():
    return tracker.create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


@pytest.fixture
def in_language(plain_app):
    """Run the rest of a test inside a request in one UI language."""
    with ExitStack() as stack:

        def enter(language: str) -> None:
            stack.enter_context(plain_app.test_request_context())
            stack.enter_context(force_locale(language))

        yield enter
