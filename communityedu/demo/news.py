"""The demo town's news and notices: the lecture hall, tai chi training, anti-fraud lectures.

Idempotent: an item is found by its title; a second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from communityedu.accounts.models import User
from communityedu.activities.models import Activity
from communityedu.news import services
from communityedu.news.constants import NewsKind
from communityedu.news.models import NewsItem
from communityedu.organization.models import Town, Unit

# (days from today, kind, unit, title, body, pinned, activity title or None)
DEMO_ITEMS = [
    (
        -2,
        NewsKind.NOTICE,
        "新妙镇社区学校",
        "本月社区教育大讲堂安排",
        "本月大讲堂共安排两讲，均在综合文化服务中心二楼多功能厅举行，每场下午两点半开始。\n\n"
        "第一讲“医保政策与报销”，由镇人力社保所同志主讲，讲解城乡居民医保缴费、门诊和住院报销办法。\n\n"
        "第二讲“冬季养生”，由镇卫生院医生主讲。欢迎各村（社区）居民踊跃参加，可在“活动”页面报名。",
        True,
        "大讲堂：医保政策与报销",
    ),
    (
        -4,
        NewsKind.NOTICE,
        "新妙镇社区学校",
        "太极拳培训班招募学员",
        "为丰富群众文化生活，镇太极拳队面向全镇居民开办太极拳培训班，每周六上午九点在弋阳村文化广场授课，"
        "由太极拳队骨干队员教授二十四式太极拳。\n\n"
        "培训免费，适合中老年居民，请穿宽松衣服和平底鞋。报名请到所在村（社区）学习中心登记。",
        False,
        None,
    ),
    (
        -5,
        NewsKind.NEWS,
        "综合文化服务中心",
        "大讲堂开讲“老年人防跌倒”",
        "近日，新妙镇社区教育大讲堂在综合文化服务中心开讲，镇卫生院医生为八十余名老年居民讲解居家防跌倒知识，"
        "并现场演示了起身、上下楼梯的正确方法。\n\n"
        "听课的居民说，讲座贴近生活、听得懂、用得上。",
        False,
        "大讲堂：老年人防跌倒",
    ),
    (
        -9,
        NewsKind.NEWS,
        "综合文化服务中心",
        "防诈骗知识讲座走进弋阳村",
        "镇派出所民警走进弋阳村社区学习中心，结合近期发生的冒充客服退款、刷单返利、冒充熟人借钱等典型案例，"
        "教村民识别电信网络诈骗的常见套路。\n\n"
        "民警提醒大家：陌生来电要求转账的一律不转，验证码不告诉任何人，遇到可疑情况及时拨打 96110 咨询。",
        False,
        None,
    ),
    (
        -12,
        NewsKind.NEWS,
        "新妙镇社区学校",
        "冬季防火与用电安全讲座圆满举行",
        "社区教育大讲堂邀请镇平安办同志讲授冬季防火与用电安全常识，提醒居民不私拉乱接电线、不在室内给电瓶车充电，"
        "离家时关闭电器电源。\n\n讲座后，工作人员向居民发放了安全用电宣传资料。",
        False,
        "大讲堂：冬季防火与用电安全",
    ),
]


def load_news(town: Town) -> int:
    """The demo items, written and published by the community-school account; returns how many are new."""
    author = User.objects.get(username="school")
    today = timezone.localdate()
    added = 0
    for offset, kind, unit_name, title, body, pinned, activity_title in DEMO_ITEMS:
        if NewsItem.objects.filter(town=town, title=title).exists():
            continue
        activity = (
            Activity.objects.filter(town=town, title=activity_title).order_by("-starts_at").first()
            if activity_title
            else None
        )
        item = services.save_item(
            actor=author,
            town=town,
            values={
                "kind": kind,
                "title": title,
                "body": body,
                "unit": Unit.objects.get(town=town, name=unit_name),
                "publish_on": today + timedelta(days=offset),
                "is_pinned": pinned,
                "activity": activity,
            },
        )
        services.publish_item(actor=author, item=item)
        added += 1
    return added
