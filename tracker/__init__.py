"""Pishraft (پیشرفت): tracking the renovation of labour facilities."""
from tracker.core.config import PROJECT_ROOT

__all__ = ["PROJECT_ROOT", "create_app"]


def create_app(config: dict | None = None):
    """Build the web application (tracker.app.create_app); `flask --app tracker` finds it here."""
    from tracker.app import create_app as build

    return build(config)
