from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "communityedu.messaging"
    label = "messaging"

    def ready(self):
        from communityedu.messaging import checks  # noqa: F401 - registers the settings checks
