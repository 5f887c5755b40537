"""What a figure's numbers are made of, over the API: the records behind one part of a figure
(``GET /metrics/records``) and the residents counted in the participation rate
(``GET /metrics/participants``), read by the same rules as the targets page's drill-downs."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Schema

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Id, PlanDate, Text, Year
from communityedu.core.money import api_yuan
from communityedu.metrics import selectors as metrics_selectors
from communityedu.metrics.drilldown_records import YUAN, UnknownPartError, records_for
from communityedu.metrics.permissions import can_read_figures, participant_villages_for
from communityedu.organization.models import Village

router = ListRouter(tags=["metrics"])


class RecordRowOut(Schema):
    kind: str
    id: str | None
    label: str
    on: date | None
    village: str
    value: str


class RecordsOut(Schema):
    town: str
    year: int
    as_of: date
    figure: str
    part: str
    title: str
    total_kind: str
    total: str
    count: int
    rows: list[RecordRowOut]


def _period(year: int | None, as_of: date | None) -> tuple[int, date]:
    as_of = as_of or timezone.localdate()
    return year or as_of.year, as_of


@router.get("/metrics/records", response=RecordsOut)
def get_figure_records(
    request, town: str, figure: Text(50), part: Text(100), year: Year | None = None, as_of: PlanDate | None = None
):
    """The records behind one number of a figure for ``year`` (default: the year of ``as_of``) as of
    ``as_of`` (default: today): ``part`` is ``numerator``, ``denominator``, a key of the figure's
    ``beside`` or ``flags``, or ``line:<village id>`` (``line:<village id>:denominator``).
    ``total`` is the number the rows make: their count (``total_kind`` "count"), the sum of their
    values ("sum": people) or of their amounts ("yuan", a decimal string with two places). The
    residents behind the participation rate are at ``/metrics/participants``."""
    town_row = town_for(request, town)
    if not can_read_figures(request.user, town_row):
        raise ApiError(403, "Not allowed")
    year, as_of = _period(year, as_of)
    try:
        records = records_for(key=figure, part=part, town=town_row, year=year, as_of=as_of)
    except UnknownPartError as error:
        message = f"figure {figure!r} has no records behind part {part!r}."
        raise ApiError(404, message, errors=[("part", message)]) from error
    return {
        "town": town_row.slug,
        "year": year,
        "as_of": as_of,
        "figure": records.figure_key,
        "part": records.part,
        "title": records.title,
        "total_kind": records.total_kind,
        "total": api_yuan(records.total) if records.total_kind == YUAN else str(records.total),
        "count": len(records.rows),
        "rows": [
            {
                "kind": row.kind,
                "id": None if row.id is None else str(row.id),
                "label": row.label,
                "on": row.on,
                "village": row.village,
                "value": api_yuan(row.value) if records.total_kind == YUAN else row.value,
            }
            for row in records.rows
        ],
    }


class ParticipantOut(Schema):
    person_id: int
    name: str
    masked_id_number: str
    village_id: int
    village: str
    first_attended_on: date
    first_activity_id: int | None
    first_activity: str

    @staticmethod
    def resolve_name(row) -> str:
        return row.person.name

    @staticmethod
    def resolve_masked_id_number(row) -> str:
        return row.person.masked_id_number or ""

    @staticmethod
    def resolve_village(row) -> str:
        return row.village.name

    @staticmethod
    def resolve_first_activity(row) -> str:
        return row.first_activity.title if row.first_activity_id else ""


@router.get("/metrics/participants", response=list[ParticipantOut])
def list_participants(
    request, town: str, year: Year | None = None, as_of: PlanDate | None = None, village: Id | None = None
):
    """The residents counted in the participation rate of ``year`` as of ``as_of``, each with the day
    and the activity of their first attendance (ID numbers masked): every village's for the town
    office and the district's evaluators, a learning centre's director those of the villages the
    centre serves (another village: 403); other readers of the figures none (403)."""
    town_row = town_for(request, town)
    named = participant_villages_for(request.user, town_row)
    if named is not None and (not named or (village is not None and village not in named)):
        raise ApiError(403, "Not allowed: the residents of this village are not yours to read by name.")
    if village is not None and not Village.objects.filter(town=town_row, pk=village).exists():
        message = f"no village {village} in {town_row.slug}."
        raise ApiError(404, message, errors=[("village", message)])
    year, as_of = _period(year, as_of)
    return metrics_selectors.participants(town=town_row, year=year, as_of=as_of, village_id=village, village_ids=named)
