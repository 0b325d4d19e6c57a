"""Photos of site visits: checked by content, stored once under their content hash, served with caching headers.

Each photo keeps three files: the original bytes as uploaded, a display copy (long side 1600 px) and a
thumbnail (320 px). The copies are upright (EXIF orientation applied), JPEG, and carry no EXIF, XMP or
comment, so no GPS position or camera serial leaves the server with them.
"""
import hashlib
import io
import struct
import zlib
from dataclasses import dataclass

import pillow_heif
from flask import Response
from PIL import Image, ImageFile, UnidentifiedImageError

from tracker.core.errors import NotFound
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale
from tracker.core.storage import Storage, send_stored

pillow_heif.register_heif_opener()

# Pillow's format name -> the extension the original is stored under and the type it is served with.
# MPO is how Pillow names a JPEG that carries extra pictures (depth maps, previews); many phones make them.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "MPO": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "HEIF": ("heic", "image/heic"),
}
OPENERS = ["JPEG", "PNG", "WEBP", "HEIF"]  # Pillow's JPEG opener also answers for MPO
MIMETYPES = {ext: mimetype for ext, mimetype in FORMATS.values()}
DISPLAY_SIDE = 1600
THUMB_SIDE = 320
VARIANTS = ("thumb", "display", "original")
# A decompression bomb is a small file that unpacks into gigabytes; 60 MP is above any phone or camera photo.
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 82
# The files never change under a name (it is their hash), so browsers may keep them for a year.
CACHE_SECONDS = 365 * 24 * 3600
# How many photos of the largest size one request may carry: the request limit is that many files plus 1 MB of form.
PHOTOS_PER_REQUEST = 12
MB = 1024 * 1024

# What Pillow and its plugins raise on a damaged or truncated file while reading or decoding it.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, RuntimeError, struct.error, zlib.error)
ORIENTATION = 0x0112  # the EXIF tag
# How to turn a picture stored in each EXIF orientation upright (1 is upright already).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoRejected(Exception):
    """The upload is not a photo the app accepts; `message` says why, for the form field."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredPhoto:
    """What a stored photo's row needs: its hash, the original's extension, upright size and byte count."""

    sha256: str
    original_ext: str
    width: int
    height: int
    size_bytes: int


def request_limit_bytes(max_photo_mb: int) -> int:
    """Flask's MAX_CONTENT_LENGTH for a per-photo limit: several photos of the largest size plus the form."""
    return (max_photo_mb * PHOTOS_PER_REQUEST + 1) * MB


def check_photo(data: bytes, *, max_bytes: int) -> None:
    """Refuse anything but a whole JPEG, PNG, WebP or HEIC photo within the limits; writes nothing.

    It decodes the whole file (HEIC has no cheap reduced decode): where the photo is then stored, call
    prepare_photo instead, which checks the same and keeps the copies.
    """
    _check_size(data, max_bytes)
    with _decoded(data, THUMB_SIDE):
        pass


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo with its copies made in memory, ready to be written: checking decodes each photo once."""

    stored: StoredPhoto
    original: bytes
    display: bytes
    thumb: bytes


def prepare_photo(data: bytes, *, max_bytes: int) -> PreparedPhoto:
    """Check a photo and make its upright, EXIF-free display copy and thumbnail in memory; writes nothing."""
    _check_size(data, max_bytes)
    with _opened(data) as header:
        ext = FORMATS[header.format][0]
        try:
            # Reading the EXIF can decode the image (a PNG keeps it after the pixels): a damaged one fails here.
            width, height = _upright_size(header)
        except _DECODE_ERRORS:
            raise _damaged() from None
    with _decoded(data, DISPLAY_SIDE) as image:
        display = _upright_copy(image, DISPLAY_SIDE)
        icc = image.info.get("icc_profile")
    thumb = _resized(display, THUMB_SIDE)
    stored = StoredPhoto(hashlib.sha256(data).hexdigest(), ext, width, height, len(data))
    return PreparedPhoto(stored, data, _jpeg(display, icc), _jpeg(thumb, icc))


def write_photo(prepared: PreparedPhoto, files: Storage) -> StoredPhoto:
    """Write a prepared photo's three files, each once: the same content stored before is left as it is."""
    stored = prepared.stored
    # The original last: a crash in between leaves whole copies, which the next attempt keeps and completes.
    for variant, content in (("display", prepared.display), ("thumb", prepared.thumb), ("original", prepared.original)):
        key = photo_key(stored.sha256, stored.original_ext, variant)
        if not files.exists(key):
            files.put(key, content)
    return stored


