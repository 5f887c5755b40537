"""The staff home and the auditor's log."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from communityedu.core.models import AuditLogEntry
from communityedu.core.views import allowed_if
from communityedu.dashboard.first_pages import first_page
from communityedu.metrics.permissions import can_open_targets_dashboard
from communityedu.organization import permissions, selectors
from communityedu.organization.constants import Role, UnitType
from communityedu.organization.scope import scope_for
from communityedu.people import join_requests
from communityedu.people.selectors import can_read_register, people_visible_to
from communityedu.planning.selectors import staff_home_plan


def home(request):
    """Residents and visitors go to the portal; auditors to the log; staff to their home."""
    user = request.user
    if not user.is_authenticated or (permissions.is_resident(user) and not permissions.has_staff_role(user)):
        return redirect("portal:home")
    if permissions.is_auditor(user) and not permissions.has_staff_role(user):
        return redirect("dashboard:audit-log")
    return staff_home(request)


@allowed_if(lambda request: permissions.has_staff_role(request.user) and request.town is not None)
def staff_home(request):
    """Each role's own first page: one section per role the account holds (``first_pages``)."""
    town = request.town
    page = first_page(request.user, town)
    context = {"page": page, "plan": staff_home_plan(request.user, town, as_of=timezone.localdate())}
    if page.overview:
        context["summary"] = _town_overview(request.user, town)
    return render(request, "dashboard/home.html", context)


def _town_overview(user, town) -> dict:
    year = timezone.localdate().year
    units = selectors.units_visible_to(user).filter(town=town)
    return {
        "villages": selectors.villages_visible_to(user).filter(town=town).count(),
        "learning_centres": units.filter(unit_type=UnitType.LEARNING_CENTRE).count(),
        "units": units.count(),
        "population_year": year,
        "population": selectors.town_population(town=town, year=year),
        "plan_population": selectors.town_population(town=town, year=2020),
        "targets": can_open_targets_dashboard(user, town),
        "people": people_visible_to(user).filter(town=town).count() if can_read_register(user) else None,
        "join_requests": join_requests.pending_join_request_count(user, town)
        if join_requests.can_review_join_requests(user, town)
        else None,
    }


@allowed_if(lambda request: permissions.can_view_audit_log(request.user))
def audit_log(request):
    towns = scope_for(request.user).towns_with(Role.AUDITOR)
    entries = AuditLogEntry.objects.filter(town_id__in=towns).select_related("town")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "dashboard/audit_log.html", {"page": page})
