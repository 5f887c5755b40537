"""The evaluation dossier (创建资料) of a year as of a cut-off date, built as a background job.

Three files, written to ``MEDIA_ROOT/dossiers/<town>/<export>/``:

- ``dossier.xlsx``: the indicator tree with its points, figures and scores (XlsxWriter, written to disk);
- ``evidence.zip``: every evidence file in folders by indicator — the files of the manual scores
  under their indicator, the basic conditions' files under the conditions indicator by unit and
  item, the activities' evidence of the year by activity, the work plan's files by phase and task —
  streamed from disk into the archive one file at a time (never held in memory);
- ``dossier.pdf``: the report (cover, contents, one section per indicator with its score, figures,
  narrative and evidence list with thumbnails, then the work plan and the meetings), drawn by
  WeasyPrint in Chinese on A4 with page numbers.

Every figure comes from ``selectors.scored_tree`` (which reads ``metrics`` for the same ``as_of``)
and ``planning.selectors.plan_overview``: nothing is recomputed here. The documents are official
Chinese ones, so they are written in Chinese whatever the requester's interface language.
The job's state and progress are kept on its ``DossierExport`` row; starting and every download
are recorded in the audit log.
"""

from __future__ import annotations

import functools
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from communityedu.activities.rollups import YearlyParticipant
from communityedu.assessment.constants import ConditionItem, ScoringMethod
from communityedu.assessment.evidence import SURVEY_FIGURES as SURVEY_FIGURE_KEYS
from communityedu.assessment.evidence import (
    EvidenceGraph,
    FileRef,
    Gap,
    RecordRef,
    figure_numbers,
    gaps_of,
    records_behind,
)
from communityedu.assessment.models import DossierExport
from communityedu.assessment.selectors import ScoredNode, ScoredTree, scored_tree
from communityedu.core import audit
from communityedu.core.files import stored_path
from communityedu.core.models import AuditAction
from communityedu.core.money import fen_to_yuan, format_yuan
from communityedu.core.parsing import check_year
from communityedu.core.spreadsheets import new_workbook
from communityedu.funding.models import Allocation, Expense
from communityedu.incentives.pdf import DEFAULT_FONT, chinese_date
from communityedu.organization.models import Town
from communityedu.planning.models import Meeting
from communityedu.planning.selectors import PlanOverview, plan_overview

DOSSIER_FOLDER = "dossiers"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind -> (field of the row, content type, file name on disk)
KINDS = {
    "pdf": ("pdf_file", "application/pdf", "dossier.pdf"),
    "zip": ("zip_file", "application/zip", "evidence.zip"),
    "xlsx": ("xlsx_file", XLSX, "dossier.xlsx"),
}
PROGRESS_EVERY = 25  # evidence files between two progress reports
# Already compressed content is stored as it is; deflating it again costs time and wins nothing.
STORED_TYPES = ("image/", "video/", "audio/", "application/pdf", "application/zip", "application/vnd.openxml")
METHOD_LABELS = {ScoringMethod.FIGURE: "自动（统计数据）", ScoringMethod.CONDITIONS: "自动（基本条件）",
                 ScoringMethod.MANUAL: "人工评分"}  # fmt: skip
ITEM_LABELS = {ConditionItem.VENUE: "场地", ConditionItem.STAFF: "人员", ConditionItem.FUNDS: "年度经费",
               ConditionItem.EQUIPMENT: "设施设备"}  # fmt: skip
TOPLEVEL_OTHER = {"conditions": "基本条件", "activities": "活动佐证", "plan": "工作计划", "rectification": "整改"}


# ---- what the dossier holds ----------------------------------------------------------------------


@dataclass
class EvidenceEntry:
    """One evidence file as it goes into the archive and the report."""

    folder: str  # the archive folder, "/"-separated
    name: str  # the file name in that folder (unique there)
    path: Path
    size: int
    content_type: str
    thumbnail: Path | None = None
    indicator_id: int | None = None
    key: str = ""  # the graph's file key (``app.Model:pk``); empty for a document made here

    @property
    def arcname(self) -> str:
        return f"{self.folder}/{self.name}"


