"""Writes of the external evaluation (评估验收)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communityedu.organization.models import Town
from communityedu.planning.models import Evaluation
from communityedu.planning.services.common import actor_or_none, check_not_in_future, clean_text, save_audited

if TYPE_CHECKING:
    from communityedu.accounts.models import User


@transaction.atomic
def record_evaluation(
    *,
    town: Town,
    held_on: date,
    evaluators: str,
    score: Decimal,
    conclusion: str,
    actor: User,
    is_accepted: bool = False,
) -> Evaluation:
    """The external evaluation (评估验收): when, by whom, the score out of 100 and the conclusion."""
    check_not_in_future(held_on, "held_on")
    if score is None or not Decimal("0") <= score <= Decimal("100"):
        raise ValidationError({"score": _("Give a score between 0 and 100.")})
    if not clean_text(evaluators):
        raise ValidationError({"evaluators": _("Name the evaluators.")})
    if not clean_text(conclusion):
        raise ValidationError({"conclusion": _("Write the conclusion.")})
    if Evaluation.objects.filter(town=town, held_on=held_on).exists():
        raise ValidationError({"held_on": _("An evaluation is already recorded on this day.")})
    evaluation = Evaluation(
        town=town,
        held_on=held_on,
        evaluators=clean_text(evaluators, 300),
        score=score,
        conclusion=clean_text(conclusion),
        is_accepted=is_accepted,
        recorded_by=actor_or_none(actor),
    )
    save_audited(evaluation, actor, fields=["held_on", "evaluators", "score", "is_accepted", "conclusion"])
    return evaluation
