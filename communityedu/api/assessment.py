"""The assessment over the API: basic conditions and their files, the indicator tree and its
versions, the self-assessment scored as of a date, manual scores, and the annual unit assessment
with its weights and export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from ninja import File, Form, Schema, Status, UploadedFile
from ninja.errors import HttpError

from communityedu.activities.models import Evidence
from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Count, Id, Text, TownSlug, Year, Yuan
from communityedu.assessment import consistency, dossier, exports, permissions, selectors, services
from communityedu.assessment.constants import ConditionItem
from communityedu.assessment.indicator_sheet import MAX_BYTES, IndicatorSheetError
from communityedu.core.money import api_yuan, fen_to_yuan
from communityedu.core.parsing import check_year
from communityedu.metrics.selectors import default_year

router = ListRouter(tags=["assessment"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reading_town(request, slug: str, *, own: bool = False):
    town = town_for(request, slug)
    allowed = permissions.can_read_own if own else permissions.can_read
    if not allowed(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


def _managing_town(request, slug: str):
    town = town_for(request, slug)
    if not permissions.can_manage(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


# ---- basic conditions ----------------------------------------------------------------------------


class ConditionFileOut(Schema):
    id: int
    item: str
    original_name: str
    content_type: str
    size: int


class ConditionsOut(Schema):
    unit_id: int
    unit: str
    unit_type: str
    year: int
    venue_place: str
    venue_area: Decimal | None
    staff: str
    staff_count: int | None
    yearly_funds: Yuan | None
    equipment: str
    states: dict[str, str]
    missing: list[str]
    files: list[ConditionFileOut]


class ConditionsIn(Schema):
    venue_place: Text(120) = ""
    venue_area: Decimal | None = None
    staff: Text(200) = ""
    staff_count: Count | None = None
    yearly_funds: Decimal | None = None
    equipment: Text(300) = ""


def _conditions_out(line, year: int) -> dict:
    row = line.conditions
    return {
        "unit_id": line.unit.pk,
        "unit": line.unit.name,
        "unit_type": line.unit.unit_type,
        "year": year,
        "venue_place": row.venue_place if row else "",
        "venue_area": row.venue_area if row else None,
        "staff": row.staff if row else "",
        "staff_count": row.staff_count if row else None,
        "yearly_funds": row.yearly_funds if row else None,
        "equipment": row.equipment if row else "",
        "states": {item: state.replace(" ", "_") for item, state in line.states.items()},
        "missing": line.missing,
        "files": [stored for files in line.files.values() for stored in files],
    }


@router.get("/assessment/conditions", response=list[ConditionsOut])
def list_conditions(request, town: str, year: Year):
    """The basic conditions of the community school and every learning centre for ``year``; each
    item's state is complete, no_value or no_evidence."""
    town_row = town_for(request, town)
    if not permissions.can_read_conditions(request.user, town_row):
        raise HttpError(403, "Not allowed")
    check_year(year)
    own = permissions.own_condition_unit_ids(request.user, town_row)
    unit_ids = None if permissions.can_read(request.user, town_row) else own
    overview = selectors.conditions_overview(town=town_row, year=year, unit_ids=unit_ids)
    return [_conditions_out(line, year) for line in overview.lines]


@router.put("/assessment/conditions/{unit_id}", response=ConditionsOut)
def put_conditions(request, unit_id: Id, town: str, year: Year, body: ConditionsIn):
    """Set the venue, staff, yearly funds and equipment of a unit for ``year``."""
    town_row = _managing_town(request, town)
    check_year(year)
    unit = selectors.get_condition_unit_for(request.user, town_row, unit_id)
    services.save_conditions(actor=request.user, unit=unit, year=year, values=body.dict())
    line = selectors.conditions_overview(town=town_row, year=year, unit_ids=[unit.pk]).lines[0]
    return Status(200, _conditions_out(line, year))


@router.post("/assessment/conditions/{unit_id}/evidence", response={201: ConditionFileOut})
def upload_condition_evidence(
    request, unit_id: Id, town: str, year: Year, item: ConditionItem = Form(...), file: UploadedFile = File(...)
):
    """Keep a photo or PDF as evidence of one item (venue, staff, funds, equipment)."""
    town_row = _managing_town(request, town)
    check_year(year)
    unit = selectors.get_condition_unit_for(request.user, town_row, unit_id)
    stored = services.attach_condition_evidence(actor=request.user, unit=unit, year=year, item=item, upload=file)
    return Status(201, stored)


# ---- the indicator system ------------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    code: str
    parent_code: str | None
    level: int
    name: str
    points: Decimal
    evaluation_points: str
    method: str
    source: str
    threshold: Decimal | None
    rule: str

    @staticmethod
    def resolve_parent_code(obj):
        return obj.code.rpartition(".")[0] or None


