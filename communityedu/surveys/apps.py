from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "communityedu.surveys"
    label = "surveys"
