"""The demo town's learning library: a few dozen resources in several categories, with small
media files made for the demo (``media/``). Loading twice adds nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communityedu.learning import services
from communityedu.learning.constants import ResourceKind
from communityedu.learning.models import Category, Resource
from communityedu.organization.models import Town, Unit

MEDIA = Path(__file__).resolve().parent / "media"
VIDEO = ("taijiquan.webm", "video/webm")
AUDIO = ("health-talk.ogg", "audio/ogg")
PDF = ("anti-fraud-tips.pdf", "application/pdf")
A, V, AU, D, L = ResourceKind.ARTICLE, ResourceKind.VIDEO, ResourceKind.AUDIO, ResourceKind.DOCUMENT, ResourceKind.LINK

# (category, kind, title, summary, tags, audience, text or file or link)
RESOURCES = [
    (
        "健康养生",
        V,
        "太极拳入门教学",
        "跟着社区学校老师学二十四式太极拳的起势和前三式，每天练十分钟。",
        "太极拳,健身,晨练",
        "中老年人",
        VIDEO,
    ),
    (
        "健康养生",
        AU,
        "冬季养生小讲堂",
        "镇卫生院医生讲冬季饮食、保暖和慢病用药要点。",
        "养生,慢病,冬季",
        "中老年人",
        AUDIO,
    ),
    (
        "健康养生",
        A,
        "老年人防跌倒十个小习惯",
        "起床慢一点、地面干一点、灯光亮一点。",
        "防跌倒,老年人",
        "老年人及家属",
        "起床时先在床边坐半分钟，再慢慢站起来。\n\n浴室和厨房地面保持干燥，铺防滑垫。\n\n夜里起夜开小夜灯，走廊不堆杂物。\n\n穿合脚的防滑鞋，不穿拖鞋上下楼梯。",
    ),
    (
        "健康养生",
        A,
        "高血压患者饮食指南",
        "少盐少油，每天食盐不超过5克。",
        "高血压,饮食",
        "慢病患者",
        "每天食盐不超过5克，少吃咸菜、腊肉。\n\n多吃新鲜蔬菜水果，适量吃鱼和豆制品。\n\n按时服药，不随意停药，定期到卫生院量血压。",
    ),
    ("健康养生", V, "八段锦跟练", "八段锦完整跟练，动作舒缓，适合在院坝里集体练习。", "八段锦,健身", "全体居民", VIDEO),
    (
        "防诈反诈",
        D,
        "防范电信网络诈骗十条提示",
        "公检法不会电话办案，“安全账户”都是骗局。",
        "防诈骗,反诈,电信诈骗",
        "全体居民",
        PDF,
    ),
    (
        "防诈反诈",
        A,
        "警惕“保健品免费体验”骗局",
        "免费领鸡蛋、听讲座，最后高价买保健品。",
        "防诈骗,保健品,老年人",
        "老年人",
        "以“免费体检”“免费领礼品”为名把老人聚在一起，再高价推销保健品，是常见套路。\n\n保健品不是药，不能治病。\n\n遇到这种活动，先和子女商量，或打 96110 咨询。",
    ),
    ("防诈反诈", AU, "反诈民警说案例", "派出所民警讲本镇发生的三个真实诈骗案例。", "防诈骗,案例", "全体居民", AUDIO),
    (
        "防诈反诈",
        A,
        "网购退款诈骗怎么识别",
        "“客服”主动联系退款，要您共享屏幕的一定是诈骗。",
        "网购,退款,防诈骗",
        "青年居民",
        "正规客服不会要求您下载会议软件或共享屏幕。\n\n退款直接原路退回，不需要提供验证码。\n\n挂断电话，在购物软件里自己查询订单。",
    ),
    (
        "农业技术",
        A,
        "柑橘春季管理要点",
        "春梢管理、花前施肥和病虫害防治。",
        "柑橘,果树,施肥",
        "种植户",
        "春梢萌发前施一次速效氮肥，配合磷钾肥。\n\n注意防治红蜘蛛和溃疡病，雨后及时喷药。\n\n疏除过密的春梢，保留健壮枝条。",
    ),
    ("农业技术", V, "榨菜种植技术", "涪陵榨菜的选种、育苗、移栽和田间管理。", "榨菜,青菜头,种植", "种植户", VIDEO),
    (
        "农业技术",
        A,
        "稻田养鱼的做法",
        "一田两用，稻谷和鱼都增收。",
        "稻田养鱼,水稻",
        "种植户",
        "田埂加高加固到50厘米以上，开挖鱼沟鱼凼。\n\n插秧后两周放鱼苗，每亩放200尾左右。\n\n少用农药，选用低毒农药并先把水位加深。",
    ),
    ("农业技术", AU, "农机安全使用常识", "微耕机、收割机使用前检查和操作注意事项。", "农机,安全", "种植户", AUDIO),
    (
        "法律法规",
        A,
        "民法典里的赡养义务",
        "子女对父母有赡养扶助的义务。",
        "民法典,赡养,家庭",
        "全体居民",
        "成年子女对父母负有赡养、扶助和保护的义务。\n\n子女不履行赡养义务的，缺乏劳动能力或者生活困难的父母，有要求成年子女给付赡养费的权利。",
    ),
    ("法律法规", D, "农村土地承包法要点", "承包期内发包方不得收回承包地。", "土地承包,法律", "村民", PDF),
    (
        "法律法规",
        A,
        "遇到纠纷找谁调解",
        "村调解委员会、镇司法所都可以帮忙。",
        "调解,纠纷,司法所",
        "全体居民",
        "邻里纠纷可以先找村（社区）人民调解委员会。\n\n调解不成的，可以到镇司法所申请调解或者咨询法律援助。",
    ),
    (
        "政策理论",
        A,
        "乡村振兴战略学习读本",
        "产业兴旺、生态宜居、乡风文明、治理有效、生活富裕。",
        "乡村振兴,政策",
        "党员干部",
        "乡村振兴的总要求是产业兴旺、生态宜居、乡风文明、治理有效、生活富裕。\n\n我镇结合柑橘、榨菜等特色产业，推动农文旅融合发展。",
    ),
    ("政策理论", AU, "党的基层组织工作讲座", "镇党委书记讲基层党组织建设。", "党建,基层", "党员", AUDIO),
    ("政策理论", L, "学习强国", "国家级学习平台。", "学习强国,政策", "全体居民", "https://www.xuexi.cn/"),
    (
        "家庭教育",
        A,
        "如何陪伴留守儿童",
        "电话里多问感受，少问成绩。",
        "留守儿童,亲子,家庭教育",
        "家长",
        "每周固定时间和孩子视频通话。\n\n多问孩子今天开心的事，少只问分数。\n\n托付的长辈要知道孩子老师的联系方式。",
    ),
    ("家庭教育", V, "亲子阅读小课堂", "四点半课堂老师示范亲子共读。", "亲子阅读,儿童", "家长", VIDEO),
    (
        "家庭教育",
        A,
        "孩子沉迷手机怎么办",
        "定规矩、做榜样、多陪伴。",
        "手机,青少年,家庭教育",
        "家长",
        "和孩子一起约定用手机的时间和地点。\n\n家长自己少刷手机，多陪孩子运动和读书。",
    ),
    ("文化艺术", V, "广场舞《山歌唱新村》分解教学", "镇舞蹈队队长分解示范。", "广场舞,舞蹈", "全体居民", VIDEO),
    (
        "文化艺术",
        A,
        "涪陵榨菜的历史",
        "从清末邱寿安到国家地理标志。",
        "榨菜,地方文化,历史",
        "全体居民",
        "涪陵榨菜始于清光绪年间，至今已有一百多年历史。\n\n涪陵榨菜传统制作技艺已列入国家级非物质文化遗产名录。",
    ),
    ("文化艺术", AU, "川剧唱段欣赏", "经典川剧唱段赏析。", "川剧,戏曲", "戏曲爱好者", AUDIO),
    (
        "职业技能",
        A,
        "电商直播卖农产品入门",
        "手机开直播，把自家柑橘卖出去。",
        "电商,直播,农产品",
        "青年居民",
        "先把产品拍清楚：产地、采摘、包装。\n\n直播时讲真话，不夸大功效。\n\n发货前检查包装，避免运输中压坏。",
    ),
    ("职业技能", V, "中式面点制作", "馒头、花卷的和面与发酵。", "面点,烹饪,技能培训", "求职人员", VIDEO),
    ("职业技能", D, "家政服务员培训讲义", "家政服务的基本规范和安全常识。", "家政,培训", "求职人员", PDF),
    (
        "老年生活",
        A,
        "用手机视频通话的步骤",
        "一步一步教老人用微信视频。",
        "智能手机,老年人,微信",
        "老年人",
        "打开微信，找到孩子的名字。\n\n点右下角的加号，再点“视频通话”。\n\n通话结束点红色按钮挂断。",
    ),
    (
        "老年生活",
        A,
        "手机字太小怎么调大",
        "设置里把字体调大，看得更清楚。",
        "智能手机,老年人",
        "老年人",
        "打开“设置”，找到“显示”或“字体大小”。\n\n拖动滑块把字调大，退出后就生效了。",
    ),
    (
        "安全应急",
        A,
        "汛期防灾避险常识",
        "暴雨天气远离河道、陡坡和危房。",
        "防汛,地质灾害,安全",
        "全体居民",
        "暴雨期间不要在河边、陡坡下停留。\n\n发现房屋开裂、山体异响，立即撤离并报告村委会。",
    ),
    ("安全应急", V, "家庭用火用电安全", "电动车不进屋，充电不过夜。", "消防,用电,安全", "全体居民", VIDEO),
]


def _file(spec) -> SimpleUploadedFile:
    name, content_type = spec
    return SimpleUploadedFile(name, (MEDIA / name).read_bytes(), content_type=content_type)


# Captions made for the demo: WebVTT for a video, a Windows-style SubRip file for a recording.
CAPTIONS = {"八段锦跟练": "baduanjin.vtt", "反诈民警说案例": "anti-fraud-case.srt"}


def _captions(title: str) -> SimpleUploadedFile | None:
    name = CAPTIONS.get(title)
    return SimpleUploadedFile(name, (MEDIA / name).read_bytes(), content_type="text/plain") if name else None


def load_learning(town: Town) -> int:
    """The demo library of ``town``, kept by its community school; returns the resources added."""
    categories = {c.name: c for c in services.ensure_categories(town=town)}
    school = Unit.objects.filter(town=town, unit_type="community_school").order_by("id").first()
    if school is None:
        return 0
    existing = set(Resource.objects.filter(town=town).values_list("title", flat=True))
    now = timezone.now()
    added = 0
    for age, (category, kind, title, summary, tags, audience, content) in enumerate(RESOURCES):
        if title in existing:
            continue
        values = {
            "kind": kind,
            "title": title,
            "summary": summary,
            "body": content if kind == A else "",
            "category": categories.get(category) or Category.objects.get(town=town, name=category),
            "tags": tags,
            "audience": audience,
            "owner_unit": school,
            "link_url": content if kind == L else "",
            "duration_seconds": {V: 10, AU: 12}.get(kind),
        }
        upload = _file(content) if kind in (V, AU, D) else None
        captions = _captions(title)
        resource = services.save_resource(actor=None, town=town, values=values, upload=upload, captions_upload=captions)
        services.set_published(actor=None, resource=resource, is_published=True, at=now - timedelta(days=2 * age))
        added += 1
    return added
