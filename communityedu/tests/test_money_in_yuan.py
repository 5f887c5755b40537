"""Money is read in yuan everywhere a person or an evaluator reads it: over the demo town's pages
(office and evaluator), its spreadsheets and its dossier PDF, no amount the figures keep in fen
leaks (the year's town finance, 7,000,000 fen, is ¥70,000.00)."""

import io
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from communityedu.accounts.models import User
from communityedu.assessment import dossier
from communityedu.metrics.figures import figures_for

AS_OF = date(2020, 12, 31)
PERIOD = "year=2020&as_of=2020-12-31"


@pytest.fixture
def demo(demo_town):
    User.objects.filter(username__in=["office", "evaluator"]).update(
        must_change_password=False, password_changed_at=timezone.now()
    )
    return demo_town


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _sheet_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = []
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).to_python():
            cells.extend(str(cell) for cell in row)
    return "\n".join(cells)


def _pdf_text(path) -> str:
    program = str(Path(os.environ.get("POPPLER_DIR", "/usr/bin")) / "pdftotext")
    return subprocess.run([program, "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603


def _fen_figures(town) -> set[str]:
    """The amounts the figures keep in fen, as they would read if they leaked."""
    figures = {figure.key: figure for figure in figures_for(towns=[town], year=2020, as_of=AS_OF)[town.pk]}
    funding, share = figures["funding_per_capita"], figures["government_funding_share"]
    assert funding.numerator == 7000000
    return {str(funding.numerator), str(share.numerator), str(share.denominator)}


def test_no_amount_kept_in_fen_leaks_into_a_staff_page_or_a_spreadsheet(demo):
    leaks = _fen_figures(demo)
    office, evaluator = _client("office"), _client("evaluator")

    pages = {
        "funding": _page(office, "/funding/?year=2020"),
        "units' funds": _page(office, "/funding/units/?year=2020"),
        "fees": _page(office, "/activities/fees/?year=2020"),
        "targets": _page(office, f"/staff/targets/?{PERIOD}"),
        "self-assessment": _page(office, f"/assessment/self-assessment/?{PERIOD}"),
        "evaluator's targets": _page(evaluator, f"/staff/targets/?town=xinmiao&{PERIOD}"),
        "evaluator's self-assessment": _page(evaluator, f"/assessment/self-assessment/?town=xinmiao&{PERIOD}"),
        "funding.xlsx": _sheet_text(office, "/funding/export.xlsx?year=2020"),
        "targets.xlsx": _sheet_text(office, f"/staff/targets/export.xlsx?{PERIOD}"),
        "fees.xlsx": _sheet_text(office, "/activities/fees/export.xlsx?year=2020"),
    }

    assert {name: sorted(fen for fen in leaks if fen in text) for name, text in pages.items()} == {
        name: [] for name in pages
    }
    shown = ("funding", "targets", "self-assessment", "evaluator's targets", "evaluator's self-assessment")
    assert [name for name in shown if "¥70,000.00" not in pages[name]] == []
    assert "70000" in pages["funding.xlsx"]


def test_the_dossier_pdf_reads_the_funding_in_yuan(demo, django_capture_on_commit_callbacks):
    leaks = _fen_figures(demo)
    with django_capture_on_commit_callbacks(execute=True):
        export = dossier.start_export(actor=None, town=demo, year=2020, as_of=AS_OF)
    export.refresh_from_db()

    text = _pdf_text(dossier.file_path(export, "pdf"))

    assert sorted(fen for fen in leaks if fen in text) == []
    assert "¥70,000.00" in text
