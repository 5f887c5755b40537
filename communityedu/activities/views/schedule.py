"""Scheduling pages: the month list, the calendar, an activity, the lecture-hall months."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.activities import permissions, selectors, services
from communityedu.activities.constants import ActivityKind, EvidenceKind
from communityedu.activities.fees import permissions as fee_permissions
from communityedu.activities.fees import selectors as fee_selectors
from communityedu.activities.forms import ActivityForm, ReasonForm
from communityedu.activities.reminders.permissions import can_read_reminders
from communityedu.activities.views.attendance import check_in_url
from communityedu.core.parsing import check_year, parse_id
from communityedu.core.views import allowed_if
from communityedu.metrics.lecture_hall import lecture_hall_months
from communityedu.organization.selectors import units_visible_to, villages_visible_to
from communityedu.organization.unit_choices import units_by_type
from communityedu.people.models import Person


def _reads(request) -> bool:
    return request.town is not None and permissions.can_view_activities(request.user)


def _schedules(request) -> bool:
    return request.town is not None and permissions.can_schedule(request.user, request.town)


def _month(request) -> tuple[int, int]:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        date(check_year(year), month, 1)
    except (ValueError, ValidationError):
        today = timezone.localdate()
        return today.year, today.month
    return year, month


def _int(value: str) -> int | None:
    return parse_id(value)


def _neighbours(year: int, month: int) -> tuple[str, str]:
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{previous[0]}-{previous[1]:02d}", f"{following[0]}-{following[1]:02d}"


def _week(request) -> date | None:
    """The Monday of the week asked for (``?week=2026-12-09`` shows 7–13 December), or None for a month."""
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
        check_year(day.year)
    except (ValueError, ValidationError):
        return None
    return day - timedelta(days=day.weekday())


def _listing(request, *, week: date | None = None):
    year, month = (week.year, week.month) if week else _month(request)
    filters = {
        "village_id": _int(request.GET.get("village", "")),
        "unit_id": _int(request.GET.get("unit", "")),
        "kind": request.GET.get("kind") if request.GET.get("kind") in ActivityKind.values else None,
    }
    if week:
        start, end = selectors.week_bounds(week)
        activities = selectors.activities_between(user=request.user, town=request.town, start=start, end=end, **filters)
    else:
        activities = selectors.month_list(user=request.user, town=request.town, year=year, month=month, **filters)
    previous, following = _neighbours(year, month)
    units = units_visible_to(request.user).filter(town=request.town)
    return {
        "activities": activities,
        "year": year,
        "month": month,
        "month_value": f"{year}-{month:02d}",
        "previous": previous,
        "following": following,
        "filters": filters,
        # The filters again, for the links to another month or week.
        "filter_query": urlencode(
            {name: request.GET[name] for name in ("village", "unit", "kind") if request.GET.get(name)}
        ),
        "villages": villages_visible_to(request.user).filter(town=request.town),
        "unit_groups": units_by_type(units),
        "kinds": ActivityKind.choices,
        "can_schedule": permissions.can_schedule(request.user, request.town),
        "can_read_reminders": can_read_reminders(request.user, request.town),
        "can_read_fees": fee_permissions.can_read_fees(request.user, request.town),
        "without_evidence": sum(1 for a in activities if a.evidence_count == 0 and a.is_held()),
    }


@allowed_if(_reads)
def month_list(request):
    return render(request, "activities/month_list.html", _listing(request))


@dataclass(frozen=True)
class CalendarDay:
    date: date
    is_shown: bool  # False for the days of the neighbouring months that fill the month's first and last weeks
    is_today: bool
    activities: list


@allowed_if(_reads)
def calendar(request):
    """A month (``?month=2026-12``) or a week (``?week=2026-12-07``), day by day; a phone stacks the days."""
    week = _week(request)
    context = _listing(request, week=week)
    by_date: dict[date, list] = {}
    for activity in context["activities"]:
        by_date.setdefault(timezone.localtime(activity.starts_at).date(), []).append(activity)
    today = timezone.localdate()
    if week:
        rows = [[week + timedelta(days=offset) for offset in range(7)]]
        context |= {
            "week": week,
            "week_end": week + timedelta(days=6),
            "previous_week": (week - timedelta(days=7)).isoformat(),
            "following_week": (week + timedelta(days=7)).isoformat(),
        }
    else:
        rows = calendar_module.Calendar(firstweekday=0).monthdatescalendar(context["year"], context["month"])
    context["weeks"] = [
        [
            CalendarDay(
                date=day,
                is_shown=week is not None or day.month == context["month"],
                is_today=day == today,
                activities=by_date.get(day, []),
            )
            for day in row
        ]
        for row in rows
    ]
    context["this_week"] = (today - timedelta(days=today.weekday())).isoformat()
    # 2024-01-01 was a Monday: the localised short names of Monday … Sunday.
    context["weekday_names"] = [date_format(date(2024, 1, 1 + offset), "D") for offset in range(7)]
    return render(request, "activities/calendar.html", context)


@allowed_if(_reads)
def lecture_hall(request):
    months = lecture_hall_months(town=request.town)
    return render(
        request, "activities/lecture_hall.html", {"months": months, "flagged": sum(m.is_flagged for m in months)}
    )


@allowed_if(_reads)
def detail(request, pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    can_manage = permissions.can_manage_activity(request.user, activity)
    rule = permissions.attendance_names_for(request.user, activity)
    present = list(selectors.present_people(activity))
    named = [entry for entry in present if rule.shows(entry.person)]
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "can_manage": can_manage,
            "lecturers": activity.lecturer_links.select_related("person"),
            "present": named,
            "present_total": len(present) if rule.kind != permissions.NOTHING else None,
            "present_unnamed": len(present) - len(named),
            "names_rule": rule.kind,
            "duties": activity.duties.select_related("person").order_by("person__name"),
            "duty_candidates": selectors.duty_candidates(activity) if can_manage else [],
            "can_take_attendance": permissions.can_take_attendance(request.user, activity),
            "headcount": selectors.headcount_total(activity),
            "registered": selectors.registered_count(activity),
            "evidence": selectors.live_evidence(activity),
            "is_held": activity.is_held(),
            "is_open": services.is_open_for_check_in(activity),
            "check_in_url": check_in_url(activity),
            "reason_form": ReasonForm(),
            "evidence_kinds": EvidenceKind.choices,
            **fee_selectors.activity_fee_context(request.user, activity),
        },
    )


def _limit_villages(form, user, town) -> None:
    """A learning-centre director's form offers their own village only, and a village is required."""
    allowed = permissions.village_limit(user, town)
    if allowed is not None:
        field = form.fields["village"]
        field.queryset = field.queryset.filter(pk__in=allowed)
        field.required = True
        field.empty_label = None


