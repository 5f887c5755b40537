"""Certificates (证明): issuing, the PDF, revoking, the public check, the year's batch, who may do what."""

from __future__ import annotations

import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from communityedu.activities import services as activity_services
from communityedu.activities.constants import ActivityKind, AttendanceRole, AttendanceSource
from communityedu.activities.evidence import attach_evidence
from communityedu.activities.tests.factories import activity, at
from communityedu.incentives import services, tasks
from communityedu.incentives.models import Certificate, TeamCategory
from communityedu.metrics.points import points_statement
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Unit
from communityedu.people import services as people_services
from communityedu.people.selectors import person_for_account
from conftest import RESIDENT_PHONE, ZHANG_ID, png_bytes

YEAR = 2025
SERIAL_1 = f"新妙镇社教证〔{YEAR}〕001号"
SERIAL_2 = f"新妙镇社教证〔{YEAR}〕002号"
ID_NUMBER = re.compile(r"\d{17}[\dXx]")
MOBILE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Batch progress and locks live in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def _member(world, person, category=TeamCategory.VOLUNTEER, *, is_active=True):
    return services.save_team_member(
        actor=world.accounts["office"],
        town=world.xinmiao,
        person=person,
        values={"category": category, "specialities": "", "employer": world.civil_affairs, "is_active": is_active},
    )


def _with_evidence(world, held):
    attach_evidence(
        actor=world.accounts["office"],
        activity=held,
        kind="photo",
        upload=SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png"),
    )
    return held


def _lecture(world, person, month=3, title="防诈骗知识讲座"):
    """A held lecture-hall lecture of YEAR given by ``person``, with a photo: +1."""
    return _with_evidence(world, activity(world, title=title, lecturers=[person], starts_at=at(YEAR, month, 5, 14)))


def _joined(world, person, month=4, title="重阳节敬老志愿服务"):
    """A held team activity of YEAR that ``person`` joined, with a photo: +0.1."""
    held = _with_evidence(
        world, activity(world, title=title, kind=ActivityKind.TEAM_ACTIVITY, starts_at=at(YEAR, month, 10, 9))
    )
    activity_services.check_in(
        activity=held,
        person=person,
        source=AttendanceSource.ROSTER,
        recorded_by=world.accounts["office"],
        role=AttendanceRole.VOLUNTEER,
    )
    return held


def _zhang_with_points(world):
    """张秀英, a volunteer of 民政办: one lecture and one activity in YEAR, 1.1 points."""
    zhang = world.people["zhang"]
    _member(world, zhang)
    _lecture(world, zhang)
    _joined(world, zhang)
    return zhang


def _issue(client, person, year=YEAR):
    return client.post(f"/incentives/people/{person.pk}/certificates/", {"year": str(year)})


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _issued(world, person=None) -> Certificate:
    person = person or _zhang_with_points(world)
    return services.issue_certificate(
        actor=world.accounts["school"],
        person=person,
        year=YEAR,
        statement=points_statement(person=person, year=YEAR),
        issuing_unit=world.school,
    )


def _poppler(tool: str, *args) -> str:
    """Run one of Debian's poppler-utils (``POPPLER_DIR``, default /usr/bin) and return what it printed."""
    program = str(Path(os.environ.get("POPPLER_DIR", "/usr/bin")) / tool)
    done = subprocess.run([program, *map(str, args)], check=True, capture_output=True, text=True)  # noqa: S603 - no shell
    return done.stdout


def _pdf_text(path) -> str:
    return _poppler("pdftotext", "-layout", path, "-")


def _english(client):
    client.post("/language/", {"language": "en"})
    return client


# --- issuing -------------------------------------------------------------------------------------


