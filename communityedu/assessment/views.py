"""The assessment pages: basic conditions, the indicator tree and its versions, the
self-assessment with its gap list, and the annual unit assessment with its ranking and export.
Every form is a plain POST that comes back to its page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from communityedu.assessment import consistency, dossier, exports, permissions, selectors, services
from communityedu.assessment.constants import ConditionItem
from communityedu.assessment.forms import ConditionsForm, IndicatorSheetForm, ManualScoreForm, WeightsForm
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS, IndicatorSheetError
from communityedu.core.files import stored_path
from communityedu.core.parsing import parse_id, parse_year
from communityedu.core.views import allowed_if
from communityedu.metrics.selectors import default_year, year_sentence

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reads(request) -> bool:
    return permissions.can_read(request.user, request.town)


def _reads_own(request) -> bool:
    return permissions.can_read_own(request.user, request.town)


def _reads_conditions(request) -> bool:
    return permissions.can_read_conditions(request.user, request.town)


def _manages(request) -> bool:
    return permissions.can_manage(request.user, request.town)


def _year(value) -> int:
    return parse_year(str(value or ""), default=timezone.localdate().year)


def _period(data, *, as_given: bool = False) -> tuple[int, date]:
    """``year`` and ``as_of`` from a query or a form; today and its year by default. A date before
    the year asked for (the year changed, the date left) reads the year as of today or its end;
    ``as_given`` keeps the date a form asked for, for the service to refuse with its reason."""
    try:
        as_of = parse_date(data.get("as_of") or "") or timezone.localdate()
    except ValueError:
        as_of = timezone.localdate()
    year = _year(data.get("year") or as_of.year)
    if as_of < date(year, 1, 1) and not as_given:
        as_of = min(timezone.localdate(), date(year, 12, 31))
    return year, as_of


def _opening_period(request) -> tuple[int, date, str]:
    """The period asked for; when neither year nor date is, the town's default year
    (``metrics.selectors.default_year``) as of today or its year-end, with the sentence saying why."""
    if request.GET.get("year") or request.GET.get("as_of"):
        return (*_period(request.GET), "")
    year, reason = default_year(request.town)
    return year, min(timezone.localdate(), date(year, 12, 31)), year_sentence(year, reason)


def _render(request, template: str, context: dict, status: int = 200):
    context["can_read_whole"] = _reads(request)
    return render(request, template, context, status=status)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ---- basic conditions ----------------------------------------------------------------------------


def _visible_unit_ids(request):
    return None if _reads(request) else permissions.own_condition_unit_ids(request.user, request.town)


@require_safe
@allowed_if(_reads_conditions)
def conditions(request):
    year = _year(request.GET.get("year"))
    overview = selectors.conditions_overview(town=request.town, year=year, unit_ids=_visible_unit_ids(request))
    return _render(
        request,
        "assessment/conditions.html",
        {"year": year, "overview": overview, "items": ConditionItem.choices, "can_manage": _manages(request)},
    )


def _conditions_url(unit_id: int, year: int) -> str:
    return f"{reverse('assessment:conditions-unit', args=[unit_id])}?year={year}"


@allowed_if(_reads_conditions)
def conditions_unit(request, pk: int):
    unit = selectors.get_condition_unit_for(request.user, request.town, pk)
    year = _year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    can_manage = _manages(request)
    overview = selectors.conditions_overview(town=request.town, year=year, unit_ids=[unit.pk])
    line = overview.lines[0]
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = ConditionsForm(request.POST)
        if form.is_valid():
            try:
                services.save_conditions(actor=request.user, unit=unit, year=year, values=form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The basic conditions of %(unit)s were saved.") % {"unit": unit})
                return redirect(_conditions_url(unit.pk, year))
        status = 400
    else:
        row = line.conditions
        form = ConditionsForm(initial={name: getattr(row, name) for name in services.CONDITION_FIELDS} if row else None)
    return _render(
        request,
        "assessment/conditions_unit.html",
        {
            "unit": unit,
            "year": year,
            "line": line,
            "form": form,
            "items": [
                (value, label, line.states[value], line.files.get(value, [])) for value, label in ConditionItem.choices
            ],
            "can_manage": can_manage,
        },
        status=status,
    )


@require_POST
@allowed_if(_manages)
def conditions_evidence(request, pk: int):
    unit = selectors.get_condition_unit_for(request.user, request.town, pk)
    year = _year(request.POST.get("year"))
    item, files = request.POST.get("item", ""), request.FILES.getlist("files")
    if item not in ConditionItem.values or not files:
        messages.error(request, _("Choose the item and at least one file."))
        return redirect(_conditions_url(unit.pk, year))
    added = 0
    for upload in files:
        try:
            services.attach_condition_evidence(actor=request.user, unit=unit, year=year, item=item, upload=upload)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            added += 1
    if added:
        messages.success(request, ngettext("%(count)s file added.", "%(count)s files added.", added) % {"count": added})
    return redirect(_conditions_url(unit.pk, year))


@require_safe
@allowed_if(_reads_conditions)
def evidence_file(request, pk: int):
    stored = selectors.get_evidence_file_for(request.user, pk)
    path = stored_path(stored.file)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.original_name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response


# ---- the indicator tree --------------------------------------------------------------------------


def _indicators_page(request, *, form=None, problems=None, status=200):
    systems = list(selectors.systems_of(request.town))
    version = request.GET.get("version")
    system = next((item for item in systems if str(item.version) == version), systems[0] if systems else None)
    indicators = list(system.indicators.order_by("position")) if system else []
    return _render(
        request,
        "assessment/indicators.html",
        {
            "systems": systems,
            "system": system,
            "indicators": indicators,
            "form": form or IndicatorSheetForm(),
            "problems": problems,
            "can_manage": _manages(request),
        },
        status=status,
    )


@require_safe
@allowed_if(_reads)
def indicators(request):
    return _indicators_page(request)


@require_POST
@allowed_if(_manages)
def indicators_load(request):
    form = IndicatorSheetForm(request.POST, request.FILES)
    if not form.is_valid():
        return _indicators_page(request, form=form, status=400)
    upload = form.cleaned_data["sheet"]
    try:
        system = services.load_indicator_system(
            actor=request.user,
            town=request.town,
            content=upload.read(),
            file_name=upload.name,
            name=form.cleaned_data["name"],
        )
    except IndicatorSheetError as error:
        messages.error(
            request, _("The sheet was not loaded: nothing was written. Correct these rows and load it again.")
        )
        return _indicators_page(request, form=form, problems=error.problems, status=400)
    messages.success(
        request,
        _("Version %(version)s loaded: %(count)s indicators.")
        % {"version": system.version, "count": system.indicators.count()},
    )
    return redirect(reverse("assessment:indicators"))


@require_safe
@allowed_if(_reads)
def indicators_default(request):
    response = HttpResponse(DEFAULT_INDICATORS.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="default-indicators.csv"'
    return response


# ---- self-assessment -----------------------------------------------------------------------------


def _self_assessment_url(year: int, as_of: date, anchor: str = "") -> str:
    url = f"{reverse('assessment:self-assessment')}?year={year}&as_of={as_of.isoformat()}"
    return f"{url}#{anchor}" if anchor else url


def _self_assessment_page(request, *, year, as_of, failed_form=None, failed_pk=None, status=200, year_note=""):
    version = request.GET.get("version", "")
    # An earlier version is read with the scores it was given; only the current one is scored here.
    version_number = parse_id(version)
    system = selectors.get_system_for(request.user, request.town, version_number) if version_number else None
    tree = selectors.scored_tree(town=request.town, year=year, as_of=as_of, system=system)
    is_current = system is None or system == selectors.current_system(request.town)
    history = selectors.manual_history(tree=tree) if tree else {}
    rows = []
    for node in tree.nodes if tree else []:
        form = None
        if node.indicator.method == "manual" and is_current and _manages(request):
            form = (
                failed_form
                if failed_pk == node.indicator.pk
                else ManualScoreForm(
                    prefix=f"i{node.indicator.pk}",
                    initial={"points": node.manual.points if node.manual else None},
                )
            )
        rows.append((node, form, history.get(node.indicator.pk, [])))
    return _render(
        request,
        "assessment/self_assessment.html",
        {
            "tree": tree,
            "rows": rows,
            "year": year,
            "as_of": as_of,
            "year_note": year_note,
            "version": version if parse_id(version) else "",
            "can_manage": _manages(request),
            # The page's tree is read once; an earlier version's is not the one the checks read.
            "inconsistencies": consistency.inconsistencies(
                town=request.town, year=year, as_of=as_of, tree=tree if is_current else None
            ),
        },
        status=status,
    )


@require_safe
@allowed_if(_reads)
def self_assessment(request):
    year, as_of, year_note = _opening_period(request)
    return _self_assessment_page(request, year=year, as_of=as_of, year_note=year_note)


@require_POST
@allowed_if(_manages)
def score(request, pk: int):
    indicator = selectors.get_manual_indicator_for(request.user, pk)
    if indicator.town_id != request.town.pk:
        raise Http404
    year, as_of = _period(request.POST)
    form = ManualScoreForm(request.POST, prefix=f"i{indicator.pk}")
    if form.is_valid():
        try:
            services.record_manual_score(
                actor=request.user,
                indicator=indicator,
                year=year,
                as_of=as_of,
                points=form.cleaned_data["points"],
                comment=form.cleaned_data["comment"],
                uploads=request.FILES.getlist(f"i{indicator.pk}-files"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(code)s scored.") % {"code": indicator.code})
            return redirect(_self_assessment_url(year, as_of, f"indicator-{indicator.code}"))
    return _self_assessment_page(request, year=year, as_of=as_of, failed_form=form, failed_pk=indicator.pk, status=400)


# ---- the annual unit assessment ------------------------------------------------------------------


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _units_page(request, *, year, as_of, weights_form=None, status=200):
    unit_ids = None if _reads(request) else permissions.own_unit_ids(request.user, request.town)
    lines = selectors.unit_assessment(town=request.town, year=year, as_of=as_of, unit_ids=unit_ids)
    weights = selectors.weights_of(town=request.town, year=year)
    criteria = [(key, item.label, weights[key]) for key, item in selectors.CRITERIA.items()]
    return _render(
        request,
        "assessment/units.html",
        {
            "year": year,
            "as_of": as_of,
            "lines": [
                (line, [_percent(line.fractions.get(key)) for key, _label, _weight in criteria]) for line in lines
            ],
            "criteria": criteria,
            "weights_form": weights_form or WeightsForm(weights=weights),
            "can_manage": _manages(request),
            "can_export": _reads(request),
        },
        status=status,
    )


@require_safe
@allowed_if(_reads_own)
def units(request):
    year, as_of = _period(request.GET)
    return _units_page(request, year=year, as_of=as_of)


@require_safe
@allowed_if(_reads)
def units_export(request):
    year, as_of = _period(request.GET)
    data = exports.unit_assessment_xlsx_for(actor=request.user, town=request.town, year=year, as_of=as_of)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="unit-assessment-{request.town.slug}-{year}.xlsx"'
    return response


@require_POST
@allowed_if(_manages)
def weights(request):
    year, as_of = _period(request.POST)
    form = WeightsForm(request.POST, weights=selectors.weights_of(town=request.town, year=year))
    if form.is_valid():
        try:
            services.set_weights(
                actor=request.user,
                town=request.town,
                year=year,
                weights={key: Decimal(value) for key, value in form.cleaned_data.items()},
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The weights of %(year)s were saved.") % {"year": year})
            return redirect(f"{reverse('assessment:units')}?year={year}&as_of={as_of.isoformat()}")
    return _units_page(request, year=year, as_of=as_of, weights_form=form, status=400)


# ---- the evaluation dossier ----------------------------------------------------------------------


def _dossier_page(request, *, year, as_of, status=200, errors=None):
    return _render(
        request,
        "assessment/dossier/list.html",
        {
            "year": year,
            "as_of": as_of,
            "exports": dossier.exports_of(request.town)[:20],
            "can_manage": _manages(request),
            "errors": errors or [],
        },
        status=status,
    )


@require_safe
@allowed_if(_reads)
def dossier_list(request):
    year, as_of = _period(request.GET)
    return _dossier_page(request, year=year, as_of=as_of)


@require_POST
@allowed_if(_manages)
def dossier_start(request):
    year, as_of = _period(request.POST, as_given=True)
    try:
        export = dossier.start_export(actor=request.user, town=request.town, year=year, as_of=as_of)
    except ValidationError as error:
        return _dossier_page(request, year=year, as_of=as_of, status=400, errors=error.messages)
    messages.success(request, _("The dossier of %(year)s is being built.") % {"year": year})
    return redirect("assessment:dossier-export", pk=export.pk)


@require_safe
@allowed_if(_reads)
def dossier_export(request, pk: int):
    export = dossier.get_export(request.town, pk)
    context = {"export": export, "kinds": list(dossier.KINDS)}
    if request.headers.get("HX-Request"):
        return render(request, "assessment/dossier/_status.html", context)
    return _render(request, "assessment/dossier/export.html", context)


@require_safe
@allowed_if(_reads)
def dossier_file(request, pk: int, kind: str):
    export = dossier.get_export(request.town, pk)
    path = dossier.file_path(export, kind)
    if path is None:
        raise Http404
    dossier.record_download(actor=request.user, export=export, kind=kind)
    response = FileResponse(path.open("rb"), content_type=dossier.KINDS[kind][1])
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(dossier.download_name(export, kind), safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response
