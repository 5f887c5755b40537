"""The targets dashboard: the plan's figures against their thresholds, per village and by month,
as of a chosen date; the records behind each number; the whole as .xlsx."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from communityedu.core.views import allowed_if
from communityedu.dashboard.drilldowns import figure_url, links_for
from communityedu.dashboard.forms import TargetSettingsForm
from communityedu.metrics import selectors as metrics_selectors
from communityedu.metrics.drilldown_records import UnknownPartError, records_for
from communityedu.metrics.exports import targets_xlsx
from communityedu.metrics.figures import FIGURES, figures_for
from communityedu.metrics.permissions import (
    can_edit_targets,
    can_open_targets_dashboard,
    can_read_figures,
    participant_villages_for,
)
from communityedu.organization import services as organization_services
from communityedu.organization import targets as village_targets
from communityedu.organization.constants import FigureKey
from communityedu.organization.scope import scope_for
from communityedu.organization.selectors import towns_visible_to, villages_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request) -> tuple[int, date]:
    today = timezone.localdate()
    try:
        as_of = parse_date(request.GET.get("as_of") or "") or today
    except ValueError:
        as_of = today
    try:
        year = int(request.GET.get("year") or as_of.year)
    except ValueError:
        year = as_of.year
    return min(max(year, 2000), 2100), as_of


def _towns(request, town) -> list:
    """The town shown, and for a district evaluator every town of the district beside it."""
    district_towns = scope_for(request.user).district_town_ids
    if town.pk not in district_towns:
        return [town]
    return list(towns_visible_to(request.user).filter(pk__in=district_towns).order_by("code", "slug"))


def _town(request):
    """The town asked for by ``?town=<slug>`` (an evaluator's other towns), else the current one."""
    slug = request.GET.get("town")
    if slug and (request.town is None or slug != request.town.slug):
        return towns_visible_to(request.user).filter(slug=slug).first()
    return request.town


def _can_open(request) -> bool:
    return can_open_targets_dashboard(request.user, _town(request))


def _opening_period(request, towns) -> tuple[int, date, str]:
    """The period asked for; when neither year nor date is asked for, the default year of the town
    (of the district's towns for an evaluator: ``metrics.selectors.district_default_year``) as of
    today or its year-end, with the sentence saying why."""
    if request.GET.get("year") or request.GET.get("as_of"):
        return (*_period(request), "")
    year, reason = metrics_selectors.district_default_year(towns)
    return year, min(timezone.localdate(), date(year, 12, 31)), metrics_selectors.year_sentence(year, reason)


@allowed_if(_can_open)
def targets(request):
    town = _town(request)
    towns = _towns(request, town)
    year, as_of, year_note = _opening_period(request, towns)
    # The other towns of a district are shown by their totals; only this one month by month.
    figures = figures_for(towns=towns, year=year, as_of=as_of, detail_town_ids=[town.pk])
    town_figures = figures[town.pk]
    participation = next((figure for figure in town_figures if figure.key == "participation"), None)
    chart = None
    if participation is not None:
        chart = json.dumps(
            {
                "villages": [line.label for line in participation.villages],
                "values": [None if line.value is None else float(line.value * 100) for line in participation.villages],
                "threshold": float(participation.threshold * 100),
                "months": [line.label for line in participation.trend],
                "trend": [None if line.value is None else float(line.value * 100) for line in participation.trend],
            },
            ensure_ascii=False,
        )
    period = f"town={town.slug}&year={year}&as_of={as_of.isoformat()}"
    district = None
    if len(towns) > 1:
        district = [
            # The side-by-side table links each figure to its town's section (where every part is
            # linked): one URL per cell, not every part of every town's figures.
            (
                other,
                [
                    (figure, {"value": figure_url(figure, town=other, year=year, as_of=as_of)})
                    for figure in figures[other.pk]
                ],
            )
            for other in towns
        ]
    return render(
        request,
        "dashboard/targets.html",
        {
            "town": town,
            "year": year,
            "as_of": as_of,
            "year_note": year_note,
            "period": period,
            "figures": town_figures,
            "figure_links": {
                figure.key: links_for(figure, town=town, year=year, as_of=as_of) for figure in town_figures
            },
            "participation": participation,
            "chart": chart,
            "district": district,
            "can_edit_targets": town == request.town and can_edit_targets(request.user, town),
        },
    )


@allowed_if(_can_open)
def targets_export(request):
    year, as_of = _period(request)
    town = _town(request)
    towns = _towns(request, town)
    data = targets_xlsx(towns=towns, figures=figures_for(towns=towns, year=year, as_of=as_of), year=year, as_of=as_of)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="targets-{town.slug}-{as_of.isoformat()}.xlsx"'
    return response


@allowed_if(_can_open)
def participants(request):
    """The residents counted in the participation rate (of one village, or the whole town), each
    with the day and the activity of their first attendance; people masked as in the register.
    Named only where the reader may name them (``participant_villages_for``); the others are
    counted."""
    year, as_of = _period(request)
    town = _town(request)
    village = None
    if request.GET.get("village"):
        try:
            village_id = int(request.GET["village"])
        except ValueError as error:
            raise Http404 from error
        village = get_object_or_404(villages_visible_to(request.user).filter(town=town), pk=village_id)
    village_id = village.pk if village else None
    named_villages = participant_villages_for(request.user, town)
    counted = metrics_selectors.participants(town=town, year=year, as_of=as_of, village_id=village_id)
    rows = metrics_selectors.participants(
        town=town, year=year, as_of=as_of, village_id=village_id, village_ids=named_villages
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    extra = f"town={town.slug}&year={year}&as_of={as_of.isoformat()}" + (f"&village={village.pk}" if village else "")
    return render(
        request,
        "dashboard/participants.html",
        {
            "page": page,
            "town": town,
            "village": village,
            "year": year,
            "as_of": as_of,
            "extra_query": extra,
            "counted": counted.count(),
            "not_named": None if named_villages is None else counted.count() - page.paginator.count,
        },
    )


def _reads_figures(request) -> bool:
    town = _town(request)
    return town is not None and can_read_figures(request.user, town)


@allowed_if(_reads_figures)
def figure_records(request, key: str, part: str):
    """The records behind one number of a figure (``dashboard.drilldowns``): their rows, and the
    count or sum that makes the number, for the town, year and as_of of the link."""
    year, as_of = _period(request)
    town = _town(request)
    try:
        records = records_for(key=key, part=part, town=town, year=year, as_of=as_of)
    except UnknownPartError as error:
        raise Http404(_("No records behind this number.")) from error
    return render(
        request,
        "dashboard/figure_records.html",
        {
            "records": records,
            "town": town,
            "year": year,
            "as_of": as_of,
            "period": f"town={town.slug}&year={year}&as_of={as_of.isoformat()}",
            "figure_label": _figure_label(key),
        },
    )


def _figure_label(key: str) -> str:
    return str(FIGURES[key][0]) if key in FIGURES else key


def _edits_targets(request) -> bool:
    return can_edit_targets(request.user, request.town)


def _settings_year(request) -> int:
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@allowed_if(_edits_targets)
def target_settings(request):
    """The town office sets the targets' deadline and, for a year, each village's targets (those
    shown beside the village's figures on the dashboard). All or nothing; audited."""
    town, year = request.town, _settings_year(request)
    villages = villages_visible_to(request.user).filter(town=town).order_by("code", "name")
    form = TargetSettingsForm(
        request.POST if request.method == "POST" else None,
        villages=villages,
        current=village_targets.targets_for(town=town, year=year),
        initial={"targets_due_on": town.targets_due_on, "default_year": town.default_year},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    organization_services.set_targets_due_on(
                        town=town, due_on=form.cleaned_data["targets_due_on"], actor=request.user
                    )
                    organization_services.set_default_year(
                        town=town, year=form.cleaned_data["default_year"], actor=request.user
                    )
                    changed = village_targets.set_targets(
                        town=town, year=year, values=form.village_targets(), actor=request.user
                    )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request, _("Targets of %(year)s saved (%(count)s changed).") % {"year": year, "count": changed}
                )
                return redirect(f"{reverse('dashboard:target-settings')}?year={year}")
        status = 400
    return render(
        request,
        "dashboard/target_settings.html",
        {
            "town": town,
            "year": year,
            "previous": year - 1,
            "following": year + 1,
            "form": form,
            "figure_labels": [FigureKey(key).label for key in village_targets.VILLAGE_FIGURES],
        },
        status=status,
    )
