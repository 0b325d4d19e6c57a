"""Backup and restore: the database and every file store in one folder, with a manifest of sizes and SHA-256 sums.

A backup folder holds `manifest.json`, the database (`database.pgdump` from pg_dump -Fc, or `database.sqlite3` from
SQLite's online backup API) and `files/<store>/<key>` for every file of every store in core.storage.STORES. Files go
through the storage interface only, so a backup works the same for a local folder and for object storage.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import click
from alembic import command
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import inspect, pool, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tracker.core import clock
from tracker.core.cli import alembic_config
from tracker.core.config import VERSION
from tracker.core.db import PERSIAN, make_engine
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.persian import persian_collate
from tracker.core.storage import STORES, checked_key, storage_for

MANIFEST = "manifest.json"
FORMAT = 1
FILES = "files"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Debian installs each PostgreSQL major version's client programs here; the one on PATH may be older than the server.
PG_BIN = "/usr/lib/postgresql/{major}/bin/{tool}"
NO_SCHEMA = _l("The database has no schema yet (no Alembic revision): there is nothing to back up.")


class BackupError(Exception):
    """Why a backup or a restore was refused or failed; the message is translated when it is shown."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Taking a backup.

def backup(config, out: Path) -> dict:
    """Write a backup of the database and every file store to `out`, which must not exist or be empty."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(_l("%(path)s exists and is not empty: choose a new folder for the backup.", path=out))
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        raise BackupError(_l("%(path)s is left from an interrupted backup: delete it, then run the backup again.",
                             path=partial))
    url = config["DATABASE_URL"]
    kind = _kind(url)
    partial.mkdir(parents=True)
    try:
        database_file = partial / DATABASE_FILES[kind]
        # The database first, then the files: a file added meanwhile is only an extra, never a row's missing photo.
        revision = _dump_postgres(url, database_file) if kind == "postgresql" else _copy_sqlite(url, database_file)
        entries = [_entry(partial, database_file)]
        for store in STORES:
            storage = storage_for(config, store)
            for key in sorted(storage.keys()):
                target = partial / FILES / store / checked_key(key)
                target.parent.mkdir(parents=True, exist_ok=True)
                _write(target, storage.get(key))
                entries.append(_entry(partial, target))
        manifest = {"format": FORMAT, "app_version": VERSION, "alembic_revision": revision,
                    "created_at": clock.now().isoformat(), "database": kind, "database_file": DATABASE_FILES[kind],
                    "stores": list(STORES), "files": entries}
        _write(partial / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        # Only a whole backup gets the name asked for (an empty folder of that name is replaced).
        os.replace(partial, out)
        _sync(out.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _dump_postgres(url: str, target: Path) -> str:
    revision = _revision(url)
    _run(_pg_tool("pg_dump", url), "--format=custom", "--no-password", f"--file={target}",
         f"--dbname={_libpq(url)}", url=url)
    _sync(target)
    return revision


def _copy_sqlite(url: str, target: Path) -> str:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(NO_SCHEMA)
    # The online backup API copies a consistent snapshot even while the app writes (WAL included).
    with closing(_sqlite(source_path)) as source, closing(_sqlite(target)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_sqlite(copy)
        revision = _sqlite_revision(copy)
    _sync(target)
    if revision is None:
        raise BackupError(NO_SCHEMA)
    return revision


# Restoring one.

def restore(config, source: Path) -> dict:
    """Restore a backup into an empty database and empty file stores, all or nothing, then migrate to head."""
    source = Path(source)
    url = config["DATABASE_URL"]
    manifest = read_manifest(source)
    kind = _kind(url)
    if manifest["database"] != kind:
        raise BackupError(_l("The backup was made from a %(backup)s database and the target is %(target)s: restore "
                             "into a database of the same kind (a SQLite backup cannot be restored into PostgreSQL).",
                             backup=manifest["database"], target=kind))
    _check_revision(url, manifest)
    files = _verified_files(source, manifest)
    _check_empty_database(url)
    _check_empty_stores(config)
    database_file = source / manifest["database_file"]
    if kind == "postgresql":
        _run(_pg_tool("pg_restore", url), "--list", str(database_file), url=url)  # a readable archive, or stop here
    else:
        with closing(_sqlite(database_file, read_only=True)) as copy:
            _check_sqlite(copy)

    restored = []
    try:
        # The files first: undoing them is deleting them, while the database is restored in one transaction.
        for store, key, path in files:
            storage_for(config, store).put(key, path.read_bytes())
            restored.append((store, key))
        if kind == "postgresql":
            _restore_postgres(url, database_file)
        else:
            _restore_sqlite(url, database_file)
    except BaseException as error:
        for store, key in restored:
            storage_for(config, store).delete(key)
        if not isinstance(error, Exception):  # an interrupt: undone all the same, and it goes on as one
            raise
        raise BackupError(_l("The restore failed and was undone; the database and the file stores are empty again: "
                             "%(error)s", error=error.message if isinstance(error, BackupError) else error)) from error
    command.upgrade(alembic_config(url), "head")
    return manifest


def read_manifest(source: Path) -> dict:
    """The manifest of a backup folder; a BackupError when it is missing or not one of ours."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        if (manifest.get("format") != FORMAT or manifest["database"] not in DATABASE_FILES
                or manifest["database_file"] != DATABASE_FILES[manifest["database"]]):
            raise ValueError(manifest.get("format"))
        return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(_l("%(path)s is not a backup: it has no readable manifest.json.", path=source)) from None


