from communityedu.activities.permissions import can_view_activities
from communityedu.assessment.permissions import can_read_own as reads_assessment
from communityedu.exchange.permissions import moderates_anywhere
from communityedu.funding.permissions import can_read_funding, can_read_unit_funding
from communityedu.incentives.permissions import reads_incentives
from communityedu.learning.permissions import keeps_library
from communityedu.news.permissions import writes_news_anywhere
from communityedu.organization import permissions
from communityedu.organization.selectors import towns_visible_to
from communityedu.people.selectors import can_manage_accounts, can_read_register
from communityedu.planning.permissions import can_read_plan
from communityedu.recognition.permissions import can_read_recognition


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_town": None}
    return {
        "current_town": getattr(request, "town", None),
        "switchable_towns": towns_visible_to(user) if permissions.can_view_towns(user) else (),
        "nav": {
            "structure": permissions.can_view_structure(user),
            "activities": can_view_activities(user),
            "incentives": reads_incentives(user, getattr(request, "town", None)),
            "towns": permissions.can_view_towns(user),
            "audit": permissions.can_view_audit_log(user),
            "resident": permissions.is_resident(user),
            "people": can_read_register(user),
            "accounts": can_manage_accounts(user),
            "news": writes_news_anywhere(user),
            "moderation": moderates_anywhere(user),
            "funding": can_read_funding(user, getattr(request, "town", None)),
            "unit_funding": can_read_unit_funding(user, getattr(request, "town", None)),
            "recognition": can_read_recognition(user, getattr(request, "town", None)),
            "learning": keeps_library(user, getattr(request, "town", None)),
            "assessment": reads_assessment(user, getattr(request, "town", None)),
            "planning": can_read_plan(user, getattr(request, "town", None)),
        },
    }
