"""Rectification items: the lists, notes, evidence and closing."""

from __future__ import annotations

from datetime import date

from ninja import File, Status, UploadedFile
from ninja.errors import HttpError

from communityedu.api.common import ListRouter
from communityedu.api.planning.common import as_of_or_today, check_any_reader, check_updatable, plan_town
from communityedu.api.planning.schemas import CloseIn, ItemOut, NoteIn, PlanFileOut
from communityedu.api.types import Id
from communityedu.planning import selectors
from communityedu.planning.services import files as file_services
from communityedu.planning.services import rectification as rectification_services

router = ListRouter(tags=["planning"])


@router.get("/planning/rectification", response=list[ItemOut])
def list_rectification_items(request, town: str, state: str | None = None, as_of: date | None = None):
    """Rectification items the caller may see; ``state`` is ``overdue``, ``open`` (not yet due)
    or ``closed``, as of ``as_of`` (today by default)."""
    town_row = plan_town(request, town)
    lists = selectors.rectification_lists(selectors.items_visible_to(request.user, town_row), as_of_or_today(as_of))
    if state is None:
        return [*lists["overdue"], *lists["open"], *lists["closed"]]
    if state not in lists:
        raise HttpError(400, "state: choose overdue, open or closed")
    return lists[state]


@router.post("/planning/rectification/{item_id}/notes", response={201: ItemOut})
def add_rectification_note(request, item_id: Id, body: NoteIn):
    check_any_reader(request)
    item = selectors.get_item_for(request.user, item_id)
    check_updatable(request, item)
    rectification_services.add_rectification_note(item=item, text=body.text, actor=request.user)
    return Status(201, selectors.get_item_for(request.user, item_id))


@router.post("/planning/rectification/{item_id}/evidence", response={201: PlanFileOut})
def upload_rectification_evidence(request, item_id: Id, file: UploadedFile = File(...)):
    check_any_reader(request)
    item = selectors.get_item_for(request.user, item_id)
    check_updatable(request, item)
    return Status(201, file_services.attach_rectification_file(actor=request.user, item=item, upload=file))


@router.post("/planning/rectification/{item_id}/close", response=ItemOut)
def close_rectification_item(request, item_id: Id, body: CloseIn):
    check_any_reader(request)
    item = selectors.get_item_for(request.user, item_id)
    check_updatable(request, item)
    item = rectification_services.close_rectification_item(
        item=item, closing_note=body.closing_note, closed_on=body.closed_on, actor=request.user
    )
    return Status(200, item)
