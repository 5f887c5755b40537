from django.core.management.base import BaseCommand

from communityedu.demo import loader


class Command(BaseCommand):
    help = "Load the demo towns (Xinmiao and Nantuo) with their structure, residents and accounts. Idempotent."

    def handle(self, *args, **options):
        loader.load(stdout=self.stdout)
        self.stdout.write(
            "\nDemo accounts (password Xinmiao@2020): office, school, center, dept, teacher, volunteer,"
            " moderator, auditor, evaluator, admin, nantuo\n"
            "Demo resident: phone 13800000000, PIN 202020\n"
        )