def store_photo(data: bytes, files: Storage, *, max_bytes: int) -> StoredPhoto:
    """Check a photo, then keep its original and write its upright display copy and thumbnail, once per content."""
    return write_photo(prepare_photo(data, max_bytes=max_bytes), files)


def photo_key(sha256: str, original_ext: str, variant: str) -> str:
    """Where one variant of a photo is stored: photos/<first two hex digits>/<hash>.<variant>.<ext>."""
    if variant not in VARIANTS:
        raise NotFound()
    ext = original_ext if variant == "original" else "jpg"
    return f"photos/{sha256[:2]}/{sha256}.{variant}.{ext}"


def send_photo(files: Storage, photo, variant: str) -> Response:
    """A photo's file with caching headers: private, kept a year, immutable, answered 304 when unchanged."""
    mimetype = MIMETYPES.get(photo.original_ext, "application/octet-stream") if variant == "original" else "image/jpeg"
    response = send_stored(files, photo_key(photo.sha256, photo.original_ext, variant), mimetype=mimetype,
                           etag=f"{photo.sha256}-{variant}", max_age=CACHE_SECONDS)
    # send_file marks the file public; these photos are only for users who may see the project.
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(_l("The file is empty. Choose the photo again."))
    if len(data) > max_bytes:
        limit = number_in_locale(round(max_bytes / MB, 2) if max_bytes % MB else max_bytes // MB, grouped=True)
        raise PhotoRejected(_l("The photo is larger than %(limit)s MB. Send a smaller photo.", limit=limit))


def _opened(data: bytes) -> Image.Image:
    """The photo opened by content (its header only), if it is of an accepted format and not too many pixels."""
    try:
        image = Image.open(io.BytesIO(data), formats=OPENERS)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, *_DECODE_ERRORS):
        raise PhotoRejected(_l("This file is not a photo. Send a JPEG, PNG, WebP or HEIC photo.")) from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise _too_many_pixels()
    return image


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(_l("The photo has too many pixels: at most %(limit)s megapixels.",
                            limit=number_in_locale(MAX_PIXELS // 1_000_000)))


def _decoded(data: bytes, side: int) -> Image.Image:
    """The photo verified and decoded whole, at the smallest scale the decoder offers that still covers `side`."""
    with _opened(data) as image:
        try:
            image.verify()  # checksums where the format has them (PNG); verify leaves the image unusable
        except _DECODE_ERRORS:
            raise _damaged() from None
    image = _opened(data)
    try:
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the time; other formats ignore this.
        image.draft("RGB", _fit(image.size, side))
        # Decoding the whole stream is what finds a truncated file, unless Pillow was told to pad such files:
        # WeasyPrint sets that for the whole process when it is imported (the briefs), so say no here.
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    except _DECODE_ERRORS:
        image.close()
        raise _damaged() from None
    return image


def _damaged() -> PhotoRejected:
    return PhotoRejected(_l("This photo is damaged or was not uploaded completely. Send it again."))


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size of the photo as it is meant to be seen: EXIF orientations 5 to 8 turn it a quarter."""
    width, height = image.size
    orientation = image.getexif().get(ORIENTATION, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """A size with the same proportions whose long side is at most `side`; a smaller image is not enlarged."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _upright_copy(image: Image.Image, side: int) -> Image.Image:
    """An RGB copy turned upright, long side at most `side`, with no metadata carried over."""
    copy = _resized(_flattened(image), side)
    # Turned after the resize, on the smaller image; HEIF decoders turn the picture themselves and report 1.
    if turn := _TURNS.get(image.getexif().get(ORIENTATION, 1)):
        copy = copy.transpose(turn)
    copy.info = {}  # Pillow would write a carried-over comment into the JPEG
    return copy


def _flattened(image: Image.Image) -> Image.Image:
    """The image in RGB, transparent parts on white (JPEG has no transparency)."""
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I"):  # 16-bit grey (PNG): to 8 bits by scale, not by clipping to white
        return image.convert("I").point(lambda value: value / 256, "L").convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _resized(image: Image.Image, side: int) -> Image.Image:
    size = _fit(image.size, side)
    if size == image.size:
        return image.copy()
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _jpeg(image: Image.Image, icc_profile: bytes | None) -> bytes:
    """A copy encoded as progressive JPEG; the colour profile stays (it is no personal data), nothing else."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, icc_profile=icc_profile)
    return buffer.getvalue()
