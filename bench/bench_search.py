"""Search benchmark: the learning library's Chinese search over 100,000 resources, and the weight
of the residents' learning pages.

Run: .venv/bin/python bench/bench_search.py                          (SQLite)
     scripts/with-postgres.sh .venv/bin/python bench/bench_search.py (PostgreSQL, via DATABASE_URL)

Throw-away folder (``COMMUNITYEDU_VAR_DIR``: SQLite in WAL mode, media), ``config.settings.local``;
``migrate``, ``load_demo`` (the demo library of 31 resources), ``collectstatic``.

1. Set-up, outside the timing: 100,000 published resources in ``xinmiao``, titles made of a
   prefix, one of 60 topics (太极拳 among them) and a suffix, with a summary, a tag and a category;
   their index rows are computed by ``learning.search.document_terms`` (as the saving service does)
   and bulk-inserted (``executemany`` on SQLite, ``COPY`` on PostgreSQL, then ``ANALYZE``).
2. Timing: ``learning.selectors.search`` — the ranked lookup in the term index and the fetch of the
   first 50 resources — for Chinese words, full pinyin, initials, homophones and a word with a
   character missing, each query run ``REPEAT`` times after a warm-up; against the baseline of an
   exact-title lookup (``selectors.exact_title``, the (town, title) index) of the same data in the
   same run. p50 and p95 in milliseconds, and their ratio to the baseline. Target: p95 ≤ 100 ms.
3. Page weight: the residents' learning pages (library, search, a video's page, the learning
   record) as a first load — the HTML and every stylesheet, script and picture it links, each
   gzip-compressed (level 6, as a server would send it), excluding media; target ≤ 150 KB. Every
   reference (href, src) must stay on the origin: the count of those that leave it must be 0.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR_DIR = tempfile.mkdtemp(prefix="bench-search-")
os.environ["COMMUNITYEDU_VAR_DIR"] = VAR_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

RESOURCES = int(os.environ.get("BENCH_RESOURCES", "100000"))
REPEAT = 40
WARM_UP = 3
TOWN = "xinmiao"
P95_TARGET_MS = 100.0
PAGE_WEIGHT_TARGET_KB = 150.0
SEED = 20201

PREFIXES = ["", "冬季", "春季", "农村", "老年人", "家庭", "青少年", "社区", "妇女", "新时代"]
TOPICS = [
    "太极拳",
    "八段锦",
    "广场舞",
    "柑橘种植",
    "榨菜加工",
    "稻田养鱼",
    "生猪养殖",
    "茶叶栽培",
    "农机安全",
    "电商直播",
    "防诈骗",
    "反电信诈骗",
    "禁毒知识",
    "消防安全",
    "防汛避险",
    "交通安全",
    "食品安全",
    "用电安全",
    "急救常识",
    "心肺复苏",
    "高血压",
    "糖尿病",
    "慢病管理",
    "合理膳食",
    "中医养生",
    "心理健康",
    "母婴保健",
    "儿童近视",
    "口腔健康",
    "睡眠",
    "民法典",
    "土地承包",
    "婚姻家庭",
    "劳动合同",
    "法律援助",
    "人民调解",
    "社会保险",
    "医疗保险",
    "养老保险",
    "退役军人",
    "乡村振兴",
    "基层党建",
    "垃圾分类",
    "移风易俗",
    "志愿服务",
    "文明礼仪",
    "家风家训",
    "亲子阅读",
    "留守儿童",
    "家庭教育",
    "川剧",
    "书法",
    "剪纸",
    "摄影",
    "智能手机",
    "微信使用",
    "网上办事",
    "面点制作",
    "家政服务",
    "电工技能",
]
SUFFIXES = ["入门", "教学", "要点", "讲座", "常识", "指南", "跟练", "问答", "案例", "十讲"]
SUMMARIES = [
    "社区学校老师讲解，每天学一点。",
    "镇卫生院医生主讲，通俗易懂。",
    "适合在家里跟着练习。",
    "村民身边的真实案例。",
    "十分钟学会一个小技巧。",
    "图文并茂，适合中老年人阅读。",
    "农技站专家现场讲解。",
    "派出所民警提醒大家注意。",
    "司法所工作人员解读。",
    "文化站组织录制。",
]
CATEGORIES = ["政策理论", "健康养生", "农业技术", "法律法规", "家庭教育", "文化艺术", "职业技能", "防诈反诈"]
QUERIES = {
    "words": ["太极拳", "防诈骗", "柑橘种植", "民法典"],
    "pinyin": ["taijiquan", "fangzhapian", "gaoxueya"],
    "initials": ["tjq", "fzp", "gxy"],
    "homophone": ["太级拳", "防炸骗", "高血鸭"],
    "missing character": ["太拳", "柑种植"],
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timings(function, repeat: int = REPEAT) -> list[float]:
    for _ in range(WARM_UP):
        function()
    result = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        result.append((time.perf_counter() - start) * 1000)
    return result


# --- set-up ----------------------------------------------------------------------------------------


@cache
def _terms(title: str, tags: str, category: str, summary: str) -> tuple[tuple[str, bool], ...]:
    from communityedu.learning.search import document_terms

    return tuple(document_terms(title=title, tags=tags, category=category, summary=summary).items())


def _terms_of(title_parts, tag, category, summary) -> dict[str, bool]:
    """The terms of a generated resource, from cached parts: punctuation ends a run of characters,
    so the terms of 「太极拳入门（第3期）」 are those of its two parts together."""
    merged = dict(_terms(title_parts[0], tag, category, ""))
    for part in ((title_parts[1], "", "", ""), ("", "", "", summary)):
        for term, in_title in _terms(*part):
            merged[term] = merged.get(term, False) or in_title
    return merged


def generate(town) -> int:
    """``RESOURCES`` published resources and their index rows; returns the index rows written."""
    from communityedu.learning import services
    from communityedu.learning.constants import ResourceKind
    from communityedu.learning.models import Resource
    from communityedu.organization.models import Unit

    rng = random.Random(SEED)
    categories = {c.name: c for c in services.ensure_categories(town=town)}
    school = Unit.objects.filter(town=town, unit_type="community_school").order_by("id").first()
    now = timezone.now()
    kinds = [ResourceKind.ARTICLE, ResourceKind.VIDEO, ResourceKind.AUDIO, ResourceKind.DOCUMENT]
    rows_written = 0
    batch = 5000
    for start in range(0, RESOURCES, batch):
        made, title_parts = [], {}
        for index in range(start, min(start + batch, RESOURCES)):
            topic = rng.choice(TOPICS)
            parts = (f"{rng.choice(PREFIXES)}{topic}{rng.choice(SUFFIXES)}", f"（第{index % 97 + 1}期）")
            title = "".join(parts)
            title_parts[title] = parts
            made.append(
                Resource(
                    town=town,
                    kind=rng.choice(kinds),
                    title=title,
                    summary=rng.choice(SUMMARIES),
                    category=categories[rng.choice(CATEGORIES)],
                    tags=topic,
                    owner_unit=school,
                    is_published=True,
                    published_at=now - timedelta(minutes=index),
                    created_at=now,
                    updated_at=now,
                )
            )
        with transaction.atomic():
            Resource.objects.bulk_create(made)
            stamp = _adapt(now)
            index_rows = []
            for resource in made:
                published = _adapt(resource.published_at)
                for term, in_title in _terms_of(
                    title_parts[resource.title], resource.tags, resource.category.name, resource.summary
                ).items():
                    index_rows.append((stamp, stamp, town.pk, resource.pk, term, in_title, published))
            _insert_index_rows(index_rows)
        rows_written += len(index_rows)
        print(f"  {start + len(made):>7,} resources, {rows_written:>10,} index rows", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE learning_searchterm")
    return rows_written


COLUMNS = "created_at, updated_at, town_id, resource_id, term, in_title, published_at"


def _adapt(moment):
    """A datetime as the database driver takes it (SQLite: text in UTC), computed once per value."""
    return moment if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(moment)


def _insert_index_rows(rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY learning_searchterm ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # The driver's own executemany: the rows are already in its types.
            cursor.cursor.executemany(f"INSERT INTO learning_searchterm ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


# --- measurements ----------------------------------------------------------------------------------


def measure_search(town) -> tuple[dict, list[tuple]]:
    from communityedu.learning import selectors
    from communityedu.learning.models import Resource

    titles = list(Resource.objects.filter(town=town).order_by("?").values_list("title", flat=True)[:20])
    baseline = []
    for title in titles:
        baseline += timings(lambda title=title: selectors.exact_title(town=town, title=title), REPEAT // 4)
    results = {"exact title (baseline)": baseline}
    examples = []
    for group, queries in QUERIES.items():
        samples = []
        for query in queries:
            found = selectors.search(town=town, query=query)
            examples.append((group, query, len(found), found[0].title if found else "—"))
            samples += timings(lambda query=query: selectors.search(town=town, query=query))
        results[group] = samples
    return results, examples


URL_ATTRIBUTES = re.compile(r"""\b(?:href|src|action|poster)=["']([^"']+)["']""")
ASSETS = re.compile(
    r"""<(?:link[^>]+rel=["']?(?:stylesheet|icon)["']?[^>]*href|script[^>]+src|img[^>]+src)=["']([^"']+)["']"""
)


def measure_pages() -> tuple[list[tuple], int]:
    from communityedu.demo.loader import DEMO_RESIDENT_PHONE, DEMO_RESIDENT_PIN
    from communityedu.learning.models import Resource

    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/accounts/resident-sign-in/", {"phone": DEMO_RESIDENT_PHONE, "pin": DEMO_RESIDENT_PIN})
    assert response.status_code == 302, response.status_code
    video = Resource.objects.filter(town__slug=TOWN, title="太极拳入门教学").first()
    pages = [
        ("library", "/learning/"),
        ("search tjq", "/learning/search/?q=tjq"),
        ("video page", f"/learning/resources/{video.pk}/"),
        ("learning record", "/learning/record/"),
    ]
    rows, leaving = [], 0
    for label, path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.content
        text = html.decode()
        for url in URL_ATTRIBUTES.findall(text):
            if re.match(r"^(?:[a-z]+:)?//", url) and not url.startswith(("http://127.0.0.1", "//127.0.0.1")):
                leaving += 1
                print(f"  leaves the origin: {url} on {path}")
        asset_bytes = 0
        for url in dict.fromkeys(ASSETS.findall(text)):
            name = url.removeprefix(settings.STATIC_URL)
            name = re.sub(r"\.[0-9a-f]{12}(\.[a-z0-9]+)$", r"\1", name)  # the manifest's hashed name
            found = finders.find(name)
            if found is None:
                raise SystemExit(f"asset not found: {url}")
            asset_bytes += len(gzip.compress(Path(found).read_bytes(), 6))
        html_bytes = len(gzip.compress(html, 6))
        rows.append((label, html_bytes, asset_bytes, response.get("Content-Security-Policy", "") != ""))
    return rows, leaving


def main() -> None:
    from communityedu.organization.models import Town

    print(f"database: {connection.vendor}; folder {VAR_DIR}")
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", verbosity=0, interactive=False)
    town = Town.objects.get(slug=TOWN)
    started = time.perf_counter()
    rows = generate(town)
    print(f"set-up: {RESOURCES:,} resources, {rows:,} index rows in {time.perf_counter() - started:.0f} s")

    results, examples = measure_search(town)
    base = results["exact title (baseline)"]
    base_p50, base_p95 = statistics.median(base), percentile(base, 0.95)
    print(
        f"\nsearch over {RESOURCES:,} resources ({connection.vendor}), {REPEAT} runs a query after {WARM_UP} warm-up runs"
    )
    print(f"{'queries':<24}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×base':>11}{'p95 ×base':>11}")
    worst = 0.0
    for group, samples in results.items():
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        if group != "exact title (baseline)":
            worst = max(worst, p95)
        print(f"{group:<24}{p50:>9.1f}{p95:>9.1f}{p50 / base_p50:>11.1f}{p95 / base_p95:>11.1f}")
    print(
        f"slowest group's p95: {worst:.1f} ms (target ≤ {P95_TARGET_MS:.0f} ms): {'met' if worst <= P95_TARGET_MS else 'NOT met'}"
    )
    print("\nwhat each query finds (results, first title):")
    for group, query, count, first in examples:
        print(f"  {group:<18} {query:<12} {count:>3}  {first}")

    pages, leaving = measure_pages()
    print("\nresidents' pages, first load, gzip level 6, media excluded")
    print(f"{'page':<18}{'HTML KB':>9}{'assets KB':>11}{'total KB':>10}  CSP")
    heaviest = 0.0
    for label, html_bytes, asset_bytes, has_csp in pages:
        total = (html_bytes + asset_bytes) / 1024
        heaviest = max(heaviest, total)
        print(
            f"{label:<18}{html_bytes / 1024:>9.1f}{asset_bytes / 1024:>11.1f}{total:>10.1f}  {'yes' if has_csp else 'NO'}"
        )
    print(
        f"heaviest page: {heaviest:.1f} KB (target ≤ {PAGE_WEIGHT_TARGET_KB:.0f} KB); references leaving the origin: {leaving}"
    )


if __name__ == "__main__":
    main()
