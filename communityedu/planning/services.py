"""Writes of the plan: phases, tasks and their evidence, meetings and their action items,
rectification, notices and the external evaluation. Each function is atomic and audited, and is
the only writer of its rows; permission checks are the callers' (views, API), which know who asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.core.files import EVIDENCE_FOLDER, CheckedUpload, StoredUpload, store_upload
from communityedu.organization.models import Town, Unit
from communityedu.planning.constants import (
    EVIDENCE_SUBFOLDER,
    MAX_FILES_PER_RECORD,
    MeetingKind,
    NoticeKind,
    NoticeStatus,
    RectificationSource,
    RectificationStatus,
    TaskStatus,
)
from communityedu.planning.models import (
    Evaluation,
    Meeting,
    MeetingInvitation,
    Notice,
    NoticeSubject,
    Phase,
    PlanFile,
    RectificationItem,
    RectificationNote,
    Task,
)

if TYPE_CHECKING:
    from communityedu.accounts.models import User


def _actor(actor: User):
    return actor if getattr(actor, "pk", None) else None


def _text(value: str | None, limit: int | None = None) -> str:
    text = (value or "").strip()
    return text[:limit] if limit else text


def _check_unit(unit: Unit | None, town: Town, field: str = "unit") -> None:
    if unit is None or unit.town_id != town.pk:
        raise ValidationError({field: _("Choose a unit of the town.")})


def _not_in_future(value: date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _saved(obj, actor: User, *, fields: list[str], before: dict | None = None) -> None:
    """Save ``obj`` and audit it: created rows with every field, changed rows with their diff."""
    obj.full_clean(exclude=["town", "created_by", "recorded_by", "raised_by", "closed_by", "drafted_by", "approved_by"])
    created = obj.pk is None
    if created:
        obj.save()
        changes = {name: [None, value] for name, value in audit.snapshot(obj, fields).items()}
    else:
        changes = audit.diff(before or {}, audit.snapshot(obj, fields))
        if not changes:
            return
        obj.save(update_fields=[*fields, "updated_at"])
    audit.record_change(actor=actor, obj=obj, created=created, changes=changes)


# ---- phases and tasks ---------------------------------------------------------------------------


PHASE_FIELDS = ["number", "name", "starts_on", "ends_on", "description"]


@transaction.atomic
def save_phase(
    *,
    town: Town,
    number: int,
    name: str,
    ends_on: date,
    actor: User,
    starts_on: date | None = None,
    description: str | None = None,
) -> Phase:
    """Create phase ``number`` of the town's plan, or change its name and dates (and its
    description, unless ``description`` is None)."""
    if starts_on is not None and starts_on > ends_on:
        raise ValidationError({"starts_on": _("The phase cannot start after it ends.")})
    if not _text(name):
        raise ValidationError({"name": _("Give the phase a name.")})
    phase = Phase.objects.select_for_update().filter(town=town, number=number).first()
    before = audit.snapshot(phase, PHASE_FIELDS) if phase else None
    phase = phase or Phase(town=town, number=number)
    phase.name, phase.starts_on, phase.ends_on = _text(name, 60), starts_on, ends_on
    if description is not None:
        phase.description = _text(description)
    _saved(phase, actor, fields=PHASE_FIELDS, before=before)
    return phase


TASK_FIELDS = ["phase", "unit", "title", "target", "owner", "due_on", "status", "done_on", "note"]


@transaction.atomic
def create_task(
    *,
    town: Town,
    phase: Phase,
    unit: Unit,
    title: str,
    due_on: date,
    actor: User,
    target: str = "",
    owner: str = "",
) -> Task:
    """A unit's task in ``phase``. Refuses a second task of the same title for the same unit and phase."""
    if phase.town_id != town.pk:
        raise ValidationError({"phase": _("Choose a phase of the town's plan.")})
    _check_unit(unit, town)
    title = _text(title, 200)
    if not title:
        raise ValidationError({"title": _("Say what the task is.")})
    if Task.objects.filter(town=town, phase=phase, unit=unit, title=title).exists():
        raise ValidationError({"title": _("%(unit)s already has this task in this phase.") % {"unit": unit}})
    task = Task(
        town=town,
        phase=phase,
        unit=unit,
        title=title,
        target=_text(target),
        owner=_text(owner, 60),
        due_on=due_on,
        created_by=_actor(actor),
    )
    _saved(task, actor, fields=TASK_FIELDS)
    return task


