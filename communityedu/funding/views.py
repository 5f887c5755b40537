"""The town office's funding pages: the year's allocations and expenses, their totals and the
per-capita figure; recording and reversing entries; the spreadsheet. Every form is a plain POST
that comes back to the year's page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.parsing import parse_id, parse_year
from communityedu.core.views import allowed_if
from communityedu.funding import exports, permissions, selectors, services
from communityedu.funding.constants import GOVERNMENT_SOURCES, FundingSource
from communityedu.funding.forms import AllocationForm, ExpenseForm, GovernmentShareThresholdForm
from communityedu.metrics import funding_figure
from communityedu.metrics.base import effective_as_of
from communityedu.organization.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reads(request) -> bool:
    return permissions.can_read_funding(request.user, request.town)


def _reads_units(request) -> bool:
    return permissions.can_read_unit_funding(request.user, request.town)


def _manages(request) -> bool:
    return permissions.can_manage_funding(request.user, request.town)


def _year(value: str | None) -> int:
    return parse_year(value, default=timezone.localdate().year)


def _year_url(year: int) -> str:
    return f"{reverse('funding:year')}?year={year}"


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _as_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _sources(value: str | None) -> tuple[str, ...] | None:
    """``?source=government`` (town finance and higher government) or one source; else every one."""
    if value == "government":
        return tuple(GOVERNMENT_SOURCES)
    return (value,) if value in FundingSource.values else None


def _page(
    request,
    *,
    year: int,
    allocation_form=None,
    expense_form=None,
    share_form=None,
    as_of: date | None = None,
    sources: tuple[str, ...] | None = None,
    status: int = 200,
):
    initial = {"year": year, "dated_on": timezone.localdate()}
    share = funding_figure.government_share(town=request.town, year=year, as_of=as_of)
    own_threshold = funding_figure.own_government_share_threshold(request.town)
    context = {
        "year": year,
        "previous": year - 1,
        "following": year + 1,
        "as_of": as_of,
        "source_filter": request.GET.get("source", "") if sources is not None else "",
        "sources_shown": [str(FundingSource(source).label) for source in sources or ()],
        "funding": selectors.funding_year(
            town=request.town,
            year=year,
            figure=funding_figure.town_finance_per_capita(town=request.town, year=year, as_of=as_of),
            as_of=as_of,
            sources=sources,
        ),
        "share": share,
        "can_manage": _manages(request),
        "allocation_form": allocation_form or AllocationForm(town=request.town, initial=initial, prefix="allocation"),
        "expense_form": expense_form or ExpenseForm(town=request.town, initial=initial, prefix="expense"),
        "share_form": share_form
        or GovernmentShareThresholdForm(
            initial={"threshold_percent": None if own_threshold is None else own_threshold * 100}
        ),
    }
    return render(request, "funding/year.html", context, status=status)


@allowed_if(_reads)
def funding_year(request):
    """The year's ledgers; ``?as_of=`` keeps the entries dated up to that day and ``?source=``
    (``government`` or one source) the allocations from it: the records behind a figure."""
    year, as_of = _year(request.GET.get("year")), _as_of(request.GET.get("as_of"))
    # A figure's cut-off: a later ``as_of`` of a closed year reads the year's end.
    as_of = None if as_of is None else effective_as_of(year, as_of)
    return _page(request, year=year, as_of=as_of, sources=_sources(request.GET.get("source")))


@require_POST
@allowed_if(_manages)
def government_share_threshold(request):
    """The town office sets (or clears) the town's own threshold for the government share."""
    form = GovernmentShareThresholdForm(request.POST)
    year = _year(request.POST.get("year"))
    if form.is_valid():
        try:
            services.set_government_share_threshold(town=request.town, threshold=form.threshold(), actor=request.user)
        except ValidationError as error:
            form.add_error("threshold_percent", error.messages)
        else:
            messages.success(request, _("The government share threshold was saved."))
            return redirect(f"{_year_url(year)}#government-share")
    return _page(request, year=year, share_form=form, status=400)


@allowed_if(_reads)
def funding_export(request):
    year = _year(request.GET.get("year"))
    figure = funding_figure.town_finance_per_capita(town=request.town, year=year)
    data = exports.export_funding_year(actor=request.user, town=request.town, year=year, figure=figure)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="funding-{request.town.slug}-{year}.xlsx"'
    return response


@require_POST
@allowed_if(_manages)
def allocation_create(request):
    form = AllocationForm(request.POST, town=request.town, prefix="allocation")
    if form.is_valid():
        try:
            entry = services.record_allocation(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Allocation of %(amount)s yuan recorded.") % {"amount": entry.amount})
            return redirect(_year_url(entry.year))
    return _page(request, year=_year(request.POST.get("allocation-year")), allocation_form=form, status=400)


@require_POST
@allowed_if(_manages)
def expense_create(request):
    form = ExpenseForm(request.POST, town=request.town, prefix="expense")
    if form.is_valid():
        try:
            entry = services.record_expense(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Expense of %(amount)s yuan recorded.") % {"amount": entry.amount})
            return redirect(_year_url(entry.year))
    return _page(request, year=_year(request.POST.get("expense-year")), expense_form=form, status=400)


def _reverse(request, entry, reverse_service, **kwargs):
    try:
        reverse_service(reason=request.POST.get("reason", ""), actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The entry was reversed."))
    return redirect(_year_url(entry.year))


@require_POST
@allowed_if(_manages)
def allocation_reverse(request, pk: int):
    entry = selectors.get_allocation_for(request.user, pk)
    return _reverse(request, entry, services.reverse_allocation, allocation=entry)


@require_POST
@allowed_if(_manages)
def expense_reverse(request, pk: int):
    entry = selectors.get_expense_for(request.user, pk)
    return _reverse(request, entry, services.reverse_expense, expense=entry)


@allowed_if(_reads)
def ledger_line(request, kind: str, pk: int):
    """One line of the town's allocations, expenses or lecture fees: when it happened, when and by
    whom it was typed, its voucher and its reversal."""
    line = selectors.get_ledger_line_for(request.user, town=request.town, kind=kind, pk=pk)
    return render(request, "funding/entry.html", {"line": line, "year": line.year})


@allowed_if(_reads_units)
def unit_funds(request):
    """Each unit's allocations and expenses of a year: a unit's own people see their unit's, the
    ledgers' readers every unit's (or one, with ``?unit=``)."""
    year = _year(request.GET.get("year"))
    unit_ids = permissions.readable_unit_ids(request.user, request.town)
    chosen = parse_id(request.GET.get("unit"))
    if chosen is not None:
        if unit_ids is not None and chosen not in unit_ids:
            raise Http404
        unit_ids = [get_object_or_404(Unit, town=request.town, pk=chosen).pk]
    context = {
        "year": year,
        "previous": year - 1,
        "following": year + 1,
        "units": selectors.unit_funds(town=request.town, year=year, unit_ids=unit_ids),
        "reads_ledgers": _reads(request),
    }
    return render(request, "funding/units.html", context)
