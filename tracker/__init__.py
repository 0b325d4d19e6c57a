"""Pishraft (پیشرفت): tracking the renovation of labour facilities."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    """Build the web application (tracker.app.create_app); `flask --app tracker` finds it here."""
    from tracker.app import create_app as build

    return build(config)
