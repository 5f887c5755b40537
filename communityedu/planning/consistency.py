"""What the plan's own records say against themselves, as an evaluator would catch it.

Three checks, each giving one :class:`~communityedu.core.consistency.Inconsistency` per record,
with the page that puts it right:

- ``task_done_without_evidence``: a task done in the year (up to the cut-off) without any
  evidence file;
- ``meeting_without_minutes``: a meeting held in the year (up to the cut-off) whose minutes are
  empty;
- ``notice_without_effective_date``: a published notice that does not say the date it takes
  effect — it cannot be placed in any year (its publishing time is when it was typed, not when it
  was issued), so it is named whatever the year and cut-off.

The cut-off is ``metrics.base.effective_as_of(year, as_of)``'s rule: ``as_of`` itself, or 31
December for a closed year. Three queries, whatever the number of records.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from communityedu.core.consistency import Inconsistency
from communityedu.organization.models import Town
from communityedu.planning.constants import NoticeStatus, TaskStatus
from communityedu.planning.models import Meeting, Notice, Task


def _cut_off(year: int, as_of: date) -> date:
    # metrics.base.effective_as_of's rule; planning sits below metrics and may not import it.
    return min(as_of, date(year, 12, 31))


def _url(name: str, pk: int) -> str:
    # The record's page reads its town from the record.
    return reverse(name, args=[pk])


def tasks_done_without_evidence(*, town: Town, year: int, as_of: date) -> list[Inconsistency]:
    tasks = (
        Task.objects.filter(town=town, status=TaskStatus.DONE, done_on__year=year, done_on__lte=_cut_off(year, as_of))
        .annotate(file_count=Count("files"))
        .filter(file_count=0)
        .select_related("unit")
        .order_by("done_on", "id")
    )
    return [
        Inconsistency(
            kind="task_done_without_evidence",
            message=_("Task “%(title)s” of %(unit)s is marked done on %(day)s but has no evidence file.")
            % {"title": task.title, "unit": task.unit.name, "day": task.done_on.isoformat()},
            url=_url("planning:task", task.pk),
            record=f"planning.task:{task.pk}",
        )
        for task in tasks
    ]


def meetings_without_minutes(*, town: Town, year: int, as_of: date) -> list[Inconsistency]:
    meetings = Meeting.objects.filter(
        town=town, held_on__year=year, held_on__lte=_cut_off(year, as_of), minutes=""
    ).order_by("held_on", "id")
    return [
        Inconsistency(
            kind="meeting_without_minutes",
            message=_("Meeting “%(title)s” held on %(day)s has no minutes.")
            % {"title": meeting.title, "day": meeting.held_on.isoformat()},
            url=_url("planning:meeting", meeting.pk),
            record=f"planning.meeting:{meeting.pk}",
        )
        for meeting in meetings
    ]


def notices_without_effective_date(*, town: Town, year: int, as_of: date) -> list[Inconsistency]:
    notices = Notice.objects.filter(town=town, status=NoticeStatus.PUBLISHED, effective_on__isnull=True).order_by(
        "published_at", "id"
    )
    return [
        Inconsistency(
            kind="notice_without_effective_date",
            message=_("Published notice “%(title)s” does not say the date it takes effect.") % {"title": notice.title},
            url=_url("planning:notice", notice.pk),
            record=f"planning.notice:{notice.pk}",
        )
        for notice in notices
    ]


def planning_inconsistencies(*, town: Town, year: int, as_of: date) -> list[Inconsistency]:
    """Every inconsistency of the town's plan records for ``year`` as of ``as_of``: tasks done
    without evidence, meetings without minutes, published notices without an effective date — in
    that order, each list by date."""
    return [
        *tasks_done_without_evidence(town=town, year=year, as_of=as_of),
        *meetings_without_minutes(town=town, year=year, as_of=as_of),
        *notices_without_effective_date(town=town, year=year, as_of=as_of),
    ]
