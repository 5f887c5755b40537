"""The evaluation dossier of the demo town as of the evaluation date: its figures are the
dashboard's, the PDF is Chinese text in an embedded CJK font, the archive holds every evidence
file in folders by indicator, and the job reports its progress and is audited."""

import hashlib
import io
import os
import re
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from communityedu.activities.models import Evidence
from communityedu.assessment import dossier
from communityedu.assessment import services as assessment_services
from communityedu.assessment.models import DossierExport, EvidenceFile
from communityedu.assessment.selectors import current_system
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.core.money import fen_to_yuan, format_yuan
from communityedu.incentives.pdf import chinese_date
from communityedu.metrics.figures import figures_for
from communityedu.planning.models import PlanFile, Task
from communityedu.planning.services import files as file_services
from communityedu.recognition.models import StatusChange

AS_OF = date(2020, 12, 31)


@pytest.fixture
def demo(demo_town):
    return demo_town


def _build(town, django_capture_on_commit_callbacks, actor=None) -> DossierExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = dossier.start_export(actor=actor, town=town, year=2020, as_of=AS_OF)
    export.refresh_from_db()
    return export


def test_the_dossiers_figures_are_the_dashboards(demo, django_capture_on_commit_callbacks):
    content = dossier.dossier_content(town=demo, year=2020, as_of=AS_OF)
    dashboard = {figure.key: figure for figure in figures_for(towns=[demo], year=2020, as_of=AS_OF)[demo.pk]}
    automatic = [node for node in content.tree.nodes if node.indicator.method == "figure"]
    assert len(automatic) == 9
    for node in automatic:
        figure = dashboard[node.indicator.source]
        assert (node.value, node.numerator, node.denominator) == (figure.value, figure.numerator, figure.denominator)

    export = _build(demo, django_capture_on_commit_callbacks)

    assert (export.state, export.error, export.percent) == ("done", "", 100)
    sheet = openpyxl.load_workbook(dossier.file_path(export, "xlsx"), read_only=True).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    for node in automatic:
        figure = dashboard[node.indicator.source]
        score, source, value, numerator, denominator = (rows[node.code][i] for i in (4, 7, 8, 10, 11))
        # Money in yuan: the funding figure's numerator is kept in fen and read in yuan.
        expected = float(fen_to_yuan(figure.numerator)) if figure.unit == "yuan" else figure.numerator
        assert (source, numerator, denominator) == (figure.key, expected, figure.denominator)
        assert Decimal(str(value)) == figure.value
        assert Decimal(str(score)).quantize(Decimal("0.01")) == node.score
    assert rows["4.2"][8] == pytest.approx(float(dashboard["participation"].value))  # participation as of the date
    total = next(row for row in sheet.iter_rows(min_row=5, values_only=True) if row[2] == "合计")
    assert Decimal(str(total[4])).quantize(Decimal("0.01")) == content.tree.total

    text = _poppler("pdftotext", "-layout", dossier.file_path(export, "pdf"), "-")
    assert "新妙镇社区教育创建资料" in text
    assert "2020年12月31日" in text
    for node in automatic:
        assert dashboard[node.indicator.source].percent in text  # every figure as the dashboard shows it
    for expected in ("居民有组织参与率不低于70%", f"{content.tree.total:.2f}", "第1阶段", "联席会议"):
        assert expected in text


def test_the_pdf_embeds_its_cjk_font_and_its_pages_are_not_blank(demo, django_capture_on_commit_callbacks, tmp_path):
    export = _build(demo, django_capture_on_commit_callbacks)
    pdf = dossier.file_path(export, "pdf")

    fonts = _poppler("pdffonts", pdf)
    cjk = [line.split() for line in fonts.splitlines() if "WenQuanYi" in line]
    assert cjk
    assert all(columns[-5] == "yes" for columns in cjk)  # the "emb" column
    info = _poppler("pdfinfo", pdf)
    assert "595.276 x 841.89 pts (A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 8
    for number in (1, 3, pages):
        _poppler("pdftoppm", "-png", "-r", "40", "-f", number, "-l", number, pdf, tmp_path / f"p{number}")
        image = Image.open(next(tmp_path.glob(f"p{number}-*.png"))).convert("L")
        inked = sum(image.histogram()[:200])  # pixels darker than light grey
        assert inked / (image.width * image.height) > 0.002, f"page {number} looks blank"


