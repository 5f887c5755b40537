"""Pictures sized for a phone on a slow rural link: a wide upload is served as a copy at most
PHONE_WIDTH pixels wide, made once and kept beside the original; pages give its width and height
so the text does not jump about while it loads."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

PHONE_WIDTH = 720
PHONE_QUALITY = 80


@dataclass(frozen=True)
class PictureSize:
    width: int
    height: int


def phone_size(width: int, height: int) -> PictureSize:
    """The size a picture of ``width`` × ``height`` is served at: never enlarged, ratio kept."""
    if width <= PHONE_WIDTH:
        return PictureSize(width, height)
    return PictureSize(PHONE_WIDTH, max(1, round(height * PHONE_WIDTH / width)))


def _rendition_name(name: str) -> str:
    return f"{name}.phone.jpg"


EXIF_ORIENTATION = 0x0112


def _upright_size(picture) -> tuple[int, int]:
    """Width and height as shown: phones' photos are often stored sideways with an EXIF turn."""
    width, height = picture.size
    if picture.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
        return height, width
    return width, height


def size_of(field_file) -> PictureSize | None:
    """The served size of a stored picture (reads only its header), or None if it cannot be read."""
    try:
        with field_file.open("rb") as handle, Image.open(handle) as picture:
            return phone_size(*_upright_size(picture))
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


def phone_file(field_file):
    """An open file of the picture as a phone gets it: the original when it is narrow enough,
    otherwise a JPEG copy PHONE_WIDTH wide, made on first use and stored beside the original."""
    with field_file.open("rb") as handle, Image.open(handle) as picture:
        shown_width = _upright_size(picture)[0]
    if shown_width <= PHONE_WIDTH:
        return field_file.open("rb")
    name = _rendition_name(field_file.name)
    if not default_storage.exists(name):
        with field_file.open("rb") as handle, Image.open(handle) as picture:
            upright = ImageOps.exif_transpose(picture).convert("RGB")
            size = phone_size(*upright.size)
            upright = upright.resize((size.width, size.height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            upright.save(buffer, format="JPEG", quality=PHONE_QUALITY, optimize=True, progressive=True)
        default_storage.save(name, ContentFile(buffer.getvalue()))
    return default_storage.open(name, "rb")
