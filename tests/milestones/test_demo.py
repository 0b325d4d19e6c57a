"""The demo's milestones: the Kazerun pool's reported reopening target and labelled sample milestones; a scan on
1405/09/02 gives overdue notices and emails in the outbox."""
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import count
from tests.reminders.helpers import TODAY, scan
from tracker.core.jalali import parse_jalali_date
from tracker.core.mail import MailSettings
from tracker.demo.services import load_demo
from tracker.milestones import queries
from tracker.milestones.models import Milestone
from tracker.projects.models import Project
from tracker.reminders.models import Delivery, Notice

pytestmark = on_day(SCENARIO_DAY)

KAZERUN_POOL = "بهسازی استخر کارگران کازرون"


def test_the_kazerun_pool_reopens_on_1404_12_29_and_the_rest_is_labelled_sample(db):
    load_demo(db)
    load_demo(db)  # a second load adds nothing
    pool = db.exec(select(Project).where(Project.name == KAZERUN_POOL)).one()
    rows = queries.project_milestones(db, pool.id)
    real = [row.milestone for row in rows if not row.milestone.is_sample]
    assert [(m.title, m.due_date) for m in real] == [("بازگشایی استخر برای مردم شهرستان",
                                                      parse_jalali_date("1404/12/29"))]
    assert len(rows) == 5 and count(db, Milestone) == 7
    assert sum(row.overdue for row in rows) == 4


def test_a_fresh_demo_scanned_on_1405_09_02_shows_notices_and_outbox_emails(app, db, session_factory):
    load_demo(db)
    result = scan(app, session_factory, today=TODAY, mail=MailSettings(demo=True))
    assert result.reminders >= 5 and result.notices > 0 and result.emails == result.sent > 0
    addresses = {d.address for d in db.exec(select(Delivery)).all()}
    assert addresses <= {"bayari@example.org", "kazerun@example.org", "staff@example.org"}
    assert count(db, Notice) == result.notices
