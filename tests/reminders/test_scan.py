"""The reminder scan on both databases, against a real SMTP server on loopback: each reminder once, after
downtime one, escalation, opt-out, an unreachable server, and who is told."""
import uuid
from datetime import timedelta

from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.reminders.helpers import TODAY, free_port, scan
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.core.mail import MailSettings
from tracker.core.storage import LocalStorage
from tracker.deadlines.models import Deadline
from tracker.decisions import services as decision_services
from tracker.decisions.models import Decision, DecisionState
from tracker.milestones import services as milestones
from tracker.milestones.models import MilestoneState
from tracker.projects.models import Project
from tracker.reminders.models import Delivery, DeliveryState, Notice, Reminder
from tracker.reminders.scan import ScanResult, _claim, _renew, plan_batch
from tracker.visits import services as visits

pytestmark = on_day(SCENARIO_DAY)


def notices_of(db, user) -> list[Notice]:
    return list(db.exec(select(Notice).where(Notice.user_id == user.id)).all())


def test_a_due_reminder_goes_out_once_however_often_the_scan_runs(app, db, session_factory, smtp, due):
    milestone = due(7, title="انعقاد قرارداد")

    first = scan(app, session_factory, mail=smtp.settings())
    second = scan(app, session_factory, mail=smtp.settings())

    assert (first.reminders, first.sent) == (1, 1)
    assert (second.reminders, second.sent) == (0, 0)
    [message] = smtp.sink.messages
    assert message["Subject"].startswith("یادآوری") and "انعقاد قرارداد" in message["Subject"]
    assert message["Message-ID"].startswith("<reminder.") and message["Message-ID"].endswith("@pishraft.example.org>")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "۷ روز" in text and "۱۴۰۵/۰۹/۰۹" in text  # Persian digits, the Jalali due date
    assert "https://pishraft.example.org/projects/" in text and f"#milestone-{milestone.id}" in text
    assert 'dir="rtl"' in html and "انعقاد قرارداد" in html


def test_typed_text_comes_through_literally_in_the_subject_and_text_and_escaped_in_the_html(
        app, db, session_factory, smtp, make, due):
    owner = make.user(role=Role.staff, email="owner@example.org", full_name="علی & <رضا>")
    due(7, responsible=owner, title="استخر & سالن <ورزشی>")

    scan(app, session_factory, mail=smtp.settings())

    [message] = smtp.sink.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "استخر & سالن <ورزشی>" in message["Subject"]
    # In the plain text the title is isolated inside its quotes (a title starting with Latin or digits keeps them).
    assert "«\u2068استخر & سالن <ورزشی>\u2069»" in text and "علی & <رضا>" in text
    assert "استخر &amp; سالن &lt;ورزشی&gt;" in html and "علی &amp; &lt;رضا&gt;" in html
    for plain in (message["Subject"], text):
        assert "&amp;" not in plain and "&lt;" not in plain and "&gt;" not in plain and "&#" not in plain
    assert "<ورزشی>" not in html and "<رضا>" not in html


def test_after_downtime_one_reminder_goes_out_not_one_per_missed_day(app, db, session_factory, smtp, due):
    due(10)
    scan(app, session_factory, today=TODAY - timedelta(days=4), mail=smtp.settings())  # the 14-day reminder
    for _day in range(3):  # down for two weeks, then scanned three times in a row
        scan(app, session_factory, today=TODAY + timedelta(days=12), mail=smtp.settings())

    offsets = sorted(r.offset_days for r in db.exec(select(Reminder)).all())
    assert offsets == [-14, 0]  # the 7-day and 1-day ones were missed; the day itself is the latest due
    assert len(smtp.sink.messages) == 2


def test_overdue_reminders_repeat_weekly_and_escalate_to_the_provinces_directors(app, db, session_factory, smtp,
                                                                                make, due):
    director = make.user(role=Role.director, email="director@example.org")
    zanjan = make.user(role=Role.director, province="Zanjan", email="zanjan@example.org")
    other_county_head = make.user(role=Role.director, county="شیراز", email="shiraz@example.org")
    responsible = make.user(role=Role.staff, email="owner@example.org")
    due(-3, responsible=responsible)

    scan(app, session_factory, mail=smtp.settings())  # 3 days late: the day itself, not yet escalated
    assert notices_of(db, responsible) and not notices_of(db, director)
    scan(app, session_factory, today=TODAY + timedelta(days=4), mail=smtp.settings())  # a week late

    assert len(notices_of(db, responsible)) == 2
    assert len(notices_of(db, director)) == 1
    assert not notices_of(db, zanjan) and not notices_of(db, other_county_head)
    escalated = db.exec(select(Reminder).where(Reminder.offset_days == 7)).one()
    assert escalated.escalated
    assert "director@example.org" in smtp.sink.to()
    director_mail = next(m for m in smtp.sink.messages if m["To"] == "director@example.org")
    assert "مدیران استان" in director_mail.get_body(("plain",)).get_content()


