"""A lost learning card is replaced from the person's page: by the town office or the director of
the person's village; the old card stops working at once and the new card is in the audit log."""

from communityedu.activities.models import LearningCard
from communityedu.activities.services import issue_learning_card, person_for_card
from communityedu.core.models import AuditAction, AuditLogEntry


def test_the_office_reissues_a_lost_card_and_the_old_card_no_longer_finds_the_person(world, sign_in):
    li = world.people["li"]
    lost = issue_learning_card(person=li, actor=None)
    client = sign_in("office")

    response = client.post(f"/people/{li.pk}/learning-card/reissue/", follow=True)

    assert response.redirect_chain == [(f"/people/{li.pk}/", 302)]
    assert "已为李德福补办学习卡，旧卡已经失效。" in response.content.decode()
    new = LearningCard.objects.get(person=li, is_active=True)
    assert new.token != lost.token
    assert person_for_card(token=lost.token, town_id=world.xinmiao.pk) is None
    assert person_for_card(token=new.token, town_id=world.xinmiao.pk) == li
    entry = AuditLogEntry.objects.get(object_type="activities.LearningCard", object_id=str(new.pk))
    assert (entry.action, entry.actor, entry.changes) == (
        AuditAction.CREATE,
        world.accounts["office"],
        {"person": [None, li.pk]},
    )


def test_the_village_director_sees_the_reissue_button_and_the_school_neither_sees_nor_uses_it(world, sign_in):
    li = world.people["li"]
    card = issue_learning_card(person=li, actor=None)

    assert "补办学习卡" in sign_in("center").get(f"/people/{li.pk}/").content.decode()
    school = sign_in("school")
    assert "补办学习卡" not in school.get(f"/people/{li.pk}/").content.decode()
    assert school.post(f"/people/{li.pk}/learning-card/reissue/").status_code == 403
    assert list(LearningCard.objects.filter(person=li).values_list("token", "is_active")) == [(card.token, True)]


def test_reissuing_a_card_is_a_post_only(world, sign_in):
    li = world.people["li"]

    assert sign_in("office").get(f"/people/{li.pk}/learning-card/reissue/").status_code == 405
    assert not LearningCard.objects.filter(person=li).exists()
