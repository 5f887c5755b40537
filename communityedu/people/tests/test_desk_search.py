"""At the desk a staff member finds a person by the whole phone or ID number, not only by name: an
exact match through the keyed hash, on the register page and over the API, within the caller's
scope; each such search is audited without the number; a part of a number finds nobody."""

import json

from communityedu.core import crypto
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.people.leaving import leave_register
from conftest import RESIDENT_PHONE, ZHANG_ID

WANG_PHONE = "13900000001"


def _names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def _audit_text() -> str:
    return json.dumps(list(AuditLogEntry.objects.values()), default=str, ensure_ascii=False)


def test_the_whole_phone_as_typed_finds_exactly_that_person_and_the_search_is_audited_without_the_number(
    world, sign_in
):
    zhang = world.people["zhang"]

    page = sign_in("office").get("/people/", {"q": "138 0000 0000"}).content.decode()

    assert f'href="/people/{zhang.pk}/"' in page
    for other in ("李德福", "王桂芬", "王志明"):
        assert other not in page
    entry = AuditLogEntry.objects.get(action=AuditAction.SEARCH)
    assert (entry.actor, entry.town, entry.object_label) == (world.accounts["office"], world.xinmiao, "people by phone")
    assert entry.changes == {"by": "phone", "found": [zhang.pk]}
    text = _audit_text()
    assert RESIDENT_PHONE not in text
    assert crypto.lookup_hash(RESIDENT_PHONE) not in text


def test_the_whole_id_number_finds_exactly_that_person_over_the_api(world, sign_in):
    zhang = world.people["zhang"]

    response = sign_in("school").get("/api/v1/people", {"town": "xinmiao", "q": ZHANG_ID.lower()})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(item["id"], item["id_number"], item["phone"]) for item in body["items"]] == [
        (zhang.pk, "500102********0026", "138****0000")
    ]
    entry = AuditLogEntry.objects.get(action=AuditAction.SEARCH)
    assert (entry.actor, entry.changes) == (world.accounts["school"], {"by": "id_number", "found": [zhang.pk]})
    text = _audit_text()
    assert ZHANG_ID not in text
    assert crypto.lookup_hash(ZHANG_ID) not in text


def test_a_part_of_a_number_finds_nobody_says_why_and_is_not_a_search_by_number(world, sign_in):
    client = sign_in("office")

    page = client.get("/people/", {"q": "13800000"}).content.decode()
    api = client.get("/api/v1/people", {"town": "xinmiao", "q": "0026"}).json()

    assert "张秀英" not in page
    assert 'id="partial-number"' in page
    assert "请输入完整的手机号（11位）或身份证号（18位）" in page
    assert api == {"items": [], "count": 0}
    assert not AuditLogEntry.objects.filter(action=AuditAction.SEARCH).exists()


def test_a_name_still_finds_by_part_of_the_name_and_is_not_audited(world, sign_in):
    response = sign_in("office").get("/api/v1/people", {"town": "xinmiao", "q": "王"})

    assert sorted(_names(response)) == sorted(["王桂芬", "王志明"])
    assert not AuditLogEntry.objects.filter(action=AuditAction.SEARCH).exists()


def test_a_village_director_finds_by_number_only_in_their_own_village(world, sign_in):
    wang = world.people["wang"]  # 十字村; the centre directs 弋阳村
    wang.set_phone(WANG_PHONE)
    wang.save()
    client = sign_in("center")

    other_village = client.get("/api/v1/people", {"town": "xinmiao", "q": WANG_PHONE}).json()
    own_village = client.get("/api/v1/people", {"town": "xinmiao", "q": RESIDENT_PHONE}).json()

    assert other_village == {"items": [], "count": 0}
    assert [item["name"] for item in own_village["items"]] == ["张秀英"]
    found = list(
        AuditLogEntry.objects.filter(action=AuditAction.SEARCH).order_by("id").values_list("changes", flat=True)
    )
    assert found == [{"by": "phone", "found": []}, {"by": "phone", "found": [world.people["zhang"].pk]}]


def test_a_person_who_left_is_found_by_number_and_shown_as_left(world, sign_in):
    zhang = world.people["zhang"]
    leave_register(person=zhang, actor=None, on=zhang.created_at.date(), reason="moved")
    client = sign_in("office")

    page = client.get("/people/", {"q": RESIDENT_PHONE}).content.decode()
    by_name = client.get("/people/", {"q": "张秀英"}).content.decode()

    assert f'href="/people/{zhang.pk}/">张秀英</a> <span class="badge">已离开</span>' in page
    assert f'href="/people/{zhang.pk}/"' not in by_name  # a name looks among the people in the register


def test_the_api_refuses_an_unknown_status_naming_it(world, sign_in):
    response = sign_in("office").get("/api/v1/people", {"town": "xinmiao", "status": "gone"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"
