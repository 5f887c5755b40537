"""Notices: commendations and criticisms drafted, approved and published."""

from __future__ import annotations

from django.db.models import F
from ninja import Status

from communityedu.api.common import ListRouter
from communityedu.api.planning.common import check_any_reader, check_managed, managing_town, plan_town, unit_of
from communityedu.api.planning.schemas import NoticeDateIn, NoticeIn, NoticeOut
from communityedu.api.types import Id
from communityedu.planning import selectors
from communityedu.planning.services import notices as notice_services

router = ListRouter(tags=["planning"])


@router.get("/planning/notices", response=list[NoticeOut])
def list_plan_notices(request, town: str):
    """Drafts too for the office; published notices naming their units for the units."""
    town_row = plan_town(request, town)
    notices = selectors.notices_visible_to(request.user, town_row).prefetch_related("subjects__unit")
    return list(notices.order_by(F("effective_on").desc(nulls_last=True), "-created_at", "-id"))


@router.post("/planning/notices", response={201: NoticeOut})
def draft_plan_notice(request, body: NoticeIn):
    town_row = managing_town(request, body.town)
    notice = notice_services.draft_notice(
        town=town_row,
        kind=body.kind,
        title=body.title,
        body=body.body,
        subjects=[(unit_of(town_row, subject.unit_id), subject.person_name) for subject in body.subjects],
        rectify_by=body.rectify_by,
        effective_on=body.effective_on,
        actor=request.user,
    )
    return Status(201, notice)


def _notice_action(request, notice_id: int, action):
    check_any_reader(request)
    notice = selectors.get_notice_for(request.user, notice_id)
    check_managed(request, notice)
    return Status(200, action(notice=notice, actor=request.user))


@router.post("/planning/notices/{notice_id}/approve", response=NoticeOut)
def approve_plan_notice(request, notice_id: Id):
    """Approve a draft; refused (400) for the account that drafted it."""
    return _notice_action(request, notice_id, notice_services.approve_notice)


@router.post("/planning/notices/{notice_id}/publish", response=NoticeOut)
def publish_plan_notice(request, notice_id: Id):
    """Publish an approved notice; a criticism raises a rectification item per unit."""
    return _notice_action(request, notice_id, notice_services.publish_notice)


@router.put("/planning/notices/{notice_id}/effective-on", response=NoticeOut)
def put_plan_notice_effective_on(request, notice_id: Id, body: NoticeDateIn):
    """Give a notice the date it takes effect (one typed before the date was asked, or
    mistyped); not in the future. The office only."""
    check_any_reader(request)
    notice = selectors.get_notice_for(request.user, notice_id)
    check_managed(request, notice)
    notice_services.set_notice_effective_on(notice=notice, effective_on=body.effective_on, actor=request.user)
    return Status(200, selectors.get_notice_for(request.user, notice_id))