def test_issuing_keeps_the_figures_and_numbers_certificates_001_then_002(world, sign_in):
    zhang = _zhang_with_points(world)
    wang = world.people["wang"]
    _member(world, wang, TeamCategory.PART_TIME_TEACHER)
    _lecture(world, wang, month=5, title="家庭教育讲座")
    client = sign_in("school")

    first = _issue(client, zhang)
    second = _issue(client, wang)

    assert first.status_code == 302
    assert first["Location"] == f"/incentives/people/{zhang.pk}/?year={YEAR}"
    certificates = list(Certificate.objects.order_by("pk"))
    assert [(c.person, c.serial) for c in certificates] == [(zhang, SERIAL_1), (wang, SERIAL_2)]
    certificate = certificates[0]
    assert (certificate.year, certificate.lectures, certificate.activities) == (YEAR, 1, 1)
    assert (certificate.earned, certificate.cap, certificate.granted) == (
        Decimal("1.1"),
        Decimal("5.00"),
        Decimal("1.1"),
    )
    assert certificate.employer_name == "民政办"
    assert certificate.issuing_unit == world.school
    assert certificate.issued_by == world.accounts["school"]
    assert [(line["date"], line["title"], line["reason"], line["points"]) for line in certificate.lines] == [
        (f"{YEAR}-03-05", "防诈骗知识讲座", "lecture", "1"),
        (f"{YEAR}-04-10", "重阳节敬老志愿服务", "activity", "0.1"),
    ]
    assert second.status_code == 302


def test_a_second_certificate_for_the_same_year_is_refused_until_the_first_is_revoked(world, sign_in):
    zhang = _zhang_with_points(world)
    client = _english(sign_in("school"))
    _issue(client, zhang)

    refused = client.get(_issue(client, zhang)["Location"])
    first = Certificate.objects.get()
    client.post(f"/incentives/certificates/{first.pk}/revoke/", {"reason": "积分有误"})
    _issue(client, zhang)

    assert _messages(refused)[-1] == f"张秀英 already holds a certificate for {YEAR}; revoke it before issuing another."
    assert [(c.serial, c.is_revoked) for c in Certificate.objects.order_by("pk")] == [
        (SERIAL_1, True),
        (SERIAL_2, False),
    ]


def test_a_person_without_points_gets_no_certificate_and_is_told_why(world, sign_in):
    li = world.people["li"]
    _member(world, li)  # a volunteer who joined nothing in YEAR
    client = sign_in("school")

    response = client.get(_issue(client, li)["Location"])

    assert Certificate.objects.count() == 0
    assert len(_messages(response)) == 1


def test_issuing_needs_the_town_community_school(world, sign_in):
    zhang = _zhang_with_points(world)
    Unit.objects.filter(pk=world.school.pk).update(unit_type=UnitType.PARTY_GOVERNMENT_ORGAN)
    client = _english(sign_in("school"))

    response = client.get(_issue(client, zhang)["Location"])

    assert Certificate.objects.count() == 0
    assert _messages(response) == ["The town has no community school in its structure to issue certificates."]


# --- the PDF -------------------------------------------------------------------------------------


def test_the_pdf_is_an_a4_chinese_certificate_with_the_font_embedded_and_ink_on_the_page(world, sign_in, tmp_path):
    certificate = _issued(world)

    response = sign_in("school").get(f"/incentives/certificates/{certificate.pk}.pdf")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "%E3%80%94" + str(YEAR) + "%E3%80%95001" in response["Content-Disposition"]  # 〔YEAR〕001
    text = _pdf_text(path)
    for expected in ("新妙镇社区学校", "证明", "张秀英", "民政办", SERIAL_1, f"{YEAR} 年度", "防诈骗知识讲座"):
        assert expected in text
    assert f"/verify/{certificate.code}" in text.replace("\n", "").replace(" ", "")
    assert "已撤销" not in text
    fonts = _poppler("pdffonts", path)
    embedded = [line.split() for line in fonts.splitlines() if "WenQuanYi" in line]
    assert embedded
    assert all(columns[-5] == "yes" for columns in embedded)  # the "emb" column
    info = _poppler("pdfinfo", path)
    assert "595.276 x 841.89 pts (A4)" in info
    _poppler("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", path, tmp_path / "page")
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    inked = sum(page.histogram()[:200])  # pixels darker than light grey
    assert inked / (page.width * page.height) > 0.01


def test_the_pdf_carries_no_id_number_or_phone(world, sign_in, tmp_path):
    certificate = _issued(world)
    zhang = world.people["zhang"]

    path = tmp_path / "certificate.pdf"
    path.write_bytes(sign_in("school").get(f"/incentives/certificates/{certificate.pk}.pdf").content)
    text = _pdf_text(path)

    assert zhang.id_number_masked  # the register holds both
    assert zhang.phone_masked
    for forbidden in (ZHANG_ID, RESIDENT_PHONE, zhang.id_number_masked, zhang.phone_masked):
        assert forbidden not in text
    assert ID_NUMBER.search(text.replace(" ", "")) is None
    assert MOBILE.search(text.replace(" ", "")) is None


