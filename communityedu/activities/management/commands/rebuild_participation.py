from django.core.management.base import BaseCommand, CommandError

from communityedu.activities.rollups import rebuild_participation
from communityedu.organization.models import Town


class Command(BaseCommand):
    help = (
        "Rebuild the participation rollups (each resident's first attendance of a year) from the raw attendance"
        " ledger. The services keep them current; run this after loading attendance in bulk or to repair them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--town", help="The town's slug, e.g. xinmiao (default: every town)")
        parser.add_argument("--year", type=int, action="append", help="A year to rebuild (repeatable; default: all)")

    def handle(self, *args, **options):
        towns = Town.objects.all()
        if options["town"]:
            towns = towns.filter(slug=options["town"])
            if not towns.exists():
                raise CommandError(f"No town with the slug {options['town']!r}.")
        for town in towns:
            rows = rebuild_participation(town_id=town.pk, years=options["year"])
            self.stdout.write(f"{town.slug}: {rows} participants\n")
