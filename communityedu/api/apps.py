from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "communityedu.api"
    label = "api"
