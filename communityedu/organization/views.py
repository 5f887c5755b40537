"""Pages of the town's structure: units, villages and their populations, towns."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.parsing import parse_year
from communityedu.core.views import allowed_if
from communityedu.organization import permissions, selectors, services
from communityedu.organization import populations as population_sheets
from communityedu.organization import targets as village_targets
from communityedu.organization.constants import UNIT_FIGURES, VILLAGE_FIGURES, FigureKey, UnitType
from communityedu.organization.forms import (
    NewVillageForm,
    PopulationForm,
    PopulationImportForm,
    PopulationYearForm,
    TargetsForm,
    TownForm,
    UnitForm,
    VillageForm,
)
from communityedu.organization.middleware import SESSION_KEY
from communityedu.people import position_holders
from communityedu.people.position_holder_forms import PositionHolderForm


def _reads_structure(request) -> bool:
    return permissions.can_view_structure(request.user) and request.town is not None


def _edits_structure(request) -> bool:
    return request.town is not None and permissions.can_edit_structure(request.user, request.town)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@allowed_if(_reads_structure)
def structure(request):
    units = selectors.unit_list(user=request.user, town=request.town)
    order = {value: index for index, value in enumerate(UnitType.values)}
    units.sort(key=lambda u: (order[u.unit_type], u.name))
    groups = [(UnitType(t).label, list(items)) for t, items in groupby(units, key=lambda u: u.unit_type)]
    return render(
        request,
        "organization/structure.html",
        {"groups": groups, "can_edit": _edits_structure(request), "unit_count": len(units)},
    )


@allowed_if(_reads_structure)
def unit_detail(request, pk: int):
    return _unit_page(request, selectors.get_unit_for(request.user, pk))


def _team_members(unit) -> list | None:
    """A volunteer team's current members (the team register's side: ``incentives``); None for other units."""
    if unit.unit_type != UnitType.TEAM:
        return None
    from communityedu.incentives.selectors import memberships_of

    return [membership for membership in memberships_of(unit) if membership.left_on is None]


def _unit_page(request, unit, *, holder_form=None, status: int = 200):
    can_edit = permissions.can_edit_structure(request.user, unit.town)
    positions = list(unit.positions.all())
    prefetch_related_objects(positions, "holders")
    return render(
        request,
        "organization/unit_detail.html",
        {
            "unit": unit,
            "can_edit": can_edit,
            "posts": [(position, list(position.holders.all())) for position in positions],
            "holder_form": holder_form or (PositionHolderForm(unit=unit) if can_edit and positions else None),
            "members": _team_members(unit),
        },
        status=status,
    )


@require_POST
@allowed_if(_reads_structure)
def position_holder_create(request, pk: int):
    """Record who held one of the unit's posts, from when (and until when)."""
    unit = selectors.get_unit_for(request.user, pk)
    if not permissions.can_edit_structure(request.user, unit.town):
        raise PermissionDenied
    form = PositionHolderForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            position_holders.appoint_holder(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The holder of the post was recorded."))
            return redirect("organization:unit-detail", pk=unit.pk)
    return _unit_page(request, unit, holder_form=form, status=400)


def _unit_form_page(request, unit):
    town = unit.town if unit else request.town
    if not permissions.can_edit_structure(request.user, town):
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=unit, town=town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_unit(
                unit=unit,
                town=town,
                values={name: data[name] for name in services.UNIT_FIELDS},
                aliases=data["aliases"],
                duties=data["duties"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organization:unit-detail", pk=saved.pk)
    return render(request, "organization/unit_form.html", {"form": form, "unit": unit})


@allowed_if(_edits_structure)
def unit_create(request):
    return _unit_form_page(request, None)


@allowed_if(_reads_structure)
def unit_edit(request, pk: int):
    return _unit_form_page(request, selectors.get_unit_for(request.user, pk))


@allowed_if(_reads_structure)
def village_list(request):
    villages = selectors.village_list(user=request.user, town=request.town)
    years = selectors.population_years(villages)[:3]
    rows = [
        (
            village,
            [next((p.resident_population for p in village.populations.all() if p.year == y), None) for y in years],
        )
        for village in villages
    ]
    totals = [sum(cells[i] or 0 for _v, cells in rows) for i in range(len(years))]
    return render(
        request,
        "organization/village_list.html",
        {"rows": rows, "years": years, "totals": totals, "can_edit": _edits_structure(request)},
    )


@allowed_if(_reads_structure)
def village_detail(request, pk: int):
    village = selectors.get_village_for(request.user, pk)
    can_edit = permissions.can_edit_structure(request.user, village.town)
    village_form = VillageForm(instance=village, prefix="village")
    population_form = PopulationForm(prefix="population")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "village-name" in request.POST:
            village_form = VillageForm(request.POST, instance=village, prefix="village")
            if village_form.is_valid():
                try:
                    services.save_village(
                        village=village, town=village.town, values=village_form.cleaned_data, actor=request.user
                    )
                except ValidationError as error:
                    _apply_errors(village_form, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("organization:village-detail", pk=village.pk)
        else:
            population_form = PopulationForm(request.POST, prefix="population")
            if population_form.is_valid():
                try:
                    services.set_population(village=village, actor=request.user, **population_form.cleaned_data)
                except ValidationError as error:
                    _apply_errors(population_form, error)
                else:
                    messages.success(request, _("Population saved."))
                    return redirect("organization:village-detail", pk=village.pk)
        village.refresh_from_db()
    return render(
        request,
        "organization/village_detail.html",
        {
            "village": village,
            "populations": village.populations.order_by("-year"),
            "units": village.units.all(),
            "can_edit": can_edit,
            "village_form": village_form,
            "population_form": population_form,
        },
    )


@allowed_if(lambda request: permissions.can_view_towns(request.user))
def town_list(request):
    return render(
        request,
        "organization/town_list.html",
        {"towns": selectors.towns_visible_to(request.user), "can_add": permissions.is_system_admin(request.user)},
    )


def _administers(request) -> bool:
    return permissions.is_system_admin(request.user)


@allowed_if(_administers)
def town_create(request):
    """A new town with its villages: the ``create_town`` command as a page for the administrator."""
    form = TownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            town = services.add_town(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Town %(town)s added.") % {"town": town.name})
            return redirect("organization:town-list")
    return render(request, "organization/town_form.html", {"form": form}, status=400 if form.errors else 200)


@allowed_if(_administers)
def village_create(request, slug: str):
    """A new village or community of a town, with its learning centre and committee."""
    town = get_object_or_404(selectors.towns_visible_to(request.user), slug=slug)
    form = NewVillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.add_village(town=town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("%(village)s added to %(town)s.") % {"village": village.name, "town": town.name}
            )
            return redirect("organization:town-list")
    return render(
        request, "organization/village_form.html", {"form": form, "town": town}, status=400 if form.errors else 200
    )


@require_POST
@allowed_if(lambda request: True)
def switch_town(request):
    town = get_object_or_404(selectors.towns_visible_to(request.user), slug=request.POST.get("town", ""))
    request.session[SESSION_KEY] = town.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target or "home")


def _population_year(value: str | None) -> int:
    return parse_year(value, default=timezone.localdate().year)


def _population_page(request, *, year, form=None, import_form=None, problems=(), status=200):
    villages = population_sheets.populations_of_year(town=request.town, year=year)
    return render(
        request,
        "organization/population_year.html",
        {
            "year": year,
            "previous": year - 1,
            "following": year + 1,
            "form": form or PopulationYearForm(villages=villages),
            "import_form": import_form or PopulationImportForm(initial={"year": year}),
            "total": sum(population or 0 for _village, population in villages),
            "problems": problems,
        },
        status=status,
    )


@allowed_if(_edits_structure)
def population_year(request):
    """Type the resident population of every village for a year in one form."""
    year = _population_year(request.POST.get("year") or request.GET.get("year"))
    if request.method != "POST":
        return _population_page(request, year=year)
    form = PopulationYearForm(
        request.POST, villages=population_sheets.populations_of_year(town=request.town, year=year)
    )
    if not form.is_valid():
        return _population_page(request, year=year, form=form, status=400)
    changed = population_sheets.set_populations(
        town=request.town, year=year, populations=form.populations(), actor=request.user
    )
    messages.success(
        request, _("Populations of %(year)s saved (%(count)s changed).") % {"year": year, "count": changed}
    )
    return redirect(f"{reverse('organization:population')}?year={year}")


@require_POST
@allowed_if(_edits_structure)
def population_import(request):
    """Read the populations of a year from a spreadsheet: all rows or none."""
    form = PopulationImportForm(request.POST, request.FILES)
    year = _population_year(request.POST.get("year"))
    if not form.is_valid():
        return _population_page(request, year=year, import_form=form, status=400)
    upload = form.cleaned_data["sheet"]
    if upload.size > population_sheets.MAX_SHEET_BYTES:
        form.add_error("sheet", _("The file is larger than 2 MB."))
        return _population_page(request, year=year, import_form=form, status=400)
    try:
        values = population_sheets.parse_population_sheet(
            town=request.town, content=upload.read(), file_name=upload.name
        )
    except population_sheets.PopulationSheetError as error:
        return _population_page(request, year=year, import_form=form, problems=error.problems, status=400)
    changed = population_sheets.set_populations(town=request.town, year=year, populations=values, actor=request.user)
    messages.success(
        request,
        _("%(rows)s villages read; populations of %(year)s saved (%(count)s changed).")
        % {"rows": len(values), "year": year, "count": changed},
    )
    return redirect(f"{reverse('organization:population')}?year={year}")


def _target_rows(form, subjects, keys):
    return [(subject, [form[f"{key}-{subject.pk}"] for key in keys]) for subject in subjects]


@allowed_if(_reads_structure)
def targets(request):
    """The targets of every village and unit for a year; the town office sets them here."""
    year = _population_year(request.POST.get("year") or request.GET.get("year"))
    can_edit = _edits_structure(request)
    current = village_targets.targets_for(town=request.town, year=year)
    form = TargetsForm(request.POST if request.method == "POST" else None, current=current)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                changed = village_targets.set_targets(
                    town=request.town, year=year, values=form.values(), actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Targets of %(year)s saved (%(count)s changed).") % {"year": year, "count": changed}
                )
                return redirect(f"{reverse('organization:targets')}?year={year}")
        status = 400
    villages = list(selectors.villages_visible_to(request.user).filter(town=request.town).order_by("code", "name"))
    units = list(village_targets.target_units(request.town))
    return render(
        request,
        "organization/targets.html",
        {
            "year": year,
            "previous": year - 1,
            "following": year + 1,
            "form": form,
            "can_edit": can_edit,
            "village_figures": [FigureKey(key).label for key in VILLAGE_FIGURES],
            "unit_figures": [FigureKey(key).label for key in UNIT_FIGURES],
            "village_rows": _target_rows(form, villages, VILLAGE_FIGURES),
            "unit_rows": _target_rows(form, units, UNIT_FIGURES),
        },
        status=status,
    )
