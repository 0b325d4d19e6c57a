"""Demo visits and meetings: the Kazerun visit and the county's employment working group, both of 1404/06/25.

Everything here is from the news report. Decisions were taken at the visit, but the report lists none and gives
no progress figure, so the demo invents neither. The MP and the special governor are not named in the report:
they are recorded by their posts, for the agencies they came from. The ids are fixed, so loading again finds the
stored visit and meeting instead of adding new ones.
"""
import uuid

from sqlmodel import Session

from tracker.accounts import queries as accounts
from tracker.core.jalali import parse_jalali_date
from tracker.demo.data import KAZERUN_POOL
from tracker.meetings import services as meeting_services
from tracker.places import queries as places
from tracker.projects import queries as projects
from tracker.visits import services as visits

KAZERUN_VISIT = {
    "id": "5f1c2a8e-0625-4d6b-9c1e-140406250001",
    "project": KAZERUN_POOL,
    "date": "1404/06/25",
    "author": "bayari",
    "users": ["bayari", "kazerun"],
    # (name, title, agency)
    "guests": [
        ("", "نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی",
         "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی"),
        ("", "فرماندار ویژه کازرون", "فرمانداری ویژه کازرون"),
        ("چند تن از مسئولان شهرستان کازرون", "", None),
    ],
    "notes": (
        "بررسی روند پیشرفت و مشکلات پروژه بهسازی استخر مجموعه ورزشی کارگران کازرون. "
        "در این بازدید تصمیماتی اتخاذ شد که گزارش خبری آن‌ها را فهرست نکرده است. "
        "در همین سفر نشستی با کارکنان اداره تعاون، کار و رفاه اجتماعی کازرون برگزار شد."
    ),
}

KAZERUN_MEETING = {
    "id": "5f1c2a8e-0625-4d6b-9c1e-140406250002",
    "date": "1404/06/25",
    "body": "کارگروه اشتغال شهرستان کازرون",
    "county": "کازرون",
    "author": "bayari",
    "agenda": [
        "توسعه فعالیت شرکت توسعه عمران شهرستان",
        "تجهیز و تکمیل نیروی انسانی و تجهیزات اداره تعاون، کار و رفاه اجتماعی کازرون",
        "رفع مشکلات تعاونی نخلداران خشت و کنارتخته",
        "رفع مشکلات تعاونی چغندرکاران کازرون",
        "تسهیل زیرساخت‌ها، تجهیزات فرآوری و بازاریابی محصولات کشاورزی تعاونی‌ها و حمایت از تولیدکنندگان",
    ],
}


def _visit(session: Session) -> None:
    spec = KAZERUN_VISIT
    author = accounts.find_by_username(session, spec["author"])
    agency_ids = {name: projects.agency_by_name(session, name).id for _n, _t, name in spec["guests"] if name}
    people = visits.PeopleData(
        user_ids=tuple(accounts.find_by_username(session, username).id for username in spec["users"]),
        guests=tuple(visits.GuestData(name, title, agency_ids.get(agency)) for name, title, agency in spec["guests"]),
    )
    visits.create_visit(
        session, actor=author, project=projects.project_by_name(session, spec["project"]), storage=None,
        data=visits.VisitData(id=uuid.UUID(spec["id"]), visited_on=parse_jalali_date(spec["date"]),
                              notes=spec["notes"], people=people),
    )


def _meeting(session: Session) -> None:
    spec = KAZERUN_MEETING
    author = accounts.find_by_username(session, spec["author"])
    county = places.find_county(session, author.province_id, spec["county"])
    meeting_services.create_meeting(session, actor=author, data=meeting_services.MeetingData(
        id=uuid.UUID(spec["id"]), held_on=parse_jalali_date(spec["date"]), body=spec["body"], county_id=county.id,
        agenda=tuple(meeting_services.AgendaData(title) for title in spec["agenda"]),
    ))


def load_visits(session: Session) -> None:
    """The Kazerun visit and meeting of 1404/06/25, unless they are loaded already."""
    _visit(session)
    _meeting(session)