def _check_revision(url: str, manifest: dict) -> None:
    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        known = script.get_revision(manifest["alembic_revision"]) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(_l("The backup is at database revision %(revision)s, which this version of Pishraft "
                             "(%(version)s, revision %(head)s) does not know: install the version that made it "
                             "(%(backup_version)s) or a later one, then restore.",
                             revision=manifest["alembic_revision"], version=VERSION,
                             head=", ".join(script.get_heads()), backup_version=manifest.get("app_version", "?")))


def _verified_files(source: Path, manifest: dict) -> list[tuple[str, str, Path]]:
    """Check every file against the manifest before anything changes; the files to put, as (store, key, path)."""
    files = []
    listed = {entry["path"] for entry in manifest["files"]}
    if manifest["database_file"] not in listed:
        raise _damaged(manifest["database_file"])
    for entry in manifest["files"]:
        relative = entry["path"]
        if relative != manifest["database_file"]:
            top, store, key = (relative.split("/", 2) + ["", ""])[:3]
            try:
                key = checked_key(key)
            except ValueError:
                key = ""
            if top != FILES or store not in STORES or not key:
                raise BackupError(_l("The manifest names a file outside the backup's folders: %(file)s.",
                                     file=relative))
            files.append((store, key, source / relative))
        path = source / relative
        if not path.is_file() or path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise _damaged(relative)
    return files


def _damaged(relative: str) -> BackupError:
    return BackupError(_l("The backup is damaged: %(file)s is missing or differs from the manifest in size or "
                          "SHA-256. Nothing was changed; restore from another backup.", file=relative))


def _check_empty_database(url: str) -> None:
    """Refuse a database with any table but an empty alembic_version (a restore never merges into data)."""
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            found = inspect(conn).get_table_names() + inspect(conn).get_view_names()
            if "alembic_version" in found and not conn.execute(text("SELECT count(*) FROM alembic_version")).scalar():
                found.remove("alembic_version")
    except OperationalError as error:
        raise BackupError(_l("The target database does not answer: %(error)s. Create it empty, point "
                             "TRACKER_DATABASE_URL at it, and run the restore again.",
                             error=str(error.orig).strip())) from None
    finally:
        engine.dispose()
    if found:
        raise BackupError(_l("The target database is not empty (it holds %(tables)s): create a new empty database, "
                             "point TRACKER_DATABASE_URL at it, and run the restore again (without `flask db upgrade` "
                             "before it).", tables=", ".join(sorted(found)[:5]) + (" …" if len(found) > 5 else "")))


def _check_empty_stores(config) -> None:
    for store in STORES:
        if next(iter(storage_for(config, store).keys()), None) is not None:
            raise BackupError(_l("The file store %(store)s is not empty: restore into empty stores (move its files "
                                 "away, or give it a new folder or bucket), then run the restore again.", store=store))