def test_an_agencys_deadline_reminds_the_directors_and_staff_of_its_province_and_county(app, db, session_factory,
                                                                                     make, due):
    staff = make.user(role=Role.staff)
    county_head = make.user(role=Role.director, county="کازرون")
    other_county_head = make.user(role=Role.director, county="شیراز")
    officer = make.user(role=Role.budget_officer)
    viewer = make.user(role=Role.viewer)
    due(1, responsible=make.agency())  # a Kazerun project

    scan(app, session_factory)

    assert notices_of(db, staff) and notices_of(db, county_head)
    assert not any(notices_of(db, u) for u in (other_county_head, officer, viewer))


def test_a_user_who_opted_out_gets_the_notice_but_no_email(app, db, session_factory, smtp, make, due):
    user = make.user(role=Role.staff, email="quiet@example.org", email_opt_out=True)
    due(0, responsible=user)

    result = scan(app, session_factory, mail=smtp.settings())

    assert result.notices == 1 and result.emails == 0
    assert notices_of(db, user) and smtp.sink.messages == []


def test_without_an_smtp_server_only_notices_go_out_and_in_demo_mode_emails_wait_in_the_outbox(
        app, db, session_factory, make, due):
    due(0)
    assert scan(app, session_factory).emails == 0
    due(0)
    result = scan(app, session_factory, mail=MailSettings(demo=True))  # on loopback: a demo runs on one machine
    assert (result.emails, result.sent) == (1, 1)
    [delivery] = db.exec(select(Delivery)).all()
    assert delivery.state == DeliveryState.sent and delivery.transport == "outbox"


def test_an_unreachable_smtp_server_is_recorded_the_notice_still_appears_and_a_later_scan_retries(
        app, db, session_factory, smtp, make, due):
    owner = make.user(role=Role.staff, email="owner@example.org")
    due(1, responsible=owner)
    due(7, responsible=owner)
    down = MailSettings(host="127.0.0.1", port=free_port(), base_url="https://pishraft.example.org")

    result = scan(app, session_factory, mail=down)

    assert (result.reminders, result.failed, result.sent) == (2, 2, 0)
    assert len(notices_of(db, owner)) == 2
    deliveries = db.exec(select(Delivery)).all()
    assert all(d.state == DeliveryState.pending and d.attempts == 1 and "Connection" in d.last_error
               for d in deliveries)
    # Too early for the retry: the backoff holds it back.
    assert scan(app, session_factory, mail=smtp.settings()).sent == 0
    later = clock.now() + timedelta(minutes=3)
    retried = scan(app, session_factory, mail=smtp.settings(), clock=lambda: later)
    assert retried.sent == 2 and len(smtp.sink.messages) == 2
    for delivery in db.exec(select(Delivery)).all():
        db.refresh(delivery)
        assert delivery.state == DeliveryState.sent and delivery.attempts == 2


def test_a_delivery_that_keeps_failing_is_given_up_and_shown_as_failed(app, db, session_factory, due):
    due(0)
    down = MailSettings(host="127.0.0.1", port=free_port(), base_url="https://pishraft.example.org")
    start = clock.now()
    for attempt in range(8):
        moment = start + timedelta(hours=7 * attempt)
        scan(app, session_factory, mail=down, clock=lambda moment=moment: moment)
    [delivery] = db.exec(select(Delivery)).all()
    db.refresh(delivery)
    assert delivery.state == DeliveryState.failed and delivery.attempts == 8


def test_a_claim_whose_lease_ran_out_is_sent_again_with_the_same_message_id(app, db, session_factory, smtp, due):
    due(0)
    moment = clock.now()
    with app.app_context(), session_factory() as session:
        plan_batch(session, TODAY, smtp.settings(), ScanResult(), now=moment)
        [claimed] = _claim(session, moment, timedelta(minutes=5), 10)  # a scan that then died
        session.commit()
    assert scan(app, session_factory, mail=smtp.settings(), clock=lambda: moment).sent == 0  # still leased
    later = moment + timedelta(minutes=6)
    assert scan(app, session_factory, mail=smtp.settings(), clock=lambda: later).sent == 1
    assert smtp.sink.message_ids() == [claimed.message_id]


def test_a_milestone_met_or_deleted_is_no_longer_reminded(app, db, session_factory, make, due):
    met = due(0)
    gone = due(0, project=make.project())
    milestones.mark_met(db, actor=make.admin, project=db.get(Project, met.project_id), milestone=met, met_on=TODAY)
    milestones.remove_milestone(db, actor=make.admin, project=db.get(Project, gone.project_id), milestone=gone)

    assert scan(app, session_factory).reminders == 0


