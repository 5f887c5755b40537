"""Activities and check-in over the API: what a staff device or another system calls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, AwareDatetime
from pydantic import Field as PydanticField

from communityedu.activities import offline, permissions, selectors, services
from communityedu.activities.constants import OFFLINE_BATCH_MAX_ITEMS, ActivityKind, AttendanceRole, AttendanceSource
from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Count, Id, Moment, Text, Title, TownSlug, _in_plan_years
from communityedu.core.parsing import check_year
from communityedu.core.rows import row_by_pk
from communityedu.organization.models import Unit, Village
from communityedu.people.models import Person
from communityedu.people.selectors import can_read_person, people_visible_to

router = ListRouter(tags=["activities"])


class ActivityOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    title: str
    kind: str
    organiser_id: int
    organiser: str = Field(..., alias="organiser.name")
    venue: str = Field(..., alias="venue_label")
    village_id: int | None
    starts_at: datetime
    ends_at: datetime
    audience: str
    capacity: int | None
    is_cancelled: bool
    is_held: bool
    attendance_count: int
    evidence_count: int

    @staticmethod
    def resolve_is_held(obj):
        return obj.is_held()

    @staticmethod
    def resolve_attendance_count(obj):
        return getattr(obj, "attendance_count", None) or selectors.present_people(obj).count()

    @staticmethod
    def resolve_evidence_count(obj):
        count = getattr(obj, "evidence_count", None)
        return count if count is not None else selectors.live_evidence(obj).count()


class ActivityIn(Schema):
    town: TownSlug
    title: Title(120)
    kind: ActivityKind
    organiser_id: Id
    venue_unit_id: Id | None = None
    venue_place: Text(120) = ""
    village_id: Id | None = None
    starts_at: Moment
    ends_at: Moment
    audience: Text(120) = ""
    capacity: Count | None = None
    lecturer_ids: list[Id] = []


# The time a device scanned a card: ISO 8601 with its offset (2026-12-05T09:30:00+08:00).
ScanMoment = Annotated[AwareDatetime, AfterValidator(_in_plan_years), PydanticField(description="ISO 8601 with offset")]


class AttendanceIn(Schema):
    person: Count | None = None
    card: Text(64) | None = None
    role: AttendanceRole = AttendanceRole.PARTICIPANT
    client_id: UUID | None = Field(
        None, description="The device's own id of a check-in taken offline: a repeat answers 200 with its record"
    )
    scanned_at: ScanMoment | None = Field(
        None,
        description="When the card was scanned offline: within an hour before the start to an hour after the "
        "end, and uploaded within 72 hours of that; the record's source is offline_sync",
    )


class AttendanceOut(Schema):
    id: int
    activity_id: int
    person_id: int
    person: str = Field(..., alias="person.name")
    role: str
    source: str
    generation: int
    client_id: UUID | None
    scanned_at: datetime | None
    recorded_at: datetime = Field(..., alias="created_at")


class OfflineScanIn(Schema):
    person: Count | None = None
    card: Text(64) | None = None
    role: AttendanceRole = AttendanceRole.PARTICIPANT
    client_id: UUID
    scanned_at: ScanMoment


class OfflineBatchIn(Schema):
    items: list[OfflineScanIn] = Field(..., max_length=OFFLINE_BATCH_MAX_ITEMS)
    sent_at: ScanMoment = Field(
        ..., description="The device's clock when sending: more than two minutes off, its scan times are corrected"
    )


class OfflineScanOut(Schema):
    client_id: UUID
    status: str = Field(..., description="recorded, already_recorded or refused")
    reason: str


class OfflineBatchOut(Schema):
    items: list[OfflineScanOut]


@router.get("/activities", response=list[ActivityOut])
def list_activities(request, town: str, month: str | None = None):
    """The activities of a month (YYYY-MM; default this month), with attendance and evidence counts."""
    if not permissions.can_view_activities(request.user):
        raise HttpError(403, "Not allowed")
    town_row = town_for(request, town)
    today = timezone.localdate()
    try:
        year, number = (int(part) for part in month.split("-")) if month else (today.year, today.month)
        date(year, number, 1)
    except ValueError:
        raise ApiError(400, "month must be YYYY-MM", field="month") from None
    check_year(year, field="month")
    return selectors.month_list(user=request.user, town=town_row, year=year, month=number)


@router.get("/activities/{activity_id}", response=ActivityOut)
def get_activity(request, activity_id: Id):
    return selectors.get_activity_for(request.user, activity_id)


@router.post("/activities", response={201: ActivityOut})
def create_activity(request, body: ActivityIn):
    town_row = town_for(request, body.town)
    organiser = permissions.organiser_units_for(request.user, town_row).filter(pk=body.organiser_id).first()
    if organiser is None:
        raise HttpError(403, "You may not organise activities for this unit")
    values = {
        "title": body.title,
        "kind": body.kind,
        "organiser": organiser,
        "venue_unit": Unit.objects.filter(town=town_row, pk=body.venue_unit_id).first() if body.venue_unit_id else None,
        "venue_place": body.venue_place,
        "village": Village.objects.filter(town=town_row, pk=body.village_id).first() if body.village_id else None,
        "starts_at": body.starts_at,
        "ends_at": body.ends_at,
        "audience": body.audience,
        "capacity": body.capacity,
        "summary": "",
    }
    lecturers = list(Person.objects.filter(town=town_row, pk__in=body.lecturer_ids))
    activity = services.schedule_activity(actor=request.user, town=town_row, values=values, lecturers=lecturers)
    return Status(201, activity)


def _attendance_people(request, activity):
    """Whom the caller may check in by id: those they read in the register, or, for someone on duty
    who may not, the activity's town (the duty is what lets them)."""
    if permissions.can_manage_activity(request.user, activity):
        return people_visible_to(request.user)
    return Person.objects.filter(town_id=activity.town_id)


