"""Residents' accounts opened at the village centre, and taken up with the activation code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from communityedu.accounts.models import ActivationCode, User
from communityedu.core.models import AuditLogEntry
from communityedu.people import resident_accounts, services
from communityedu.people.models import Person, Sex
from conftest import RESIDENT_PHONE, RESIDENT_PIN

NEW_PHONE = "13912345678"
CODE = re.compile(r'class="mono activation-code">(\d{8})<')

pytestmark = pytest.mark.django_db


def _open_on_page(client, person, phone=""):
    response = client.post(f"/people/{person.pk}/account/open/", {"phone": phone})
    assert response.status_code == 200, response.content.decode()[:800]
    return response, CODE.search(response.content.decode()).group(1)


def _activate(client, *, phone, code, pin, pin2=None, consent="on"):
    data = {"phone": phone, "code": code, "pin": pin, "pin2": pin2 or pin}
    if consent:
        data["consent"] = consent
    return client.post("/accounts/activate/", data)


def test_the_village_director_opens_an_account_and_the_resident_activates_it_with_the_slip(world, sign_in, client):
    li = world.people["li"]
    sign_in("center")
    slip, code = _open_on_page(client, li, phone=NEW_PHONE)
    text = slip.content.decode()
    assert "李德福" in text
    assert "弋阳村" in text
    assert "新妙镇" in text
    assert NEW_PHONE not in text
    assert "139****5678" not in text
    assert f"/accounts/activate/?code={code}" in text
    assert slip["Cache-Control"].startswith("max-age=0") or "no-store" in slip["Cache-Control"]
    li.refresh_from_db()
    assert li.phone_masked == "139****5678"
    assert li.account.is_active
    assert li.account.activated_at is None
    assert not li.account.has_usable_password()
    assert resident_accounts.account_state(li)["state"] == "pending"
    assert ActivationCode.objects.get(user=li.account).code_hash != code

    client.post("/accounts/sign-out/")
    form = client.get(f"/accounts/activate/?code={code}").content.decode()
    assert f'value="{code}"' in form
    for name in ("phone", "code", "pin", "pin2"):
        assert f'name="{name}"' in form
    assert form.count('type="password"') == 2
    assert form.count('inputmode="numeric"') >= 3
    assert 'name="consent"' in form

    answer = _activate(client, phone=NEW_PHONE, code=code, pin="480713")
    assert answer.status_code == 303
    assert answer["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    li.account.refresh_from_db()
    assert li.account.activated_at is not None
    assert li.account.privacy_consent_version == "2026-12"
    assert resident_accounts.account_state(li)["state"] == "active"

    client.post("/accounts/sign-out/")
    again = _activate(client, phone=NEW_PHONE, code=code, pin="591824")
    assert again.status_code == 200
    assert "激活码已过期" in again.content.decode()
    signed = client.post("/accounts/resident-sign-in/", {"phone": NEW_PHONE, "pin": "480713"})
    assert signed.status_code == 302


def test_activation_refusals_stand_beside_their_fields_and_change_nothing(world, client):
    li = world.people["li"]
    services_issued = resident_accounts.open_resident_account(
        person=li, actor=world.accounts["office"], phone=NEW_PHONE
    )
    code = services_issued.code
    li.refresh_from_db()
    answers = {
        "consent": _activate(client, phone=NEW_PHONE, code=code, pin="480713", consent=""),
        "pin2": _activate(client, phone=NEW_PHONE, code=code, pin="480713", pin2="480714"),
        "pin": _activate(client, phone=NEW_PHONE, code=code, pin="123456"),
        "code": _activate(client, phone=NEW_PHONE, code="1234567", pin="480713"),
        "phone": _activate(client, phone="12345", code=code, pin="480713"),
    }
    for field, answer in answers.items():
        assert answer.status_code == 200
        assert re.search(rf'id="id_{field}_error">[^<]+<', answer.content.decode()), field
    li.account.refresh_from_db()
    assert li.account.activated_at is None
    assert not li.account.has_usable_password()
    assert ActivationCode.objects.get(user=li.account).used_at is None


def test_wrong_codes_count_toward_the_phone_lock_like_wrong_pins(world, client):
    li = world.people["li"]
    issued = resident_accounts.open_resident_account(person=li, actor=world.accounts["office"], phone=NEW_PHONE)
    li.refresh_from_db()
    wrong = f"{(int(issued.code) + 1) % 10**8:08d}"
    for _attempt in range(5):
        assert "激活码已过期" in _activate(client, phone=NEW_PHONE, code=wrong, pin="480713").content.decode()
    locked = _activate(client, phone=NEW_PHONE, code=issued.code, pin="480713")
    assert "锁定" in locked.content.decode()
    li.account.refresh_from_db()
    assert li.account.activated_at is None


def test_an_expired_code_and_a_phone_without_an_account_get_the_same_answer(world, client):
    li = world.people["li"]
    issued = resident_accounts.open_resident_account(person=li, actor=world.accounts["office"], phone=NEW_PHONE)
    li.refresh_from_db()
    ActivationCode.objects.filter(user=li.account).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = _activate(client, phone=NEW_PHONE, code=issued.code, pin="480713").content.decode()
    unknown = _activate(client, phone="13700001111", code=issued.code, pin="480713").content.decode()
    error = re.compile(r'id="id_code_error">([^<]+)<')
    assert error.search(expired).group(1) == error.search(unknown).group(1)


def test_one_phone_carries_two_accounts_whose_pins_differ_and_the_pin_picks_the_account(world, client):
    li = world.people["li"]  # 张秀英's husband, on her phone
    issued = resident_accounts.open_resident_account(person=li, actor=world.accounts["office"], phone=RESIDENT_PHONE)
    same = _activate(client, phone=RESIDENT_PHONE, code=issued.code, pin=RESIDENT_PIN)
    assert same.status_code == 200
    assert "另一个账号" in same.content.decode()
    assert _activate(client, phone=RESIDENT_PHONE, code=issued.code, pin="480713").status_code == 303
    client.post("/accounts/sign-out/")
    li.refresh_from_db()
    client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": "480713"})
    assert client.session["_auth_user_id"] == str(li.account.pk)
    client.post("/accounts/sign-out/")
    client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    assert client.session["_auth_user_id"] == str(world.accounts["resident"].pk)


def test_a_new_code_stops_the_old_code_and_the_pin_at_once(world, client, sign_in):
    sign_in("office")
    zhang = world.people["zhang"]
    reset = client.post(f"/people/{zhang.pk}/account/reset/")
    new_code = CODE.search(reset.content.decode()).group(1)
    client.post("/accounts/sign-out/")
    refused = client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    assert refused.status_code == 200
    assert _activate(client, phone=RESIDENT_PHONE, code=new_code, pin="480713").status_code == 303
    entry = AuditLogEntry.objects.filter(object_id=str(zhang.account_id), changes__has_key="activation_code").get()
    assert new_code not in str(entry.changes)


def test_children_get_no_account_and_the_page_says_why(world, client, sign_in):
    child = services.create_person(
        town=world.xinmiao,
        values={
            "name": "张小明",
            "sex": Sex.MALE,
            "birth_date": timezone.localdate().replace(year=timezone.localdate().year - 10),
            "village": world.yiyang,
            "guardian_name": "张秀英",
            "guardian_consent_on": timezone.localdate(),
        },
        phone=NEW_PHONE,
    )
    sign_in("center")
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "学习卡" in page
    assert 'id="open-account"' not in page
    refused = client.post(f"/api/v1/people/{child.pk}/resident-account", content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "person"
    assert User.objects.filter(kind="resident").count() == 1


def test_the_api_opens_reads_and_resets_an_account_within_the_callers_scope(world, client, sign_in):
    li, wang, chen = world.people["li"], world.people["wang"], world.people["chen"]
    sign_in("center")
    url = f"/api/v1/people/{li.pk}/resident-account"
    assert client.get(url).json() == {"state": "none", "activated_at": None, "code_expires_at": None}
    no_phone = client.post(url, content_type="application/json")
    assert no_phone.status_code == 400
    assert no_phone.json()["errors"][0]["field"] == "phone"
    opened = client.post(url, {"phone": NEW_PHONE}, content_type="application/json")
    assert opened.status_code == 201
    assert opened["Cache-Control"] == "no-store"
    body = opened.json()
    assert re.fullmatch(r"\d{8}", body["activation_code"])
    assert body["activation_url"].endswith(f"/accounts/activate/?code={body['activation_code']}")
    state = client.get(url).json()
    assert state["state"] == "pending"
    assert state["code_expires_at"][:10] == body["expires_at"][:10]
    assert client.post(url, content_type="application/json").status_code == 409
    reset = client.post(url + "/reset")
    assert reset.status_code == 201
    assert reset.json()["activation_code"] != body["activation_code"]
    assert ActivationCode.objects.filter(user__people=li, expires_at__gt=timezone.now()).count() == 1
    # Another village's person, another town's: not found for this director, nothing written.
    before = (User.objects.count(), ActivationCode.objects.count())
    for other in (wang, chen):
        assert (
            client.post(f"/api/v1/people/{other.pk}/resident-account", content_type="application/json").status_code
            == 404
        )
    assert (User.objects.count(), ActivationCode.objects.count()) == before
    assert Person.objects.get(pk=wang.pk).account_id is None


def test_the_centre_changes_the_phone_and_the_account_follows(world, client, sign_in):
    zhang = world.people["zhang"]
    sign_in("center")
    landline = client.put(
        f"/api/v1/people/{zhang.pk}/phone", {"phone": "023-72345678"}, content_type="application/json"
    )
    assert landline.status_code == 400
    assert landline.json()["errors"][0]["field"] == "phone"
    answer = client.post(f"/people/{zhang.pk}/phone/", {"phone": "13912345678"})
    assert answer.status_code == 302
    zhang.refresh_from_db()
    assert zhang.phone_masked == "139****5678"
    client.post("/accounts/sign-out/")
    old = client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    assert old.status_code == 200
    new = client.post("/accounts/resident-sign-in/", {"phone": "13912345678", "pin": RESIDENT_PIN})
    assert new.status_code == 302
    entries = AuditLogEntry.objects.filter(changes__phone=["138****0000", "139****5678"])
    assert entries.count() == 2  # the register's row and the account