@dataclass
class DossierContent:
    town: Town
    year: int
    as_of: date
    tree: ScoredTree | None
    plan: PlanOverview
    graph: EvidenceGraph | None = None
    gaps: list[Gap] = field(default_factory=list)
    inconsistencies: list = field(default_factory=list)
    built_at: datetime | None = None
    entries: list[EvidenceEntry] = field(default_factory=list)
    records: list[EvidenceEntry] = field(default_factory=list)  # the documents made from the records

    def entries_of(self, node: ScoredNode) -> list[EvidenceEntry]:
        return [entry for entry in self.entries if entry.indicator_id == node.indicator.pk]


def _safe(text: str, limit: int = 60) -> str:
    """A folder or file name safe on every system: no separators or control characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", str(text)).strip(" .") or "_"
    return cleaned[:limit]


class _Folders:
    """Gives each file a name not yet used in its folder: 合影.jpg, 合影 (2).jpg…"""

    def __init__(self):
        self.used: set[str] = set()

    def name(self, folder: str, original: str) -> str:
        stem, dot, extension = _safe(original, 80).rpartition(".")
        if not dot:
            stem, extension = extension, ""
        candidate, number = _safe(original, 80), 1
        while f"{folder}/{candidate}".lower() in self.used:
            number += 1
            candidate = f"{stem} ({number}).{extension}" if extension else f"{stem} ({number})"
        self.used.add(f"{folder}/{candidate}".lower())
        return candidate


def _indicator_folder(node: ScoredNode) -> str:
    return _safe(f"{node.code} {node.indicator.name}")


TRACK_FOLDER = "学习型组织认定"


def _conditions_folder(top: str, record: RecordRef) -> str:
    unit = record.label.rpartition(" · ")[0]
    return f"{top}/{_safe(unit)}/{ITEM_LABELS.get(record.part, record.part)}"


RECORDS_FOLDER = "台账与名单"
RECORDS_WORK_FOLDER = "records"  # the documents made for the archive, removed once it is written


def collect_evidence(
    *, town: Town, year: int, as_of: date, tree: ScoredTree | None, graph: EvidenceGraph | None = None
) -> list[EvidenceEntry]:
    """Every evidence file of the evidence graph (``evidence.records_behind``), in the order of the
    archive: the manual scores' files and the basic conditions' under their indicator, the
    recognition documents by track, the activities' evidence by activity, the work plan's by phase and
    task, the rectifications'. A file is archived once, in the first folder that claims it; files
    missing on disk are left out."""
    graph = graph or records_behind(town=town, year=year, as_of=as_of, tree=tree)
    folders, entries, placed = _Folders(), [], set()

    def add(folder: str, stored: FileRef, indicator_id: int | None = None) -> None:
        if stored.key in placed:
            return
        if stored.source == "recognition.StatusChange":
            path = stored_path(stored.stored, folder="")  # kept beside the evidence, as recognition serves it
        else:
            path = stored_path(stored.stored)
        if path is None:
            return
        placed.add(stored.key)
        entries.append(
            EvidenceEntry(
                folder=folder,
                name=folders.name(folder, stored.name),
                path=path,
                size=stored.size,
                content_type=stored.content_type or "application/octet-stream",
                thumbnail=stored_path(stored.thumbnail) if stored.thumbnail else None,
                indicator_id=indicator_id,
                key=stored.key,
            )
        )

    leaves = {node.code: node for node in tree.nodes if node.is_leaf} if tree is not None else {}
    conditions_folder = TOPLEVEL_OTHER["conditions"]
    for code, node in graph.indicators.items():
        scored = leaves.get(code)
        if scored is None or scored.indicator.method == ScoringMethod.FIGURE:
            continue
        top = _indicator_folder(scored)
        if scored.indicator.method == ScoringMethod.CONDITIONS:
            conditions_folder = top
            for record in node.records:
                for stored in record.files:
                    add(_conditions_folder(top, record), stored, scored.indicator.pk)
        else:
            for stored in node.files:
                add(top, stored, scored.indicator.pk)
    for record in graph.conditions_records:  # items no conditions indicator reads
        for stored in record.files:
            add(_conditions_folder(conditions_folder, record), stored)
    for node in graph.recognitions:
        for record in node.records:
            track = record.label.rpartition(" · ")[2]
            subject = record.label.rpartition(" · ")[0]
            for stored in record.files:
                add(f"{TRACK_FOLDER}/{_safe(track)}/{_safe(subject)}", stored)
    for record in graph.activity_records:
        if record.files:
            folder = f"{TOPLEVEL_OTHER['activities']}/{_safe(f'{record.on.isoformat()} {record.label}')}"
            for stored in record.files:
                add(folder, stored)
    for node in graph.tasks:
        record = node.records[0]
        for stored in record.files:
            add(f"{TOPLEVEL_OTHER['plan']}/{_safe(node.group)}/{_safe(node.label)}", stored)
    for node in graph.rectifications:
        for stored in node.files:
            add(f"{TOPLEVEL_OTHER['rectification']}/{_safe(f'{node.key} {node.records[0].label}', 40)}", stored)
    return entries


def dossier_content(*, town: Town, year: int, as_of: date, with_evidence: bool = True) -> DossierContent:
    """What the dossier shows, read once for the three files: the scored tree, the plan, the
    evidence graph with its check and the consistency checks."""
    tree = scored_tree(town=town, year=year, as_of=as_of)
    graph = records_behind(town=town, year=year, as_of=as_of, tree=tree)
    content = DossierContent(
        town=town,
        year=year,
        as_of=as_of,
        tree=tree,
        plan=plan_overview(town, as_of),
        graph=graph,
        gaps=gaps_of(graph),
        inconsistencies=_inconsistencies(town=town, year=year, as_of=as_of),
        built_at=timezone.localtime(),
    )
    if with_evidence:
        content.entries = collect_evidence(town=town, year=year, as_of=as_of, tree=tree, graph=graph)
    return content


def _inconsistencies(*, town: Town, year: int, as_of: date) -> list:
    from communityedu.assessment.consistency import inconsistencies

    return inconsistencies(town=town, year=year, as_of=as_of)


# ---- the records as documents of the archive ----------------------------------------------------


def _sheet(path: Path, title: str, header: list[str], rows, widths: list[int]) -> None:
    """One sheet of rows written straight to disk (XlsxWriter's constant memory: any length)."""
    workbook = new_workbook(str(path), in_memory=False, constant_memory=True)
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        sheet = workbook.add_worksheet(title[:31])
        sheet.write_row(0, 0, header, bold)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(number, column, value)
                else:
                    sheet.write_string(number, column, "" if value is None else str(value))
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
    finally:
        workbook.close()


def _participant_rows(content: DossierContent):
    """The residents counted in the participation figure, phone and ID number masked."""
    rows = (
        YearlyParticipant.objects.filter(
            town=content.town, year=content.year, first_attended_on__lte=content.graph.cut, village__isnull=False
        )
        .order_by("village__code", "village__name", "first_attended_on", "person__name", "pk")
        .values_list(
            "village__name",
            "person__name",
            "person__sex",
            "person__village_group",
            "person__phone_masked",
            "person__id_number_masked",
            "first_attended_on",
            "first_activity__title",
        )
    )
    sexes = {"M": "男", "F": "女"}
    for village, name, sex, group, phone, id_number, day, title in rows.iterator(chunk_size=2000):
        yield village, name, sexes.get(sex, sex), group, phone, id_number, day.isoformat(), title


def _ledger_rows(content: DossierContent):
    town, year, cut = content.town, content.year, content.graph.cut
    for entry in Allocation.objects.filter(town=town, year=year, dated_on__lte=cut).select_related("receiving_unit"):
        yield ("经费投入", entry.dated_on.isoformat(), entry.voucher_number, entry.get_source_display(),
               entry.receiving_unit.name if entry.receiving_unit else "", entry.description, float(entry.amount),
               format_yuan(entry.amount), entry.reason)  # fmt: skip
    for entry in Expense.objects.filter(town=town, year=year, dated_on__lte=cut).select_related("paying_unit"):
        yield ("经费支出", entry.dated_on.isoformat(), entry.voucher_number, entry.get_category_display(),
               entry.paying_unit.name if entry.paying_unit else "", entry.description, float(entry.amount),
               format_yuan(entry.amount), entry.reason)  # fmt: skip
    for node in content.graph.payments:
        record = node.records[0]
        if not record.record.startswith("activities.LecturePayment:"):
            continue
        yield ("讲课费", record.on.isoformat() if record.on else "", record.written, record.label, "", node.label,
               "", node.value, "")  # fmt: skip


def _survey_rows(content: DossierContent):
    for key in SURVEY_FIGURE_KEYS:
        figure = content.graph.figure_rows.get(key)
        if figure is None:
            continue
        for record in content.graph.figures[key].records:
            yield str(figure.label), "调查", record.label, record.detail, "", "", ""
        yield str(figure.label), "合计", "", "", figure.numerator, figure.denominator, figure.percent
        for line in figure.villages:
            yield (
                str(figure.label),
                "村（社区）",
                str(line.label),
                line.note,
                line.numerator,
                line.denominator,
                line.percent,
            )


def _certificate_rows(content: DossierContent):
    for node in content.graph.certificates:
        record = node.records[0]
        yield record.label, node.label.partition(" ")[2], record.on.isoformat(), record.detail, node.value


def _text_file(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_records(folder: Path, content: DossierContent) -> list[EvidenceEntry]:
    """The records behind the figures as documents of the archive (under ``台账与名单/``, the
    minutes and notices in their own folders): the named participant list (masked), the funding
    ledger with its vouchers and the lecture fees, the survey results, the certificates issued,
    one text file per meeting's minutes and per notice. Written to ``folder``; returned as entries."""
    folder.mkdir(parents=True, exist_ok=True)
    folders, entries = _Folders(), []

    def add(archive_folder: str, name: str, writer) -> None:
        archive_name = folders.name(archive_folder, name)
        path = folder / f"{len(entries) + 1}-{_safe(archive_name)}"
        writer(path)
        content_type = XLSX if name.endswith(".xlsx") else "text/plain"
        entries.append(EvidenceEntry(archive_folder, archive_name, path, path.stat().st_size, content_type))

    add(RECORDS_FOLDER, "居民参与名单（已脱敏）.xlsx", lambda path: _sheet(
        path, "参与名单", ["村（社区）", "姓名", "性别", "村民小组", "手机（脱敏）", "身份证号（脱敏）", "首次参加日期", "首次参加活动"],
        _participant_rows(content), [14, 10, 6, 10, 16, 22, 14, 40]))  # fmt: skip
    add(RECORDS_FOLDER, "经费台账.xlsx", lambda path: _sheet(
        path, "经费台账", ["类别", "日期", "凭证号", "来源/类别", "单位", "摘要", "金额（元）", "金额", "冲销原因"],
        _ledger_rows(content), [10, 12, 14, 14, 20, 40, 14, 16, 20]))  # fmt: skip
    add(RECORDS_FOLDER, "调查结果.xlsx", lambda path: _sheet(
        path, "调查结果", ["指标", "层级", "名称", "说明", "肯定回答", "有效回答", "比率"],
        _survey_rows(content), [16, 10, 24, 40, 10, 10, 10]))  # fmt: skip
    add(RECORDS_FOLDER, "证书发放登记.xlsx", lambda path: _sheet(
        path, "证书发放", ["编号", "姓名", "发放日期", "内容", "积分"],
        _certificate_rows(content), [20, 10, 12, 50, 12]))  # fmt: skip
    for node in content.graph.meetings:
        record = node.records[0]
        meeting_lines = [node.label, record.detail, "", "会议纪要：", record.written or "（无）"]
        add("会议纪要", f"{node.label}.txt", lambda path, lines=meeting_lines: _text_file(path, lines))
    for node in content.graph.notices:
        record = node.records[0]
        day = record.on.isoformat() if record.on else "日期未填"
        notice_lines = [node.label, f"{node.value}　{day}", "", record.written]
        add("通报", f"{day} {node.label}.txt", lambda path, lines=notice_lines: _text_file(path, lines))
    return entries


# ---- the three files -----------------------------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else float(value)


def _money_parts(figure) -> tuple[str, ...]:
    """The parts of ``figure`` kept in fen (``Figure.money_parts``; a figure in yuan per resident
    keeps at least its numerator so)."""
    return getattr(figure, "money_parts", ("numerator",) if figure.unit == "yuan" else ())


def write_xlsx(path: Path, content: DossierContent) -> None:
    """The score sheet: one row per indicator, written straight to ``path``."""
    workbook = new_workbook(str(path), in_memory=False, constant_memory=True)
    try:
        title = workbook.add_format({"bold": True, "font_size": 14})
        bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
        number = workbook.add_format({"num_format": "0.00", "border": 1})
        percent = workbook.add_format({"num_format": "0.00%", "border": 1})
        plain = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        strong = workbook.add_format({"bold": True, "border": 1, "num_format": "0.00"})
        sheet = workbook.add_worksheet("评分表")
        sheet.write(0, 0, f"{content.town.name}社区教育创建评估自评分表（{content.year}年）", title)
        sheet.write(1, 0, f"截止日期：{chinese_date(content.as_of)}")
        header = ["编码", "层级", "指标", "分值", "得分", "失分", "评分方式", "数据来源", "实际值", "达标值",
                  "分子", "分母", "评分说明", "佐证材料（份）"]  # fmt: skip
        sheet.write_row(3, 0, header, bold)
        row = 4
        tree = content.tree
        if tree is not None:
            counts: dict[int, int] = {}
            for entry in content.entries:
                if entry.indicator_id:
                    counts[entry.indicator_id] = counts.get(entry.indicator_id, 0) + 1
            for node in tree.nodes:
                indicator = node.indicator
                sheet.write(row, 0, indicator.code, plain)
                sheet.write_number(row, 1, indicator.level, plain)
                sheet.write(row, 2, indicator.name, plain)
                sheet.write_number(row, 3, float(node.points), number)
                sheet.write_number(row, 4, float(node.score), number)
                sheet.write_number(row, 5, float(node.lost), number)
                sheet.write(row, 6, METHOD_LABELS.get(indicator.method, ""), plain)
                sheet.write(row, 7, indicator.source, plain)
                if node.value is not None and node.figure is not None and node.figure.unit == "yuan":
                    sheet.write_number(row, 8, float(node.value), number)
                    sheet.write_number(row, 9, float(node.threshold), number)
                elif node.value is not None:
                    sheet.write_number(row, 8, float(node.value), percent)
                    sheet.write_number(row, 9, float(node.threshold), percent)
                else:
                    sheet.write(row, 8, "", plain)
                    sheet.write(row, 9, "", plain)
                for column, part, value in ((10, "numerator", node.numerator), (11, "denominator", node.denominator)):
                    if value is None:
                        sheet.write(row, column, "", plain)
                    elif node.figure is not None and part in _money_parts(node.figure):
                        sheet.write_number(row, column, float(fen_to_yuan(value)), number)  # yuan, never fen
                    else:
                        sheet.write_number(row, column, value, plain)
                comment = node.manual.comment if node.manual else ("未评分" if not node.is_scored else "")
                sheet.write(row, 12, comment, plain)
                behind = content.graph.indicators.get(indicator.code) if content.graph else None
                sheet.write_number(row, 13, max(counts.get(indicator.pk, 0), len(behind.files) if behind else 0), plain)
                row += 1
            sheet.write(row, 2, "合计", strong)
            sheet.write_number(row, 3, float(tree.total_points), strong)
            sheet.write_number(row, 4, float(tree.total), strong)
        else:
            sheet.write(row, 0, "本镇尚未载入评估指标体系。")
        sheet.set_column(0, 1, 7)
        sheet.set_column(2, 2, 34)
        sheet.set_column(3, 11, 10)
        sheet.set_column(12, 12, 40)
        sheet.set_column(13, 13, 12)
    finally:
        workbook.close()


def _compression(entry: EvidenceEntry) -> int:
    return zipfile.ZIP_STORED if entry.content_type.startswith(STORED_TYPES) else zipfile.ZIP_DEFLATED


def write_zip(path: Path, entries: list[EvidenceEntry], on_file=None) -> None:
    """The archive, each file copied from disk in chunks (``ZipFile.write`` streams it)."""
    with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
        for index, entry in enumerate(entries, start=1):
            archive.write(entry.path, entry.arcname, compress_type=_compression(entry), compresslevel=6)
            if on_file is not None:
                on_file(index)


DOSSIER_CSS = """
@page {
  size: A4;
  margin: 22mm 20mm 20mm 22mm;
  @bottom-center { content: "— " counter(page) " —"; font-size: 9pt; color: #333; }
  @top-right { content: string(town) "社区教育创建资料"; font-size: 8.5pt; color: #666; }
}
@page :first { @bottom-center { content: none; } @top-right { content: none; } }
html { font-family: "%(font)s", sans-serif; font-size: 11pt; line-height: 1.6; color: #111; }
body { margin: 0; }
.cover { page-break-after: always; text-align: center; padding-top: 60mm; string-set: town attr(data-town); }
.cover h1 { font-size: 26pt; margin: 0 0 6mm; letter-spacing: 2pt; }
.cover .subtitle { font-size: 16pt; margin: 0 0 40mm; }
.cover dl { display: inline-block; text-align: left; font-size: 13pt; }
.cover dt { float: left; clear: left; width: 30mm; }
.cover dd { margin: 0 0 3mm 30mm; }
.contents { page-break-after: always; }
.contents h2 { text-align: center; }
.contents ol { list-style: none; padding: 0; }
.contents li a { color: #111; text-decoration: none; }
.contents li a::after { content: leader(".") target-counter(attr(href), page); }
.contents .level-2 { padding-left: 2em; }
h2 { font-size: 16pt; margin: 0 0 4mm; }
h2.indicator { page-break-before: always; border-bottom: 1pt solid #333; padding-bottom: 1mm; }
h3 { font-size: 13pt; margin: 6mm 0 2mm; }
.part { page-break-before: always; }
table { width: 100%%; border-collapse: collapse; margin: 2mm 0 4mm; }
th, td { border: 0.6pt solid #333; padding: 0.8mm 2mm; font-size: 9.5pt; line-height: 1.4; vertical-align: top;
  text-align: left; }
thead th, th[scope=row] { background: #eee; font-weight: bold; }
tr { break-inside: avoid; }
.number { text-align: right; white-space: nowrap; }
.points { font-size: 12pt; }
.points strong { font-size: 14pt; }
.narrative { text-indent: 2em; margin: 1mm 0 3mm; }
.muted { color: #555; }
.flag { color: #b00; font-weight: bold; }
.thumbs { display: flex; flex-wrap: wrap; gap: 2mm; }
figure { margin: 0 2mm 2mm 0; width: 36mm; display: inline-block; vertical-align: top; break-inside: avoid; }
figure img { width: 34mm; height: 34mm; object-fit: cover; border: 0.5pt solid #999; }
figcaption { font-size: 7.5pt; line-height: 1.3; word-break: break-all; }
"""


@functools.cache
def _stylesheet():
    from weasyprint import CSS  # imported on first use: WeasyPrint loads Pango when imported

    font = getattr(settings, "CERTIFICATE_FONT", DEFAULT_FONT)
    return CSS(string=DOSSIER_CSS % {"font": font})


# The figures' definitions as the dossier states them (docs/design.md, "The figures"); a figure
# registered without one here is defined by its label and its breakdown.
FIGURE_DEFINITIONS = {
    "participation": "本年1月1日至截止日期，至少一次以实名签到参加本镇组织的社区教育活动（任何角色）的常住居民人数"
    "（按户籍所在村（社区）计）÷ 各村（社区）本年常住人口之和。",
    "lecture_hall": "自项目启动月起至截止日期，每月举办（已结束、未取消）的社区教育大讲堂不少于2次的月份数 ÷ 已过月份数。",
    "funding_per_capita": "本年镇财政安排的社区教育经费（经费投入台账中来源为镇财政的各笔，含冲销，截至凭证日期）"
    "÷ 本年常住人口，单位元，四舍五入到分；并与上年比较是否增长。",
    "learning_communities": "截止日期当天状态为“已认定”的学习型社区（村）数 ÷ 全部村（社区）数。",
    "learning_organs": "截止日期当天状态为“已认定”的学习型党政机关数 ÷ 全部党政机关数。",
    "demonstration_villages": "截止日期当天状态为“已认定”的示范社区（村）数 ÷ 规划要求的2个。",
    "awareness": "本年截止日期前结束的最近一次标准调查中，知晓题有效回答里选择前两档（或“是”）的比例。",
    "recognition": "本年截止日期前结束的最近一次标准调查中，认同题有效回答里选择前两档（或“是”）的比例。",
    "satisfaction": "本年截止日期前结束的最近一次标准调查中，满意题有效回答里选择前两档（或“是”）的比例。",
}


def _record_rows(records: list[RecordRef], placed: dict[str, EvidenceEntry]) -> list[dict]:
    rows = []
    for record in records:
        entries = [placed[stored.key] for stored in record.files if stored.key in placed]
        rows.append(
            {
                "record": record,
                "files": entries,
                "folder": entries[0].folder if entries else "",
                "flag": record.needs_evidence and not record.has_evidence,
            }
        )
    return rows


def pdf_context(content: DossierContent) -> dict:
    graph = content.graph
    placed = {entry.key: entry for entry in content.entries if entry.key}
    sections = []
    if content.tree is not None:
        for node in content.tree.nodes:
            files = content.entries_of(node)
            evidence_node = graph.indicators.get(node.code) if graph else None
            records = evidence_node.records if evidence_node else []
            figure = node.figure
            lines_label = ""
            if figure is not None:
                lines_label = str(figure.beside.get("lines_label", "") or ("村（社区）" if figure.villages else ""))
            # Files of the records that live in other folders (activities' evidence) are counted, not listed again.
            record_files = {stored.key for record in records for stored in record.files if stored.key in placed}
            sections.append(
                {
                    "node": node,
                    "anchor": f"i-{node.indicator.pk}",
                    "method": METHOD_LABELS.get(node.indicator.method, ""),
                    "files": files,
                    "thumbs": [entry for entry in files if entry.thumbnail is not None][:24],
                    "numbers": figure_numbers(figure) if figure is not None else "",
                    "definition": FIGURE_DEFINITIONS.get(figure.key, "") if figure is not None else "",
                    "lines": figure.villages if figure is not None else [],
                    "lines_label": lines_label,
                    # The lines of counts (a village's participants) are the table above; the records
                    # that owe evidence (activities, ledger lines, recognitions, scores) are listed.
                    "records": _record_rows([record for record in records if record.needs_evidence], placed),
                    "record_files": len(record_files),
                    "has_evidence": bool(files or record_files or any(record.has_evidence for record in records)),
                }
            )
    other = [entry for entry in content.entries if entry.indicator_id is None]
    minutes = {
        (held_on, title): text
        for held_on, title, text in Meeting.objects.filter(town=content.town, held_on__lte=content.as_of).values_list(
            "held_on", "title", "minutes"
        )
    }
    built_at = content.built_at or timezone.localtime()
    return {
        "town": content.town,
        "year": content.year,
        "as_of": chinese_date(content.as_of),
        "cut": chinese_date(graph.cut) if graph else chinese_date(content.as_of),
        "made_on": chinese_date(built_at.date()),
        "built_at": f"{chinese_date(built_at.date())} {built_at:%H:%M}",
        "tree": content.tree,
        "sections": sections,
        "plan": content.plan,
        "graph": graph,
        "gaps": content.gaps,
        "inconsistencies": content.inconsistencies,
        "plan_meetings": [
            (meeting, minutes.get((meeting.held_on, meeting.title), "")) for meeting in content.plan.meetings
        ],
        "meetings": _record_rows([node.records[0] for node in graph.meetings], placed) if graph else [],
        "notices": _record_rows([node.records[0] for node in graph.notices], placed) if graph else [],
        "recognitions": _record_rows([node.records[0] for node in graph.recognitions], placed) if graph else [],
        "payments": graph.payments if graph else [],
        "certificates": graph.certificates if graph else [],
        "record_documents": content.records,
        "other_files": other,
        "file_count": len(content.entries),
    }


def write_pdf(path: Path, content: DossierContent) -> None:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string("assessment/dossier/report.html", pdf_context(content))
    HTML(string=html, base_url=str(Path(settings.MEDIA_ROOT).resolve())).write_pdf(
        str(path), stylesheets=[_stylesheet()]
    )


# ---- the job -------------------------------------------------------------------------------------


def _folder(export: DossierExport) -> Path:
    return Path(settings.MEDIA_ROOT) / DOSSIER_FOLDER / str(export.town_id) / str(export.pk)


def _save_progress(export: DossierExport, **values) -> None:
    for name, value in values.items():
        setattr(export, name, value)
    DossierExport.objects.filter(pk=export.pk).update(**values, updated_at=timezone.now())


def start_export(*, actor, town: Town, year: int, as_of: date) -> DossierExport:
    """Queue the dossier of ``year`` as of ``as_of``; while one for the same year and date is
    under way it is returned instead of starting another."""
    check_year(year)
    if as_of.year < year:
        raise ValidationError({"as_of": _("The cut-off date must not lie before the year %(year)s.") % {"year": year}})
    with transaction.atomic():
        running = (
            DossierExport.objects.select_for_update()
            .filter(
                town=town, year=year, as_of=as_of, state__in=[DossierExport.State.QUEUED, DossierExport.State.RUNNING]
            )
            .first()
        )
        if running is not None:
            return running
        export = DossierExport.objects.create(
            town=town, year=year, as_of=as_of, requested_by=actor if getattr(actor, "pk", None) else None,
            step="排队中",
        )  # fmt: skip
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=export,
            object_label=f"创建资料 {year}（截至 {as_of.isoformat()}）",
            changes={"year": year, "as_of": as_of.isoformat()},
        )
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: build_dossier_task.enqueue(export_id=export.pk, actor_id=actor_id))
    return export


