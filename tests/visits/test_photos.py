"""Visit photos: accepted by content, stored once with upright EXIF-free copies, refused with Persian messages, served
with caching headers; an oversized request gets the Persian 413 page."""
import io
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from PIL import Image

import tracker
from tests.helpers import damaged_pngs
from tracker.accounts.models import Role
from tracker.core.errors import NotFound
from tracker.core.storage import LocalStorage
from tracker.visits.photos import (
    MB,
    PhotoRejected,
    check_photo,
    photo_key,
    request_limit_bytes,
    send_photo,
    store_photo,
)

LIMIT = 20 * MB
ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825
SAVE_AS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture(scope="module")
def plain_app():
    return tracker.create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


@pytest.fixture
def fa(plain_app):
    """A Persian request around the test, so that messages render as the user reads them."""
    with plain_app.test_request_context(), force_locale("fa"):
        yield


def saved(image: Image.Image, save_as: str, **options) -> bytes:
    """The image encoded in a format."""
    buffer = io.BytesIO()
    image.save(buffer, save_as, **options)
    return buffer.getvalue()


def photo(ext: str = "jpg", size=(40, 20), orientation: int | None = None, **save) -> bytes:
    """A picture in a format: top half red, bottom half blue, with EXIF (camera make, GPS and orientation)."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width, height // 2))
    exif = Image.Exif()
    exif[MAKE] = "SecretCam"
    exif[GPS] = {1: "N", 2: (29.0, 37.0, 12.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    return saved(image, SAVE_AS[ext], exif=exif.tobytes(), **save)


def photo_path(upload_dir: Path, sha256: str, ext: str, variant: str) -> Path:
    """Where the local storage keeps a variant."""
    return Path(upload_dir) / photo_key(sha256, ext, variant)


def files(upload_dir: Path) -> list[Path]:
    return sorted(path for path in upload_dir.rglob("*") if path.is_file())


def copies(upload_dir: Path, stored) -> dict[str, bytes]:
    return {variant: photo_path(upload_dir, stored.sha256, stored.original_ext, variant).read_bytes()
            for variant in ("display", "thumb")}


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("ext", ["jpg", "png", "webp", "heic"])
def test_each_accepted_format_is_kept_as_sent_with_a_jpeg_display_copy_and_thumbnail(ext, tmp_path, fa):
    data = photo(ext, size=(3000, 2000))

    stored = store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)

    assert (stored.original_ext, stored.width, stored.height, stored.size_bytes) == (ext, 3000, 2000, len(data))
    original = photo_path(tmp_path, stored.sha256, ext, "original")
    assert original.read_bytes() == data and original.suffix == f".{ext}"
    display, thumb = (opened(data) for data in copies(tmp_path, stored).values())
    assert (display.format, display.size) == ("JPEG", (1600, 1067))
    assert (thumb.format, thumb.size) == ("JPEG", (320, 213))
    assert len(files(tmp_path)) == 3


@pytest.mark.parametrize("ext", ["jpg", "png", "webp", "heic"])
def test_the_exif_orientation_turns_the_copies_upright_and_the_original_stays_as_sent(ext, tmp_path, fa):
    data = photo(ext, size=(40, 20), orientation=6)  # taken with the tablet held upright

    stored = store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)

    assert (stored.width, stored.height) == (20, 40)
    for copy in map(opened, copies(tmp_path, stored).values()):
        # Orientation 6: turn a quarter clockwise, so the red top becomes the right-hand side.
        assert copy.size == (20, 40)
        assert _near(copy.getpixel((16, 20)), RED) and _near(copy.getpixel((3, 20)), BLUE)
    assert photo_path(tmp_path, stored.sha256, ext, "original").read_bytes() == data


def _near(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_the_copies_carry_no_exif_xmp_or_comment(tmp_path, fa):
    data = photo("jpg", size=(2000, 1000), orientation=3, xmp=b"<x:xmpmeta>GPSLatitude 29</x:xmpmeta>",
                 comment=b"SecretComment")
    assert opened(data).getexif()[MAKE] == "SecretCam" and b"SecretComment" in data

    stored = store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)

    for copy in copies(tmp_path, stored).values():
        image = opened(copy)
        assert not image.getexif() and not image.getexif().get_ifd(GPS)
        assert not {"exif", "xmp", "comment"} & image.info.keys()
        assert b"SecretCam" not in copy and b"GPS" not in copy and b"SecretComment" not in copy


def test_a_small_photo_is_not_enlarged(tmp_path, fa):
    stored = store_photo(photo("png", size=(300, 120)), LocalStorage(tmp_path), max_bytes=LIMIT)

    assert [opened(copy).size for copy in copies(tmp_path, stored).values()] == [(300, 120), (300, 120)]


GREY = Image.new("L", (60, 40), 128)


@pytest.mark.parametrize(("data", "colour"), [
    pytest.param(saved(Image.new("RGBA", (60, 40), (0, 0, 0, 0)), "PNG"), (255, 255, 255), id="transparent png"),
    pytest.param(saved(GREY.convert("I").point(lambda v: v * 256).convert("I;16"), "PNG"), (128, 128, 128),
                 id="16-bit grey png"),
    pytest.param(saved(GREY.convert("P"), "PNG"), (128, 128, 128), id="palette png"),
    pytest.param(saved(GREY, "JPEG"), (128, 128, 128), id="grey jpeg"),
    pytest.param(saved(Image.new("CMYK", (60, 40), (0, 0, 0, 255)), "JPEG"), (0, 0, 0), id="cmyk jpeg"),
    pytest.param(saved(GREY.convert("RGB"), "MPO", save_all=True, append_images=[Image.new("RGB", (9, 9))]),
                 (128, 128, 128), id="mpo (a phone's jpeg with a second picture)"),
])
def test_photos_in_any_colour_mode_get_plain_rgb_copies(data, colour, tmp_path, fa):
    stored = store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)

    display = opened(copies(tmp_path, stored)["display"])
    assert display.mode == "RGB" and _near(display.getpixel((30, 20)), colour)
    assert photo_path(tmp_path, stored.sha256, stored.original_ext, "original").read_bytes() == data


def test_the_same_content_twice_has_the_same_hash_and_writes_nothing_new(tmp_path, fa):
    data = photo("jpg", size=(2000, 1500), orientation=6)
    first = store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)
    written = {path: path.stat().st_mtime_ns for path in files(tmp_path)}

    again = store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)

    assert again == first and len(first.sha256) == 64
    assert {path: path.stat().st_mtime_ns for path in files(tmp_path)} == written
    other = store_photo(photo("jpg", size=(2000, 1501)), LocalStorage(tmp_path), max_bytes=LIMIT)
    assert other.sha256 != first.sha256 and len(files(tmp_path)) == 6


def test_files_fan_out_by_the_first_digits_of_the_hash(tmp_path, fa):
    stored = store_photo(photo("webp"), LocalStorage(tmp_path), max_bytes=LIMIT)

    assert {path.parent for path in files(tmp_path)} == {tmp_path / "photos" / stored.sha256[:2]}


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _bomb() -> bytes:
    """A 64-megapixel PNG of a few kilobytes: it would unpack into 190 MB of memory."""
    return saved(Image.new("1", (8000, 8000)), "PNG")


NOT_A_PHOTO = "این پرونده عکس نیست. عکسی با قالب JPEG، PNG، WebP یا HEIC بفرستید."
DAMAGED = "این عکس خراب است یا کامل بارگذاری نشده است. دوباره بفرستید."


@pytest.mark.parametrize(("data", "message"), [
    pytest.param(_pdf(), NOT_A_PHOTO, id="pdf renamed .jpg"),
    pytest.param("گزارش بازدید".encode(), NOT_A_PHOTO, id="text"),
    pytest.param(saved(Image.new("RGB", (10, 10), RED), "GIF"), NOT_A_PHOTO, id="gif"),
    pytest.param(photo("jpg", size=(800, 600))[:-3000], "این عکس خراب است یا کامل بارگذاری نشده است. دوباره بفرستید.",
                 id="truncated jpeg"),
    pytest.param(photo("png", size=(800, 600))[:-500], "این عکس خراب است یا کامل بارگذاری نشده است. دوباره بفرستید.",
                 id="truncated png"),
    *(pytest.param(data, DAMAGED, id=name) for name, data in damaged_pngs().items()),
    pytest.param(_bomb(), "تعداد پیکسل‌های عکس بیش از حد است: حداکثر ۶۰ مگاپیکسل.", id="bomb"),
    pytest.param(b"", "پرونده خالی است. عکس را دوباره انتخاب کنید.", id="empty"),
    pytest.param(b"\xff" * (LIMIT + 1), "حجم عکس بیشتر از ۲۰ مگابایت است. عکس کوچک‌تری بفرستید.", id="too large"),
])
def test_refused_uploads_say_why_in_persian_and_store_nothing(data, message, tmp_path, fa):
    with pytest.raises(PhotoRejected) as checked:
        check_photo(data, max_bytes=LIMIT)
    with pytest.raises(PhotoRejected) as storing:
        store_photo(data, LocalStorage(tmp_path), max_bytes=LIMIT)

    assert str(checked.value.message) == str(storing.value.message) == message
    assert files(tmp_path) == []


def test_a_refusal_is_worded_in_the_language_it_is_shown_in(plain_app):
    with pytest.raises(PhotoRejected) as refused:
        check_photo(b"x" * (MB + MB // 2), max_bytes=MB + MB // 4)

    with plain_app.test_request_context():
        with force_locale("fa"):
            assert str(refused.value.message) == "حجم عکس بیشتر از ۱٫۲۵ مگابایت است. عکس کوچک‌تری بفرستید."
        with force_locale("en"):
            assert str(refused.value.message) == "The photo is larger than 1.25 MB. Send a smaller photo."


def test_a_good_photo_passes_the_check(fa):
    check_photo(photo("heic"), max_bytes=LIMIT)


@pytest.fixture
def stored_png(tmp_path, fa):
    return store_photo(photo("png", size=(2000, 1000)), LocalStorage(tmp_path), max_bytes=LIMIT)


@pytest.fixture
def photo_client(stored_png, tmp_path):
    """A tiny app that serves the stored PNG's variants, as the visits area's route does."""
    app = Flask(__name__)
    files = LocalStorage(tmp_path)
    app.add_url_rule("/photo/<variant>", "photo", lambda variant: send_photo(files, stored_png, variant))
    return app.test_client()


@pytest.mark.parametrize(("variant", "content_type"), [
    ("thumb", "image/jpeg"), ("display", "image/jpeg"), ("original", "image/png"),
])
def test_a_photo_is_sent_private_and_immutable_with_its_etag(variant, content_type, stored_png, tmp_path,
                                                             photo_client):
    response = photo_client.get(f"/photo/{variant}")

    assert response.status_code == 200 and response.content_type == content_type
    assert response.data == photo_path(tmp_path, stored_png.sha256, "png", variant).read_bytes()
    cache = response.cache_control
    assert cache.private and not cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600
    assert response.get_etag() == (f"{stored_png.sha256}-{variant}", False)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unchanged_photo_is_answered_304_without_its_bytes(stored_png, photo_client):
    etag = f'"{stored_png.sha256}-thumb"'

    response = photo_client.get("/photo/thumb", headers={"If-None-Match": etag})

    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag and "immutable" in response.headers["Cache-Control"]
    assert photo_client.get("/photo/display", headers={"If-None-Match": etag}).status_code == 200


def test_a_relative_upload_directory_is_read_where_it_was_written(tmp_path, monkeypatch, fa):
    monkeypatch.chdir(tmp_path)
    stored = store_photo(photo("jpg"), LocalStorage(Path("uploads")), max_bytes=LIMIT)
    app = Flask(__name__)
    app.add_url_rule("/photo", "photo", lambda: send_photo(LocalStorage(Path("uploads")), stored, "thumb"))

    assert app.test_client().get("/photo").data == copies(tmp_path / "uploads", stored)["thumb"]


@pytest.mark.parametrize("variant", ["large", "../original", ""])
def test_an_unknown_variant_is_not_found(variant, stored_png, tmp_path, plain_app):
    with plain_app.test_request_context(), pytest.raises(NotFound):
        send_photo(LocalStorage(tmp_path), stored_png, variant)


def test_a_photo_whose_files_are_missing_is_not_found(stored_png, tmp_path, plain_app):
    with plain_app.test_request_context(), pytest.raises(NotFound):
        send_photo(LocalStorage(tmp_path / "elsewhere"), stored_png, "display")


def test_the_request_limit_holds_a_dozen_photos_of_the_largest_size():
    assert request_limit_bytes(20) == 241 * MB
    assert tracker.create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}).config["MAX_CONTENT_LENGTH"] \
        == 241 * MB


def test_a_request_over_the_limit_gets_the_persian_413_page(app, client, make, login):
    app.config.update(MAX_PHOTO_MB=1, MAX_CONTENT_LENGTH=request_limit_bytes(1))
    login(make.user(role=Role.director))
    body = {"name": "x", "photos": (io.BytesIO(b"\xff" * (14 * MB)), "big.jpg")}

    page = client.post("/projects/new", data=body, content_type="multipart/form-data")
    fragment = client.post("/projects/new", data=body | {"photos": (io.BytesIO(b"\xff" * (14 * MB)), "big.jpg")},
                           content_type="multipart/form-data", headers={"HX-Request": "true"})

    expected = "حجم ارسال بیش از حد است: حداکثر ۱۳ مگابایت در هر بار و هر عکس تا ۱ مگابایت."
    assert page.status_code == fragment.status_code == 413
    assert '<html lang="fa" dir="rtl">' in page.text and expected in page.text
    assert "<html" not in fragment.text and expected in fragment.text


def test_a_truncated_photo_is_refused_after_weasyprint_is_imported(tmp_path, monkeypatch):
    """WeasyPrint makes Pillow pad truncated images process-wide; a half-uploaded photo must still be refused."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(PhotoRejected):
        store_photo(photo("jpg", size=(800, 600))[:-3000], LocalStorage(tmp_path), max_bytes=LIMIT)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
