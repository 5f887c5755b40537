"""Markup typed into any user text is shown as text, never run: every kind of user-text field is
sent through its page with a script and an event-handler image, and every page that shows it is
read back. (No template marks user text safe; there is no rich-text field, so nothing is sanitised:
it is all escaped by Django's templates.)"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from communityedu.activities.models import Activity
from communityedu.exchange import services as exchange_services
from communityedu.exchange.models import Post
from communityedu.news.models import NewsItem
from communityedu.organization.models import Unit
from communityedu.people import services as people_services
from communityedu.people.models import Sex
from communityedu.surveys.models import Survey

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)><b>粗</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;粗&lt;/b&gt;"


def _shows_it_escaped(page: str, text: str = ATTACK, escaped: str = ESCAPED) -> bool:
    return escaped in page and text not in page and "<script>alert" not in page and "<img src=x" not in page


def _markers(pages: dict[str, str], *, text: str = ATTACK, escaped: str = ESCAPED) -> dict[str, bool]:
    return {where: _shows_it_escaped(page, text, escaped) for where, page in pages.items()}


def test_no_template_marks_user_text_safe():
    root = Path(__file__).resolve().parents[3]
    templates = [*root.glob("templates/**/*.html"), *root.glob("communityedu/*/templates/**/*.html")]
    unsafe = re.compile(r"\|\s*safe\b|\{%\s*autoescape\s+off")

    assert len(templates) > 80
    assert [str(path) for path in templates if unsafe.search(path.read_text())] == []


def test_a_comment_with_markup_is_shown_as_text_to_its_author_and_to_the_moderator(world, sign_in):
    exchange_services.save_policy(
        actor=world.accounts["moderator"],
        town=world.xinmiao,
        review_policy="publish_then_review",
        report_threshold=3,
        banned_words="",
    )
    resident = sign_in("resident")
    resident.post(
        "/exchange/posts/",
        {"target": "activities.activity", "id": world.lecture.pk, "kind": "comment", "body": ATTACK},
    )
    assert Post.objects.get().body == ATTACK  # kept as typed, escaped when shown

    pages = {
        "portal activity": resident.get(f"/portal/activities/{world.lecture.pk}/").content.decode(),
        "staff activity": sign_in("office").get(f"/activities/{world.lecture.pk}/").content.decode(),
    }

    assert _markers(pages) == {"portal activity": True, "staff activity": True}


def test_a_news_body_and_title_with_markup_are_shown_as_text(world, sign_in):
    office = sign_in("office")
    office.post(
        "/news/manage/new/",
        {"kind": "news", "title": ATTACK, "body": ATTACK, "unit": world.school.pk, "publish_on": "2020-01-01"},
    )
    item = NewsItem.objects.get()
    office.post(f"/news/manage/{item.pk}/publish/", {"action": "publish"})

    pages = {
        "public detail": office.get(f"/news/{item.pk}/").content.decode(),
        "public list": office.get("/news/").content.decode(),
        "manage list": office.get("/news/manage/").content.decode(),
    }

    assert item.body == ATTACK
    assert _markers(pages) == {"public detail": True, "public list": True, "manage list": True}


def test_an_activity_summary_and_title_with_markup_are_shown_as_text(world, sign_in):
    office = sign_in("office")
    office.post(
        "/activities/new/",
        {
            "title": ATTACK,
            "kind": "training",
            "organiser": world.school.pk,
            "venue_place": "弋阳村文化广场",
            "starts_at": "2026-12-05T09:00",
            "ends_at": "2026-12-05T11:00",
            "capacity": "40",
            "summary": ATTACK,
        },
    )
    activity = Activity.objects.get(summary=ATTACK)

    pages = {
        "staff detail": office.get(f"/activities/{activity.pk}/").content.decode(),
        "portal detail": sign_in("resident").get(f"/portal/activities/{activity.pk}/").content.decode(),
    }

    assert _markers(pages) == {"staff detail": True, "portal detail": True}


def test_survey_texts_and_a_free_text_answer_with_markup_are_shown_as_text(world, sign_in):
    office = sign_in("office")
    office.post("/surveys/new/", {"title": ATTACK, "year": "2026", "introduction": ATTACK})
    survey = Survey.objects.get()
    office.post(f"/surveys/{survey.pk}/questions/", {"text": ATTACK, "kind": "free_text"})
    office.post(f"/surveys/{survey.pk}/open/")
    question = survey.questions.get()
    resident = sign_in("resident")

    resident.post(f"/surveys/{survey.pk}/answer/", {f"q{question.pk}": ATTACK})

    pages = {"answered": resident.get(f"/surveys/{survey.pk}/answer/").content.decode()}
    office = sign_in("office")  # the same test client, signed in again
    pages |= {
        "builder": office.get(f"/surveys/{survey.pk}/").content.decode(),
        "results": office.get(f"/surveys/{survey.pk}/results/").content.decode(),
    }
    assert _markers(pages) == {"builder": True, "results": True, "answered": True}
    assert pages["answered"].count(ESCAPED) >= 3  # title, question and the answer given


def test_names_with_markup_are_shown_as_text(world, sign_in):
    office = sign_in("office")
    office.post(
        "/org/units/new/",
        {
            "name": ATTACK,
            "unit_type": "mass_organization",
            "aliases": "",
            "duties": ATTACK,
            "description": ATTACK,
        },
    )
    unit = Unit.objects.get(description=ATTACK)
    person = people_services.create_person(
        town=world.xinmiao,
        values={
            "name": "<i>张</i>三",
            "sex": Sex.MALE,
            "birth_date": date(1970, 1, 1),
            "village": world.yiyang,
            "village_group": "<b>1组</b>",
        },
    )

    pages = {
        "unit": office.get(f"/org/units/{unit.pk}/").content.decode(),
        "structure": office.get("/org/").content.decode(),
    }
    people = {
        "register": office.get("/people/?q=张").content.decode(),
        "person": office.get(f"/people/{person.pk}/").content.decode(),
    }

    assert _markers(pages) == {"unit": True, "structure": True}
    assert {where: ("&lt;i&gt;张&lt;/i&gt;三" in page, "<i>张</i>" in page) for where, page in people.items()} == {
        "register": (True, False),
        "person": (True, False),
    }
