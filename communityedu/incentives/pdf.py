"""The certificate (证明) as a printable A4 PDF, drawn by WeasyPrint from ``certificate_pdf.html``.

The document is an official Chinese one, so its wording is Chinese whatever the reader's interface
language. It shows what the certificate keeps as issued — the person's name and employer, never an
ID number or a phone — and a QR code of the public verification page. A revoked certificate is
stamped 已撤销 on every page.

The stylesheet lives here rather than in the template: templates carry no ``<style>`` (the strict
Content-Security-Policy), and WeasyPrint takes it as a separate stylesheet anyway.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from communityedu.core.links import public_url

DEFAULT_FONT = "WenQuanYi Micro Hei"  # Debian's fonts-wqy-microhei: embedded in the PDF
REASON_LABELS = {"lecture": "授课", "activity": "参加活动"}

CERTIFICATE_CSS = """
@page {
  size: A4;
  margin: 20mm 20mm 18mm;
  @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 8.5pt; color: #555; }
}
html { font-family: "%(font)s", sans-serif; font-size: 11.5pt; line-height: 1.65; color: #111; }
body { margin: 0; }
header { text-align: center; margin-bottom: 6mm; }
.unit { font-size: 15pt; margin: 0; }
h1 { font-size: 30pt; margin: 4mm 0 2mm; font-weight: bold; }
.serial { text-align: right; margin: 0; font-size: 10.5pt; }
.addressee { margin: 4mm 0 1mm; }
.statement { text-indent: 2em; margin: 0 0 2mm; }
.statement strong { font-size: 12.5pt; }
.closing { text-indent: 2em; margin: 0 0 4mm; }
table { width: 100%%; border-collapse: collapse; margin: 2mm 0 5mm; }
th, td { border: 0.6pt solid #333; padding: 0.8mm 2mm; font-size: 10pt; line-height: 1.45; vertical-align: top;
  text-align: left; }
thead th { background: #eee; font-weight: bold; }
tr { break-inside: avoid; }
.total td { font-weight: bold; }
.number { text-align: right; white-space: nowrap; }
.date { white-space: nowrap; }
.summary th { width: 16%%; background: #f6f6f6; font-weight: normal; white-space: nowrap; }
.summary td { width: 34%%; }
.summary .granted { font-weight: bold; font-size: 12pt; }
.closing-block { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 8mm;
  break-inside: avoid; }
.verification { width: 62mm; font-size: 8.5pt; line-height: 1.4; }
.verification img { width: 32mm; height: 32mm; display: block; }
.verification p { margin: 1mm 0 0; word-break: break-all; }
.issuer { text-align: center; min-width: 60mm; }
.issuer p { margin: 0; }
.issuer .seal { color: #666; font-size: 9.5pt; margin-bottom: 6mm; }
.note { margin-top: 6mm; font-size: 8.5pt; color: #444; }
.revoked-note { border: 1.2pt solid #b00; color: #b00; padding: 2mm 3mm; margin: 0 0 4mm; font-weight: bold; }
.revoked-stamp { position: fixed; top: 95mm; left: 15mm; width: 140mm; text-align: center;
  transform: rotate(-28deg); font-size: 78pt; font-weight: bold; color: #c00;
  border: 5pt solid #c00; opacity: 0.45; }
"""


def verify_url(certificate) -> str:
    """The public check's address, printed and in the QR code: the same public address as every printed link."""
    return public_url(reverse("verify", args=[certificate.code]))


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def points_text(value) -> str:
    """3.20 → "3.2", 5.00 → "5": as the figures are written on paper."""
    return f"{Decimal(value).normalize():f}"


def qr_data_uri(data: str) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=4, border=2)


@functools.cache
def _stylesheet():
    from weasyprint import CSS  # imported on first use: WeasyPrint loads Pango when imported

    font = getattr(settings, "CERTIFICATE_FONT", DEFAULT_FONT)
    return CSS(string=CERTIFICATE_CSS % {"font": font})


def certificate_context(certificate) -> dict:
    url = verify_url(certificate)
    lines = [
        {
            "number": index,
            "date": date.fromisoformat(line["date"]).strftime("%Y-%m-%d"),
            "title": line["title"],
            "reason": REASON_LABELS.get(line["reason"], line["reason"]),
            "points": points_text(line["points"]),
        }
        for index, line in enumerate(certificate.lines, start=1)
    ]
    return {
        "certificate": certificate,
        "person_name": certificate.person.name,
        "issuing_unit": certificate.issuing_unit.name,
        "lines": lines,
        "earned": points_text(certificate.earned),
        "cap": points_text(certificate.cap),
        "granted": points_text(certificate.granted),
        "issued_on": chinese_date(certificate.issued_on),
        "revoked_on": chinese_date(certificate.revoked_on) if certificate.revoked_on else "",
        "verify_url": url,
        "qr": qr_data_uri(url),
    }


def certificate_html(certificate) -> str:
    with translation.override("zh-hans"):
        return render_to_string("incentives/certificate_pdf.html", certificate_context(certificate))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf(stylesheets=[_stylesheet()])


def certificate_pdf(certificate) -> bytes:
    """The certificate as PDF bytes (A4, Chinese, the font embedded)."""
    return html_to_pdf(certificate_html(certificate))
