"""`flask backup` and `flask restore`: a whole site comes back row for row and file for file, on SQLite and PostgreSQL;
a damaged backup, a newer one or a target that is not empty is refused with nothing changed."""
import hashlib
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask_babel import force_locale
from sqlalchemy import inspect, pool, select, text

from tests.factories import Factories
from tests.helpers import jpeg
from tracker import __version__, create_app
from tracker.accounts.models import Role
from tracker.accounts.services import start_login
from tracker.app import metadata
from tracker.briefs.services import BriefSettings, issue_project_brief
from tracker.core import backup as backups
from tracker.core import clock
from tracker.core.backup import BackupError, backup, restore
from tracker.core.cli import alembic_config
from tracker.core.db import make_engine
from tracker.core.storage import STORES, storage_for
from tracker.visits import services as visits
from tracker.visits.services import PhotoStorage

KINDS = ["sqlite", "postgresql"]
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def site_app(tmp: Path, url: str):
    """An app on this database with file stores of its own under `tmp`."""
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                       "BASE_URL": "https://pishraft.example.org", "UPLOAD_DIR": str(tmp / "uploads"),
                       "BRIEFS_DIR": str(tmp / "briefs")})


def fill(app) -> None:
    """What a directorate has after some use: users and a login, a project with partners and budget lines, a visit
    with photos and a decision, a meeting, an issued brief, and the audit trail of all of it."""
    with app.app_context(), app.extensions["session_factory"]() as session:
        make = Factories(session, photos=PhotoStorage.from_config(app.config))
        director = make.user(role=Role.director, full_name="سعید بیاری", email="bayari@example.org")
        make.user(role=Role.budget_officer, full_name="کارشناس بودجه")
        start_login(session, user=director, user_agent="pytest")
        project = make.project(name="بهسازی استخر کارگران کازرون", physical_progress=30)
        make.partner(project, commitment="تأمین اعتبار استانی")
        make.budget(project, year=1405, source="national", approved=12_000_000_000, notified=8_000_000_000)
        make.budget(project, year=1405, source="provincial", approved=3_500_000_000)
        make.visit(project, author=director, observed_progress=40, notes="کاشی‌کاری کف استخر آغاز شده است.",
                   photos=(visits.PhotoUpload(jpeg(), caption="نمای استخر", filename="pool.jpg"),
                           visits.PhotoUpload(jpeg((40, 110, 170)), caption="تصفیه‌خانه", filename="plant.jpg")))
        make.decision(project, text="پیگیری تخصیص اعتبار استانی", due_date=date(2026, 12, 21))
        make.meeting(notes="بررسی پیشرفت استخر کارگران")
        issue_project_brief(session, actor=make.admin, project=project, for_whom="دفتر نماینده کازرون",
                            settings=BriefSettings.from_config(app.config))
        session.commit()


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table of the app (and alembic_version), all columns, in primary-key order."""
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        found = {table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                 for table in metadata().sorted_tables}
        found["alembic_version"] = [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    engine.dispose()
    return found


def files(app) -> dict[str, dict[str, str]]:
    """The SHA-256 of every file of every store, by store and key."""
    stores = {store: storage_for(app.config, store) for store in STORES}
    return {store: {key: hashlib.sha256(storage.get(key)).hexdigest() for key in sorted(storage.keys())}
            for store, storage in stores.items()}


def is_empty(app) -> bool:
    """Whether the database holds no table but an empty alembic_version, and every store no file."""
    engine = make_engine(app.config["DATABASE_URL"], poolclass=pool.NullPool)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() if tables else 0
    engine.dispose()
    return tables <= {"alembic_version"} and not versions and not any(files(app).values())


@pytest.fixture(scope="module", params=KINDS)
def source(request, empty_database_url, tmp_path_factory):
    """A filled site on one kind of database, its rows and files as they were, and a backup of it."""
    tmp = tmp_path_factory.mktemp(f"source-{request.param}")
    url = empty_database_url(request.param)
    command.upgrade(alembic_config(url), "head")
    app = site_app(tmp, url)
    fill(app)
    started = clock.now()
    manifest = backup(app.config, tmp / "backup")
    assert started <= datetime.fromisoformat(manifest["created_at"]) <= clock.now()  # the clock's moment, in UTC
    return app, rows(url), files(app), tmp / "backup", manifest


@pytest.fixture
def target(source, empty_database_url, tmp_path):
    """An app on an empty database of the source's kind, with empty stores."""
    kind = source[0].extensions["engine"].dialect.name
    return site_app(tmp_path, empty_database_url(kind))


@pytest.fixture
def copy_of_backup(source, tmp_path):
    """A copy of the source's backup that a test may damage."""
    return Path(shutil.copytree(source[3], tmp_path / "backup-copy"))


