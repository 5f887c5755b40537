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
from communityedu.activities import card_pdf, cards
from communityedu.activities.models import LearningCard
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.organization import services as org_services
from communityedu.organization.constants import Role, UnitType
from communityedu.people import resident_accounts
from communityedu.people import services as people_services
from communityedu.people.models import CardPrintJob, Person, Sex, Tag
from communityedu.people.tests.rosters import make_id
from communityedu.tests.test_no_unmasked_numbers import ID_NUMBER, PHONE
from conftest import PASSWORD, ZHANG_ID

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


def test_eight_cards_fill_a_page_and_the_ninth_begins_the_next(world, village, sign_in, client, monkeypatch):
    monkeypatch.setattr(card_pdf, "PAGES_PER_CHUNK", 1)  # each page drawn on its own, then joined
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


# ---- large prints: the background job -------------------------------------------------------------


def test_more_than_200_cards_are_printed_in_the_background_and_at_most_200_at_once():
    def plan_of(size: int) -> cards.CardPlan:
        return cards.CardPlan(selection=None, people=[None] * size, kinds={})

    assert cards.INLINE_CARDS == 200
    assert not plan_of(200).runs_in_background
    assert plan_of(201).runs_in_background


@pytest.fixture
def small_inline_limit(monkeypatch):
    """Three cards at most at once: the village's seven go to the background job, as 201 would."""
    monkeypatch.setattr(cards, "INLINE_CARDS", 3)