def test_the_archive_holds_every_evidence_file_in_folders_by_indicator(demo, django_capture_on_commit_callbacks):
    task = Task.objects.filter(town=demo).order_by("phase__number", "due_on", "pk").first()
    file_services.attach_task_file(
        actor=None, task=task, upload=SimpleUploadedFile("动员会签到表.png", _png(), content_type="image/png")
    )
    indicator = current_system(demo).indicators.get(code="1.1")
    assessment_services.record_manual_score(
        actor=None,
        indicator=indicator,
        year=2020,
        as_of=AS_OF,
        points=Decimal("5"),
        comment='=HYPERLINK("http://evil.example/","文件已印发")',
        uploads=[SimpleUploadedFile("镇政府文件.png", _png(), content_type="image/png")],
    )
    export = _build(demo, django_capture_on_commit_callbacks)

    with zipfile.ZipFile(dossier.file_path(export, "zip")) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert len(names) == export.evidence_files
    folders = sorted({name.rsplit("/", 1)[0] for name in names})
    assert "1.2 社区学校和学习中心的基本条件/新妙镇社区学校/场地" in folders
    assert "1.2 社区学校和学习中心的基本条件/新妙镇社区学校/场地/新妙镇社区学校-venue.jpg" in names
    assert "1.1 领导小组与办公室/镇政府文件.png" in names
    sheet = openpyxl.load_workbook(dossier.file_path(export, "xlsx")).active
    comment = next(row[12] for row in sheet.iter_rows(min_row=5) if row[0].value == "1.1")
    assert (comment.data_type, comment.value) == (
        "s",
        '=HYPERLINK("http://evil.example/","文件已印发")',
    )  # text, no formula
    assert any(name.startswith("活动佐证/2020-") for name in names)
    phase = task.phase
    assert f"工作计划/{phase.number} {phase.name}/{task.title}（{task.unit.name}）/动员会签到表.png" in names


def test_starting_again_while_running_gives_the_same_job_and_everything_is_audited(
    demo, django_capture_on_commit_callbacks
):
    first = dossier.start_export(actor=None, town=demo, year=2020, as_of=AS_OF)  # not committed: stays queued
    again = dossier.start_export(actor=None, town=demo, year=2020, as_of=AS_OF)
    assert again.pk == first.pk
    assert DossierExport.objects.count() == 1
    assert (first.state, first.percent) == ("queued", 0)
    with pytest.raises(ValidationError) as error:
        dossier.start_export(actor=None, town=demo, year=2020, as_of=date(2019, 12, 31))
    assert "as_of" in error.value.message_dict
    dossier.run_export(first)
    first.refresh_from_db()
    assert first.state == "done"
    dossier.record_download(actor=None, export=first, kind="zip")
    entries = AuditLogEntry.objects.filter(object_id=str(first.pk), object_type="assessment.DossierExport")
    assert sorted(entries.values_list("action", flat=True)) == [AuditAction.CREATE, AuditAction.EXPORT]


def _poppler(tool: str, *args) -> str:
    """Run one of Debian's poppler-utils (``POPPLER_DIR``, default /usr/bin) and return what it printed."""
    program = str(Path(os.environ.get("POPPLER_DIR", "/usr/bin")) / tool)
    done = subprocess.run([program, *map(str, args)], check=True, capture_output=True, text=True)  # noqa: S603 - no shell
    return done.stdout


def _png() -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_missing_file_on_disk_is_left_out(demo, django_capture_on_commit_callbacks):
    from django.conf import settings

    from communityedu.assessment.models import EvidenceFile

    stored = EvidenceFile.objects.filter(town=demo).first()
    on_disk = Path(settings.MEDIA_ROOT) / stored.file
    content = on_disk.read_bytes()
    on_disk.unlink()
    try:
        export = _build(demo, django_capture_on_commit_callbacks)
    finally:
        on_disk.write_bytes(content)  # the demo's files serve the module's other tests
    with zipfile.ZipFile(dossier.file_path(export, "zip")) as archive:
        assert stored.original_name not in {name.rsplit("/", 1)[1] for name in archive.namelist()}
    assert export.state == "done"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _expected_evidence(town, year: int, cut: date) -> Counter:
    """Every evidence file held by a record of ``year`` up to ``cut``, read from the tables (the
    contents' digests, since the archive renames files that share a name)."""
    tz = timezone.get_current_timezone()
    start, end = datetime.combine(date(year, 1, 1), time.min, tz), datetime.combine(cut, time.max, tz)
    stored = list(
        Evidence.objects.filter(
            town=town,
            is_removed=False,
            activity__is_cancelled=False,
            activity__starts_at__gte=start,
            activity__ends_at__lte=end,
        ).values_list("file", flat=True)
    )
    stored += EvidenceFile.objects.filter(town=town, is_removed=False, conditions__year=year).values_list(
        "file", flat=True
    )
    stored += EvidenceFile.objects.filter(
        town=town, is_removed=False, manual_scores__self_assessment__year=year
    ).values_list("file", flat=True)
    stored += PlanFile.objects.filter(town=town, item__isnull=False).values_list("file", flat=True)
    stored += PlanFile.objects.filter(town=town, task__due_on__year=year).values_list("file", flat=True)
    stored += (
        StatusChange.objects.filter(town=town, effective_on__lte=cut)
        .exclude(evidence_file="")
        .values_list("evidence_file", flat=True)
    )
    media = Path(settings.MEDIA_ROOT)
    return Counter(_sha256((media / name).read_bytes()) for name in set(stored))


