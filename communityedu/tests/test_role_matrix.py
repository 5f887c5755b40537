"""Every URL and every API operation, against every role: the declared access matrix.

A new URL pattern or API operation without a row here fails the suite. For each role the test
makes the request and checks the answer; when a role is refused, it also checks that nothing in
the database changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from communityedu.activities.evidence import attach_evidence
from communityedu.api.api import api
from communityedu.exchange.services import save_policy
from communityedu.exchange.tests.factories import question
from communityedu.news.tests.factories import news_item
from communityedu.organization.models import Role, RoleAssignment
from communityedu.people.services import upload_roster
from communityedu.planning.tests.factories import matrix_plan
from conftest import PASSWORD, RESIDENT_PHONE, RESIDENT_PIN, World, png_bytes

ROLES = (
    "anonymous",
    "office",
    "school",
    "center",
    "dept",
    "teacher",
    "volunteer",
    "moderator",
    "auditor",
    "evaluator",
    "admin",
    "resident",
    "nantuo",
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
XINMIAO_STAFF = frozenset({"office", "school", "center", "dept", "teacher", "volunteer", "moderator"})
STRUCTURE_READERS = XINMIAO_STAFF | {"evaluator", "admin", "nantuo"}
XINMIAO_STRUCTURE_READERS = XINMIAO_STAFF | {"evaluator", "admin"}
XINMIAO_TOWN_READERS = XINMIAO_STAFF | {"resident", "evaluator", "admin"}
OFFICES = frozenset({"office", "nantuo"})
REGISTER_READERS = frozenset({"office", "school", "center", "evaluator", "nantuo"})
SCHEDULERS = frozenset({"office", "school", "center", "dept", "nantuo"})
LECTURE_MANAGERS = frozenset({"office", "school"})
# Pages of a resident's own: visitors are sent to sign in (allowed with a redirect), staff refused.
RESIDENT_PAGES = frozenset({"resident", "teacher", "anonymous"})  # the teacher is a resident too
# Each town's office and school build its surveys and enter paper sheets; staff and evaluators read results.
SURVEY_MANAGERS = frozenset({"office", "school"})
INCENTIVE_READERS = frozenset({"office", "school", "evaluator", "nantuo"})
# Each town's office and school keep their own register (nantuo's office its own town's).
INCENTIVE_MANAGERS = frozenset({"office", "school", "nantuo"})
# The exchange: residents and the town's staff post and report; teachers, the office and the school
# answer (unit staff only on their own unit's objects); moderators and the office moderate.
EXCHANGE_PARTICIPANTS = XINMIAO_STAFF | {"resident"}
EXCHANGE_ANSWERERS = frozenset({"office", "school", "teacher"})
EXCHANGE_MODERATORS = frozenset({"office", "moderator"})
# News: the office and the school write for any unit of their town, unit staff for their own unit.
NEWS_WRITERS = frozenset({"office", "school", "center", "dept", "nantuo"})
# Residents' pages show the town the account works in: the administrator's and evaluator's first is 南沱镇.
XINMIAO_PUBLIC = EVERYONE - {"nantuo", "admin", "evaluator"}
# Funding: each town's office keeps its ledgers; evaluators read them.
FUNDING_READERS = frozenset({"office", "evaluator", "nantuo"})
FUNDING_MANAGERS = OFFICES
# A unit's own people read their unit's side of the ledgers (the 弋阳村 centre, 民政办).
UNIT_FUNDING_READERS = FUNDING_READERS | {"center", "dept"}
# Assessment: each town's office reads its town, evaluators the district (their page town is 南沱镇:
# the dossier is the evaluator's); the 弋阳村 centre's director reads its own centre, and with the
# 民政办 staff the own unit's assessment. The auditor reviews the audit log only.
ASSESSMENT_READERS = frozenset({"office", "nantuo", "evaluator"})
CONDITION_READERS = ASSESSMENT_READERS | {"center"}
UNIT_ASSESSMENT_READERS = CONDITION_READERS | {"dept"}
# Staff accounts: an administrator manages every one, a town office its own town's; an office or an
# administrator opens them (the administrator in the town it works in, 南沱镇).
ACCOUNT_MANAGERS = frozenset({"office", "admin"})
ACCOUNT_OPENERS = frozenset({"office", "nantuo", "admin"})
ADMINISTRATOR = frozenset({"admin"})


def _volunteer_role_id(world: World) -> int:
    """The volunteer's role, read once: the first permitted caller withdraws it."""
    if not hasattr(world, "volunteer_role_id"):
        world.volunteer_role_id = RoleAssignment.objects.get(user=world.accounts["volunteer"]).pk
    return world.volunteer_role_id


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: Callable[[World], str]
    allowed: frozenset[str]
    data: Callable[[World], dict] | None = None
    content_type: str | None = None
    # What a permitted caller may get; a refusal with a reason (400) counts where the world's data
    # makes the request impossible, e.g. a certificate for someone without points.
    ok_statuses: tuple[int, ...] = (200, 201, 302)


def _roster_upload(world: World) -> dict:
    return {"roster": SimpleUploadedFile("名单.csv", "姓名,性别,出生日期,村\n周大明,男,1960-01-01,弋阳村\n".encode())}


def _api_roster_upload(world: World) -> dict:
    return {"file": SimpleUploadedFile("名单.csv", "姓名,性别,出生日期,村\n周大明,男,1960-01-01,弋阳村\n".encode())}


def _activity_form(world: World) -> dict:
    return {
        "title": "太极拳培训",
        "kind": "training",
        "organiser": world.school.pk,
        "venue_place": "弋阳村文化广场",
        "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-05T11:00",
    }


def _unit_form(world: World) -> dict:
    return {"name": "新单位", "unit_type": "party_government_organ", "aliases": "", "duties": ""}


def _news_form(world: World) -> dict:
    return {
        "kind": "notice",
        "title": "太极拳培训报名通知",
        "body": "每周六上午在弋阳村文化广场。",
        "unit": world.school.pk,
        "publish_on": "2026-11-20",
    }


def _certificate_code(world: World) -> str:
    """The code of a certificate of 张秀英's for 2020, issued on first use (the public page needs a real one)."""
    from datetime import date
    from decimal import Decimal

    from communityedu.incentives.models import Certificate
    from communityedu.incentives.services import issue_certificate
    from communityedu.metrics.points import PointLine, PointsStatement

    existing = Certificate.objects.filter(town=world.xinmiao).first()
    if existing:
        return existing.code
    line = PointLine(date(2020, 5, 20), "防诈骗知识讲座", "大讲堂", "lecture", Decimal("1"), has_evidence=True)
    statement = PointsStatement(2020, earns_points=True, employer="民政办", assessment_total=Decimal(100), lines=[line])
    person = world.people["zhang"]
    return issue_certificate(actor=None, person=person, year=2020, statement=statement, issuing_unit=world.school).code


def _join_form(world: World) -> dict:
    return {"name": "罗大伯", "village": world.yiyang.pk, "phone": "13700002222", "id_last_four": "123X"}


def _join_body(world: World) -> dict:
    return {"village_id": world.yiyang.pk, "name": "罗大伯", "phone": "13700002222", "id_last_four": "123X"}


def _matrix_join_request(world: World):
    """李德福 asks to join (the register has neither his phone nor his ID number: not matched)."""
    from communityedu.people.join_requests import ask_to_join
    from communityedu.people.models import JoinRequest

    ask_to_join(village=world.yiyang, name="李德福", phone="13700003333", id_last_four="0417")
    return JoinRequest.objects.get(name="李德福")


def _cards_for_yiyang(world: World) -> dict:
    return {"for": f"village:{world.yiyang.pk}"}


def _card_job_pk(world) -> int:
    """The matrix's print of 弋阳村's cards by its director (0 where the world has none: the demo's scan)."""
    job = getattr(world, "card_job", None)
    return job.pk if job is not None else 0


def _matrix_card_job(world: World):
    """A background print by the 弋阳村 director of the cards of the batch they imported (applied
    first), queued: its job never runs in the test."""
    from communityedu.activities import cards
    from communityedu.people.services import confirm_import

    director = world.accounts["center"]
    confirm_import(actor=director, batch=world.center_batch, skip_invalid=False)
    selection = cards.select_people(user=director, town=world.xinmiao, import_batch_id=world.center_batch.pk)
    return cards.print_cards(actor=director, town=world.xinmiao, selection=selection, in_background=True).job


def _indicator_sheet() -> SimpleUploadedFile:
    return SimpleUploadedFile("指标.csv", "编码,名称,分值,评分方式\n1,台账,10,人工\n".encode())


def _matrix_assessment(world: World) -> None:
    """The default indicator tree of 新妙镇 (a manual leaf to score) and a file of its 弋阳村 centre."""
    from communityedu.assessment import services as assessment_services
    from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
    from communityedu.assessment.tests.dossier_factories import finished_export

    system = assessment_services.load_indicator_system(
        actor=None, town=world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )
    world.manual_indicator = system.indicators.get(code="1.1")
    world.assessment_file = assessment_services.attach_condition_evidence(
        actor=None, unit=world.yiyang_centre, year=2020, item="venue",
        upload=SimpleUploadedFile("场地.png", png_bytes()),
    )  # fmt: skip
    world.dossier_export = finished_export(world.xinmiao)


def _learning_resource(world):
    """A published video of 新妙镇 kept by its community school (made by the matrix fixtures)."""
    from communityedu.learning.tests.factories import resource

    return resource(world, title="太极拳入门教学", kind="video", captions="baduanjin.vtt")


def _learning_form(world: World) -> dict:
    from communityedu.learning.models import Category

    return {
        "kind": "video",
        "title": "太极拳入门教学（第二版）",
        "category": Category.objects.get(town=world.xinmiao, name="健康养生").pk,
        "owner_unit": world.school.pk,
        "tags": "太极拳,健身",
    }


def _learning_api_resource(world: World) -> dict:
    from communityedu.learning.models import Category

    return {
        "town": "xinmiao",
        "kind": "article",
        "title": "冬季老年人防跌倒",
        "category_id": Category.objects.get(town=world.xinmiao, name="健康养生").pk,
        "owner_unit_id": world.school.pk,
        "body": "起床先坐一会儿再站起来。",
    }


def _matrix_surveys(world: World) -> None:
    """An open standard survey (answers, paper sheets, results) and a draft one (the builder)."""
    from communityedu.surveys.tests.factories import standard_survey

    world.survey = standard_survey(world, year=2026, title="2026年社区教育调查")
    world.draft_survey = standard_survey(world, year=2026, title="2026年活动需求调查", opened=False)
    _draft_question(world)


def _survey_pk(world) -> int:
    # Other suites walk these rows with worlds of their own that hold no survey (0: not found).
    survey = getattr(world, "survey", None)
    return survey.pk if survey else 0


def _draft_question(world: World):
    """The draft survey's choice question; made again if a permitted role removed it."""
    from communityedu.surveys import services as survey_services

    question = world.draft_survey.questions.filter(kind="single_choice").first()
    return question or survey_services.add_question(
        actor=None,
        survey=world.draft_survey,
        text="您想参加哪些活动？",
        kind="single_choice",
        choices=["讲座", "培训", "文艺"],
    )


def _online_answers(world: World) -> dict:
    return {f"q{q.pk}": "1" if q.kind == "yes_no" else "5" for q in world.survey.questions.all()}


def _online_answers_json(world: World) -> dict:
    return {str(q.pk): "1" if q.kind == "yes_no" else "5" for q in world.survey.questions.all()}


def _paper_grid(world: World) -> dict:
    data = {"rows": "1", "sheet-1": "0001", "village-1": "弋阳村"}
    data.update({f"{name}-1": value for name, value in _online_answers(world).items()})
    return data


def _paper_upload(world: World) -> dict:
    import io

    import xlsxwriter

    questions = list(world.survey.questions.all())
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["答卷编号", "村（社区）"] + [f"{n}. {q.text}" for n, q in enumerate(questions, start=1)])
    sheet.write_row(1, 0, ["0002", "弋阳村"] + ["1" if q.kind == "yes_no" else "5" for q in questions])
    workbook.close()
    return {"workbook": SimpleUploadedFile("纸质问卷.xlsx", buffer.getvalue())}


