"""Learning cards as one printable A4 PDF, eight to a page with cut marks, drawn by WeasyPrint.

A card is 95 × 65 mm (two across, four down, 10 mm and 18.5 mm of margin for the printer and the
cut marks). It shows the person's name and village, the learning-card QR staff scan at check-in,
and — for a new or renewed account — the activation QR, the 8-digit code and its last day; an
active account's card says 已开通 instead. The wording is Chinese whatever the interface language,
like the certificate's: it is a paper handed out in the village.

QR codes are small PNGs (one pixel a module, drawn without smoothing) with a fixed mask: segno's
search for the best of the eight masks is four fifths of the time it takes to make a code, and any
mask reads; 2,000 cards carry up to 4,000 codes. The pages are drawn in chunks of
``PAGES_PER_CHUNK``, each written to PDF at once (a background job reports progress between them,
and the memory held is one chunk's layout, not all pages'), then joined into one file by pypdf. The stylesheet is ``card_pdf.css`` beside this module (templates carry no ``<style>``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from communityedu.core.links import public_url

CARDS_PER_PAGE = 8
PAGES_PER_CHUNK = 25
QR_MASK = 0
STYLESHEET = Path(__file__).with_name("card_pdf.css")
DEFAULT_FONT = "WenQuanYi Micro Hei"  # Debian's fonts-wqy-microhei: embedded in the PDF


@dataclass(frozen=True)
class CardFace:
    """What one card shows. ``code`` and ``activation_url`` only for a new or renewed account."""

    name: str
    village: str
    card_token: str
    kind: str  # new_account | new_code | active | card_only
    code: str = ""
    activation_url: str = ""
    expires_at: datetime | None = None


def qr_png(data: str) -> str:
    """A QR code as a PNG data URI: one pixel a module, with the four-module quiet zone."""
    return segno.make(data, error="m", mask=QR_MASK).png_data_uri(scale=1, border=4)


@functools.cache
def _stylesheet():
    from weasyprint import CSS  # imported on first use: WeasyPrint loads Pango when imported

    font = getattr(settings, "CERTIFICATE_FONT", DEFAULT_FONT)
    # base_url: the cut marks' picture beside the stylesheet
    return CSS(string=STYLESHEET.read_text(encoding="utf-8").replace("CARD_FONT", font), base_url=str(STYLESHEET))


def _chinese_date(moment: datetime) -> str:
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _card_context(face: CardFace) -> dict:
    return {
        "name": face.name,
        "village": face.village,
        "kind": face.kind,
        "has_code": bool(face.code),
        "code": face.code,
        "card_qr": qr_png(face.card_token),
        "activation_qr": qr_png(face.activation_url) if face.code else "",
        "expires_on": _chinese_date(face.expires_at) if face.expires_at else "",
    }


def cards_html(faces: list[CardFace], *, town_name: str) -> str:
    cards = [_card_context(face) for face in faces]
    pages = [cards[start : start + CARDS_PER_PAGE] for start in range(0, len(cards), CARDS_PER_PAGE)]
    return render_to_string(
        "activities/learning_cards_pdf.html",
        {"pages": pages, "town_name": town_name, "activate_address": public_url("/accounts/activate/")},
    )


def cards_pdf(faces: list[CardFace], *, town_name: str, progress: Callable[[int], None] | None = None) -> bytes:
    """The cards as PDF bytes; ``progress(cards drawn)`` after each chunk of pages."""
    from weasyprint import HTML

    chunk = CARDS_PER_PAGE * PAGES_PER_CHUNK
    parts = []
    for start in range(0, len(faces), chunk):
        html = cards_html(faces[start : start + chunk], town_name=town_name)
        parts.append(HTML(string=html).write_pdf(stylesheets=[_stylesheet()]))
        if progress is not None:
            progress(min(start + chunk, len(faces)))
    return parts[0] if len(parts) == 1 else _joined(parts, title=f"{town_name} 学习卡")


def _joined(parts: list[bytes], *, title: str) -> bytes:
    """The chunks' PDFs as one: each chunk's layout is freed once written, so the memory a print
    takes stays that of one chunk, not of all its pages at once."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    writer.add_metadata({"/Title": title, "/Producer": "WeasyPrint, pypdf"})
    joined = io.BytesIO()
    writer.write(joined)
    return joined.getvalue()
