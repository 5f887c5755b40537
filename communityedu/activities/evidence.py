"""Evidence that an activity took place: photos, scanned sign-in sheets, PDFs.

A file is accepted for what it *is*, not for what its name says: pictures must open in Pillow
as JPEG, PNG or WebP, documents must start with the PDF header; nothing else is kept, nor a
file that is also a web page (HTML or script in its first kilobyte: a "polyglot" a browser could
run). It is stored under a random name with the extension of what it is, in
``MEDIA_ROOT/evidence/<town>/<activity>/``, with a 320-pixel JPEG thumbnail beside a picture; the
uploader's file name is kept only as a label to show and download under, its extension made that
of what the file is. Evidence is
never deleted: removing it hides it (with a reason) and it no longer counts for anything.
"""

from __future__ import annotations

import io
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from communityedu.activities.constants import EvidenceKind
from communityedu.activities.models import Activity, Evidence
from communityedu.activities.selectors import activities_visible_to
from communityedu.core import audit

DEFAULT_MAX_BYTES = 15 * 1024 * 1024
MAX_LIVE_FILES_PER_ACTIVITY = 30
THUMBNAIL_PIXELS = 320
EVIDENCE_FOLDER = "evidence"
MAX_LABEL_LENGTH = 200  # Evidence.original_name
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
    """What the file is, by its content; raises ``ValidationError`` for anything we do not keep.

    Every store of evidence, papers and documents (activities, planning, assessment, recognition)
    comes through here, and names what it keeps by ``extension`` and ``label_for``."""
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


def write_upload(upload, path: Path, limit: int, label: str) -> int:
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


def attach_evidence(*, actor, activity: Activity, kind: str, upload) -> Evidence:
    """Keep ``upload`` as evidence of ``activity``; raises ``ValidationError`` naming the file if refused.

    ``upload`` is a Django ``File`` (an uploaded file, or one opened by a command).
    """
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose what kind of evidence the file is.")})
    label = display_name(upload.name)
    shown = label or _("A file without a name")
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise refuse_as_too_large(shown, limit)
    detected = detect_file(upload, shown)
    label = detected.label_for(label) or f"{EVIDENCE_FOLDER}.{detected.extension}"
    folder = Path(settings.MEDIA_ROOT) / EVIDENCE_FOLDER / str(activity.town_id) / str(activity.pk)
    stem = uuid.uuid4().hex
    file_path = folder / f"{stem}.{detected.extension}"
    thumbnail_path = folder / f"{stem}.thumbnail.jpg"
    written: list[Path] = []
    try:
        with transaction.atomic():
            # Lock the activity so that two uploads at once cannot pass the limit together.
            Activity.objects.select_for_update().filter(pk=activity.pk).first()
            if Evidence.objects.filter(activity=activity, is_removed=False).count() >= MAX_LIVE_FILES_PER_ACTIVITY:
                raise ValidationError(
                    _("%(name)s: this activity already has %(limit)s files; remove one before adding more.")
                    % {"name": label, "limit": MAX_LIVE_FILES_PER_ACTIVITY},
                    code="too_many_files",
                )
            folder.mkdir(parents=True, exist_ok=True)
            written.append(file_path)
            size = write_upload(upload, file_path, limit, shown)
            if detected.thumbnail is not None:
                written.append(thumbnail_path)
                thumbnail_path.write_bytes(detected.thumbnail)
            evidence = Evidence.objects.create(
                town_id=activity.town_id,
                activity=activity,
                kind=kind,
                file=_relative(file_path),
                thumbnail=_relative(thumbnail_path) if detected.thumbnail is not None else "",
                original_name=label,
                content_type=detected.content_type,
                size=size,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            audit.record_change(
                actor=actor,
                obj=evidence,
                created=True,
                changes={
                    "activity": [None, activity.pk],
                    "kind": [None, kind],
                    "original_name": [None, label],
                    "content_type": [None, detected.content_type],
                    "size": [None, size],
                },
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return evidence


def _relative(path: Path) -> str:
    return path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()


@transaction.atomic
def remove_evidence(*, actor, evidence: Evidence, reason: str) -> Evidence:
    """Hide a file with a reason; the row and the file stay, but it counts for nothing any more."""
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationError({"reason": _("Say why the file is removed.")})
    removed = Evidence.objects.filter(pk=evidence.pk, is_removed=False).update(
        is_removed=True, removed_reason=reason, updated_at=timezone.now()
    )
    if not removed:
        raise ValidationError(_("This file was already removed."))
    evidence.is_removed, evidence.removed_reason = True, reason
    audit.record_change(
        actor=actor, obj=evidence, created=False, changes={"is_removed": [False, True], "removed_reason": ["", reason]}
    )
    return evidence


# ---- reading: the gate and the stored files --------------------------------------------------


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence of the activities ``user`` may read (removed files included: see ``live``)."""
    return Evidence.objects.filter(activity__in=activities_visible_to(user))


def get_evidence_for(user, pk: int, *, live: bool = True) -> Evidence:
    evidence = evidence_visible_to(user).select_related("activity", "activity__town")
    return get_object_or_404(evidence.filter(is_removed=False) if live else evidence, pk=pk)


def stored_path(relative: str) -> Path | None:
    """The file on disk for a stored name; ``None`` if it is missing or lies outside the evidence folder."""
    if not relative:
        return None
    folder = (Path(settings.MEDIA_ROOT) / EVIDENCE_FOLDER).resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None
