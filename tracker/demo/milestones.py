"""Demo milestones: the Kazerun pool's reported reopening target (1404/12/29) and labelled sample milestones."""
from sqlmodel import Session

from tracker.accounts import queries as account_queries
from tracker.accounts.models import User
from tracker.core.jalali import parse_jalali_date
from tracker.core.party import Party
from tracker.milestones import queries as milestone_queries
from tracker.milestones import services as milestones
from tracker.milestones.models import MilestoneState
from tracker.projects import queries

# (project, title, due date, responsible "user:<username>" or "agency:<name>", met on or None, is_sample).
# Only the Kazerun reopening target was reported; everything else is invented and shown as sample data.
MILESTONES = [
    ("بهسازی استخر کارگران کازرون", "ارزیابی وضعیت استخر و برآورد خسارت", "1404/07/30",
     "user:kazerun", "1404/07/28", True),
    ("بهسازی استخر کارگران کازرون", "تخصیص اعتبار مورد نیاز", "1404/09/30",
     "agency:سازمان مدیریت و برنامه‌ریزی استان فارس", None, True),
    ("بهسازی استخر کارگران کازرون", "انعقاد قرارداد با پیمانکار", "1404/10/30", "user:kazerun", None, True),
    ("بهسازی استخر کارگران کازرون", "اجرای عملیات تعمیرات و بهسازی", "1404/12/15",
     "agency:اداره تعاون، کار و رفاه اجتماعی کازرون", None, True),
    ("بهسازی استخر کارگران کازرون", "بازگشایی استخر برای مردم شهرستان", "1404/12/29", "user:bayari", None, False),
    ("بهسازی مجموعه ورزشی کارگران شیراز", "طراحی و برآورد هزینه", "1405/09/05", "user:staff", None, True),
    ("بهسازی مجموعه ورزشی کارگران شیراز", "تخصیص اعتبار", "1405/09/16",
     "agency:اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس", None, True),
]


def _responsible(session: Session, ref: str) -> Party:
    kind, _, name = ref.partition(":")
    if kind == "user":
        return Party(user_id=account_queries.find_by_username(session, name).id)
    return Party(agency_id=queries.agency_by_name(session, name).id)


def load_milestones(session: Session, admin: User) -> None:
    """Add the demo milestones to projects that have none yet."""
    done = set()
    for project_name, title, due, responsible, met_on, is_sample in MILESTONES:
        project = queries.project_by_name(session, project_name)
        if project is None or (project.id not in done and milestone_queries.has_milestones(session, project.id)):
            continue
        done.add(project.id)
        met = parse_jalali_date(met_on) if met_on else None
        data = milestones.MilestoneData(
            title=title, due_date=parse_jalali_date(due), responsible=_responsible(session, responsible),
            state=MilestoneState.met if met else MilestoneState.pending, met_on=met)
        milestones.add_milestone(session, actor=admin, project=project, data=data, is_sample=is_sample)
