"""Posts for tests, made through the services."""

from __future__ import annotations

from communityedu.exchange import services
from communityedu.exchange.constants import PostKind
from communityedu.exchange.models import Post


def question(
    world, *, author: str = "resident", body: str = "讲座几点开始？", target=None, approve: bool = True
) -> Post:
    post = services.create_post(
        author=world.accounts[author], target=target or world.lecture, kind=PostKind.QUESTION, body=body
    )
    if approve and post.status != "approved":
        post = services.approve_post(actor=world.accounts["moderator"], post=post)
    return post


def other_resident(world, *, phone: str = "13900000001", pin: str = "135790", name: str = "李德福"):
    """A second resident account of 新妙镇 (the world's own resident is 张秀英)."""
    from communityedu.accounts import services as account_services
    from communityedu.organization import services as org_services
    from communityedu.organization.constants import Role

    account = account_services.create_resident_account(phone=phone, pin=pin, display_name=name, town=world.xinmiao)
    org_services.assign_role(user=account, role=Role.RESIDENT, town=world.xinmiao)
    return account
