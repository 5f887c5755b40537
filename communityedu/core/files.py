"""Uploaded files kept on disk: evidence photos, scanned sign-in sheets, PDFs of every app.

A file is accepted for what it *is*, not for what its name says: pictures must open in Pillow
as JPEG, PNG or WebP, documents must start with the PDF header; nothing else is kept, nor a
file that is also a web page (HTML or script in its first kilobyte: a "polyglot" a browser could
run), nor one larger than ``EVIDENCE_MAX_BYTES`` (counted as it is written, not trusted from the
request). It is stored under a random name with the extension of what it is, with a 320-pixel
JPEG thumbnail beside a picture when the caller keeps one; the uploader's file name is kept only
as a label to show and download under, its extension made that of what the file is.

``store_upload`` is the one way an app keeps a file: it checks it, lets the caller lock and count
(``before_write``), writes it, and runs the caller's database write and audit (``record``) in the
same transaction; if anything after the first byte is written fails, the written files are removed.
``stored_path`` is the one way back from a stored name to the file, refusing anything outside its
folder.
"""

from __future__ import annotations

import io
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 15 * 1024 * 1024
THUMBNAIL_PIXELS = 320
# The folder of evidence (activities, planning, assessment); ``stored_path`` serves files under it.
EVIDENCE_FOLDER = "evidence"
MAX_LABEL_LENGTH = 200  # the ``original_name`` columns
PDF_HEADER = b"%PDF-"
# Pillow's names for the pictures we keep; cameras write multi-picture JPEGs as "MPO".
PICTURE_TYPES = {
    "JPEG": ("jpg", "image/jpeg"),
    "MPO": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
PICTURE_OPENERS = ("JPEG", "PNG", "WEBP")
# A file whose first kilobyte holds one of these (in any case) is a web page too: a browser that
# sniffs it, or one that opens it saved under a page's name, would run it.
WEB_PAGE_MARKERS = (b"<html", b"<head", b"<body", b"<script", b"<!doctype", b"<iframe", b"<svg")
WEB_PAGE_SNIFF_BYTES = 1024
# The extensions a label may keep for each type found; any other is replaced.
EXTENSIONS_OF = {"pdf": {"pdf"}, "jpg": {"jpg", "jpeg", "jpe"}, "png": {"png"}, "webp": {"webp"}}

Result = TypeVar("Result")


@dataclass(frozen=True)
class DetectedFile:
    extension: str
    content_type: str
    thumbnail: bytes | None = None

    def label_for(self, label: str) -> str:
        """``label`` (from ``display_name``) with the extension of what the file is: ``通知.html``
        holding a PDF is shown and downloaded as ``通知.pdf``. Empty stays empty."""
        if not label:
            return ""
        stem, dot, suffix = label.rpartition(".")
        if dot and stem and suffix.lower() in EXTENSIONS_OF[self.extension]:
            return label
        stem = stem if dot and stem else label
        return f"{stem[: MAX_LABEL_LENGTH - len(self.extension) - 1]}.{self.extension}"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, before it is written."""

    name: str  # the uploader's file name made safe (``display_name``); may be empty
    shown: str  # the name messages use: ``name``, or "A file without a name"
    detected: DetectedFile
    limit: int

    @property
    def content_type(self) -> str:
        return self.detected.content_type

    def label(self, fallback_stem: str) -> str:
        """The label to keep: the name with the detected extension, or ``<fallback_stem>.<ext>``."""
        return self.detected.label_for(self.name) or f"{fallback_stem}.{self.detected.extension}"


@dataclass(frozen=True)
class StoredUpload:
    """A written upload: its names relative to ``MEDIA_ROOT`` (as FileFields hold them) and its size."""

    checked: CheckedUpload
    file: str
    thumbnail: str  # empty without a thumbnail
    size: int

    @property
    def content_type(self) -> str:
        return self.checked.content_type

    def label(self, fallback_stem: str) -> str:
        return self.checked.label(fallback_stem)


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def display_name(name: str | None) -> str:
    """The uploader's file name as a label: no folders, no control characters, at most 200 long."""
    text = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters (a right-to-left override can disguise ``gpj.exe`` as ``exe.jpg``).
    text = "".join(character for character in text if unicodedata.category(character)[0] != "C").strip()
    if not text.strip("."):
        return ""
    if len(text) > MAX_LABEL_LENGTH:
        stem, dot, suffix = text.rpartition(".")
        keep = MAX_LABEL_LENGTH - len(suffix) - 1
        text = f"{stem[:keep].rstrip()}.{suffix}" if dot and stem and keep > 0 else text[:MAX_LABEL_LENGTH]
    return text


def _refuse_as_unknown(label: str) -> ValidationError:
    return ValidationError(
        _("%(name)s: only photos (JPEG, PNG, WebP) and PDF files are accepted.") % {"name": label},
        code="file_type",
    )


def _open_picture(upload, label: str) -> Image.Image:
    upload.seek(0)
    try:
        picture = Image.open(upload, formats=PICTURE_OPENERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # The warning is raised only where warnings are errors; the size check below refuses it anyway.
        raise _refuse_as_too_many_pixels(label) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _refuse_as_unknown(label) from error
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and picture.width * picture.height > limit:
        raise _refuse_as_too_many_pixels(label)
    return picture


def _refuse_as_too_many_pixels(label: str) -> ValidationError:
    return ValidationError(
        _("%(name)s: the picture has too many pixels to process; make it smaller and upload it again.")
        % {"name": label},
        code="too_many_pixels",
    )


def _thumbnail(picture: Image.Image) -> bytes:
    """A ``THUMBNAIL_PIXELS`` square JPEG: the picture upright, shrunk to fit, on white.

    Square, so that pages can give every thumbnail the same width and height. ``thumbnail()``
    lets the JPEG decoder scale down while reading, so a large photo is never held at full size;
    turning it upright afterwards works on the small copy.
    """
    picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
    picture = ImageOps.exif_transpose(picture)
    has_transparency = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if has_transparency else "RGB")
    canvas = Image.new("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS), "white")
    offset = ((THUMBNAIL_PIXELS - picture.width) // 2, (THUMBNAIL_PIXELS - picture.height) // 2)
    canvas.paste(picture, offset, picture if has_transparency else None)
    output = io.BytesIO()
    canvas.save(output, "JPEG", quality=82, optimize=True)
    return output.getvalue()


def _refuse_if_web_page(upload, label: str) -> None:
    upload.seek(0)
    start = upload.read(WEB_PAGE_SNIFF_BYTES).lower()
    if any(marker in start for marker in WEB_PAGE_MARKERS):
        raise ValidationError(
            _("%(name)s holds web-page code (HTML or script) besides a photo or PDF; such files are not accepted.")
            % {"name": label},
            code="web_page",
        )


def detect_file(upload, label: str) -> DetectedFile:
    """What the file is, by its content; raises ``ValidationError`` for anything we do not keep."""
    _refuse_if_web_page(upload, label)
    upload.seek(0)
    if upload.read(len(PDF_HEADER)) == PDF_HEADER:
        return DetectedFile(extension="pdf", content_type="application/pdf")
    picture = _open_picture(upload, label)
    if picture.format not in PICTURE_TYPES:
        raise _refuse_as_unknown(label)
    extension, content_type = PICTURE_TYPES[picture.format]
    try:
        picture.verify()
        # A verified picture cannot be used any more: open it again to draw the thumbnail.
        thumbnail = _thumbnail(_open_picture(upload, label))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("%(name)s could not be read as a picture; the file may be damaged.") % {"name": label},
            code="damaged",
        ) from error
    return DetectedFile(extension=extension, content_type=content_type, thumbnail=thumbnail)


def refuse_as_too_large(label: str, limit: int) -> ValidationError:
    return ValidationError(
        _("%(name)s is larger than %(limit)s.") % {"name": label, "limit": filesizeformat(limit)}, code="too_large"
    )


def check_upload(upload) -> CheckedUpload:
    """Check ``upload`` (a Django ``File``) by its declared size and its content; raises
    ``ValidationError`` naming the file if it is refused. Nothing is written."""
    name = display_name(upload.name)
    shown = name or _("A file without a name")
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise refuse_as_too_large(shown, limit)
    return CheckedUpload(name=name, shown=shown, detected=detect_file(upload, shown), limit=limit)


def _write_upload(upload, path: Path, limit: int, label: str) -> int:
    """Copy the upload in chunks, counting what is really written rather than trusting its size."""
    written = 0
    upload.seek(0)
    with path.open("xb") as output:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                raise refuse_as_too_large(label, limit)
            output.write(chunk)
    return written


def store_upload(
    upload,
    *,
    folder: str,
    record: Callable[[StoredUpload], Result],
    before_write: Callable[[CheckedUpload], Any] | None = None,
    with_thumbnail: bool = False,
) -> Result:
    """Check ``upload``, keep it under a random name in ``MEDIA_ROOT/<folder>/`` and return what
    ``record`` returns.

    In one transaction: ``before_write(checked)`` (lock, count, refuse), the file (and its thumbnail
    if ``with_thumbnail`` and it is a picture) written, then ``record(stored)``: the caller's
    database rows and audit entry. If anything after the checks fails, the transaction included,
    the written files are removed and the error goes on up.
    """
    checked = check_upload(upload)
    media = Path(settings.MEDIA_ROOT)
    directory = media / folder
    stem = uuid.uuid4().hex
    file_path = directory / f"{stem}.{checked.detected.extension}"
    thumbnail = checked.detected.thumbnail if with_thumbnail else None
    thumbnail_path = directory / f"{stem}.thumbnail.jpg"
    written: list[Path] = []
    try:
        with transaction.atomic():
            if before_write is not None:
                before_write(checked)
            directory.mkdir(parents=True, exist_ok=True)
            written.append(file_path)
            size = _write_upload(upload, file_path, checked.limit, checked.shown)
            if thumbnail is not None:
                written.append(thumbnail_path)
                thumbnail_path.write_bytes(thumbnail)
            stored = StoredUpload(
                checked=checked,
                file=file_path.relative_to(media).as_posix(),
                thumbnail=thumbnail_path.relative_to(media).as_posix() if thumbnail is not None else "",
                size=size,
            )
            return record(stored)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def stored_path(relative: str, *, folder: str = EVIDENCE_FOLDER) -> Path | None:
    """The file on disk for a stored name; ``None`` if it is missing or lies outside
    ``MEDIA_ROOT/<folder>`` (``folder=""``: anywhere under ``MEDIA_ROOT``)."""
    if not relative:
        return None
    root = (Path(settings.MEDIA_ROOT) / folder).resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


# ---- content checks of the other kinds of upload (media, covers) -----------------------------


def signature_type(upload, *, head_bytes: int = 8192) -> str | None:
    """The MIME type ``upload``'s first bytes say it is (its magic numbers, read by ``filetype``),
    or ``None``; what its name or the browser says is not asked."""
    upload.seek(0)
    head = upload.read(head_bytes)
    upload.seek(0)
    detected = filetype.guess(head)
    return detected.mime if detected is not None else None


def picture_format(content: bytes, formats) -> str | None:
    """Pillow's name for the picture ``content`` holds if it opens as one of ``formats`` and
    verifies whole; ``None`` for anything else."""
    try:
        with Image.open(io.BytesIO(content), formats=list(formats)) as picture:
            picture.verify()
            return picture.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
