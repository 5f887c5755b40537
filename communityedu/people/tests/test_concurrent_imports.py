"""Two imports of one roster at once: the one that commits second is told what happened, in
place of the database's "UNIQUE constraint failed"."""

from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.people import imports, services
from communityedu.people.models import ImportBatch, ImportStatus, Person
from communityedu.people.tests.test_import_resume import PEOPLE, _roster


def test_the_losing_import_of_one_roster_twice_at_once_says_so_and_adds_no_one_twice(world, sign_in, monkeypatch):
    client = sign_in("office")
    client.post("/people/import/", {"roster": SimpleUploadedFile("冉家.xlsx", _roster())})
    first = ImportBatch.objects.latest("created_at")
    client.post("/people/import/", {"roster": SimpleUploadedFile("冉家（副本）.xlsx", _roster())})
    second = ImportBatch.objects.latest("created_at")
    check_roster = imports.check_roster

    def checked_while_the_other_import_commits(**kwargs):
        checked = check_roster(**kwargs)
        monkeypatch.setattr(imports, "check_roster", check_roster)
        client.post(f"/people/import/{first.pk}/")  # the other clerk's import commits meanwhile
        return checked

    monkeypatch.setattr(imports, "check_roster", checked_while_the_other_import_commits)

    response = client.post(f"/people/import/{second.pk}/")

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ImportStatus.DONE, ImportStatus.FAILED)
    assert second.error == str(services.CONCURRENT_IMPORT_MESSAGE)
    page = client.get(f"/people/import/{second.pk}/").content.decode()
    assert str(services.CONCURRENT_IMPORT_MESSAGE) in page
    assert "UNIQUE" not in page
    assert Person.objects.filter(town=world.xinmiao, name__startswith="冉").count() == len(PEOPLE)
