"""Captions for videos and recordings: a WebVTT or SubRip (.srt) file, read with webvtt-py.

Villages make subtitles with whatever tool they have: a WebVTT file, or an .srt (the common
export of subtitle editors and phone apps), in UTF-8 or in the GB18030 family (GBK) that Chinese
Windows tools still write. ``check_captions`` reads either, refuses anything else with a message
that says what is wrong, and gives back the captions as WebVTT (the only format a browser's
``<track>`` plays) and as a plain transcript: the cues' text, one line each, without markup — shown
under the player for people who read rather than listen (WCAG 1.2.1, 1.2.2).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import webvtt
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from webvtt.errors import MalformedCaptionError, MalformedFileError

MAX_CAPTION_BYTES = 512 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Captions:
    vtt: str
    transcript: str
    cues: int


def _text(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The captions file is not text in UTF-8 or GBK."))


def check_captions(upload) -> Captions:
    """The upload's captions as WebVTT and as a transcript, or a ValidationError saying why not."""
    if upload.size > MAX_CAPTION_BYTES:
        raise ValidationError(
            _("The captions file is %(size)s KB; at most %(limit)s KB.")
            % {"size": -(-upload.size // 1024), "limit": MAX_CAPTION_BYTES // 1024}
        )
    upload.seek(0)
    text = _text(upload.read()).replace("\r\n", "\n").replace("\r", "\n")
    kind = "vtt" if text.lstrip().startswith("WEBVTT") else "srt"
    try:
        parsed = webvtt.from_buffer(io.StringIO(text), format=kind)
    except (MalformedFileError, MalformedCaptionError) as error:
        raise ValidationError(
            _("The captions file is neither WebVTT nor SubRip (.srt): %(problem)s.") % {"problem": error}
        ) from error
    cues = [caption for caption in parsed.captions if caption.text.strip()]
    if not cues:
        raise ValidationError(_("The captions file has no captions."))
    transcript = "\n".join(" ".join(caption.text.split()) for caption in cues)
    return Captions(vtt=parsed.content, transcript=transcript, cues=len(cues))
