"""Everything in a town's record for a year that says one thing while another record says
otherwise: what the self-assessment's 一致性检查 panel, ``GET /api/v1/assessment/consistency`` and
the dossier's first pages list, each with the page that puts it right.

Two sources:

- the manual scores that count for the year (the latest of each manual indicator), read here:
  ``manual_score_above_maximum`` when the points exceed the indicator's maximum, and
  ``manual_score_contradicts_figure`` when the comment states a number that a figure or a register
  counts, and the figure or register says otherwise;
- the plan's records (tasks done without evidence, meetings without minutes, notices without an
  effective date), read by ``planning.consistency.planning_inconsistencies``.

**What a comment is checked for.** Only the phrases of ``CLAIMS`` below are recognised — a small,
explicit table, never a guess: each names a pattern of the comment (Arabic digits only; a number
written in Chinese characters is not read) and the count it names:

=========================  ===========================================  ==============================
claim                      recognised wording (N the number)            compared with
=========================  ===========================================  ==============================
``part_time_teachers``     兼职讲师/兼职教师 N名(人、位); N名兼职讲师…      active part-time teachers of
                                                                        the team register (now)
``full_time_teachers``     专职讲师/专职教师 N名; N名专职讲师…              active full-time teachers
``volunteers``             志愿者 N名; N名志愿者                          active volunteers
``joint_meetings``         联席会议 N次; N次联席会议                       joint meetings held in the year
                                                                        up to the cut-off
``lectures_held``          大讲堂 N次(场、期); N次大讲堂                    lecture-hall lectures held in
                                                                        the year (the figure's count)
``participation``          参与率 N%                                      the participation figure
``awareness``              知晓率 N%                                      the awareness figure
``recognition``            认同率 N%                                      the recognition figure
``satisfaction``           满意率/满意度 N%                               the satisfaction figure
=========================  ===========================================  ==============================

A few connecting words may sit between the phrase and the number (为, 达, 达到, 是, 共, 有, 举办,
召开, 开展). A percentage agrees with a figure when the figure, rounded half up to as many decimals
as the comment gives, is the number written (``72%`` agrees with 71.84%, ``71.8%`` too, ``70%``
does not); a figure without data disagrees with any percentage. A count agrees when it is equal.
The register has no dates: its counts are the register as it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communityedu.assessment.constants import ScoringMethod
from communityedu.assessment.selectors import ScoredTree, scored_tree
from communityedu.core.consistency import Inconsistency
from communityedu.incentives.models import TeamCategory, TeamMember
from communityedu.metrics.base import effective_as_of
from communityedu.metrics.figures import figures_for
from communityedu.planning.consistency import planning_inconsistencies
from communityedu.planning.constants import MeetingKind
from communityedu.planning.models import Meeting

if TYPE_CHECKING:
    from collections.abc import Callable

    from django_stubs_ext import StrOrPromise

    from communityedu.metrics.base import Figure
    from communityedu.organization.models import Town

COUNT = "count"
PERCENT = "percent"
_LINK = r"(?:为|达到|达|是|共|有|举办了?|召开了?|开展了?)?"
_NUMBER = r"(\d+(?:\.\d+)?)"


def _count_patterns(phrase: str, units: str) -> tuple[re.Pattern, ...]:
    return (
        re.compile(rf"{phrase}\s*{_LINK}\s*(\d+)\s*(?:{units})"),
        re.compile(rf"(\d+)\s*(?:{units})\s*{phrase}"),
    )


def _percent_pattern(phrase: str) -> tuple[re.Pattern, ...]:
    return (re.compile(rf"{phrase}\s*{_LINK}\s*{_NUMBER}\s*[%％]"),)


@dataclass(frozen=True)
class Claim:
    """A recognised phrase of a comment and the count or figure it names."""

    key: str
    patterns: tuple[re.Pattern, ...]
    kind: str  # COUNT or PERCENT
    label: StrOrPromise  # what the record holds, named in the message
    figure: str = ""  # the figure key read (PERCENT claims, and lectures held)


PEOPLE = "名|人|位"
CLAIMS: tuple[Claim, ...] = (
    Claim(
        "part_time_teachers",
        _count_patterns("兼职(?:讲师|教师)", PEOPLE),
        COUNT,
        gettext_lazy("part-time teachers in the team register"),
    ),
    Claim(
        "full_time_teachers",
        _count_patterns("专职(?:讲师|教师)", PEOPLE),
        COUNT,
        gettext_lazy("full-time teachers in the team register"),
    ),
    Claim("volunteers", _count_patterns("志愿者", PEOPLE), COUNT, gettext_lazy("volunteers in the team register")),
    Claim(
        "joint_meetings",
        _count_patterns("联席会议", "次"),
        COUNT,
        gettext_lazy("joint meetings recorded in the year"),
    ),
    Claim(
        "lectures_held",
        _count_patterns("大讲堂", "次|场|期"),
        COUNT,
        gettext_lazy("lecture-hall lectures held in the year"),
        figure="lecture_hall",
    ),
    Claim(
        "participation", _percent_pattern("参与率"), PERCENT, gettext_lazy("the participation rate"), "participation"
    ),
    Claim("awareness", _percent_pattern("知晓率"), PERCENT, gettext_lazy("the awareness rate"), "awareness"),
    Claim("recognition", _percent_pattern("认同率"), PERCENT, gettext_lazy("the recognition rate"), "recognition"),
    Claim(
        "satisfaction",
        _percent_pattern("满意(?:率|度)"),
        PERCENT,
        gettext_lazy("the satisfaction rate"),
        "satisfaction",
    ),
)

REGISTER_CATEGORIES = {
    "part_time_teachers": TeamCategory.PART_TIME_TEACHER,
    "full_time_teachers": TeamCategory.FULL_TIME_TEACHER,
    "volunteers": TeamCategory.VOLUNTEER,
}


@dataclass(frozen=True)
class Stated:
    """One number a comment states for a claim, as written."""

    claim: Claim
    text: str  # the words matched, e.g. 兼职讲师26名
    number: Decimal


def stated_numbers(comment: str) -> list[Stated]:
    """Every number of ``comment`` attached to a recognised phrase, in the order written."""
    found: list[tuple[int, Stated]] = []
    taken: list[tuple[int, int]] = []
    for claim in CLAIMS:
        for pattern in claim.patterns:
            for match in pattern.finditer(comment):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                taken.append(span)
                found.append((span[0], Stated(claim=claim, text=match.group(0), number=Decimal(match.group(1)))))
    return [stated for _start, stated in sorted(found, key=lambda item: item[0])]


def _percent_agrees(stated: Decimal, value: Decimal | None) -> bool:
    if value is None:
        return False
    places = -stated.as_tuple().exponent if stated.as_tuple().exponent < 0 else 0
    return (value * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == stated


def _percent_display(value: Decimal | None) -> str:
    return _("no data") if value is None else f"{value * 100:.2f}%"


class _Actuals:
    """What the records hold for each claim, each read once and only when a comment names it."""

    def __init__(self, *, town: Town, year: int, as_of: date, figures: dict[str, Figure]) -> None:
        self.town, self.year, self.as_of = town, year, as_of
        self._figures = figures
        self._counts: dict[str, int] = {}

    def figure(self, key: str) -> Figure | None:
        if key not in self._figures:
            computed = figures_for(towns=[self.town], year=self.year, as_of=self.as_of, detail_town_ids=[])
            self._figures.update({figure.key: figure for figure in computed[self.town.pk]})
        return self._figures.get(key)

    def count(self, claim: Claim) -> int | None:
        if claim.key not in self._counts:
            reader: Callable[[], int | None] = {
                "joint_meetings": self._joint_meetings,
                "lectures_held": self._lectures_held,
            }.get(claim.key, lambda: self._register(claim.key))
            self._counts[claim.key] = reader()
        return self._counts[claim.key]

    def _register(self, key: str) -> int:
        return TeamMember.objects.filter(town=self.town, is_active=True, category=REGISTER_CATEGORIES[key]).count()

    def _joint_meetings(self) -> int:
        return Meeting.objects.filter(
            town=self.town,
            kind=MeetingKind.JOINT,
            held_on__year=self.year,
            held_on__lte=effective_as_of(self.year, self.as_of),
        ).count()

    def _lectures_held(self) -> int | None:
        figure = self.figure("lecture_hall")
        return None if figure is None else figure.beside.get("lectures_held")


def _score_url(*, year: int, as_of: date, code: str) -> str:
    return f"{reverse('assessment:self-assessment')}?year={year}&as_of={as_of.isoformat()}#indicator-{code}"


def manual_score_inconsistencies(
    *, town: Town, year: int, as_of: date, tree: ScoredTree | None = None
) -> list[Inconsistency]:
    """The manual scores that count for ``year`` whose points exceed their indicator's maximum
    or whose comment states a number the records contradict (see the module's table). ``tree``:
    the current version's tree for the same period, when the caller has read it already."""
    if tree is None:
        tree = scored_tree(town=town, year=year, as_of=as_of)
    if tree is None:
        return []
    actuals = _Actuals(town=town, year=year, as_of=as_of, figures=dict(tree.figures))
    found = []
    for node in tree.nodes:
        score = node.manual
        if node.indicator.method != ScoringMethod.MANUAL or score is None:
            continue
        url = _score_url(year=year, as_of=as_of, code=node.code)
        record = f"assessment.manualscore:{score.pk}"
        if score.points > node.indicator.points:
            found.append(
                Inconsistency(
                    kind="manual_score_above_maximum",
                    message=_("%(code)s %(name)s: scored %(points)s, more than its %(maximum)s points.")
                    % {
                        "code": node.code,
                        "name": node.indicator.name,
                        "points": score.points,
                        "maximum": node.indicator.points,
                    },
                    url=url,
                    record=record,
                )
            )
        for stated in stated_numbers(score.comment):
            claim = stated.claim
            if claim.kind == PERCENT:
                figure = actuals.figure(claim.figure)
                if figure is None:
                    continue
                if _percent_agrees(stated.number, figure.value):
                    continue
                actual = _percent_display(figure.value)
            else:
                counted = actuals.count(claim)
                if counted is None or Decimal(counted) == stated.number:
                    continue
                actual = str(counted)
            found.append(
                Inconsistency(
                    kind="manual_score_contradicts_figure",
                    message=_("%(code)s %(name)s: the comment says “%(text)s”, but %(what)s: %(actual)s.")
                    % {
                        "code": node.code,
                        "name": node.indicator.name,
                        "text": stated.text,
                        "what": claim.label,
                        "actual": actual,
                    },
                    url=url,
                    record=record,
                )
            )
    return found


def inconsistencies(*, town: Town, year: int, as_of: date, tree: ScoredTree | None = None) -> list[Inconsistency]:
    """Every inconsistency of ``town``'s record for ``year`` as of ``as_of``: the manual scores'
    first, then the plan's records'. ``tree`` as for ``manual_score_inconsistencies``."""
    return manual_score_inconsistencies(town=town, year=year, as_of=as_of, tree=tree) + planning_inconsistencies(
        town=town, year=year, as_of=as_of
    )
