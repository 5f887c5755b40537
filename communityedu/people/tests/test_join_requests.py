"""Asking to join at /accounts/join/ (and POST /api/v1/join-requests), and the centre's queue."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client, RequestFactory

from communityedu.accounts import activation
from communityedu.accounts import services as account_services
from communityedu.core.models import AuditLogEntry, RateCounter
from communityedu.messaging.models import SmsRecord
from communityedu.organization import services as org_services
from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Unit
from communityedu.people import resident_accounts
from communityedu.people import services as people_services
from communityedu.people.identity import id_check_digit
from communityedu.people.models import JoinRequest, Person, Sex
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ZHOU_ID = "50010219580312002" + id_check_digit("50010219580312002")
ZHOU_PHONE = "13912345678"
CODE = re.compile(r'class="mono activation-code">(\d{8})<')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _zhou(world) -> Person:
    """周兰英 of 弋阳村 2组, in the register with her ID number and phone, without an account."""
    return people_services.create_person(
        town=world.xinmiao,
        values={"name": "周兰英", "sex": Sex.FEMALE, "birth_date": date(1958, 3, 12), "village": world.yiyang,
                "village_group": "2组"},
        id_number=ZHOU_ID,
        phone=ZHOU_PHONE,
    )  # fmt: skip


def _ask(client, world, *, name="周兰英", phone=ZHOU_PHONE, last_four=None, village=None):
    return client.post(
        "/accounts/join/",
        {
            "name": name,
            "village": (village or world.yiyang).pk,
            "phone": phone,
            "id_last_four": ZHOU_ID[-4:] if last_four is None else last_four,
        },
    )


def _ask_api(client, world, **changes):
    body = {"village_id": world.yiyang.pk, "name": "周兰英", "phone": ZHOU_PHONE, "id_last_four": ZHOU_ID[-4:]}
    return client.post("/api/v1/join-requests", body | changes, content_type="application/json")


def _director_of(world, village, username="shizi-director"):
    account = account_services.create_staff_account(
        username=username, password=PASSWORD, town=world.xinmiao, must_change_password=False
    )
    centre = Unit.objects.get(town=world.xinmiao, village=village, unit_type=UnitType.LEARNING_CENTRE)
    org_services.assign_role(user=account, role=Role.CENTRE_DIRECTOR, town=world.xinmiao, unit=centre)
    return account


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/sign-in/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


# ---- asking --------------------------------------------------------------------------------------


def test_a_person_of_the_register_and_a_stranger_get_byte_identical_answers(world):
    _zhou(world)
    found, stranger = Client(), Client()

    answers = [
        _ask(found, world),
        _ask(stranger, world, name="赵无名", phone="13700001111", last_four="4321"),
    ]

    assert [(a.status_code, a["Location"], a.content) for a in answers] == [
        (302, "/accounts/join/?sent=1", b""),
        (302, "/accounts/join/?sent=1", b""),
    ]
    pages = [client.get("/accounts/join/?sent=1") for client in (found, stranger)]
    assert pages[0].status_code == pages[1].status_code == 200
    assert CSRF.sub("", pages[0].content.decode()) == CSRF.sub("", pages[1].content.decode())
    assert "您的申请已送到村学习中心" in pages[0].content.decode()
    requests = {r.name: r for r in JoinRequest.objects.select_related("person")}
    assert requests["周兰英"].person.name == "周兰英"
    assert requests["周兰英"].id_last_four_matched
    assert requests["赵无名"].person is None
    assert not requests["赵无名"].id_last_four_matched


def test_the_api_answers_a_person_of_the_register_and_a_stranger_alike(world, client):
    _zhou(world)

    found = _ask_api(client, world)
    stranger = _ask_api(client, world, name="赵无名", phone="13700001111")

    assert (found.status_code, found.content) == (stranger.status_code, stranger.content)
    assert found.status_code == 202
    assert found.json()["detail"].startswith("谢谢")
    assert JoinRequest.objects.filter(person__isnull=False).count() == 1
    assert JoinRequest.objects.filter(person__isnull=True).count() == 1


def test_a_wrong_last_four_with_the_registers_phone_still_finds_the_person_and_says_so(world, client):
    zhou = _zhou(world)

    _ask(client, world, last_four="9999")

    request = JoinRequest.objects.get()
    assert (request.person, request.id_last_four_matched) == (zhou, False)


def test_bad_input_is_refused_beside_its_fields_and_nothing_is_kept(world, client):
    response = _ask(client, world, name="  ", phone="12345", last_four="12")

    assert response.status_code == 400
    text = response.content.decode()
    assert "请输入11位手机号码" in text
    assert "身份证号码的后四位" in text
    assert JoinRequest.objects.count() == 0
    api = _ask_api(client, world, phone="12345", id_last_four="12X4")
    assert api.status_code == 400
    assert sorted(error["field"] for error in api.json()["errors"]) == ["id_last_four", "phone"]
    unknown = _ask_api(client, world, village_id=999999)
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (400, "village_id")
    assert JoinRequest.objects.count() == 0


def test_the_page_offers_every_village_by_town_and_fits_a_phone(world, client):
    page = client.get("/accounts/join/").content.decode()

    assert '<optgroup label="新妙镇">' in page
    assert '<optgroup label="南沱镇">' in page
    assert "弋阳村" in page
    assert "关东村" in page
    assert 'name="id_last_four"' in page
    assert 'inputmode="tel"' in page
    sign_in_page = client.get("/accounts/resident-sign-in/").content.decode()
    assert '<a href="/accounts/join/" id="ask-to-join">没有学习卡？在网上申请开通账号</a>' in sign_in_page
    one_town = client.get("/accounts/join/?town=nantuo").content.decode()
    assert "关东村" in one_town
    assert "弋阳村" not in one_town


def test_asking_again_with_the_same_phone_and_name_adds_to_the_count(world, client):
    _zhou(world)

    _ask(client, world)
    _ask(client, world, name="周 兰英")
    _ask(client, world, name="罗大伯")  # a husband on his wife's phone makes his own request
    _ask(client, world, name="罗二伯")
    _ask(client, world, name="罗三伯")  # beyond three waiting requests a phone adds nothing

    assert sorted(JoinRequest.objects.values_list("name", "times_asked")) == [
        ("周兰英", 2),
        ("罗二伯", 1),
        ("罗大伯", 1),
    ]


def test_asking_is_throttled_per_address_like_signing_in(world, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join-request": (2, 3600)}

    _ask(client, world)
    _ask_api(client, world)
    page = _ask(client, world, name="赵无名")
    api = _ask_api(client, world, name="赵无名")

    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0
    assert api.status_code == 429
    assert int(api["Retry-After"]) > 0
    assert set(api.json()) == {"detail", "errors"}
    assert not JoinRequest.objects.filter(name="赵无名").exists()
    assert RateCounter.objects.filter(key__startswith="join-request|address:").count() == 1


def test_asking_is_audited_with_the_phone_masked(world, client):
    _zhou(world)

    _ask(client, world)

    entry = AuditLogEntry.objects.get(object_type="people.JoinRequest")
    assert entry.changes["phone"] == [None, "139****5678"]
    assert ZHOU_PHONE not in str(entry.changes)


# ---- the queue ----------------------------------------------------------------------------------


def test_the_directors_queue_shows_name_masked_phone_and_village_group(world, client):
    _zhou(world)
    _ask(client, world)
    _ask(client, world, name="赵无名", phone="13700001111", last_four="4321")

    director = _signed_in("center")
    page = director.get("/people/join-requests/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "周兰英" in text
    assert "139****5678" in text
    assert "2组" in text
    assert "赵无名" in text
    assert "137****1111" in text
    assert "不在名册中" in text
    assert ZHOU_PHONE not in text
    assert "13700001111" not in text
    assert ZHOU_ID[-4:] not in text
    home = director.get("/").content.decode()
    assert 'id="join-requests-link"' in home
    assert '<span class="badge pending">2</span>' in home


def test_the_api_lists_the_queue_masked_within_the_callers_scope(world, client, sign_in):
    _zhou(world)
    _ask_api(client, world)

    listed = sign_in("center").get("/api/v1/join-requests?town=xinmiao")

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    item = listed.json()["items"][0]
    assert (item["name"], item["phone"], item["village"], item["village_group"]) == (
        "周兰英",
        "139****5678",
        "弋阳村",
        "2组",
    )
    assert (item["in_register"], item["id_last_four_matched"], item["phone_matches_register"]) == (True, True, True)
    assert ZHOU_PHONE not in listed.content.decode()
    other_village = sign_in("center").get(f"/api/v1/join-requests?town=xinmiao&village={world.shizi.pk}")
    assert other_village.json()["count"] == 0


# ---- confirming --------------------------------------------------------------------------------


def test_the_director_confirms_and_the_code_on_the_slip_activates_the_account(world, client):
    zhou = _zhou(world)
    _ask(client, world)
    request = JoinRequest.objects.get()
    director = _signed_in("center")

    detail = director.get(f"/people/join-requests/{request.pk}/").content.decode()
    assert "身份证号码后四位相符" in detail
    assert "与名册中的手机号一致" in detail
    slip = director.post(f"/people/join-requests/{request.pk}/confirm/", {})

    assert slip.status_code == 200
    assert "no-store" in slip["Cache-Control"] or "max-age=0" in slip["Cache-Control"]
    text = slip.content.decode()
    code = CODE.search(text).group(1)
    assert "周兰英" in text
    assert "弋阳村" in text
    assert f"/accounts/activate/?code={code}" in text
    assert 'src="data:image/svg+xml' in text
    assert ZHOU_PHONE not in text
    assert "139****5678" not in text
    assert ZHOU_ID not in text
    zhou.refresh_from_db()
    assert resident_accounts.account_state(zhou)["state"] == "pending"
    request.refresh_from_db()
    assert (request.status, request.decided_by.username) == ("confirmed", "center")
    account = activation.activate(
        request=RequestFactory().post("/accounts/activate/"),
        phone=ZHOU_PHONE,
        code=code,
        pin="480713",
        pin2="480713",
        consent=True,
    )
    assert account == zhou.account
    assert account.activated_at is not None
    assert resident_accounts.account_state(Person.objects.get(pk=zhou.pk))["state"] == "active"
    again = director.post(f"/people/join-requests/{request.pk}/confirm/", {})
    assert again.status_code == 302  # decided already: back to the request, nothing issued
    assert AuditLogEntry.objects.filter(object_type="people.JoinRequest", actor_label="center").count() == 1


def test_confirming_a_pending_account_issues_a_new_code_and_the_old_one_stops(world, client):
    zhou = _zhou(world)
    old = resident_accounts.open_resident_account(person=zhou, actor=world.accounts["office"])
    _ask(client, world)
    request = JoinRequest.objects.get()

    confirmed = _signed_in("office").post(
        f"/api/v1/join-requests/{request.pk}/confirm", content_type="application/json"
    )

    assert confirmed.status_code == 201
    body = confirmed.json()
    assert set(body) == {"activation_code", "expires_at", "activation_url", "sms_status"}
    assert body["activation_code"] != old.code
    assert body["activation_url"].endswith(f"?code={body['activation_code']}")
    assert confirmed["Cache-Control"] == "no-store"
    factory = RequestFactory()
    with pytest.raises(activation.ValidationError):
        activation.activate(
            request=factory.post("/"), phone=ZHOU_PHONE, code=old.code, pin="480713", pin2="480713", consent=True
        )
    assert activation.activate(
        request=factory.post("/"), phone=ZHOU_PHONE, code=body["activation_code"], pin="480713", pin2="480713",
        consent=True,
    ) == Person.objects.get(pk=zhou.pk).account  # fmt: skip


def test_a_request_for_someone_with_an_active_account_is_refused_with_409_and_stays(world, client, sign_in):
    _ask(client, world, name="张秀英", phone="13800000000", last_four="0026")
    request = JoinRequest.objects.get()

    refused = sign_in("center").post(f"/api/v1/join-requests/{request.pk}/confirm", content_type="application/json")

    assert refused.status_code == 409
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_request_not_in_the_register_is_confirmed_once_the_person_is_added_and_chosen(world, client):
    _ask(client, world, name="周兰英", phone="13700001111", last_four="4321")
    request = JoinRequest.objects.get()
    director = _signed_in("center")

    refused = director.post(f"/people/join-requests/{request.pk}/confirm/", {})
    assert refused.status_code == 400
    assert "不在名册中" in refused.content.decode()
    assert JoinRequest.objects.get().status == "pending"

    zhou = people_services.create_person(
        town=world.xinmiao,
        values={"name": "周兰英", "sex": Sex.FEMALE, "birth_date": date(1958, 3, 12), "village": world.yiyang},
    )
    detail = director.get(f"/people/join-requests/{request.pk}/").content.decode()
    assert f'<option value="{zhou.pk}">' in detail
    slip = director.post(f"/people/join-requests/{request.pk}/confirm/", {"person": zhou.pk})

    assert slip.status_code == 200
    assert CODE.search(slip.content.decode())
    zhou.refresh_from_db()
    assert zhou.phone_masked == "137****1111"  # the number asked with, confirmed, is now the register's
    assert JoinRequest.objects.get().person == zhou


# ---- declining ---------------------------------------------------------------------------------


def test_declining_needs_a_reason_which_is_kept_and_audited(world, client, sign_in):
    _ask(client, world, name="赵无名", phone="13700001111", last_four="4321")
    request = JoinRequest.objects.get()
    director = _signed_in("center")

    without = director.post(f"/people/join-requests/{request.pk}/decline/", {"reason": "  "})
    assert without.status_code == 400
    api_without = sign_in("office").post(
        f"/api/v1/join-requests/{request.pk}/decline", {"reason": ""}, content_type="application/json"
    )
    assert (api_without.status_code, [e["field"] for e in api_without.json()["errors"]]) == (400, ["reason"])
    assert JoinRequest.objects.get().status == "pending"

    declined = director.post(f"/people/join-requests/{request.pk}/decline/", {"reason": "不是本村村民"})

    assert declined.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decline_reason, request.decided_by.username) == (
        "declined",
        "不是本村村民",
        "center",
    )
    entry = AuditLogEntry.objects.filter(object_type="people.JoinRequest", actor_label="center").get()
    assert entry.changes == {"status": ["pending", "declined"], "decline_reason": ["", "不是本村村民"]}
    later = client.post(
        f"/api/v1/join-requests/{request.pk}/decline", {"reason": "重复"}, content_type="application/json"
    )
    assert later.status_code == 409


# ---- scope -------------------------------------------------------------------------------------


def test_the_director_of_another_village_is_refused_and_nothing_changes(world, client):
    zhou = _zhou(world)
    _ask(client, world)
    request = JoinRequest.objects.get()
    _director_of(world, world.shizi)
    other = _signed_in("shizi-director")

    assert other.get(f"/people/join-requests/{request.pk}/").status_code == 404
    assert other.post(f"/people/join-requests/{request.pk}/confirm/", {}).status_code == 404
    assert other.post(f"/people/join-requests/{request.pk}/decline/", {"reason": "x"}).status_code == 404
    assert other.post(f"/api/v1/join-requests/{request.pk}/confirm", content_type="application/json").status_code == 404
    assert (
        other.post(
            f"/api/v1/join-requests/{request.pk}/decline", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert other.get("/api/v1/join-requests?town=xinmiao").json()["count"] == 0
    assert "周兰英" not in other.get("/people/join-requests/").content.decode()
    request.refresh_from_db()
    zhou.refresh_from_db()
    assert (request.status, request.decided_by, zhou.account) == ("pending", None, None)


def test_staff_who_review_no_requests_are_refused(world, client, sign_in):
    assert sign_in("school").get("/people/join-requests/").status_code == 403
    assert client.get("/api/v1/join-requests?town=xinmiao").status_code == 403
    nantuo = _signed_in("nantuo")
    assert nantuo.get("/api/v1/join-requests?town=xinmiao").status_code == 404


# ---- SMS -----------------------------------------------------------------------------------------


def test_where_sms_is_configured_the_code_may_also_go_by_sms_to_the_accounts_phone(world, client, settings, tmp_path):
    settings.SMS_FILE_COUNTS_AS_SENT = True
    settings.SMS_FILE_DIR = tmp_path / "sms"
    _zhou(world)
    _ask(client, world)
    request = JoinRequest.objects.get()
    director = _signed_in("center")

    assert 'name="send_sms"' in director.get(f"/people/join-requests/{request.pk}/").content.decode()
    slip = director.post(f"/people/join-requests/{request.pk}/confirm/", {"send_sms": "on"})

    assert slip.status_code == 200
    assert "激活码也已用短信发送" in slip.content.decode()
    record = SmsRecord.objects.get()
    assert (record.template, record.phone_masked, record.status) == ("activation_code", "139****5678", "sent")
    code = CODE.search(slip.content.decode()).group(1)
    assert code in (tmp_path / "sms").joinpath(next(p.name for p in (tmp_path / "sms").iterdir())).read_text()


def test_without_sms_configured_no_sms_is_offered_and_asking_for_one_is_refused(world, client, sign_in, settings):
    settings.SMS_FILE_COUNTS_AS_SENT = False  # the file backend then reaches no phone
    _zhou(world)
    _ask(client, world)
    request = JoinRequest.objects.get()

    office = sign_in("office")
    assert 'name="send_sms"' not in office.get(f"/people/join-requests/{request.pk}/").content.decode()
    refused = office.post(
        f"/api/v1/join-requests/{request.pk}/confirm", {"send_sms": True}, content_type="application/json"
    )

    assert (refused.status_code, [e["field"] for e in refused.json()["errors"]]) == (400, ["send_sms"])
    assert JoinRequest.objects.get().status == "pending"
    assert SmsRecord.objects.count() == 0