@transaction.atomic
def set_task_status(
    *, task: Task, status: str, actor: User, done_on: date | None = None, note: str | None = None
) -> Task:
    """Move ``task`` to ``status``. Done needs the date it was done (not in the future); any other
    status clears that date. Setting the status it already has changes nothing."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == TaskStatus.DONE:
        if done_on is None:
            raise ValidationError({"done_on": _("Give the date the task was done.")})
        _not_in_future(done_on, "done_on")
    else:
        done_on = None
    task = Task.objects.select_for_update().get(pk=task.pk)
    before = audit.snapshot(task, TASK_FIELDS)
    task.status, task.done_on = status, done_on
    if note is not None:
        task.note = _text(note)
    _saved(task, actor, fields=TASK_FIELDS, before=before)
    return task


# ---- evidence files -----------------------------------------------------------------------------


def _keep_file(*, actor: User, town_id: int, upload, owner: dict, count: int) -> PlanFile:
    """Check and keep ``upload`` as every evidence file is (``core.files``: content, size, a safe
    label), under a random name in ``evidence/planning/<town>/``."""

    def refuse_past_the_limit(checked: CheckedUpload) -> None:
        if count >= MAX_FILES_PER_RECORD:
            raise ValidationError(
                _("%(name)s: this record already has %(limit)s files.")
                % {"name": checked.shown, "limit": MAX_FILES_PER_RECORD}
            )

    def record(stored: StoredUpload) -> PlanFile:
        kept = PlanFile.objects.create(
            town_id=town_id,
            file=stored.file,
            original_name=stored.label(EVIDENCE_SUBFOLDER),
            content_type=stored.content_type,
            size=stored.size,
            uploaded_by=_actor(actor),
            **owner,
        )
        audit.record_change(
            actor=actor,
            obj=kept,
            created=True,
            changes={
                **{key: [None, value.pk] for key, value in owner.items()},
                "original_name": [None, kept.original_name],
                "content_type": [None, kept.content_type],
                "size": [None, stored.size],
            },
        )
        return kept

    return store_upload(
        upload,
        folder=f"{EVIDENCE_FOLDER}/{EVIDENCE_SUBFOLDER}/{town_id}",
        before_write=refuse_past_the_limit,
        record=record,
    )


@transaction.atomic
def attach_task_file(*, actor: User, task: Task, upload) -> PlanFile:
    task = Task.objects.select_for_update().get(pk=task.pk)
    return _keep_file(actor=actor, town_id=task.town_id, upload=upload, owner={"task": task}, count=task.files.count())


@transaction.atomic
def attach_rectification_file(*, actor: User, item: RectificationItem, upload) -> PlanFile:
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    return _keep_file(actor=actor, town_id=item.town_id, upload=upload, owner={"item": item}, count=item.files.count())


# ---- meetings -----------------------------------------------------------------------------------


MEETING_FIELDS = ["kind", "title", "held_on", "place", "minutes", "decisions"]


def _check_units(units: Iterable[Unit], town: Town, field: str) -> list[Unit]:
    units = list(dict.fromkeys(units))
    for unit in units:
        _check_unit(unit, town, field)
    return units


def _write_attendance(*, meeting: Meeting, invited: list[Unit], attended: list[Unit], actor: User) -> dict:
    """Make the invitations exactly ``invited`` ∪ ``attended`` (an attending unit was invited),
    with ``attended`` marked; return the change for the audit log."""
    wanted = {unit.pk: unit for unit in [*invited, *attended]}
    attended_ids = {unit.pk for unit in attended}
    if attended_ids and meeting.held_on > timezone.localdate():
        raise ValidationError({"attended": _("Attendance can be recorded once the meeting has been held.")})
    current = {row.unit_id: row for row in MeetingInvitation.objects.filter(meeting=meeting)}
    before = {unit_id: row.attended for unit_id, row in current.items()}
    MeetingInvitation.objects.filter(meeting=meeting).exclude(unit_id__in=wanted).delete()
    for unit_id, unit in wanted.items():
        is_attending = unit_id in attended_ids
        row = current.get(unit_id)
        if row is None:
            MeetingInvitation.objects.create(town_id=meeting.town_id, meeting=meeting, unit=unit, attended=is_attending)
        elif row.attended != is_attending:
            row.attended = is_attending
            row.save(update_fields=["attended", "updated_at"])
    after = {unit_id: unit_id in attended_ids for unit_id in wanted}
    if before == after:
        return {}
    names = {unit_id: str(unit) for unit_id, unit in wanted.items()}
    names.update({row.unit_id: str(row.unit) for row in current.values()})
    return {
        "invited": [sorted(names[i] for i in before), sorted(names[i] for i in after)],
        "attended": [
            sorted(names[i] for i, value in before.items() if value),
            sorted(names[i] for i, value in after.items() if value),
        ],
    }


@transaction.atomic
def record_meeting(
    *,
    town: Town,
    kind: str,
    title: str,
    held_on: date,
    actor: User,
    place: str = "",
    minutes: str = "",
    decisions: str = "",
    invited: Iterable[Unit] = (),
    attended: Iterable[Unit] = (),
) -> Meeting:
    """A meeting with its minutes, decisions and the units invited and attending."""
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    title = _text(title, 200)
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    invited = _check_units(invited, town, "invited")
    attended = _check_units(attended, town, "attended")
    if Meeting.objects.filter(town=town, held_on=held_on, title=title).exists():
        raise ValidationError({"title": _("A meeting with this title is already recorded on this day.")})
    meeting = Meeting(
        town=town,
        kind=kind,
        title=title,
        held_on=held_on,
        place=_text(place, 100),
        minutes=_text(minutes),
        decisions=_text(decisions),
        recorded_by=_actor(actor),
    )
    _saved(meeting, actor, fields=MEETING_FIELDS)
    changes = _write_attendance(meeting=meeting, invited=invited, attended=attended, actor=actor)
    if changes:
        audit.record_change(actor=actor, obj=meeting, created=False, changes=changes)
    return meeting


@transaction.atomic
def set_attendance(*, meeting: Meeting, invited: Iterable[Unit], attended: Iterable[Unit], actor: User) -> Meeting:
    """Replace the meeting's invited and attending units."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    town = meeting.town
    changes = _write_attendance(
        meeting=meeting,
        invited=_check_units(invited, town, "invited"),
        attended=_check_units(attended, town, "attended"),
        actor=actor,
    )
    if changes:
        audit.record_change(actor=actor, obj=meeting, created=False, changes=changes)
    return meeting


