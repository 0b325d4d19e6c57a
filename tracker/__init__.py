"""Pishraft (پیشرفت): tracking the renovation of labour facilities."""
from tracker.core.config import PROJECT_ROOT, VERSION

__version__ = VERSION
__all__ = ["PROJECT_ROOT", "__version__", "create_app"]


def create_app(config: dict | None = None):
    """Build the web application (tracker.app.create_app); `flask --app tracker` finds it here."""
    from tracker.app import create_app as build

    return build(config)
