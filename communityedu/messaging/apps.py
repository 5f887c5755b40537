from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "communityedu.messaging"
    label = "messaging"