PAGES: dict[str, list[Endpoint]] = {
    "home": [Endpoint("GET", lambda w: "/", EVERYONE)],
    "healthz": [Endpoint("GET", lambda w: "/healthz", EVERYONE)],
    "set-language": [Endpoint("POST", lambda w: "/language/", EVERYONE, lambda w: {"language": "en"})],
    "accounts:sign-in": [Endpoint("GET", lambda w: "/accounts/sign-in/", EVERYONE)],
    "accounts:resident-sign-in": [Endpoint("GET", lambda w: "/accounts/resident-sign-in/", EVERYONE)],
    # 忘记密码: open to anyone; an unregistered number gets the same answer (and no SMS).
    "accounts:forgot-pin": [
        Endpoint("GET", lambda w: "/accounts/forgot-pin/", EVERYONE),
        Endpoint("POST", lambda w: "/accounts/forgot-pin/", EVERYONE, lambda w: {"phone": "13700001111"}),
    ],
    "accounts:forgot-pin-code": [Endpoint("GET", lambda w: "/accounts/forgot-pin/code/", EVERYONE)],
    # Taking up an account opened at the centre: anyone with a code (a wrong one answers the form again).
    "accounts:activate": [
        Endpoint("GET", lambda w: "/accounts/activate/?code=12345678", EVERYONE),
        Endpoint(
            "POST",
            lambda w: "/accounts/activate/",
            EVERYONE,
            lambda w: {"phone": "13912345678", "code": "12345678", "pin": "480713", "pin2": "480713", "consent": "on"},
        ),
    ],
    "accounts:sign-out": [Endpoint("POST", lambda w: "/accounts/sign-out/", EVERYONE, lambda w: {})],
    "accounts:two-factor-code": [Endpoint("GET", lambda w: "/accounts/sign-in/code/", EVERYONE)],
    "accounts:sign-out-everywhere": [
        Endpoint("POST", lambda w: "/accounts/sign-out-everywhere/", SIGNED_IN, lambda w: {})
    ],
    "accounts:security": [Endpoint("GET", lambda w: "/accounts/security/", SIGNED_IN)],
    # The SMS reminders of tomorrow's activities: a resident account's own choice (the teacher's is staff).
    "accounts:sms-reminders": [
        Endpoint(
            "POST",
            lambda w: "/accounts/security/sms-reminders/",
            frozenset({"resident"}),
            lambda w: {"sms_reminders": "on"},
        )
    ],
    "accounts:password": [Endpoint("GET", lambda w: "/accounts/password/", SIGNED_IN)],
    "accounts:two-factor": [Endpoint("GET", lambda w: "/accounts/two-factor/", SIGNED_IN - {"resident"})],
    # Asking for an account: anyone; the answer never tells whether the register knows the person.
    "accounts:join": [
        Endpoint("GET", lambda w: "/accounts/join/", EVERYONE),
        Endpoint("POST", lambda w: "/accounts/join/", EVERYONE, _join_form),
    ],
    "portal:home": [Endpoint("GET", lambda w: "/portal/", EVERYONE)],
    "portal:activities": [Endpoint("GET", lambda w: "/portal/activities/", EVERYONE)],
    "portal:activity": [Endpoint("GET", lambda w: f"/portal/activities/{w.upcoming.pk}/", XINMIAO_PUBLIC)],
    "portal:register": [
        Endpoint("POST", lambda w: f"/portal/activities/{w.upcoming.pk}/register/", RESIDENT_PAGES, lambda w: {})
    ],
    "portal:reading": [Endpoint("POST", lambda w: "/portal/reading/", EVERYONE, lambda w: {"mode": "elder"})],
    "portal:card": [Endpoint("GET", lambda w: "/portal/card/", RESIDENT_PAGES)],
    # The resident's own record (PIPL's right of access): anyone with their own person record; closing
    # the account is a resident account's own (the teacher's account is staff: the office closes it).
    "portal:record": [Endpoint("GET", lambda w: "/portal/record/", RESIDENT_PAGES)],
    "portal:record-download": [Endpoint("GET", lambda w: "/portal/record/my-record.xlsx", RESIDENT_PAGES)],
    "portal:close-account": [
        Endpoint(
            "POST",
            lambda w: "/portal/record/close/",
            frozenset({"resident", "anonymous"}),
            lambda w: {"pin": RESIDENT_PIN},
        )
    ],
    "portal:card-code": [Endpoint("GET", lambda w: "/portal/card/code.svg", RESIDENT_PAGES)],
    "check-in": [
        Endpoint("GET", lambda w: f"/checkin/{w.lecture.check_in_token}/", SIGNED_IN | {"anonymous"}),
        Endpoint("POST", lambda w: f"/checkin/{w.lecture.check_in_token}/", SIGNED_IN, lambda w: {}),
    ],
    "organization:structure": [Endpoint("GET", lambda w: "/org/", STRUCTURE_READERS)],
    "organization:unit-create": [
        Endpoint("GET", lambda w: "/org/units/new/", OFFICES),
        Endpoint("POST", lambda w: "/org/units/new/", OFFICES, _unit_form),
    ],
    "organization:unit-detail": [
        Endpoint("GET", lambda w: f"/org/units/{w.civil_affairs.pk}/", XINMIAO_STRUCTURE_READERS)
    ],
    "organization:unit-edit": [
        Endpoint("GET", lambda w: f"/org/units/{w.civil_affairs.pk}/edit/", frozenset({"office"})),
        Endpoint("POST", lambda w: f"/org/units/{w.civil_affairs.pk}/edit/", frozenset({"office"}), _unit_form),
    ],
    "organization:position-holder-create": [
        Endpoint(
            "POST",
            lambda w: f"/org/units/{w.civil_affairs.pk}/holders/",
            frozenset({"office"}),
            lambda w: {"position": w.plan.position.pk, "person_name": "王建国", "starts_on": "2020-01-01"},
        )
    ],
    "organization:village-list": [Endpoint("GET", lambda w: "/org/villages/", STRUCTURE_READERS)],
    "organization:village-detail": [
        Endpoint("GET", lambda w: f"/org/villages/{w.yiyang.pk}/", XINMIAO_STRUCTURE_READERS),
        Endpoint(
            "POST",
            lambda w: f"/org/villages/{w.yiyang.pk}/",
            frozenset({"office"}),
            lambda w: {"population-year": "2021", "population-resident_population": "1800"},
        ),
    ],
    "organization:town-list": [Endpoint("GET", lambda w: "/org/towns/", frozenset({"evaluator", "admin"}))],
    "organization:town-switch": [
        Endpoint("POST", lambda w: "/org/towns/switch/", XINMIAO_TOWN_READERS, lambda w: {"town": "xinmiao"})
    ],
    "people:person-list": [
        Endpoint("GET", lambda w: "/people/", frozenset({"office", "school", "center", "evaluator", "nantuo"}))
    ],
    "people:person-detail": [
        Endpoint(
            "GET", lambda w: f"/people/{w.people['zhang'].pk}/", frozenset({"office", "school", "center", "evaluator"})
        )
    ],
    "people:person-unmask": [
        Endpoint(
            "POST",
            lambda w: f"/people/{w.people['zhang'].pk}/unmask/",
            frozenset({"office", "center"}),
            lambda w: {"reason": "核对低保申请"},
        )
    ],
    # A person leaving the register (their account stops): the town office or the director of their
    # village; the second permitted caller finds them gone already (400, beside the date).
    "people:person-leave": [
        Endpoint(
            "POST",
            lambda w: f"/people/{w.people['zhang'].pk}/leave/",
            frozenset({"office", "center"}),
            lambda w: {"on": "2026-11-30", "reason": "moved"},
            ok_statuses=(302, 400),
        )
    ],
    # A resident's account, opened or given a new code: the town office or the director of the person's village.
    "people:person-account-open": [
        Endpoint(
            "POST",
            lambda w: f"/people/{w.people['li'].pk}/account/open/",
            frozenset({"office", "center"}),
            lambda w: {"phone": "13912345678"},
        )
    ],
    "people:person-phone": [
        Endpoint(
            "POST",
            lambda w: f"/people/{w.people['li'].pk}/phone/",
            frozenset({"office", "center"}),
            lambda w: {"phone": "13912345678"},
        )
    ],
    "people:person-account-reset": [
        Endpoint("POST", lambda w: f"/people/{w.people['zhang'].pk}/account/reset/", frozenset({"office", "center"}))
    ],
    # Replacing a lost learning card: the town office or the director of the person's village.
    "people:person-card-reissue": [
        Endpoint(
            "POST", lambda w: f"/people/{w.people['zhang'].pk}/learning-card/reissue/", frozenset({"office", "center"})
        )
    ],
    # Learning cards in bulk: the town office for any village, a village's director for their own; a
    # kept PDF for whoever printed it (the 弋阳村 director, for the batch they imported) and the office.
    # nantuo's office prints for its own town, where 弋阳村 and the print are not found.
    "people:cards": [
        Endpoint("GET", lambda w: "/people/cards/", frozenset({"office", "center", "nantuo"})),
        Endpoint("GET", lambda w: f"/people/cards/?for=village:{w.yiyang.pk}", frozenset({"office", "center"})),
        Endpoint("POST", lambda w: "/people/cards/", frozenset({"office", "center"}), _cards_for_yiyang),
        Endpoint("POST", lambda w: "/people/cards/", frozenset({"office"}), lambda w: {"for": f"village:{w.shizi.pk}"}),
    ],
    "people:card-print": [
        Endpoint("GET", lambda w: f"/people/cards/{_card_job_pk(w)}/", frozenset({"office", "center"}))
    ],
    # Still queued in the matrix (its job never ran): a permitted caller is sent back to its page.
    "people:card-print-pdf": [
        Endpoint("GET", lambda w: f"/people/cards/{_card_job_pk(w)}/cards.pdf", frozenset({"office", "center"}))
    ],
    # The requests to join: the town office, and the director of the village named (nantuo's office
    # reviews its own town's queue, where this request is not found).
    "people:join-queue": [
        Endpoint("GET", lambda w: "/people/join-requests/", frozenset({"office", "center", "nantuo"}))
    ],
    "people:join-request": [
        Endpoint("GET", lambda w: f"/people/join-requests/{w.join_request.pk}/", frozenset({"office", "center"}))
    ],
    "people:join-request-confirm": [
        Endpoint(
            "POST",
            lambda w: f"/people/join-requests/{w.join_request.pk}/confirm/",
            frozenset({"office", "center"}),
            lambda w: {"person": w.people["li"].pk},
            ok_statuses=(200, 302),  # the second permitted role finds it confirmed already
        )
    ],
    "people:join-request-decline": [
        Endpoint(
            "POST",
            lambda w: f"/people/join-requests/{w.join_request.pk}/decline/",
            frozenset({"office", "center"}),
            lambda w: {"reason": "不是本村村民"},
        )
    ],
    "people:register-export": [
        Endpoint("GET", lambda w: "/people/export.xlsx", REGISTER_READERS),
        Endpoint("GET", lambda w: "/people/export.xlsx?unmasked=1&reason=核对低保名单", REGISTER_READERS),
    ],
    "people:import-upload": [
        Endpoint("GET", lambda w: "/people/import/", frozenset({"office", "center", "nantuo"})),
        Endpoint("POST", lambda w: "/people/import/", frozenset({"office", "center", "nantuo"}), _roster_upload),
    ],
    "people:import-detail": [
        Endpoint("GET", lambda w: f"/people/import/{w.batch.pk}/", frozenset({"office"})),
        Endpoint("POST", lambda w: f"/people/import/{w.batch.pk}/", frozenset({"office"}), lambda w: {}),
    ],
    # The problem report: the account that uploaded the batch, or the town's office.
    "people:import-report": [
        Endpoint("GET", lambda w: f"/people/import/{w.batch.pk}/report.xlsx", frozenset({"office"})),
        Endpoint("GET", lambda w: f"/people/import/{w.center_batch.pk}/report.xlsx", frozenset({"office", "center"})),
    ],
    "people:account-list": [Endpoint("GET", lambda w: "/people/accounts/", frozenset({"office", "nantuo", "admin"}))],
    # Lifting a sign-in lock: the account's town office or an administrator (audited), never oneself.
    "people:account-unlock": [
        Endpoint(
            "POST", lambda w: f"/people/accounts/{w.accounts['school'].pk}/unlock/", frozenset({"office", "admin"})
        )
    ],
    "people:account-create": [
        Endpoint("GET", lambda w: "/people/accounts/new/", ACCOUNT_OPENERS),
        Endpoint(
            "POST",
            lambda w: "/people/accounts/new/",
            ACCOUNT_OPENERS,
            lambda w: {"username": "clerk2", "display_name": "文书", "password": "Qingshui#77", "role": "school_staff"},
            ok_statuses=(302, 400),  # the first permitted caller takes the username; the next are told it is taken
        ),
    ],
    # Managing a staff account of 新妙镇 (the volunteer's): its town office or an administrator,
    # never nantuo's office (404: not its town's account). Disabling twice, enabling an active
    # account: nothing to do, answered as done.
    "people:account-detail": [
        Endpoint("GET", lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/", ACCOUNT_MANAGERS)
    ],
    "people:account-role-add": [
        Endpoint(
            "POST",
            lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/roles/",
            ACCOUNT_MANAGERS,
            lambda w: {"role": "teacher"},
        )
    ],
    "people:account-role-withdraw": [
        Endpoint(
            "POST",
            lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/roles/{_volunteer_role_id(w)}/withdraw/",
            ACCOUNT_MANAGERS,
            ok_statuses=(302, 404),  # the first permitted caller withdraws it; the next finds it gone
        )
    ],
    "people:account-disable": [
        Endpoint(
            "POST",
            lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/disable/",
            ACCOUNT_MANAGERS,
            lambda w: {"reason": "调离岗位"},
        )
    ],
    "people:account-enable": [
        Endpoint("POST", lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/enable/", ACCOUNT_MANAGERS)
    ],
    "people:account-password-reset": [
        Endpoint("POST", lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/password-reset/", ACCOUNT_MANAGERS)
    ],
    "people:account-revoke-tokens": [
        Endpoint("POST", lambda w: f"/people/accounts/{w.accounts['volunteer'].pk}/revoke-tokens/", ACCOUNT_MANAGERS)
    ],
    # New towns and villages: the administrator's (the create_town command's pages).
    "organization:town-create": [
        Endpoint("GET", lambda w: "/org/towns/new/", ADMINISTRATOR),
        Endpoint(
            "POST",
            lambda w: "/org/towns/new/",
            ADMINISTRATOR,
            lambda w: {"name": "龙潭镇", "slug": "longtan", "district_code": "500102", "villages": "龙潭村"},
        ),
    ],
    "organization:village-create": [
        Endpoint("GET", lambda w: "/org/towns/xinmiao/villages/new/", ADMINISTRATOR),
        Endpoint("POST", lambda w: "/org/towns/xinmiao/villages/new/", ADMINISTRATOR, lambda w: {"name": "新华村"}),
    ],
    "activities:list": [Endpoint("GET", lambda w: "/activities/", STRUCTURE_READERS)],
    "activities:calendar": [Endpoint("GET", lambda w: "/activities/calendar/", STRUCTURE_READERS)],
    "activities:lecture-hall": [Endpoint("GET", lambda w: "/activities/lecture-hall/", STRUCTURE_READERS)],
    "activities:create": [
        Endpoint("GET", lambda w: "/activities/new/", SCHEDULERS),
        Endpoint("POST", lambda w: "/activities/new/", SCHEDULERS, _activity_form),
    ],
    "activities:detail": [Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/", XINMIAO_STRUCTURE_READERS)],
    "activities:edit": [
        Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/edit/", LECTURE_MANAGERS),
        Endpoint("POST", lambda w: f"/activities/{w.lecture.pk}/edit/", LECTURE_MANAGERS, _activity_form),
    ],
    "activities:cancel": [
        Endpoint(
            "POST", lambda w: f"/activities/{w.lecture.pk}/cancel/", LECTURE_MANAGERS, lambda w: {"reason": "下雨"}
        )
    ],
    "activities:venue-code": [
        Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/venue-code.svg", LECTURE_MANAGERS)
    ],
    # Putting a volunteer or teacher on duty, and taking them off: the organiser's staff.
    "activities:duty-add": [
        Endpoint(
            "POST",
            lambda w: f"/activities/{w.lecture.pk}/duty/",
            LECTURE_MANAGERS,
            lambda w: {"person": w.people["teacher"].pk, "role": "teacher"},
        )
    ],
    "activities:duty-remove": [
        Endpoint(
            "POST", lambda w: f"/activities/{w.lecture.pk}/duty/{w.people['teacher'].pk}/remove/", LECTURE_MANAGERS
        )
    ],
    "activities:roster": [
        Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/roster/", LECTURE_MANAGERS),
        Endpoint(
            "POST",
            lambda w: f"/activities/{w.lecture.pk}/roster/",
            LECTURE_MANAGERS,
            lambda w: {"person": [w.people["li"].pk]},
        ),
    ],
    "activities:offline": [Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/offline/", LECTURE_MANAGERS)],
    "activities:offline-roll": [
        Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/offline/roll.json", LECTURE_MANAGERS)
    ],
    # The offline check-in's service worker and manifest are code, the same for everyone.
    "activities:offline-service-worker": [Endpoint("GET", lambda w: "/activities/offline/service-worker.js", EVERYONE)],
    "activities:offline-manifest": [Endpoint("GET", lambda w: "/activities/offline/manifest.webmanifest", EVERYONE)],
    "activities:scan": [
        Endpoint("GET", lambda w: f"/activities/{w.lecture.pk}/scan/", LECTURE_MANAGERS),
        Endpoint("POST", lambda w: f"/activities/{w.lecture.pk}/scan/", LECTURE_MANAGERS, lambda w: {"card": "x.y"}),
    ],
    "activities:headcount": [
        Endpoint(
            "POST", lambda w: f"/activities/{w.lecture.pk}/headcount/", LECTURE_MANAGERS, lambda w: {"count": "35"}
        )
    ],
    "activities:reverse": [
        Endpoint(
            "POST",
            lambda w: f"/activities/{w.lecture.pk}/reverse/",
            LECTURE_MANAGERS,
            lambda w: {"person": w.people["zhang"].pk, "reason": "点错"},
        )
    ],
    "activities:fees": [
        Endpoint("GET", lambda w: "/activities/fees/?year=2020", LECTURE_MANAGERS | {"evaluator", "nantuo"})
    ],
    "activities:fees-export": [
        Endpoint("GET", lambda w: "/activities/fees/export.xlsx?year=2020", LECTURE_MANAGERS | {"evaluator", "nantuo"})
    ],
    "activities:fees-standard": [
        Endpoint(
            "POST",
            lambda w: "/activities/fees/standard/",
            LECTURE_MANAGERS | {"nantuo"},
            lambda w: {"amount": "200.00", "valid_from": "2020-05-01", "year": "2020"},
        )
    ],
    "activities:fees-due": [
        Endpoint("POST", lambda w: f"/activities/fees/lectures/{w.lecture.pk}/due/", LECTURE_MANAGERS, lambda w: {})
    ],
    # The world holds no fee entry yet, so every role is refused an unknown one here (403 for
    # roles that manage no fees, 404 for managers); test_fees.py covers who may pay and reverse.
    "activities:fees-pay": [
        Endpoint(
            "POST",
            lambda w: "/activities/fees/payments/0/pay/",
            frozenset(),
            lambda w: {"voucher_number": "2020-017", "paid_on": "2020-05-20"},
        )
    ],
    "activities:fees-reverse": [
        Endpoint("POST", lambda w: "/activities/fees/payments/0/reverse/", frozenset(), lambda w: {"reason": "重复"})
    ],
    # The SMS reminders sent: each town office its own town's (南沱's office reads its own, empty, day).
    "activities:reminders": [Endpoint("GET", lambda w: "/activities/reminders/", OFFICES)],
    "activities:evidence-upload": [
        Endpoint(
            "POST",
            lambda w: f"/activities/{w.lecture.pk}/evidence/",
            LECTURE_MANAGERS,
            lambda w: {"kind": "document", "files": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
    ],
    "activities:evidence-file": [
        Endpoint("GET", lambda w: f"/activities/evidence/{w.evidence.pk}/file/", XINMIAO_STRUCTURE_READERS)
    ],
    "activities:evidence-thumbnail": [
        Endpoint("GET", lambda w: f"/activities/evidence/{w.evidence.pk}/thumbnail/", XINMIAO_STRUCTURE_READERS)
    ],
    "activities:evidence-remove": [
        Endpoint(
            "POST",
            lambda w: f"/activities/evidence/{w.evidence.pk}/remove/",
            LECTURE_MANAGERS,
            lambda w: {"reason": "拍错"},
        )
    ],
    "incentives:register": [Endpoint("GET", lambda w: "/incentives/", INCENTIVE_READERS)],
    "incentives:member-create": [
        Endpoint("GET", lambda w: "/incentives/members/new/", INCENTIVE_MANAGERS),
        Endpoint(
            "POST",
            lambda w: "/incentives/members/new/",
            INCENTIVE_MANAGERS,
            lambda w: {"person": w.people["li"].pk, "category": "volunteer", "employer": w.civil_affairs.pk},
        ),
    ],
    "incentives:assessment-totals": [
        Endpoint("GET", lambda w: "/incentives/assessment-totals/", INCENTIVE_MANAGERS),
        Endpoint(
            "POST",
            lambda w: "/incentives/assessment-totals/",
            INCENTIVE_MANAGERS,
            lambda w: {"employer": w.civil_affairs.pk, "year": "2020", "total": "80"},
        ),
    ],
    "incentives:ranking": [Endpoint("GET", lambda w: "/incentives/ranking/", INCENTIVE_READERS)],
    "incentives:ranking-export": [Endpoint("GET", lambda w: "/incentives/ranking/export.xlsx", INCENTIVE_READERS)],
    "incentives:statement": [
        Endpoint(
            "GET", lambda w: f"/incentives/people/{w.people['li'].pk}/", frozenset({"office", "school", "evaluator"})
        )
    ],
    "incentives:training-create": [
        Endpoint(
            "POST",
            lambda w: f"/incentives/people/{w.people['li'].pk}/trainings/",
            LECTURE_MANAGERS,
            lambda w: {"title": "社区教育骨干培训", "provider": "涪陵区社区教育学院", "attended_on": "2020-07-15"},
        )
    ],
    "incentives:me": [Endpoint("GET", lambda w: "/incentives/me/", frozenset({"teacher", "resident", "anonymous"}))],
    # A volunteer team's members: the office and the school keep them (a second join or leave is
    # refused with the reason, 400); the page reads the town the account works in.
    "incentives:team-members": [
        Endpoint("GET", lambda w: f"/incentives/teams/{w.team.pk}/members/", LECTURE_MANAGERS),
        Endpoint(
            "POST",
            lambda w: f"/incentives/teams/{w.team.pk}/members/",
            LECTURE_MANAGERS,
            lambda w: {"member": w.team_newcomer.pk, "joined_on": "2020-06-01"},
            ok_statuses=(302, 400),
        ),
    ],
    # certificates: 张秀英 has no points in the world, so issuing is refused with a message (302 back);
    # the world holds no certificate, so every role is refused an unknown one (403, or 404 for those
    # who may read or revoke); test_certificates.py covers who may open and revoke a real one.
    "incentives:certificate-issue": [
        Endpoint(
            "POST",
            lambda w: f"/incentives/people/{w.people['zhang'].pk}/certificates/",
            LECTURE_MANAGERS,
            lambda w: {"year": "2020"},
        )
    ],
    "incentives:certificate-pdf": [Endpoint("GET", lambda w: "/incentives/certificates/0.pdf", frozenset())],
    "surveys:list": [Endpoint("GET", lambda w: "/surveys/", STRUCTURE_READERS)],
    "surveys:create": [
        Endpoint("GET", lambda w: "/surveys/new/", SURVEY_MANAGERS | {"nantuo"}),
        Endpoint(
            "POST",
            lambda w: "/surveys/new/",
            SURVEY_MANAGERS | {"nantuo"},
            lambda w: {"title": "2021年满意度调查", "year": "2021", "is_standard": "on"},
        ),
    ],
    "surveys:detail": [Endpoint("GET", lambda w: f"/surveys/{_survey_pk(w)}/", XINMIAO_STRUCTURE_READERS)],
    "surveys:question-add": [
        Endpoint(
            "POST",
            lambda w: f"/surveys/{w.draft_survey.pk}/questions/",
            SURVEY_MANAGERS,
            lambda w: {"text": "您参加过哪些活动？", "kind": "multiple_choice", "choices": "讲座\n培训"},
        )
    ],
    "surveys:standard-questions": [
        Endpoint("POST", lambda w: f"/surveys/{w.draft_survey.pk}/standard-questions/", SURVEY_MANAGERS, lambda w: {})
    ],
    "surveys:open": [Endpoint("POST", lambda w: f"/surveys/{w.draft_survey.pk}/open/", SURVEY_MANAGERS, lambda w: {})],
    "surveys:close": [Endpoint("POST", lambda w: f"/surveys/{_survey_pk(w)}/close/", SURVEY_MANAGERS, lambda w: {})],
    "surveys:question-move": [
        Endpoint(
            "POST",
            lambda w: f"/surveys/questions/{_draft_question(w).pk}/move/",
            SURVEY_MANAGERS,
            lambda w: {"direction": "up"},
        )
    ],
    "surveys:question-remove": [
        Endpoint("POST", lambda w: f"/surveys/questions/{_draft_question(w).pk}/remove/", SURVEY_MANAGERS, lambda w: {})
    ],
    "surveys:choice-add": [
        Endpoint(
            "POST",
            lambda w: f"/surveys/questions/{_draft_question(w).pk}/choices/",
            SURVEY_MANAGERS,
            lambda w: {"text": "其他"},
        )
    ],
    "surveys:choice-remove": [
        Endpoint(
            "POST",
            lambda w: f"/surveys/choices/{_draft_question(w).choices.first().pk}/remove/",
            SURVEY_MANAGERS,
            lambda w: {},
        )
    ],
    "surveys:paper": [
        Endpoint("GET", lambda w: f"/surveys/{_survey_pk(w)}/paper/", SURVEY_MANAGERS),
        # The second permitted role enters the same sheet again: refused with the row named (400).
        Endpoint(
            "POST", lambda w: f"/surveys/{_survey_pk(w)}/paper/", SURVEY_MANAGERS, _paper_grid, ok_statuses=(302, 400)
        ),
    ],
    "surveys:paper-upload": [
        Endpoint(
            "POST",
            lambda w: f"/surveys/{_survey_pk(w)}/paper/upload/",
            SURVEY_MANAGERS,
            _paper_upload,
            ok_statuses=(302, 400),
        )
    ],
    "surveys:paper-template": [
        Endpoint("GET", lambda w: f"/surveys/{_survey_pk(w)}/paper/template.xlsx", SURVEY_MANAGERS)
    ],
    "surveys:results": [Endpoint("GET", lambda w: f"/surveys/{_survey_pk(w)}/results/", XINMIAO_STRUCTURE_READERS)],
    "surveys:results-export": [
        Endpoint("GET", lambda w: f"/surveys/{_survey_pk(w)}/results.xlsx", XINMIAO_STRUCTURE_READERS)
    ],
    "surveys:mine": [Endpoint("GET", lambda w: "/surveys/mine/", RESIDENT_PAGES)],
    "surveys:answer": [
        Endpoint("GET", lambda w: f"/surveys/{_survey_pk(w)}/answer/", RESIDENT_PAGES),
        Endpoint("POST", lambda w: f"/surveys/{_survey_pk(w)}/answer/", RESIDENT_PAGES, _online_answers),
    ],
    "incentives:certificate-revoke": [
        Endpoint("POST", lambda w: "/incentives/certificates/0/revoke/", frozenset(), lambda w: {"reason": "重复"})
    ],
    "incentives:certificate-batch": [
        Endpoint("GET", lambda w: "/incentives/certificates/batch/?year=2020", INCENTIVE_READERS),
        Endpoint("POST", lambda w: "/incentives/certificates/batch/", INCENTIVE_MANAGERS, lambda w: {"year": "2020"}),
    ],
    "verify": [Endpoint("GET", lambda w: f"/verify/{_certificate_code(w)}", EVERYONE)],
    "exchange:post": [
        Endpoint(
            "POST",
            lambda w: "/exchange/posts/",
            EXCHANGE_PARTICIPANTS,
            lambda w: {"target": "activities.activity", "id": w.lecture.pk, "kind": "question", "body": "几点开始？"},
        )
    ],
    "exchange:answer": [
        Endpoint(
            "POST", lambda w: f"/exchange/posts/{w.question.pk}/answer/", EXCHANGE_ANSWERERS, lambda w: {"body": "两点"}
        )
    ],
    # 张秀英 asked the question: her own report is refused with a message (302 back).
    "exchange:report": [
        Endpoint("POST", lambda w: f"/exchange/posts/{w.question.pk}/report/", EXCHANGE_PARTICIPANTS, lambda w: {})
    ],
    "exchange:moderate": [
        Endpoint(
            "POST",
            lambda w: f"/exchange/posts/{w.question.pk}/moderate/",
            EXCHANGE_MODERATORS,
            lambda w: {"action": "hide", "reason": "广告"},
        )
    ],
    "exchange:queue": [Endpoint("GET", lambda w: "/exchange/queue/", EXCHANGE_MODERATORS | {"nantuo"})],
    "exchange:policy": [
        Endpoint("GET", lambda w: "/exchange/policy/", EXCHANGE_MODERATORS | {"nantuo"}),
        Endpoint(
            "POST",
            lambda w: "/exchange/policy/",
            EXCHANGE_MODERATORS | {"nantuo"},
            lambda w: {"review_policy": "publish_then_review", "report_threshold": "3", "banned_words": "赌博"},
        ),
    ],
    "news:list": [Endpoint("GET", lambda w: "/news/", EVERYONE)],
    "news:detail": [Endpoint("GET", lambda w: f"/news/{w.news_item.pk}/", XINMIAO_PUBLIC)],
    "news:cover": [Endpoint("GET", lambda w: f"/news/{w.news_item.pk}/cover/", XINMIAO_PUBLIC)],
    "news:manage": [Endpoint("GET", lambda w: "/news/manage/", NEWS_WRITERS)],
    # Unit staff and 南沱镇 may not write for 新妙镇's school: the form comes back with the error (200).
    "news:manage-create": [
        Endpoint("GET", lambda w: "/news/manage/new/", NEWS_WRITERS),
        Endpoint("POST", lambda w: "/news/manage/new/", NEWS_WRITERS, _news_form),
    ],
    "news:manage-edit": [
        Endpoint("GET", lambda w: f"/news/manage/{w.news_item.pk}/edit/", LECTURE_MANAGERS),
        Endpoint("POST", lambda w: f"/news/manage/{w.news_item.pk}/edit/", LECTURE_MANAGERS, _news_form),
    ],
    "news:manage-publish": [
        Endpoint(
            "POST",
            lambda w: f"/news/manage/{w.news_item.pk}/publish/",
            LECTURE_MANAGERS,
            lambda w: {"action": "unpublish"},
        )
    ],
    "dashboard:audit-log": [Endpoint("GET", lambda w: "/staff/audit/", frozenset({"auditor"}))],
    "organization:population": [
        Endpoint("GET", lambda w: "/org/villages/population/?year=2021", OFFICES),
        Endpoint(
            "POST",
            lambda w: "/org/villages/population/",
            OFFICES,
            lambda w: {"year": "2021", f"village-{w.yiyang.pk}": ""},
        ),
    ],
    # An empty upload is refused with the form's message (400) for the offices.
    "organization:population-import": [
        Endpoint(
            "POST",
            lambda w: "/org/villages/population/import/",
            OFFICES,
            lambda w: {"year": "2021"},
            ok_statuses=(400,),
        )
    ],
    "recognition:board": [Endpoint("GET", lambda w: "/recognition/?as_of=2020-12-31", FUNDING_READERS)],
    "recognition:record": [
        Endpoint(
            "POST",
            lambda w: "/recognition/record/",
            frozenset({"office"}),
            lambda w: {
                "track": "learning_community",
                "subject": w.yiyang.pk,
                "status": "applying",
                "effective_on": "2020-06-01",
            },
        )
    ],
    # The world holds no evidence of recognition, so every role is refused an unknown one (403,
    # or 404 for readers); recognition/tests/test_recognition.py opens a real one.
    "recognition:evidence": [Endpoint("GET", lambda w: "/recognition/evidence/0/", frozenset())],
    "organization:targets": [
        Endpoint("GET", lambda w: "/org/targets/?year=2020", STRUCTURE_READERS),
        Endpoint(
            "POST",
            lambda w: "/org/targets/",
            OFFICES,
            lambda w: {"year": "2020", f"participation-{w.yiyang.pk}": "75"},
            ok_statuses=(400,),  # the other villages' fields are missing: refused, nothing written
        ),
    ],
    "funding:year": [Endpoint("GET", lambda w: "/funding/?year=2020", FUNDING_READERS)],
    "funding:export": [Endpoint("GET", lambda w: "/funding/export.xlsx?year=2020", FUNDING_READERS)],
    "funding:units": [Endpoint("GET", lambda w: "/funding/units/?year=2020", UNIT_FUNDING_READERS)],
    "funding:government-share-threshold": [
        Endpoint(
            "POST",
            lambda w: "/funding/government-share/",
            FUNDING_MANAGERS,
            lambda w: {"year": "2020", "threshold_percent": "60"},
        )
    ],
    "funding:allocation-create": [
        Endpoint(
            "POST",
            lambda w: "/funding/allocations/new/",
            FUNDING_MANAGERS,
            lambda w: {
                "allocation-year": "2020",
                "allocation-source": "town_finance",
                "allocation-amount": "70000.00",
                "allocation-voucher_number": "2020-001",
                "allocation-dated_on": "2020-03-02",
            },
        )
    ],
    "funding:expense-create": [
        Endpoint(
            "POST",
            lambda w: "/funding/expenses/new/",
            FUNDING_MANAGERS,
            lambda w: {
                "expense-year": "2020",
                "expense-category": "materials",
                "expense-amount": "1200.00",
                "expense-voucher_number": "2020-031",
                "expense-dated_on": "2020-06-12",
            },
        )
    ],
    # Every role is refused an unknown entry (403, or 404 for the offices);
    # funding/tests/test_funding.py covers reversing a real one.
    "funding:allocation-reverse": [
        Endpoint("POST", lambda w: "/funding/allocations/0/reverse/", frozenset(), lambda w: {"reason": "重复"})
    ],
    "funding:expense-reverse": [
        Endpoint("POST", lambda w: "/funding/expenses/0/reverse/", frozenset(), lambda w: {"reason": "重复"})
    ],
    # A line of 新妙镇's ledger: its office reads it on its own town's page (the evaluator's page town
    # is 南沱镇: the line is not found there; the API with ?town=xinmiao answers the evaluator).
    "funding:entry": [
        Endpoint("GET", lambda w: f"/funding/entries/allocation/{_ledger_allocation_id(w)}/", frozenset({"office"}))
    ],
    "learning:library": [Endpoint("GET", lambda w: "/learning/", SIGNED_IN - {"auditor"})],
    "learning:search": [Endpoint("GET", lambda w: "/learning/search/?q=tjq", SIGNED_IN - {"auditor"})],
    "learning:category": [
        Endpoint("GET", lambda w: f"/learning/categories/{w.learning_resource.category_id}/", XINMIAO_TOWN_READERS)
    ],
    "learning:resource": [
        Endpoint("GET", lambda w: f"/learning/resources/{w.learning_resource.pk}/", XINMIAO_TOWN_READERS)
    ],
    "learning:media": [
        Endpoint("GET", lambda w: f"/learning/resources/{w.learning_resource.pk}/media", XINMIAO_TOWN_READERS)
    ],
    "learning:captions": [
        Endpoint("GET", lambda w: f"/learning/resources/{w.learning_resource.pk}/captions.vtt", XINMIAO_TOWN_READERS)
    ],
    "learning:progress": [
        Endpoint(
            "POST",
            lambda w: f"/learning/resources/{w.learning_resource.pk}/progress/",
            RESIDENT_PAGES,
            lambda w: {"position": "5", "elapsed": "5"},
        )
    ],
    "learning:record": [Endpoint("GET", lambda w: "/learning/record/", RESIDENT_PAGES)],
    "learning:shelf": [Endpoint("GET", lambda w: "/learning/shelf/", SCHEDULERS)],
    "learning:create": [
        Endpoint("GET", lambda w: "/learning/shelf/new/", SCHEDULERS),
        Endpoint("POST", lambda w: "/learning/shelf/new/", SCHEDULERS, _learning_form),
    ],
    "learning:edit": [
        Endpoint("GET", lambda w: f"/learning/shelf/{w.learning_resource.pk}/edit/", LECTURE_MANAGERS),
        Endpoint("POST", lambda w: f"/learning/shelf/{w.learning_resource.pk}/edit/", LECTURE_MANAGERS, _learning_form),
    ],
    "learning:publish": [
        Endpoint(
            "POST",
            lambda w: f"/learning/shelf/{w.learning_resource.pk}/publish/",
            LECTURE_MANAGERS,
            lambda w: {"action": "withdraw"},
        )
    ],
    # The targets dashboard: whoever reads the figures over the API (GET /api/v1/metrics) — every
    # staff role its own town, the evaluator the district's towns, the administrator every town.
    "dashboard:targets": [Endpoint("GET", lambda w: "/staff/targets/?year=2020", STRUCTURE_READERS)],
    "dashboard:targets-export": [Endpoint("GET", lambda w: "/staff/targets/export.xlsx?year=2020", STRUCTURE_READERS)],
    "dashboard:target-settings": [
        Endpoint("GET", lambda w: "/staff/targets/settings/?year=2020", OFFICES),
        Endpoint(
            "POST",
            lambda w: "/staff/targets/settings/",
            OFFICES,
            lambda w: (
                {"year": "2020", "targets_due_on": "2020-12-31"}
                | {
                    f"{key}-{village.pk}": value
                    for village in (w.yiyang, w.shizi, w.guandong)
                    for key, value in (
                        ("participation", "70"),
                        ("awareness", "80"),
                        ("recognition", "80"),
                        ("satisfaction", "70"),
                    )
                }
            ),
        ),
    ],
    # The records behind a figure's number: the same readers as the figures (GET /api/v1/metrics).
    # The units' own people and the volunteer teams' members behind their figures, by name: the town
    # office and the district's evaluators (of the town each works in), as for the participants.
    "dashboard:unit-people": [
        Endpoint("GET", lambda w: "/staff/targets/unit-people/?year=2020", frozenset({"office", "evaluator", "nantuo"}))
    ],
    "dashboard:team-records": [
        Endpoint("GET", lambda w: "/staff/targets/teams/?year=2020", frozenset({"office", "evaluator", "nantuo"}))
    ],
    "dashboard:figure-records": [
        Endpoint("GET", lambda w: "/staff/targets/records/participation/denominator/?year=2020", STRUCTURE_READERS)
    ],
    # The residents behind the participation rate: the page opens to the figures' readers, each
    # seeing by name only whom they may (the office and the evaluator every village, the 弋阳村
    # centre's director 弋阳村; the others are counted, not named: see the dashboard's tests).
    "dashboard:participants": [
        Endpoint("GET", lambda w: "/staff/targets/participants/?year=2020", STRUCTURE_READERS),
        Endpoint(
            "GET",
            lambda w: f"/staff/targets/participants/?town=xinmiao&village={w.yiyang.pk}",
            XINMIAO_STRUCTURE_READERS,
        ),
    ],
    # Assessment: the town office manages; evaluators read (not auditors); a centre director sees
    # the conditions of the own centre and, with department staff, the own unit's assessment.
    "assessment:conditions": [Endpoint("GET", lambda w: "/assessment/conditions/?year=2020", CONDITION_READERS)],
    "assessment:conditions-unit": [
        Endpoint("GET", lambda w: f"/assessment/conditions/{w.yiyang_centre.pk}/?year=2020", {"office", "center"}),
        Endpoint(
            "POST",
            lambda w: f"/assessment/conditions/{w.yiyang_centre.pk}/",
            frozenset({"office"}),
            lambda w: {"year": "2020", "venue_place": "弋阳村便民服务中心", "venue_area": "90"},
        ),
    ],
    "assessment:conditions-evidence": [
        Endpoint(
            "POST",
            lambda w: f"/assessment/conditions/{w.yiyang_centre.pk}/evidence/",
            frozenset({"office"}),
            lambda w: {"year": "2020", "item": "venue", "files": SimpleUploadedFile("场地.png", png_bytes())},
        )
    ],
    "assessment:file": [
        Endpoint(
            "GET",
            lambda w: f"/assessment/files/{w.assessment_file.pk}/",
            frozenset({"office", "center", "evaluator"}),
        )
    ],
    "assessment:indicators": [Endpoint("GET", lambda w: "/assessment/indicators/", ASSESSMENT_READERS)],
    "assessment:indicators-load": [
        Endpoint("POST", lambda w: "/assessment/indicators/load/", OFFICES, lambda w: {"sheet": _indicator_sheet()})
    ],
    "assessment:indicators-default": [
        Endpoint("GET", lambda w: "/assessment/indicators/default.csv", ASSESSMENT_READERS)
    ],
    "assessment:self-assessment": [
        Endpoint("GET", lambda w: "/assessment/self-assessment/?year=2020&as_of=2020-12-31", ASSESSMENT_READERS)
    ],
    "assessment:evidence": [
        Endpoint("GET", lambda w: "/assessment/evidence/?year=2020&as_of=2020-12-31", ASSESSMENT_READERS),
        Endpoint(
            "GET",
            lambda w: "/assessment/evidence/?year=2020&as_of=2020-12-31&key=figure:participation",
            ASSESSMENT_READERS,
        ),
    ],
    "assessment:score": [
        Endpoint(
            "POST",
            lambda w: f"/assessment/self-assessment/indicators/{w.manual_indicator.pk}/score/",
            frozenset({"office"}),
            lambda w: {
                "year": "2020",
                "as_of": "2020-12-31",
                f"i{w.manual_indicator.pk}-points": "4",
                f"i{w.manual_indicator.pk}-comment": "领导小组已成立",
            },
        )
    ],
    "assessment:units": [
        Endpoint("GET", lambda w: "/assessment/units/?year=2020&as_of=2020-12-31", UNIT_ASSESSMENT_READERS)
    ],
    "assessment:units-export": [
        Endpoint("GET", lambda w: "/assessment/units/export.xlsx?year=2020&as_of=2020-12-31", ASSESSMENT_READERS)
    ],
    # The dossier: the office builds it; its readers download the files (the evaluator's and 南沱镇's
    # page town is 南沱镇, where 新妙镇's dossier is not found).
    "assessment:dossier": [
        Endpoint("GET", lambda w: "/assessment/dossier/?year=2020&as_of=2020-12-31", ASSESSMENT_READERS)
    ],
    "assessment:dossier-start": [
        Endpoint(
            "POST", lambda w: "/assessment/dossier/start/", OFFICES, lambda w: {"year": "2020", "as_of": "2020-12-31"}
        )
    ],
    "assessment:dossier-export": [
        Endpoint("GET", lambda w: f"/assessment/dossier/{w.dossier_export.pk}/", frozenset({"office"}))
    ],
    "assessment:dossier-file": [
        Endpoint("GET", lambda w: f"/assessment/dossier/{w.dossier_export.pk}/zip/", frozenset({"office"}))
    ],
    "assessment:weights": [
        Endpoint(
            "POST",
            lambda w: "/assessment/units/weights/",
            OFFICES,
            lambda w: {
                "year": "2020",
                "as_of": "2020-12-31",
                "activities_with_evidence": "40",
                "village_participation": "30",
                "tasks_on_time": "20",
                "meeting_attendance": "10",
            },
        )
    ],
}

API_OPERATIONS: dict[str, Endpoint] = {
    "list_towns": Endpoint("GET", lambda w: "/api/v1/towns", SIGNED_IN),
    "get_town": Endpoint("GET", lambda w: "/api/v1/towns/xinmiao", XINMIAO_TOWN_READERS),
    "list_villages": Endpoint("GET", lambda w: "/api/v1/villages?town=xinmiao", XINMIAO_STRUCTURE_READERS),
    "list_units": Endpoint("GET", lambda w: "/api/v1/units?town=xinmiao", XINMIAO_STRUCTURE_READERS),
    "list_people": Endpoint("GET", lambda w: "/api/v1/people?town=xinmiao", REGISTER_READERS - {"nantuo"}),
    "get_person": Endpoint(
        "GET",
        lambda w: f"/api/v1/people/{w.people['zhang'].pk}",
        frozenset({"office", "school", "center", "evaluator"}),
    ),
    "ask_to_join": Endpoint(
        "POST", lambda w: "/api/v1/join-requests", EVERYONE, _join_body, "application/json", ok_statuses=(202,)
    ),
    "list_join_requests": Endpoint(
        "GET", lambda w: "/api/v1/join-requests?town=xinmiao", frozenset({"office", "center"})
    ),
    "confirm_join_request": Endpoint(
        "POST",
        lambda w: f"/api/v1/join-requests/{w.join_request.pk}/confirm",
        frozenset({"office", "center"}),
        lambda w: {"person_id": w.people["li"].pk},
        "application/json",
        ok_statuses=(201, 409),  # the second permitted role finds it confirmed already
    ),
    "decline_join_request": Endpoint(
        "POST",
        lambda w: f"/api/v1/join-requests/{w.join_request.pk}/decline",
        frozenset({"office", "center"}),
        lambda w: {"reason": "不是本村村民"},
        "application/json",
        ok_statuses=(200, 409),
    ),
    "unlock_account": Endpoint(
        "POST", lambda w: f"/api/v1/accounts/{w.accounts['school'].pk}/unlock", frozenset({"office", "admin"})
    ),
    "list_accounts": Endpoint("GET", lambda w: "/api/v1/accounts", frozenset({"office", "nantuo", "admin"})),
    "get_account": Endpoint("GET", lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}", ACCOUNT_MANAGERS),
    "create_staff_account": Endpoint(
        "POST",
        lambda w: "/api/v1/accounts",
        ACCOUNT_MANAGERS,
        lambda w: {
            "town": "xinmiao",
            "username": "clerk3",
            "display_name": "文书",
            "password": "Qingshui#77",
            "role": "school_staff",
        },
        "application/json",
        ok_statuses=(201, 400),  # the first permitted caller takes the username; the next are told it is taken
    ),
    "add_account_role": Endpoint(
        "POST",
        lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}/roles",
        ACCOUNT_MANAGERS,
        lambda w: {"role": "teacher"},
        "application/json",
    ),
    "withdraw_account_role": Endpoint(
        "POST",
        lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}/roles/{_volunteer_role_id(w)}/withdraw",
        ACCOUNT_MANAGERS,
        ok_statuses=(200, 404),  # the first permitted caller withdraws it; the next finds it gone
    ),
    "disable_account": Endpoint(
        "POST",
        lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}/disable",
        ACCOUNT_MANAGERS,
        lambda w: {"reason": "调离岗位"},
        "application/json",
    ),
    "enable_account": Endpoint(
        "POST", lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}/enable", ACCOUNT_MANAGERS
    ),
    "reset_account_password": Endpoint(
        "POST", lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}/password-reset", ACCOUNT_MANAGERS
    ),
    "revoke_account_tokens": Endpoint(
        "POST", lambda w: f"/api/v1/accounts/{w.accounts['volunteer'].pk}/revoke-tokens", ACCOUNT_MANAGERS
    ),
    "create_town": Endpoint(
        "POST",
        lambda w: "/api/v1/towns",
        ADMINISTRATOR,
        lambda w: {"slug": "longtan", "name": "龙潭镇", "district_code": "500102", "villages": [{"name": "龙潭村"}]},
        "application/json",
    ),
    "create_village": Endpoint(
        "POST",
        lambda w: "/api/v1/towns/xinmiao/villages",
        ADMINISTRATOR,
        lambda w: {"name": "新华村"},
        "application/json",
    ),
    "leave_register": Endpoint(
        "POST",
        lambda w: f"/api/v1/people/{w.people['zhang'].pk}/leave",
        frozenset({"office", "center"}),
        lambda w: {"on": "2026-11-30", "reason": "moved"},
        content_type="application/json",
        ok_statuses=(200, 400),
    ),
    # A person's own record and closing a resident's own account (the teacher's account is staff).
    "get_own_record": Endpoint("GET", lambda w: "/api/v1/me/record", frozenset({"resident", "teacher"})),
    "close_own_account": Endpoint(
        "POST",
        lambda w: "/api/v1/me/close",
        frozenset({"resident"}),
        lambda w: {"pin": RESIDENT_PIN},
        "application/json",
    ),
    # Each staff role's first page; residents and another town's office are refused.
    "get_first_page": Endpoint(
        "GET", lambda w: "/api/v1/me/first-page?town=xinmiao", XINMIAO_STAFF | {"evaluator", "admin"}
    ),
    # The venue code over the API: those with a person of their own read its state and check in.
    "get_venue_check_in": Endpoint(
        "GET", lambda w: f"/api/v1/checkin/{w.lecture.check_in_token}", frozenset({"resident", "teacher"})
    ),
    "check_in_at_the_venue": Endpoint(
        "POST", lambda w: f"/api/v1/checkin/{w.lecture.check_in_token}", frozenset({"resident", "teacher"})
    ),
    "get_resident_account": Endpoint(
        "GET", lambda w: f"/api/v1/people/{w.people['zhang'].pk}/resident-account", frozenset({"office", "center"})
    ),
    "open_resident_account": Endpoint(
        "POST",
        lambda w: f"/api/v1/people/{w.people['li'].pk}/resident-account",
        frozenset({"office", "center"}),
        lambda w: {"phone": "13912345678"},
        "application/json",
        ok_statuses=(201, 409),  # the second permitted caller finds the account the first opened
    ),
    "change_person_phone": Endpoint(
        "PUT",
        lambda w: f"/api/v1/people/{w.people['li'].pk}/phone",
        frozenset({"office", "center"}),
        lambda w: {"phone": "13912345678"},
        "application/json",
    ),
    "reset_resident_account": Endpoint(
        "POST",
        lambda w: f"/api/v1/people/{w.people['zhang'].pk}/resident-account/reset",
        frozenset({"office", "center"}),
    ),
    "unmask_person": Endpoint(
        "POST",
        lambda w: f"/api/v1/people/{w.people['zhang'].pk}/unmask",
        frozenset({"office", "center"}),
        lambda w: {"reason": "核对低保申请"},
        content_type="application/json",
    ),
    "export_people": Endpoint(
        "GET", lambda w: "/api/v1/exports/people?town=xinmiao&unmasked=true&reason=核对", REGISTER_READERS - {"nantuo"}
    ),
    "upload_roster": Endpoint(
        "POST", lambda w: "/api/v1/imports?town=xinmiao", frozenset({"office", "center"}), _api_roster_upload
    ),
    "get_import": Endpoint("GET", lambda w: f"/api/v1/imports/{w.batch.pk}?town=xinmiao", frozenset({"office"})),
    "plan_cards": Endpoint(
        "GET",
        lambda w: f"/api/v1/learning-cards/plan?town=xinmiao&village={w.yiyang.pk}",
        frozenset({"office", "center"}),
    ),
    "print_cards": Endpoint(
        "POST",
        lambda w: "/api/v1/learning-cards",
        frozenset({"office", "center"}),
        lambda w: {"town": "xinmiao", "village": w.yiyang.pk},
        "application/json",
    ),
    "get_card_job": Endpoint(
        "GET", lambda w: f"/api/v1/learning-cards/jobs/{_card_job_pk(w)}?town=xinmiao", frozenset({"office", "center"})
    ),
    "get_card_job_pdf": Endpoint(
        "GET",
        lambda w: f"/api/v1/learning-cards/jobs/{_card_job_pk(w)}/pdf?town=xinmiao",
        frozenset({"office", "center"}),
        ok_statuses=(409,),  # still queued in the matrix: not ready
    ),
    "list_activities": Endpoint("GET", lambda w: "/api/v1/activities?town=xinmiao", STRUCTURE_READERS - {"nantuo"}),
    "get_activity": Endpoint("GET", lambda w: f"/api/v1/activities/{w.lecture.pk}", XINMIAO_STRUCTURE_READERS),
    "create_activity": Endpoint(
        "POST",
        lambda w: "/api/v1/activities",
        LECTURE_MANAGERS,
        lambda w: {
            "town": "xinmiao",
            "title": "法律讲座",
            "kind": "lecture",
            "organiser_id": w.school.pk,
            "starts_at": "2026-12-10T14:00:00+08:00",
            "ends_at": "2026-12-10T16:00:00+08:00",
        },
        "application/json",
    ),
    "upload_offline_attendance": Endpoint(
        "POST",
        lambda w: f"/api/v1/activities/{w.lecture.pk}/attendance/batch",
        LECTURE_MANAGERS,
        lambda w: {
            "sent_at": "2026-12-05T09:00:00+08:00",
            "items": [
                {
                    "person": w.people["li"].pk,
                    "client_id": "0b5f3c9e-2d7a-4c8e-9f1a-6b2d4e8c1a01",
                    "scanned_at": "2026-12-05T09:00:00+08:00",
                }
            ],
        },
        "application/json",
    ),
    "record_attendance": Endpoint(
        "POST",
        lambda w: f"/api/v1/activities/{w.lecture.pk}/attendance",
        LECTURE_MANAGERS,
        lambda w: {"person": w.people["li"].pk},
        "application/json",
    ),
    "issue_certificate": Endpoint(
        "POST",
        lambda w: f"/api/v1/people/{w.people['li'].pk}/certificates",
        frozenset({"office", "school"}),
        lambda w: {"year": 2020},
        "application/json",
        ok_statuses=(201, 400),  # 李德福 has no points in the world: refused with the reason
    ),
    "verify_certificate": Endpoint("GET", lambda w: f"/api/v1/certificates/verify/{_certificate_code(w)}", EVERYONE),
    "request_pin_reset_code": Endpoint(
        "POST",
        lambda w: "/api/v1/pin-reset/code",
        EVERYONE,
        lambda w: {"phone": "13700001111"},
        "application/json",
        ok_statuses=(202,),
    ),
    "reset_pin_with_code": Endpoint(
        "POST",
        lambda w: "/api/v1/pin-reset",
        EVERYONE,
        lambda w: {"phone": RESIDENT_PHONE, "code": "000000", "pin": "813579", "pin2": "813579"},
        "application/json",
        ok_statuses=(400,),  # no code was sent: refused as a wrong code, by anyone
    ),
    "get_points": Endpoint(
        "GET",
        lambda w: f"/api/v1/people/{w.people['li'].pk}/points?year=2020",
        frozenset({"office", "school", "evaluator"}),
    ),
    "list_posts": Endpoint(
        "GET", lambda w: f"/api/v1/exchange/posts?target=activities.activity&id={w.lecture.pk}", XINMIAO_TOWN_READERS
    ),
    "create_post": Endpoint(
        "POST",
        lambda w: "/api/v1/exchange/posts",
        EXCHANGE_PARTICIPANTS,
        lambda w: {"target": "activities.activity", "id": w.lecture.pk, "kind": "question", "body": "几点开始？"},
        "application/json",
    ),
    "answer_question": Endpoint(
        "POST",
        lambda w: f"/api/v1/exchange/posts/{w.question.pk}/answer",
        EXCHANGE_ANSWERERS,
        lambda w: {"body": "下午两点"},
        "application/json",
    ),
    "report_post": Endpoint(
        "POST",
        lambda w: f"/api/v1/exchange/posts/{w.question.pk}/report",
        EXCHANGE_PARTICIPANTS,
        lambda w: {"reason": "广告"},
        "application/json",
        ok_statuses=(201, 400),  # 张秀英 asked it: her own report is refused with the reason
    ),
    "moderate_post": Endpoint(
        "POST",
        lambda w: f"/api/v1/exchange/posts/{w.question.pk}/moderation",
        EXCHANGE_MODERATORS,
        lambda w: {"action": "hide", "reason": "广告"},
        "application/json",
        ok_statuses=(200, 400),  # the second moderator finds it hidden already
    ),
    "list_news": Endpoint("GET", lambda w: "/api/v1/news?town=xinmiao", XINMIAO_TOWN_READERS),
    "get_news": Endpoint("GET", lambda w: f"/api/v1/news/{w.news_item.pk}?town=xinmiao", XINMIAO_TOWN_READERS),
    "create_news": Endpoint(
        "POST",
        lambda w: "/api/v1/news",
        LECTURE_MANAGERS,
        lambda w: {
            "town": "xinmiao",
            "kind": "notice",
            "title": "报名通知",
            "body": "请到学习中心报名。",
            "unit_id": w.school.pk,
        },
        "application/json",
    ),
    "publish_news": Endpoint(
        "POST",
        lambda w: f"/api/v1/news/{w.news_item.pk}/publish?town=xinmiao",
        LECTURE_MANAGERS,
        lambda w: {"is_published": False},
        "application/json",
    ),
    "list_allocations": Endpoint(
        "GET", lambda w: "/api/v1/funding/allocations?town=xinmiao&year=2020", FUNDING_READERS - {"nantuo"}
    ),
    "create_allocation": Endpoint(
        "POST",
        lambda w: "/api/v1/funding/allocations",
        frozenset({"office"}),
        lambda w: {
            "town": "xinmiao",
            "year": 2020,
            "source": "town_finance",
            "amount": "70000.00",
            "voucher_number": "2020-001",
            "dated_on": "2020-03-02",
        },
        "application/json",
    ),
    "reverse_allocation": Endpoint(
        "POST",
        lambda w: "/api/v1/funding/allocations/0/reverse",
        frozenset(),
        lambda w: {"reason": "重复"},
        "application/json",
    ),
    "list_expenses": Endpoint(
        "GET", lambda w: "/api/v1/funding/expenses?town=xinmiao&year=2020", FUNDING_READERS - {"nantuo"}
    ),
    "create_expense": Endpoint(
        "POST",
        lambda w: "/api/v1/funding/expenses",
        frozenset({"office"}),
        lambda w: {
            "town": "xinmiao",
            "year": 2020,
            "category": "materials",
            "amount": "1200.00",
            "voucher_number": "2020-031",
            "dated_on": "2020-06-12",
        },
        "application/json",
    ),
    "reverse_expense": Endpoint(
        "POST",
        lambda w: "/api/v1/funding/expenses/0/reverse",
        frozenset(),
        lambda w: {"reason": "重复"},
        "application/json",
    ),
    "get_ledger_line": Endpoint(
        "GET",
        lambda w: f"/api/v1/funding/entries/allocation/{_ledger_allocation_id(w)}?town=xinmiao",
        FUNDING_READERS - {"nantuo"},
    ),
    "get_funding_summary": Endpoint(
        "GET", lambda w: "/api/v1/funding/summary?town=xinmiao&year=2020", FUNDING_READERS - {"nantuo"}
    ),
    "get_funding_per_capita": Endpoint(
        "GET", lambda w: "/api/v1/funding/per-capita?town=xinmiao&year=2020", FUNDING_READERS - {"nantuo"}
    ),
    "get_unit_funds": Endpoint(
        "GET", lambda w: "/api/v1/funding/units?town=xinmiao&year=2020", UNIT_FUNDING_READERS - {"nantuo"}
    ),
    "get_government_share": Endpoint(
        "GET", lambda w: "/api/v1/funding/government-share?town=xinmiao&year=2020", FUNDING_READERS - {"nantuo"}
    ),
    "put_government_share_threshold": Endpoint(
        "PUT",
        lambda w: "/api/v1/funding/government-share/threshold?town=xinmiao&year=2020",
        frozenset({"office"}),
        lambda w: {"threshold_percent": "60.00"},
        "application/json",
    ),
    "get_populations": Endpoint(
        "GET", lambda w: "/api/v1/populations?town=xinmiao&year=2020", XINMIAO_STRUCTURE_READERS
    ),
    "put_populations": Endpoint(
        "PUT",
        lambda w: "/api/v1/populations?town=xinmiao&year=2021",
        frozenset({"office"}),
        lambda w: {"populations": [{"village_id": w.yiyang.pk, "resident_population": 1800}]},
        "application/json",
    ),
    "list_recognition": Endpoint(
        "GET", lambda w: "/api/v1/recognition?town=xinmiao&as_of=2020-12-31", FUNDING_READERS - {"nantuo"}
    ),
    "update_recognition": Endpoint(
        "POST",
        lambda w: "/api/v1/recognition",
        frozenset({"office"}),
        lambda w: {
            "town": "xinmiao",
            "track": "learning_organ",
            "unit_id": w.civil_affairs.pk,
            "status": "recognised",
            "effective_on": "2020-09-01",
        },
        "application/json",
    ),
    "put_unit_category": Endpoint(
        "PUT",
        lambda w: f"/api/v1/units/{w.civil_affairs.pk}/category?town=xinmiao",
        frozenset({"office"}),
        lambda w: {"category": "party_government_organ"},
        "application/json",
    ),
    "list_team_members": Endpoint(
        "GET", lambda w: f"/api/v1/teams/{w.team.pk}/members?town=xinmiao", frozenset({"office", "school", "evaluator"})
    ),
    "add_team_member": Endpoint(
        "POST",
        lambda w: f"/api/v1/teams/{w.team.pk}/members?town=xinmiao",
        LECTURE_MANAGERS,
        lambda w: {"member_id": w.team_newcomer.pk, "joined_on": "2020-06-01"},
        "application/json",
        ok_statuses=(201, 400),
    ),
    "remove_team_member": Endpoint(
        "POST",
        lambda w: f"/api/v1/teams/{w.team.pk}/members/{w.team_membership.pk}/leave?town=xinmiao",
        LECTURE_MANAGERS,
        lambda w: {"left_on": "2020-12-31"},
        "application/json",
        ok_statuses=(200, 400),
    ),
    "get_targets": Endpoint("GET", lambda w: "/api/v1/targets?town=xinmiao&year=2020", XINMIAO_STRUCTURE_READERS),
    "put_targets": Endpoint(
        "PUT",
        lambda w: "/api/v1/targets?town=xinmiao&year=2020",
        frozenset({"office"}),
        lambda w: {"targets": [{"figure_key": "participation", "village_id": w.yiyang.pk, "value": "75"}]},
        "application/json",
    ),
    "list_surveys": Endpoint("GET", lambda w: "/api/v1/surveys?town=xinmiao", XINMIAO_STRUCTURE_READERS | {"resident"}),
    "get_survey": Endpoint(
        "GET", lambda w: f"/api/v1/surveys/{_survey_pk(w)}", XINMIAO_STRUCTURE_READERS | {"resident"}
    ),
    "submit_response": Endpoint(
        "POST",
        lambda w: f"/api/v1/surveys/{_survey_pk(w)}/responses",
        frozenset({"resident", "teacher"}),
        lambda w: {"answers": _online_answers_json(w)},
        "application/json",
    ),
    "submit_paper_responses": Endpoint(
        "POST",
        lambda w: f"/api/v1/surveys/{_survey_pk(w)}/paper-responses",
        SURVEY_MANAGERS,
        lambda w: {"sheets": [{"sheet_number": "0101", "village": "弋阳村", "answers": _online_answers_json(w)}]},
        "application/json",
        ok_statuses=(201, 400),  # the second permitted role sends the same sheet: refused
    ),
    "get_survey_results": Endpoint(
        "GET", lambda w: f"/api/v1/surveys/{_survey_pk(w)}/results", XINMIAO_STRUCTURE_READERS
    ),
    "get_metrics": Endpoint("GET", lambda w: "/api/v1/metrics?town=xinmiao&year=2020", XINMIAO_STRUCTURE_READERS),
    "get_figure_records": Endpoint(
        "GET",
        lambda w: "/api/v1/metrics/records?town=xinmiao&year=2020&figure=participation&part=denominator",
        XINMIAO_STRUCTURE_READERS,
    ),
    # Named residents over the API: the office and the evaluator any village; the 弋阳村 centre's
    # director only 弋阳村 (十字村 here: refused); other readers of the figures none.
    "list_participants": Endpoint(
        "GET",
        lambda w: f"/api/v1/metrics/participants?town=xinmiao&year=2020&village={w.shizi.pk}",
        frozenset({"office", "evaluator"}),
    ),
    "get_target_settings": Endpoint(
        "GET", lambda w: "/api/v1/metrics/targets?town=xinmiao&year=2020", XINMIAO_STRUCTURE_READERS
    ),
    "put_target_settings": Endpoint(
        "PUT",
        lambda w: "/api/v1/metrics/targets?town=xinmiao&year=2020",
        frozenset({"office"}),
        lambda w: {"villages": [{"village_id": w.yiyang.pk, "participation": "72"}]},
        "application/json",
    ),
    "confirm_import": Endpoint(
        "POST",
        lambda w: f"/api/v1/imports/{w.batch.pk}/confirm?town=xinmiao",
        frozenset({"office"}),
        lambda w: {"skip_invalid": False},
        "application/json",
    ),
    "list_resources": Endpoint("GET", lambda w: "/api/v1/learning/resources?town=xinmiao", XINMIAO_TOWN_READERS),
    "get_resource": Endpoint(
        "GET", lambda w: f"/api/v1/learning/resources/{w.learning_resource.pk}", XINMIAO_TOWN_READERS
    ),
    "search_resources": Endpoint("GET", lambda w: "/api/v1/learning/search?town=xinmiao&q=tjq", XINMIAO_TOWN_READERS),
    "create_resource": Endpoint(
        "POST", lambda w: "/api/v1/learning/resources", LECTURE_MANAGERS, _learning_api_resource, "application/json"
    ),
    "get_progress": Endpoint(
        "GET",
        lambda w: f"/api/v1/learning/resources/{w.learning_resource.pk}/progress",
        frozenset({"resident", "teacher"}),
    ),
    "put_progress": Endpoint(
        "PUT",
        lambda w: f"/api/v1/learning/resources/{w.learning_resource.pk}/progress",
        frozenset({"resident", "teacher"}),
        lambda w: {"position_seconds": 5, "elapsed_seconds": 5},
        "application/json",
    ),
    # The portal home's 明天的活动: a resident's own registrations (the teacher is a resident too).
    "list_tomorrow_activities": Endpoint(
        "GET", lambda w: "/api/v1/portal/tomorrow", frozenset({"resident", "teacher"})
    ),
    "list_reminders_sent": Endpoint("GET", lambda w: "/api/v1/activity-reminders?town=xinmiao", frozenset({"office"})),
    "list_conditions": Endpoint(
        "GET",
        lambda w: "/api/v1/assessment/conditions?town=xinmiao&year=2020",
        {"office", "evaluator", "center"},
    ),
    "put_conditions": Endpoint(
        "PUT",
        lambda w: f"/api/v1/assessment/conditions/{w.yiyang_centre.pk}?town=xinmiao&year=2020",
        frozenset({"office"}),
        lambda w: {"venue_place": "弋阳村便民服务中心", "venue_area": "90"},
        "application/json",
    ),
    "upload_condition_evidence": Endpoint(
        "POST",
        lambda w: f"/api/v1/assessment/conditions/{w.yiyang_centre.pk}/evidence?town=xinmiao&year=2020",
        frozenset({"office"}),
        lambda w: {"item": "staff", "file": SimpleUploadedFile("人员.png", png_bytes())},
    ),
    "get_indicators": Endpoint(
        "GET", lambda w: "/api/v1/assessment/indicators?town=xinmiao", frozenset({"office", "evaluator"})
    ),
    "load_indicators": Endpoint(
        "POST",
        lambda w: "/api/v1/assessment/indicators?town=xinmiao",
        frozenset({"office"}),
        lambda w: {"file": _indicator_sheet()},
    ),
    "get_self_assessment": Endpoint(
        "GET",
        lambda w: "/api/v1/assessment/self-assessment?town=xinmiao&year=2020&as_of=2020-12-31",
        frozenset({"office", "evaluator"}),
    ),
    "get_consistency": Endpoint(
        "GET",
        lambda w: "/api/v1/assessment/consistency?town=xinmiao&year=2020&as_of=2020-12-31",
        frozenset({"office", "evaluator"}),
    ),
    "get_evidence": Endpoint(
        "GET",
        lambda w: "/api/v1/assessment/evidence?town=xinmiao&year=2020&as_of=2020-12-31",
        frozenset({"office", "evaluator"}),
    ),
    "score_indicator": Endpoint(
        "POST",
        lambda w: "/api/v1/assessment/self-assessment/scores",
        frozenset({"office"}),
        lambda w: {
            "town": "xinmiao",
            "code": "1.1",
            "year": 2020,
            "as_of": "2020-12-31",
            "points": "4",
            "comment": "好",
        },
        "application/json",
    ),
    "get_unit_assessment": Endpoint(
        "GET",
        lambda w: "/api/v1/assessment/units?town=xinmiao&year=2020&as_of=2020-12-31",
        frozenset({"office", "evaluator", "center", "dept"}),
    ),
    "export_unit_assessment": Endpoint(
        "GET",
        lambda w: "/api/v1/assessment/units/export?town=xinmiao&year=2020&as_of=2020-12-31",
        frozenset({"office", "evaluator"}),
    ),
    "list_dossier_exports": Endpoint(
        "GET", lambda w: "/api/v1/assessment/dossiers?town=xinmiao", frozenset({"office", "evaluator"})
    ),
    "start_dossier_export": Endpoint(
        "POST",
        lambda w: "/api/v1/assessment/dossiers",
        frozenset({"office"}),
        lambda w: {"town": "xinmiao", "year": 2020, "as_of": "2020-12-31"},
        "application/json",
        ok_statuses=(202,),
    ),
    "get_dossier_export": Endpoint(
        "GET",
        lambda w: f"/api/v1/assessment/dossiers/{w.dossier_export.pk}?town=xinmiao",
        frozenset({"office", "evaluator"}),
    ),
    "download_dossier_file": Endpoint(
        "GET",
        lambda w: f"/api/v1/assessment/dossiers/{w.dossier_export.pk}/xlsx?town=xinmiao",
        frozenset({"office", "evaluator"}),
    ),
    "put_weights": Endpoint(
        "PUT",
        lambda w: "/api/v1/assessment/weights?town=xinmiao&year=2020",
        frozenset({"office"}),
        lambda w: {"weights": {"activities_with_evidence": "35"}},
        "application/json",
    ),
}


# The work plan: the office manages its town's plan; units (the school, the centre director's
# centre and committee, the department) read the plan and their own tasks and rectification
# items; evaluators read everything but notices in draft. The matrix world's plan
# (planning/tests/factories.py ``matrix_plan``) gives 民政办 a task with a file and an action
# item of a joint meeting that invited 民政办 and 弋阳村村委会, a draft criticism and an evaluation.
PLAN_READERS = frozenset({"office", "school", "center", "dept", "evaluator", "nantuo"})
XINMIAO_PLAN_READERS = PLAN_READERS - {"nantuo"}
CIVIL_AFFAIRS_PLAN = frozenset({"office", "dept"})
CIVIL_AFFAIRS_READERS = frozenset({"office", "dept", "evaluator"})
PLAN_WITH_REASON = (200, 201, 302, 400)  # a second close, an approval by the drafter, another town's unit


def _plan_file(world: World) -> dict:
    return {"file": SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")}


def _plan_item_form(world: World) -> dict:
    return {"item-unit": world.civil_affairs.pk, "item-description": "补报材料", "item-due_on": "2020-12-31"}


PAGES.update(
    {
        "planning:plan": [Endpoint("GET", lambda w: "/planning/?as_of=2020-08-01", PLAN_READERS)],
        "planning:phase-update": [
            Endpoint(
                "POST",
                lambda w: f"/planning/phases/{w.plan.phases[3].pk}/",
                frozenset({"office"}),
                lambda w: {
                    f"phase-{w.plan.phases[3].pk}-name": "全面实施",
                    f"phase-{w.plan.phases[3].pk}-ends_on": "2020-08-15",
                },
            )
        ],
        "planning:task-create": [
            Endpoint(
                "POST",
                lambda w: "/planning/tasks/new/",
                OFFICES,
                lambda w: {
                    "task-phase": w.plan.phases[4].pk,
                    "task-unit": w.civil_affairs.pk,
                    "task-title": "自查自评",
                    "task-due_on": "2020-09-20",
                },
                ok_statuses=PLAN_WITH_REASON,
            )
        ],
        "planning:task": [Endpoint("GET", lambda w: f"/planning/tasks/{w.plan.task.pk}/", CIVIL_AFFAIRS_READERS)],
        "planning:task-status": [
            Endpoint(
                "POST",
                lambda w: f"/planning/tasks/{w.plan.task.pk}/status/",
                CIVIL_AFFAIRS_PLAN,
                lambda w: {"status": "in_progress"},
            )
        ],
        "planning:task-evidence": [
            Endpoint("POST", lambda w: f"/planning/tasks/{w.plan.task.pk}/evidence/", CIVIL_AFFAIRS_PLAN, _plan_file)
        ],
        "planning:file": [Endpoint("GET", lambda w: f"/planning/files/{w.plan.file.pk}/", CIVIL_AFFAIRS_READERS)],
        "planning:meetings": [Endpoint("GET", lambda w: "/planning/meetings/", PLAN_READERS)],
        "planning:meeting-create": [
            Endpoint(
                "POST",
                lambda w: "/planning/meetings/new/",
                OFFICES,
                lambda w: {"kind": "joint", "title": "联席会议", "held_on": "2020-12-01"},
            )
        ],
        "planning:meeting": [
            Endpoint("GET", lambda w: f"/planning/meetings/{w.plan.meeting.pk}/", CIVIL_AFFAIRS_READERS | {"center"})
        ],
        "planning:meeting-attendance": [
            Endpoint(
                "POST",
                lambda w: f"/planning/meetings/{w.plan.meeting.pk}/attendance/",
                frozenset({"office"}),
                lambda w: {"invited": [w.civil_affairs.pk], "attended": [w.civil_affairs.pk]},
            )
        ],
        "planning:meeting-action": [
            Endpoint(
                "POST",
                lambda w: f"/planning/meetings/{w.plan.meeting.pk}/actions/",
                frozenset({"office"}),
                _plan_item_form,
            )
        ],
        "planning:rectifications": [Endpoint("GET", lambda w: "/planning/rectification/", PLAN_READERS)],
        "planning:rectification": [
            Endpoint("GET", lambda w: f"/planning/rectification/{w.plan.action_item.pk}/", CIVIL_AFFAIRS_READERS)
        ],
        "planning:rectification-note": [
            Endpoint(
                "POST",
                lambda w: f"/planning/rectification/{w.plan.action_item.pk}/notes/",
                CIVIL_AFFAIRS_PLAN,
                lambda w: {"text": "已派人指导"},
            )
        ],
        "planning:rectification-evidence": [
            Endpoint(
                "POST",
                lambda w: f"/planning/rectification/{w.plan.action_item.pk}/evidence/",
                CIVIL_AFFAIRS_PLAN,
                _plan_file,
            )
        ],
        "planning:rectification-close": [
            Endpoint(
                "POST",
                lambda w: f"/planning/rectification/{w.plan.action_item.pk}/close/",
                CIVIL_AFFAIRS_PLAN,
                lambda w: {"closing_note": "已整改", "closed_on": "2020-08-03"},
                ok_statuses=PLAN_WITH_REASON,
            )
        ],
        "planning:notices": [Endpoint("GET", lambda w: "/planning/notices/", PLAN_READERS)],
        "planning:notice-create": [
            Endpoint(
                "POST",
                lambda w: "/planning/notices/new/",
                OFFICES,
                lambda w: {
                    "kind": "commendation",
                    "title": "表扬通报",
                    "body": "特予表扬。",
                    "units": [w.school.pk],
                    "effective_on": "2020-06-01",
                },
                ok_statuses=PLAN_WITH_REASON,
            )
        ],
        # A draft: only its town's office sees it.
        "planning:notice": [Endpoint("GET", lambda w: f"/planning/notices/{w.plan.notice.pk}/", frozenset({"office"}))],
        "planning:notice-approve": [
            Endpoint("POST", lambda w: f"/planning/notices/{w.plan.notice.pk}/approve/", frozenset({"office"}))
        ],
        "planning:notice-publish": [
            Endpoint("POST", lambda w: f"/planning/notices/{w.plan.notice.pk}/publish/", frozenset({"office"}))
        ],
        "planning:meeting-minutes": [
            Endpoint(
                "POST",
                lambda w: f"/planning/meetings/{w.plan.meeting.pk}/minutes/",
                frozenset({"office"}),
                lambda w: {"minutes": "会议听取了各单位工作汇报。"},
            )
        ],
        "planning:notice-date": [
            Endpoint(
                "POST",
                lambda w: f"/planning/notices/{w.plan.notice.pk}/date/",
                frozenset({"office"}),
                lambda w: {"effective_on": "2020-09-01"},
            )
        ],
        "planning:settings": [
            Endpoint("GET", lambda w: "/planning/settings/", OFFICES),
            Endpoint("POST", lambda w: "/planning/settings/", OFFICES, lambda w: {"evidence_required_for_done": "on"}),
        ],
        "planning:evaluations": [
            Endpoint("GET", lambda w: "/planning/evaluations/", frozenset({"office", "evaluator", "nantuo"}))
        ],
        "planning:evaluation-create": [
            Endpoint(
                "POST",
                lambda w: "/planning/evaluations/new/",
                OFFICES,
                lambda w: {"held_on": "2020-10-30", "evaluators": "评估组", "score": "90", "conclusion": "通过"},
            )
        ],
        "planning:evaluation": [
            Endpoint(
                "GET", lambda w: f"/planning/evaluations/{w.plan.evaluation.pk}/", frozenset({"office", "evaluator"})
            )
        ],
        "planning:evaluation-item": [
            Endpoint(
                "POST",
                lambda w: f"/planning/evaluations/{w.plan.evaluation.pk}/items/",
                frozenset({"office"}),
                _plan_item_form,
            )
        ],
    }
)

_PLAN_ITEM = {"description": "补报材料", "due_on": "2020-12-31"}

API_OPERATIONS.update(
    {
        "get_plan_progress": Endpoint(
            "GET", lambda w: "/api/v1/planning/progress?town=xinmiao&as_of=2020-08-01", XINMIAO_PLAN_READERS
        ),
        "put_plan_phase": Endpoint(
            "PUT", lambda w: "/api/v1/planning/phases/3?town=xinmiao", frozenset({"office"}),
            lambda w: {"name": "全面实施", "starts_on": "2020-06-01", "ends_on": "2020-08-15"}, "application/json",
        ),
        "list_plan_tasks": Endpoint("GET", lambda w: "/api/v1/planning/tasks?town=xinmiao", XINMIAO_PLAN_READERS),
        "create_plan_task": Endpoint(
            "POST", lambda w: "/api/v1/planning/tasks", frozenset({"office"}),
            lambda w: {
                "town": "xinmiao", "phase_id": w.plan.phases[4].pk, "unit_id": w.civil_affairs.pk, "title": "自查自评",
                "due_on": "2020-09-20",
            },
            "application/json",
        ),
        "set_plan_task_status": Endpoint(
            "POST", lambda w: f"/api/v1/planning/tasks/{w.plan.task.pk}/status", CIVIL_AFFAIRS_PLAN,
            lambda w: {"status": "in_progress"}, "application/json",
        ),
        "upload_plan_task_evidence": Endpoint(
            "POST", lambda w: f"/api/v1/planning/tasks/{w.plan.task.pk}/evidence", CIVIL_AFFAIRS_PLAN, _plan_file
        ),
        "list_plan_meetings": Endpoint("GET", lambda w: "/api/v1/planning/meetings?town=xinmiao", XINMIAO_PLAN_READERS),
        "get_plan_joint_meeting_years": Endpoint(
            "GET", lambda w: "/api/v1/planning/joint-meetings?town=xinmiao", XINMIAO_PLAN_READERS
        ),
        "create_plan_meeting": Endpoint(
            "POST", lambda w: "/api/v1/planning/meetings", frozenset({"office"}),
            lambda w: {"town": "xinmiao", "kind": "joint", "title": "联席会议", "held_on": "2020-12-01"},
            "application/json",
        ),
        "get_plan_meeting": Endpoint(
            "GET", lambda w: f"/api/v1/planning/meetings/{w.plan.meeting.pk}", CIVIL_AFFAIRS_READERS | {"center"}
        ),
        "put_plan_meeting_attendance": Endpoint(
            "PUT", lambda w: f"/api/v1/planning/meetings/{w.plan.meeting.pk}/attendance", frozenset({"office"}),
            lambda w: {"invited_unit_ids": [w.civil_affairs.pk], "attended_unit_ids": [w.civil_affairs.pk]},
            "application/json",
        ),
        "create_plan_meeting_action_item": Endpoint(
            "POST", lambda w: f"/api/v1/planning/meetings/{w.plan.meeting.pk}/action-items", frozenset({"office"}),
            lambda w: {"unit_id": w.civil_affairs.pk, **_PLAN_ITEM}, "application/json",
        ),
        "list_rectification_items": Endpoint(
            "GET", lambda w: "/api/v1/planning/rectification?town=xinmiao&state=open", XINMIAO_PLAN_READERS
        ),
        "add_rectification_note": Endpoint(
            "POST", lambda w: f"/api/v1/planning/rectification/{w.plan.action_item.pk}/notes", CIVIL_AFFAIRS_PLAN,
            lambda w: {"text": "已派人指导"}, "application/json",
        ),
        "upload_rectification_evidence": Endpoint(
            "POST", lambda w: f"/api/v1/planning/rectification/{w.plan.action_item.pk}/evidence", CIVIL_AFFAIRS_PLAN,
            _plan_file,
        ),
        "close_rectification_item": Endpoint(
            "POST", lambda w: f"/api/v1/planning/rectification/{w.plan.action_item.pk}/close", CIVIL_AFFAIRS_PLAN,
            lambda w: {"closing_note": "已整改", "closed_on": "2020-08-03"}, "application/json",
            ok_statuses=PLAN_WITH_REASON,
        ),
        "list_plan_notices": Endpoint("GET", lambda w: "/api/v1/planning/notices?town=xinmiao", XINMIAO_PLAN_READERS),
        "put_plan_meeting_minutes": Endpoint(
            "PUT", lambda w: f"/api/v1/planning/meetings/{w.plan.meeting.pk}/minutes", frozenset({"office"}),
            lambda w: {"minutes": "会议听取了各单位工作汇报。"}, "application/json",
        ),
        "put_plan_notice_effective_on": Endpoint(
            "PUT", lambda w: f"/api/v1/planning/notices/{w.plan.notice.pk}/effective-on", frozenset({"office"}),
            lambda w: {"effective_on": "2020-09-01"}, "application/json",
        ),
        "get_plan_settings": Endpoint("GET", lambda w: "/api/v1/planning/settings?town=xinmiao", XINMIAO_PLAN_READERS),
        "put_plan_settings": Endpoint(
            "PUT", lambda w: "/api/v1/planning/settings?town=xinmiao", frozenset({"office"}),
            lambda w: {"evidence_required_for_done": True}, "application/json",
        ),
        "list_position_holders": Endpoint(
            "GET", lambda w: f"/api/v1/organization/positions/{w.plan.position.pk}/holders", XINMIAO_STRUCTURE_READERS
        ),
        "create_position_holder": Endpoint(
            "POST", lambda w: f"/api/v1/organization/positions/{w.plan.position.pk}/holders", frozenset({"office"}),
            lambda w: {"person_name": "王建国", "starts_on": "2020-01-01"}, "application/json",
        ),
        "list_leadership_on": Endpoint(
            "GET", lambda w: "/api/v1/organization/leadership?town=xinmiao&on=2020-06-01", XINMIAO_STRUCTURE_READERS
        ),
        "draft_plan_notice": Endpoint(
            "POST", lambda w: "/api/v1/planning/notices", frozenset({"office"}),
            lambda w: {
                "town": "xinmiao", "kind": "commendation", "title": "表扬通报", "body": "特予表扬。",
                "subjects": [{"unit_id": w.school.pk}],
            },
            "application/json",
        ),
        "approve_plan_notice": Endpoint(
            "POST", lambda w: f"/api/v1/planning/notices/{w.plan.notice.pk}/approve", frozenset({"office"}),
            ok_statuses=PLAN_WITH_REASON,
        ),
        "publish_plan_notice": Endpoint(
            "POST", lambda w: f"/api/v1/planning/notices/{w.plan.notice.pk}/publish", frozenset({"office"}),
            ok_statuses=PLAN_WITH_REASON,
        ),
        "list_plan_evaluations": Endpoint(
            "GET", lambda w: "/api/v1/planning/evaluations?town=xinmiao", frozenset({"office", "evaluator"})
        ),
        "create_plan_evaluation": Endpoint(
            "POST", lambda w: "/api/v1/planning/evaluations", frozenset({"office"}),
            lambda w: {
                "town": "xinmiao", "held_on": "2020-10-30", "evaluators": "评估组", "score": "90", "conclusion": "通过",
            },
            "application/json",
        ),
        "create_plan_evaluation_item": Endpoint(
            "POST", lambda w: f"/api/v1/planning/evaluations/{w.plan.evaluation.pk}/items", frozenset({"office"}),
            lambda w: {"unit_id": w.civil_affairs.pk, **_PLAN_ITEM}, "application/json",
        ),
        "get_plan_overview": Endpoint(
            "GET", lambda w: "/api/v1/planning/overview?town=xinmiao&as_of=2020-12-31",
            frozenset({"office", "evaluator"}),
        ),
    }
)  # fmt: skip


# The plan's audience groups and required recurring activities: read by those who read the figures,
# kept by the town office (xinmiao's groups are made with the town; one recurring activity is made
# on first use). The first permitted caller removes an entry; the next finds it gone.
def _audience_group_id(world: World) -> int:
    from communityedu.organization.audience_groups import AudienceGroup

    if not hasattr(world, "audience_group_id"):
        world.audience_group_id = AudienceGroup.objects.get(town=world.xinmiao, name="农民工").pk
    return world.audience_group_id


def _ledger_allocation_id(world: World) -> int:
    """An allocation of 新妙镇's ledger (made once, with the matrix's world)."""
    if not hasattr(world, "ledger_allocation_id"):
        from communityedu.funding.services import record_allocation

        world.ledger_allocation_id = record_allocation(
            town=world.xinmiao, year=2020, source="town_finance", amount=Decimal("7000.00"),
            dated_on=date(2020, 3, 2), voucher_number="2020-001", actor=world.accounts["office"],
        ).pk  # fmt: skip
    return world.ledger_allocation_id


def _matrix_team(world: World) -> None:
    """A volunteer team with one member (李德福) and a volunteer of the register not in it (王桂芬)."""
    from communityedu.incentives import services as incentive_services
    from communityedu.organization.services import save_unit

    world.team = save_unit(
        unit=None, town=world.xinmiao, values={"name": "社区教育坝坝舞队", "unit_type": "team"}, actor=None
    )
    member, world.team_newcomer = (
        incentive_services.save_team_member(
            actor=None,
            town=world.xinmiao,
            person=world.people[name],
            values={"category": "volunteer", "employer": world.civil_affairs},
        )
        for name in ("li", "wang")
    )
    world.team_membership = incentive_services.add_to_team(
        actor=None, team=world.team, member=member, joined_on=date(2020, 6, 1)
    )


def _recurring_activity_id(world: World) -> int:
    from communityedu.organization.recurring_activities import save_recurring_activity

    if not hasattr(world, "recurring_activity_id"):
        world.recurring_activity_id = save_recurring_activity(
            town=world.xinmiao,
            recurring=None,
            values={"title": "六一儿童节活动", "unit": world.school, "month": 6, "day": 1, "keyword": "六一",
                    "active_from_year": 2020},
            actor=None,
        ).pk  # fmt: skip
    return world.recurring_activity_id


def _recurring_body(world: World) -> dict:
    return {"title": "五四青年节活动", "unit_id": world.school.pk, "month": 5, "day": 4, "keyword": "五四",
            "active_from_year": 2020}  # fmt: skip


PAGES.update(
    {
        "dashboard:audience-groups": [
            Endpoint("GET", lambda w: "/staff/targets/audience-groups/?year=2020", STRUCTURE_READERS),
            Endpoint(
                "POST",
                lambda w: "/staff/targets/audience-groups/?year=2020",
                OFFICES,
                lambda w: {"name": "残疾人", "tag_name": "残疾人", "match": "all"},
            ),
        ],
        "dashboard:audience-group-people": [
            Endpoint(
                "GET",
                lambda w: f"/staff/targets/audience-groups/{_audience_group_id(w)}/?town=xinmiao&year=2020",
                XINMIAO_STRUCTURE_READERS,
            )
        ],
        "dashboard:audience-group-delete": [
            Endpoint("POST", lambda w: f"/staff/targets/audience-groups/{_audience_group_id(w)}/delete/", {"office"})
        ],
        "dashboard:recurring-activities": [
            Endpoint("GET", lambda w: "/staff/targets/recurring-activities/?year=2020", STRUCTURE_READERS),
            Endpoint(
                "POST",
                lambda w: "/staff/targets/recurring-activities/?year=2020",
                OFFICES,
                lambda w: _recurring_body(w) | {"unit": w.school.pk, "activity_kind": ""},
                ok_statuses=(302, 400),  # nantuo's office cannot name xinmiao's school
            ),
        ],
        "dashboard:recurring-activity-delete": [
            Endpoint(
                "POST",
                lambda w: f"/staff/targets/recurring-activities/{_recurring_activity_id(w)}/delete/",
                frozenset({"office"}),
            )
        ],
    }
)
API_OPERATIONS.update(
    {
        "list_audience_groups": Endpoint(
            "GET", lambda w: "/api/v1/organization/audience-groups?town=xinmiao", XINMIAO_STRUCTURE_READERS
        ),
        "create_audience_group": Endpoint(
            "POST",
            lambda w: "/api/v1/organization/audience-groups?town=xinmiao",
            frozenset({"office"}),
            lambda w: {"name": "残疾人", "tag_name": "残疾人"},
            "application/json",
        ),
        "update_audience_group": Endpoint(
            "PUT",
            lambda w: f"/api/v1/organization/audience-groups/{_audience_group_id(w)}?town=xinmiao",
            frozenset({"office"}),
            lambda w: {"name": "农民工", "tag_name": "外出务工"},
            "application/json",
        ),
        "delete_audience_group": Endpoint(
            "DELETE",
            lambda w: f"/api/v1/organization/audience-groups/{_audience_group_id(w)}?town=xinmiao",
            frozenset({"office"}),
            ok_statuses=(204, 404),
        ),
        "list_recurring_activities": Endpoint(
            "GET", lambda w: "/api/v1/organization/recurring-activities?town=xinmiao", XINMIAO_STRUCTURE_READERS
        ),
        "create_recurring_activity": Endpoint(
            "POST",
            lambda w: "/api/v1/organization/recurring-activities?town=xinmiao",
            frozenset({"office"}),
            _recurring_body,
            "application/json",
        ),
        "update_recurring_activity": Endpoint(
            "PUT",
            lambda w: f"/api/v1/organization/recurring-activities/{_recurring_activity_id(w)}?town=xinmiao",
            frozenset({"office"}),
            _recurring_body,
            "application/json",
        ),
        "delete_recurring_activity": Endpoint(
            "DELETE",
            lambda w: f"/api/v1/organization/recurring-activities/{_recurring_activity_id(w)}?town=xinmiao",
            frozenset({"office"}),
            ok_statuses=(204, 404),
        ),
    }
)


def _named_patterns(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        re.sub(r"^communityedu_api_[a-z]+_", "", op["operationId"])
        for path in schema["paths"].values()
        for op in path.values()
    }


def test_every_url_pattern_has_a_declared_rule():
    assert _named_patterns(get_resolver()) == set(PAGES)


def test_the_auditor_reaches_only_the_audit_log_and_its_own_account_beyond_what_visitors_see():
    """等保's 安全审计员 reviews the logs: the dossier is the evaluator's, the town's records its staff's."""
    pages = {
        name
        for name, endpoints in PAGES.items()
        for endpoint in endpoints
        if "auditor" in endpoint.allowed and "anonymous" not in endpoint.allowed
    }
    operations = {
        name
        for name, endpoint in API_OPERATIONS.items()
        if "auditor" in endpoint.allowed and "anonymous" not in endpoint.allowed
    }

    assert pages == {
        "dashboard:audit-log",
        "accounts:security",
        "accounts:password",
        "accounts:two-factor",
        "accounts:sign-out-everywhere",
        "check-in",  # a venue's page, as visitors see it; posting answers that only residents check in
    }
    assert operations == {"list_towns"}  # answers an empty list: the role makes no town readable


def test_every_api_operation_has_a_declared_rule():
    assert _api_operations() == set(API_OPERATIONS)


def _database_state() -> list[tuple]:
    """Row count and latest change of every domain table, read in one statement (a query per
    table made this test the slowest of the suite on PostgreSQL)."""
    parts, labels = [], []
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "core"} or model._meta.proxy or not model._meta.managed:
            continue  # sessions and the sign-in audit entries change by signing in
        fields = {f.name: f for f in model._meta.concrete_fields}
        latest = (
            f"CAST(MAX({connection.ops.quote_name(fields['updated_at'].column)}) AS TEXT)"
            if "updated_at" in fields
            else "CAST(NULL AS TEXT)"
        )
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"SELECT %s, COUNT(*), {latest} FROM {table}")  # noqa: S608 - names quoted by the backend
        labels.append(model._meta.label)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), labels)
        return sorted(cursor.fetchall()) + _account_digests()


