"""The external evaluation with the items it raises, and the overview of the whole plan."""

from __future__ import annotations

from datetime import date

from ninja import Status

from communityedu.api.common import ListRouter
from communityedu.api.planning.common import (
    as_of_or_today,
    check_any_reader,
    check_managed,
    managing_town,
    plan_town,
    unit_of,
)
from communityedu.api.planning.schemas import EvaluationIn, EvaluationOut, ItemIn, ItemOut, OverviewOut
from communityedu.api.types import Id
from communityedu.planning import permissions, selectors
from communityedu.planning.services import evaluations as evaluation_services
from communityedu.planning.services import rectification as rectification_services

router = ListRouter(tags=["planning"])


@router.get("/planning/evaluations", response=list[EvaluationOut])
def list_plan_evaluations(request, town: str):
    town_row = plan_town(request, town, permissions.can_read_evaluations)
    return list(selectors.evaluations_visible_to(request.user, town_row).prefetch_related("rectification_items__unit"))


@router.post("/planning/evaluations", response={201: EvaluationOut})
def create_plan_evaluation(request, body: EvaluationIn):
    town_row = managing_town(request, body.town)
    evaluation = evaluation_services.record_evaluation(town=town_row, actor=request.user, **body.dict(exclude={"town"}))
    return Status(201, evaluation)


@router.post("/planning/evaluations/{evaluation_id}/items", response={201: ItemOut})
def create_plan_evaluation_item(request, evaluation_id: Id, body: ItemIn):
    check_any_reader(request)
    evaluation = selectors.get_evaluation_for(request.user, evaluation_id)
    check_managed(request, evaluation)
    item = rectification_services.add_evaluation_item(
        evaluation=evaluation,
        unit=unit_of(evaluation.town, body.unit_id),
        description=body.description,
        due_on=body.due_on,
        actor=request.user,
    )
    return Status(201, item)


@router.get("/planning/overview", response=OverviewOut)
def get_plan_overview(request, town: str, as_of: date | None = None):
    """The whole plan as of a date, as the dossier prints it: phases with tasks, meetings with
    attendance and action items, joint meetings per year. The office and evaluators only."""
    town_row = plan_town(request, town, permissions.reads_whole_plan)
    return selectors.plan_overview(town_row, as_of_or_today(as_of))
