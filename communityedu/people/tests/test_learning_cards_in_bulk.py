"""Learning cards in bulk: the office or a village's director prints one PDF of cards for a village,
a tag or an import batch; pending accounts get new codes that activate, active accounts are left
alone, children and people without a mobile get the learning card only; large prints run as a
background job whose PDF is kept for the printer and the office; every print is audited."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from communityedu.accounts import activation
from communityedu.accounts.models import User
from communityedu.activities.models import LearningCard
from communityedu.people import resident_accounts
from communityedu.people import services as people_services
from communityedu.people.models import CardPrintJob, Person, Sex
from communityedu.people.tests.rosters import make_id
from communityedu.tests.test_no_unmasked_numbers import ID_NUMBER, PHONE
from conftest import ZHANG_ID

pytestmark = pytest.mark.django_db

CODE = re.compile(r"(?<!\d)\d{8}(?!\d)")
# 弋阳村 after the world: 张秀英 (active account), 李德福 (no phone); these add three adults with a
# mobile, one with a landline only, and a child.
ADULTS = [
    ("冉德明", Sex.MALE, date(1956, 4, 2), "13700001111", make_id(date(1956, 4, 2), 15)),
    ("冉秀英", Sex.FEMALE, date(1958, 5, 3), "13700002222", make_id(date(1958, 5, 3), 26)),
    ("冉志强", Sex.MALE, date(1980, 6, 4), "13700003333", ""),
]


def _poppler(tool: str, *args) -> str:
    """Run one of Debian's poppler-utils (``POPPLER_DIR``, default /usr/bin) and return what it printed."""
    program = str(Path(os.environ.get("POPPLER_DIR", "/usr/bin")) / tool)
    done = subprocess.run([program, *map(str, args)], check=True, capture_output=True, text=True)  # noqa: S603 - no shell
    return done.stdout


