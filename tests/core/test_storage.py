"""The storage interface photos and briefs go through: the same contract from a local folder and from an S3 bucket."""
import boto3
import pytest
from flask import Flask

from tracker.core.errors import NotFound
from tracker.core.storage import LocalStorage, S3Storage, send_stored, storage_for


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    """One store of each kind: the uploads folder, or the uploads store of an S3 bucket (under a key prefix)."""
    if request.param == "local":
        return storage_for({"UPLOAD_DIR": str(tmp_path / "uploads")}, "uploads")
    return storage_for(request.getfixturevalue("s3_settings"), "uploads")


def test_the_settings_pick_the_implementation(tmp_path, s3_settings):
    assert isinstance(storage_for({"BRIEFS_DIR": str(tmp_path)}, "briefs"), LocalStorage)
    s3 = storage_for(s3_settings, "briefs")
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == (s3_settings["S3_BUCKET"], "pishraft/briefs")
    with pytest.raises(RuntimeError, match="TRACKER_S3_BUCKET"):
        storage_for({**s3_settings, "S3_BUCKET": ""}, "uploads")
    with pytest.raises(RuntimeError, match="local or s3"):
        storage_for({"STORAGE": "ftp"}, "uploads")


def test_what_is_put_is_got_back_and_a_second_put_replaces_it(storage):
    key = "photos/ab/abcdef.display.jpg"
    assert not storage.exists(key)

    storage.put(key, b"first")
    assert storage.exists(key) and storage.get(key) == b"first"

    storage.put(key, b"second, longer")
    assert storage.get(key) == b"second, longer"
    assert list(storage.keys()) == [key]


def test_a_deleted_key_is_gone_and_deleting_nothing_is_no_error(storage):
    storage.put("1405/fars-00001-aaaa.pdf", b"%PDF")
    storage.put("1405/fars-00002-bbbb.pdf", b"%PDF-2")

    storage.delete("1405/fars-00001-aaaa.pdf")
    storage.delete("1405/never-stored.pdf")

    assert not storage.exists("1405/fars-00001-aaaa.pdf") and storage.exists("1405/fars-00002-bbbb.pdf")
    with pytest.raises(FileNotFoundError):
        storage.get("1405/fars-00001-aaaa.pdf")
    assert list(storage.keys()) == ["1405/fars-00002-bbbb.pdf"]


def test_keys_are_listed_by_prefix_as_they_were_given(storage):
    for key in ("photos/ab/ab1.thumb.jpg", "photos/ab/ab1.original.png", "photos/cd/cd2.thumb.jpg", "other.txt"):
        storage.put(key, key.encode())

    assert sorted(storage.keys("photos/ab/")) == ["photos/ab/ab1.original.png", "photos/ab/ab1.thumb.jpg"]
    assert sorted(storage.keys("photos/")) == ["photos/ab/ab1.original.png", "photos/ab/ab1.thumb.jpg",
                                               "photos/cd/cd2.thumb.jpg"]
    assert len(list(storage.keys())) == 4 and list(storage.keys("nothing/")) == []


@pytest.mark.parametrize("key", ["../secret", "photos/../../etc/passwd", "/etc/passwd", "", "photos//x.jpg",
                                 "./x.jpg", "photos/", "photos\\x.jpg"])
def test_a_key_that_is_not_a_plain_relative_path_is_refused(storage, key):
    for operation in (lambda: storage.put(key, b"x"), lambda: storage.get(key), lambda: storage.exists(key),
                      lambda: storage.delete(key)):
        with pytest.raises(ValueError, match="not a storage key"):
            operation()
    assert list(storage.keys()) == []


def test_the_stores_of_one_bucket_keep_apart_under_the_prefix(s3_settings):
    uploads, briefs = storage_for(s3_settings, "uploads"), storage_for(s3_settings, "briefs")
    uploads.put("photos/ab/ab1.thumb.jpg", b"photo")
    briefs.put("1405/fars-00001-aaaa.pdf", b"%PDF")

    assert list(uploads.keys()) == ["photos/ab/ab1.thumb.jpg"] and list(briefs.keys()) == ["1405/fars-00001-aaaa.pdf"]
    assert not uploads.exists("1405/fars-00001-aaaa.pdf")
    client = boto3.session.Session().client("s3", endpoint_url=s3_settings["S3_ENDPOINT_URL"], region_name="us-east-1",
                                            aws_access_key_id="testing", aws_secret_access_key="testing")
    names = [item["Key"] for item in client.list_objects_v2(Bucket=s3_settings["S3_BUCKET"])["Contents"]]
    # The same relative paths as in the local folders: a folder copied into the bucket is found as it was.
    assert sorted(names) == ["pishraft/briefs/1405/fars-00001-aaaa.pdf", "pishraft/uploads/photos/ab/ab1.thumb.jpg"]


def test_a_local_folder_lists_no_half_written_file(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("a/b.pdf", b"whole")
    (tmp_path / "a" / ".partial-xyz").write_bytes(b"half")

    assert list(storage.keys()) == ["a/b.pdf"]


@pytest.fixture
def sender(storage):
    """A tiny app that sends the stored file of a key, as the photo and brief routes do."""
    app = Flask(__name__)
    app.add_url_rule("/<path:key>", "file", lambda key: send_stored(storage, key, mimetype="application/pdf",
                                                                     etag="v1", max_age=60, as_attachment=True,
                                                                     download_name="brief.pdf"))
    app.register_error_handler(NotFound, lambda _error: ("not found", 404))
    return app.test_client()


def test_a_stored_file_is_sent_with_its_etag_and_answered_304_when_the_browser_has_it(storage, sender):
    storage.put("1405/x.pdf", b"%PDF-1.7 content")

    response = sender.get("/1405/x.pdf")
    assert response.status_code == 200 and response.data == b"%PDF-1.7 content"
    assert response.get_etag() == ("v1", False) and response.cache_control.max_age == 60
    assert response.headers["Content-Length"] == "16" and "brief.pdf" in response.headers["Content-Disposition"]

    again = sender.get("/1405/x.pdf", headers={"If-None-Match": '"v1"'})
    assert again.status_code == 304 and again.data == b""


def test_a_missing_file_is_not_found(storage, sender):
    assert sender.get("/1405/missing.pdf").status_code == 404