class SystemOut(Schema):
    version: int
    name: str
    source_name: str
    total_points: Decimal
    loaded_at: str
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_loaded_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.order_by("position"))


@router.get("/assessment/indicators", response=SystemOut)
def get_indicators(request, town: str, version: Id | None = None):
    """The town's indicator tree: the current version, or the one asked for."""
    town_row = _reading_town(request, town)
    if version is not None:
        return selectors.get_system_for(request.user, town_row, version)
    system = selectors.current_system(town_row)
    if system is None:
        raise HttpError(404, "No indicator system is loaded")
    return system


@router.post("/assessment/indicators", response={201: SystemOut})
def load_indicators(request, town: str, file: UploadedFile = File(...), name: Text(120) = Form("")):
    """Load a sheet (.xlsx, .xls, .csv; docs/indicator-format.md) as the town's next version. A
    sheet with any problem is refused whole, every problem named by row and column."""
    town_row = _managing_town(request, town)
    if file.size > MAX_BYTES:
        raise ApiError(400, "The file is larger than 5 MB.", field="file", extra={"problems": []})
    try:
        system = services.load_indicator_system(
            actor=request.user, town=town_row, content=file.read(), file_name=file.name or "", name=name
        )
    except IndicatorSheetError as error:
        raise ApiError(
            400,
            "The sheet was not loaded; nothing was written.",
            errors=[(f"row {problem.row}, {problem.column}", problem.reason) for problem in error.problems],
            extra={"problems": [problem.__dict__ for problem in error.problems]},
        ) from error
    return Status(201, system)


# ---- self-assessment -----------------------------------------------------------------------------


class NodeOut(Schema):
    code: str
    name: str
    level: int
    method: str
    points: Decimal
    score: Decimal | None
    source: str
    value: Decimal | None
    threshold: Decimal | None
    # A count, or money (the funding figures' amounts): yuan as a decimal string ("70000.00").
    numerator: int | str | None
    denominator: int | str | None
    comment: str
    scored_by: str
    evidence_file_ids: list[int]
    activity_evidence_ids: list[int]


class GapOut(Schema):
    code: str
    name: str
    lost: Decimal
    is_scored: bool
    fix_path: str


class LevelOut(Schema):
    level: int
    score: Decimal
    points: Decimal


class SelfAssessmentOut(Schema):
    town: str
    year: int
    as_of: date
    # Why this year, when none was asked for: the town's setting or the latest year with data.
    year_reason: str = ""
    version: int
    total: Decimal
    total_points: Decimal
    levels: list[LevelOut]
    indicators: list[NodeOut]
    gaps: list[GapOut]


def _fix_path(node) -> str:
    from django.urls import reverse

    return reverse(node.fix_page) if node.fix_page else ""


def _node_part(node, part: str) -> int | str | None:
    """A node's numerator or denominator; an amount a figure keeps in fen as a yuan string."""
    value = getattr(node, part)
    if value is not None and node.figure is not None and part in node.figure.money_parts:
        return api_yuan(fen_to_yuan(value))
    return value


def _tree_out(tree) -> dict:
    return {
        "town": tree.town.slug,
        "year": tree.year,
        "as_of": tree.as_of,
        "version": tree.system.version,
        "total": tree.total,
        "total_points": tree.total_points,
        "levels": [{"level": level, "score": score, "points": points} for level, score, points in tree.level_totals()],
        "indicators": [
            {
                "code": node.code,
                "name": node.indicator.name,
                "level": node.indicator.level,
                "method": node.indicator.method,
                "points": node.points,
                "score": node.score if node.is_scored or node.children else None,
                "source": node.indicator.source,
                "value": node.value,
                "threshold": node.threshold,
                "numerator": _node_part(node, "numerator"),
                "denominator": _node_part(node, "denominator"),
                "comment": node.manual.comment if node.manual else "",
                "scored_by": str(node.manual.scored_by or "") if node.manual else "",
                "evidence_file_ids": [stored.pk for stored in node.manual.files.all()] if node.manual else [],
                "activity_evidence_ids": [item.pk for item in node.manual.activity_evidence.all()]
                if node.manual
                else [],
            }
            for node in tree.nodes
        ],
        "gaps": [
            {
                "code": node.code,
                "name": node.indicator.name,
                "lost": node.lost,
                "is_scored": node.is_scored,
                "fix_path": _fix_path(node),
            }
            for node in tree.gaps
        ],
    }