def _pages_of(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = _poppler("pdftotext", "-layout", file.name, "-")
        info = _poppler("pdfinfo", file.name)
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    assert re.search(r"^Pages: +(\d+)$", info, re.M).group(1) == str(len(pages))
    assert "(A4)" in info
    return pages


def _add(world, name, sex, born, phone="", id_number="", village=None, **values) -> Person:
    return people_services.create_person(
        town=world.xinmiao,
        values={"name": name, "sex": sex, "birth_date": born, "village": village or world.yiyang, **values},
        phone=phone,
        id_number=id_number,
    )


@pytest.fixture
def village(world):
    """弋阳村 with its five kinds of people."""
    people = SimpleNamespace(zhang=world.people["zhang"], li=world.people["li"])
    people.adults = [_add(world, name, sex, born, phone, id_number) for name, sex, born, phone, id_number in ADULTS]
    people.landline = _add(world, "冉春花", Sex.FEMALE, date(1970, 10, 8), phone="023-72345678")
    people.child = _add(
        world,
        "冉小宝",
        Sex.MALE,
        timezone.localdate() - timedelta(days=365 * 9),
        guardian_name="冉志强",
        guardian_consent_on=timezone.localdate(),
    )
    return people


def _print_on_page(client, world, choice=None):
    return client.post("/people/cards/", {"for": choice or f"village:{world.yiyang.pk}"})


def _request():
    request = RequestFactory().post("/accounts/activate/", REMOTE_ADDR="10.0.0.8")
    request.session = SessionStore()
    return request


def _code_of(page: str, name: str) -> str:
    """The code printed on ``name``'s card: the 8 digits nearest after the name on its page."""
    lines = page.splitlines()
    row = next(i for i, line in enumerate(lines) if name in line)
    column = lines[row].index(name)
    for line in lines[row : row + 12]:
        for match in CODE.finditer(line):
            if abs(match.start() - column) < 45:
                return match.group()
    raise AssertionError(f"no code on {name}'s card")


def test_a_village_director_prints_the_village_cards_as_one_pdf_whose_codes_activate(world, village, sign_in, client):
    sign_in("center")

    response = _print_on_page(client, world)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    (page,) = _pages_of(response.content)
    for person in [village.zhang, village.li, *village.adults, village.landline, village.child]:
        assert person.name in page
    assert page.count("弋阳村") == 7
    assert page.count("新妙镇社区教育 · 学习卡") == 7
    assert len(CODE.findall(page)) == 3  # the three adults with a mobile; nobody else has a code
    assert page.count("账号已开通") == 1  # 张秀英
    for adult in village.adults:
        adult.refresh_from_db()
        assert resident_accounts.account_state(adult)["state"] == "pending"
    assert LearningCard.objects.filter(person__village=world.yiyang, is_active=True).count() == 7

    phone = ADULTS[1][3]
    account = activation.activate(
        request=_request(), phone=phone, code=_code_of(page, "冉秀英"), pin="480713", pin2="480713", consent=True
    )
    assert account == Person.objects.get(name="冉秀英").account
    assert account.activated_at is not None


def test_eight_cards_fill_a_page_and_the_ninth_begins_the_next(world, village, sign_in, client):
    for number in range(2):
        _add(world, f"冉德{number}", Sex.MALE, date(1960, 1, 1 + number), phone=f"1370000444{number}")
    sign_in("office")

    first, second = _pages_of(_print_on_page(client, world).content)

    assert first.count("学习卡 · 参加活动时出示签到") == 8
    assert second.count("学习卡 · 参加活动时出示签到") == 1
    assert second.count("新妙镇社区教育 · 学习卡") == 1


def test_the_cards_carry_no_id_number_and_no_phone(world, village, sign_in, client):
    sign_in("office")

    pdf = _print_on_page(client, world).content

    text = "\n".join(_pages_of(pdf))
    assert (ID_NUMBER.findall(text), PHONE.findall(text)) == ([], [])
    for secret in [ZHANG_ID, "13800000000", "023-72345678", *(a[3] for a in ADULTS), *(a[4] for a in ADULTS if a[4])]:
        assert secret not in text
        assert secret.encode() not in pdf
    assert "****" not in text  # not even masked


def test_printing_again_renews_the_codes_and_the_earlier_cards_code_is_refused(world, village, sign_in, client):
    sign_in("center")
    (first,) = _pages_of(_print_on_page(client, world).content)
    (second,) = _pages_of(_print_on_page(client, world).content)
    old_code, new_code = _code_of(first, "冉德明"), _code_of(second, "冉德明")
    assert old_code != new_code
    counts = CardPrintJob.objects.order_by("id").last().counts
    assert (counts["new_account"], counts["new_code"], counts["active"], counts["card_only"]) == (0, 3, 1, 3)

    with pytest.raises(ValidationError) as refused:
        activation.activate(
            request=_request(), phone=ADULTS[0][3], code=old_code, pin="480713", pin2="480713", consent=True
        )
    assert "code" in refused.value.message_dict
    account = activation.activate(
        request=_request(), phone=ADULTS[0][3], code=new_code, pin="480713", pin2="480713", consent=True
    )
    assert account.activated_at is not None


def test_printing_leaves_an_active_account_as_it_was_and_its_card_says_so(world, village, sign_in, client):
    zhang = User.objects.get(pk=village.zhang.account_id)
    before = (zhang.password, zhang.session_generation, zhang.activated_at)
    sign_in("office")

    (page,) = _pages_of(_print_on_page(client, world).content)

    zhang.refresh_from_db()
    assert (zhang.password, zhang.session_generation, zhang.activated_at) == before
    assert "账号已开通" in page
    assert "用手机号和密码登录" in page
    assert client.post("/accounts/sign-out/").status_code in (200, 302)
    signed = client.post("/accounts/resident-sign-in/", {"phone": "13800000000", "pin": "202020"})
    assert signed.status_code == 302


def test_the_page_counts_each_kind_of_card_before_anything_is_printed(world, village, sign_in, client):
    sign_in("center")
    jobs_before = CardPrintJob.objects.count()

    page = client.get(f"/people/cards/?for=village:{world.yiyang.pk}").content.decode()

    assert re.search(r'id="count-total">7<', page)
    assert re.search(r'id="count-new_account">3<', page)
    assert re.search(r'id="count-new_code">0<', page)
    assert re.search(r'id="count-active">1<', page)
    assert re.search(r'id="count-card_only">3<', page)
    reasons = re.search(r'<ul class="muted" id="card-only-reasons">(.*?)</ul>', page, re.S).group(1)
    assert "14岁以下儿童: 1" in reasons
    assert "登记册中没有手机号: 2" in reasons
    assert CardPrintJob.objects.count() == jobs_before
    assert not User.objects.filter(people__in=village.adults).exists()
