"""Pishraft (پیشرفت): tracking the renovation of labour facilities."""
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the web application; `config` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    from tracker.core.config import load_settings

    app.config.update(load_settings(Path(app.instance_path)))
    app.config.update(config or {})

    from tracker.core import db, i18n, web

    db.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    return app