def test_a_revoked_certificate_pdf_is_stamped_revoked_with_the_reason(world, sign_in, tmp_path):
    certificate = _issued(world)
    client = sign_in("school")
    client.post(f"/incentives/certificates/{certificate.pk}/revoke/", {"reason": "佐证照片有误"})

    path = tmp_path / "certificate.pdf"
    path.write_bytes(client.get(f"/incentives/certificates/{certificate.pk}.pdf").content)
    text = _pdf_text(path)

    assert "【已撤销】" in text
    assert "佐证照片有误" in text


# --- revoking ------------------------------------------------------------------------------------


def test_revoking_needs_a_reason(world, sign_in):
    certificate = _issued(world)
    client = _english(sign_in("school"))

    response = client.get(
        client.post(f"/incentives/certificates/{certificate.pk}/revoke/", {"reason": "  "})["Location"]
    )

    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoke_reason) == (None, "")
    assert _messages(response) == ["Say why the certificate is revoked."]


def test_revoking_keeps_the_date_and_reason_and_returns_to_the_statement(world, sign_in):
    certificate = _issued(world)

    response = sign_in("office").post(f"/incentives/certificates/{certificate.pk}/revoke/", {"reason": "重复出具"})

    certificate.refresh_from_db()
    assert response["Location"] == f"/incentives/people/{certificate.person_id}/?year={YEAR}"
    assert certificate.is_revoked
    assert certificate.revoke_reason == "重复出具"


# --- the public check ----------------------------------------------------------------------------


def test_the_verify_page_confirms_a_genuine_certificate_with_its_figures_without_signing_in(world, client):
    certificate = _issued(world)

    response = client.get(f"/verify/{certificate.code}")
    html = response.content.decode()

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    figures = dict(re.findall(r'<dd id="([a-z-]+)">([^<]*)</dd>', html))
    assert figures == {
        "serial": SERIAL_1,
        "issuing-unit": "新妙镇社区学校",
        "issued-on": certificate.issued_on.isoformat(),
        "name": "张秀英",
        "employer": "民政办",
        "year": str(YEAR),
        "lectures": "1",
        "activities": "1",
        "earned": "1.1",
        "granted": "1.1",
    }
    assert 'class="ok" id="verdict"' in html
    for forbidden in (ZHANG_ID, RESIDENT_PHONE, world.people["zhang"].id_number_masked):
        assert forbidden not in html


def test_a_forged_code_gets_a_friendly_page_saying_the_certificate_does_not_exist(world, client):
    _issued(world)
    _english(client)

    forged = client.get("/verify/AAAAAAAAAAAAAAAA")
    malformed = client.get("/verify/<script>")

    assert forged.status_code == 404
    assert "This certificate does not exist." in forged.content.decode()
    assert malformed.status_code == 404
    assert "This certificate does not exist." in malformed.content.decode()


def test_a_revoked_certificate_is_shown_revoked_with_its_date_and_reason(world, client):
    certificate = _issued(world)
    services.revoke_certificate(actor=world.accounts["school"], certificate=certificate, reason="佐证照片有误")
    _english(client)

    html = client.get(f"/verify/{certificate.code}").content.decode()

    assert "Revoked: this certificate no longer stands." in html
    assert f"Revoked on {certificate.revoked_on.isoformat()}." in html
    assert '<span id="revoke-reason">佐证照片有误</span>' in html
    assert 'class="ok"' not in html


# --- the batch -----------------------------------------------------------------------------------


