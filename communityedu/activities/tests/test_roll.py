"""The roll on a phone: pinyin order, pages of 50 with the count, 村民小组 and initials, ticks kept."""

from __future__ import annotations

import re
from datetime import date

import pytest

from communityedu.activities.models import AttendanceEntry, Registration
from communityedu.people.models import Person, Sex

pytestmark = pytest.mark.django_db

SURNAMES = "张王李陈刘杨赵黄周吴"


def _village_of_sixty(world):
    """Sixty more residents of 弋阳村 in two groups, named so that code-point order is not pinyin order."""
    people = [
        Person(
            town=world.xinmiao,
            village=world.yiyang,
            name=f"{SURNAMES[n % 10]}{'秀德桂志明'[n % 5]}{'英福芬强华'[n // 12]}",
            sex=Sex.FEMALE,
            birth_date=date(1950, 1, 1),
            village_group="2组" if n % 2 else "10组",
        )
        for n in range(60)
    ]
    Person.objects.bulk_create(people)


def _names(page) -> list[str]:
    return re.findall(r'<span class="roll-name">([^<]+)</span>', page.content.decode())


def _shown(page) -> str:
    return re.search(r'name="shown" value="([^"]*)"', page.content.decode()).group(1)


def _village_activity(world, client):
    from communityedu.activities import services

    return services.schedule_activity(
        actor=world.accounts["center"],
        town=world.xinmiao,
        values={
            "title": "弋阳村健康讲座",
            "kind": world.lecture.kind,
            "organiser": world.yiyang_centre,
            "village": world.yiyang,
            "venue_place": "弋阳村文化广场",
            "starts_at": world.lecture.starts_at,
            "ends_at": world.lecture.ends_at,
        },
    )


def test_the_roll_lists_the_registered_first_then_the_village_in_pinyin_order_fifty_a_page(world, sign_in):
    _village_of_sixty(world)
    client = sign_in("center")
    activity = _village_activity(world, client)
    wang = Person.objects.filter(village=world.yiyang, name__startswith="王").first()
    Registration.objects.create(town=world.xinmiao, activity=activity, person=wang)
    first = client.get(f"/activities/{activity.pk}/roster/")
    text = first.content.decode()
    in_village = Person.objects.filter(village=world.yiyang).count()
    assert in_village == 62  # the sixty, and 张秀英 and 李德福 of the shared world
    assert "第 1–50 / 62" in text
    names = _names(first)
    assert names[0] == wang.name  # registered first
    rest = names[1:]
    from communityedu.activities.roll import name_keys

    assert rest == sorted(rest, key=lambda name: name_keys(name)[0])
    assert rest[0].startswith("陈")  # chen before li before wang before zhang: pinyin, not code point
    second = client.get(f"/activities/{activity.pk}/roster/?page=2")
    assert "第 51–62 / 62" in second.content.decode()
    assert len(_names(second)) == 12


def test_the_group_filter_and_the_initials_find_the_right_people(world, sign_in):
    _village_of_sixty(world)
    client = sign_in("center")
    activity = _village_activity(world, client)
    group = client.get(f"/activities/{activity.pk}/roster/?group=10组")
    assert "/ 30" in group.content.decode()
    shown = [int(pk) for pk in _shown(group).split(",")]
    assert len(shown) == 30
    assert set(Person.objects.filter(pk__in=shown).values_list("village_group", flat=True)) == {"10组"}
    initials = client.get(f"/activities/{activity.pk}/roster/?q=ldf")
    assert _names(initials) == ["李德福"]
    by_name = client.get(f"/activities/{activity.pk}/roster/?q=秀英")
    assert set(_names(by_name)) == set(
        Person.objects.filter(village=world.yiyang, name__contains="秀英").values_list("name", flat=True)
    )


def test_ticks_are_kept_across_a_search_and_a_page_until_confirmed(world, sign_in):
    _village_of_sixty(world)
    client = sign_in("center")
    activity = _village_activity(world, client)
    url = f"/activities/{activity.pk}/roster/"
    page_one = client.get(url)
    one_ids = [int(pk) for pk in _shown(page_one).split(",")]
    # Tick two on page 1, go to page 2 (a submit of the same form), tick one there, search, confirm.
    client.post(url, {"shown": _shown(page_one), "person": one_ids[:2], "page": "2"})
    page_two = client.get(url + "?page=2")
    assert 'id="roll-chosen">2<' in page_two.content.decode()
    two_ids = [int(pk) for pk in _shown(page_two).split(",")]
    client.post(url, {"shown": _shown(page_two), "person": [two_ids[0]], "action": "find", "q": "ldf"})
    found = client.get(url + "?q=ldf")
    li = world.people["li"]
    assert 'id="roll-chosen">3<' in found.content.decode()
    done = client.post(url, {"shown": _shown(found), "person": [li.pk], "action": "confirm", "q": "ldf"})
    assert done.status_code == 302
    checked = set(AttendanceEntry.objects.filter(activity=activity).values_list("person_id", flat=True))
    assert checked == {*one_ids[:2], two_ids[0], li.pk}
    assert 'id="roll-chosen">0<' in client.get(url).content.decode()


def test_unticking_on_a_page_takes_the_name_off_the_selection(world, sign_in):
    client = sign_in("center")
    activity = _village_activity(world, client)
    url = f"/activities/{activity.pk}/roster/"
    shown = _shown(client.get(url))
    ids = [int(pk) for pk in shown.split(",")]
    client.post(url, {"shown": shown, "person": ids, "action": "find"})
    client.post(url, {"shown": shown, "person": ids[1:], "action": "confirm"})
    assert set(AttendanceEntry.objects.filter(activity=activity).values_list("person_id", flat=True)) == set(ids[1:])
