"""Surveys: how the town learns what residents know and think of community education.

The plan sets three survey targets: residents' **awareness** (知晓率) and **recognition** (认同率)
of the town's community-education programme, at least 80%, and their **satisfaction** (满意率),
at least 70%. A **survey** is a questionnaire of one town and one year, built by the town office or
the community school, then opened for answers and closed. Each year one survey is marked the
year's **standard survey**: its three **standard questions** (one per figure, a five-point scale or
yes/no) are what the figures read. Other questions — single or multiple choice, a scale, yes/no,
free text — serve the town's own purposes.

A **response** is one resident's completed questionnaire. Residents answer on their phones (online,
tied to their account's person: once per survey) or on paper sheets the villages hand out and a
clerk enters later (tied to the sheet's number: once per sheet). The tie prevents double counting;
results are only ever shown in aggregate, never who answered what. Each response records the
respondent's village, so the figures can be given per village, with the respondents' share of the
village's resident population beside them.

A figure's *positive* answers are the top two points of the scale (or "yes") among the valid
answers to its standard question, in the latest closed standard survey of the year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel
from communityedu.surveys.constants import (
    SCALE_LABELS,
    YES_NO_LABELS,
    Channel,
    QuestionKind,
    StandardKey,
    SurveyStatus,
)


class Survey(TownScopedModel):
    title = models.CharField(_("title"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(
        _("closes on"), null=True, blank=True, help_text=_("Once the survey is closed: the day it closed.")
    )
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    is_standard = models.BooleanField(
        _("the year's standard survey"),
        default=False,
        help_text=_("Its awareness, recognition and satisfaction questions give the year's figures."),
    )
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        ordering = ["town", "-year", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="survey_year_sensible"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == SurveyStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == SurveyStatus.CLOSED


class Question(TownScopedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_required = models.BooleanField(_("an answer is required"), default=True)
    standard_key = models.CharField(
        _("standard question"), max_length=20, choices=StandardKey.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "survey", "standard_key"],
                condition=~Q(standard_key=""),
                name="standard_question_once_per_survey",
            ),
            models.CheckConstraint(
                condition=Q(standard_key="") | Q(kind__in=[QuestionKind.SCALE, QuestionKind.YES_NO]),
                name="standard_question_is_scale_or_yes_no",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def value_labels(self) -> list[tuple[int, str]]:
        """The answers of a scale or yes/no question, best first, as (value, label)."""
        if self.kind == QuestionKind.SCALE:
            labels = SCALE_LABELS.get(self.standard_key, SCALE_LABELS[""])
            return [(value, str(labels[value])) for value in (5, 4, 3, 2, 1)]
        if self.kind == QuestionKind.YES_NO:
            return [(value, str(label)) for value, label in YES_NO_LABELS.items()]
        return []


class Choice(TownScopedModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    text = models.CharField(_("choice"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class Response(TownScopedModel):
    """One completed questionnaire: online by a resident's account, or one paper sheet."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("respondent"),
    )
    sheet_number = models.CharField(_("sheet number"), max_length=30, blank=True)
    village = models.ForeignKey(
        "organization.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village/community"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["survey", "submitted_at", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "survey", "person"],
                condition=Q(person__isnull=False),
                name="response_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["town", "survey", "sheet_number"],
                condition=~Q(sheet_number=""),
                name="response_once_per_paper_sheet",
            ),
            models.CheckConstraint(
                condition=Q(channel=Channel.ONLINE, person__isnull=False, sheet_number="")
                | (Q(channel=Channel.PAPER, person__isnull=True) & ~Q(sheet_number="")),
                name="response_names_its_respondent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(TownScopedModel):
    """The answer of one response to one question: a choice (one row per ticked choice of a
    multiple-choice question), a value (scale point 1-5; yes = 1, no = 0) or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", verbose_name=_("choice")
    )
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["response", "question", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "response", "question"],
                condition=Q(choice__isnull=True),
                name="answer_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["town", "response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="choice_ticked_once_per_answer",
            ),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__lte=5), name="answer_value_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
