"""Check-in without signal at 360×640: the roll kept on the phone, 30 residents scanned and ticked
offline, the page reopened offline, the queue uploaded once the signal is back, a replay adds nothing."""

from datetime import date

import pytest
from playwright.sync_api import expect

from communityedu.activities import services
from communityedu.activities.models import AttendanceEntry
from communityedu.people.models import Person, Sex

SMALL_PHONE = {"width": 360, "height": 640}

READ_QUEUE = """() => new Promise((resolve) => {
  const opening = indexedDB.open("communityedu-offline", 1);
  opening.onsuccess = () => {
    const request = opening.result.transaction("queue").objectStore("queue").getAll();
    request.onsuccess = () => resolve(request.result);
  };
})"""

ROLLS_KEPT = """() => new Promise((resolve) => {
  const opening = indexedDB.open("communityedu-offline", 1);
  opening.onsuccess = () => {
    const request = opening.result.transaction("rolls").objectStore("rolls").count();
    request.onsuccess = () => { opening.result.close(); resolve(request.result); };
  };
})"""

REPLAY = """async ([url, items]) => {
  const roll = await (await fetch(url.replace("/api/v1/activities/", "/activities/").replace(
    "/attendance/batch", "/offline/roll.json"))).json();
  const response = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRFToken": roll.csrf_token},
    body: JSON.stringify({sent_at: new Date().toISOString(), items}),
  });
  return (await response.json()).items.map((item) => item.status);
}"""


@pytest.mark.browser
def test_thirty_residents_checked_in_offline_are_recorded_once_when_the_signal_is_back(
    live_server, live_world, new_page, sign_in, screenshot
):
    world = live_world
    villagers = Person.objects.bulk_create(
        Person(
            town=world.xinmiao,
            village=world.yiyang,
            name=f"{'张王陈刘'[n % 4]}{'秀德桂志大'[n % 5]}{'英福芬强山明'[n % 6]}{n}",
            sex=Sex.FEMALE,
            birth_date=date(1950, 1, 1),
            village_group=f"{n % 3 + 1}组",
        )
        for n in range(30)
    )
    scanned = villagers[:10]
    cards = [services.issue_learning_card(person=person, actor=None).token for person in scanned]
    lecture = world.lecture
    lecture.village = world.yiyang
    lecture.save(update_fields=["village"])

    page = sign_in(new_page(viewport=SMALL_PHONE), "school")
    page.goto(f"{live_server.url}/activities/{lecture.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="离线签到").click()
    expect(page.locator("#offline-check-in")).to_have_attribute("data-ready", "1")
    expect(page.locator("#offline-roll li")).to_have_count(Person.objects.filter(village=world.yiyang).count())

    page.context.set_offline(True)
    for token in cards:
        page.locator("#offline-card").fill(token)
        page.locator("#offline-card").press("Enter")
    expect(page.locator("#offline-pending")).to_have_text("10")
    page.locator("#offline-card").fill(cards[0])
    page.locator("#offline-card").press("Enter")
    expect(page.locator("#offline-scan-result")).to_contain_text("已扫过")
    for person in villagers[10:]:
        page.locator(f"#offline-roll input[value='{person.pk}']").check()
    expect(page.locator("#offline-pending")).to_have_text("30")
    expect(page.locator("#offline-roll li", has_text="已签到（待上传）")).to_have_count(30)

    page.reload()
    expect(page.locator("#offline-check-in")).to_have_attribute("data-ready", "1")
    expect(page.locator("#offline-pending")).to_have_text("30")
    expect(page.locator("#offline-status")).to_contain_text("无网络")
    queued = page.evaluate(READ_QUEUE)
    assert len(queued) == 30
    assert AttendanceEntry.objects.filter(activity=lecture).count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "offline-check-in")

    page.context.set_offline(False)
    expect(page.locator("#offline-uploaded")).to_have_text("30")
    expect(page.locator("#offline-pending")).to_have_text("0")
    entries = AttendanceEntry.objects.filter(activity=lecture)
    assert entries.count() == 30
    assert set(entries.values_list("person_id", flat=True)) == {person.pk for person in villagers}
    assert set(entries.values_list("source", flat=True)) == {"offline_sync"}
    assert entries.filter(scanned_at__isnull=True).count() == 0

    items = [
        {key: item[key] for key in ("person", "card", "client_id", "scanned_at") if key in item} for item in queued
    ]
    statuses = page.evaluate(REPLAY, [f"/api/v1/activities/{lecture.pk}/attendance/batch", items])
    assert statuses == ["already_recorded"] * 30
    assert AttendanceEntry.objects.filter(activity=lecture).count() == 30

    # Signing out wipes the names kept on the phone.
    assert page.evaluate(ROLLS_KEPT) == 1
    with page.expect_navigation():
        page.evaluate("document.querySelector(\"form[action$='/sign-out/']\").submit()")
    # The service worker wipes them as the sign-out goes by: give it a moment.
    for _attempt in range(50):
        if page.evaluate(ROLLS_KEPT) == 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(ROLLS_KEPT) == 0
