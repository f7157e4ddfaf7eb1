"""Photos citizens attach to reports: type by content (not by name), size, and the time the
camera recorded (EXIF DateTimeOriginal), which the illegal-parking rule needs."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


@dataclass(frozen=True)
class PhotoInfo:
    content_type: str
    width: int
    height: int
    taken_at: datetime | None


class PhotoError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def inspect_photo(data: bytes) -> PhotoInfo:
    """Raises :class:`PhotoError` with ``photo.too_large``, ``photo.type`` or ``photo.broken``."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("photo.too_large")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if kind not in _TYPES:
                raise PhotoError("photo.type")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
            width, height = image.size
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError("photo.broken") from None
    taken_at = None
    if isinstance(raw, str):
        try:
            taken_at = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken_at = None
    return PhotoInfo(_TYPES[kind], width, height, taken_at)
