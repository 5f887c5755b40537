"""Activities and check-in over the API: what a staff device or another system calls."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.activities import permissions, selectors, services
from communityedu.activities.constants import ActivityKind, AttendanceRole, AttendanceSource
from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Count, Id, Moment, Text, Title, TownSlug
from communityedu.core.parsing import check_year
from communityedu.organization.models import Unit, Village
from communityedu.people.models import Person
from communityedu.people.selectors import people_visible_to

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


class AttendanceIn(Schema):
    person: Count | None = None
    card: Text(64) | None = None
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


@router.post(
    "/activities/{activity_id}/attendance",
    response={200: AttendanceOut, 201: AttendanceOut},
)
def record_attendance(request, activity_id: Id, body: AttendanceIn):
    """Check a person in by id or by learning-card token: 201 the first time, 200 with the same
    record on every repeat."""
    activity = selectors.get_activity_for_check_in(request.user, activity_id)
    if not permissions.can_manage_activity(request.user, activity):
        raise HttpError(403, "You may not take attendance for this activity")
    if (body.person is None) == (body.card is None):
        raise ApiError(400, "Give either person or card.", field="person")
    if body.card is not None:
        person = services.person_for_card(token=body.card, town_id=activity.town_id)
        if person is None:
            raise ApiError(404, "Unknown or replaced learning card.", field="card")
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
                raise ApiError(400, "This person belongs to another town.", field="person")
            raise ApiError(404, "No such person.", field="person")
        source = AttendanceSource.DEVICE
    try:
        result = services.check_in(
            activity=activity, person=person, source=source, recorded_by=request.user, role=body.role
        )
    except services.CheckInError as error:
        raise ApiError(409, str(error)) from error
    return Status(201 if result.created else 200, result.entry)