# ---- rectification ------------------------------------------------------------------------------


ITEM_FIELDS = ["source", "unit", "description", "due_on", "status", "closed_on", "closing_note"]


def _raise_item(*, town_id: int, source: str, unit: Unit, description: str, due_on: date, actor: User, **origin):
    description = _text(description)
    if not description:
        raise ValidationError({"description": _("Say what must be put right.")})
    if unit.town_id != town_id:
        raise ValidationError({"unit": _("Choose a unit of the town.")})
    item = RectificationItem(
        town_id=town_id,
        source=source,
        unit=unit,
        description=description,
        due_on=due_on,
        raised_by=_actor(actor),
        **origin,
    )
    _saved(item, actor, fields=[*ITEM_FIELDS, *origin])
    return item


@transaction.atomic
def add_action_item(*, meeting: Meeting, unit: Unit, description: str, due_on: date, actor: User) -> RectificationItem:
    """An action item of ``meeting``: ``unit`` must do it by ``due_on``; followed until closed."""
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": _("The due date cannot come before the meeting.")})
    return _raise_item(
        town_id=meeting.town_id,
        source=RectificationSource.MEETING,
        unit=unit,
        description=description,
        due_on=due_on,
        actor=actor,
        meeting=meeting,
    )


@transaction.atomic
def add_evaluation_item(
    *, evaluation: Evaluation, unit: Unit, description: str, due_on: date, actor: User
) -> RectificationItem:
    """A rectification item raised by the external evaluation."""
    if due_on < evaluation.held_on:
        raise ValidationError({"due_on": _("The due date cannot come before the evaluation.")})
    return _raise_item(
        town_id=evaluation.town_id,
        source=RectificationSource.EVALUATION,
        unit=unit,
        description=description,
        due_on=due_on,
        actor=actor,
        evaluation=evaluation,
    )