def _batch_world(world):
    """Who gets a certificate for YEAR: 张秀英 and 王桂芬; nobody else."""
    zhang = _zhang_with_points(world)  # volunteer, 1.1 points
    wang = world.people["wang"]
    _member(world, wang, TeamCategory.PART_TIME_TEACHER)
    _lecture(world, wang, month=6, title="家庭教育讲座")  # part-time teacher, 1 point
    li = world.people["li"]
    _member(world, li)  # volunteer without points
    liu = people_services.create_person(
        town=world.xinmiao,
        values={"name": "刘老师", "sex": "M", "birth_date": at(1980, 1, 1).date(), "village": world.yiyang},
    )
    _member(world, liu, TeamCategory.FULL_TIME_TEACHER)
    _lecture(world, liu, month=7, title="法律知识讲座")  # lectures, but it is a full-time teacher's job
    zhou = people_services.create_person(
        town=world.xinmiao,
        values={"name": "周大姐", "sex": "F", "birth_date": at(1970, 1, 1).date(), "village": world.shizi},
    )
    _member(world, zhou, is_active=False)
    _joined(world, zhou, month=8, title="广场舞比赛")  # left the team
    chen = world.people["chen"]  # 南沱镇: another town
    return zhang, wang, li, liu, zhou, chen