def _account_digests() -> list[tuple]:
    """A digest of every account row and every role assignment, column by column: accounts have
    no ``updated_at``, and a queryset ``update()`` (is_active, the password hash, a lock, the
    session generation, the second factor, a role) moves no ``updated_at`` either."""
    digests = []
    for model in (get_user_model(), RoleAssignment):
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = list(model.objects.order_by("pk").values_list(*columns))
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        digests.append((f"{model._meta.label} rows", len(rows), digest))
    return digests


def _client_for(role: str, client_factory):
    client = client_factory()
    if role == "resident":
        client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    elif role != "anonymous":
        client.post("/accounts/sign-in/", {"username": role, "password": PASSWORD})
    return client


def _request(client, endpoint: Endpoint, world: World):
    path = endpoint.path(world)
    if endpoint.method == "DELETE":
        return client.delete(path)
    if endpoint.method in ("POST", "PUT"):
        data = endpoint.data(world) if endpoint.data else {}
        send = getattr(client, endpoint.method.lower())
        if endpoint.content_type:
            return send(path, data, content_type=endpoint.content_type)
        return send(path, data)
    return client.get(path)


def _check(endpoint: Endpoint, world: World, is_api: bool):
    from django.test import Client

    # Refused roles first, so a permitted write cannot hide a refused one.
    for role in sorted(EVERYONE - endpoint.allowed) + sorted(endpoint.allowed):
        client = _client_for(role, Client)
        before = _database_state()
        response = _request(client, endpoint, world)
        where = f"{endpoint.method} {endpoint.path(world)} as {role}"
        if role in endpoint.allowed:
            assert response.status_code in endpoint.ok_statuses, f"{where}: {response.status_code}"
            if response.status_code == 302 and role != "anonymous":
                assert "sign-in/" not in response["Location"], where
        else:
            expected = ({401} if is_api else {302}) if role == "anonymous" else {403, 404}
            assert response.status_code in expected, f"{where}: {response.status_code}"
            if role == "anonymous" and not is_api:
                assert re.match(r"^/accounts/(resident-)?sign-in/", response["Location"]), where
            assert _database_state() == before, f"{where} changed the database"


