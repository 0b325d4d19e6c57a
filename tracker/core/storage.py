"""Where the app's files live (visit photos, issued briefs): one small interface, a local folder by default.

Keys are relative paths with forward slashes ("photos/ab/ab….display.jpg", "1405/….pdf"). Every store the app has
is named in STORES; backup and restore go through this interface, so they work whatever holds the files.
TRACKER_STORAGE=s3 keeps them in an S3-compatible bucket instead, so that several web servers share them.
"""
from __future__ import annotations

import io
import os
import tempfile
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Protocol

from flask import Response, request, send_file

from tracker.core.errors import NotFound

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
                file.flush()
                os.fsync(file.fileno())  # on disk before the name points at it: a crash leaves no empty file
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


def _missing(error) -> bool:
    return error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, MinIO, ArvanCloud…), under a key prefix: shared by every web server."""

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = "/".join(part for part in prefix.split("/") if part)

    def object_key(self, key: str) -> str:
        """The bucket's name for a key: the key under the prefix."""
        key = checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        # One PUT: the object appears whole or not at all.
        self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=data)

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from None
            raise
        with answer["Body"] as body:
            return body.read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start + prefix):
            for item in page.get("Contents", ()):
                yield item["Key"][len(start):]


_clients_lock = threading.Lock()


@cache
def _s3_client(endpoint_url: str, region: str, access_key_id: str, secret_access_key: str):
    """One client per set of settings, made once: making one costs milliseconds, and a client is thread-safe."""
    import boto3
    from botocore.config import Config

    # S3-compatible servers other than AWS reject or lack the checksums newer botocore sends by default.
    config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required",
                    s3={"addressing_style": "path"} if endpoint_url else None)
    credentials = {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key} \
        if access_key_id else {}  # else boto3's own chain: AWS_ACCESS_KEY_ID…, ~/.aws, an instance role
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                          config=config, **credentials)


def storage_for(config, store: str) -> Storage:
    """The storage of one of STORES, as the app's settings describe it."""
    kind = config.get("STORAGE", "local")
    if kind == "local":
        return LocalStorage(config[STORES[store]])
    if kind != "s3":
        raise RuntimeError(f"TRACKER_STORAGE is {kind!r}: use local or s3")
    if not config.get("S3_BUCKET"):
        raise RuntimeError("TRACKER_STORAGE=s3 needs TRACKER_S3_BUCKET")
    with _clients_lock:  # boto3's session setup is not thread-safe
        client = _s3_client(config.get("S3_ENDPOINT_URL", ""), config.get("S3_REGION", ""),
                            config.get("S3_ACCESS_KEY_ID", ""), config.get("S3_SECRET_ACCESS_KEY", ""))
    # Each store under its own name, so that keys keep the relative paths they have in the local folders.
    return S3Storage(client, config["S3_BUCKET"], f"{config.get('S3_PREFIX', '')}/{store}")


def send_stored(storage: Storage, key: str, *, mimetype: str, etag: str, max_age: int | None = None,
                as_attachment: bool = False, download_name: str | None = None) -> Response:
    """A stored file as the answer to a request (304 when the browser has it already); NotFound when it is missing.

    The bytes go through the app, never a link to the bucket: the caller has checked who may see them, and the
    pages' CSP loads images from the app only.
    """
    options = {"mimetype": mimetype, "etag": etag, "max_age": max_age, "conditional": True,
               "as_attachment": as_attachment, "download_name": download_name}
    if isinstance(storage, LocalStorage):
        # Absolute: send_file would take a relative path from the app's package instead.
        path = storage.path(key).absolute()
        if not path.is_file():
            raise NotFound()
        return send_file(path, **options)
    if request.if_none_match.contains(etag):
        data = b""  # the browser has it: the answer is a 304, no need to fetch the object
    else:
        try:
            data = storage.get(key)
        except FileNotFoundError:
            raise NotFound() from None
    return send_file(io.BytesIO(data), **options)