def test_the_dossier_holds_every_evidence_file_of_the_year_and_reads_money_in_yuan(
    demo, django_capture_on_commit_callbacks
):
    task = Task.objects.filter(town=demo).order_by("phase__number", "due_on", "pk").first()
    file_services.attach_task_file(
        actor=None, task=task, upload=SimpleUploadedFile("会议签到表.png", _png(), content_type="image/png")
    )
    export = _build(demo, django_capture_on_commit_callbacks)

    with zipfile.ZipFile(dossier.file_path(export, "zip")) as archive:
        names = archive.namelist()
        held = Counter(_sha256(archive.read(name)) for name in names)
        participants = openpyxl.load_workbook(
            io.BytesIO(archive.read("台账与名单/居民参与名单（已脱敏）.xlsx")), read_only=True
        ).active
        rows = list(participants.iter_rows(min_row=2, values_only=True))
        ledger = openpyxl.load_workbook(io.BytesIO(archive.read("台账与名单/经费台账.xlsx")), read_only=True).active
        ledger_rows = list(ledger.iter_rows(min_row=2, values_only=True))
    expected = _expected_evidence(demo, 2020, AS_OF)
    assert expected - held == Counter()  # every file of the year's records is in the archive
    documents = [name for name in names if name.startswith(("台账与名单/", "会议纪要/", "通报/"))]
    assert len(names) == export.evidence_files == sum(expected.values()) + len(documents)
    assert sorted(name for name in documents if name.startswith("台账与名单/")) == [
        "台账与名单/居民参与名单（已脱敏）.xlsx",
        "台账与名单/经费台账.xlsx",
        "台账与名单/证书发放登记.xlsx",
        "台账与名单/调查结果.xlsx",
    ]
    assert any(name.startswith("学习型组织认定/学习型党政机关/") for name in names)
    assert sum(name.startswith("会议纪要/") for name in names) == 2

    dashboard = {figure.key: figure for figure in figures_for(towns=[demo], year=2020, as_of=AS_OF)[demo.pk]}
    participation = dashboard["participation"]
    assert len(rows) == participation.numerator == 22252  # the named list behind the figure
    assert all("*" in row[4] for row in rows if row[4])  # phones masked
    assert all("*" in row[5] for row in rows if row[5])  # ID numbers masked
    funding = dashboard["funding_per_capita"]
    town_finance = [row for row in ledger_rows if row[0] == "经费投入" and row[3] == "镇财政"]
    assert sum(Decimal(str(row[6])) for row in town_finance) == fen_to_yuan(funding.numerator)

    text = _poppler("pdftotext", "-layout", dossier.file_path(export, "pdf"), "-")
    flat = re.sub(r"\s+", "", text)
    # The PDF's money is the dashboard's, in yuan, never in fen.
    total, per_resident = format_yuan(fen_to_yuan(funding.numerator)), format_yuan(funding.value)
    assert (total, per_resident) == ("¥70,000.00", "¥2.26")
    assert f"{per_resident}（{total}/{funding.denominator}）" in flat
    assert str(funding.numerator) not in flat
    # The first pages: the cut-off, when it was built, the evidence check and the consistency checks.
    assert "截止日期2020年12月31日" in flat
    assert f"生成时间{chinese_date(timezone.localdate())}" in flat
    assert "大讲堂：新时代文明实践（2020-06-09）：已计入但无佐证" in flat
    assert "一致性检查" in flat
    # Participation as counts per village; the automatic indicators name their records, not 无佐证材料.
    for line in participation.villages:
        assert f"{line.label}{line.numerator}{line.denominator}{line.percent}" in flat
    tree = dossier.dossier_content(town=demo, year=2020, as_of=AS_OF, with_evidence=False).tree
    leaves = [node for node in tree.nodes if node.is_leaf]
    starts = [flat.index(f"{node.code}{node.indicator.name}（得分") for node in leaves]
    sections = [
        flat[start:end]
        for start, end in zip(starts, [*starts[1:], flat.index("二、工作计划", starts[-1])], strict=True)
    ]
    without = [node.code for node, text in zip(leaves, sections, strict=True) if "无佐证材料。" in text]
    assert without == ["1.1", "1.3", "2.1", "2.2"]  # the manual indicators scored without a file, no automatic one
