"""Writes of notices: a commendation or a criticism drafted, approved by another account and
published; a criticism raises rectification items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.organization.models import Town, Unit
from communityedu.planning.constants import NoticeKind, NoticeStatus, RectificationSource
from communityedu.planning.models import Notice, NoticeSubject
from communityedu.planning.services.common import (
    actor_or_none,
    check_not_in_future,
    check_unit,
    clean_text,
    save_audited,
)
from communityedu.planning.services.rectification import raise_item

if TYPE_CHECKING:
    from communityedu.accounts.models import User


NOTICE_FIELDS = ["kind", "title", "body", "rectify_by", "effective_on", "status"]


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
    effective_on: date | None = None,
) -> Notice:
    """A commendation of units and individuals, or a criticism of units, as a draft.

    ``subjects`` are ``(unit, individual's name or "")``; a criticism names units only and says
    by when they must have put things right. ``effective_on`` is the date the notice takes effect
    (发文日期), today unless given: a notice issued earlier is entered after the fact (补录) with its
    own date, never in the future."""
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": _("Choose commendation or criticism.")})
    title, body = clean_text(title, 200), clean_text(body)
    if not title:
        raise ValidationError({"title": _("Give the notice a title.")})
    if not body:
        raise ValidationError({"body": _("Write the notice.")})
    # The same unit or individual given twice is kept once (a unique constraint holds it too).
    subjects = list(dict.fromkeys((unit, clean_text(name, 50)) for unit, name in subjects))
    if not subjects:
        raise ValidationError({"units": _("Name at least one unit.")})
    for unit, _name in subjects:
        check_unit(unit, town, "units")
    if kind == NoticeKind.CRITICISM:
        if any(name for _unit, name in subjects):
            raise ValidationError({"people": _("A criticism names units, not individuals.")})
        if rectify_by is None:
            raise ValidationError({"rectify_by": _("Say by when the units must have put things right.")})
    else:
        rectify_by = None
    effective_on = effective_on or timezone.localdate()
    check_not_in_future(effective_on, "effective_on")
    if Notice.objects.filter(town=town, title=title).exists():
        raise ValidationError({"title": _("A notice with this title already exists.")})
    notice = Notice(
        town=town,
        kind=kind,
        title=title,
        body=body,
        rectify_by=rectify_by,
        effective_on=effective_on,
        drafted_by=actor_or_none(actor),
    )
    save_audited(notice, actor, fields=NOTICE_FIELDS, effective_on=effective_on)
    for unit, name in subjects:
        NoticeSubject.objects.create(town=town, notice=notice, unit=unit, person_name=name)
    audit.record_change(
        actor=actor,
        obj=notice,
        created=False,
        changes={"subjects": [None, [f"{unit} {name}".strip() for unit, name in subjects]]},
        effective_on=effective_on,
    )
    return notice


@transaction.atomic
def approve_notice(*, notice: Notice, actor: User) -> Notice:
    """Approve a draft; the account that drafted it may not approve it."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("Only a draft can be approved."))
    if actor_or_none(actor) is None or actor.pk == notice.drafted_by_id:
        raise ValidationError(_("A notice must be approved by another account than the one that drafted it."))
    before = audit.snapshot(notice, ["status", "approved_by"])
    notice.status, notice.approved_by, notice.approved_at = NoticeStatus.APPROVED, actor, timezone.now()
    notice.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=notice,
        created=False,
        changes=audit.diff(before, audit.snapshot(notice, before)),
        effective_on=notice.effective_on,
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
        actor=actor,
        obj=notice,
        created=False,
        changes={"status": [NoticeStatus.APPROVED, NoticeStatus.PUBLISHED]},
        effective_on=notice.effective_on,
    )
    if notice.kind == NoticeKind.CRITICISM:
        for subject in notice.subjects.select_related("unit"):
            try:
                with transaction.atomic():
                    raise_item(
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


@transaction.atomic
def set_notice_effective_on(*, notice: Notice, effective_on: date, actor: User) -> Notice:
    """Give a notice the date it takes effect (a notice entered before the date was asked for,
    or one whose date was mistyped), at any status; the audit entry keeps the old and new dates."""
    if effective_on is None:
        raise ValidationError({"effective_on": _("Give the date the notice takes effect.")})
    check_not_in_future(effective_on, "effective_on")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    before = audit.snapshot(notice, NOTICE_FIELDS)
    notice.effective_on = effective_on
    save_audited(notice, actor, fields=NOTICE_FIELDS, before=before, effective_on=effective_on)
    return notice
