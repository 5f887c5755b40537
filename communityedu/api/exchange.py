"""The exchange over the API: a thread of any object, posting, answering, reporting, moderating."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter
from communityedu.api.types import Id, Text
from communityedu.exchange import permissions, selectors, services
from communityedu.exchange.constants import PostKind

router = ListRouter(tags=["exchange"])


class PostOut(Schema):
    id: int
    kind: str
    question_id: int | None
    author: str
    body: str
    status: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj):
        return obj.author_name


class PostIn(Schema):
    target: Text(100)
    id: Id
    kind: Literal["comment", "question"] = PostKind.QUESTION
    body: Text(2000)


class AnswerIn(Schema):
    body: Text(2000)


class ModerationIn(Schema):
    action: Literal["approve", "hide", "restore"]
    reason: Text(200) = ""


class ReportedOut(Schema):
    detail: str


class ReportIn(Schema):
    reason: Text(200) = ""


@router.get("/exchange/posts", response=list[PostOut])
def list_posts(request, target: str, id: Id):
    """The posts of one object the caller may see: published ones and the caller's own awaiting review.
    ``target`` is the object's type as ``app_label.model``, e.g. ``activities.activity``."""
    item = selectors.get_target_for(request.user, target, id)
    return list(selectors.posts_visible_to(request.user, item).order_by("created_at", "id"))


@router.post("/exchange/posts", response={201: PostOut})
def create_post(request, body: PostIn):
    """A comment or a question; residents' posts may wait for review (see ``status``)."""
    if not permissions.takes_part_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    item = selectors.get_target_for(request.user, body.target, body.id)
    return Status(201, services.create_post(author=request.user, target=item, kind=body.kind, body=body.body))


@router.post("/exchange/posts/{post_id}/answer", response={201: PostOut})
def answer_question(request, post_id: Id, body: AnswerIn):
    """A teacher's or staff member's answer to a published question."""
    if not permissions.answers_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    question = selectors.get_visible_post_for(request.user, post_id)
    return Status(201, services.answer_question(author=request.user, question=question, body=body.body))


@router.post("/exchange/posts/{post_id}/report", response={201: ReportedOut})
def report_post(request, post_id: Id, body: ReportIn):
    """Report a published post; enough reports send it back to review."""
    if not permissions.takes_part_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    post = selectors.get_visible_post_for(request.user, post_id)
    services.report_post(reporter=request.user, post=post, reason=body.reason)
    return Status(201, {"detail": "reported"})


@router.post("/exchange/posts/{post_id}/moderation", response=PostOut)
def moderate_post(request, post_id: Id, body: ModerationIn):
    """Approve a post awaiting review, hide a post (with a reason) or restore a hidden one."""
    if not permissions.moderates_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    post = selectors.get_post_for_moderation(request.user, post_id)
    if body.action == "approve":
        return services.approve_post(actor=request.user, post=post)
    if body.action == "hide":
        return services.hide_post(actor=request.user, post=post, reason=body.reason)
    return services.restore_post(actor=request.user, post=post)
