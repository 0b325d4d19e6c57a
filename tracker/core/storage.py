"""Where the app's files live (visit photos, issued briefs): one small interface, a local folder by default.

Keys are relative paths with forward slashes ("photos/ab/ab….display.jpg", "1405/….pdf"). Every store the app has
is named in STORES; backup and restore go through this interface, so they work whatever holds the files.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Protocol

# The stores of the app, by name: the setting that gives each one's local folder.
STORES = {"uploads": "UPLOAD_DIR", "briefs": "BRIEFS_DIR"}


class Storage(Protocol):
    """A place that keeps files by key."""

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes under the key, replacing what was there, all at once (never a half-written file)."""

    def get(self, key: str) -> bytes:
        """The bytes under the key; FileNotFoundError when there are none."""

    def exists(self, key: str) -> bool:
        """Whether something is stored under the key."""

    def delete(self, key: str) -> None:
        """Remove what is under the key, if anything."""

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key that starts with the prefix, in no set order."""


def checked_key(key: str) -> str:
    """The key itself when it is a plain relative path; a ValueError for '..', absolute paths and the like."""
    path = PurePosixPath(key)
    if not key or path.is_absolute() or any(part in ("", ".", "..") for part in key.split("/")) or "\\" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return str(path)


class LocalStorage:
    """Files in a folder of this machine (the default; one web server, or a folder every server mounts)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of a key (for sending it from this machine)."""
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed over it: a reader sees the old file or the new one, never half.
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith(".partial-"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key


def storage_for(config, store: str) -> Storage:
    """The storage of one of STORES, as the app's settings describe it."""
    return LocalStorage(config[STORES[store]])
