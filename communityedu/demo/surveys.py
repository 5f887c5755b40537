"""The demo town's surveys: Xinmiao's 2020 standard survey, closed, with 3,100 paper sheets from
every village, and this year's survey, open for the demo resident to answer.

The 2020 answers are drawn with a fixed seed, so every load gives the same figures: awareness
about 82%, recognition about 78%, satisfaction about 85%. Idempotent: a survey is found by its
title, and one already there is left as it is.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from communityedu.organization.models import Town, Village, VillagePopulation
from communityedu.surveys import services
from communityedu.surveys.answers import CheckedAnswer
from communityedu.surveys.constants import QuestionKind
from communityedu.surveys.models import Survey
from communityedu.surveys.services import PaperSheet

STANDARD_2020_TITLE = "2020年新妙镇社区教育居民问卷"
PAPER_SHEETS_2020 = 3100
# Shares of each answer: yes for awareness; the points 5…1 for recognition and satisfaction.
AWARENESS_YES = 0.82
RECOGNITION_POINTS = {5: 0.40, 4: 0.38, 3: 0.14, 2: 0.06, 1: 0.02}
SATISFACTION_POINTS = {5: 0.47, 4: 0.38, 3: 0.10, 2: 0.04, 1: 0.01}
SEED = 2020


def load_surveys(town: Town) -> list[Survey]:
    surveys = [_standard_2020(town)]
    surveys.append(_this_year(town))
    return surveys


def _draw(rng: random.Random, shares: dict[int, float]) -> int:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _standard_2020(town: Town) -> Survey:
    existing = Survey.objects.filter(town=town, title=STANDARD_2020_TITLE).first()
    if existing:
        return existing
    with transaction.atomic():
        survey = services.create_survey(
            actor=None,
            town=town,
            values={
                "title": STANDARD_2020_TITLE,
                "year": 2020,
                "is_standard": True,
                "introduction": "本问卷由各村（社区）发放纸质答卷，匿名填写，只做统计。",
            },
        )
        questions = {q.standard_key: q for q in services.add_standard_questions(actor=None, survey=survey)}
        services.open_survey(actor=None, survey=survey, today=date(2020, 11, 2))
        services.record_paper_responses(actor=None, survey=survey, sheets=_sheets_2020(town, questions))
        services.close_survey(actor=None, survey=survey, closed_on=date(2020, 12, 18))
    return survey


def _sheets_2020(town: Town, questions: dict) -> list[PaperSheet]:
    """Sheets spread over the villages in proportion to their 2020 population."""
    rng = random.Random(SEED)  # noqa: S311 - synthetic demo data
    villages = list(Village.objects.filter(town=town).order_by("code"))
    population = dict(
        VillagePopulation.objects.filter(town=town, year=2020).values_list("village_id", "resident_population")
    )
    weights = [population.get(v.pk, 1) for v in villages]
    sheets = []
    for number in range(1, PAPER_SHEETS_2020 + 1):
        village = rng.choices(villages, weights=weights)[0]
        answers = [
            CheckedAnswer(questions["awareness"], value=1 if rng.random() < AWARENESS_YES else 0),
            CheckedAnswer(questions["recognition"], value=_draw(rng, RECOGNITION_POINTS)),
            CheckedAnswer(questions["satisfaction"], value=_draw(rng, SATISFACTION_POINTS)),
        ]
        sheets.append(PaperSheet(number, f"2020-{number:04d}", village, answers))
    return sheets


def _this_year(town: Town) -> Survey:
    year = timezone.localdate().year
    title = f"{year}年社区教育居民问卷"
    existing = Survey.objects.filter(town=town, title=title).first()
    if existing:
        return existing
    with transaction.atomic():
        survey = services.create_survey(
            actor=None, town=town, values={"title": title, "year": year, "is_standard": True}
        )
        services.add_standard_questions(actor=None, survey=survey)
        services.add_question(
            actor=None,
            survey=survey,
            text="您最希望参加哪些学习活动？（可多选）",
            kind=QuestionKind.MULTIPLE_CHOICE,
            choices=["健康养生", "种养技术", "法律知识", "文艺体育", "手机与网络", "家庭教育"],
        )
        services.add_question(
            actor=None, survey=survey, text="您对社区教育还有什么建议？", kind=QuestionKind.FREE_TEXT, is_required=False
        )
        services.open_survey(actor=None, survey=survey)
    return survey