def test_the_batch_issues_for_exactly_the_eligible_people_and_a_second_run_issues_nothing(
    world, sign_in, django_capture_on_commit_callbacks
):
    _batch_world(world)
    client = sign_in("school")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/incentives/certificates/batch/", {"year": str(YEAR)})
    first = tasks.batch_progress(town=world.xinmiao, year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/incentives/certificates/batch/", {"year": str(YEAR)})
    second = tasks.batch_progress(town=world.xinmiao, year=YEAR)

    assert response["Location"] == f"/incentives/certificates/batch/?year={YEAR}"
    assert sorted(Certificate.objects.values_list("person__name", "serial")) == sorted(
        [("张秀英", SERIAL_1), ("王桂芬", SERIAL_2)]
    )
    assert {key: first[key] for key in ("state", "total", "done", "issued", "without_points", "refused")} == {
        "state": "done",
        "total": 3,  # 张秀英, 王桂芬, 李德福: the active part-time teachers and volunteers
        "done": 3,
        "issued": 2,
        "without_points": 1,
        "refused": 0,
    }
    assert {key: second[key] for key in ("state", "total", "issued", "without_points")} == {
        "state": "done",
        "total": 1,  # only 李德福 is left without a certificate, and he has no points
        "issued": 0,
        "without_points": 1,
    }
    assert Certificate.objects.count() == 2
    assert set(Certificate.objects.values_list("issued_by__username", flat=True)) == {"school"}


def test_the_batch_page_polls_while_the_batch_runs_and_stops_when_done(world, sign_in):
    _zhang_with_points(world)
    client = sign_in("school")
    client.post("/incentives/certificates/batch/", {"year": str(YEAR)})  # enqueued on commit: not run here

    waiting = client.get(f"/incentives/certificates/batch/?year={YEAR}").content.decode()
    tasks.run_batch(town=world.xinmiao, year=YEAR, actor=world.accounts["school"])
    done = client.get(f"/incentives/certificates/batch/?year={YEAR}").content.decode()

    assert 'hx-trigger="every 2s"' in waiting
    assert f'hx-get="/incentives/certificates/batch/?year={YEAR}"' in waiting
    assert f'<a href="/incentives/certificates/batch/?year={YEAR}">' in waiting  # the refresh link, without JS
    assert "hx-trigger" not in done
    assert '<dd id="batch-issued">1</dd>' in done
    assert SERIAL_1 in done


def test_a_batch_is_not_started_twice_for_the_same_year(world, sign_in):
    _zhang_with_points(world)
    client = _english(sign_in("school"))
    client.post("/incentives/certificates/batch/", {"year": str(YEAR)})  # queued, not yet run

    response = client.get(client.post("/incentives/certificates/batch/", {"year": str(YEAR)})["Location"])

    assert _messages(response)[-1] == f"The certificates for {YEAR} are already being issued."
    assert Certificate.objects.count() == 0


def test_a_batch_whose_worker_went_silent_is_shown_stalled_and_may_be_started_again(
    world, sign_in, django_capture_on_commit_callbacks
):
    _zhang_with_points(world)
    client = _english(sign_in("school"))
    client.post("/incentives/certificates/batch/", {"year": str(YEAR)})  # queued; the job never runs
    cache.delete(f"incentives:certificate-batch-lock:{world.xinmiao.pk}:{YEAR}")  # as after 15 silent minutes

    stalled = client.get(f"/incentives/certificates/batch/?year={YEAR}").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/incentives/certificates/batch/", {"year": str(YEAR)})

    assert "Issuing stopped without finishing" in stalled
    assert "hx-trigger" not in stalled
    assert tasks.batch_progress(town=world.xinmiao, year=YEAR)["state"] == "done"
    assert list(Certificate.objects.values_list("serial", flat=True)) == [SERIAL_1]


def test_the_batch_page_lists_the_certificates_in_a_fixed_number_of_queries(world, sign_in):
    zhang, wang, *_others = _batch_world(world)
    client = sign_in("school")
    _issued(world, zhang)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/incentives/certificates/batch/?year={YEAR}")
    _issued(world, wang)
    with CaptureQueriesContext(connection) as two:
        page = client.get(f"/incentives/certificates/batch/?year={YEAR}")

    assert len(two) == len(one)
    assert [c.serial for c in page.context["certificates"]] == [SERIAL_1, SERIAL_2]


# --- who may do what -----------------------------------------------------------------------------


def test_a_teacher_opens_the_pdf_of_their_own_certificate_but_not_another_persons(world, sign_in):
    teacher = person_for_account(world.accounts["teacher"])  # 王志明, whose account the teacher's is
    _member(world, teacher, TeamCategory.PART_TIME_TEACHER)
    _lecture(world, teacher, month=5, title="家庭教育讲座")
    own = _issued(world, teacher)
    other = _issued(world)  # 张秀英's
    client = sign_in("teacher")

    assert client.get(f"/incentives/certificates/{own.pk}.pdf").status_code == 200
    assert client.get(f"/incentives/certificates/{other.pk}.pdf").status_code == 404
    assert client.post(f"/incentives/certificates/{own.pk}/revoke/", {"reason": "不要了"}).status_code == 403


def test_a_resident_opens_their_own_certificate(world, sign_in):
    certificate = _issued(world)  # 张秀英's; the resident account is hers

    assert sign_in("resident").get(f"/incentives/certificates/{certificate.pk}.pdf").status_code == 200


def test_another_towns_office_finds_no_certificate_and_changes_nothing(world, sign_in):
    certificate = _issued(world)
    client = sign_in("nantuo")

    pdf = client.get(f"/incentives/certificates/{certificate.pk}.pdf")
    revoke = client.post(f"/incentives/certificates/{certificate.pk}/revoke/", {"reason": "越权"})
    issue = _issue(client, world.people["zhang"])

    certificate.refresh_from_db()
    assert (pdf.status_code, revoke.status_code, issue.status_code) == (404, 404, 404)
    assert not certificate.is_revoked
    assert Certificate.objects.count() == 1


def test_an_evaluator_reads_certificates_but_cannot_issue_revoke_or_start_a_batch(world, sign_in):
    certificate = _issued(world)
    _member(world, world.people["wang"], TeamCategory.PART_TIME_TEACHER)
    _lecture(world, world.people["wang"], month=5, title="家庭教育讲座")
    client = sign_in("evaluator")
    client.post("/org/towns/switch/", {"town": "xinmiao"})

    pdf = client.get(f"/incentives/certificates/{certificate.pk}.pdf")
    batch_page = client.get(f"/incentives/certificates/batch/?year={YEAR}")
    issue = _issue(client, world.people["wang"])
    revoke = client.post(f"/incentives/certificates/{certificate.pk}/revoke/", {"reason": "抽查"})
    batch = client.post("/incentives/certificates/batch/", {"year": str(YEAR)})

    certificate.refresh_from_db()
    assert (pdf.status_code, batch_page.status_code) == (200, 200)
    assert (issue.status_code, revoke.status_code, batch.status_code) == (403, 403, 403)
    assert not certificate.is_revoked
    assert Certificate.objects.count() == 1
    assert tasks.batch_progress(town=world.xinmiao, year=YEAR) is None


def test_the_verify_page_says_the_figures_stand_above_its_note(world, client):
    certificate = _issued(world)

    html = client.get(f"/verify/{certificate.code}").content.decode()

    note = '<p class="muted">以上数据为出具当天的数据。请与纸质证明核对：数据与此不符的证明已被篡改。</p>'
    assert note in html
    assert html.index('<dl class="facts" id="certificate">') < html.index(note)
