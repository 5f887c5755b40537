"""Checking an uploaded media file before it is kept.

A file is accepted for what its bytes are, not for what its name or the browser says: its type is
read from the content's signature (``core.files.signature_type``: the magic numbers) and must be
one the resource's kind accepts — WebM or MP4 for a video, Ogg, MP3, M4A or WAV for an audio
recording, PDF for a document. Files above ``LEARNING_MAX_UPLOAD_BYTES`` are refused. The file is
stored under a random name; the uploader's name is never used as a path.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from communityedu.core.files import signature_type
from communityedu.learning.constants import ACCEPTED_TYPES, DEFAULT_MAX_UPLOAD_BYTES, ResourceKind

SIGNATURE_BYTES = 8192


@dataclass(frozen=True)
class CheckedMedia:
    content_type: str
    extension: str
    size: int


def max_upload_bytes() -> int:
    return getattr(settings, "LEARNING_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def check_media(upload, *, kind: str) -> CheckedMedia:
    """The detected type of ``upload`` if a resource of ``kind`` may keep it; else ValidationError."""
    accepted = ACCEPTED_TYPES.get(kind)
    if not accepted:
        raise ValidationError(_("This kind of resource takes no file."), code="no_file")
    size = upload.size
    if size > max_upload_bytes():
        raise ValidationError(
            _("The file is too large (%(size)s); at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())},
            code="file_size",
        )
    mime = signature_type(upload, head_bytes=SIGNATURE_BYTES)
    if mime is None or mime not in accepted:
        names = {
            ResourceKind.VIDEO: _("a WebM or MP4 video"),
            ResourceKind.AUDIO: _("an Ogg, MP3, M4A or WAV recording"),
            ResourceKind.DOCUMENT: _("a PDF document"),
        }
        raise ValidationError(
            _("This file is not %(expected)s.") % {"expected": names[ResourceKind(kind)]}, code="file_type"
        )
    return CheckedMedia(content_type=mime, extension=accepted[mime], size=size)


def stored_name(*, town_id: int, extension: str) -> str:
    return f"{town_id}/{uuid.uuid4().hex}.{extension}"