def _attendance_person(request, activity, pk: int) -> Person | None:
    """The person ``pk`` if the caller may check them in (the rule of ``_attendance_people``), read
    by its key with hand-written SQL: a check-in device's hot path."""
    person = row_by_pk(Person, ("id", "town", "village", "name"), pk)
    if person is None or person.town_id != activity.town_id:
        return None
    if permissions.can_manage_activity(request.user, activity) and not can_read_person(
        request.user, person.town_id, person.village_id
    ):
        return None
    return person


@router.post(
    "/activities/{activity_id}/attendance",
    response={200: AttendanceOut, 201: AttendanceOut},
)
def record_attendance(request, activity_id: Id, body: AttendanceIn):
    """Check a person in by id or by learning-card token: 201 the first time, 200 with the same
    record on every repeat."""
    activity = selectors.get_activity_for_check_in(request.user, activity_id)
    if not permissions.can_take_attendance(request.user, activity):
        raise HttpError(403, "You may not take attendance for this activity")
    if (body.person is None) == (body.card is None):
        raise ApiError(400, "Give either person or card.", field="person")
    if body.card is not None:
        person = services.person_for_card(token=body.card, town_id=activity.town_id)
        if person is None:
            raise ApiError(404, "Unknown or replaced learning card.", field="card")
        source = AttendanceSource.CARD_SCAN
    else:
        person = _attendance_person(request, activity, body.person)
        if person is None:
            if Person.objects.filter(pk=body.person).exclude(town_id=activity.town_id).exists():
                raise ApiError(400, "This person belongs to another town.", field="person")
            raise ApiError(404, "No such person.", field="person")
        source = AttendanceSource.DEVICE
    try:
        result = services.check_in(
            activity=activity,
            person=person,
            source=AttendanceSource.OFFLINE_SYNC if body.scanned_at else source,
            recorded_by=request.user,
            role=body.role,
            client_id=body.client_id,
            scanned_at=body.scanned_at,
        )
    except services.CheckInError as error:
        raise ApiError(409, str(error), field="scanned_at" if body.scanned_at else None) from error
    return Status(201 if result.created else 200, _attendance_out(result.entry))


def _attendance_out(entry) -> AttendanceOut:
    """The answer to a check-in, built from the ledger row without validating it again: ninja
    serialises a schema instance as it is, and the row's values are the database's own."""
    return AttendanceOut.model_construct(
        id=entry.pk,
        activity_id=entry.activity_id,
        person_id=entry.person_id,
        person=entry.person.name,
        role=str(entry.role),
        source=str(entry.source),
        generation=entry.generation,
        client_id=entry.client_id,
        scanned_at=entry.scanned_at,
        recorded_at=entry.created_at,
    )


@router.post("/activities/{activity_id}/attendance/batch", response={200: OfflineBatchOut})
def upload_offline_attendance(request, activity_id: Id, body: OfflineBatchIn):
    """A phone's queue of check-ins taken offline (at most 500): one answer per item, in order —
    recorded, already_recorded (the same person or client_id again) or refused with the reason."""
    activity = selectors.get_activity_for_check_in(request.user, activity_id)
    if not permissions.can_take_attendance(request.user, activity):
        raise HttpError(403, "You may not take attendance for this activity")
    errors = [
        (f"items[{index}].person", "Give either person or card.")
        for index, item in enumerate(body.items)
        if (item.person is None) == (item.card is None)
    ]
    if errors:
        raise ApiError(400, "Each item gives either person or card.", errors=errors)
    scans = [
        offline.Scan(
            client_id=item.client_id,
            scanned_at=item.scanned_at,
            person_id=item.person,
            card=item.card,
            role=item.role,
        )
        for item in body.items
    ]
    results = offline.upload_scans(
        activity=activity,
        scans=scans,
        sent_at=body.sent_at,
        recorded_by=request.user,
        people=_attendance_people(request, activity),
    )
    return {"items": results}
