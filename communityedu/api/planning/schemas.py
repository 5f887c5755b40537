"""The shapes of the plan's API: what its operations take and answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Schema

from communityedu.api.types import Id, Text, Title, TownSlug
from communityedu.planning.constants import MeetingKind, NoticeKind, TaskStatus


class TaskProgressOut(Schema):
    total: int
    done: int
    overdue: int
    percent: int


class PhaseOut(Schema):
    id: int
    number: int
    name: str
    starts_on: date | None
    ends_on: date
    description: str


class PhaseProgressOut(Schema):
    phase: PhaseOut
    progress: TaskProgressOut


class UnitProgressOut(Schema):
    unit_id: int
    unit: str
    progress: TaskProgressOut


class PlanProgressOut(Schema):
    as_of: date
    overall: TaskProgressOut
    phases: list[PhaseProgressOut]
    units: list[UnitProgressOut]


class PhaseIn(Schema):
    name: Title(60)
    starts_on: date | None = None
    ends_on: date
    description: Text() | None = None


class PlanFileOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class TaskOut(Schema):
    id: int
    phase_id: int
    phase_number: int
    unit_id: int
    unit: str
    title: str
    target: str
    owner: str
    due_on: date
    status: TaskStatus
    done_on: date | None
    note: str
    is_overdue: bool
    is_done_late: bool
    files: list[PlanFileOut]
    created_at: datetime

    @staticmethod
    def resolve_phase_number(obj):
        return obj.phase.number

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_is_overdue(obj):
        return obj.is_overdue_as_of(timezone.localdate())

    @staticmethod
    def resolve_files(obj):
        return list(obj.files.all())


class TaskIn(Schema):
    town: TownSlug
    phase_id: Id
    unit_id: Id
    title: Title(200)
    target: Text() = ""
    owner: Text(60) = ""
    due_on: date


class TaskStatusIn(Schema):
    status: TaskStatus
    done_on: date | None = None
    note: Text() | None = None


class InvitationOut(Schema):
    unit_id: int
    unit: str
    attended: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class ItemOut(Schema):
    id: int
    source: str
    meeting_id: int | None
    notice_id: int | None
    evaluation_id: int | None
    unit_id: int
    unit: str
    description: str
    due_on: date
    status: str
    closed_on: date | None
    closing_note: str
    is_overdue: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_is_overdue(obj):
        return obj.is_overdue_as_of(timezone.localdate())


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    title: str
    held_on: date
    place: str
    minutes: str
    decisions: str
    created_at: datetime
    invitations: list[InvitationOut]
    action_items: list[ItemOut]

    @staticmethod
    def resolve_invitations(obj):
        return list(obj.invitations.all())

    @staticmethod
    def resolve_action_items(obj):
        return list(obj.action_items.all())


class MeetingIn(Schema):
    town: TownSlug
    kind: MeetingKind
    title: Title(200)
    held_on: date
    place: Text(100) = ""
    minutes: Text() = ""
    decisions: Text() = ""
    invited_unit_ids: list[Id] = []
    attended_unit_ids: list[Id] = []


class MeetingMinutesIn(Schema):
    minutes: Text()
    decisions: Text() = ""


class MeetingAttendanceIn(Schema):
    invited_unit_ids: list[Id]
    attended_unit_ids: list[Id]


class ItemIn(Schema):
    unit_id: Id
    description: Text()
    due_on: date


class JointYearOut(Schema):
    year: int
    held: int
    status: str
    is_flagged: bool


class NoteIn(Schema):
    text: Text()


class CloseIn(Schema):
    closing_note: Text()
    closed_on: date | None = None


class SubjectOut(Schema):
    unit_id: int
    unit: str
    person_name: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class NoticeOut(Schema):
    id: int
    kind: NoticeKind
    title: str
    body: str
    status: str
    rectify_by: date | None
    effective_on: date | None
    created_at: datetime
    approved_at: datetime | None
    published_at: datetime | None
    subjects: list[SubjectOut]

    @staticmethod
    def resolve_subjects(obj):
        return list(obj.subjects.all())


class SubjectIn(Schema):
    unit_id: Id
    person_name: Title(50) = ""


class NoticeIn(Schema):
    town: TownSlug
    kind: NoticeKind
    title: Title(200)
    body: Text()
    subjects: list[SubjectIn]
    rectify_by: date | None = None
    effective_on: date | None = None


class NoticeDateIn(Schema):
    effective_on: date


class PlanSettingOut(Schema):
    evidence_required_for_done: bool


class PlanSettingIn(Schema):
    evidence_required_for_done: bool


class EvaluationOut(Schema):
    id: int
    held_on: date
    evaluators: str
    score: Decimal
    is_accepted: bool
    conclusion: str
    rectification_items: list[ItemOut]

    @staticmethod
    def resolve_rectification_items(obj):
        return list(obj.rectification_items.all())


class EvaluationIn(Schema):
    town: TownSlug
    held_on: date
    evaluators: Text(300)
    score: Decimal
    conclusion: Text()
    is_accepted: bool = False


class OverviewTaskOut(Schema):
    unit: str
    title: str
    owner: str
    due_on: date
    status: str
    status_label: str
    done_on: date | None
    is_overdue: bool
    evidence_files: int


class OverviewPhaseOut(Schema):
    number: int
    name: str
    starts_on: date | None
    ends_on: date
    done: int
    total: int
    tasks: list[OverviewTaskOut]


class OverviewItemOut(Schema):
    unit: str
    description: str
    due_on: date
    status: str
    closed_on: date | None


class OverviewMeetingOut(Schema):
    kind: str
    title: str
    held_on: date
    invited: list[str]
    attended: list[str]
    decisions: str
    action_items: list[OverviewItemOut]


class OverviewOut(Schema):
    as_of: date
    phases: list[OverviewPhaseOut]
    meetings: list[OverviewMeetingOut]
    joint_meeting_years: list[JointYearOut]