@transaction.atomic
def add_rectification_note(*, item: RectificationItem, text: str, actor: User) -> RectificationNote:
    """Say how the rectification goes; the first note moves an open item to being rectified."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.is_closed:
        raise ValidationError(_("This item is closed."))
    text = _text(text)
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    note = RectificationNote.objects.create(town_id=item.town_id, item=item, text=text, written_by=_actor(actor))
    audit.record_change(actor=actor, obj=note, created=True, changes={"item": [None, item.pk], "text": [None, text]})
    if item.status == RectificationStatus.OPEN:
        before = audit.snapshot(item, ITEM_FIELDS)
        item.status = RectificationStatus.IN_PROGRESS
        _saved(item, actor, fields=ITEM_FIELDS, before=before)
    return note


@transaction.atomic
def close_rectification_item(
    *, item: RectificationItem, closing_note: str, actor: User, closed_on: date | None = None
) -> RectificationItem:
    """Close ``item`` with a note saying what was done; it stays listed with its evidence."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.is_closed:
        raise ValidationError(_("This item is already closed."))
    closing_note = _text(closing_note)
    if not closing_note:
        raise ValidationError({"closing_note": _("Say how it was put right.")})
    closed_on = closed_on or timezone.localdate()
    _not_in_future(closed_on, "closed_on")
    before = audit.snapshot(item, ITEM_FIELDS)
    item.status, item.closed_on, item.closing_note, item.closed_by = (
        RectificationStatus.CLOSED,
        closed_on,
        closing_note,
        _actor(actor),
    )
    _saved(item, actor, fields=[*ITEM_FIELDS, "closed_by"], before=before)
    return item


# ---- notices ------------------------------------------------------------------------------------


@transaction.atomic
def draft_notice(
    *,
    town: Town,
    kind: str,
    title: str,
    body: str,
    subjects: Iterable[tuple[Unit, str]],
    actor: User,
    rectify_by: date | None = None,
) -> Notice:
    """A commendation of units and individuals, or a criticism of units, as a draft.

    ``subjects`` are ``(unit, individual's name or "")``; a criticism names units only and says
    by when they must have put things right."""
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": _("Choose commendation or criticism.")})
    title, body = _text(title, 200), _text(body)
    if not title:
        raise ValidationError({"title": _("Give the notice a title.")})
    if not body:
        raise ValidationError({"body": _("Write the notice.")})
    subjects = list(dict.fromkeys((unit, _text(name, 50)) for unit, name in subjects))
    if not subjects:
        raise ValidationError({"units": _("Name at least one unit.")})
    for unit, _name in subjects:
        _check_unit(unit, town, "units")
    if kind == NoticeKind.CRITICISM:
        if any(name for _unit, name in subjects):
            raise ValidationError({"people": _("A criticism names units, not individuals.")})
        if rectify_by is None:
            raise ValidationError({"rectify_by": _("Say by when the units must have put things right.")})
    else:
        rectify_by = None
    if Notice.objects.filter(town=town, title=title).exists():
        raise ValidationError({"title": _("A notice with this title already exists.")})
    notice = Notice(town=town, kind=kind, title=title, body=body, rectify_by=rectify_by, drafted_by=_actor(actor))
    _saved(notice, actor, fields=["kind", "title", "body", "rectify_by", "status"])
    for unit, name in subjects:
        NoticeSubject.objects.create(town=town, notice=notice, unit=unit, person_name=name)
    audit.record_change(
        actor=actor,
        obj=notice,
        created=False,
        changes={"subjects": [None, [f"{unit} {name}".strip() for unit, name in subjects]]},
    )
    return notice


