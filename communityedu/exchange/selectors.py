"""Reads of the exchange: a thread as one viewer sees it, the moderation queue, the policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from communityedu.exchange import permissions
from communityedu.exchange.constants import PostKind, PostStatus
from communityedu.exchange.models import ModerationPolicy, Post

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

DEFAULT_TARGETS = ("activities.activity",)


def target_labels() -> tuple[str, ...]:
    """The models posts may attach to (``app_label.model``); settings extend it as apps arrive."""
    return tuple(label.lower() for label in getattr(settings, "EXCHANGE_TARGET_MODELS", DEFAULT_TARGETS))


def label_of(obj) -> str:
    return obj._meta.label_lower


def get_target_for(user: User, label: str, object_id) -> object:
    """The object ``label`` / ``object_id`` names, if posts may attach to it and ``user`` may read its town."""
    label = (label or "").lower()
    if label not in target_labels():
        raise Http404
    try:
        model = apps.get_model(label)
        pk = int(object_id)
    except (LookupError, ValueError, TypeError) as error:
        raise Http404 from error
    target = model.objects.filter(pk=pk).first()
    if target is None or not permissions.can_read(user, target.town_id):
        raise Http404
    return target


def policy_for(town: Town) -> ModerationPolicy:
    """The town's saved policy, or the defaults (unsaved) when it has none yet."""
    return ModerationPolicy.objects.filter(town=town).first() or ModerationPolicy(town=town)


def _posts_of(target) -> QuerySet[Post]:
    return Post.objects.filter(
        town_id=target.town_id, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    )


def posts_visible_to(user: User, target) -> QuerySet[Post]:
    """Published posts of ``target``, and the viewer's own posts still awaiting review."""
    posts = _posts_of(target)
    if user.is_authenticated:
        return posts.filter(Q(status=PostStatus.APPROVED) | Q(status=PostStatus.PENDING, author=user))
    return posts.filter(status=PostStatus.APPROVED)


@dataclass
class ThreadItem:
    post: Post
    answers: list[Post] = field(default_factory=list)


def thread_for(user: User, target) -> list[ThreadItem]:
    """Questions and comments in order, each question with its visible answers beneath it."""
    posts = list(posts_visible_to(user, target).order_by("created_at", "id"))
    items = {post.pk: ThreadItem(post) for post in posts if post.kind != PostKind.ANSWER}
    for post in posts:
        if post.kind == PostKind.ANSWER and post.question_id in items:
            items[post.question_id].answers.append(post)
    return list(items.values())


def posts_moderated_by(user: User) -> QuerySet[Post]:
    return Post.objects.filter(town_id__in=permissions.moderated_town_ids(user))


def get_post_for_moderation(user: User, pk: int) -> Post:
    return get_object_or_404(posts_moderated_by(user), pk=pk)


def get_visible_post_for(user: User, pk: int) -> Post:
    """A post the account may see in a thread: published (or its own awaiting review), in a town it reads."""
    post = get_object_or_404(
        Post.objects.filter(Q(status=PostStatus.APPROVED) | Q(status=PostStatus.PENDING, author=user)), pk=pk
    )
    if not permissions.can_read(user, post.town_id):
        raise Http404
    return post


QUEUE_VIEWS = ("pending", "reported", "hidden")


def moderation_queue(user: User, town: Town, show: str) -> QuerySet[Post]:
    posts = posts_moderated_by(user).filter(town=town).select_related("content_type", "question")
    if show == "reported":
        return posts.filter(report_count__gt=0).exclude(status=PostStatus.HIDDEN).order_by("-report_count", "id")
    if show == "hidden":
        return posts.filter(status=PostStatus.HIDDEN).order_by("-moderated_at", "-id")
    return posts.filter(status=PostStatus.PENDING).order_by("created_at", "id")


def queue_counts(user: User, town: Town) -> dict[str, int]:
    return {show: moderation_queue(user, town, show).count() for show in QUEUE_VIEWS}