def test_a_new_due_date_is_reminded_afresh(app, db, session_factory, make, due):
    milestone = due(0)
    scan(app, session_factory)
    project = db.get(Project, milestone.project_id)
    milestones.update_milestone(db, actor=make.admin, project=project, milestone=milestone,
                                data=milestones.milestone_data(milestone, due_date=TODAY))
    assert scan(app, session_factory).reminders == 0  # the same date: nothing new
    milestones.update_milestone(db, actor=make.admin, project=project, milestone=milestone,
                                data=milestones.milestone_data(milestone, due_date=TODAY + timedelta(days=1)))
    assert scan(app, session_factory).reminders == 1
    assert milestone.state == MilestoneState.pending


def test_a_slow_scan_whose_claim_was_taken_over_does_not_send_it_too(app, db, session_factory, smtp, due):
    due(0)
    moment = clock.now()
    with app.app_context(), session_factory() as session:
        plan_batch(session, TODAY, smtp.settings(), ScanResult(), now=moment)
        [slow] = _claim(session, moment, timedelta(minutes=5), 10)
        [fast] = _claim(session, moment + timedelta(minutes=6), timedelta(minutes=5), 10)  # the lease ran out
        session.commit()
    assert slow.message_id == fast.message_id and slow.claimed_by != fast.claimed_by
    assert not _renew(session_factory, slow, moment + timedelta(minutes=6), timedelta(minutes=5))
    assert _renew(session_factory, fast, moment + timedelta(minutes=6), timedelta(minutes=5))


def test_a_decision_of_a_visit_reminds_its_owner_until_done(app, db, session_factory, make, tmp_path):
    director = make.user(role=Role.director)
    owner = make.user(role=Role.staff, email="owner@example.org")
    project = make.project()
    data = visits.VisitData(id=uuid.uuid4(), visited_on=TODAY - timedelta(days=1), notes="بازدید",
                            decisions=(decision_services.DecisionData(
                                text="پیگیری تخصیص اعتبار", owner_user_id=owner.id,
                                due_date=TODAY + timedelta(days=7)),))
    visit = visits.create_visit(db, actor=director, project=project, data=data,
                                storage=visits.PhotoStorage(LocalStorage(tmp_path), 1_000_000))

    assert scan(app, session_factory).reminders == 1
    [notice] = notices_of(db, owner)
    decision = db.exec(select(Decision)).one()
    decision_services.set_decision_state(db, actor=director, decision=decision, state=DecisionState.done,
                                         note="انجام شد")
    assert scan(app, session_factory, today=TODAY + timedelta(days=7)).reminders == 0
    reminder = db.get(Reminder, notice.reminder_id)
    assert reminder.offset_days == -7
    assert db.get(Deadline, reminder.deadline_id).path == f"/visits/{visit.id}#decisions"


def test_an_email_links_by_the_short_address_greets_formally_and_says_the_overdue_days_once(
        app, db, session_factory, smtp, make, due):
    director = make.user(role=Role.director, email="director@example.org", full_name="سعید بیاری")
    milestone = due(-10, responsible=director)

    scan(app, session_factory, today=TODAY, mail=smtp.settings())

    [message] = smtp.sink.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    project = db.get(Project, milestone.project_id)
    link = f"https://pishraft.example.org/projects/{project.id}#milestone-{milestone.id}"
    assert link in text.splitlines() and f'href="{link}"' in html and "%D8" not in text
    assert text.startswith("همکار گرامی، سعید بیاری\nبا سلام و احترام،")
    assert "همکار گرامی، <bdi>سعید بیاری</bdi>" in html
    assert text.count("۱۰ روز") == 1 and html.count("۱۰ روز") == 1  # «معوق: ۱۰ روز», and not again below
    assert "مدیران استان" in text


def test_a_loopback_site_address_outside_demo_mode_sends_no_email_and_says_why(app, db, session_factory, smtp,
                                                                              make, due, caplog):
    owner = make.user(role=Role.staff, email="owner@example.org")
    due(0, responsible=owner)

    result = scan(app, session_factory, mail=smtp.settings(base_url="http://127.0.0.1:5000"))

    assert (result.notices, result.emails, result.sent) == (1, 0, 0) and notices_of(db, owner)
    assert smtp.sink.messages == [] and db.exec(select(Delivery)).all() == []
    assert "TRACKER_BASE_URL" in caplog.text and "127.0.0.1:5000" in caplog.text


def test_queued_emails_wait_while_the_site_address_is_loopback(app, db, session_factory, smtp, make, due):
    owner = make.user(role=Role.staff, email="owner@example.org")
    due(0, responsible=owner)
    scan(app, session_factory, mail=smtp.settings(port=free_port()))  # queued with a good address, not sent

    later = clock.now() + timedelta(minutes=3)  # past the failed attempt's backoff
    held = scan(app, session_factory, mail=smtp.settings(base_url="http://localhost:8000"), clock=lambda: later)
    sent = scan(app, session_factory, mail=smtp.settings(), clock=lambda: later)

    assert (held.sent, held.failed, sent.sent) == (0, 0, 1) and len(smtp.sink.messages) == 1