def _form_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.ACTIVITY_FIELDS}


@allowed_if(_schedules)
def create(request):
    organisers = permissions.organiser_units_for(request.user, request.town).order_by("unit_type", "name")
    form = ActivityForm(request.POST or None, town=request.town, organisers=organisers)
    _limit_villages(form, request.user, request.town)
    if request.method == "POST" and form.is_valid():
        values, lecturers = _form_values(form), list(form.cleaned_data["lecturers"])
        until = form.cleaned_data.get("repeat_weekly_until")
        try:
            if until:
                start, end = timezone.localtime(values.pop("starts_at")), timezone.localtime(values.pop("ends_at"))
                created = services.schedule_series(
                    actor=request.user,
                    town=request.town,
                    values=values,
                    first_date=start.date(),
                    last_date=until,
                    start_time=start.time(),
                    end_time=end.time(),
                    lecturers=lecturers,
                )
                messages.success(request, _("%(count)s activities scheduled.") % {"count": len(created)})
                return redirect("activities:detail", pk=created[0].pk)
            activity = services.schedule_activity(
                actor=request.user, town=request.town, values=values, lecturers=lecturers
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Activity scheduled."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form})


@allowed_if(_reads)
def edit(request, pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    organisers = permissions.organiser_units_for(request.user, activity.town).order_by("unit_type", "name")
    form = ActivityForm(request.POST or None, instance=activity, town=activity.town, organisers=organisers)
    _limit_villages(form, request.user, activity.town)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                actor=request.user,
                activity=activity,
                values=_form_values(form),
                lecturers=list(form.cleaned_data["lecturers"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity})


@require_POST
@allowed_if(_reads)
def cancel(request, pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    try:
        services.cancel_activity(actor=request.user, activity=activity, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@allowed_if(_reads)
def duty_add(request, pk: int):
    """The organiser puts a volunteer or teacher of the town on duty at the activity."""
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_assign_duty(request.user, activity):
        raise PermissionDenied
    person = Person.objects.filter(town_id=activity.town_id, pk=parse_id(request.POST.get("person", ""))).first()
    try:
        if person is None:
            raise ValidationError({"person": _("Choose someone of this town.")})
        services.assign_duty(actor=request.user, activity=activity, person=person, role=request.POST.get("role", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is on duty at this activity.") % {"name": person.name})
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@allowed_if(_reads)
def duty_remove(request, pk: int, person_pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_assign_duty(request.user, activity):
        raise PermissionDenied
    person = get_object_or_404(Person, town_id=activity.town_id, pk=person_pk)
    services.remove_duty(actor=request.user, activity=activity, person=person)
    return redirect("activities:detail", pk=activity.pk)