def test_the_backup_holds_every_row_and_file_with_a_manifest(source):
    app, before, before_files, out, manifest = source
    assert before["users"] and before["projects"] and before["budget_lines"] and before["budget_entries"]
    assert before["visits"] and before["photos"] and before["briefs"] and before["audit_events"]
    assert before["login_sessions"] and before["decisions"] and before["meetings"]
    assert len(before_files["uploads"]) >= 2 and len(before_files["briefs"]) == 1
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk == manifest
    assert manifest["app_version"] == __version__
    assert manifest["alembic_revision"] == HEAD
    assert manifest["database"] == app.extensions["engine"].dialect.name
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset() == timedelta(0)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert manifest["database_file"] in listed
    assert {f"files/{store}/{key}" for store, keys in before_files.items() for key in keys} == \
        set(listed) - {manifest["database_file"]}
    for path, entry in listed.items():
        data = (out / path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    assert not out.with_name(out.name + ".partial").exists()


@pytest.mark.parametrize("start", ["no tables", "an empty alembic_version"])
def test_a_restore_into_an_empty_site_gives_back_every_row_and_file(source, target, start):
    _app, before, before_files, out, _manifest = source
    if start == "an empty alembic_version":
        engine = make_engine(target.config["DATABASE_URL"], poolclass=pool.NullPool)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        engine.dispose()
    restore(target.config, out)
    assert rows(target.config["DATABASE_URL"]) == before
    assert files(target) == before_files


def test_a_site_on_local_folders_restores_into_object_storage(source, target, s3_settings):
    """Moving to several web servers: the backup of one server's folders fills a shared bucket, file for file."""
    _app, before, before_files, out, _manifest = source
    target.config.update(s3_settings)
    restore(target.config, out)
    assert rows(target.config["DATABASE_URL"]) == before
    assert files(target) == before_files
    assert not Path(target.config["UPLOAD_DIR"]).exists()  # nothing went to this machine's disk


def test_a_restore_migrates_an_older_backup_to_head(target, empty_database_url, tmp_path):
    kind = target.extensions["engine"].dialect.name
    old = site_app(tmp_path / "old", empty_database_url(kind))
    command.upgrade(alembic_config(old.config["DATABASE_URL"]), "0007")
    manifest = backup(old.config, tmp_path / "old-backup")
    assert manifest["alembic_revision"] == "0007"
    restore(target.config, tmp_path / "old-backup")
    assert rows(target.config["DATABASE_URL"])["alembic_version"] == [(HEAD,)]


def english(app, refused) -> str:
    """A refusal's message as the command prints it first, in English."""
    with app.app_context(), force_locale("en"):
        return str(refused.value.message)


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["database", "photo", "brief", "missing photo"])
def test_a_damaged_backup_is_refused_with_nothing_changed(copy_of_backup, target, damage):
    manifest = backups.read_manifest(copy_of_backup)
    paths = [entry["path"] for entry in manifest["files"]]
    if damage == "database":
        victim = manifest["database_file"]
    else:
        victim = next(p for p in paths if p.startswith("files/uploads/" if "photo" in damage else "files/briefs/"))
    if damage == "missing photo":
        (copy_of_backup / victim).unlink()
    else:
        _flip_a_byte(copy_of_backup / victim)
    with pytest.raises(BackupError) as refused:
        restore(target.config, copy_of_backup)
    assert f"The backup is damaged: {victim} is missing" in english(target, refused)
    assert is_empty(target)


def test_a_backup_from_a_newer_revision_is_refused(copy_of_backup, target):
    manifest = json.loads((copy_of_backup / "manifest.json").read_text())
    manifest["alembic_revision"] = "9999"
    (copy_of_backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError) as refused:
        restore(target.config, copy_of_backup)
    assert f"revision 9999, which this version of Pishraft ({__version__}, revision {HEAD}) does not know" \
        in english(target, refused)
    assert is_empty(target)


def test_a_database_that_is_not_empty_is_refused(source, target):
    url = target.config["DATABASE_URL"]
    command.upgrade(alembic_config(url), "head")  # a migrated database already holds the provinces
    before = rows(url)
    with pytest.raises(BackupError) as refused:
        restore(target.config, source[3])
    assert english(target, refused).startswith("The target database is not empty (it holds agencies, ")
    assert rows(url) == before and not any(files(target).values())


def test_file_stores_that_are_not_empty_are_refused(source, target):
    storage_for(target.config, "briefs").put("1405/other.pdf", b"%PDF-")
    with pytest.raises(BackupError) as refused:
        restore(target.config, source[3])
    assert english(target, refused).startswith("The file store briefs is not empty")
    assert files(target) == {"uploads": {}, "briefs": {"1405/other.pdf": hashlib.sha256(b"%PDF-").hexdigest()}}


