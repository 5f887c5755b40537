from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communityedu.activities.permissions import can_view_activities
from communityedu.assessment.permissions import can_read_conditions
from communityedu.assessment.permissions import can_read_own as reads_assessment
from communityedu.exchange.permissions import can_moderate
from communityedu.funding.permissions import can_read_funding, can_read_unit_funding
from communityedu.incentives.permissions import reads_incentives
from communityedu.learning.permissions import keeps_library
from communityedu.news.permissions import writes_news_anywhere
from communityedu.organization import permissions
from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for
from communityedu.organization.selectors import towns_visible_to
from communityedu.people.models import Person
from communityedu.people.selectors import can_manage_accounts, can_read_register
from communityedu.planning.permissions import can_read_plan
from communityedu.recognition.permissions import can_read_recognition


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_town": None}
    town = getattr(request, "town", None)
    nav = {
        "structure": permissions.can_view_structure(user),
        "activities": can_view_activities(user) and town is not None,
        "incentives": reads_incentives(user, town),
        "my_points": _keeps_own_points(user),
        "towns": permissions.can_view_towns(user),
        "audit": permissions.can_view_audit_log(user),
        "resident": permissions.is_resident(user),
        "people": can_read_register(user),
        "accounts": can_manage_accounts(user),
        "news": writes_news_anywhere(user),
        "moderation": town is not None and can_moderate(user, town.pk),
        "funding": can_read_funding(user, town),
        "unit_funding": can_read_unit_funding(user, town),
        "recognition": can_read_recognition(user, town),
        "learning": keeps_library(user, town),
        "assessment": reads_assessment(user, town) if town is not None else False,
        "assessment_conditions": can_read_conditions(user, town) if town is not None else False,
        "planning": can_read_plan(user, town),
    }
    return {
        "current_town": town,
        "switchable_towns": towns_visible_to(user) if permissions.can_view_towns(user) else (),
        "nav": nav,
        "staff_menu": staff_menu(nav),
    }


def _keeps_own_points(user) -> bool:
    """Teachers and volunteers linked to their person in the register open their own points page
    (``incentives:me``); the query runs only for those roles."""
    if not scope_for(user).towns_with(Role.TEACHER, Role.VOLUNTEER):
        return False
    return Person.objects.filter(account=user).exists()


def staff_menu(nav: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The staff menu in a few sections, each with the links the account may open (the same rules
    as the pages' own gates). Sections without a link are left out."""
    assessment = (
        "assessment:conditions" if nav["assessment_conditions"] else "assessment:units" if nav["assessment"] else None
    )
    funding = "funding:year" if nav["funding"] else "funding:units" if nav["unit_funding"] else None
    sections = [
        (
            _("Workbench"),
            [
                (_("Home"), "home", nav["structure"]),
                (_("My points"), "incentives:me", nav["my_points"]),
                (_("Audit log"), "dashboard:audit-log", nav["audit"]),
            ],
        ),
        (
            _("Activities and attendance"),
            [
                (_("Activities"), "activities:list", nav["activities"]),
                (_("Surveys"), "surveys:list", nav["activities"]),
            ],
        ),
        (
            _("People"),
            [
                (_("People"), "people:person-list", nav["people"]),
                (_("Teachers and volunteers"), "incentives:register", nav["incentives"]),
                (_("Accounts"), "people:account-list", nav["accounts"]),
            ],
        ),
        (
            _("Learning and exchange"),
            [
                (_("Learning resources"), "learning:shelf", nav["learning"]),
                (_("News and notices"), "news:manage", nav["news"]),
                (_("Moderation queue"), "exchange:queue", nav["moderation"]),
                (_("Learning organisations"), "recognition:board", nav["recognition"]),
            ],
        ),
        (
            _("Funds and assessment"),
            [
                (_("Funding") if nav["funding"] else _("Our unit's funds"), funding, bool(funding)),
                (_("Assessment"), assessment, bool(assessment)),
            ],
        ),
        (
            _("Planning and structure"),
            [
                (_("Work plan"), "planning:plan", nav["planning"]),
                (_("Structure"), "organization:structure", nav["structure"]),
                (_("Villages"), "organization:village-list", nav["structure"]),
                (_("Towns"), "organization:town-list", nav["towns"]),
            ],
        ),
    ]
    menu = []
    for label, links in sections:
        allowed = [(link_label, reverse(name)) for link_label, name, is_allowed in links if is_allowed and name]
        if allowed:
            menu.append((label, allowed))
    return menu