def _restore_postgres(url: str, archive: Path) -> None:
    # One transaction: a failure leaves the database as it was. --clean --if-exists replaces an empty
    # alembic_version table (the only thing an empty target may hold); owners and grants are the target's.
    _run(_pg_tool("pg_restore", url), "--single-transaction", "--exit-on-error", "--clean", "--if-exists",
         "--no-owner", "--no-acl", "--no-password", f"--dbname={_libpq(url)}", str(archive), url=url)


def _restore_sqlite(url: str, copy_path: Path) -> None:
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    # The backup API writes every page of the target in one transaction: all of it, or the target as it was.
    with closing(_sqlite(copy_path, read_only=True)) as copy, closing(_sqlite(target_path)) as target:
        copy.backup(target)


# PostgreSQL's and SQLite's own tools.

def _kind(url: str) -> str:
    kind = make_url(url).get_backend_name()
    if kind not in DATABASE_FILES or (kind == "sqlite" and make_url(url).database in (None, "", ":memory:")):
        raise BackupError(_l("Only SQLite files and PostgreSQL databases can be backed up and restored, not %(kind)s.",
                             kind=make_url(url).render_as_string(hide_password=True)))
    return kind


def _revision(url: str) -> str:
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                        if "alembic_version" in tables else None)
    finally:
        engine.dispose()
    if revision is None:
        raise BackupError(NO_SCHEMA)
    return revision


def _libpq(url: str) -> str:
    """The database URL as libpq reads it, without its password (which goes in PGPASSWORD, not on a command line)."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _pg_tool(tool: str, url: str) -> str:
    """The server's own version of pg_dump or pg_restore: an older one refuses a newer server's database."""
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            major = int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000
    finally:
        engine.dispose()
    for candidate in (PG_BIN.format(major=major, tool=tool), shutil.which(tool)):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(_l("%(tool)s was not found: install the PostgreSQL client programs of the server's version "
                         "(the postgresql-client-%(major)s package), then try again.", tool=tool, major=major))


def _run(program: str, *args: str, url: str) -> None:
    environment = dict(os.environ)
    if password := make_url(url).password:
        environment["PGPASSWORD"] = password
    done = subprocess.run([program, *args], env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_l("%(tool)s failed: %(error)s", tool=Path(program).name,
                             error=done.stderr.strip() or f"exit status {done.returncode}"))


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _sqlite(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A plain connection that knows the app's Persian collation (an integrity check reads its indexes)."""
    connection = (sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) if read_only
                  else sqlite3.connect(path))
    connection.create_collation(PERSIAN, persian_collate)
    return connection


def _check_sqlite(connection: sqlite3.Connection) -> None:
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:  # too damaged to even check ("file is not a database")
        result = [str(error)]
    if result != ["ok"]:
        raise BackupError(_l("The SQLite database fails its integrity check: %(result)s",
                             result="; ".join(result[:3])))


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


# Files.

def _entry(root: Path, path: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _sync(path: Path) -> None:
    """Flush a file, or a folder's entries, to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# The commands.

def _both(message) -> str:
    """A message in English, then in Persian: whoever runs the command reads one of them."""
    with force_locale("en"):
        english = str(message)
    with force_locale("fa"):
        persian = str(message)
    return f"{english}\n{persian}"


@click.command("backup")
@with_appcontext
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A new (or empty) folder for the backup.")
def backup_command(out: Path):
    """Back up the database and every file store (photos, briefs) into a new folder."""
    try:
        manifest = backup(current_app.config, out)
    except BackupError as error:
        raise click.ClickException(_both(error.message)) from None
    click.echo(_both(_l("Backup written to %(path)s: database revision %(revision)s; files: %(files)s (the database "
                        "included); size: %(size)s bytes.",
                        path=out, revision=manifest["alembic_revision"], files=len(manifest["files"]),
                        size=sum(entry["size"] for entry in manifest["files"]))))


@click.command("restore")
@with_appcontext
@click.option("--from", "source", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder written by `flask backup`.")
def restore_command(source: Path):
    """Restore a backup into an empty database and empty file stores, then migrate to the newest revision."""
    try:
        manifest = restore(current_app.config, source)
    except BackupError as error:
        raise click.ClickException(_both(error.message)) from None
    click.echo(_both(_l("Restored %(path)s (revision %(revision)s, made %(created)s) and migrated the database to the "
                        "newest revision.", path=source, revision=manifest["alembic_revision"],
                        created=manifest["created_at"])))