class FailingStorage:
    """A store that refuses its third put, as a full disk or a lost connection would."""

    puts = 0

    def __init__(self, storage):
        self.storage = storage

    def put(self, key, data):
        FailingStorage.puts += 1
        if FailingStorage.puts == 3:
            raise OSError("No space left on device")
        self.storage.put(key, data)

    def __getattr__(self, name):
        return getattr(self.storage, name)


def test_a_failure_midway_through_the_files_leaves_the_target_empty(source, target, monkeypatch):
    monkeypatch.setattr(FailingStorage, "puts", 0)
    monkeypatch.setattr(backups, "storage_for", lambda config, store: FailingStorage(storage_for(config, store)))
    with pytest.raises(BackupError) as refused:
        restore(target.config, source[3])
    assert english(target, refused).endswith("are empty again: No space left on device")
    assert FailingStorage.puts == 3
    assert is_empty(target)


def test_a_database_file_cut_short_is_refused_with_nothing_changed(copy_of_backup, target):
    """Even with a manifest to match it (only an accident or a hand could make one), a truncated database is refused."""
    manifest = json.loads((copy_of_backup / "manifest.json").read_text())
    dump = copy_of_backup / manifest["database_file"]
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])
    entry = next(e for e in manifest["files"] if e["path"] == manifest["database_file"])
    entry.update(size=dump.stat().st_size, sha256=hashlib.sha256(dump.read_bytes()).hexdigest())
    (copy_of_backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError) as refused:
        restore(target.config, copy_of_backup)
    assert is_empty(target)
    assert ("pg_restore failed" if manifest["database"] == "postgresql" else
            "The SQLite database fails its integrity check") in english(target, refused)


def test_a_restore_that_postgresql_fails_midway_leaves_the_target_empty(empty_database_url, tmp_path):
    """pg_restore stops at the first error and its one transaction takes back every table it made; the files go too."""
    url = empty_database_url("postgresql")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        # A check that reads another table restores only after data that pg_dump orders after it (a known limit
        # of pg_dump): its rows fail to load halfway through the restore, after the tables are made.
        conn.execute(text("CREATE FUNCTION project_count() RETURNS int LANGUAGE sql "
                          "AS 'SELECT count(*)::int FROM projects'"))
        conn.execute(text("CREATE TABLE zz_probe (n int CHECK (n <= project_count()))"))
        conn.execute(text("INSERT INTO zz_probe VALUES (0)"))
    engine.dispose()
    app = site_app(tmp_path / "source", url)
    storage_for(app.config, "uploads").put("photos/ab/ab.jpg", jpeg())
    storage_for(app.config, "briefs").put("1405/fars-00001.pdf", b"%PDF-1.7")
    backup(app.config, tmp_path / "backup")
    target = site_app(tmp_path / "target", empty_database_url("postgresql"))
    with pytest.raises(BackupError) as refused:
        restore(target.config, tmp_path / "backup")
    said = english(target, refused)
    assert said.startswith("The restore failed and was undone; the database and the file stores are empty again: "
                           "pg_restore failed:") and "zz_probe" in said
    assert is_empty(target)


def test_a_backup_refuses_a_folder_that_is_not_empty_and_leaves_nothing_when_it_fails(source, tmp_path, monkeypatch):
    app = source[0]
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(BackupError) as refused:
        backup(app.config, tmp_path / "used")
    assert english(app, refused).endswith("exists and is not empty: choose a new folder for the backup.")
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["notes.txt"]

    def broken(config, store):
        storage = storage_for(config, store)
        storage.get = lambda key: (_ for _ in ()).throw(OSError("read error"))
        return storage

    monkeypatch.setattr(backups, "storage_for", broken)
    with pytest.raises(OSError, match="read error"):
        backup(app.config, tmp_path / "new")
    assert not (tmp_path / "new").exists() and not (tmp_path / "new.partial").exists()


def test_the_commands_back_up_and_restore_and_explain_a_refusal_in_english_and_persian(source, target, tmp_path):
    app = source[0]
    made = app.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "by-cli")])
    assert made.exit_code == 0, made.output
    assert f"Backup written to {tmp_path / 'by-cli'}: database revision {HEAD}" in made.output
    assert f"پشتیبان در {tmp_path / 'by-cli'} نوشته شد" in made.output
    restored = target.test_cli_runner().invoke(args=["restore", "--from", str(tmp_path / "by-cli")])
    assert restored.exit_code == 0, restored.output
    assert f"Restored {tmp_path / 'by-cli'} (revision {HEAD}" in restored.output
    assert rows(target.config["DATABASE_URL"]) == source[1] and files(target) == source[2]
    again = target.test_cli_runner().invoke(args=["restore", "--from", str(tmp_path / "by-cli")])
    assert again.exit_code == 1
    assert "Error: The target database is not empty" in again.output and "پایگاه داده مقصد خالی نیست" in again.output
