"""The exchange over the API: a thread of any object, posting, answering, reporting, moderating."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from communityedu.exchange import permissions, selectors, services
from communityedu.exchange.constants import PostKind

router = Router(tags=["exchange"])


class ErrorOut(Schema):
    detail: str


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
    target: str
    id: int
    kind: Literal["comment", "question"] = PostKind.QUESTION
    body: str


class AnswerIn(Schema):
    body: str


class ModerationIn(Schema):
    action: Literal["approve", "hide", "restore"]
    reason: str = ""


class ReportIn(Schema):
    reason: str = ""


def _refused(error: ValidationError):
    return Status(400, {"detail": " ".join(error.messages)})


@router.get("/exchange/posts", response=list[PostOut])
def list_posts(request, target: str, id: int):
    """The posts of one object the caller may see: published ones and the caller's own awaiting review.
    ``target`` is the object's type as ``app_label.model``, e.g. ``activities.activity``."""
    item = selectors.get_target_for(request.user, target, id)
    return list(selectors.posts_visible_to(request.user, item).order_by("created_at", "id"))


@router.post("/exchange/posts", response={201: PostOut, 400: ErrorOut})
def create_post(request, body: PostIn):
    """A comment or a question; residents' posts may wait for review (see ``status``)."""
    if not permissions.takes_part_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    item = selectors.get_target_for(request.user, body.target, body.id)
    try:
        return Status(201, services.create_post(author=request.user, target=item, kind=body.kind, body=body.body))
    except PermissionDenied as error:
        raise HttpError(403, "Not allowed") from error
    except ValidationError as error:
        return _refused(error)


@router.post("/exchange/posts/{post_id}/answer", response={201: PostOut, 400: ErrorOut})
def answer_question(request, post_id: int, body: AnswerIn):
    """A teacher's or staff member's answer to a published question."""
    if not permissions.answers_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    question = selectors.get_visible_post_for(request.user, post_id)
    try:
        return Status(201, services.answer_question(author=request.user, question=question, body=body.body))
    except PermissionDenied as error:
        raise HttpError(403, "Not allowed") from error
    except ValidationError as error:
        return _refused(error)


@router.post("/exchange/posts/{post_id}/report", response={201: ErrorOut, 400: ErrorOut})
def report_post(request, post_id: int, body: ReportIn):
    """Report a published post; enough reports send it back to review."""
    if not permissions.takes_part_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    post = selectors.get_visible_post_for(request.user, post_id)
    try:
        services.report_post(reporter=request.user, post=post, reason=body.reason)
    except PermissionDenied as error:
        raise HttpError(403, "Not allowed") from error
    except ValidationError as error:
        return _refused(error)
    return Status(201, {"detail": "reported"})


@router.post("/exchange/posts/{post_id}/moderation", response={200: PostOut, 400: ErrorOut})
def moderate_post(request, post_id: int, body: ModerationIn):
    """Approve a post awaiting review, hide a post (with a reason) or restore a hidden one."""
    if not permissions.moderates_anywhere(request.user):
        raise HttpError(403, "Not allowed")
    post = selectors.get_post_for_moderation(request.user, post_id)
    try:
        if body.action == "approve":
            return services.approve_post(actor=request.user, post=post)
        if body.action == "hide":
            return services.hide_post(actor=request.user, post=post, reason=body.reason)
        return services.restore_post(actor=request.user, post=post)
    except ValidationError as error:
        return _refused(error)