@transaction.atomic
def approve_notice(*, notice: Notice, actor: User) -> Notice:
    """Approve a draft; the account that drafted it may not approve it."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("Only a draft can be approved."))
    if _actor(actor) is None or actor.pk == notice.drafted_by_id:
        raise ValidationError(_("A notice must be approved by another account than the one that drafted it."))
    before = audit.snapshot(notice, ["status", "approved_by"])
    notice.status, notice.approved_by, notice.approved_at = NoticeStatus.APPROVED, actor, timezone.now()
    notice.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit.record_change(
        actor=actor, obj=notice, created=False, changes=audit.diff(before, audit.snapshot(notice, before))
    )
    return notice


@transaction.atomic
def publish_notice(*, notice: Notice, actor: User) -> Notice:
    """Publish an approved notice to the units it names. A criticism raises one rectification
    item per criticised unit, due on the notice's date."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.APPROVED:
        raise ValidationError(_("Only an approved notice can be published."))
    notice.status, notice.published_at = NoticeStatus.PUBLISHED, timezone.now()
    notice.save(update_fields=["status", "published_at", "updated_at"])
    audit.record_change(
        actor=actor, obj=notice, created=False, changes={"status": [NoticeStatus.APPROVED, NoticeStatus.PUBLISHED]}
    )
    if notice.kind == NoticeKind.CRITICISM:
        for subject in notice.subjects.select_related("unit"):
            try:
                with transaction.atomic():
                    _raise_item(
                        town_id=notice.town_id,
                        source=RectificationSource.CRITICISM,
                        unit=subject.unit,
                        description=_("Rectify as the notice “%(title)s” asks.") % {"title": notice.title},
                        due_on=notice.rectify_by,  # type: ignore[arg-type]  # a criticism has one (a constraint)
                        actor=actor,
                        notice=notice,
                    )
            except IntegrityError:
                continue  # the unit is already asked to rectify for this notice
    return notice


# ---- the external evaluation --------------------------------------------------------------------


@transaction.atomic
def record_evaluation(
    *,
    town: Town,
    held_on: date,
    evaluators: str,
    score: Decimal,
    conclusion: str,
    actor: User,
    is_accepted: bool = False,
) -> Evaluation:
    """The external evaluation (评估验收): when, by whom, the score out of 100 and the conclusion."""
    _not_in_future(held_on, "held_on")
    if score is None or not Decimal("0") <= score <= Decimal("100"):
        raise ValidationError({"score": _("Give a score between 0 and 100.")})
    if not _text(evaluators):
        raise ValidationError({"evaluators": _("Name the evaluators.")})
    if not _text(conclusion):
        raise ValidationError({"conclusion": _("Write the conclusion.")})
    if Evaluation.objects.filter(town=town, held_on=held_on).exists():
        raise ValidationError({"held_on": _("An evaluation is already recorded on this day.")})
    evaluation = Evaluation(
        town=town,
        held_on=held_on,
        evaluators=_text(evaluators, 300),
        score=score,
        conclusion=_text(conclusion),
        is_accepted=is_accepted,
        recorded_by=_actor(actor),
    )
    _saved(evaluation, actor, fields=["held_on", "evaluators", "score", "is_accepted", "conclusion"])
    return evaluation