@pytest.fixture
def matrix_world(world):
    """The shared world with one photo attached to its lecture (the evidence rows) and a resident's
    published question on it (the exchange rows)."""
    world.question = question(world)
    world.news_item = news_item(world, cover=SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png"))
    # Every permitted role reports the question in turn: keep it published throughout.
    save_policy(
        actor=world.accounts["moderator"], town=world.xinmiao, review_policy="review_first", report_threshold=20,
        banned_words="",
    )  # fmt: skip
    world.evidence = attach_evidence(
        actor=world.accounts["office"],
        activity=world.lecture,
        kind="photo",
        upload=SimpleUploadedFile("合影.png", png_bytes(), content_type="image/png"),
    )
    world.learning_resource = _learning_resource(world)
    world.plan = matrix_plan(world)
    world.center_batch = upload_roster(
        actor=world.accounts["center"], town=world.xinmiao, file_name="弋阳村补录.csv",
        content="姓名,性别,出生日期,村\n赵小梅,女,1962-03-04,弋阳村\n".encode(),
    )  # fmt: skip
    _matrix_surveys(world)
    _matrix_assessment(world)
    world.join_request = _matrix_join_request(world)
    world.card_job = _matrix_card_job(world)
    _recurring_activity_id(world)
    _matrix_team(world)
    _ledger_allocation_id(world)
    return world


@pytest.mark.parametrize(
    ("name", "index"), [(name, i) for name, endpoints in PAGES.items() for i in range(len(endpoints))]
)
def test_page_access_follows_the_matrix(matrix_world, name, index):
    _check(PAGES[name][index], matrix_world, is_api=False)


@pytest.mark.parametrize("operation", sorted(API_OPERATIONS))
def test_api_access_follows_the_matrix(matrix_world, operation):
    _check(API_OPERATIONS[operation], matrix_world, is_api=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("is_active", False),
        ("password", "md5$changed$0"),
        ("must_change_password", True),
        ("locked_until", "2030-01-01T00:00:00Z"),
        ("failed_sign_in_count", 3),
        ("session_generation", 7),
        ("totp_secret_encrypted", "secret"),
    ],
)
def test_the_nothing_changed_check_notices_an_account_changed_in_place(world, field, value):
    before = _database_state()

    get_user_model().objects.filter(pk=world.accounts["teacher"].pk).update(**{field: value})

    after = _database_state()
    assert after != before
    # the row counts and latest updated_at alone would not have seen it: accounts have no updated_at
    assert [row for row in after if not row[0].endswith(" rows")] == [
        row for row in before if not row[0].endswith(" rows")
    ]


def test_the_nothing_changed_check_notices_a_role_changed_by_a_queryset_update(world):
    before = _database_state()

    RoleAssignment.objects.filter(user=world.accounts["teacher"]).update(role=Role.TOWN_OFFICE)

    assert _database_state() != before


def test_the_nothing_changed_check_sees_no_change_when_nothing_was_written(world):
    assert _database_state() == _database_state()
