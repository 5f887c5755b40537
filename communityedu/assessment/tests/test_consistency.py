"""The consistency checks of a town's record: a manual score's comment against the register and
the figures, points above the indicator's maximum, and the plan's own checks after them."""

from datetime import date
from decimal import Decimal

from communityedu.assessment import services
from communityedu.assessment.consistency import inconsistencies, stated_numbers
from communityedu.assessment.models import ManualScore
from communityedu.incentives.models import TeamCategory
from communityedu.incentives.services import save_team_member
from communityedu.planning.constants import MeetingKind
from communityedu.planning.services.meetings import record_meeting

AS_OF = date(2020, 12, 31)
SHEET = (
    "编码,名称,分值,评分方式,数据来源,达标值,计分规则\n"
    "1,队伍建设,10,,,,\n"
    "1.1,管理队伍与师资队伍,5,人工,,,\n"
    "1.2,联席会议,5,人工,,,\n"
)
URL = "/assessment/self-assessment/?year=2020&as_of=2020-12-31"


def _system(world):
    return services.load_indicator_system(
        actor=world.accounts["office"], town=world.xinmiao, content=SHEET.encode(), file_name="指标.csv"
    )


def _score(world, system, code, points, comment):
    return services.record_manual_score(
        actor=world.accounts["office"],
        indicator=system.indicators.get(code=code),
        year=2020,
        as_of=AS_OF,
        points=Decimal(points),
        comment=comment,
    )


def _one_part_time_teacher(world):
    save_team_member(
        actor=world.accounts["office"],
        town=world.xinmiao,
        person=world.people["teacher"],
        values={"category": TeamCategory.PART_TIME_TEACHER, "specialities": "", "employer": world.school},
    )


def _manual(found):
    return [item for item in found if item.kind.startswith("manual_score")]


def test_the_recognised_phrases_and_their_numbers():
    stated = stated_numbers(
        "兼职讲师26名；3名专职教师；志愿者共40人；召开联席会议2次；大讲堂举办16场；参与率达71.8%，满意度90％；2名教师参加培训"
    )

    assert [(item.claim.key, item.text, item.number) for item in stated] == [
        ("part_time_teachers", "兼职讲师26名", Decimal("26")),
        ("full_time_teachers", "3名专职教师", Decimal("3")),
        ("volunteers", "志愿者共40人", Decimal("40")),
        ("joint_meetings", "联席会议2次", Decimal("2")),
        ("lectures_held", "大讲堂举办16场", Decimal("16")),
        ("participation", "参与率达71.8%", Decimal("71.8")),
        ("satisfaction", "满意度90％", Decimal("90")),
    ]


def test_a_comment_naming_more_part_time_teachers_than_the_register_is_an_inconsistency(world):
    system = _system(world)
    _one_part_time_teacher(world)
    score = _score(world, system, "1.1", "4.5", "名册齐全，兼职讲师26名；居民参与率达到70%。")
    _score(world, system, "1.2", "5", "2020年召开联席会议1次。")

    found = _manual(inconsistencies(town=world.xinmiao, year=2020, as_of=AS_OF))

    assert [(item.kind, item.message, item.url, item.record) for item in found] == [
        (
            "manual_score_contradicts_figure",
            "1.1 管理队伍与师资队伍：评分说明写有“兼职讲师26名”，而队伍名册中的兼职讲师为 1。",
            f"{URL}#indicator-1.1",
            f"assessment.manualscore:{score.pk}",
        ),
        (
            "manual_score_contradicts_figure",
            "1.1 管理队伍与师资队伍：评分说明写有“参与率达到70%”，而居民参与率为 0.00%。",
            f"{URL}#indicator-1.1",
            f"assessment.manualscore:{score.pk}",
        ),
        (
            "manual_score_contradicts_figure",
            "1.2 联席会议：评分说明写有“联席会议1次”，而本年记录的联席会议为 0。",
            f"{URL}#indicator-1.2",
            f"assessment.manualscore:{ManualScore.objects.get(indicator__code='1.2').pk}",
        ),
    ]


def test_a_comment_that_agrees_with_the_records_and_a_corrected_score_raise_nothing(world):
    system = _system(world)
    _one_part_time_teacher(world)
    record_meeting(
        town=world.xinmiao,
        kind=MeetingKind.JOINT,
        title="2020年联席会议",
        held_on=date(2020, 6, 3),
        actor=world.accounts["office"],
        minutes="会议纪要",
    )
    _score(world, system, "1.1", "4.5", "兼职讲师26名")
    _score(world, system, "1.1", "4.5", "兼职讲师1名，参与率0%")  # the latest score counts
    _score(world, system, "1.2", "5", "召开联席会议1次")

    assert _manual(inconsistencies(town=world.xinmiao, year=2020, as_of=AS_OF)) == []


def test_points_above_the_indicators_maximum_are_an_inconsistency(world):
    system = _system(world)
    score = _score(world, system, "1.2", "5", "按要求召开")
    ManualScore.objects.filter(pk=score.pk).update(points=Decimal("6.50"))  # written past the service

    found = _manual(inconsistencies(town=world.xinmiao, year=2020, as_of=AS_OF))

    assert [(item.kind, item.message) for item in found] == [
        ("manual_score_above_maximum", "1.2 联席会议：评分 6.50 分，超过该指标的 5.00 分。"),
    ]


def test_the_consistency_api_answers_the_contradiction_with_where_to_fix_it(world, sign_in):
    system = _system(world)
    _one_part_time_teacher(world)
    score = _score(world, system, "1.1", "4.5", "兼职讲师26名")

    response = sign_in("office").get("/api/v1/assessment/consistency?town=xinmiao&year=2020&as_of=2020-12-31")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "town": "xinmiao",
        "year": 2020,
        "as_of": "2020-12-31",
        "count": 1,
        "inconsistencies": [
            {
                "kind": "manual_score_contradicts_figure",
                "message": "1.1 管理队伍与师资队伍：评分说明写有“兼职讲师26名”，而队伍名册中的兼职讲师为 1。",
                "url": f"{URL}#indicator-1.1",
                "record": f"assessment.manualscore:{score.pk}",
            }
        ],
    }


def test_the_self_assessment_page_shows_the_consistency_panel_until_the_comment_is_fixed(world, sign_in):
    system = _system(world)
    _one_part_time_teacher(world)
    _score(world, system, "1.1", "4.5", "兼职讲师26名")
    client = sign_in("office")

    before = client.get("/assessment/self-assessment/?year=2020&as_of=2020-12-31").content.decode()
    _score(world, system, "1.1", "4.5", "兼职讲师1名")
    after = client.get("/assessment/self-assessment/?year=2020&as_of=2020-12-31").content.decode()

    assert "一致性检查" in before
    assert '<span class="flag-badge" id="consistency-count">1</span>' in before
    assert (
        "1.1 管理队伍与师资队伍：评分说明写有“兼职讲师26名”，而队伍名册中的兼职讲师为 1。"
        f' <a href="{URL.replace("&", "&amp;")}#indicator-1.1">去整改</a>'
    ) in before
    assert '<span class="met" id="consistency-count">0</span>' in after
    assert "未发现相互矛盾的记录。" in after
