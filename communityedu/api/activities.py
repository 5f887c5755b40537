"""Activities and check-in over the API: what a staff device or another system calls."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from communityedu.activities import permissions, selectors, services
from communityedu.activities.constants import ActivityKind, AttendanceRole, AttendanceSource
from communityedu.organization.models import Unit, Village
from communityedu.organization.selectors import towns_visible_to
from communityedu.people.models import Person
from communityedu.people.selectors import people_visible_to

router = Router(tags=["activities"])


class ErrorOut(Schema):
    detail: str


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
    town: str
    title: str
    kind: ActivityKind
    organiser_id: int
    venue_unit_id: int | None = None
    venue_place: str = ""
    village_id: int | None = None
    starts_at: datetime
    ends_at: datetime
    audience: str = ""
    capacity: int | None = None
    lecturer_ids: list[int] = []


class AttendanceIn(Schema):
    person: int | None = None
    card: str | None = None
    role: AttendanceRole = AttendanceRole.PARTICIPANT


class AttendanceOut(Schema):
    id: int
    activity_id: int
    person_id: int
    person: str = Field(..., alias="person.name")
    role: str
    source: str
    generation: int
    recorded_at: datetime = Field(..., alias="created_at")


def _town(request, slug: str):
    return get_object_or_404(towns_visible_to(request.user), slug=slug)


@router.get("/activities", response=list[ActivityOut])
def list_activities(request, town: str, month: str | None = None):
    """The activities of a month (YYYY-MM; default this month), with attendance and evidence counts."""
    if not permissions.can_view_activities(request.user):
        raise HttpError(403, "Not allowed")
    town_row = _town(request, town)
    today = timezone.localdate()
    try:
        year, number = (int(part) for part in month.split("-")) if month else (today.year, today.month)
        date(year, number, 1)
    except ValueError:
        raise HttpError(400, "month must be YYYY-MM") from None
    return selectors.month_list(user=request.user, town=town_row, year=year, month=number)


@router.get("/activities/{activity_id}", response=ActivityOut)
def get_activity(request, activity_id: int):
    return selectors.get_activity_for(request.user, activity_id)


@router.post("/activities", response={201: ActivityOut, 400: ErrorOut})
def create_activity(request, body: ActivityIn):
    town_row = _town(request, body.town)
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
    try:
        activity = services.schedule_activity(actor=request.user, town=town_row, values=values, lecturers=lecturers)
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    return Status(201, activity)


@router.post(
    "/activities/{activity_id}/attendance",
    response={200: AttendanceOut, 201: AttendanceOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def record_attendance(request, activity_id: int, body: AttendanceIn):
    """Check a person in by id or by learning-card token: 201 the first time, 200 with the same
    record on every repeat."""
    activity = selectors.get_activity_for_check_in(request.user, activity_id)
    if not permissions.can_manage_activity(request.user, activity):
        raise HttpError(403, "You may not take attendance for this activity")
    if (body.person is None) == (body.card is None):
        return Status(400, {"detail": "Give either person or card."})
    if body.card is not None:
        person = services.person_for_card(token=body.card, town_id=activity.town_id)
        if person is None:
            return Status(404, {"detail": "Unknown or replaced learning card."})
        source = AttendanceSource.CARD_SCAN
    else:
        person = (
            people_visible_to(request.user)
            .filter(pk=body.person, town_id=activity.town_id)
            .only("town_id", "name")
            .order_by()
            .first()
        )
        if person is None:
            if Person.objects.filter(pk=body.person).exclude(town_id=activity.town_id).exists():
                return Status(400, {"detail": "This person belongs to another town."})
            return Status(404, {"detail": "No such person."})
        source = AttendanceSource.DEVICE
    try:
        result = services.check_in(
            activity=activity, person=person, source=source, recorded_by=request.user, role=body.role
        )
    except services.CheckInError as error:
        return Status(409, {"detail": str(error)})
    return Status(201 if result.created else 200, result.entry)