@router.get("/assessment/self-assessment", response=SelfAssessmentOut)
def get_self_assessment(
    request, town: str, year: Year | None = None, as_of: date | None = None, version: Id | None = None
):
    """The indicator tree (the current version, or the one asked for) scored for ``year`` as of
    ``as_of`` (default: today; with neither, the year the page opens on — the town's setting, else
    the latest year with data, its reason in ``year_reason`` — as of today or its year-end):
    automatic leaves from the same figures as ``/metrics``, manual leaves from the latest score of
    the year whatever the date; totals per level and the gap list."""
    town_row = _reading_town(request, town)
    reason = ""
    if year is None and as_of is None:
        year, reason = default_year(town_row)
        as_of = min(timezone.localdate(), date(year, 12, 31))
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    check_year(year)
    system = selectors.get_system_for(request.user, town_row, version) if version is not None else None
    tree = selectors.scored_tree(town=town_row, year=year, as_of=as_of, system=system)
    if tree is None:
        raise HttpError(404, "No indicator system is loaded")
    return {**_tree_out(tree), "year_reason": reason}


class InconsistencyOut(Schema):
    kind: str
    message: str
    url: str
    record: str


class ConsistencyOut(Schema):
    town: str
    year: int
    as_of: date
    count: int
    inconsistencies: list[InconsistencyOut]


@router.get("/assessment/consistency", response=ConsistencyOut)
def get_consistency(request, town: str, year: Year | None = None, as_of: date | None = None):
    """What the town's record for ``year`` as of ``as_of`` (default: today; with neither, the year
    the self-assessment opens on) says against itself, as
    the self-assessment's 一致性检查 panel lists it: manual scores whose comment states a number the
    register or a figure contradicts, or whose points exceed the indicator's maximum; tasks done
    without evidence, meetings without minutes, notices without an effective date. Each with the
    page (``url``) that puts it right and the record (``app.model:pk``). Same readers as the
    self-assessment."""
    town_row = _reading_town(request, town)
    if year is None and as_of is None:
        year = default_year(town_row)[0]
        as_of = min(timezone.localdate(), date(year, 12, 31))
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    check_year(year)
    found = consistency.inconsistencies(town=town_row, year=year, as_of=as_of)
    return {"town": town_row.slug, "year": year, "as_of": as_of, "count": len(found), "inconsistencies": found}


class ScoreIn(Schema):
    town: TownSlug
    code: Text(30)
    year: Year
    # The date the page was read as of, noted in the audit entry only: a manual score belongs to
    # the year and reads the same on every date.
    as_of: date | None = None
    points: Decimal
    comment: Text()
    activity_evidence_ids: list[Id] = []


class ScoreOut(Schema):
    id: int
    code: str
    points: Decimal
    comment: str
    activity_evidence_ids: list[int]

    @staticmethod
    def resolve_code(obj):
        return obj.indicator.code

    @staticmethod
    def resolve_activity_evidence_ids(obj):
        return [item.pk for item in obj.activity_evidence.all()]


@router.post("/assessment/self-assessment/scores", response={201: ScoreOut})
def score_indicator(request, body: ScoreIn):
    """Score a manual indicator of the current version for ``year``, with a comment and linked
    activity evidence. The score belongs to the year: the self-assessment shows it whatever date it
    is read as of (``as_of`` is optional and only noted in the audit log)."""
    town_row = _managing_town(request, body.town)
    check_year(body.year)
    system = selectors.current_system(town_row)
    indicator = system.indicators.filter(code=body.code).first() if system else None
    if indicator is None:
        raise ApiError(400, f"{body.code} is not an indicator of the current version", field="code")
    evidence = list(Evidence.objects.filter(town=town_row, is_removed=False, pk__in=body.activity_evidence_ids))
    if len(evidence) != len(set(body.activity_evidence_ids)):
        raise ApiError(
            400,
            "activity_evidence_ids: choose evidence of this town's activities",
            errors=[("activity_evidence_ids", "choose evidence of this town's activities")],
        )
    score = services.record_manual_score(
        actor=request.user,
        indicator=indicator,
        year=body.year,
        as_of=body.as_of,
        points=body.points,
        comment=body.comment,
        activity_evidence=evidence,
    )
    return Status(201, score)


# ---- the unit assessment -------------------------------------------------------------------------


class UnitScoreOut(Schema):
    rank: int
    unit_id: int
    unit: str
    unit_type: str
    fractions: dict[str, Decimal]
    score: Decimal
    assessment_total: Decimal
    share: Decimal
    share_points: Decimal


class UnitAssessmentOut(Schema):
    town: str
    year: int
    as_of: date
    weights: dict[str, Decimal]
    units: list[UnitScoreOut]


