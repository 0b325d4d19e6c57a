"""The demo data set: the Kazerun workers' pool as reported on 1404/06/25, and labelled sample data."""
from dataclasses import dataclass
from typing import NamedTuple

DEMO_PASSWORD = "pishraft-1404"

# (province, Persian name, English name, constituency or None)
COUNTIES = [
    ("Fars", "کازرون", "Kazerun", "حوزه انتخابیه کازرون و کوه‌چنار"),
    ("Fars", "کوه‌چنار", "Kuhchenar", "حوزه انتخابیه کازرون و کوه‌چنار"),
    ("Fars", "شیراز", "Shiraz", None),
    ("Zanjan", "زنجان", "Zanjan", None),
]

# (name, kind, province or None for national, is_sample)
AGENCIES = [
    ("دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی", "mp_office", "Fars", False),
    ("فرمانداری ویژه کازرون", "governorate", "Fars", False),
    ("سازمان مدیریت و برنامه‌ریزی استان فارس", "planning_organization", "Fars", False),
    ("اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس", "directorate", "Fars", False),
    ("اداره تعاون، کار و رفاه اجتماعی کازرون", "county_office", "Fars", False),
    ("شرکت توسعه عمران شهرستان کازرون", "other", "Fars", False),
    ("اداره‌کل تعاون، کار و رفاه اجتماعی استان زنجان", "directorate", "Zanjan", False),
    ("شرکت پیمانکاری نمونه پارس", "contractor", "Fars", True),
]

# (name, kind, county, is_sample)
FACILITIES = [
    ("استخر مجموعه ورزشی کارگران کازرون", "pool", "کازرون", False),
    ("مجموعه ورزشی کارگران شیراز", "sports_complex", "شیراز", True),
    ("مرکز آموزش تعاون زنجان", "training_centre", "زنجان", True),
    ("مهمانسرای کارگران کوه‌چنار", "guest_house", "کوه‌چنار", True),
]

KAZERUN_POOL = "بهسازی استخر کارگران کازرون"

# Everything on the Kazerun pool is from the news report; the other projects are sample data.
PROJECTS = [
    {
        "name": KAZERUN_POOL,
        "facility": "استخر مجموعه ورزشی کارگران کازرون",
        "status": "in_progress",
        "target_date": "1404/12/29",
        "agreement": (
            "توافق چهارجانبه نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی، فرمانداری ویژه کازرون، "
            "سازمان مدیریت و برنامه‌ریزی استان فارس و اداره‌کل تعاون، کار و رفاه اجتماعی فارس؛ "
            "منوط به تخصیص اعتبار مورد نیاز."
        ),
        "description": (
            "استخر مجموعه ورزشی کارگران کازرون سال‌ها به‌درستی بهره‌برداری و نگهداری نشده و دچار آسیب جدی "
            "شده است. تعمیرات و بهسازی در چند ماه پس از تخصیص اعتبار انجام می‌شود تا تا پایان سال "
            "در اختیار مردم شهرستان قرار گیرد."
        ),
        "partners": [
            "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی",
            "فرمانداری ویژه کازرون",
            "سازمان مدیریت و برنامه‌ریزی استان فارس",
            "اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس",
        ],
        "is_sample": False,
    },
    {
        "name": "بهسازی مجموعه ورزشی کارگران شیراز",
        "facility": "مجموعه ورزشی کارگران شیراز",
        "status": "planned",
        "start_date": "1405/07/01",
        "target_date": "1406/06/31",
        "physical_progress": 0,
        "partners": ["اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس"],
        "is_sample": True,
    },
    {
        "name": "نوسازی کلاس‌های مرکز آموزش تعاون زنجان",
        "facility": "مرکز آموزش تعاون زنجان",
        "status": "in_progress",
        "start_date": "1405/02/15",
        "target_date": "1405/11/30",
        "physical_progress": 35,
        "strategy": "human_resources",
        "partners": ["اداره‌کل تعاون، کار و رفاه اجتماعی استان زنجان"],
        "is_sample": True,
    },
    {
        "name": "تعمیر سیستم گرمایش مهمانسرای کارگران کوه‌چنار",
        "facility": "مهمانسرای کارگران کوه‌چنار",
        "status": "suspended",
        "start_date": "1404/09/01",
        "target_date": "1405/03/31",
        "physical_progress": 60,
        "partners": ["شرکت پیمانکاری نمونه پارس"],
        "is_sample": True,
    },
]

class DemoUser(NamedTuple):
    """A demo account (demo mode only); its post is what a brief's signature prints under the name."""

    username: str
    role: str
    province: str | None
    county: str | None
    full_name: str
    email: str
    post: str


USERS = [DemoUser(*user) for user in [
    ("admin", "admin", None, None, "مدیر سامانه", "admin@example.org", ""),
    ("bayari", "director", "Fars", None, "سعید بیاری", "bayari@example.org",
     "مدیرکل تعاون، کار و رفاه اجتماعی استان فارس"),
    ("kazerun", "director", "Fars", "کازرون", "رئیس اداره تعاون، کار و رفاه اجتماعی کازرون", "kazerun@example.org",
     "رئیس اداره تعاون، کار و رفاه اجتماعی شهرستان کازرون"),
    ("budget", "budget_officer", "Fars", None, "کارشناس بودجه فارس", "budget@example.org", ""),
    ("staff", "staff", "Fars", None, "کارشناس پروژه فارس", "staff@example.org", ""),
    ("mp-office", "viewer", "Fars", None, "دفتر نماینده کازرون و کوه‌چنار", "mp-office@example.org", ""),
    ("zanjan", "director", "Zanjan", None, "مدیر نمونه زنجان", "zanjan@example.org",
     "مدیرکل تعاون، کار و رفاه اجتماعی استان زنجان"),
]]

# Sample credit (invented: the report gives no amounts) on the sample projects only, in rials:
# (project, fiscal year, source code, approved, notified, allocated, spent)
SAMPLE_BUDGETS = [
    ("بهسازی مجموعه ورزشی کارگران شیراز", 1405, "national", 25_000_000_000, 15_000_000_000, 0, 0),
    ("نوسازی کلاس‌های مرکز آموزش تعاون زنجان", 1404, "provincial", 4_000_000_000, 4_000_000_000,
     4_000_000_000, 4_300_000_000),
    ("نوسازی کلاس‌های مرکز آموزش تعاون زنجان", 1405, "provincial", 8_000_000_000, 8_000_000_000,
     5_000_000_000, 3_200_000_000),
    ("تعمیر سیستم گرمایش مهمانسرای کارگران کوه‌چنار", 1404, "directorate", 2_000_000_000, 2_000_000_000,
     1_500_000_000, 1_200_000_000),
    ("تعمیر سیستم گرمایش مهمانسرای کارگران کوه‌چنار", 1405, "national", 3_000_000_000, 1_000_000_000, 0, 0),
]
SAMPLE_BUDGET_REASON = "داده نمونه برای نمایش"


@dataclass(frozen=True)
class DemoLogins:
    """What the login page lists in demo mode: the demo users and their one password."""

    users: list
    password: str


LOGINS = DemoLogins(USERS, DEMO_PASSWORD)
