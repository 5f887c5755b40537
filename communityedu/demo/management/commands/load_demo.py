from django.core.management.base import BaseCommand

from communityedu.demo import loader


class Command(BaseCommand):
    help = "Load the demo towns (Xinmiao and Nantuo) with their structure, residents and accounts, once: a demo town that exists is left as it is."

    def handle(self, *args, **options):
        loader.load(stdout=self.stdout)
        self.stdout.write(
            "\nDemo accounts (password Xinmiao@2020): office, school, center, dept, teacher, volunteer,"
            " moderator, auditor, evaluator, admin, nantuo\n"
            # No resident's phone in a log, not even the demo's: README gives it.
            "Demo resident: the phone and PIN given in README.md (居民登录)\n"
        )