@router.get("/assessment/units", response=UnitAssessmentOut)
def get_unit_assessment(request, town: str, year: Year | None = None, as_of: date | None = None):
    """Every department's, the school's and every village committee's community-education score
    (0–100) and the share it earns of 5% of its annual target assessment, ranked; a unit's own
    staff see their own unit only."""
    town_row = _reading_town(request, town, own=True)
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    check_year(year)
    unit_ids = (
        None if permissions.can_read(request.user, town_row) else permissions.own_unit_ids(request.user, town_row)
    )
    lines = selectors.unit_assessment(town=town_row, year=year, as_of=as_of, unit_ids=unit_ids)
    return {
        "town": town_row.slug,
        "year": year,
        "as_of": as_of,
        "weights": selectors.weights_of(town=town_row, year=year),
        "units": [
            {
                "rank": line.rank,
                "unit_id": line.unit.pk,
                "unit": line.unit.name,
                "unit_type": line.unit.unit_type,
                "fractions": line.fractions,
                "score": line.score,
                "assessment_total": line.assessment_total,
                "share": line.share,
                "share_points": line.share_points,
            }
            for line in lines
        ],
    }


XLSX_RESPONSE = {
    "responses": {
        "200": {
            "description": "An .xlsx workbook",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/assessment/units/export", response=bytes, openapi_extra=XLSX_RESPONSE)
def export_unit_assessment(request, town: str, year: Year | None = None, as_of: date | None = None):
    town_row = _reading_town(request, town)
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    check_year(year)
    data = exports.unit_assessment_xlsx_for(actor=request.user, town=town_row, year=year, as_of=as_of)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="unit-assessment-{town_row.slug}-{year}.xlsx"'
    return response


class WeightsIn(Schema):
    weights: dict[str, Decimal]


class WeightsOut(Schema):
    year: int
    weights: dict[str, Decimal]


@router.put("/assessment/weights", response=WeightsOut)
def put_weights(request, town: str, year: Year, body: WeightsIn):
    """Set the weights of the criteria named for ``year`` (all or none)."""
    town_row = _managing_town(request, town)
    check_year(year)
    weights = services.set_weights(actor=request.user, town=town_row, year=year, weights=body.weights)
    return {"year": year, "weights": weights}


# ---- the evaluation dossier ----------------------------------------------------------------------


class DossierIn(Schema):
    town: TownSlug
    year: Year
    as_of: date


class DossierOut(Schema):
    id: int
    year: int
    as_of: date
    state: str
    step: str
    done: int
    total: int
    percent: int
    error: str
    evidence_files: int
    files: dict[str, str]


def _dossier_out(export) -> dict:
    files = {}
    if export.state == "done":
        files = {
            kind: f"/api/v1/assessment/dossiers/{export.pk}/{kind}?town={export.town.slug}" for kind in dossier.KINDS
        }
    return {
        "id": export.pk,
        "year": export.year,
        "as_of": export.as_of,
        "state": export.state,
        "step": export.step,
        "done": export.done,
        "total": export.total,
        "percent": export.percent,
        "error": export.error,
        "evidence_files": export.evidence_files,
        "files": files,
    }


DOSSIER_FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The dossier's PDF report, .zip of evidence files or .xlsx score sheet",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/pdf", "application/zip", XLSX)
            },
        }
    }
}


@router.get("/assessment/dossiers", response=list[DossierOut])
def list_dossier_exports(request, town: str):
    """The town's dossiers built, newest first (the last 50)."""
    town_row = _reading_town(request, town)
    return [_dossier_out(export) for export in dossier.exports_of(town_row).select_related("town")[:50]]


@router.post("/assessment/dossiers", response={202: DossierOut})
def start_dossier_export(request, body: DossierIn):
    """Build the dossier of ``year`` as of ``as_of`` in the background; poll its state. While one
    for the same year and date is under way, that one is returned."""
    town_row = _managing_town(request, body.town)
    export = dossier.start_export(actor=request.user, town=town_row, year=body.year, as_of=body.as_of)
    export.refresh_from_db()
    return Status(202, _dossier_out(export))


@router.get("/assessment/dossiers/{export_id}", response=DossierOut)
def get_dossier_export(request, export_id: Id, town: str):
    town_row = _reading_town(request, town)
    return _dossier_out(dossier.get_export(town_row, export_id))


@router.get(
    "/assessment/dossiers/{export_id}/{kind}",
    response=bytes,
    openapi_extra=DOSSIER_FILE_RESPONSE,
)
def download_dossier_file(request, export_id: Id, kind: str, town: str):
    """A finished dossier's file: ``pdf``, ``zip`` or ``xlsx``; every download is audited."""
    town_row = _reading_town(request, town)
    export = dossier.get_export(town_row, export_id)
    path = dossier.file_path(export, kind)
    if path is None:
        raise ApiError(404, "kind must be pdf, zip or xlsx of a finished dossier", field="kind")
    dossier.record_download(actor=request.user, export=export, kind=kind)
    response = FileResponse(path.open("rb"), content_type=dossier.KINDS[kind][1])
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(dossier.download_name(export, kind), safe='')}"
    )
    return response
