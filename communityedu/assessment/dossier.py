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
from datetime import date
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

from communityedu.activities.models import Evidence
from communityedu.assessment.constants import ConditionItem, ScoringMethod
from communityedu.assessment.models import DossierExport, EvidenceFile
from communityedu.assessment.selectors import ScoredNode, ScoredTree, scored_tree
from communityedu.core import audit
from communityedu.core.files import stored_path
from communityedu.core.models import AuditAction
from communityedu.core.parsing import check_year
from communityedu.core.spreadsheets import new_workbook
from communityedu.incentives.pdf import DEFAULT_FONT, chinese_date
from communityedu.organization.models import Town
from communityedu.planning.models import PlanFile
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
    entries: list[EvidenceEntry] = field(default_factory=list)

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


def collect_evidence(*, town: Town, year: int, as_of: date, tree: ScoredTree | None) -> list[EvidenceEntry]:
    """Every evidence file of the dossier, in the order of the archive; files missing on disk are left out."""
    folders, entries = _Folders(), []

    def add(folder: str, stored, indicator_id: int | None = None) -> None:
        path = stored_path(stored.file)
        if path is None:
            return
        thumbnail = stored_path(getattr(stored, "thumbnail", "") or "")
        entries.append(
            EvidenceEntry(
                folder=folder,
                name=folders.name(folder, stored.original_name),
                path=path,
                size=stored.size,
                content_type=stored.content_type,
                thumbnail=thumbnail,
                indicator_id=indicator_id,
            )
        )

    conditions_nodes: dict[str, ScoredNode] = {}
    if tree is not None:
        for node in tree.nodes:
            if node.indicator.method == ScoringMethod.CONDITIONS:
                conditions_nodes.setdefault(node.indicator.source or "", node)
            if node.manual is None:
                continue
            folder = _indicator_folder(node)
            for stored in node.manual.files.all():
                add(folder, stored, node.indicator.pk)
            for stored in node.manual.activity_evidence.all():
                if not stored.is_removed:
                    add(folder, stored, node.indicator.pk)
    condition_files = (
        EvidenceFile.objects.filter(town=town, conditions__year=year, is_removed=False)
        .select_related("conditions__unit")
        .order_by("conditions__unit__unit_type", "conditions__unit__name", "item", "created_at", "pk")
    )
    for stored in condition_files:
        node = conditions_nodes.get(stored.item) or conditions_nodes.get("")
        top = _indicator_folder(node) if node else TOPLEVEL_OTHER["conditions"]
        folder = f"{top}/{_safe(stored.conditions.unit.name)}/{ITEM_LABELS.get(stored.item, stored.item)}"
        add(folder, stored, node.indicator.pk if node else None)
    activity_files = (
        Evidence.objects.filter(town=town, is_removed=False, activity__starts_at__year=year)
        .filter(activity__starts_at__date__lte=as_of)
        .select_related("activity")
        .order_by("activity__starts_at", "activity_id", "created_at", "pk")
    )
    for stored in activity_files:
        when = timezone.localtime(stored.activity.starts_at).date().isoformat()
        add(f"{TOPLEVEL_OTHER['activities']}/{_safe(f'{when} {stored.activity.title}')}", stored)
    plan_files = (
        PlanFile.objects.filter(town=town)
        .select_related("task__phase", "task__unit", "item")
        .order_by("task__phase__number", "task__due_on", "task_id", "item_id", "created_at", "pk")
    )
    for stored in plan_files:
        if stored.task_id:
            phase = _safe(f"{stored.task.phase.number} {stored.task.phase.name}")
            task_name = _safe(f"{stored.task.title}（{stored.task.unit.name}）")
            add(f"{TOPLEVEL_OTHER['plan']}/{phase}/{task_name}", stored)
        else:
            add(f"{TOPLEVEL_OTHER['rectification']}/{_safe(f'{stored.item_id} {stored.item.description}', 40)}", stored)
    return entries


def dossier_content(*, town: Town, year: int, as_of: date, with_evidence: bool = True) -> DossierContent:
    """What the dossier shows, read once for the three files."""
    tree = scored_tree(town=town, year=year, as_of=as_of)
    content = DossierContent(town=town, year=year, as_of=as_of, tree=tree, plan=plan_overview(town, as_of))
    if with_evidence:
        content.entries = collect_evidence(town=town, year=year, as_of=as_of, tree=tree)
    return content


# ---- the three files -----------------------------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else float(value)


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
                for column, value in ((10, node.numerator), (11, node.denominator)):
                    if value is None:
                        sheet.write(row, column, "", plain)
                    else:
                        sheet.write_number(row, column, value, plain)
                comment = node.manual.comment if node.manual else ("未评分" if not node.is_scored else "")
                sheet.write(row, 12, comment, plain)
                sheet.write_number(row, 13, counts.get(indicator.pk, 0), plain)
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


def pdf_context(content: DossierContent) -> dict:
    sections = []
    if content.tree is not None:
        for node in content.tree.nodes:
            files = content.entries_of(node)
            sections.append(
                {
                    "node": node,
                    "anchor": f"i-{node.indicator.pk}",
                    "method": METHOD_LABELS.get(node.indicator.method, ""),
                    "files": files,
                    "thumbs": [entry for entry in files if entry.thumbnail is not None][:24],
                }
            )
    other = [entry for entry in content.entries if entry.indicator_id is None]
    return {
        "town": content.town,
        "year": content.year,
        "as_of": chinese_date(content.as_of),
        "made_on": chinese_date(timezone.localdate()),
        "tree": content.tree,
        "sections": sections,
        "plan": content.plan,
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
            total = len(content.entries) + 3
            _save_progress(export, total=total, done=1, step="评分表", evidence_files=len(content.entries))
            write_xlsx(folder / KINDS["xlsx"][2], content)
            _save_progress(export, done=2, step="佐证材料压缩包")

            def on_file(index: int) -> None:
                if index % PROGRESS_EVERY == 0:
                    _save_progress(export, done=2 + index)

            write_zip(folder / KINDS["zip"][2], content.entries, on_file)
            _save_progress(export, done=2 + len(content.entries), step="PDF报告")
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
