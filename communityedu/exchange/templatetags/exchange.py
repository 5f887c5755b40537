"""``{% thread obj %}``: the exchange of any object, as the viewer may see it, with its forms."""

from django import template

from communityedu.exchange import permissions, selectors
from communityedu.exchange.constants import ReviewPolicy
from communityedu.exchange.forms import PostForm

register = template.Library()


@register.inclusion_tag("exchange/_thread.html", takes_context=True)
def thread(context, target):
    request = context["request"]
    user = request.user
    signed_in = user.is_authenticated
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "target_label": selectors.label_of(target),
        "items": selectors.thread_for(user, target),
        "can_take_part": signed_in and permissions.can_take_part(user, target.town_id),
        "can_answer": signed_in and permissions.can_answer(user, target),
        "can_moderate": signed_in and permissions.can_moderate(user, target.town_id),
        "form": PostForm(auto_id=f"thread-{target.pk}-%s"),
        "next": request.get_full_path(),
        "reviews_first": selectors.policy_for(target.town).review_policy == ReviewPolicy.REVIEW_FIRST,
    }