def test_a_background_print_shows_its_progress_then_keeps_its_pdf_for_the_printer_and_the_office(
    world, village, small_inline_limit, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in("center")

    with django_capture_on_commit_callbacks(execute=True):  # the job runs inline, as the import tests do
        response = _print_on_page(client, world)

    job = CardPrintJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/people/cards/{job.pk}/"
    assert (job.status, job.total, job.prepared, job.drawn) == ("done", 7, 7, 7)
    assert job.progress_percent == 100
    assert job.expires_at == job.finished_at + timedelta(hours=72)
    assert bytes(job.pdf_encrypted)[:5] != b"%PDF-"  # kept encrypted
    status = client.get(f"/people/cards/{job.pk}/").content.decode()
    assert 'id="download-cards"' in status
    assert re.search(r'id="job-total">7<', status)

    download = client.get(f"/people/cards/{job.pk}/cards.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    (page,) = _pages_of(download.content)
    assert len(CODE.findall(page)) == 3
    assert page.count("账号已开通") == 1

    for role, expected in (("office", 200), ("school", 403), ("nantuo", 404)):
        client.post("/accounts/sign-out/")
        sign_in(role)
        assert client.get(f"/people/cards/{job.pk}/cards.pdf").status_code == expected, role


def test_a_kept_pdf_is_cleared_once_its_time_is_up(
    world, village, small_inline_limit, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in("center")
    with django_capture_on_commit_callbacks(execute=True):
        _print_on_page(client, world)
    job = CardPrintJob.objects.get()
    CardPrintJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(f"/people/cards/{job.pk}/cards.pdf")

    assert response.status_code == 302
    assert response["Location"] == f"/people/cards/{job.pk}/"
    assert bytes(CardPrintJob.objects.get(pk=job.pk).pdf_encrypted) == b""
    assert "PDF已不再保存" in client.get(response["Location"]).content.decode()


def test_the_same_cards_are_not_printed_twice_at_once(world, village, small_inline_limit, sign_in, client):
    sign_in("center")
    _print_on_page(client, world)  # queued: its job waits for the transaction to commit

    again = _print_on_page(client, world)

    assert again.status_code == 400
    assert "这些学习卡正在打印" in again.content.decode()
    assert CardPrintJob.objects.count() == 1


def test_a_print_that_waited_past_a_later_print_of_the_same_cards_never_runs(
    world, village, small_inline_limit, sign_in, client, django_capture_on_commit_callbacks
):
    from communityedu.activities.tasks import print_cards_task

    sign_in("center")
    _print_on_page(client, world)  # queued, and its worker is slow to come
    waiting = CardPrintJob.objects.get()
    long_ago = timezone.now() - timedelta(minutes=10)
    CardPrintJob.objects.filter(pk=waiting.pk).update(heartbeat_at=long_ago, updated_at=long_ago)
    assert CardPrintJob.objects.get(pk=waiting.pk).state == "interrupted"
    with django_capture_on_commit_callbacks(execute=True):
        _print_on_page(client, world)  # printed again: allowed, the first looks dead
    later = CardPrintJob.objects.exclude(pk=waiting.pk).get()
    (page,) = _pages_of(client.get(f"/people/cards/{later.pk}/cards.pdf").content)

    print_cards_task.enqueue(job_id=waiting.pk, actor_id=world.accounts["center"].pk)  # the worker comes

    waiting.refresh_from_db()
    assert waiting.status == "failed"
    assert waiting.error == "这次打印开始之前，这些学习卡已经重新打印过了。"
    account = activation.activate(
        request=_request(), phone=ADULTS[0][3], code=_code_of(page, "冉德明"), pin="480713", pin2="480713", consent=True
    )
    assert account.activated_at is not None


# ---- the audit log --------------------------------------------------------------------------------


def test_every_print_is_audited_with_who_how_many_and_which_people_but_never_a_code(world, village, sign_in, client):
    started = AuditLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    sign_in("center")

    (page,) = _pages_of(_print_on_page(client, world).content)

    job = CardPrintJob.objects.get()
    printed = AuditLogEntry.objects.get(object_type="people.CardPrintJob", action=AuditAction.EXPORT)
    assert printed.actor_id == world.accounts["center"].pk
    assert printed.object_id == str(job.pk)
    assert printed.changes["learning_cards"] == [None, 7]
    assert printed.changes["printed_for"] == [None, "village: 弋阳村"]
    expected_ids = sorted(p.pk for p in [village.zhang, village.li, *village.adults, village.landline, village.child])
    assert sorted(printed.changes["people"][1]) == expected_ids
    done = AuditLogEntry.objects.get(object_type="people.CardPrintJob", action=AuditAction.UPDATE)
    assert (done.changes["new_account"], done.changes["active"], done.changes["card_only"]) == (
        [None, 3],
        [None, 1],
        [None, 3],
    )
    written = str(list(AuditLogEntry.objects.filter(id__gt=started).values_list("changes", "object_label")))
    codes = CODE.findall(page)
    assert len(codes) == 3
    for code in codes:
        assert code not in written


# ---- who may print for whom -----------------------------------------------------------------------


def _shizi_director(world) -> User:
    from communityedu.accounts import services as account_services
    from communityedu.organization.models import Unit

    account = account_services.create_staff_account(
        username="shizi", password=PASSWORD, town=world.xinmiao, must_change_password=False
    )
    centre = Unit.objects.get(town=world.xinmiao, village=world.shizi, unit_type=UnitType.LEARNING_CENTRE)
    org_services.assign_role(user=account, role=Role.CENTRE_DIRECTOR, town=world.xinmiao, unit=centre)
    return account


def test_the_director_of_another_village_can_neither_count_nor_print_its_cards(world, village, client):
    _shizi_director(world)
    client.post("/accounts/sign-in/", {"username": "shizi", "password": PASSWORD})
    accounts_before = User.objects.count()

    page = client.get(f"/people/cards/?for=village:{world.yiyang.pk}")
    printed = _print_on_page(client, world)
    api = client.post(
        "/api/v1/learning-cards", {"town": "xinmiao", "village": world.yiyang.pk}, content_type="application/json"
    )

    assert (page.status_code, printed.status_code, api.status_code) == (404, 404, 404)
    assert api.json() == {"detail": "未找到。", "errors": []}
    assert User.objects.count() == accounts_before
    assert not CardPrintJob.objects.exists()
    assert client.get("/people/cards/").status_code == 200  # their own village is offered
    assert f"village:{world.shizi.pk}" in client.get("/people/cards/").content.decode()
    assert f"village:{world.yiyang.pk}" not in client.get("/people/cards/").content.decode()


def test_staff_who_keep_no_village_cannot_print_cards(world, village, sign_in, client):
    sign_in("school")

    assert client.get("/people/cards/").status_code == 403
    refused = client.post(
        "/api/v1/learning-cards", {"town": "xinmiao", "village": world.yiyang.pk}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert set(refused.json()) >= {"detail", "errors"}


# ---- tags and import batches ----------------------------------------------------------------------

TAGGED_ROSTER = (
    "姓名,性别,出生日期,村,手机号码,标签\n"
    "周大明,男,1950-01-01,弋阳村,13711110000,老年人\n"
    "周秀兰,女,1952-02-02,弋阳村,13711112222,老年人\n"
    "周小林,男,1990-03-03,弋阳村,13711113333,\n"
)


def _imported(world, actor_name="office"):
    actor = world.accounts[actor_name]
    batch = people_services.upload_roster(
        actor=actor, town=world.xinmiao, file_name="周家.csv", content=TAGGED_ROSTER.encode()
    )
    return people_services.confirm_import(actor=actor, batch=batch, skip_invalid=False)


def test_the_cards_of_an_import_batch_are_the_people_of_its_rows(world, village, sign_in, client):
    batch = _imported(world)
    sign_in("office")

    (page,) = _pages_of(_print_on_page(client, world, f"import_batch:{batch.pk}").content)

    assert [name for name in ("周大明", "周秀兰", "周小林", "冉德明", "张秀英") if name in page] == [
        "周大明",
        "周秀兰",
        "周小林",
    ]
    assert len(CODE.findall(page)) == 3


def test_the_cards_of_a_tag_are_its_residents(world, village, sign_in, client):
    _imported(world)
    elderly = Tag.objects.get(town=world.xinmiao, name="老年人")
    sign_in("office")

    plan = client.get(f"/api/v1/learning-cards/plan?town=xinmiao&tag={elderly.pk}")
    (page,) = _pages_of(_print_on_page(client, world, f"tag:{elderly.pk}").content)

    assert plan.json() == {
        "printed_for": "老年人",
        "total": 2,
        "runs_in_background": False,
        "counts": {
            "new_account": 2,
            "new_code": 0,
            "active": 0,
            "card_only": 0,
            "card_only_reasons": {"child": 0, "no_birth_date": 0, "no_mobile": 0, "disabled": 0, "staff": 0},
        },
    }
    assert "周大明" in page
    assert "周秀兰" in page
    assert "周小林" not in page


# ---- the API --------------------------------------------------------------------------------------


def test_the_api_answers_a_small_print_with_the_pdf(world, village, sign_in, client):
    sign_in("office")

    response = client.post(
        "/api/v1/learning-cards", {"town": "xinmiao", "village": world.yiyang.pk}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    (page,) = _pages_of(response.content)
    assert len(CODE.findall(page)) == 3


def test_the_api_answers_a_large_print_with_its_job_then_the_pdf(
    world, village, small_inline_limit, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in("center")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/api/v1/learning-cards", {"town": "xinmiao", "village": world.yiyang.pk}, content_type="application/json"
        )
    job = CardPrintJob.objects.get()

    assert started.status_code == 202
    assert started.json()["id"] == job.pk
    assert started.json()["status"] == "queued"  # as answered, before the job ran
    state = client.get(f"/api/v1/learning-cards/jobs/{job.pk}?town=xinmiao").json()
    assert {key: state[key] for key in ("status", "total", "prepared", "drawn", "pdf_available")} == {
        "status": "done",
        "total": 7,
        "prepared": 7,
        "drawn": 7,
        "pdf_available": True,
    }
    assert state["counts"]["new_account"] == 3
    pdf = client.get(f"/api/v1/learning-cards/jobs/{job.pk}/pdf?town=xinmiao")
    assert pdf.status_code == 200
    assert len(CODE.findall(_pages_of(pdf.content)[0])) == 3

    CardPrintJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    gone = client.get(f"/api/v1/learning-cards/jobs/{job.pk}/pdf?town=xinmiao")
    assert gone.status_code == 410
    assert gone.json() == {"detail": "The PDF is no longer kept: print the cards again", "errors": []}


def test_the_api_says_a_queued_print_has_no_pdf_yet(world, village, small_inline_limit, sign_in, client):
    sign_in("office")
    client.post(
        "/api/v1/learning-cards", {"town": "xinmiao", "village": world.yiyang.pk}, content_type="application/json"
    )
    job = CardPrintJob.objects.get()

    response = client.get(f"/api/v1/learning-cards/jobs/{job.pk}/pdf?town=xinmiao")

    assert response.status_code == 409
    assert response.json()["detail"] == "The PDF is not ready: this print has not finished"


@pytest.mark.parametrize(
    "body",
    [
        {"town": "xinmiao"},
        {"town": "xinmiao", "village": 1, "tag": 1},
    ],
)
def test_the_api_asks_for_exactly_one_village_tag_or_import_batch(world, village, sign_in, client, body):
    sign_in("office")

    response = client.post("/api/v1/learning-cards", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "village: 请只选择一个村（社区）、一个标签或一个导入批次来打印学习卡。",
        "errors": [{"field": "village", "message": "请只选择一个村（社区）、一个标签或一个导入批次来打印学习卡。"}],
    }
    assert not CardPrintJob.objects.exists()


def test_the_register_leads_to_the_cards_of_the_village_it_shows(world, village, sign_in, client):
    sign_in("center")

    register = client.get(f"/people/?village={world.yiyang.pk}").content.decode()
    choice = client.get(f"/people/cards/?for=village:{world.yiyang.pk}").content.decode()

    assert f'id="print-cards-link" href="/people/cards/?for=village:{world.yiyang.pk}"' in register
    assert f'<option value="village:{world.yiyang.pk}" selected>弋阳村</option>' in choice
    client.post("/accounts/sign-out/")
    sign_in("school")
    assert 'id="print-cards-link"' not in client.get("/people/").content.decode()
