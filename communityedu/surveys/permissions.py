"""Who may build surveys, enter paper sheets, read results and answer.

The town office and the community school build their town's questionnaires, open and close them
and enter paper sheets. Every staff role of the town, and the district evaluator, may read the
surveys and their results, which are aggregates only. Residents answer the open surveys of their
own town, once each; they never see results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.permissions import has_staff_role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town
    from communityedu.people.models import Person
    from communityedu.surveys.models import Survey

SURVEY_MANAGERS = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


def can_view_surveys(user: User) -> bool:
    return has_staff_role(user)


def can_manage_surveys(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in scope_for(user).towns_with(*SURVEY_MANAGERS)


def can_manage_survey(user: User, survey: Survey) -> bool:
    return survey.town_id in scope_for(user).towns_with(*SURVEY_MANAGERS)


def can_answer(person: Person | None, survey: Survey) -> bool:
    """A resident answers the open surveys of the town they are registered in."""
    return person is not None and person.town_id == survey.town_id and survey.is_open
