"""The roll of an activity as staff take it on a phone: who is expected, in the order people look
for names, a page at a time, with the ticks kept on the server between pages and searches.

- **Who.** Those registered and the lecturers first; then the residents of the activity's village
  (or, for a town-wide activity, of the village chosen on the page); anyone of the town found by
  name. People who left the register are not offered.
- **Order.** By the name's pinyin (张 under Z, 李 under L), as a printed roll is read, not by code
  point; pinyin from pypinyin, remembered per name in the process (names repeat a lot in a village).
- **Finding.** A name or part of it (李德) or the pinyin initials (ldf); a 村民小组; a tag.
- **Ticks.** The selection of each activity lives in the staff member's session until confirmed, so
  a search or another page loses nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from pypinyin import Style, lazy_pinyin

from communityedu.activities.models import Activity
from communityedu.people.models import Person

PAGE_SIZE = 50
INITIALS = re.compile(r"^[A-Za-z]{1,10}$")


@functools.lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str]:
    """(the pinyin to sort by, the initials to search by) of a name: 张秀英 → ("zhang xiu ying", "zxy")."""
    syllables = lazy_pinyin(name, errors="default")
    return " ".join(syllables).lower(), "".join(s[:1] for s in lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


@dataclass(frozen=True)
class RollPage:
    rows: list[Person]
    count: int
    first: int  # 1-based number of the first row shown (0 when none)
    last: int
    page: int
    pages: int
    groups: list[str]
    expected_ids: frozenset[int]


def expected_ids(activity: Activity) -> frozenset[int]:
    """Those the activity expects by name: its registrations and its lecturers."""
    registered = Person.objects.filter(registrations__activity=activity, registrations__is_cancelled=False)
    lecturers = Person.objects.filter(lecturer_links__activity=activity)
    return frozenset(registered.values_list("pk", flat=True)) | frozenset(lecturers.values_list("pk", flat=True))


def roll_page(
    *,
    activity: Activity,
    visible: QuerySet[Person],
    query: str = "",
    group: str = "",
    tag_id: int | None = None,
    village_id: int | None = None,
    page: int = 1,
) -> RollPage:
    """One page of the roll of ``activity`` among ``visible`` (the people the caller may see)."""
    expected = expected_ids(activity)
    people = visible.filter(town_id=activity.town_id, left_register_on__isnull=True)
    village = activity.village_id or village_id
    query = query.strip()
    by_initials = bool(INITIALS.match(query))
    area = Q(pk__in=expected)
    if village:
        area |= Q(village_id=village)
    if query and not by_initials:
        area |= Q(name__contains=query)
    people = people.filter(area)
    if village and not activity.village_id:
        people = people.filter(Q(village_id=village) | Q(pk__in=expected))
    groups = sorted(
        set(people.exclude(village_group="").values_list("village_group", flat=True).distinct()),
        key=lambda g: (len(g), g),
    )
    if group:
        people = people.filter(village_group=group)
    if tag_id:
        people = people.filter(person_tags__tag_id=tag_id)
    if query and not by_initials:
        people = people.filter(name__contains=query)
    rows = list(people.distinct().only("pk", "name", "village_group", "village_id").select_related("village"))
    if by_initials:
        wanted = query.lower()
        rows = [person for person in rows if name_keys(person.name)[1].startswith(wanted)]
    rows.sort(key=lambda person: (person.pk not in expected, name_keys(person.name)[0], person.pk))
    count = len(rows)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    shown = rows[start : start + PAGE_SIZE]
    return RollPage(
        rows=shown,
        count=count,
        first=start + 1 if shown else 0,
        last=start + len(shown),
        page=page,
        pages=pages,
        groups=groups,
        expected_ids=expected,
    )


# ---- the selection, kept in the session until confirmed ---------------------------------------


def _key(activity: Activity) -> str:
    return f"roll-selection:{activity.pk}"


def selection(session, activity: Activity) -> set[int]:
    return set(session.get(_key(activity), []))


def update_selection(session, activity: Activity, *, shown: set[int], ticked: set[int]) -> set[int]:
    """The ticks of one page replace that page's part of the selection; the other pages' stay."""
    chosen = (selection(session, activity) - shown) | (ticked & shown)
    session[_key(activity)] = sorted(chosen)
    return chosen


def clear_selection(session, activity: Activity) -> None:
    session.pop(_key(activity), None)
