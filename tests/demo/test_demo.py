"""The demo data set: the Kazerun pool as reported, labelled sample data around it, loaded once."""
from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import count, counts
from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.core.audit import AuditEvent
from tracker.demo.services import load_demo
from tracker.places.models import County
from tracker.projects.models import Agency, Facility, Partner, PartnerRole, Project

# Written about the reported Kazerun case, so on a day after its report (1404/06/25).
pytestmark = on_day(SCENARIO_DAY)

KAZERUN_POOL = "بهسازی استخر کارگران کازرون"
# The four parties to the agreement, as the scenario names them.
PARTIES = {
    "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی",
    "فرمانداری ویژه کازرون",
    "سازمان مدیریت و برنامه‌ریزی استان فارس",
    "اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس",
}
TABLES = (Project, Partner, User, AuditEvent, Agency, Facility, County)


def test_loading_twice_creates_each_record_once(db):
    load_demo(db)
    first = counts(db, *TABLES)
    load_demo(db)
    assert counts(db, *TABLES) == first
    assert first["Project"] >= 2 and first["Partner"] >= 4 and first["User"] >= 5


def test_the_kazerun_pool_is_as_reported(db):
    load_demo(db)
    pool = db.exec(select(Project).where(Project.name == KAZERUN_POOL)).one()
    partners = db.exec(select(Partner, Agency.name).join(Agency).where(Partner.project_id == pool.id)).all()

    assert pool.target_date == date(2026, 3, 20)  # 1404/12/29, the last day of 1404
    assert not pool.is_sample
    assert {name for _partner, name in partners} == PARTIES
    assert {partner.role for partner, _name in partners} == {PartnerRole.party_to_agreement}
    assert db.get(County, pool.county_id).name_fa == "کازرون"
    assert pool.physical_progress is None  # not reported, so not invented


def test_every_other_project_is_labelled_sample_data(db):
    load_demo(db)
    others = db.exec(select(Project).where(Project.name != KAZERUN_POOL)).all()
    assert others and all(project.is_sample for project in others)


def test_demo_users_log_in_with_the_demo_password(db):
    from tracker.demo.data import DEMO_PASSWORD, USERS

    load_demo(db)
    for username, role, *_rest in USERS:
        user = accounts.authenticate(db, username, DEMO_PASSWORD)
        assert user is not None and user.role.value == role
        assert user.email.endswith("@example.org")
    # The province's director signs the demo briefs with the post the scenario gives him.
    assert accounts.authenticate(db, "bayari", DEMO_PASSWORD).post == "مدیرکل تعاون، کار و رفاه اجتماعی استان فارس"


@pytest.fixture
def run_demo(app, db):
    # Open the test's transaction first (see tests/accounts/test_routes.py: SQLite and a CLI commit).
    db.connection()
    return lambda: app.test_cli_runner().invoke(args=["demo", "load"])


def test_demo_load_refuses_outside_demo_mode(app, db, run_demo):
    app.config["DEMO"] = False
    result = run_demo()
    assert result.exit_code == 1
    assert "TRACKER_DEMO" in result.output
    assert count(db, Project) == 0


def test_demo_load_in_demo_mode_loads_and_prints_the_users(app, db, run_demo):
    app.config["DEMO"] = True
    result = run_demo()
    assert result.exit_code == 0, result.output
    assert "bayari" in result.output and "pishraft-1404" in result.output
    assert db.exec(select(Project).where(Project.name == KAZERUN_POOL)).one()
    loaded = counts(db, *TABLES)

    assert run_demo().exit_code == 0
    assert counts(db, *TABLES) == loaded


def test_the_login_page_lists_the_demo_users_only_in_demo_mode(app, client):
    app.config["DEMO"] = True
    listed = client.get("/login").text
    app.config["DEMO"] = False
    unlisted = client.get("/login").text

    assert "<bdi>bayari</bdi>" in listed and "سعید بیاری" in listed and "pishraft-1404" in listed
    assert "bayari" not in unlisted and "pishraft-1404" not in unlisted