def run_export(export: DossierExport) -> DossierExport:
    """Build the three files of ``export``: the job's work, also callable directly (benchmark, shell)."""
    folder = _folder(export)
    folder.mkdir(parents=True, exist_ok=True)
    _save_progress(export, state=DossierExport.State.RUNNING, step="读取指标与数据", done=0, total=0, error="")
    try:
        with translation.override("zh-hans"):
            content = dossier_content(town=export.town, year=export.year, as_of=export.as_of)
            content.records = write_records(folder / RECORDS_WORK_FOLDER, content)
            content.entries += content.records
            total = len(content.entries) + 3
            _save_progress(export, total=total, done=1, step="评分表", evidence_files=len(content.entries))
            write_xlsx(folder / KINDS["xlsx"][2], content)
            _save_progress(export, done=2, step="佐证材料压缩包")

            def on_file(index: int) -> None:
                if index % PROGRESS_EVERY == 0:
                    _save_progress(export, done=2 + index)

            write_zip(folder / KINDS["zip"][2], content.entries, on_file)
            _save_progress(export, done=2 + len(content.entries), step="PDF报告")
            shutil.rmtree(folder / RECORDS_WORK_FOLDER, ignore_errors=True)
            write_pdf(folder / KINDS["pdf"][2], content)
    except Exception as error:
        shutil.rmtree(folder, ignore_errors=True)
        _save_progress(
            export, state=DossierExport.State.FAILED, step="", error=str(error)[:500], finished_at=timezone.now()
        )
        raise
    media = Path(settings.MEDIA_ROOT)
    _save_progress(
        export,
        state=DossierExport.State.DONE,
        step="",
        done=export.total,
        finished_at=timezone.now(),
        **{name: (folder / file_name).relative_to(media).as_posix() for name, _type, file_name in KINDS.values()},
    )
    return export


