from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "communityedu.learning"
    label = "learning"