@task()
def build_dossier_task(*, export_id: int, actor_id: int | None = None) -> dict:
    export = DossierExport.objects.select_related("town").get(pk=export_id)
    run_export(export)
    return {"evidence_files": export.evidence_files, "state": export.state}


# ---- reading and downloading ---------------------------------------------------------------------


def exports_of(town: Town) -> QuerySet[DossierExport]:
    return DossierExport.objects.filter(town=town).select_related("requested_by")


def get_export(town: Town, pk: int) -> DossierExport:
    """An export of ``town`` (the caller checked that the user reads its whole assessment); 404 otherwise."""
    return get_object_or_404(exports_of(town), pk=pk)


def file_path(export: DossierExport, kind: str) -> Path | None:
    """The finished file of ``kind`` on disk, or None."""
    if kind not in KINDS or export.state != DossierExport.State.DONE:
        return None
    relative = getattr(export, KINDS[kind][0])
    if not relative:
        return None
    folder = (Path(settings.MEDIA_ROOT) / DOSSIER_FOLDER).resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def download_name(export: DossierExport, kind: str) -> str:
    return f"创建资料-{export.town.name}-{export.year}-{export.as_of.isoformat()}.{kind}"


def record_download(*, actor, export: DossierExport, kind: str) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=export,
        object_label=f"创建资料 {export.year}（截至 {export.as_of.isoformat()}）.{kind}",
        changes={"kind": kind, "year": export.year, "as_of": export.as_of.isoformat()},
    )
